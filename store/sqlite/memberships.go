package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

const membershipColumns = `user_id, tenant_id, env_id, role_ids, disabled, sub_account_access, expires_at, created_at, updated_at`

func scanMembership(sc scanner) (*store.Membership, error) {
	var m store.Membership
	var roles string
	var expires sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&m.UserID, &m.TenantID, &m.EnvID, &roles, &m.Disabled, &m.SubAccountAccess, &expires, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &m.RoleIDs); err != nil {
		return nil, fmt.Errorf("decode role ids: %w", err)
	}
	m.ExpiresAt, m.CreatedAt, m.UpdatedAt = fromNullMicros(expires), fromMicros(created), fromMicros(updated)
	return &m, nil
}

// jsonStrings encodes a string slice as a JSON array (nil as null, so nil
// and empty slices round-trip as they were).
func jsonStrings(v []string) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// PutMembership inserts or replaces the membership (UserID, TenantID).
// ErrNotFound if the user or tenant does not exist.
func (s *Store) PutMembership(ctx context.Context, m *store.Membership) error {
	roles, err := jsonStrings(m.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: put membership: %w", err)
	}
	_, err = s.exec(ctx, "put membership",
		`INSERT INTO memberships (`+membershipColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (user_id, tenant_id) DO UPDATE SET env_id = excluded.env_id,
			role_ids = excluded.role_ids, disabled = excluded.disabled,
			sub_account_access = excluded.sub_account_access, expires_at = excluded.expires_at,
			created_at = excluded.created_at, updated_at = excluded.updated_at`,
		m.UserID, m.TenantID, m.EnvID, roles, m.Disabled, m.SubAccountAccess, nullMicros(m.ExpiresAt),
		micros(m.CreatedAt), micros(m.UpdatedAt))
	return err
}

// GetMembership returns the membership of userID in tenantID.
func (s *Store) GetMembership(ctx context.Context, userID, tenantID string) (*store.Membership, error) {
	return getOne(ctx, s.r, "get membership", scanMembership,
		`SELECT `+membershipColumns+` FROM memberships WHERE user_id = ? AND tenant_id = ?`, userID, tenantID)
}

// DeleteMembership removes it; ErrNotFound if absent.
func (s *Store) DeleteMembership(ctx context.Context, userID, tenantID string) error {
	return s.execOne(ctx, "delete membership",
		`DELETE FROM memberships WHERE user_id = ? AND tenant_id = ?`, userID, tenantID)
}

// ListUserMemberships returns userID's memberships, oldest first.
func (s *Store) ListUserMemberships(ctx context.Context, userID string) ([]store.Membership, error) {
	return list(ctx, s.r, "list user memberships", scanMembership,
		`SELECT `+membershipColumns+` FROM memberships WHERE user_id = ? ORDER BY created_at, rowid`, userID)
}

// ListTenantMemberships returns tenantID's memberships, oldest first.
func (s *Store) ListTenantMemberships(ctx context.Context, tenantID string) ([]store.Membership, error) {
	return list(ctx, s.r, "list tenant memberships", scanMembership,
		`SELECT `+membershipColumns+` FROM memberships WHERE tenant_id = ? ORDER BY created_at, rowid`, tenantID)
}

// PutPassword inserts or replaces the password of c.UserID; ErrNotFound if
// the user does not exist.
func (s *Store) PutPassword(ctx context.Context, c *store.PasswordCredential) error {
	history, err := jsonStrings(c.History)
	if err != nil {
		return fmt.Errorf("sqlite: put password: %w", err)
	}
	_, err = s.exec(ctx, "put password",
		`INSERT INTO passwords (user_id, hash, history, updated_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, history = excluded.history, updated_at = excluded.updated_at`,
		c.UserID, c.Hash, history, micros(c.UpdatedAt))
	return err
}

// GetPassword returns the password of userID; ErrNotFound if it has none.
func (s *Store) GetPassword(ctx context.Context, userID string) (*store.PasswordCredential, error) {
	return getOne(ctx, s.r, "get password", func(sc scanner) (*store.PasswordCredential, error) {
		var c store.PasswordCredential
		var history string
		var updated int64
		if err := sc.Scan(&c.UserID, &c.Hash, &history, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(history), &c.History); err != nil {
			return nil, fmt.Errorf("password history of user %s: %w", c.UserID, err)
		}
		c.UpdatedAt = fromMicros(updated)
		return &c, nil
	}, `SELECT user_id, hash, history, updated_at FROM passwords WHERE user_id = ?`, userID)
}
