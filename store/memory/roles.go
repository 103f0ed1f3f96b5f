package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

// rbacState holds roles, permissions and permission categories.
type rbacState struct {
	roles      map[string]*store.Role
	rolesByEnv index             // env id → role ids
	roleByKey  map[string]string // roleKey(env, tenant, key) → role id

	perms      map[string]*store.Permission
	permsByEnv index             // env id → permission ids
	permByKey  map[string]string // scopedKey(env, key) → permission id

	cats      map[string]*store.PermissionCategory
	catsByEnv index // env id → category ids
}

func newRBACState() rbacState {
	return rbacState{
		roles: map[string]*store.Role{}, rolesByEnv: index{}, roleByKey: map[string]string{},
		perms: map[string]*store.Permission{}, permsByEnv: index{}, permByKey: map[string]string{},
		cats: map[string]*store.PermissionCategory{}, catsByEnv: index{},
	}
}

func (r rbacState) clone() rbacState {
	return rbacState{
		roles: maps.Clone(r.roles), rolesByEnv: r.rolesByEnv.clone(), roleByKey: maps.Clone(r.roleByKey),
		perms: maps.Clone(r.perms), permsByEnv: r.permsByEnv.clone(), permByKey: maps.Clone(r.permByKey),
		cats: maps.Clone(r.cats), catsByEnv: r.catsByEnv.clone(),
	}
}

func roleKey(envID, tenantID, key string) string { return scopedKey(scopedKey(envID, tenantID), key) }

// sortedIDs returns ids sorted ascending without duplicates, never nil.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func cpRole(r *store.Role) *store.Role {
	c := *r
	c.PermissionIDs = sortedIDs(r.PermissionIDs)
	c.CreatedAt = normTime(r.CreatedAt)
	c.UpdatedAt = normTime(r.UpdatedAt)
	return &c
}

func cpPermission(p *store.Permission) *store.Permission {
	c := *p
	c.CreatedAt = normTime(p.CreatedAt)
	c.UpdatedAt = normTime(p.UpdatedAt)
	return &c
}

func cpCategory(cat *store.PermissionCategory) *store.PermissionCategory {
	c := *cat
	c.CreatedAt = normTime(cat.CreatedAt)
	c.UpdatedAt = normTime(cat.UpdatedAt)
	return &c
}

// role returns role id of envID, or ErrNotFound.
func (st *state) role(envID, id string) (*store.Role, error) {
	r, ok := st.rbac.roles[id]
	if !ok || r.EnvID != envID {
		return nil, fmt.Errorf("memory: role %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return r, nil
}

// checkRole returns ErrConflict if r's key belongs to another role of its
// scope, and ErrNotFound if it links a permission its environment lacks.
func (st *state) checkRole(r *store.Role) error {
	if owner, ok := st.rbac.roleByKey[roleKey(r.EnvID, r.TenantID, r.Key)]; ok && owner != r.ID {
		return fmt.Errorf("memory: role key %q is taken: %w", r.Key, store.ErrConflict)
	}
	for _, pid := range r.PermissionIDs {
		if _, err := st.permission(r.EnvID, pid); err != nil {
			return err
		}
	}
	return nil
}

// CreateRole inserts r.
func (s *Store) CreateRole(ctx context.Context, r *store.Role) error {
	c := cpRole(r)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.rbac.roles[c.ID]; ok {
			return fmt.Errorf("memory: role %q exists: %w", c.ID, store.ErrConflict)
		}
		if err := st.checkRole(c); err != nil {
			return err
		}
		st.rbac.roles[c.ID] = c
		st.rbac.rolesByEnv.add(c.EnvID, c.ID)
		st.rbac.roleByKey[roleKey(c.EnvID, c.TenantID, c.Key)] = c.ID
		return nil
	})
}

// GetRole returns role id of envID.
func (s *Store) GetRole(ctx context.Context, envID, id string) (*store.Role, error) {
	var out *store.Role
	err := s.read(ctx, func(st *state) error {
		r, err := st.role(envID, id)
		if err != nil {
			return err
		}
		out = cpRole(r)
		return nil
	})
	return out, err
}

func roleCreated(r *store.Role) time.Time { return r.CreatedAt }
func roleID(r *store.Role) string         { return r.ID }

// ListRoles returns every role of envID, oldest first.
func (s *Store) ListRoles(ctx context.Context, envID string) ([]store.Role, error) {
	var out []store.Role
	err := s.read(ctx, func(st *state) error {
		out = list(st.rbac.roles, st.rbac.rolesByEnv.ids(envID), roleCreated, roleID, cpRole, false)
		return nil
	})
	return out, err
}

// GetRolesByIDs returns the roles of envID among ids, oldest first.
func (s *Store) GetRolesByIDs(ctx context.Context, envID string, ids []string) ([]store.Role, error) {
	var out []store.Role
	err := s.read(ctx, func(st *state) error {
		var found []string
		for _, id := range sortedIDs(ids) {
			if _, err := st.role(envID, id); err == nil {
				found = append(found, id)
			}
		}
		out = list(st.rbac.roles, found, roleCreated, roleID, cpRole, false)
		return nil
	})
	return out, err
}

