package identity

import (
	"context"
	"slices"

	"github.com/yolkauth/yolk/store"
)

// groupRoleIDs is the role source of group membership (see roleIDSources):
// the roles of every group of the subject's tenant the subject belongs to,
// while the groups configuration lets group roles count.
func groupRoleIDs(ctx context.Context, id *Identity, st store.Store, s authzSubject) ([]string, error) {
	gs, err := st.ListUserGroups(ctx, s.TenantID, s.UserID)
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	cfg, err := id.groupsConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	if !cfg.Enabled || !cfg.RolesEnabled {
		return nil, nil
	}
	var ids []string
	for _, g := range gs {
		ids = append(ids, g.RoleIDs...)
	}
	return ids, nil
}

// usableGroupRoles returns the roles of roleIDs that exist and are usable
// in tenantID, oldest first (a group keeps the ids of roles deleted since,
// until the role store takes them out).
func (id *Identity) usableGroupRoles(ctx context.Context, st store.Store, tenantID string, roleIDs []string) ([]store.Role, error) {
	if len(roleIDs) == 0 {
		return []store.Role{}, nil
	}
	rs, err := st.GetRolesByIDs(ctx, id.envID, roleIDs)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rs, func(r store.Role) bool { return !usableIn(&r, tenantID) }), nil
}

// groupRoles renders the roles roleIDs of a group of tenantID.
func (id *Identity) groupRoles(ctx context.Context, st store.Store, tenantID string, roleIDs []string) ([]Role, error) {
	rs, err := id.usableGroupRoles(ctx, st, tenantID, roleIDs)
	if err != nil {
		return nil, err
	}
	return id.roleViews(rs), nil
}

// checkGroupRoles refuses role ids that name no role usable in tenantID
// (ErrInvalidInput) and, for a user principal, roles stronger (of a lower
// level) than the user's own strongest role (ErrForbidden): a user can give
// a group only roles no stronger than its own.
func (id *Identity) checkGroupRoles(ctx context.Context, st store.Store, p *Principal, tenantID string, roleIDs []string) error {
	roles, err := id.findRoles(ctx, st, "roleIds", tenantID, roleIDs)
	if err != nil {
		return err
	}
	return id.checkRolesNotStronger(ctx, st, p, tenantID, roles, "role %s is stronger than your own roles")
}

// checkGroupMembersAllowed refuses a user principal who may not add members
// to g: one whose strongest role is weaker than one of g's roles (adding
// users, itself included, would hand out a role stronger than its own).
func (id *Identity) checkGroupMembersAllowed(ctx context.Context, st store.Store, p *Principal, g *store.Group) error {
	roles, err := id.usableGroupRoles(ctx, st, g.TenantID, g.RoleIDs)
	if err != nil {
		return err
	}
	return id.checkRolesNotStronger(ctx, st, p, g.TenantID, roles, "the group holds role %s, which is stronger than your own roles")
}

// checkRolesNotStronger refuses, with message (formatted with the role
// key), a user principal whose strongest role in tenantID is weaker than
// one of roles. The environment may do anything.
func (id *Identity) checkRolesNotStronger(ctx context.Context, st store.Store, p *Principal, tenantID string, roles []store.Role, message string) error {
	if len(roles) == 0 {
		return nil
	}
	level, limited, err := id.callerLevel(ctx, st, p, tenantID)
	if err != nil || !limited {
		return err
	}
	for _, r := range roles {
		if r.Level < level {
			return forbidden("", message, r.Key)
		}
	}
	return nil
}
