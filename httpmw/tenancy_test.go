package httpmw_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// tokenTenant returns the tenantId claim of an access token.
func (s *testServer) tokenTenant(t testing.TB, token string) string {
	t.Helper()
	p, err := s.id.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return p.Claims.TenantID
}

// plainMemberToken returns the access token of a new member of tenantID
// holding one role that grants no permission.
func (s *testServer) plainMemberToken(t testing.TB, email, tenantID string) (token, userID string) {
	t.Helper()
	roles, err := s.id.CreateRoles(context.Background(), tenantID, []identity.CreateRoleInput{{Key: "plain-" + email, Name: "Plain", Level: ptr(10)}})
	if err != nil {
		t.Fatal(err)
	}
	return s.memberToken(t, email, tenantID, roles[0].ID)
}

// asUser acts as userID in tenantID through the environment token.
func asUser(vt, userID, tenantID string) []reqOpt {
	return []reqOpt{accessToken(vt), header("frontegg-user-id", userID), header("frontegg-tenant-id", tenantID)}
}

func TestAddUserToTenantRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.createUser(t, testUserEmail)
	path := "/resources/users/v1/" + userID + "/tenant"

	m := s.do(t, http.MethodPost, path, map[string]any{"tenantId": "second-tenant"}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "user", m, userDtoKeys...)
	if m["tenantId"] != "second-tenant" || len(m["tenantIds"].([]any)) != 2 {
		t.Fatalf("user after adding = %v", m)
	}
	s.do(t, http.MethodPost, path, map[string]any{"tenantId": "second-tenant"}, accessToken(vt)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, path, map[string]any{"tenantId": "nope", "validateTenantExist": true}, accessToken(vt)).wantError(t, http.StatusNotFound)
	msg, _ := s.do(t, http.MethodPost, path, map[string]any{"skipInviteEmail": true}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if msg == "" {
		t.Fatal("no message")
	}
	s.do(t, http.MethodPost, path, map[string]any{"tenantId": 7}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/nobody/tenant", map[string]any{"tenantId": "second-tenant"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	ut, _, _ := s.userToken(t, "user@example.com")
	s.do(t, http.MethodPost, path, map[string]any{"tenantId": "third"}, bearer(ut)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, path, map[string]any{"tenantId": "third"}).wantError(t, http.StatusUnauthorized)
}

func TestSetUserActiveTenantRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, home := s.createUser(t, testUserEmail)
	path := "/resources/users/v1/" + userID + "/tenant"

	m := s.do(t, http.MethodPut, path, map[string]any{"tenantId": "second"}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["tenantId"] != "second" {
		t.Fatalf("user = %v", m)
	}
	login, _ := s.login(t, testUserEmail)
	if got := s.tokenTenant(t, wantString(t, login, "accessToken")); got != "second" {
		t.Fatalf("login after setting the active tenant: %q", got)
	}
	s.do(t, http.MethodPut, path, map[string]any{"tenantId": home}, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodPut, path, map[string]any{"tenantId": "missing", "validateTenantExist": true}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPut, "/resources/users/v1/nobody/tenant", map[string]any{"tenantId": home}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPut, path, map[string]any{}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	ut := wantString(t, login, "accessToken")
	s.do(t, http.MethodPut, path, map[string]any{"tenantId": home}, bearer(ut)).wantError(t, http.StatusForbidden)
}

func TestSwitchTenantRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, home := s.createUser(t, testUserEmail)
	s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/tenant", map[string]any{"tenantId": "second", "skipInviteEmail": true}, accessToken(vt)).want(t, http.StatusCreated)
	foreign, err := s.id.CreateTenant(context.Background(), identity.CreateTenantInput{Name: "Foreign"})
	if err != nil {
		t.Fatal(err)
	}
	m, r := s.login(t, testUserEmail)
	access := wantString(t, m, "accessToken")
	if got := s.tokenTenant(t, access); got != home {
		t.Fatalf("login tenant %q", got)
	}

	// What @frontegg/rest-api's switchTenant sends, then a refresh.
	sw := s.do(t, http.MethodPut, "/resources/users/v1/tenant", map[string]any{"tenantId": "second"}, bearer(access)).want(t, http.StatusOK).object(t)
	if sw["tenantId"] != "second" {
		t.Fatalf("switch answer = %v", sw)
	}
	ref := s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": null}`, cookie(r.cookie(t, testCookieName)), bearer(access)).want(t, http.StatusCreated).object(t)
	if got := s.tokenTenant(t, wantString(t, ref, "accessToken")); got != "second" {
		t.Fatalf("token after switching: tenant %q, want second", got)
	}

	s.do(t, http.MethodPut, "/resources/users/v1/tenant", map[string]any{"tenantId": foreign.ID}, bearer(access)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPut, "/resources/users/v1/tenant", map[string]any{}, bearer(access)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/users/v1/tenant", map[string]any{"tenantId": home}).wantError(t, http.StatusUnauthorized)
	// The environment token acts for the user it names.
	s.do(t, http.MethodPut, "/resources/users/v1/tenant", map[string]any{"tenantId": home}, asUser(vt, userID, "second")...).want(t, http.StatusOK)
}

func TestMigrateTenantUsersRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, src := s.createUser(t, testUserEmail)
	dst, err := s.id.CreateTenant(context.Background(), identity.CreateTenantInput{Name: "Target"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/resources/users/v1/tenants/migrate"
	s.do(t, http.MethodPut, path, map[string]any{"srcTenantId": src, "targetTenantId": dst.ID}, accessToken(vt)).want(t, http.StatusOK)
	u, err := s.id.GetUser(context.Background(), userID)
	if err != nil || len(u.TenantIDs) != 1 || u.TenantIDs[0] != dst.ID || u.TenantID != dst.ID {
		t.Fatalf("user after migration: %v %v, %v", u.TenantIDs, u.TenantID, err)
	}
	s.do(t, http.MethodPut, path, map[string]any{"srcTenantId": dst.ID, "targetTenantId": dst.ID}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, path, map[string]any{"srcTenantId": "missing", "targetTenantId": dst.ID}, accessToken(vt)).wantError(t, http.StatusNotFound)
	m, _ := s.login(t, testUserEmail)
	s.do(t, http.MethodPut, path, map[string]any{"srcTenantId": dst.ID, "targetTenantId": src}, bearer(wantString(t, m, "accessToken"))).wantError(t, http.StatusForbidden)
}

func TestSubAccountAccessRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	adminID, tenantID := s.createUser(t, testUserEmail)
	u, err := s.id.CreateUser(context.Background(), identity.CreateUserInput{Email: "bob@example.com", TenantID: tenantID})
	if err != nil {
		t.Fatal(err)
	}
	path := "/resources/sub-tenants/users/v1/" + u.ID + "/access"
	s.do(t, http.MethodPut, path, map[string]any{"allowAccess": true}, asUser(vt, adminID, tenantID)...).want(t, http.StatusOK)
	got, err := s.id.GetTenantUser(context.Background(), tenantID, u.ID)
	if err != nil || !got.SubAccountAccessAllowed {
		t.Fatalf("subAccountAccessAllowed = %v, %v", got.SubAccountAccessAllowed, err)
	}
	s.do(t, http.MethodPut, path, map[string]any{}, asUser(vt, adminID, tenantID)...).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/sub-tenants/users/v1/nobody/access", map[string]any{"allowAccess": true}, asUser(vt, adminID, tenantID)...).wantError(t, http.StatusNotFound)
	// The tenant's first user (Admin) holds
	// fe.account-hierarchy.write.subAccountAccess; a plain member does not.
	m, _ := s.login(t, testUserEmail)
	s.do(t, http.MethodPut, path, map[string]any{"allowAccess": false}, bearer(wantString(t, m, "accessToken"))).want(t, http.StatusOK)
	if got, _ := s.id.GetTenantUser(context.Background(), tenantID, u.ID); got.SubAccountAccessAllowed {
		t.Fatal("access still allowed after the admin denied it")
	}
	plain, _ := s.plainMemberToken(t, "plain@example.com", tenantID)
	s.do(t, http.MethodPut, path, map[string]any{"allowAccess": true}, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPut, path, map[string]any{"allowAccess": false}).wantError(t, http.StatusUnauthorized)
}

func TestMyTenantsHierarchyRoute(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	_, root := s.createUser(t, testUserEmail)
	child, err := s.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Child", ParentTenantID: root})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.id.GetUserByEmail(ctx, testUserEmail)
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(1e9)
	if _, err := s.id.AddUserToTenant(ctx, u.ID, identity.UserTenantInput{TenantID: child.ID, SkipInviteEmail: true}); err != nil {
		t.Fatal(err)
	}
	m, _ := s.login(t, testUserEmail)
	h := s.do(t, http.MethodGet, "/resources/users/v2/me/hierarchy", nil, bearer(wantString(t, m, "accessToken"))).want(t, http.StatusOK).object(t)
	roots, _ := h["tenants"].([]any)
	if len(roots) != 1 {
		t.Fatalf("hierarchy = %v", h)
	}
	r := roots[0].(map[string]any)
	kids, _ := r["children"].([]any)
	if r["tenantId"] != root || len(kids) != 1 || kids[0].(map[string]any)["tenantId"] != child.ID || kids[0].(map[string]any)["level"] != 1.0 {
		t.Fatalf("hierarchy = %v", h)
	}
	s.do(t, http.MethodGet, "/resources/users/v2/me/hierarchy", nil).wantError(t, http.StatusUnauthorized)
}

func TestUserTenantStatusesRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	a, ta := s.createUser(t, testUserEmail)
	b, tb := s.createUser(t, "bob@example.com")
	s.login(t, testUserEmail)

	got := s.do(t, http.MethodGet, "/resources/tenants/users/v1/statuses?userIds="+a+"&userIds="+b, nil, accessToken(vt)).want(t, http.StatusOK).array(t)
	if len(got) != 2 {
		t.Fatalf("statuses = %v", got)
	}
	want := map[string][2]string{a: {ta, identity.StatusActivated}, b: {tb, identity.StatusPendingLogin}}
	for _, us := range got {
		wantKeys(t, "statuses", us, "userId", "tenantsStatuses")
		st := us["tenantsStatuses"].([]any)[0].(map[string]any)
		w := want[us["userId"].(string)]
		if st["tenantId"] != w[0] || st["status"] != w[1] {
			t.Fatalf("user %v: %v, want %v", us["userId"], st, w)
		}
	}
	filtered := s.do(t, http.MethodGet, "/resources/tenants/users/v1/statuses?userIds="+a+","+b+"&userTenantStatuses=PendingLogin", nil, accessToken(vt)).want(t, http.StatusOK).array(t)
	for _, us := range filtered {
		if n := len(us["tenantsStatuses"].([]any)); (us["userId"] == b) != (n == 1) {
			t.Fatalf("filtered statuses = %v", filtered)
		}
	}
	s.do(t, http.MethodGet, "/resources/tenants/users/v1/statuses", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/tenants/users/v1/statuses?userIds="+a+"&userTenantStatuses=Bored", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	m, _ := s.login(t, testUserEmail)
	s.do(t, http.MethodGet, "/resources/tenants/users/v1/statuses?userIds="+a, nil, bearer(wantString(t, m, "accessToken"))).wantError(t, http.StatusForbidden)
}
