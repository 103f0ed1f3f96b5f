package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// appUser assigns u, as a member of tn, to appID and returns the
// assignment.
func (f *fx) appUser(appID string, u *store.User, tn *store.Tenant) *store.ApplicationUser {
	f.t.Helper()
	a := &store.ApplicationUser{EnvID: u.EnvID, AppID: appID, UserID: u.ID, TenantID: tn.ID, CreatedAt: f.now()}
	must(f.t, "PutApplicationUser", f.s.PutApplicationUser(f.ctx, a))
	return a
}

// appActive sets tn as u's active tenant in appID and returns the record.
func (f *fx) appActive(appID string, u *store.User, tn *store.Tenant) *store.ApplicationActiveTenant {
	f.t.Helper()
	a := &store.ApplicationActiveTenant{EnvID: u.EnvID, UserID: u.ID, AppID: appID, TenantID: tn.ID, UpdatedAt: f.now()}
	must(f.t, "PutApplicationActiveTenant", f.s.PutApplicationActiveTenant(f.ctx, a))
	return a
}

func (f *fx) appUsers(t *testing.T, envID, appID string) []store.ApplicationUser {
	t.Helper()
	got, err := f.s.ListApplicationUsers(f.ctx, envID, appID)
	must(t, "ListApplicationUsers", err)
	return got
}

func (f *fx) userApps(t *testing.T, userID string) []store.ApplicationUser {
	t.Helper()
	got, err := f.s.ListUserApplications(f.ctx, userID)
	must(t, "ListUserApplications", err)
	return got
}

func (f *fx) activeTenants(t *testing.T, userID string) []store.ApplicationActiveTenant {
	t.Helper()
	got, err := f.s.ListApplicationActiveTenants(f.ctx, userID)
	must(t, "ListApplicationActiveTenants", err)
	return got
}

