package sqlite

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

const tenantColumns = `id, env_id, name, parent_id, metadata, created_at, updated_at`

func scanTenant(sc scanner) (*store.Tenant, error) {
	var t store.Tenant
	var created, updated int64
	if err := sc.Scan(&t.ID, &t.EnvID, &t.Name, &t.ParentID, &t.Metadata, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// CreateTenant inserts t; ErrConflict if t.ID exists.
func (s *Store) CreateTenant(ctx context.Context, t *store.Tenant) error {
	_, err := s.exec(ctx, "create tenant",
		`INSERT INTO tenants (`+tenantColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EnvID, t.Name, t.ParentID, t.Metadata, micros(t.CreatedAt), micros(t.UpdatedAt))
	return err
}

// GetTenant returns tenant id of envID.
func (s *Store) GetTenant(ctx context.Context, envID, id string) (*store.Tenant, error) {
	return getOne(ctx, s.r, "get tenant", scanTenant,
		`SELECT `+tenantColumns+` FROM tenants WHERE id = ? AND env_id = ?`, id, envID)
}

// UpdateTenant replaces the stored tenant (matched by ID and EnvID);
// ErrNotFound if absent.
func (s *Store) UpdateTenant(ctx context.Context, t *store.Tenant) error {
	return s.execOne(ctx, "update tenant",
		`UPDATE tenants SET name = ?, parent_id = ?, metadata = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND env_id = ?`,
		t.Name, t.ParentID, t.Metadata, micros(t.CreatedAt), micros(t.UpdatedAt), t.ID, t.EnvID)
}

// DeleteTenant removes the tenant and, by cascade, its memberships;
// ErrNotFound if absent.
func (s *Store) DeleteTenant(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete tenant", `DELETE FROM tenants WHERE id = ? AND env_id = ?`, id, envID)
}

// ListTenants returns the tenants of envID, oldest first.
func (s *Store) ListTenants(ctx context.Context, envID string) ([]store.Tenant, error) {
	return list(ctx, s.r, "list tenants", scanTenant,
		`SELECT `+tenantColumns+` FROM tenants WHERE env_id = ? ORDER BY created_at, rowid`, envID)
}
