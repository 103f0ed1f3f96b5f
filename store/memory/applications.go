package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

// appUserKey is the key of an assignment: one per (application, user,
// tenant). User and tenant ids are unique across environments.
func appUserKey(appID, userID, tenantID string) string {
	return scopedKey(appID, scopedKey(userID, tenantID))
}

func cpAppUser(a *store.ApplicationUser) *store.ApplicationUser {
	c := *a
	c.CreatedAt = normTime(a.CreatedAt)
	return &c
}

func cpAppActive(a *store.ApplicationActiveTenant) *store.ApplicationActiveTenant {
	c := *a
	c.UpdatedAt = normTime(a.UpdatedAt)
	return &c
}

func appUserCreated(a *store.ApplicationUser) time.Time { return a.CreatedAt }

// member returns ErrNotFound unless userID is a member of tenantID in envID.
func (st *state) member(envID, userID, tenantID string) error {
	m, ok := st.members[scopedKey(userID, tenantID)]
	if !ok || m.EnvID != envID {
		return fmt.Errorf("memory: user %q is not a member of tenant %q in environment %q: %w",
			userID, tenantID, envID, store.ErrNotFound)
	}
	return nil
}

// deleteAppUser removes the assignment under key k.
func (st *state) deleteAppUser(k string) {
	a, ok := st.appUsers[k]
	if !ok {
		return
	}
	delete(st.appUsers, k)
	st.appUsersByApp.remove(scopedKey(a.EnvID, a.AppID), k)
	st.appUsersByUser.remove(a.UserID, k)
	st.appUsersByMember.remove(scopedKey(a.UserID, a.TenantID), k)
}

// deleteAppActive removes userID's active tenant in appID.
func (st *state) deleteAppActive(userID, appID string) {
	k := scopedKey(userID, appID)
	a, ok := st.appActive[k]
	if !ok {
		return
	}
	delete(st.appActive, k)
	st.appActiveByUser.remove(userID, appID)
	st.appActiveByMember.remove(scopedKey(userID, a.TenantID), appID)
}

// deleteMemberApps removes what hangs on the membership of userID in
// tenantID: its application assignments and active-tenant choices.
func (st *state) deleteMemberApps(userID, tenantID string) {
	member := scopedKey(userID, tenantID)
	for _, k := range st.appUsersByMember.ids(member) {
		st.deleteAppUser(k)
	}
	for _, appID := range st.appActiveByMember.ids(member) {
		st.deleteAppActive(userID, appID)
	}
}

// PutApplicationUser assigns the user, as a member of a.TenantID, to
// a.AppID; an existing assignment stays as it was. ErrNotFound if the user
// is not a member of the tenant in a.EnvID.
func (s *Store) PutApplicationUser(ctx context.Context, a *store.ApplicationUser) error {
	c := cpAppUser(a)
	return s.write(ctx, func(st *state) error {
		if err := st.member(c.EnvID, c.UserID, c.TenantID); err != nil {
			return err
		}
		k := appUserKey(c.AppID, c.UserID, c.TenantID)
		if _, ok := st.appUsers[k]; ok {
			return nil
		}
		st.appUsers[k] = c
		st.appUsersByApp.add(scopedKey(c.EnvID, c.AppID), k)
		st.appUsersByUser.add(c.UserID, k)
		st.appUsersByMember.add(scopedKey(c.UserID, c.TenantID), k)
		return nil
	})
}

// DeleteApplicationUser removes the assignment; ErrNotFound if absent.
func (s *Store) DeleteApplicationUser(ctx context.Context, appID, userID, tenantID string) error {
	return s.write(ctx, func(st *state) error {
		k := appUserKey(appID, userID, tenantID)
		if _, ok := st.appUsers[k]; !ok {
			return fmt.Errorf("memory: assignment of user %q in tenant %q to application %q: %w",
				userID, tenantID, appID, store.ErrNotFound)
		}
		st.deleteAppUser(k)
		return nil
	})
}

// ListApplicationUsers returns the assignments to appID in envID, oldest
// first (ties by user id, then tenant id).
func (s *Store) ListApplicationUsers(ctx context.Context, envID, appID string) ([]store.ApplicationUser, error) {
	var out []store.ApplicationUser
	err := s.read(ctx, func(st *state) error {
		out = list(st.appUsers, st.appUsersByApp.ids(scopedKey(envID, appID)), appUserCreated,
			func(a *store.ApplicationUser) string { return scopedKey(a.UserID, a.TenantID) }, cpAppUser, false)
		return nil
	})
	return out, err
}

// ListUserApplications returns userID's assignments, oldest first (ties by
// application id, then tenant id).
func (s *Store) ListUserApplications(ctx context.Context, userID string) ([]store.ApplicationUser, error) {
	var out []store.ApplicationUser
	err := s.read(ctx, func(st *state) error {
		out = list(st.appUsers, st.appUsersByUser.ids(userID), appUserCreated,
			func(a *store.ApplicationUser) string { return scopedKey(a.AppID, a.TenantID) }, cpAppUser, false)
		return nil
	})
	return out, err
}

// PutApplicationActiveTenant inserts or replaces the user's active tenant
// in a.AppID; ErrNotFound if the user is not a member of a.TenantID in
// a.EnvID.
func (s *Store) PutApplicationActiveTenant(ctx context.Context, a *store.ApplicationActiveTenant) error {
	c := cpAppActive(a)
	return s.write(ctx, func(st *state) error {
		if err := st.member(c.EnvID, c.UserID, c.TenantID); err != nil {
			return err
		}
		st.deleteAppActive(c.UserID, c.AppID)
		st.appActive[scopedKey(c.UserID, c.AppID)] = c
		st.appActiveByUser.add(c.UserID, c.AppID)
		st.appActiveByMember.add(scopedKey(c.UserID, c.TenantID), c.AppID)
		return nil
	})
}

// ListApplicationActiveTenants returns userID's active tenants, by
// application id.
func (s *Store) ListApplicationActiveTenants(ctx context.Context, userID string) ([]store.ApplicationActiveTenant, error) {
	var out []store.ApplicationActiveTenant
	err := s.read(ctx, func(st *state) error {
		appIDs := st.appActiveByUser.ids(userID)
		slices.Sort(appIDs)
		out = make([]store.ApplicationActiveTenant, len(appIDs))
		for i, appID := range appIDs {
			out[i] = *cpAppActive(st.appActive[scopedKey(userID, appID)])
		}
		return nil
	})
	return out, err
}
