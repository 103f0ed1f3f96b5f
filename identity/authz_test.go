package identity_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/tokens"
)

func TestTokenCarriesRolesAndPermissions(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "tok@example.com")
	login := e.login(t, "tok@example.com")
	c := e.principal(t, login.AccessToken).Claims
	if !slices.Equal(c.Roles, []string{identity.RoleAdmin}) || !slices.Contains(c.Permissions, "fe.secure.*") {
		t.Fatalf("first user's token: roles %v, permissions %v", c.Roles, c.Permissions)
	}
	reporter := e.customRole(t, "", "reporter", 4, "reports.read")
	if _, err := e.id.AssignUserRoles(ctx, vendorIn(u.TenantID), u.ID, []string{reporter.ID}); err != nil {
		t.Fatal(err)
	}
	// The issued token is unchanged; the next refresh carries the role.
	if slices.Contains(e.principal(t, login.AccessToken).Claims.Roles, "reporter") {
		t.Fatal("an issued token changed")
	}
	p, refresh := e.refreshClaims(t, login.RefreshToken)
	if !slices.Equal(p.Claims.Roles, []string{identity.RoleAdmin, "reporter"}) && !slices.Equal(p.Claims.Roles, []string{"reporter", identity.RoleAdmin}) {
		t.Fatalf("roles after refresh = %v", p.Claims.Roles)
	}
	if !slices.Contains(p.Claims.Permissions, "reports.read") || !identity.Can(p, "reports.read") || !identity.HasRole(p, "reporter") {
		t.Fatalf("permissions after refresh = %v", p.Claims.Permissions)
	}

	// addRolesToJwt / addPermissionsToJwt empty the claims.
	e.setConfig(t, identity.VendorConfigUpdate{AddRolesToJWT: ptr(false)})
	p, refresh = e.refreshClaims(t, refresh)
	if p.Claims.Roles == nil || len(p.Claims.Roles) != 0 || !slices.Contains(p.Claims.Permissions, "reports.read") {
		t.Fatalf("addRolesToJwt=false: roles %#v, permissions %v", p.Claims.Roles, p.Claims.Permissions)
	}
	e.setConfig(t, identity.VendorConfigUpdate{AddRolesToJWT: ptr(true), AddPermissionsToJWT: ptr(false)})
	p, refresh = e.refreshClaims(t, refresh)
	if p.Claims.Permissions == nil || len(p.Claims.Permissions) != 0 || len(p.Claims.Roles) != 2 || identity.Can(p, "reports.read") {
		t.Fatalf("addPermissionsToJwt=false: roles %v, permissions %#v", p.Claims.Roles, p.Claims.Permissions)
	}
	e.setConfig(t, identity.VendorConfigUpdate{AddPermissionsToJWT: ptr(true)})

	// Deleting the role takes it from the user at the next refresh.
	if err := e.id.DeleteRole(ctx, "", reporter.ID); err != nil {
		t.Fatal(err)
	}
	p, _ = e.refreshClaims(t, refresh)
	if !slices.Equal(p.Claims.Roles, []string{identity.RoleAdmin}) || slices.Contains(p.Claims.Permissions, "reports.read") {
		t.Fatalf("after deleting the role: roles %v, permissions %v", p.Claims.Roles, p.Claims.Permissions)
	}
	if got := e.memberRoles(t, u.ID, u.TenantID); len(got) != 1 {
		t.Fatalf("membership still holds %v", got)
	}
}

