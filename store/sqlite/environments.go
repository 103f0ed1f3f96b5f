package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

const envColumns = `id, client_id, secret_hash, created_at, updated_at`

func scanEnvironment(sc scanner) (*store.Environment, error) {
	var e store.Environment
	var created, updated int64
	if err := sc.Scan(&e.ID, &e.ClientID, &e.SecretHash, &created, &updated); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// CreateEnvironment inserts env; ErrConflict if the id or client id exists.
func (s *Store) CreateEnvironment(ctx context.Context, env *store.Environment) error {
	_, err := s.exec(ctx, "create environment",
		`INSERT INTO environments (`+envColumns+`) VALUES (?, ?, ?, ?, ?)`,
		env.ID, env.ClientID, env.SecretHash, micros(env.CreatedAt), micros(env.UpdatedAt))
	return err
}

// GetEnvironment returns the environment with id.
func (s *Store) GetEnvironment(ctx context.Context, id string) (*store.Environment, error) {
	return getOne(ctx, s.r, "get environment", scanEnvironment,
		`SELECT `+envColumns+` FROM environments WHERE id = ?`, id)
}

// GetEnvironmentByClientID returns the environment with clientID.
func (s *Store) GetEnvironmentByClientID(ctx context.Context, clientID string) (*store.Environment, error) {
	return getOne(ctx, s.r, "get environment by client id", scanEnvironment,
		`SELECT `+envColumns+` FROM environments WHERE client_id = ?`, clientID)
}

// ListEnvironments returns every environment, oldest first.
func (s *Store) ListEnvironments(ctx context.Context) ([]store.Environment, error) {
	return list(ctx, s.r, "list environments", scanEnvironment,
		`SELECT `+envColumns+` FROM environments ORDER BY created_at, rowid`)
}

// UpdateEnvironment replaces the stored record; ErrNotFound if it does not
// exist, ErrConflict if the new client id belongs to another environment.
func (s *Store) UpdateEnvironment(ctx context.Context, env *store.Environment) error {
	return s.execOne(ctx, "update environment",
		`UPDATE environments SET client_id = ?, secret_hash = ?, created_at = ?, updated_at = ? WHERE id = ?`,
		env.ClientID, env.SecretHash, micros(env.CreatedAt), micros(env.UpdatedAt), env.ID)
}

// GetConfig returns the configuration of envID; ErrNotFound if it was never
// saved.
func (s *Store) GetConfig(ctx context.Context, envID string) (*store.EnvConfig, error) {
	return getOne(ctx, s.r, "get config", func(sc scanner) (*store.EnvConfig, error) {
		var data string
		var updated int64
		if err := sc.Scan(&data, &updated); err != nil {
			return nil, err
		}
		var c store.EnvConfig
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			return nil, fmt.Errorf("decode config: %w", err)
		}
		c.EnvID, c.UpdatedAt = envID, fromMicros(updated)
		return &c, nil
	}, `SELECT data, updated_at FROM env_configs WHERE env_id = ?`, envID)
}

// PutConfig inserts or replaces the configuration of cfg.EnvID. The settings
// are stored as a JSON object keyed by field name; EnvID and UpdatedAt are
// columns of their own.
func (s *Store) PutConfig(ctx context.Context, cfg *store.EnvConfig) error {
	data, err := configJSON(cfg)
	if err != nil {
		return fmt.Errorf("sqlite: put config: %w", err)
	}
	_, err = s.exec(ctx, "put config",
		`INSERT INTO env_configs (env_id, data, updated_at) VALUES (?, ?, ?)
		 ON CONFLICT (env_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		cfg.EnvID, data, micros(cfg.UpdatedAt))
	return err
}

// configJSON encodes cfg's settings, leaving out EnvID and UpdatedAt.
func configJSON(cfg *store.EnvConfig) (string, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	delete(m, "EnvID")
	delete(m, "UpdatedAt")
	if b, err = json.Marshal(m); err != nil {
		return "", err
	}
	return string(b), nil
}
