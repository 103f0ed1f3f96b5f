package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

// joinNew adds userID to a new tenant named name and returns the tenant.
func (e *testEnv) joinNew(t testing.TB, userID, name string) *identity.Tenant {
	t.Helper()
	tn := e.tenant(t, name)
	if _, err := e.id.AddUserToTenant(context.Background(), userID, identity.UserTenantInput{TenantID: tn.ID, SkipInviteEmail: true}); err != nil {
		t.Fatalf("AddUserToTenant(%s): %v", name, err)
	}
	return tn
}

// tokenTenant returns the tenantId claim of an access token.
func (e *testEnv) tokenTenant(t testing.TB, token string) string {
	t.Helper()
	return e.principal(t, token).Claims.TenantID
}

func TestAddUserToTenant(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	other := e.tenant(t, "Globex")

	got, err := e.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got.TenantID != other.ID || len(got.TenantIDs) != 2 {
		t.Fatalf("view after AddUserToTenant: tenantId %q, tenantIds %v", got.TenantID, got.TenantIDs)
	}
	m := e.lastMail(t, "ann@example.com")
	if !strings.Contains(m.msg.Subject, "Globex") || m.path != "/account/login" {
		t.Fatalf("e-mail %q to %s", m.msg.Subject, m.path)
	}
	if _, err := e.st.GetMembership(ctx, u.ID, other.ID); err != nil {
		t.Fatalf("membership not stored: %v", err)
	}
	// Twice is a conflict.
	_, err = e.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: other.ID})
	wantErr(t, err, identity.ErrConflict)

	// A missing tenant is created with the id as its name, unless it must
	// exist; skipInviteEmail sends nothing.
	sent := e.mailCount("ann@example.com")
	if _, err := e.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: "brand-new", SkipInviteEmail: true}); err != nil {
		t.Fatal(err)
	}
	if tn, err := e.id.GetTenant(ctx, "brand-new"); err != nil || tn.Name != "brand-new" {
		t.Fatalf("created tenant = %+v, %v", tn, err)
	}
	if e.mailCount("ann@example.com") != sent {
		t.Fatal("skipInviteEmail still sent an e-mail")
	}
	_, err = e.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: "missing", ValidateTenantExist: true})
	wantErr(t, err, identity.ErrNotFound)
	if _, err := e.id.GetTenant(ctx, "missing"); err == nil {
		t.Fatal("validateTenantExist created the tenant")
	}
	_, err = e.id.AddUserToTenant(ctx, "nobody", identity.UserTenantInput{TenantID: other.ID})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: "  "})
	wantField(t, err, "tenantId")
}