// GetRolesWithPermissions returns the roles of envID among ids and the
// permissions they grant, both oldest first.
func (s *Store) GetRolesWithPermissions(ctx context.Context, envID string, ids []string) ([]store.Role, []store.Permission, error) {
	var roles []store.Role
	var perms []store.Permission
	err := s.read(ctx, func(st *state) error {
		var found, permIDs []string
		for _, id := range sortedIDs(ids) {
			if r, err := st.role(envID, id); err == nil {
				found = append(found, id)
				permIDs = append(permIDs, r.PermissionIDs...)
			}
		}
		roles = list(st.rbac.roles, found, roleCreated, roleID, cpRole, false)
		perms = list(st.rbac.perms, sortedIDs(permIDs), permissionCreated, permissionID, cpPermission, false)
		return nil
	})
	return roles, perms, err
}

// UpdateRole replaces the stored role with its permission links.
func (s *Store) UpdateRole(ctx context.Context, r *store.Role) error {
	c := cpRole(r)
	return s.write(ctx, func(st *state) error {
		old, err := st.role(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		if err := st.checkRole(c); err != nil {
			return err
		}
		delete(st.rbac.roleByKey, roleKey(old.EnvID, old.TenantID, old.Key))
		st.rbac.roleByKey[roleKey(c.EnvID, c.TenantID, c.Key)] = c.ID
		st.rbac.roles[c.ID] = c
		return nil
	})
}

// DeleteRole removes the role and takes it out of every membership.
func (s *Store) DeleteRole(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		r, err := st.role(envID, id)
		if err != nil {
			return err
		}
		for k, m := range st.members {
			if m.EnvID != envID || !slices.Contains(m.RoleIDs, id) {
				continue
			}
			c := cpMembership(m)
			c.RoleIDs = slices.DeleteFunc(c.RoleIDs, func(v string) bool { return v == id })
			st.members[k] = c
		}
		for k, g := range st.groups {
			if g.EnvID != envID || !slices.Contains(g.RoleIDs, id) {
				continue
			}
			c := cpGroup(g)
			c.RoleIDs = slices.DeleteFunc(c.RoleIDs, func(v string) bool { return v == id })
			st.groups[k] = c
		}
		delete(st.rbac.roleByKey, roleKey(r.EnvID, r.TenantID, r.Key))
		delete(st.rbac.roles, id)
		st.rbac.rolesByEnv.remove(envID, id)
		return nil
	})
}

// ListRoleMemberships returns the memberships of envID holding roleID,
// oldest first.
func (s *Store) ListRoleMemberships(ctx context.Context, envID, roleID string) ([]store.Membership, error) {
	var out []store.Membership
	err := s.read(ctx, func(st *state) error {
		var keys []string
		for k, m := range st.members {
			if m.EnvID == envID && slices.Contains(m.RoleIDs, roleID) {
				keys = append(keys, k)
			}
		}
		out = list(st.members, keys, membershipCreated,
			func(m *store.Membership) string { return scopedKey(m.UserID, m.TenantID) }, cpMembership, false)
		return nil
	})
	return out, err
}

// permission returns permission id of envID, or ErrNotFound.
func (st *state) permission(envID, id string) (*store.Permission, error) {
	p, ok := st.rbac.perms[id]
	if !ok || p.EnvID != envID {
		return nil, fmt.Errorf("memory: permission %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return p, nil
}

// checkPermission returns ErrConflict if p's key belongs to another
// permission, and ErrNotFound if its category is unknown.
func (st *state) checkPermission(p *store.Permission) error {
	if owner, ok := st.rbac.permByKey[scopedKey(p.EnvID, p.Key)]; ok && owner != p.ID {
		return fmt.Errorf("memory: permission key %q is taken: %w", p.Key, store.ErrConflict)
	}
	if p.CategoryID != "" {
		if _, err := st.category(p.EnvID, p.CategoryID); err != nil {
			return err
		}
	}
	return nil
}

// CreatePermission inserts p.
func (s *Store) CreatePermission(ctx context.Context, p *store.Permission) error {
	c := cpPermission(p)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.rbac.perms[c.ID]; ok {
			return fmt.Errorf("memory: permission %q exists: %w", c.ID, store.ErrConflict)
		}
		if err := st.checkPermission(c); err != nil {
			return err
		}
		st.rbac.perms[c.ID] = c
		st.rbac.permsByEnv.add(c.EnvID, c.ID)
		st.rbac.permByKey[scopedKey(c.EnvID, c.Key)] = c.ID
		return nil
	})
}

// GetPermission returns permission id of envID.
func (s *Store) GetPermission(ctx context.Context, envID, id string) (*store.Permission, error) {
	var out *store.Permission
	err := s.read(ctx, func(st *state) error {
		p, err := st.permission(envID, id)
		if err != nil {
			return err
		}
		out = cpPermission(p)
		return nil
	})
	return out, err
}

