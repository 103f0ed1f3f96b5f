package sqlite

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

const taskColumns = `id, env_id, tenant_id, kind, status, data, created_at, updated_at`

func scanTask(sc scanner) (*store.Task, error) {
	var t store.Task
	var created, updated int64
	if err := sc.Scan(&t.ID, &t.EnvID, &t.TenantID, &t.Kind, &t.Status, &t.Data, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// CreateTask inserts t; ErrConflict if the id exists.
func (s *Store) CreateTask(ctx context.Context, t *store.Task) error {
	_, err := s.exec(ctx, "create task",
		`INSERT INTO tasks (`+taskColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EnvID, t.TenantID, t.Kind, t.Status, t.Data, micros(t.CreatedAt), micros(t.UpdatedAt))
	return err
}

// GetTask returns task id of envID.
func (s *Store) GetTask(ctx context.Context, envID, id string) (*store.Task, error) {
	return getOne(ctx, s.r, "get task", scanTask,
		`SELECT `+taskColumns+` FROM tasks WHERE id = ? AND env_id = ?`, id, envID)
}

// UpdateTask replaces the stored task (matched by ID and EnvID);
// ErrNotFound if absent.
func (s *Store) UpdateTask(ctx context.Context, t *store.Task) error {
	return s.execOne(ctx, "update task",
		`UPDATE tasks SET tenant_id = ?, kind = ?, status = ?, data = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND env_id = ?`,
		t.TenantID, t.Kind, t.Status, t.Data, micros(t.CreatedAt), micros(t.UpdatedAt), t.ID, t.EnvID)
}
