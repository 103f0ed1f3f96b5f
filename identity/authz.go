package identity

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Can reports whether the principal holds the permission key. The
// environment (vendor) token holds every permission. A user holds the
// permissions of its access token; a granted key ending in ".*" covers every
// key below it ("fe.secure.*" covers "fe.secure.read.users"), and "*"
// covers everything.
//
// A principal asked repeatedly (more than canLinearCalls times) about a
// token with many permissions gets a set of them built once and kept on the
// Principal, so each further check costs a map lookup. The token's
// permissions must not change after the first call.
func Can(p *Principal, key string) bool {
	if p == nil {
		return false
	}
	if p.Vendor {
		return true
	}
	if p.Claims == nil {
		return false
	}
	perms := p.Claims.Permissions
	if len(perms) <= canSmallSet {
		return anyCovers(perms, key)
	}
	set := p.permSet.Load()
	if set == nil || set.claims != p.Claims || set.n != len(perms) {
		// Building the set costs about as much as a few dozen linear
		// scans; one check per request does better without it.
		if p.canCalls.Add(1) <= canLinearCalls {
			return anyCovers(perms, key)
		}
		set = newPermissionSet(p.Claims)
		p.permSet.Store(set)
	}
	return set.covers(key)
}

const (
	// canSmallSet: tokens with at most this many permissions are always
	// scanned.
	canSmallSet = 16
	// canLinearCalls: the first checks of a principal scan; later ones use
	// the set.
	canLinearCalls = 2
)

// anyCovers is permissionCovers over a list, written out so that the
// common case (a key of another length) costs one comparison.
func anyCovers(granted []string, key string) bool {
	for _, g := range granted {
		if g == key {
			return true
		}
		if n := len(g); n > 0 && g[n-1] == '*' && strings.HasPrefix(key, g[:n-1]) {
			return true
		}
	}
	return false
}

// permissionSet is a token's permissions arranged for lookups: exact keys
// in a map, wildcard grants as their prefixes.
type permissionSet struct {
	claims   *tokens.Claims
	n        int
	exact    map[string]struct{}
	prefixes []string
}

func newPermissionSet(c *tokens.Claims) *permissionSet {
	s := &permissionSet{claims: c, n: len(c.Permissions), exact: make(map[string]struct{}, len(c.Permissions))}
	for _, g := range c.Permissions {
		s.exact[g] = struct{}{}
		if prefix, ok := strings.CutSuffix(g, "*"); ok {
			s.prefixes = append(s.prefixes, prefix)
		}
	}
	return s
}

