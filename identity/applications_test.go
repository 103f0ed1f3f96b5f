package identity_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

// membershipOf is a plain membership of userID in tenantID, as of now.
func membershipOf(userID, tenantID string, e *testEnv) *store.Membership {
	now := e.clock.Now()
	return &store.Membership{UserID: userID, TenantID: tenantID, EnvID: e.id.EnvironmentID(), CreatedAt: now, UpdatedAt: now}
}

func TestApplicationAssignments(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	t1, t2 := e.tenant(t, "One"), e.tenant(t, "Two")
	ann := e.member(t, "ann@example.com", t1.ID)
	bob := e.member(t, "bob@example.com", t1.ID)
	carl := e.member(t, "carl@example.com", t2.ID)

	first := e.clock.Now()
	got, err := e.id.AssignUsersToApplication(ctx, identity.ApplicationUsersInput{AppID: "crm", TenantID: t1.ID, UserIDs: []string{ann.ID, bob.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].AppID != "crm" || got[0].UserID != ann.ID || got[0].TenantID != t1.ID ||
		got[0].UserTenantID != t1.ID+":"+ann.ID || !got[0].CreatedAt.Equal(first) || got[1].UserID != bob.ID {
		t.Fatalf("AssignUsersToApplication = %+v", got)
	}
	// Twice is idempotent: the first assignment time stays.
	e.clock.Advance(time.Hour)
	again, err := e.id.AssignUsersToApplication(ctx, identity.ApplicationUsersInput{AppID: "crm", TenantID: t1.ID, UserIDs: []string{ann.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || !again[0].CreatedAt.Equal(first) {
		t.Fatalf("assigning twice = %+v", again)
	}
	if _, err := e.id.AssignUsersToApplication(ctx, identity.ApplicationUsersInput{AppID: "billing", TenantID: t2.ID, UserIDs: []string{carl.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AssignUsersToApplication(ctx, identity.ApplicationUsersInput{AppID: "crm", TenantID: t2.ID, UserIDs: []string{carl.ID}}); err != nil {
		t.Fatal(err)
	}

	// Unknown users, unknown tenants and non-members are not found, and
	// nobody is assigned.
	for _, in := range []identity.ApplicationUsersInput{
		{AppID: "wiki", TenantID: t1.ID, UserIDs: []string{ann.ID, "missing"}},
		{AppID: "wiki", TenantID: t1.ID, UserIDs: []string{ann.ID, carl.ID}},
		{AppID: "wiki", TenantID: "missing", UserIDs: []string{ann.ID}},
	} {
		_, err := e.id.AssignUsersToApplication(ctx, in)
		wantErr(t, err, identity.ErrNotFound)
	}
	if users, _ := e.id.ListApplicationUsers(ctx, "wiki", ""); len(users) != 0 {
		t.Fatalf("refused assignments stored: %q", users)
	}
	for _, c := range []struct {
		in    identity.ApplicationUsersInput
		field string
	}{
		{identity.ApplicationUsersInput{TenantID: t1.ID, UserIDs: []string{ann.ID}}, "appId"},
		{identity.ApplicationUsersInput{AppID: "crm", UserIDs: []string{ann.ID}}, "tenantId"},
		{identity.ApplicationUsersInput{AppID: "crm", TenantID: t1.ID}, "userIds"},
	} {
		_, err := e.id.AssignUsersToApplication(ctx, c.in)
		wantField(t, err, c.field)
		wantField(t, e.id.UnassignUsersFromApplication(ctx, c.in), c.field)
	}

	users, err := e.id.ListApplicationUsers(ctx, "crm", "")
	if err != nil {
		t.Fatal(err)
	}
	// ann and bob were assigned at the same time: ordered by id.
	pair := []string{ann.ID, bob.ID}
	slices.Sort(pair)
	if !slices.Equal(users, append(pair, carl.ID)) {
		t.Fatalf("ListApplicationUsers(crm) = %q", users)
	}
	users, err = e.id.ListApplicationUsers(ctx, "crm", t2.ID)
	if err != nil || !slices.Equal(users, []string{carl.ID}) {
		t.Fatalf("ListApplicationUsers(crm, t2) = %q, %v", users, err)
	}
	apps, err := e.id.ListUserApplications(ctx, carl.ID, "")
	if err != nil || !slices.Equal(apps, []string{"billing", "crm"}) {
		t.Fatalf("ListUserApplications(carl) = %q, %v", apps, err)
	}
	_, err = e.id.ListUserApplications(ctx, "missing", "")
	wantErr(t, err, identity.ErrNotFound)

	if err := e.id.UnassignUsersFromApplication(ctx, identity.ApplicationUsersInput{AppID: "crm", TenantID: t1.ID, UserIDs: []string{ann.ID}}); err != nil {
		t.Fatal(err)
	}
	// Unassigning a user who is not assigned is no error.
	if err := e.id.UnassignUsersFromApplication(ctx, identity.ApplicationUsersInput{AppID: "crm", TenantID: t1.ID, UserIDs: []string{ann.ID}}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.UnassignUsersFromApplication(ctx, identity.ApplicationUsersInput{AppID: "crm", TenantID: t1.ID, UserIDs: []string{bob.ID, "missing"}}), identity.ErrNotFound)
	users, err = e.id.ListApplicationUsers(ctx, "crm", t1.ID)
	if err != nil || !slices.Equal(users, []string{bob.ID}) {
		t.Fatalf("ListApplicationUsers(crm, t1) after unassigning ann = %q, %v", users, err)
	}
}

func TestApplicationActiveTenants(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	t1, t2, t3 := e.tenant(t, "One"), e.tenant(t, "Two"), e.tenant(t, "Three")
	ann := e.member(t, "ann@example.com", t1.ID)
	if err := e.st.PutMembership(ctx, membershipOf(ann.ID, t2.ID, e)); err != nil {
		t.Fatal(err)
	}
	p := e.principal(t, e.login(t, "ann@example.com").AccessToken)

	got, err := e.id.GetUserApplicationActiveTenants(ctx, p)
	if err != nil || got.ApplicationActiveTenants == nil || len(got.ApplicationActiveTenants) != 0 {
		t.Fatalf("before any switch = %+v, %v", got, err)
	}
	in := identity.SwitchApplicationActiveTenantsInput{ActiveApplicationTenants: []identity.ApplicationTenant{
		{ApplicationID: "crm", TenantID: t2.ID}, {ApplicationID: "billing", TenantID: t1.ID}, {ApplicationID: "crm", TenantID: t1.ID},
	}}
	if err := e.id.SwitchUserApplicationActiveTenant(ctx, p, in); err != nil {
		t.Fatal(err)
	}
	got, err = e.id.GetUserApplicationActiveTenants(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []identity.ApplicationTenant{{ApplicationID: "billing", TenantID: t1.ID}, {ApplicationID: "crm", TenantID: t1.ID}}
	if !slices.Equal(got.ApplicationActiveTenants, want) {
		t.Fatalf("active tenants = %+v, want %+v", got.ApplicationActiveTenants, want)
	}

	// Only the user's own tenants: a refusal changes nothing.
	bad := identity.SwitchApplicationActiveTenantsInput{ActiveApplicationTenants: []identity.ApplicationTenant{
		{ApplicationID: "crm", TenantID: t2.ID}, {ApplicationID: "billing", TenantID: t3.ID},
	}}
	wantErr(t, e.id.SwitchUserApplicationActiveTenant(ctx, p, bad), identity.ErrForbidden)
	wantField(t, e.id.SwitchUserApplicationActiveTenant(ctx, p, identity.SwitchApplicationActiveTenantsInput{}), "activeApplicationTenants")
	wantField(t, e.id.SwitchUserApplicationActiveTenant(ctx, p, identity.SwitchApplicationActiveTenantsInput{
		ActiveApplicationTenants: []identity.ApplicationTenant{{TenantID: t1.ID}}}), "applicationId")
	wantField(t, e.id.SwitchUserApplicationActiveTenant(ctx, p, identity.SwitchApplicationActiveTenantsInput{
		ActiveApplicationTenants: []identity.ApplicationTenant{{ApplicationID: "crm"}}}), "tenantId")
	got, err = e.id.GetUserApplicationActiveTenants(ctx, p)
	if err != nil || !slices.Equal(got.ApplicationActiveTenants, want) {
		t.Fatalf("after refusals = %+v, %v", got, err)
	}

	// A disabled membership cannot be chosen.
	m, err := e.st.GetMembership(ctx, ann.ID, t2.ID)
	if err != nil {
		t.Fatal(err)
	}
	m.Disabled = true
	if err := e.st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.SwitchUserApplicationActiveTenant(ctx, p, identity.SwitchApplicationActiveTenantsInput{
		ActiveApplicationTenants: []identity.ApplicationTenant{{ApplicationID: "crm", TenantID: t2.ID}}}), identity.ErrForbidden)

	// Leaving a tenant drops the applications' choice of it.
	if err := e.st.DeleteMembership(ctx, ann.ID, t1.ID); err != nil {
		t.Fatal(err)
	}
	got, err = e.id.GetUserApplicationActiveTenants(ctx, p)
	if err != nil || len(got.ApplicationActiveTenants) != 0 {
		t.Fatalf("after leaving the tenant = %+v, %v", got, err)
	}

	// The environment acts for the user it names.
	_, err = e.id.GetUserApplicationActiveTenants(ctx, &identity.Principal{Vendor: true})
	wantField(t, err, "frontegg-user-id")
	if _, err := e.id.GetUserApplicationActiveTenants(ctx, &identity.Principal{Vendor: true, UserID: ann.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetUserApplicationActiveTenants(ctx, &identity.Principal{Vendor: true, UserID: "missing"})
	wantErr(t, err, identity.ErrNotFound)
}
