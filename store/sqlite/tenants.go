package sqlite

import (
	"context"
	"strings"

	"github.com/yolkauth/yolk/store"
)

const tenantColumns = `id, env_id, name, parent_id, metadata, alias, status, is_reseller, creator_name, creator_email, created_at, updated_at`

func scanTenant(sc scanner) (*store.Tenant, error) {
	var t store.Tenant
	var created, updated int64
	if err := sc.Scan(&t.ID, &t.EnvID, &t.Name, &t.ParentID, &t.Metadata, &t.Alias, &t.Status, &t.IsReseller,
		&t.CreatorName, &t.CreatorEmail, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

// CreateTenant inserts t; ErrConflict if t.ID exists or its alias is taken
// in its environment.
func (s *Store) CreateTenant(ctx context.Context, t *store.Tenant) error {
	_, err := s.exec(ctx, "create tenant",
		`INSERT INTO tenants (`+tenantColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EnvID, t.Name, t.ParentID, t.Metadata, t.Alias, t.Status, t.IsReseller, t.CreatorName, t.CreatorEmail,
		micros(t.CreatedAt), micros(t.UpdatedAt))
	return err
}

// GetTenant returns tenant id of envID.
func (s *Store) GetTenant(ctx context.Context, envID, id string) (*store.Tenant, error) {
	return getOne(ctx, s.r, "get tenant", scanTenant,
		`SELECT `+tenantColumns+` FROM tenants WHERE id = ? AND env_id = ?`, id, envID)
}

// GetTenantByAlias returns the tenant of envID whose alias is alias.
func (s *Store) GetTenantByAlias(ctx context.Context, envID, alias string) (*store.Tenant, error) {
	return getOne(ctx, s.r, "get tenant by alias", scanTenant,
		`SELECT `+tenantColumns+` FROM tenants WHERE env_id = ? AND alias = ? AND alias <> ''`, envID, alias)
}

// UpdateTenant replaces the stored tenant (matched by ID and EnvID);
// ErrNotFound if absent, ErrConflict if its alias is taken.
func (s *Store) UpdateTenant(ctx context.Context, t *store.Tenant) error {
	return s.execOne(ctx, "update tenant",
		`UPDATE tenants SET name = ?, parent_id = ?, metadata = ?, alias = ?, status = ?, is_reseller = ?,
		 creator_name = ?, creator_email = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND env_id = ?`,
		t.Name, t.ParentID, t.Metadata, t.Alias, t.Status, t.IsReseller, t.CreatorName, t.CreatorEmail,
		micros(t.CreatedAt), micros(t.UpdatedAt), t.ID, t.EnvID)
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

// likeEscaper escapes LIKE's wildcards (and its escape character) so a
// search string matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// QueryTenants returns one page of the tenants q selects and their total.
// Each order has its index (migration 0010); the search is a LIKE, which
// compares ASCII letters case-insensitively.
func (s *Store) QueryTenants(ctx context.Context, q store.TenantQuery) ([]store.Tenant, int, error) {
	where, args := `env_id = ?`, []any{q.EnvID}
	if q.IDs != nil {
		where, args = where+` AND id IN (SELECT value FROM json_each(?))`, append(args, idsJSON(q.IDs))
	}
	if q.Search != "" {
		pat := "%" + likeEscaper.Replace(q.Search) + "%"
		where, args = where+` AND (name LIKE ? ESCAPE '\' OR id LIKE ? ESCAPE '\')`, append(args, pat, pat)
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	var order string
	switch q.Sort {
	case store.SortTenantsByName:
		order = `name COLLATE NOCASE` + dir + `, id` + dir
	case store.SortTenantsByID:
		order = `id` + dir
	default:
		order = `created_at` + dir + `, id` + dir
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM tenants WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap("count tenants", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	page, err := list(ctx, s.r, "query tenants", scanTenant,
		`SELECT `+tenantColumns+` FROM tenants WHERE `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	return page, total, nil
}
