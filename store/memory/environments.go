package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

// CreateEnvironment inserts env; ErrConflict if the id or client id exists.
func (s *Store) CreateEnvironment(ctx context.Context, env *store.Environment) error {
	c := cpEnv(env)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.envs[c.ID]; ok {
			return fmt.Errorf("memory: environment %q exists: %w", c.ID, store.ErrConflict)
		}
		if _, ok := st.envByClient[c.ClientID]; ok {
			return fmt.Errorf("memory: client id %q exists: %w", c.ClientID, store.ErrConflict)
		}
		st.envs[c.ID] = c
		st.envByClient[c.ClientID] = c.ID
		return nil
	})
}

// GetEnvironment returns the environment with id.
func (s *Store) GetEnvironment(ctx context.Context, id string) (*store.Environment, error) {
	var out *store.Environment
	err := s.read(ctx, func(st *state) error {
		e, ok := st.envs[id]
		if !ok {
			return fmt.Errorf("memory: environment %q: %w", id, store.ErrNotFound)
		}
		out = cpEnv(e)
		return nil
	})
	return out, err
}

// GetEnvironmentByClientID returns the environment with clientID.
func (s *Store) GetEnvironmentByClientID(ctx context.Context, clientID string) (*store.Environment, error) {
	var out *store.Environment
	err := s.read(ctx, func(st *state) error {
		id, ok := st.envByClient[clientID]
		if !ok {
			return fmt.Errorf("memory: environment with client id %q: %w", clientID, store.ErrNotFound)
		}
		out = cpEnv(st.envs[id])
		return nil
	})
	return out, err
}

// ListEnvironments returns every environment, oldest first.
func (s *Store) ListEnvironments(ctx context.Context) ([]store.Environment, error) {
	var out []store.Environment
	err := s.read(ctx, func(st *state) error {
		out = list(st.envs, slices.Collect(maps.Keys(st.envs)),
			func(e *store.Environment) time.Time { return e.CreatedAt },
			func(e *store.Environment) string { return e.ID }, cpEnv, false)
		return nil
	})
	return out, err
}

// UpdateEnvironment replaces the stored record; ErrNotFound if it does not
// exist, ErrConflict if its new client id belongs to another environment.
func (s *Store) UpdateEnvironment(ctx context.Context, env *store.Environment) error {
	c := cpEnv(env)
	return s.write(ctx, func(st *state) error {
		old, ok := st.envs[c.ID]
		if !ok {
			return fmt.Errorf("memory: environment %q: %w", c.ID, store.ErrNotFound)
		}
		if owner, ok := st.envByClient[c.ClientID]; ok && owner != c.ID {
			return fmt.Errorf("memory: client id %q exists: %w", c.ClientID, store.ErrConflict)
		}
		delete(st.envByClient, old.ClientID)
		st.envByClient[c.ClientID] = c.ID
		st.envs[c.ID] = c
		return nil
	})
}

// GetConfig returns the configuration of envID; ErrNotFound if it was never
// saved.
func (s *Store) GetConfig(ctx context.Context, envID string) (*store.EnvConfig, error) {
	var out *store.EnvConfig
	err := s.read(ctx, func(st *state) error {
		cfg, ok := st.configs[envID]
		if !ok {
			return fmt.Errorf("memory: configuration of environment %q: %w", envID, store.ErrNotFound)
		}
		out = cpConfig(cfg)
		return nil
	})
	return out, err
}

// PutConfig inserts or replaces the configuration of cfg.EnvID.
func (s *Store) PutConfig(ctx context.Context, cfg *store.EnvConfig) error {
	c := cpConfig(cfg)
	return s.write(ctx, func(st *state) error {
		st.configs[c.EnvID] = c
		return nil
	})
}