func permissionCreated(p *store.Permission) time.Time { return p.CreatedAt }
func permissionID(p *store.Permission) string         { return p.ID }

// ListPermissions returns the permissions of envID, oldest first.
func (s *Store) ListPermissions(ctx context.Context, envID string) ([]store.Permission, error) {
	var out []store.Permission
	err := s.read(ctx, func(st *state) error {
		out = list(st.rbac.perms, st.rbac.permsByEnv.ids(envID), permissionCreated, permissionID, cpPermission, false)
		return nil
	})
	return out, err
}

// GetPermissionsByIDs returns the permissions of envID among ids, oldest
// first.
func (s *Store) GetPermissionsByIDs(ctx context.Context, envID string, ids []string) ([]store.Permission, error) {
	var out []store.Permission
	err := s.read(ctx, func(st *state) error {
		var found []string
		for _, id := range sortedIDs(ids) {
			if _, err := st.permission(envID, id); err == nil {
				found = append(found, id)
			}
		}
		out = list(st.rbac.perms, found, permissionCreated, permissionID, cpPermission, false)
		return nil
	})
	return out, err
}

// UpdatePermission replaces the stored permission.
func (s *Store) UpdatePermission(ctx context.Context, p *store.Permission) error {
	c := cpPermission(p)
	return s.write(ctx, func(st *state) error {
		old, err := st.permission(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		if err := st.checkPermission(c); err != nil {
			return err
		}
		delete(st.rbac.permByKey, scopedKey(old.EnvID, old.Key))
		st.rbac.permByKey[scopedKey(c.EnvID, c.Key)] = c.ID
		st.rbac.perms[c.ID] = c
		return nil
	})
}

// DeletePermission removes the permission and takes it out of every role.
func (s *Store) DeletePermission(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		p, err := st.permission(envID, id)
		if err != nil {
			return err
		}
		for _, rid := range st.rbac.rolesByEnv.ids(envID) {
			r := st.rbac.roles[rid]
			if !slices.Contains(r.PermissionIDs, id) {
				continue
			}
			c := cpRole(r)
			c.PermissionIDs = slices.DeleteFunc(c.PermissionIDs, func(v string) bool { return v == id })
			st.rbac.roles[rid] = c
		}
		delete(st.rbac.permByKey, scopedKey(p.EnvID, p.Key))
		delete(st.rbac.perms, id)
		st.rbac.permsByEnv.remove(envID, id)
		return nil
	})
}

// category returns category id of envID, or ErrNotFound.
func (st *state) category(envID, id string) (*store.PermissionCategory, error) {
	c, ok := st.rbac.cats[id]
	if !ok || c.EnvID != envID {
		return nil, fmt.Errorf("memory: permission category %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return c, nil
}

// CreatePermissionCategory inserts c.
func (s *Store) CreatePermissionCategory(ctx context.Context, cat *store.PermissionCategory) error {
	c := cpCategory(cat)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.rbac.cats[c.ID]; ok {
			return fmt.Errorf("memory: permission category %q exists: %w", c.ID, store.ErrConflict)
		}
		st.rbac.cats[c.ID] = c
		st.rbac.catsByEnv.add(c.EnvID, c.ID)
		return nil
	})
}

// GetPermissionCategory returns category id of envID.
func (s *Store) GetPermissionCategory(ctx context.Context, envID, id string) (*store.PermissionCategory, error) {
	var out *store.PermissionCategory
	err := s.read(ctx, func(st *state) error {
		c, err := st.category(envID, id)
		if err != nil {
			return err
		}
		out = cpCategory(c)
		return nil
	})
	return out, err
}

// ListPermissionCategories returns the categories of envID, oldest first.
func (s *Store) ListPermissionCategories(ctx context.Context, envID string) ([]store.PermissionCategory, error) {
	var out []store.PermissionCategory
	err := s.read(ctx, func(st *state) error {
		out = list(st.rbac.cats, st.rbac.catsByEnv.ids(envID),
			func(c *store.PermissionCategory) time.Time { return c.CreatedAt },
			func(c *store.PermissionCategory) string { return c.ID }, cpCategory, false)
		return nil
	})
	return out, err
}

// UpdatePermissionCategory replaces the stored category.
func (s *Store) UpdatePermissionCategory(ctx context.Context, cat *store.PermissionCategory) error {
	c := cpCategory(cat)
	return s.write(ctx, func(st *state) error {
		if _, err := st.category(c.EnvID, c.ID); err != nil {
			return err
		}
		st.rbac.cats[c.ID] = c
		return nil
	})
}

// DeletePermissionCategory removes the category, leaving its permissions
// without one.
func (s *Store) DeletePermissionCategory(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		if _, err := st.category(envID, id); err != nil {
			return err
		}
		for _, pid := range st.rbac.permsByEnv.ids(envID) {
			p := st.rbac.perms[pid]
			if p.CategoryID != id {
				continue
			}
			c := cpPermission(p)
			c.CategoryID = ""
			st.rbac.perms[pid] = c
		}
		delete(st.rbac.cats, id)
		st.rbac.catsByEnv.remove(envID, id)
		return nil
	})
}
