package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// ApplicationUsersInput names users of one tenant and an application
// (AssignUsersToAppRequestDto, UnassignUsersFromAppRequestDto).
type ApplicationUsersInput struct {
	AppID    string   `json:"appId"`
	TenantID string   `json:"tenantId"`
	UserIDs  []string `json:"userIds"`
}

func (in *ApplicationUsersInput) validate() error {
	var err error
	if in.AppID, err = checkAppID("appId", in.AppID); err != nil {
		return err
	}
	in.TenantID = strings.TrimSpace(in.TenantID)
	if in.TenantID == "" {
		return invalid("tenantId", "tenantId is required")
	}
	in.UserIDs, err = cleanIDList("userIds", in.UserIDs)
	return err
}

// checkAppID validates an application id.
func checkAppID(field, appID string) (string, error) {
	appID = strings.TrimSpace(appID)
	if appID == "" {
		return "", invalid(field, "%s is required", field)
	}
	return appID, checkLen(field, appID, 255)
}

// ApplicationUserTenant is one assignment of a user, in a tenant, to an
// application (ApplicationUserTenantsResponseDto). UserTenantID names the
// user in the tenant ("<tenantId>:<userId>").
type ApplicationUserTenant struct {
	AppID        string    `json:"appId"`
	UserTenantID string    `json:"userTenantId"`
	UserID       string    `json:"userId"`
	TenantID     string    `json:"tenantId"`
	CreatedAt    time.Time `json:"createdAt"`
}

