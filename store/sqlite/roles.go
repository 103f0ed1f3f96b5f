package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/yolkauth/yolk/store"
)

// atomic runs fn in s's transaction when there is one (through a
// savepoint, so a failing fn leaves no trace), else in a new transaction:
// the store methods that run several statements are all-or-nothing.
func (s *Store) atomic(ctx context.Context, fn func(tx *Store) error) error {
	return s.InTx(ctx, func(tx store.Store) error { return fn(tx.(*Store)) })
}

// decodeIDs decodes a JSON array of ids, sorted ascending.
func decodeIDs(v string) ([]string, error) {
	var ids []string
	if err := json.Unmarshal([]byte(v), &ids); err != nil {
		return nil, fmt.Errorf("decode ids: %w", err)
	}
	if ids == nil {
		ids = []string{}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// idsJSON encodes ids for json_each.
func idsJSON(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids) // a []string always encodes
	return string(b)
}

const roleSelect = `SELECT r.id, r.env_id, r.tenant_id, r.key, r.name, r.description, r.level, r.is_default,
	r.first_user_role, r.created_at, r.updated_at,
	(SELECT json_group_array(rp.permission_id) FROM role_permissions rp WHERE rp.role_id = r.id)
	FROM roles r`

func scanRole(sc scanner) (*store.Role, error) {
	var r store.Role
	var perms string
	var created, updated int64
	if err := sc.Scan(&r.ID, &r.EnvID, &r.TenantID, &r.Key, &r.Name, &r.Description, &r.Level, &r.IsDefault,
		&r.FirstUserRole, &created, &updated, &perms); err != nil {
		return nil, err
	}
	ids, err := decodeIDs(perms)
	if err != nil {
		return nil, err
	}
	r.PermissionIDs, r.CreatedAt, r.UpdatedAt = ids, fromMicros(created), fromMicros(updated)
	return &r, nil
}

// linkPermissions replaces the permission links of role r.
func (s *Store) linkPermissions(ctx context.Context, op string, r *store.Role) error {
	if _, err := s.exec(ctx, op, `DELETE FROM role_permissions WHERE role_id = ?`, r.ID); err != nil {
		return err
	}
	_, err := s.exec(ctx, op,
		`INSERT INTO role_permissions (role_id, permission_id, env_id) SELECT DISTINCT ?, value, ? FROM json_each(?)`,
		r.ID, r.EnvID, idsJSON(r.PermissionIDs))
	return err
}

// CreateRole inserts r with its permission links.
func (s *Store) CreateRole(ctx context.Context, r *store.Role) error {
	return s.atomic(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, "create role",
			`INSERT INTO roles (id, env_id, tenant_id, key, name, description, level, is_default, first_user_role, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.EnvID, r.TenantID, r.Key, r.Name, r.Description, r.Level, r.IsDefault, r.FirstUserRole,
			micros(r.CreatedAt), micros(r.UpdatedAt)); err != nil {
			return err
		}
		return tx.linkPermissions(ctx, "create role", r)
	})
}

// GetRole returns role id of envID.
func (s *Store) GetRole(ctx context.Context, envID, id string) (*store.Role, error) {
	return getOne(ctx, s.r, "get role", scanRole, roleSelect+` WHERE r.id = ? AND r.env_id = ?`, id, envID)
}

// ListRoles returns every role of envID, oldest first.
func (s *Store) ListRoles(ctx context.Context, envID string) ([]store.Role, error) {
	return list(ctx, s.r, "list roles", scanRole, roleSelect+` WHERE r.env_id = ? ORDER BY r.created_at, r.id`, envID)
}

// GetRolesByIDs returns the roles of envID among ids, oldest first.
func (s *Store) GetRolesByIDs(ctx context.Context, envID string, ids []string) ([]store.Role, error) {
	return list(ctx, s.r, "get roles", scanRole,
		roleSelect+` WHERE r.env_id = ? AND r.id IN (SELECT value FROM json_each(?)) ORDER BY r.created_at, r.id`,
		envID, idsJSON(ids))
}

// grantedPermission is a permission as GetRolesWithPermissions's JSON
// column carries it.
type grantedPermission struct {
	ID             string `json:"i"`
	EnvID          string `json:"e"`
	Key            string `json:"k"`
	Name           string `json:"n"`
	Description    string `json:"d"`
	CategoryID     string `json:"c"`
	FePermission   int    `json:"f"`
	AssignmentType string `json:"a"`
	CreatedAt      int64  `json:"ca"`
	UpdatedAt      int64  `json:"ua"`
}

// GetRolesWithPermissions returns the roles of envID among ids and the
// permissions they grant, both oldest first, with one statement: each role
// row carries its permissions as a JSON array.
func (s *Store) GetRolesWithPermissions(ctx context.Context, envID string, ids []string) ([]store.Role, []store.Permission, error) {
	const op = "get roles with permissions"
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.env_id, r.tenant_id, r.key, r.name, r.description, r.level,
		r.is_default, r.first_user_role, r.created_at, r.updated_at,
		(SELECT json_group_array(json_object('i', p.id, 'e', p.env_id, 'k', p.key, 'n', p.name, 'd', p.description,
			'c', COALESCE(p.category_id, ''), 'f', p.fe_permission, 'a', p.assignment_type,
			'ca', p.created_at, 'ua', p.updated_at))
		 FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id = r.id)
		FROM roles r WHERE r.env_id = ? AND r.id IN (SELECT value FROM json_each(?)) ORDER BY r.created_at, r.id`,
		envID, idsJSON(ids))
	if err != nil {
		return nil, nil, wrap(op, err)
	}
	defer rows.Close()
	roles := []store.Role{}
	byID := map[string]store.Permission{}
	for rows.Next() {
		var r store.Role
		var granted string
		var created, updated int64
		if err := rows.Scan(&r.ID, &r.EnvID, &r.TenantID, &r.Key, &r.Name, &r.Description, &r.Level, &r.IsDefault,
			&r.FirstUserRole, &created, &updated, &granted); err != nil {
			return nil, nil, wrap(op, err)
		}
		var gs []grantedPermission
		if err := json.Unmarshal([]byte(granted), &gs); err != nil {
			return nil, nil, wrap(op, fmt.Errorf("decode permissions: %w", err))
		}
		r.PermissionIDs = make([]string, 0, len(gs))
		for _, g := range gs {
			r.PermissionIDs = append(r.PermissionIDs, g.ID)
			byID[g.ID] = store.Permission{ID: g.ID, EnvID: g.EnvID, Key: g.Key, Name: g.Name, Description: g.Description,
				CategoryID: g.CategoryID, FePermission: g.FePermission != 0, AssignmentType: g.AssignmentType,
				CreatedAt: fromMicros(g.CreatedAt), UpdatedAt: fromMicros(g.UpdatedAt)}
		}
		slices.Sort(r.PermissionIDs)
		r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
		roles = append(roles, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap(op, err)
	}
	perms := make([]store.Permission, 0, len(byID))
	for _, p := range byID {
		perms = append(perms, p)
	}
	slices.SortFunc(perms, func(a, b store.Permission) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return roles, perms, nil
}

// UpdateRole replaces the stored role with its permission links.
func (s *Store) UpdateRole(ctx context.Context, r *store.Role) error {
	return s.atomic(ctx, func(tx *Store) error {
		if err := tx.execOne(ctx, "update role",
			`UPDATE roles SET tenant_id = ?, key = ?, name = ?, description = ?, level = ?, is_default = ?,
				first_user_role = ?, created_at = ?, updated_at = ? WHERE id = ? AND env_id = ?`,
			r.TenantID, r.Key, r.Name, r.Description, r.Level, r.IsDefault, r.FirstUserRole,
			micros(r.CreatedAt), micros(r.UpdatedAt), r.ID, r.EnvID); err != nil {
			return err
		}
		return tx.linkPermissions(ctx, "update role", r)
	})
}

// DeleteRole removes the role, its permission links (by cascade) and its id
// from every membership holding it.
func (s *Store) DeleteRole(ctx context.Context, envID, id string) error {
	return s.atomic(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, "delete role",
			`UPDATE memberships SET role_ids =
				(SELECT json_group_array(j.value) FROM json_each(memberships.role_ids) j WHERE j.value IS NOT ?1)
			 WHERE env_id = ?2 AND (user_id, tenant_id) IN
				(SELECT user_id, tenant_id FROM membership_roles WHERE role_id = ?1)`, id, envID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "delete role",
			`UPDATE user_groups SET role_ids =
				(SELECT json_group_array(j.value) FROM json_each(user_groups.role_ids) j WHERE j.value IS NOT ?1)
			 WHERE env_id = ?2 AND EXISTS (SELECT 1 FROM json_each(user_groups.role_ids) j WHERE j.value = ?1)`,
			id, envID); err != nil {
			return err
		}
		return tx.execOne(ctx, "delete role", `DELETE FROM roles WHERE id = ? AND env_id = ?`, id, envID)
	})
}

// ListRoleMemberships returns the memberships of envID holding roleID,
// oldest first.
func (s *Store) ListRoleMemberships(ctx context.Context, envID, roleID string) ([]store.Membership, error) {
	return list(ctx, s.r, "list role memberships", scanMembership,
		`SELECT `+membershipColumns+` FROM memberships WHERE env_id = ? AND (user_id, tenant_id) IN
			(SELECT user_id, tenant_id FROM membership_roles WHERE role_id = ?) ORDER BY created_at, rowid`,
		envID, roleID)
}

const permissionColumns = `id, env_id, key, name, description, COALESCE(category_id, ''), fe_permission,
	assignment_type, created_at, updated_at`

func scanPermission(sc scanner) (*store.Permission, error) {
	var p store.Permission
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.EnvID, &p.Key, &p.Name, &p.Description, &p.CategoryID, &p.FePermission,
		&p.AssignmentType, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreatePermission inserts p.
func (s *Store) CreatePermission(ctx context.Context, p *store.Permission) error {
	_, err := s.exec(ctx, "create permission",
		`INSERT INTO permissions (id, env_id, key, name, description, category_id, fe_permission, assignment_type, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?)`,
		p.ID, p.EnvID, p.Key, p.Name, p.Description, p.CategoryID, p.FePermission, p.AssignmentType,
		micros(p.CreatedAt), micros(p.UpdatedAt))
	return err
}

// GetPermission returns permission id of envID.
func (s *Store) GetPermission(ctx context.Context, envID, id string) (*store.Permission, error) {
	return getOne(ctx, s.r, "get permission", scanPermission,
		`SELECT `+permissionColumns+` FROM permissions WHERE id = ? AND env_id = ?`, id, envID)
}

// ListPermissions returns the permissions of envID, oldest first.
func (s *Store) ListPermissions(ctx context.Context, envID string) ([]store.Permission, error) {
	return list(ctx, s.r, "list permissions", scanPermission,
		`SELECT `+permissionColumns+` FROM permissions WHERE env_id = ? ORDER BY created_at, id`, envID)
}

// GetPermissionsByIDs returns the permissions of envID among ids, oldest
// first.
func (s *Store) GetPermissionsByIDs(ctx context.Context, envID string, ids []string) ([]store.Permission, error) {
	return list(ctx, s.r, "get permissions", scanPermission,
		`SELECT `+permissionColumns+` FROM permissions WHERE env_id = ? AND id IN (SELECT value FROM json_each(?))
		 ORDER BY created_at, id`, envID, idsJSON(ids))
}

// UpdatePermission replaces the stored permission.
func (s *Store) UpdatePermission(ctx context.Context, p *store.Permission) error {
	return s.execOne(ctx, "update permission",
		`UPDATE permissions SET key = ?, name = ?, description = ?, category_id = NULLIF(?, ''), fe_permission = ?,
			assignment_type = ?, created_at = ?, updated_at = ? WHERE id = ? AND env_id = ?`,
		p.Key, p.Name, p.Description, p.CategoryID, p.FePermission, p.AssignmentType,
		micros(p.CreatedAt), micros(p.UpdatedAt), p.ID, p.EnvID)
}

// DeletePermission removes the permission; its role links go with it (by
// cascade).
func (s *Store) DeletePermission(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete permission", `DELETE FROM permissions WHERE id = ? AND env_id = ?`, id, envID)
}

const categoryColumns = `id, env_id, name, description, fe_category, created_at, updated_at`

func scanCategory(sc scanner) (*store.PermissionCategory, error) {
	var c store.PermissionCategory
	var created, updated int64
	if err := sc.Scan(&c.ID, &c.EnvID, &c.Name, &c.Description, &c.FeCategory, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

// CreatePermissionCategory inserts c.
func (s *Store) CreatePermissionCategory(ctx context.Context, c *store.PermissionCategory) error {
	_, err := s.exec(ctx, "create permission category",
		`INSERT INTO permission_categories (`+categoryColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.EnvID, c.Name, c.Description, c.FeCategory, micros(c.CreatedAt), micros(c.UpdatedAt))
	return err
}

// GetPermissionCategory returns category id of envID.
func (s *Store) GetPermissionCategory(ctx context.Context, envID, id string) (*store.PermissionCategory, error) {
	return getOne(ctx, s.r, "get permission category", scanCategory,
		`SELECT `+categoryColumns+` FROM permission_categories WHERE id = ? AND env_id = ?`, id, envID)
}

// ListPermissionCategories returns the categories of envID, oldest first.
func (s *Store) ListPermissionCategories(ctx context.Context, envID string) ([]store.PermissionCategory, error) {
	return list(ctx, s.r, "list permission categories", scanCategory,
		`SELECT `+categoryColumns+` FROM permission_categories WHERE env_id = ? ORDER BY created_at, id`, envID)
}

// UpdatePermissionCategory replaces the stored category.
func (s *Store) UpdatePermissionCategory(ctx context.Context, c *store.PermissionCategory) error {
	return s.execOne(ctx, "update permission category",
		`UPDATE permission_categories SET name = ?, description = ?, fe_category = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND env_id = ?`,
		c.Name, c.Description, c.FeCategory, micros(c.CreatedAt), micros(c.UpdatedAt), c.ID, c.EnvID)
}

// DeletePermissionCategory removes the category; its permissions are left
// without one.
func (s *Store) DeletePermissionCategory(ctx context.Context, envID, id string) error {
	return s.atomic(ctx, func(tx *Store) error {
		if _, err := tx.exec(ctx, "delete permission category",
			`UPDATE permissions SET category_id = NULL WHERE category_id = ? AND env_id = ?`, id, envID); err != nil {
			return err
		}
		return tx.execOne(ctx, "delete permission category",
			`DELETE FROM permission_categories WHERE id = ? AND env_id = ?`, id, envID)
	})
}
