package httpmw_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// decodeInto decodes the body of r into v.
func decodeInto(t testing.TB, r *response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

func TestPermissionsRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, testUserEmail)

	ps := s.do(t, http.MethodGet, "/resources/permissions/v1", nil, accessToken(vt)).want(t, http.StatusOK).array(t)
	if len(ps) != len(identity.BuiltinPermissions) {
		t.Fatalf("%d permissions", len(ps))
	}
	wantKeys(t, "permission", ps[0], permissionResponseKeys...)
	s.do(t, http.MethodGet, "/resources/permissions/v1", nil, bearer(userTok)).wantError(t, http.StatusForbidden)

	created := s.do(t, http.MethodPost, "/resources/permissions/v1", []map[string]any{{"key": "reports.read", "name": "Read reports", "assignmentType": "ASSIGNABLE"}},
		accessToken(vt)).want(t, http.StatusCreated).array(t)
	wantKeys(t, "created permission", created[0], permissionResponseKeys...)
	pid := wantString(t, created[0], "id")
	if created[0]["fePermission"] != false || created[0]["categoryId"] != "" {
		t.Fatalf("created = %v", created[0])
	}
	msg, _ := s.do(t, http.MethodPost, "/resources/permissions/v1", []map[string]any{{"key": "fe.mine", "name": "x"}}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "key") {
		t.Fatalf("message %q does not name key", msg)
	}
	s.do(t, http.MethodPost, "/resources/permissions/v1", []map[string]any{{"key": "reports.read", "name": "again"}}, accessToken(vt)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, "/resources/permissions/v1", []map[string]any{{"key": "x.y", "name": "x"}}, bearer(userTok)).wantError(t, http.StatusForbidden)

	m := s.do(t, http.MethodPatch, "/resources/permissions/v1/"+pid, map[string]any{"name": "Read all reports", "description": "All"}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["name"] != "Read all reports" || m["description"] != "All" {
		t.Fatalf("updated = %v", m)
	}
	builtin := s.permissionID(t, "fe.secure.read.users")
	msg, _ = s.do(t, http.MethodPatch, "/resources/permissions/v1/"+builtin, map[string]any{"name": "Mine now"}, accessToken(vt)).wantError(t, http.StatusForbidden)
	if !strings.Contains(msg, "built-in") {
		t.Fatalf("message %q", msg)
	}
	s.do(t, http.MethodPatch, "/resources/permissions/v1/no-such", map[string]any{"name": "x"}, accessToken(vt)).wantError(t, http.StatusNotFound)

	role := s.roleID(t, identity.RoleReadOnly)
	m = s.do(t, http.MethodPut, "/resources/permissions/v1/"+pid+"/roles", map[string]any{"roleIds": []string{role}}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if ids, _ := m["roleIds"].([]any); len(ids) != 1 || ids[0] != role {
		t.Fatalf("roleIds = %v", m["roleIds"])
	}
	s.do(t, http.MethodPut, "/resources/permissions/v1/"+pid+"/roles", map[string]any{"roleIds": []string{"nope"}}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/permissions/v1/no-such/roles", map[string]any{"roleIds": []string{role}}, accessToken(vt)).wantError(t, http.StatusNotFound)

	cl := s.do(t, http.MethodPut, "/resources/permissions/v1/classification", map[string]any{"permissionIds": []string{pid, builtin}, "type": "NEVER"}, accessToken(vt)).want(t, http.StatusOK).array(t)
	if len(cl) != 2 {
		t.Fatalf("classified = %v", cl)
	}
	s.do(t, http.MethodPut, "/resources/permissions/v1/classification", map[string]any{"permissionIds": []string{pid}, "type": "OFTEN"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/permissions/v1/classification", map[string]any{"type": "NEVER"}, accessToken(vt)).wantError(t, http.StatusBadRequest)

	s.do(t, http.MethodDelete, "/resources/permissions/v1/"+builtin, nil, accessToken(vt)).wantError(t, http.StatusForbidden)
	r := s.do(t, http.MethodDelete, "/resources/permissions/v1/"+pid, nil, accessToken(vt))
	if r.code != http.StatusNoContent {
		t.Fatalf("delete = %d %s", r.code, r.body)
	}
	s.do(t, http.MethodDelete, "/resources/permissions/v1/"+pid, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, "/resources/permissions/v1/"+pid, nil).wantError(t, http.StatusUnauthorized)
}

func TestPermissionCategoriesRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, testUserEmail)
	cats := s.do(t, http.MethodGet, "/resources/permissions/v1/categories", nil, accessToken(vt)).want(t, http.StatusOK).array(t)
	if len(cats) == 0 {
		t.Fatal("no built-in categories")
	}
	wantKeys(t, "category", cats[0], "id", "name", "description", "createdAt", "feCategory", "permissionIds")
	feCat := wantString(t, cats[0], "id")
	s.do(t, http.MethodGet, "/resources/permissions/v1/categories", nil, bearer(userTok)).wantError(t, http.StatusForbidden)

	c := s.do(t, http.MethodPost, "/resources/permissions/v1/categories", map[string]any{"name": "Reports", "description": "Reporting"}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	cid := wantString(t, c, "id")
	if c["feCategory"] != false || c["name"] != "Reports" {
		t.Fatalf("created = %v", c)
	}
	s.do(t, http.MethodPost, "/resources/permissions/v1/categories", map[string]any{"description": "no name"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/permissions/v1/categories", map[string]any{"id": cid, "name": "dup"}, accessToken(vt)).wantError(t, http.StatusConflict)

	created := s.do(t, http.MethodPost, "/resources/permissions/v1", []map[string]any{{"key": "reports.read", "name": "R", "categoryId": cid}}, accessToken(vt)).want(t, http.StatusCreated).array(t)
	pid := wantString(t, created[0], "id")

	c = s.do(t, http.MethodPatch, "/resources/permissions/v1/categories/"+cid, map[string]any{"name": "Reporting"}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if c["name"] != "Reporting" {
		t.Fatalf("updated = %v", c)
	}
	s.do(t, http.MethodPatch, "/resources/permissions/v1/categories/no-such", map[string]any{"name": "x"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPatch, "/resources/permissions/v1/categories/"+feCat, map[string]any{"name": "x"}, accessToken(vt)).wantError(t, http.StatusForbidden)

	s.do(t, http.MethodDelete, "/resources/permissions/v1/categories/"+feCat, nil, accessToken(vt)).wantError(t, http.StatusForbidden)
	if r := s.do(t, http.MethodDelete, "/resources/permissions/v1/categories/"+cid, nil, accessToken(vt)); r.code != http.StatusOK {
		t.Fatalf("delete = %d %s", r.code, r.body)
	}
	s.do(t, http.MethodDelete, "/resources/permissions/v1/categories/"+cid, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	// Its permission stays, without a category.
	for _, p := range s.do(t, http.MethodGet, "/resources/permissions/v1", nil, accessToken(vt)).want(t, http.StatusOK).array(t) {
		if p["id"] == pid && p["categoryId"] != "" {
			t.Fatalf("permission of a deleted category = %v", p)
		}
	}
}