func TestSetUserActiveTenant(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	home := u.TenantID
	second := e.joinNew(t, u.ID, "Second")
	session := e.login(t, "ann@example.com")
	if got := e.tokenTenant(t, session.AccessToken); got != home {
		t.Fatalf("first login tenant %q, want %q", got, home)
	}

	v, err := e.id.SetUserActiveTenant(ctx, u.ID, identity.UserTenantInput{TenantID: second.ID})
	if err != nil {
		t.Fatal(err)
	}
	if v.TenantID != second.ID {
		t.Fatalf("view tenant %q", v.TenantID)
	}
	// The next login and the next refresh of the open session are issued
	// for the new active tenant.
	if got := e.tokenTenant(t, e.login(t, "ann@example.com").AccessToken); got != second.ID {
		t.Fatalf("login after SetUserActiveTenant: tenant %q, want %q", got, second.ID)
	}
	r, err := e.refresh(session.RefreshToken, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.tokenTenant(t, r.AccessToken); got != second.ID {
		t.Fatalf("refresh after SetUserActiveTenant: tenant %q, want %q", got, second.ID)
	}

	// A tenant the user is not in yet: created and joined.
	if _, err := e.id.SetUserActiveTenant(ctx, u.ID, identity.UserTenantInput{TenantID: "third"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.GetMembership(ctx, u.ID, "third"); err != nil {
		t.Fatalf("not a member of the new active tenant: %v", err)
	}
	_, err = e.id.SetUserActiveTenant(ctx, u.ID, identity.UserTenantInput{TenantID: "fourth", ValidateTenantExist: true})
	wantErr(t, err, identity.ErrNotFound)

	// A disabled membership cannot become active.
	m, err := e.st.GetMembership(ctx, u.ID, home)
	if err != nil {
		t.Fatal(err)
	}
	m.Disabled = true
	if err := e.st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.SetUserActiveTenant(ctx, u.ID, identity.UserTenantInput{TenantID: home})
	wantErr(t, err, identity.ErrForbidden)
	stored, err := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID)
	if err != nil || stored.ActiveTenantID != "third" {
		t.Fatalf("active tenant after the refusal = %q, %v", stored.ActiveTenantID, err)
	}
}

func TestSwitchTenant(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	home := u.TenantID
	second := e.joinNew(t, u.ID, "Second")
	foreign := e.tenant(t, "Foreign")
	res := e.login(t, "ann@example.com")
	p := e.principal(t, res.AccessToken)

	v, err := e.id.SwitchTenant(ctx, p, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.TenantID != second.ID {
		t.Fatalf("view tenant %q", v.TenantID)
	}
	r, err := e.refresh(res.RefreshToken, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.tokenTenant(t, r.AccessToken); got != second.ID {
		t.Fatalf("token after switching: tenant %q, want %q", got, second.ID)
	}
	sess, err := e.st.GetSession(ctx, p.Claims.SessionID)
	if err != nil || sess.TenantID != second.ID {
		t.Fatalf("session tenant = %q, %v", sess.TenantID, err)
	}

	// Only the user's own, usable tenants.
	_, err = e.id.SwitchTenant(ctx, p, foreign.ID)
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.SwitchTenant(ctx, p, "missing")
	wantErr(t, err, identity.ErrForbidden)
	m, _ := e.st.GetMembership(ctx, u.ID, home)
	exp := e.clock.Now().Add(-time.Minute)
	m.ExpiresAt = &exp
	if err := e.st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.SwitchTenant(ctx, p, home)
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.SwitchTenant(ctx, p, "")
	wantField(t, err, "tenantId")
	// The environment acting for no user cannot switch anyone.
	_, err = e.id.SwitchTenant(ctx, vendor(""), second.ID)
	wantField(t, err, "frontegg-user-id")
	// The environment acting for the user can.
	if _, err := e.id.SwitchTenant(ctx, &identity.Principal{Vendor: true, UserID: u.ID}, second.ID); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateTenantUsers(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	src, dst := e.tenant(t, "Src"), e.tenant(t, "Dst")
	var users []string
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: email, TenantID: src.ID})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u.ID)
	}
	// c already belongs to the target, with its own state there.
	if err := e.st.PutMembership(ctx, &store.Membership{UserID: users[2], TenantID: dst.ID, EnvID: e.id.EnvironmentID(),
		RoleIDs: []string{"dst-role"}, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	// a is disabled in the source: the state moves along.
	m, _ := e.st.GetMembership(ctx, users[0], src.ID)
	m.Disabled = true
	if err := e.st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}

	n, err := e.id.MigrateTenantUsers(ctx, identity.MigrateUsersInput{SrcTenantID: src.ID, TargetTenantID: dst.ID})
	if err != nil || n != 3 {
		t.Fatalf("MigrateTenantUsers = %d, %v", n, err)
	}
	if left, _ := e.st.ListTenantMemberships(ctx, src.ID); len(left) != 0 {
		t.Fatalf("%d members left in the source", len(left))
	}
	moved, _ := e.st.ListTenantMemberships(ctx, dst.ID)
	if len(moved) != 3 {
		t.Fatalf("%d members in the target, want 3", len(moved))
	}
	if m, _ := e.st.GetMembership(ctx, users[0], dst.ID); !m.Disabled {
		t.Fatal("the disabled state did not move")
	}
	if m, _ := e.st.GetMembership(ctx, users[2], dst.ID); len(m.RoleIDs) != 1 || m.RoleIDs[0] != "dst-role" {
		t.Fatalf("existing target membership changed: %+v", m)
	}
	for _, uid := range users {
		u, _ := e.st.GetUser(ctx, e.id.EnvironmentID(), uid)
		if u.ActiveTenantID != dst.ID {
			t.Fatalf("user %s active tenant %q, want %q", uid, u.ActiveTenantID, dst.ID)
		}
	}
	if n, err := e.id.MigrateTenantUsers(ctx, identity.MigrateUsersInput{SrcTenantID: src.ID, TargetTenantID: dst.ID}); err != nil || n != 0 {
		t.Fatalf("migrating an empty tenant = %d, %v", n, err)
	}

	_, err = e.id.MigrateTenantUsers(ctx, identity.MigrateUsersInput{SrcTenantID: src.ID, TargetTenantID: src.ID})
	wantField(t, err, "targetTenantId")
	_, err = e.id.MigrateTenantUsers(ctx, identity.MigrateUsersInput{TargetTenantID: dst.ID})
	wantField(t, err, "srcTenantId")
	_, err = e.id.MigrateTenantUsers(ctx, identity.MigrateUsersInput{SrcTenantID: dst.ID, TargetTenantID: "missing"})
	wantErr(t, err, identity.ErrNotFound)
	// Nothing moved on the refusal.
	if ms, _ := e.st.ListTenantMemberships(ctx, dst.ID); len(ms) != 3 {
		t.Fatalf("refused migration changed the target: %d members", len(ms))
	}
}

func TestSetSubAccountAccess(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin := e.user(t, "admin@example.com")
	tenantID := admin.TenantID
	u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "bob@example.com", TenantID: tenantID})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.id.SetSubAccountAccess(ctx, vendor(tenantID), u.ID, true); err != nil {
		t.Fatal(err)
	}
	v, err := e.id.GetTenantUser(ctx, tenantID, u.ID)
	if err != nil || !v.SubAccountAccessAllowed {
		t.Fatalf("subAccountAccessAllowed = %v, %v", v.SubAccountAccessAllowed, err)
	}
	err = e.id.SetSubAccountAccess(ctx, userPrincipal(admin.ID, tenantID), u.ID, false)
	wantErr(t, err, identity.ErrForbidden)
	if err := e.id.SetSubAccountAccess(ctx, userPrincipal(admin.ID, tenantID, identity.PermSubAccountAccess), u.ID, false); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.id.GetTenantUser(ctx, tenantID, u.ID); v.SubAccountAccessAllowed {
		t.Fatal("access still allowed")
	}
	stranger := e.user(t, "stranger@example.com")
	err = e.id.SetSubAccountAccess(ctx, vendor(tenantID), stranger.ID, true)
	wantErr(t, err, identity.ErrNotFound)
	err = e.id.SetSubAccountAccess(ctx, vendor(""), u.ID, true)
	wantField(t, err, "frontegg-tenant-id")
}

