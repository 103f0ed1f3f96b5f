package identity

import (
	"context"
)

// Me returns the acting user's profile for the tenant the principal acts in
// (UserDto, with roles and permissions).
func (id *Identity) Me(ctx context.Context, p *Principal) (*User, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, userID)
	if err != nil {
		return nil, err
	}
	if tenantID != "" && rec.membership(tenantID) == nil {
		return nil, forbidden("", "user is not a member of tenant %s", tenantID)
	}
	return id.userView(ctx, id.store, rec, tenantID)
}

// MyTenants returns the tenants the acting user belongs to (the v2 view:
// a plain list).
func (id *Identity) MyTenants(ctx context.Context, p *Principal) ([]Tenant, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Tenant, 0, len(rec.memberships))
	for _, m := range rec.memberships {
		t, err := id.store.GetTenant(ctx, id.envID, m.TenantID)
		if err != nil {
			return nil, storeErr(err, "tenant "+m.TenantID)
		}
		out = append(out, *tenantView(t))
	}
	return out, nil
}

// MyTenantsWithActive is the user's tenants together with the one the
// principal acts in (what the official client reads from users/v1 and
// users/v3 me/tenants).
type MyTenantsWithActive struct {
	Tenants      []Tenant `json:"tenants"`
	ActiveTenant *Tenant  `json:"activeTenant"`
}

// MyTenantsWithActive returns the acting user's tenants and the active one.
func (id *Identity) MyTenantsWithActive(ctx context.Context, p *Principal) (*MyTenantsWithActive, error) {
	ts, err := id.MyTenants(ctx, p)
	if err != nil {
		return nil, err
	}
	active := p.TenantID
	if active == "" {
		// An environment token that names no tenant: the user's own choice.
		rec, err := id.loadUser(ctx, id.store, p.UserID)
		if err != nil {
			return nil, err
		}
		active = rec.activeTenant()
	}
	out := &MyTenantsWithActive{Tenants: ts}
	for i := range ts {
		if ts[i].TenantID == active {
			out.ActiveTenant = &ts[i]
		}
	}
	return out, nil
}

// Authorization is the acting user's roles and permissions in the active
// tenant (MeAuthorizationResponseDto).
type Authorization struct {
	Roles       []Role       `json:"roles"`
	Permissions []Permission `json:"permissions"`
}

// MyAuthorization returns the acting user's roles and permissions in the
// tenant the principal acts in.
func (id *Identity) MyAuthorization(ctx context.Context, p *Principal) (*Authorization, error) {
	u, err := id.Me(ctx, p)
	if err != nil {
		return nil, err
	}
	return &Authorization{Roles: u.Roles, Permissions: u.Permissions}, nil
}