// checkAppUsers checks, in st, that the tenant of in exists and that every
// user of in exists and is a member of it.
func (id *Identity) checkAppUsers(ctx context.Context, st store.Store, in ApplicationUsersInput) error {
	if _, err := st.GetTenant(ctx, id.envID, in.TenantID); err != nil {
		return storeErr(err, "tenant "+in.TenantID)
	}
	for _, u := range in.UserIDs {
		if _, err := st.GetUser(ctx, id.envID, u); err != nil {
			return storeErr(err, "user "+u)
		}
		if _, err := st.GetMembership(ctx, u, in.TenantID); errors.Is(err, store.ErrNotFound) {
			return notFound("user %s not found in tenant %s", u, in.TenantID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// AssignUsersToApplication assigns the users of in, members of in.TenantID,
// to application in.AppID, and returns their assignments. Assigning a user
// twice changes nothing. An unknown user or tenant, or a user who is not a
// member of the tenant, is ErrNotFound, and then nobody is assigned.
func (id *Identity) AssignUsersToApplication(ctx context.Context, in ApplicationUsersInput) ([]ApplicationUserTenant, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	out := make([]ApplicationUserTenant, 0, len(in.UserIDs))
	err := id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkAppUsers(ctx, tx, in); err != nil {
			return err
		}
		now := id.now()
		for _, u := range in.UserIDs {
			a := &store.ApplicationUser{EnvID: id.envID, AppID: in.AppID, UserID: u, TenantID: in.TenantID, CreatedAt: now}
			if err := tx.PutApplicationUser(ctx, a); err != nil {
				return storeErr(err, "user "+u)
			}
			as, err := tx.ListUserApplications(ctx, u)
			if err != nil {
				return err
			}
			for _, a := range as {
				if a.AppID == in.AppID && a.TenantID == in.TenantID {
					out = append(out, appUserView(&a))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func appUserView(a *store.ApplicationUser) ApplicationUserTenant {
	return ApplicationUserTenant{AppID: a.AppID, UserTenantID: a.TenantID + ":" + a.UserID, UserID: a.UserID,
		TenantID: a.TenantID, CreatedAt: a.CreatedAt}
}

// UnassignUsersFromApplication removes the assignments of the users of in,
// in in.TenantID, to application in.AppID. A user who is not assigned is
// skipped; an unknown user or tenant, or a user who is not a member of the
// tenant, is ErrNotFound, and then nothing changes.
func (id *Identity) UnassignUsersFromApplication(ctx context.Context, in ApplicationUsersInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkAppUsers(ctx, tx, in); err != nil {
			return err
		}
		for _, u := range in.UserIDs {
			if err := tx.DeleteApplicationUser(ctx, in.AppID, u, in.TenantID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return nil
	})
}

// ListApplicationUsers returns the ids of the users assigned to application
// appID, first assigned first; only those assigned in tenantID when it is
// not empty.
func (id *Identity) ListApplicationUsers(ctx context.Context, appID, tenantID string) ([]string, error) {
	appID, err := checkAppID("appId", appID)
	if err != nil {
		return nil, err
	}
	as, err := id.store.ListApplicationUsers(ctx, id.envID, appID)
	if err != nil {
		return nil, err
	}
	return distinctOf(as, tenantID, func(a *store.ApplicationUser) string { return a.UserID }), nil
}

// ListUserApplications returns the ids of the applications user userID is
// assigned to, first assigned first; only its assignments in tenantID when
// it is not empty. An unknown user is ErrNotFound.
func (id *Identity) ListUserApplications(ctx context.Context, userID, tenantID string) ([]string, error) {
	if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	as, err := id.store.ListUserApplications(ctx, userID)
	if err != nil {
		return nil, err
	}
	return distinctOf(as, tenantID, func(a *store.ApplicationUser) string { return a.AppID }), nil
}

// distinctOf returns key of each assignment of tenantID (every tenant when
// empty), without duplicates, in order.
func distinctOf(as []store.ApplicationUser, tenantID string, key func(*store.ApplicationUser) string) []string {
	out := []string{}
	seen := map[string]bool{}
	for i := range as {
		if tenantID != "" && as[i].TenantID != tenantID {
			continue
		}
		if k := key(&as[i]); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// ApplicationTenant is a user's active tenant in one application
// (UserApplicationActiveTenantResponse, SwitchApplicationActiveUserTenantDto).
type ApplicationTenant struct {
	ApplicationID string `json:"applicationId"`
	TenantID      string `json:"tenantId"`
}

// ApplicationActiveTenants is a user's active tenant per application
// (UserApplicationActiveTenantsResponseDto).
type ApplicationActiveTenants struct {
	ApplicationActiveTenants []ApplicationTenant `json:"applicationActiveTenants"`
}

// GetUserApplicationActiveTenants returns the acting user's active tenant in
// each application it chose one for, by application id.
func (id *Identity) GetUserApplicationActiveTenants(ctx context.Context, p *Principal) (*ApplicationActiveTenants, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	as, err := id.store.ListApplicationActiveTenants(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := &ApplicationActiveTenants{ApplicationActiveTenants: make([]ApplicationTenant, len(as))}
	for i, a := range as {
		out.ApplicationActiveTenants[i] = ApplicationTenant{ApplicationID: a.AppID, TenantID: a.TenantID}
	}
	return out, nil
}

// SwitchApplicationActiveTenantsInput sets the acting user's active tenant
// in applications (SwitchApplicationActiveUserTenantsRequestDto).
type SwitchApplicationActiveTenantsInput struct {
	ActiveApplicationTenants []ApplicationTenant `json:"activeApplicationTenants"`
}

// SwitchUserApplicationActiveTenant sets the acting user's active tenant in
// each application of in; the last entry wins for an application named
// twice. Each tenant must be one of the user's own, enabled and not expired;
// otherwise the call is ErrForbidden and nothing changes.
func (id *Identity) SwitchUserApplicationActiveTenant(ctx context.Context, p *Principal, in SwitchApplicationActiveTenantsInput) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if len(in.ActiveApplicationTenants) == 0 {
		return invalid("activeApplicationTenants", "activeApplicationTenants must name at least one application")
	}
	if len(in.ActiveApplicationTenants) > maxBulkIDs {
		return invalid("activeApplicationTenants", "activeApplicationTenants may name at most %d applications", maxBulkIDs)
	}
	for i := range in.ActiveApplicationTenants {
		e := &in.ActiveApplicationTenants[i]
		if e.ApplicationID, err = checkAppID("applicationId", e.ApplicationID); err != nil {
			return err
		}
		if e.TenantID = strings.TrimSpace(e.TenantID); e.TenantID == "" {
			return invalid("tenantId", "tenantId is required")
		}
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := id.loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		now := id.now()
		for _, e := range in.ActiveApplicationTenants {
			m := rec.membership(e.TenantID)
			if m == nil || m.Disabled || (m.ExpiresAt != nil && !m.ExpiresAt.After(now)) {
				return forbidden("", "user is not a member of tenant %s", e.TenantID)
			}
			a := &store.ApplicationActiveTenant{EnvID: id.envID, UserID: userID, AppID: e.ApplicationID, TenantID: e.TenantID, UpdatedAt: now}
			if err := tx.PutApplicationActiveTenant(ctx, a); err != nil {
				return storeErr(err, "tenant "+e.TenantID)
			}
		}
		return nil
	})
}
