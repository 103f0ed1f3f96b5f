package sqlite

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

const appUserColumns = `env_id, app_id, user_id, tenant_id, created_at`

func scanAppUser(sc scanner) (*store.ApplicationUser, error) {
	var a store.ApplicationUser
	var created int64
	if err := sc.Scan(&a.EnvID, &a.AppID, &a.UserID, &a.TenantID, &created); err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicros(created)
	return &a, nil
}

const appActiveColumns = `env_id, user_id, app_id, tenant_id, updated_at`

func scanAppActive(sc scanner) (*store.ApplicationActiveTenant, error) {
	var a store.ApplicationActiveTenant
	var updated int64
	if err := sc.Scan(&a.EnvID, &a.UserID, &a.AppID, &a.TenantID, &updated); err != nil {
		return nil, err
	}
	a.UpdatedAt = fromMicros(updated)
	return &a, nil
}

// PutApplicationUser assigns the user, as a member of a.TenantID, to
// a.AppID; an existing assignment stays as it was. ErrNotFound (the
// membership foreign key) if the user is not a member of the tenant in
// a.EnvID.
func (s *Store) PutApplicationUser(ctx context.Context, a *store.ApplicationUser) error {
	_, err := s.exec(ctx, "put application user",
		`INSERT INTO application_users (`+appUserColumns+`) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (app_id, user_id, tenant_id) DO NOTHING`,
		a.EnvID, a.AppID, a.UserID, a.TenantID, micros(a.CreatedAt))
	return err
}

// DeleteApplicationUser removes the assignment; ErrNotFound if absent.
func (s *Store) DeleteApplicationUser(ctx context.Context, appID, userID, tenantID string) error {
	return s.execOne(ctx, "delete application user",
		`DELETE FROM application_users WHERE app_id = ? AND user_id = ? AND tenant_id = ?`, appID, userID, tenantID)
}

// ListApplicationUsers returns the assignments to appID in envID, oldest
// first (ties by user id, then tenant id).
func (s *Store) ListApplicationUsers(ctx context.Context, envID, appID string) ([]store.ApplicationUser, error) {
	return list(ctx, s.r, "list application users", scanAppUser,
		`SELECT `+appUserColumns+` FROM application_users WHERE env_id = ? AND app_id = ?
		 ORDER BY created_at, user_id, tenant_id`, envID, appID)
}

// ListUserApplications returns userID's assignments, oldest first (ties by
// application id, then tenant id).
func (s *Store) ListUserApplications(ctx context.Context, userID string) ([]store.ApplicationUser, error) {
	return list(ctx, s.r, "list user applications", scanAppUser,
		`SELECT `+appUserColumns+` FROM application_users WHERE user_id = ?
		 ORDER BY created_at, app_id, tenant_id`, userID)
}

// PutApplicationActiveTenant inserts or replaces the user's active tenant
// in a.AppID; ErrNotFound if the user is not a member of a.TenantID in
// a.EnvID.
func (s *Store) PutApplicationActiveTenant(ctx context.Context, a *store.ApplicationActiveTenant) error {
	_, err := s.exec(ctx, "put application active tenant",
		`INSERT INTO application_active_tenants (`+appActiveColumns+`) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (user_id, app_id) DO UPDATE SET env_id = excluded.env_id,
			tenant_id = excluded.tenant_id, updated_at = excluded.updated_at`,
		a.EnvID, a.UserID, a.AppID, a.TenantID, micros(a.UpdatedAt))
	return err
}

// ListApplicationActiveTenants returns userID's active tenants, by
// application id.
func (s *Store) ListApplicationActiveTenants(ctx context.Context, userID string) ([]store.ApplicationActiveTenant, error) {
	return list(ctx, s.r, "list application active tenants", scanAppActive,
		`SELECT `+appActiveColumns+` FROM application_active_tenants WHERE user_id = ? ORDER BY app_id`, userID)
}
