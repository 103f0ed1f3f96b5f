package httpmw_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
)

func TestAssignUserRolesRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	adminTok, _, tenantID := s.userToken(t, testUserEmail)
	readerTok, readerID := s.memberToken(t, "reader@example.com", tenantID)
	_, _, otherTenant := s.userToken(t, "other@example.com")
	_, outsiderID := s.memberToken(t, "outsider@example.com", otherTenant)
	rs, err := s.id.CreateRoles(context.Background(), "", []identity.CreateRoleInput{{Key: "auditor", Name: "Auditor", Level: ptr(3)}})
	if err != nil {
		t.Fatal(err)
	}
	auditor := rs[0].ID
	path := "/resources/users/v1/" + readerID + "/roles"

	m := s.do(t, http.MethodPost, path, map[string]any{"roleIds": []string{auditor}}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "assign response", m, "tenantId", "userId", "roles")
	if m["tenantId"] != tenantID || m["userId"] != readerID || len(m["roles"].([]any)) != 2 {
		t.Fatalf("assign = %v", m)
	}
	s.do(t, http.MethodPost, path, map[string]any{"roleIds": []string{auditor}}, bearer(readerTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, path, map[string]any{"roleIds": []string{"nope"}}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]any{}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/"+outsiderID+"/roles", map[string]any{"roleIds": []string{auditor}}, bearer(adminTok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, path, map[string]any{"roleIds": []string{auditor}}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, path, map[string]any{"roleIds": []string{auditor}}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]any{"roleIds": []string{auditor}}, accessToken(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusCreated)

	m = s.do(t, http.MethodDelete, path, map[string]any{"roleIds": []string{auditor}}, bearer(adminTok)).want(t, http.StatusOK).object(t)
	if roles := m["roles"].([]any); len(roles) != 1 || roles[0].(map[string]any)["key"] != identity.RoleReadOnly {
		t.Fatalf("unassign = %v", m)
	}
	s.do(t, http.MethodDelete, path, map[string]any{"roleIds": []string{auditor}}, bearer(readerTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, path, map[string]any{"roleIds": []string{"nope"}}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
}

func TestUsersRolesRoute(t *testing.T) {
	s := newTestServer(t)
	adminTok, adminID, tenantID := s.userToken(t, testUserEmail)
	readerTok, readerID := s.memberToken(t, "reader@example.com", tenantID)
	var got []map[string]any
	decodeInto(t, s.do(t, http.MethodGet, "/resources/users/v3/roles?ids="+adminID+","+readerID, nil, bearer(readerTok)).want(t, http.StatusOK), &got)
	if len(got) != 2 || got[0]["userId"] != adminID || got[1]["userId"] != readerID {
		t.Fatalf("users roles = %v", got)
	}
	wantKeys(t, "user roles", got[0], "vendorId", "tenantId", "userId", "roleIds")
	if ids := got[1]["roleIds"].([]any); len(ids) != 1 || ids[0] != s.roleID(t, identity.RoleReadOnly) {
		t.Fatalf("reader's roleIds = %v", ids)
	}
	s.do(t, http.MethodGet, "/resources/users/v3/roles", nil, bearer(adminTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/users/v3/roles?ids="+adminID, nil).wantError(t, http.StatusUnauthorized)
}

func TestBulkRolesRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, userID, _ := s.userToken(t, testUserEmail)
	ro := s.roleID(t, identity.RoleReadOnly)
	path := "/resources/vendor-only/users/v1/" + userID + "/roles/bulk"
	m := s.do(t, http.MethodPatch, path, map[string]any{"addRoleIds": []string{ro}}, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "bulk response", m, "userId", "affectedTenants", "rolesAdded", "rolesRemoved", "taskId")
	if m["affectedTenants"] != float64(1) || m["userId"] != userID {
		t.Fatalf("bulk = %v", m)
	}
	taskID := wantString(t, m, "taskId")
	s.do(t, http.MethodPatch, path, map[string]any{}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPatch, path, map[string]any{"addRoleIds": []string{ro}}, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPatch, "/resources/vendor-only/users/v1/no-such-user/roles/bulk", map[string]any{"addRoleIds": []string{ro}}, accessToken(vt)).wantError(t, http.StatusNotFound)

	st := s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/bulk-roles/status/"+taskID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "task", st, "id", "userId", "status", "totalTenants", "processedTenants", "addedRoleIds", "removedRoleIds")
	if st["status"] != identity.BulkRolesCompleted || st["id"] != taskID {
		t.Fatalf("task = %v", st)
	}
	s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/bulk-roles/status/no-such-task", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/bulk-roles/status/"+taskID, nil).wantError(t, http.StatusUnauthorized)
}

// TestAuthorizationEndToEnd checks the permissions a token carries against
// the host application's middleware and the route table, before and after
// roles change.
func TestAuthorizationEndToEnd(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	adminTok, _, tenantID := s.userToken(t, testUserEmail)
	readerTok, readerID := s.memberToken(t, "reader@example.com", tenantID)

	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	call := func(mw func(http.Handler) http.Handler, token string) int {
		req := httptest.NewRequest(http.MethodGet, "/app", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		mw(ok).ServeHTTP(w, req)
		return w.Code
	}
	readUsers := httpmw.RequirePermission(s.id, "fe.secure.read.users")
	writeUsers := httpmw.RequirePermission(s.id, "fe.secure.write.users")
	reports := httpmw.RequirePermission(s.id, "reports.read")
	for _, c := range []struct {
		name  string
		mw    func(http.Handler) http.Handler
		token string
		want  int
	}{
		{"admin holds fe.secure.* so reads users", readUsers, adminTok, http.StatusTeapot},
		{"admin writes users", writeUsers, adminTok, http.StatusTeapot},
		{"reader holds fe.secure.read.*", readUsers, readerTok, http.StatusTeapot},
		{"reader may not write users", writeUsers, readerTok, http.StatusForbidden},
		{"no one holds reports.read yet", reports, adminTok, http.StatusForbidden},
		{"no token", readUsers, "", http.StatusUnauthorized},
		{"admin role", httpmw.RequireRole(s.id, identity.RoleAdmin), adminTok, http.StatusTeapot},
		{"reader lacks the admin role", httpmw.RequireRole(s.id, identity.RoleAdmin), readerTok, http.StatusForbidden},
	} {
		if got := call(c.mw, c.token); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}

	// The vendor creates a permission and a role, assigns it, and after a
	// refresh the reader's token carries them.
	ps := s.do(t, http.MethodPost, "/resources/permissions/v1", []map[string]any{{"key": "reports.read", "name": "Read reports"}}, accessToken(vt)).want(t, http.StatusCreated).array(t)
	rs := s.do(t, http.MethodPost, "/resources/roles/v1", []map[string]any{{"key": "reporter", "name": "Reporter", "level": 5}}, accessToken(vt)).want(t, http.StatusCreated).array(t)
	roleID := wantString(t, rs[0], "id")
	s.do(t, http.MethodPut, "/resources/roles/v1/"+roleID+"/permissions", map[string]any{"permissionIds": []string{wantString(t, ps[0], "id")}}, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodPost, "/resources/users/v1/"+readerID+"/roles", map[string]any{"roleIds": []string{roleID}}, accessToken(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusCreated)
	if got := call(reports, readerTok); got != http.StatusForbidden {
		t.Fatalf("an issued token gained a permission: %d", got)
	}
	login, _ := s.login(t, "reader@example.com")
	refreshed := s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": wantString(t, login, "refreshToken")}).want(t, http.StatusCreated).object(t)
	newTok := wantString(t, refreshed, "accessToken")
	if got := call(reports, newTok); got != http.StatusTeapot {
		t.Fatalf("refreshed token refused reports.read: %d", got)
	}
	if got := call(httpmw.RequireRole(s.id, "reporter"), newTok); got != http.StatusTeapot {
		t.Fatalf("refreshed token lacks the reporter role: %d", got)
	}
	auth := s.do(t, http.MethodGet, "/resources/users/v1/me/authorization", nil, bearer(newTok)).want(t, http.StatusOK).object(t)
	if got := keysOf(auth["roles"].([]any)); !slices.Equal(got, []string{identity.RoleReadOnly, "reporter"}) {
		t.Fatalf("me/authorization roles = %v", got)
	}
	var permKeys []string
	for _, p := range auth["permissions"].([]any) {
		wantKeys(t, "authorization permission", p.(map[string]any), permissionResponseKeys...)
		permKeys = append(permKeys, p.(map[string]any)["key"].(string))
	}
	if !slices.Contains(permKeys, "reports.read") {
		t.Fatalf("me/authorization permissions = %v", permKeys)
	}
	me := s.do(t, http.MethodGet, "/resources/users/v2/me", nil, bearer(newTok)).want(t, http.StatusOK).object(t)
	if got := keysOf(me["roles"].([]any)); !slices.Equal(got, []string{identity.RoleReadOnly, "reporter"}) {
		t.Fatalf("me roles = %v", got)
	}
	tenants := me["tenants"].([]any)
	if got := keysOf(tenants[0].(map[string]any)["roles"].([]any)); !slices.Equal(got, []string{identity.RoleReadOnly, "reporter"}) {
		t.Fatalf("me tenants[0].roles = %v", got)
	}
	// Route permission checks follow the token too: the reader may read
	// account roles but not create them.
	s.do(t, http.MethodGet, "/resources/roles/v2", nil, bearer(newTok)).want(t, http.StatusOK)
	s.do(t, http.MethodPost, "/resources/roles/v2", map[string]any{"key": "x", "name": "X", "baseRoleId": roleID, "permissionIds": []string{}}, bearer(newTok)).wantError(t, http.StatusForbidden)
}
