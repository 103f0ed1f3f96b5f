package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

const inviteColumns = `id, env_id, tenant_id, user_id, hash, role_ids, should_send_email, created_at, updated_at, expires_at`

func scanInvite(sc scanner) (*store.TenantInvite, error) {
	var inv store.TenantInvite
	var userID sql.NullString
	var roles string
	var created, updated, expires int64
	if err := sc.Scan(&inv.ID, &inv.EnvID, &inv.TenantID, &userID, &inv.Hash, &roles, &inv.ShouldSendEmail,
		&created, &updated, &expires); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &inv.RoleIDs); err != nil {
		return nil, fmt.Errorf("decode role ids: %w", err)
	}
	inv.UserID = userID.String
	inv.CreatedAt, inv.UpdatedAt, inv.ExpiresAt = fromMicros(created), fromMicros(updated), fromMicros(expires)
	return &inv, nil
}

// nullString stores "" as NULL.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CreateTenantInvite inserts inv. ErrConflict if its id or hash exists, or
// if inv.UserID already has an invite to inv.TenantID; ErrNotFound if the
// tenant, or the user when UserID is set, does not exist in inv.EnvID.
func (s *Store) CreateTenantInvite(ctx context.Context, inv *store.TenantInvite) error {
	roles, err := jsonStrings(inv.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: create tenant invite: %w", err)
	}
	_, err = s.exec(ctx, "create tenant invite",
		`INSERT INTO tenant_invites (`+inviteColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.EnvID, inv.TenantID, nullString(inv.UserID), nonNil(inv.Hash), roles, inv.ShouldSendEmail,
		micros(inv.CreatedAt), micros(inv.UpdatedAt), micros(inv.ExpiresAt))
	return err
}

// GetTenantInvite returns invite id of envID.
func (s *Store) GetTenantInvite(ctx context.Context, envID, id string) (*store.TenantInvite, error) {
	return getOne(ctx, s.r, "get tenant invite", scanInvite,
		`SELECT `+inviteColumns+` FROM tenant_invites WHERE id = ? AND env_id = ?`, id, envID)
}

// GetTenantInviteByHash returns the invite whose token hash is hash.
func (s *Store) GetTenantInviteByHash(ctx context.Context, hash []byte) (*store.TenantInvite, error) {
	return getOne(ctx, s.r, "get tenant invite by hash", scanInvite,
		`SELECT `+inviteColumns+` FROM tenant_invites WHERE hash = ?`, nonNil(hash))
}

// GetUserTenantInvite returns userID's invite to tenantID.
func (s *Store) GetUserTenantInvite(ctx context.Context, envID, tenantID, userID string) (*store.TenantInvite, error) {
	return getOne(ctx, s.r, "get user tenant invite", scanInvite,
		`SELECT `+inviteColumns+` FROM tenant_invites WHERE tenant_id = ? AND user_id = ? AND env_id = ?`,
		tenantID, userID, envID)
}

// UpdateTenantInvite replaces the stored invite's RoleIDs,
// ShouldSendEmail, UpdatedAt and ExpiresAt; ErrNotFound if absent.
func (s *Store) UpdateTenantInvite(ctx context.Context, inv *store.TenantInvite) error {
	roles, err := jsonStrings(inv.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: update tenant invite: %w", err)
	}
	return s.execOne(ctx, "update tenant invite",
		`UPDATE tenant_invites SET role_ids = ?, should_send_email = ?, updated_at = ?, expires_at = ?
		 WHERE id = ? AND env_id = ?`,
		roles, inv.ShouldSendEmail, micros(inv.UpdatedAt), micros(inv.ExpiresAt), inv.ID, inv.EnvID)
}

// DeleteTenantInvite removes invite id; ErrNotFound if absent.
func (s *Store) DeleteTenantInvite(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete tenant invite", `DELETE FROM tenant_invites WHERE id = ? AND env_id = ?`, id, envID)
}

// ListTenantInvites returns every invite of envID, oldest first.
func (s *Store) ListTenantInvites(ctx context.Context, envID string) ([]store.TenantInvite, error) {
	return list(ctx, s.r, "list tenant invites", scanInvite,
		`SELECT `+inviteColumns+` FROM tenant_invites WHERE env_id = ? ORDER BY created_at, id`, envID)
}
