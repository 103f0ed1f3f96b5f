package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

const apiTokenColumns = `id, env_id, tenant_id, user_id, type, description, secret_hash, metadata,
	role_ids, permission_ids, created_by_user_id, created_at, expires_at`

func scanAPIToken(sc scanner) (*store.APIToken, error) {
	var t store.APIToken
	var roles, perms string
	var created int64
	var expires sql.NullInt64
	if err := sc.Scan(&t.ID, &t.EnvID, &t.TenantID, &t.UserID, &t.Type, &t.Description, &t.SecretHash, &t.Metadata,
		&roles, &perms, &t.CreatedByUserID, &created, &expires); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &t.RoleIDs); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(perms), &t.PermissionIDs); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = fromMicros(created), fromNullMicros(expires)
	return &t, nil
}

// CreateAPIToken inserts t; ErrConflict if t.ID exists.
func (s *Store) CreateAPIToken(ctx context.Context, t *store.APIToken) error {
	roles, err := jsonStrings(t.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: create API token: %w", err)
	}
	perms, err := jsonStrings(t.PermissionIDs)
	if err != nil {
		return fmt.Errorf("sqlite: create API token: %w", err)
	}
	_, err = s.exec(ctx, "create API token",
		`INSERT INTO api_tokens (`+apiTokenColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EnvID, t.TenantID, t.UserID, t.Type, t.Description, t.SecretHash, t.Metadata,
		roles, perms, t.CreatedByUserID, micros(t.CreatedAt), nullMicros(t.ExpiresAt))
	return err
}

// GetAPIToken returns token id of envID.
func (s *Store) GetAPIToken(ctx context.Context, envID, id string) (*store.APIToken, error) {
	return getOne(ctx, s.r, "get API token", scanAPIToken,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE id = ? AND env_id = ?`, id, envID)
}

// UpdateAPIToken replaces the stored token, keeping its tenant, user and
// type; ErrNotFound if absent.
func (s *Store) UpdateAPIToken(ctx context.Context, t *store.APIToken) error {
	roles, err := jsonStrings(t.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: update API token: %w", err)
	}
	perms, err := jsonStrings(t.PermissionIDs)
	if err != nil {
		return fmt.Errorf("sqlite: update API token: %w", err)
	}
	return s.execOne(ctx, "update API token",
		`UPDATE api_tokens SET description = ?, secret_hash = ?, metadata = ?, role_ids = ?, permission_ids = ?,
		 created_by_user_id = ?, created_at = ?, expires_at = ? WHERE id = ? AND env_id = ?`,
		t.Description, t.SecretHash, t.Metadata, roles, perms, t.CreatedByUserID, micros(t.CreatedAt),
		nullMicros(t.ExpiresAt), t.ID, t.EnvID)
}

// DeleteAPIToken removes token id of envID; ErrNotFound if absent.
func (s *Store) DeleteAPIToken(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete API token", `DELETE FROM api_tokens WHERE id = ? AND env_id = ?`, id, envID)
}

// ListAPITokens returns the tokens of envID that match f, oldest first.
func (s *Store) ListAPITokens(ctx context.Context, envID string, f store.APITokenFilter) ([]store.APIToken, error) {
	where, args := "env_id = ?", []any{envID}
	if f.TenantID != "" {
		where, args = where+" AND tenant_id = ?", append(args, f.TenantID)
	}
	if f.UserID != "" {
		where, args = where+" AND user_id = ?", append(args, f.UserID)
	}
	if len(f.Types) > 0 {
		types, err := jsonStrings(f.Types)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list API tokens: %w", err)
		}
		where, args = where+" AND type IN (SELECT value FROM json_each(?))", append(args, types)
	}
	return list(ctx, s.r, "list API tokens", scanAPIToken,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE `+where+` ORDER BY created_at, id`, args...)
}