var applicationTests = []test{
	{"AssignRoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		u := f.member(tn)
		a := &store.ApplicationUser{EnvID: e.ID, AppID: "app-1", UserID: u.ID, TenantID: tn.ID,
			CreatedAt: at(time.Second + 7*time.Microsecond)}
		allSet(t, a)
		want := clone(a)
		must(t, "PutApplicationUser", f.s.PutApplicationUser(f.ctx, a))
		equal(t, "ListApplicationUsers", f.appUsers(t, e.ID, "app-1"), []store.ApplicationUser{*want})
		equal(t, "ListUserApplications", f.userApps(t, u.ID), []store.ApplicationUser{*want})

		// Assigning again changes nothing: the first CreatedAt stays.
		again := clone(want)
		again.CreatedAt = at(time.Hour)
		must(t, "PutApplicationUser(again)", f.s.PutApplicationUser(f.ctx, again))
		equal(t, "after assigning twice", f.appUsers(t, e.ID, "app-1"), []store.ApplicationUser{*want})

		// Changing the records handed out or in changes nothing stored.
		a.AppID = "scrambled"
		got := f.appUsers(t, e.ID, "app-1")
		scramble(&got[0])
		equal(t, "after changing copies", f.userApps(t, u.ID), []store.ApplicationUser{*want})
	}},
	{"AssignNotFound", func(t *testing.T, f *fx) {
		e := f.env()
		tn, other := f.tenant(e.ID), f.tenant(e.ID)
		u := f.member(tn)
		stranger := f.user(e.ID)
		for _, c := range []struct {
			what string
			a    store.ApplicationUser
		}{
			{"user not a member of the tenant", store.ApplicationUser{EnvID: e.ID, AppID: "app", UserID: u.ID, TenantID: other.ID}},
			{"user without tenants", store.ApplicationUser{EnvID: e.ID, AppID: "app", UserID: stranger.ID, TenantID: tn.ID}},
			{"unknown user", store.ApplicationUser{EnvID: e.ID, AppID: "app", UserID: "missing", TenantID: tn.ID}},
			{"unknown tenant", store.ApplicationUser{EnvID: e.ID, AppID: "app", UserID: u.ID, TenantID: "missing"}},
			{"other environment", store.ApplicationUser{EnvID: f.env().ID, AppID: "app", UserID: u.ID, TenantID: tn.ID}},
		} {
			c.a.CreatedAt = f.now()
			wantErr(t, "PutApplicationUser("+c.what+")", f.s.PutApplicationUser(f.ctx, &c.a), store.ErrNotFound)
		}
		if got := f.appUsers(t, e.ID, "app"); len(got) != 0 {
			t.Fatalf("rejected assignments stored: %v", got)
		}
		wantErr(t, "DeleteApplicationUser(none)", f.s.DeleteApplicationUser(f.ctx, "app", u.ID, tn.ID), store.ErrNotFound)
	}},
	{"AssignListAndDelete", func(t *testing.T, f *fx) {
		e, e2 := f.env(), f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		u, v := f.member(t1), f.member(t1)
		f.membership(u, t2)
		ft := f.tenant(e2.ID)
		foreign := f.member(ft)

		a1 := f.appUser("crm", v, t1)
		a2 := f.appUser("crm", u, t2)
		a3 := f.appUser("billing", u, t1)
		a4 := f.appUser("crm", u, t1)
		f.appUser("crm", foreign, ft)
		// Equal creation times: by user then tenant for an application, by
		// application then tenant for a user.
		tie := &store.ApplicationUser{EnvID: e.ID, AppID: "analytics", UserID: u.ID, TenantID: t1.ID, CreatedAt: a4.CreatedAt}
		must(t, "PutApplicationUser(tie)", f.s.PutApplicationUser(f.ctx, tie))

		equal(t, "ListApplicationUsers(crm) in its environment", f.appUsers(t, e.ID, "crm"),
			[]store.ApplicationUser{*a1, *a2, *a4})
		equal(t, "ListUserApplications(u)", f.userApps(t, u.ID),
			[]store.ApplicationUser{*a2, *a3, *tie, *a4})
		if got := f.appUsers(t, e.ID, "unknown"); len(got) != 0 {
			t.Fatalf("unknown application lists %v", got)
		}

		must(t, "DeleteApplicationUser", f.s.DeleteApplicationUser(f.ctx, "crm", u.ID, t2.ID))
		wantErr(t, "DeleteApplicationUser(again)", f.s.DeleteApplicationUser(f.ctx, "crm", u.ID, t2.ID), store.ErrNotFound)
		equal(t, "ListApplicationUsers(crm) after delete", f.appUsers(t, e.ID, "crm"), []store.ApplicationUser{*a1, *a4})
		equal(t, "ListUserApplications(u) after delete", f.userApps(t, u.ID), []store.ApplicationUser{*a3, *tie, *a4})
		// The membership remains.
		_, err := f.s.GetMembership(f.ctx, u.ID, t2.ID)
		must(t, "GetMembership after DeleteApplicationUser", err)
	}},
	{"ActiveTenants", func(t *testing.T, f *fx) {
		e := f.env()
		t1, t2, other := f.tenant(e.ID), f.tenant(e.ID), f.tenant(e.ID)
		u, v := f.member(t1), f.member(t1)
		f.membership(u, t2)

		b := f.appActive("b-app", u, t1)
		a := &store.ApplicationActiveTenant{EnvID: e.ID, UserID: u.ID, AppID: "a-app", TenantID: t2.ID,
			UpdatedAt: at(2*time.Second + 9*time.Microsecond)}
		allSet(t, a)
		must(t, "PutApplicationActiveTenant", f.s.PutApplicationActiveTenant(f.ctx, a))
		vb := f.appActive("b-app", v, t1)
		equal(t, "ListApplicationActiveTenants (by application id)", f.activeTenants(t, u.ID),
			[]store.ApplicationActiveTenant{*a, *b})

		// Switching replaces the application's choice.
		switched := clone(b)
		switched.TenantID, switched.UpdatedAt = t2.ID, f.now()
		must(t, "PutApplicationActiveTenant(switch)", f.s.PutApplicationActiveTenant(f.ctx, switched))
		equal(t, "after switching", f.activeTenants(t, u.ID), []store.ApplicationActiveTenant{*a, *switched})
		equal(t, "other user's choice", f.activeTenants(t, v.ID), []store.ApplicationActiveTenant{*vb})

		// Only the user's own tenants can be chosen; a refusal changes
		// nothing.
		bad := clone(switched)
		bad.TenantID = other.ID
		wantErr(t, "PutApplicationActiveTenant(not a member)", f.s.PutApplicationActiveTenant(f.ctx, bad), store.ErrNotFound)
		bad.TenantID, bad.EnvID = t1.ID, f.env().ID
		wantErr(t, "PutApplicationActiveTenant(other environment)", f.s.PutApplicationActiveTenant(f.ctx, bad), store.ErrNotFound)
		equal(t, "after refusals", f.activeTenants(t, u.ID), []store.ApplicationActiveTenant{*a, *switched})

		got := f.activeTenants(t, u.ID)
		scramble(&got[0])
		equal(t, "after changing a listed copy", f.activeTenants(t, u.ID), []store.ApplicationActiveTenant{*a, *switched})
		if got := f.activeTenants(t, "missing"); len(got) != 0 {
			t.Fatalf("unknown user lists %v", got)
		}
	}},
	{"Cascade", func(t *testing.T, f *fx) {
		e := f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		u, v := f.user(e.ID), f.member(t1)
		f.membership(u, t1)
		f.membership(u, t2)
		f.appUser("crm", u, t1)
		keep := f.appUser("crm", u, t2)
		vAssign := f.appUser("crm", v, t1)
		f.appActive("crm", u, t1)
		keepActive := f.appActive("billing", u, t2)
		vActive := f.appActive("crm", v, t1)

		// Replacing a membership keeps what hangs on it.
		m, err := f.s.GetMembership(f.ctx, u.ID, t2.ID)
		must(t, "GetMembership", err)
		m.Disabled, m.UpdatedAt = true, f.now()
		must(t, "PutMembership(replace)", f.s.PutMembership(f.ctx, m))
		if got := f.userApps(t, u.ID); len(got) != 2 {
			t.Fatalf("replacing a membership changed the assignments: %v", got)
		}

		must(t, "DeleteMembership", f.s.DeleteMembership(f.ctx, u.ID, t1.ID))
		equal(t, "assignments after leaving t1", f.userApps(t, u.ID), []store.ApplicationUser{*keep})
		equal(t, "active tenants after leaving t1", f.activeTenants(t, u.ID), []store.ApplicationActiveTenant{*keepActive})
		equal(t, "crm users after u left t1", f.appUsers(t, e.ID, "crm"), []store.ApplicationUser{*keep, *vAssign})

		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		if got := f.userApps(t, u.ID); len(got) != 0 {
			t.Fatalf("deleted user keeps assignments %v", got)
		}
		if got := f.activeTenants(t, u.ID); len(got) != 0 {
			t.Fatalf("deleted user keeps active tenants %v", got)
		}

		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, t1.ID))
		if got := f.appUsers(t, e.ID, "crm"); len(got) != 0 {
			t.Fatalf("assignments in a deleted tenant remain: %v", got)
		}
		if got := f.activeTenants(t, v.ID); len(got) != 0 {
			t.Fatalf("active tenant %v survives the tenant's deletion (was %v)", got, vActive)
		}
	}},
}