func TestMyTenantsHierarchy(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	newTenant := func(name, parent string) *identity.Tenant {
		tn, err := e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: name, ParentTenantID: parent})
		if err != nil {
			t.Fatal(err)
		}
		return tn
	}
	root := newTenant("Root", "")
	child := newTenant("Child", root.ID)
	grand := newTenant("Grand", child.ID)
	other := newTenant("Other", "")
	sub := newTenant("Sub", other.ID)
	u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "ann@example.com", TenantID: root.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, tid := range []string{grand.ID, sub.ID} {
		e.clock.Advance(time.Second) // memberships list oldest first
		if _, err := e.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: tid, SkipInviteEmail: true}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := e.id.MyTenantsHierarchy(ctx, userPrincipal(u.ID, root.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Tenants) != 2 {
		t.Fatalf("roots = %+v, want Root and Sub", h.Tenants)
	}
	r, s := h.Tenants[0], h.Tenants[1]
	if r.TenantID != root.ID || r.Level != 0 || len(r.Children) != 1 {
		t.Fatalf("root node = %+v", r)
	}
	if g := r.Children[0]; g.TenantID != grand.ID || g.Level != 2 || g.ParentTenantID != child.ID || g.Name != "Grand" {
		t.Fatalf("grandchild node = %+v", g)
	}
	if s.TenantID != sub.ID || s.Level != 1 || s.ParentTenantID != other.ID || len(s.Children) != 0 {
		t.Fatalf("sub node = %+v", s)
	}
	_, err = e.id.MyTenantsHierarchy(ctx, vendor(""))
	wantField(t, err, "frontegg-user-id")
}

func TestUserTenantStatuses(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	active := e.user(t, "active@example.com")
	e.login(t, "active@example.com")
	pendingLogin := e.user(t, "pending@example.com")
	tn := e.tenant(t, "Acme")
	notActivated, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "new@example.com", TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.UpdateUser(ctx, func() *store.User {
		u, _ := e.st.GetUser(ctx, e.id.EnvironmentID(), notActivated.ID)
		u.Verified = false
		return u
	}()); err != nil {
		t.Fatal(err)
	}
	// An invitation of the active user to another tenant is pending.
	e.invite(t, tn.ID, identity.InviteUserInput{Email: "active@example.com"})

	got, err := e.id.UserTenantStatuses(ctx, []string{active.ID + "," + pendingLogin.ID, notActivated.ID, "unknown"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		active.ID:       {active.TenantID: identity.StatusActivated, tn.ID: identity.StatusPendingInvitation},
		pendingLogin.ID: {pendingLogin.TenantID: identity.StatusPendingLogin},
		notActivated.ID: {tn.ID: identity.StatusNotActivated},
	}
	if len(got) != 3 {
		t.Fatalf("statuses of %d users, want 3: %+v", len(got), got)
	}
	for _, us := range got {
		if len(us.TenantsStatuses) != len(want[us.UserID]) {
			t.Fatalf("user %s statuses %+v, want %v", us.UserID, us.TenantsStatuses, want[us.UserID])
		}
		for _, s := range us.TenantsStatuses {
			if want[us.UserID][s.TenantID] != s.Status {
				t.Fatalf("user %s in %s: %s, want %s", us.UserID, s.TenantID, s.Status, want[us.UserID][s.TenantID])
			}
		}
	}
	only, err := e.id.UserTenantStatuses(ctx, []string{active.ID}, []string{identity.StatusPendingInvitation})
	if err != nil || len(only) != 1 || len(only[0].TenantsStatuses) != 1 || only[0].TenantsStatuses[0].TenantID != tn.ID {
		t.Fatalf("filtered statuses = %+v, %v", only, err)
	}

	_, err = e.id.UserTenantStatuses(ctx, nil, nil)
	wantField(t, err, "userIds")
	_, err = e.id.UserTenantStatuses(ctx, []string{active.ID}, []string{"Sleeping"})
	wantField(t, err, "userTenantStatuses")
	many := make([]string, identity.MaxStatusUsers+1)
	for i := range many {
		many[i] = "u" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + time.Duration(i).String()
	}
	_, err = e.id.UserTenantStatuses(ctx, many, nil)
	wantField(t, err, "userIds")
}
