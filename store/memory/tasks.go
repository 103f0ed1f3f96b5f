package memory

import (
	"context"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

func cpTask(t *store.Task) *store.Task {
	c := *t
	c.CreatedAt = normTime(t.CreatedAt)
	c.UpdatedAt = normTime(t.UpdatedAt)
	return &c
}

// task returns task id of envID, or ErrNotFound.
func (st *state) task(envID, id string) (*store.Task, error) {
	t, ok := st.tasks[id]
	if !ok || t.EnvID != envID {
		return nil, fmt.Errorf("memory: task %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return t, nil
}

// CreateTask inserts t; ErrConflict if the id exists (in any environment).
func (s *Store) CreateTask(ctx context.Context, t *store.Task) error {
	c := cpTask(t)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.tasks[c.ID]; ok {
			return fmt.Errorf("memory: task %q exists: %w", c.ID, store.ErrConflict)
		}
		st.tasks[c.ID] = c
		return nil
	})
}

// GetTask returns task id of envID.
func (s *Store) GetTask(ctx context.Context, envID, id string) (*store.Task, error) {
	var out *store.Task
	err := s.read(ctx, func(st *state) error {
		t, err := st.task(envID, id)
		if err != nil {
			return err
		}
		out = cpTask(t)
		return nil
	})
	return out, err
}

// UpdateTask replaces the stored task (matched by ID and EnvID);
// ErrNotFound if absent.
func (s *Store) UpdateTask(ctx context.Context, t *store.Task) error {
	c := cpTask(t)
	return s.write(ctx, func(st *state) error {
		if _, err := st.task(c.EnvID, c.ID); err != nil {
			return err
		}
		st.tasks[c.ID] = c
		return nil
	})
}