func TestUserViewsCarryAuthorization(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "view@example.com")
	second := e.tenant(t, "Second")
	e.userIn(t, "owner@example.com", second.ID)
	ro := e.roleByKey(t, identity.RoleReadOnly)
	if err := e.st.PutMembership(ctx, storeMembership(u.ID, second.ID, e.id.EnvironmentID(), ro.ID)); err != nil {
		t.Fatal(err)
	}
	got, err := e.id.GetUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(roleKeys(got.Roles), []string{identity.RoleAdmin}) || len(got.Permissions) != len(identity.BuiltinRoles[0].Permissions) {
		t.Fatalf("user roles %v, %d permissions", roleKeys(got.Roles), len(got.Permissions))
	}
	for _, tn := range got.Tenants {
		want := identity.RoleAdmin
		if tn.TenantID == second.ID {
			want = identity.RoleReadOnly
		}
		if !slices.Equal(roleKeys(tn.Roles), []string{want}) {
			t.Fatalf("tenant %s roles = %v, want %s", tn.TenantID, roleKeys(tn.Roles), want)
		}
	}
	admin := e.roleByKey(t, identity.RoleAdmin)
	for _, p := range got.Permissions {
		if !slices.Contains(p.RoleIDs, admin.ID) {
			t.Fatalf("permission %s does not name the Admin role among %v", p.Key, p.RoleIDs)
		}
	}
	// As seen from the second tenant.
	inSecond, err := e.id.GetTenantUser(ctx, second.ID, u.ID)
	if err != nil || !slices.Equal(roleKeys(inSecond.Roles), []string{identity.RoleReadOnly}) {
		t.Fatalf("GetTenantUser(second) roles = %v, %v", roleKeys(inSecond.Roles), err)
	}
	// me/authorization follows the principal's tenant.
	res, err := e.id.Refresh(ctx, e.login(t, "view@example.com").RefreshToken, second.ID, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	p := e.principal(t, res.AccessToken)
	authz, err := e.id.MyAuthorization(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(roleKeys(authz.Roles), []string{identity.RoleReadOnly}) || len(authz.Permissions) != len(identity.BuiltinRoles[1].Permissions) {
		t.Fatalf("MyAuthorization in the second tenant = %v, %d permissions", roleKeys(authz.Roles), len(authz.Permissions))
	}
	if !slices.Equal(p.Claims.Roles, []string{identity.RoleReadOnly}) {
		t.Fatalf("token roles in the second tenant = %v", p.Claims.Roles)
	}
}

func TestCanWildcards(t *testing.T) {
	user := func(perms ...string) *identity.Principal {
		return &identity.Principal{UserID: "u", TenantID: "t", Claims: &tokens.Claims{Permissions: perms}}
	}
	for _, c := range []struct {
		granted []string
		key     string
		want    bool
	}{
		{[]string{"fe.secure.*"}, "fe.secure.read.users", true},
		{[]string{"fe.secure.read.*"}, "fe.secure.write.users", false},
		{[]string{"fe.secure.read.users"}, "fe.secure.read.users", true},
		{[]string{"fe.secure.read.users"}, "fe.secure.read.usersX", false},
		{[]string{"fe.*"}, "fe.secure.*", true},
		{[]string{"fe.secure.read.*"}, "fe.secure.*", false},
		{[]string{"*"}, "anything", true},
		{nil, "fe.secure.read.users", false},
	} {
		if got := identity.Can(user(c.granted...), c.key); got != c.want {
			t.Errorf("Can(%v, %q) = %v, want %v", c.granted, c.key, got, c.want)
		}
	}
	if !identity.Can(&identity.Principal{Vendor: true}, "anything") || identity.Can(nil, "x") || identity.Can(&identity.Principal{UserID: "u"}, "x") {
		t.Fatal("vendor / nil / claimless principals")
	}
}

// TestCanSetMatchesScan checks that the set Can builds for repeated checks
// answers exactly as the scan, concurrently.
func TestCanSetMatchesScan(t *testing.T) {
	perms := []string{"reports.*", "admin.users.read"}
	for i := range 200 {
		perms = append(perms, fmt.Sprintf("app.resource%03d.read", i))
	}
	keys := []string{"reports.export", "reports.*", "admin.users.read", "admin.users.write", "app.resource007.read",
		"app.resource007.write", "app.resource199.read", "app.resource200.read", "report", ""}
	want := map[string]bool{"reports.export": true, "reports.*": true, "admin.users.read": true, "app.resource007.read": true, "app.resource199.read": true}
	p := &identity.Principal{UserID: "u", TenantID: "t", Claims: &tokens.Claims{Permissions: perms}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for _, k := range keys {
					if got := identity.Can(p, k); got != want[k] {
						t.Errorf("Can(%q) = %v, want %v", k, got, want[k])
						return
					}
				}
			}
		})
	}
	wg.Wait()
	// Claims replaced after use are honoured, not the old set.
	p2 := &identity.Principal{UserID: "u", TenantID: "t", Claims: &tokens.Claims{Permissions: perms}}
	for range 5 {
		identity.Can(p2, "reports.x")
	}
	p2.Claims = &tokens.Claims{Permissions: perms[2:]}
	if identity.Can(p2, "reports.x") {
		t.Fatal("Can answered from the set of replaced claims")
	}
}