func (s *permissionSet) covers(key string) bool {
	if _, ok := s.exact[key]; ok {
		return true
	}
	for _, p := range s.prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// HasRole reports whether the principal holds the role key (the vendor
// token holds every role).
func HasRole(p *Principal, key string) bool {
	if p == nil {
		return false
	}
	if p.Vendor {
		return true
	}
	if p.Claims == nil {
		return false
	}
	for _, r := range p.Claims.Roles {
		if r == key {
			return true
		}
	}
	return false
}

// permissionCovers reports whether the granted key (possibly a wildcard)
// covers the wanted key. A wanted wildcard is covered only by a granted
// key that covers its whole subtree.
func permissionCovers(granted, wanted string) bool {
	if granted == wanted || granted == "*" {
		return true
	}
	if prefix, ok := strings.CutSuffix(granted, "*"); ok {
		return strings.HasPrefix(wanted, prefix)
	}
	return false
}

// authzSubject is one user in one tenant, whose roles effectiveAuthz
// resolves. Membership is the user's membership in the tenant when the
// caller already has it (it saves a read); nil means "read it".
type authzSubject struct {
	UserID     string
	TenantID   string
	Membership *store.Membership
}

// roleIDSource yields role ids a subject holds from one origin. The role
// ids need not exist nor be usable in the tenant: effectiveAuthz keeps only
// the roles of the environment that are environment-wide or belong to the
// subject's tenant.
type roleIDSource func(ctx context.Context, id *Identity, st store.Store, s authzSubject) ([]string, error)

// roleIDSources are every origin of a user's roles in a tenant; a user's
// roles are their union: direct assignment (the membership) and the user's
// groups in the tenant (groupRoleIDs).
var roleIDSources = []roleIDSource{membershipRoleIDs, groupRoleIDs}

// membershipRoleIDs are the roles assigned to the user in the tenant.
func membershipRoleIDs(ctx context.Context, id *Identity, st store.Store, s authzSubject) ([]string, error) {
	m := s.Membership
	if m == nil {
		var err error
		m, err = st.GetMembership(ctx, s.UserID, s.TenantID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return m.RoleIDs, nil
}

// effectiveAuthz returns the roles userID holds in tenantID, from every
// role source, and the permissions they grant, both oldest first. It is the
// one place a user's authorization is computed: access-token claims, user
// views and the authorization routes all come from it.
func (id *Identity) effectiveAuthz(ctx context.Context, st store.Store, userID, tenantID string) (roles []store.Role, perms []store.Permission, err error) {
	return id.authzOf(ctx, st, authzSubject{UserID: userID, TenantID: tenantID}, true)
}

// authzOf is effectiveAuthz for a subject whose membership may already be
// loaded; without withPerms it resolves the roles only.
func (id *Identity) authzOf(ctx context.Context, st store.Store, s authzSubject, withPerms bool) ([]store.Role, []store.Permission, error) {
	var roleIDs []string
	for _, src := range roleIDSources {
		ids, err := src(ctx, id, st, s)
		if err != nil {
			return nil, nil, err
		}
		roleIDs = append(roleIDs, ids...)
	}
	if len(roleIDs) == 0 {
		return []store.Role{}, []store.Permission{}, nil
	}
	unusable := func(r store.Role) bool { return !usableIn(&r, s.TenantID) }
	if !withPerms {
		all, err := st.GetRolesByIDs(ctx, id.envID, roleIDs)
		if err != nil {
			return nil, nil, err
		}
		return slices.DeleteFunc(all, unusable), nil, nil
	}
	// One read for the roles and what they grant; then keep the roles
	// usable in the tenant and only their permissions.
	all, granted, err := st.GetRolesWithPermissions(ctx, id.envID, roleIDs)
	if err != nil {
		return nil, nil, err
	}
	roles := slices.DeleteFunc(all, unusable)
	keep := map[string]bool{}
	for _, r := range roles {
		for _, pid := range r.PermissionIDs {
			keep[pid] = true
		}
	}
	perms := slices.DeleteFunc(granted, func(p store.Permission) bool { return !keep[p.ID] })
	return roles, perms, nil
}

// usableIn reports whether role r may be held in tenantID: it is
// environment-wide or belongs to that tenant.
func usableIn(r *store.Role, tenantID string) bool { return r.TenantID == "" || r.TenantID == tenantID }

// authzClaims fills the roles and permissions claims of a user's access
// token for tenantID, honouring the environment's addRolesToJwt and
// addPermissionsToJwt (a claim left out is an empty array).
func (id *Identity) authzClaims(ctx context.Context, cfg store.EnvConfig, c *tokens.Claims, rec *userRecord, tenantID string) error {
	c.Roles, c.Permissions = []string{}, []string{}
	if !cfg.AddRolesToJWT && !cfg.AddPermissionsToJWT {
		return nil
	}
	roles, perms, err := id.authzOf(ctx, id.store, authzSubject{UserID: rec.user.ID, TenantID: tenantID, Membership: rec.membership(tenantID)}, cfg.AddPermissionsToJWT)
	if err != nil {
		return err
	}
	if cfg.AddRolesToJWT {
		for _, r := range roles {
			c.Roles = append(c.Roles, r.Key)
		}
	}
	for _, p := range perms {
		c.Permissions = append(c.Permissions, p.Key)
	}
	return nil
}

// userView renders rec for tenantID (the active tenant when empty) with
// the user's roles and permissions there and its roles in every tenant.
func (id *Identity) userView(ctx context.Context, st store.Store, rec *userRecord, tenantID string) (*User, error) {
	v := rec.view(tenantID)
	for i := range v.Tenants {
		m := rec.membership(v.Tenants[i].TenantID)
		active := m.TenantID == v.TenantID
		roles, perms, err := id.authzOf(ctx, st, authzSubject{UserID: rec.user.ID, TenantID: m.TenantID, Membership: m}, active)
		if err != nil {
			return nil, err
		}
		v.Tenants[i].Roles = id.roleViews(roles)
		if active {
			v.Roles = v.Tenants[i].Roles
			v.Permissions, err = id.permissionViews(ctx, st, perms)
			if err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// callerLevel is the strongest (lowest) role level the principal holds in
// tenantID; limited is false for the environment, which may do anything.
// A user without roles gets a level weaker than every role.
func (id *Identity) callerLevel(ctx context.Context, st store.Store, p *Principal, tenantID string) (level int, limited bool, err error) {
	if p.Vendor {
		return 0, false, nil
	}
	roles, _, err := id.authzOf(ctx, st, authzSubject{UserID: p.UserID, TenantID: tenantID}, false)
	if err != nil {
		return 0, true, err
	}
	level = MaxRoleLevel + 1
	for _, r := range roles {
		level = min(level, r.Level)
	}
	return level, true, nil
}
