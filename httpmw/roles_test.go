package httpmw_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// roleResponseKeys are the required fields of the spec's RoleResponse.
var roleResponseKeys = []string{"id", "vendorId", "tenantId", "key", "name", "description", "isDefault", "firstUserRole", "level", "createdAt", "updatedAt", "permissions"}

// permissionResponseKeys are the required fields of PermissionResponse.
var permissionResponseKeys = []string{"id", "key", "name", "description", "createdAt", "updatedAt", "roleIds", "categoryId", "fePermission"}

// roleID returns the id of the environment-wide role key.
func (s *testServer) roleID(t testing.TB, key string) string {
	t.Helper()
	rs, err := s.id.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Key == key && r.TenantID == "" {
			return r.ID
		}
	}
	t.Fatalf("no role %q", key)
	return ""
}

// permissionID returns the id of permission key.
func (s *testServer) permissionID(t testing.TB, key string) string {
	t.Helper()
	ps, err := s.id.ListPermissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Key == key {
			return p.ID
		}
	}
	t.Fatalf("no permission %q", key)
	return ""
}

// readOnlyToken creates, in a new tenant, a user holding only the built-in
// ReadOnly role (no write or delete permission) and returns its access
// token and id.
func (s *testServer) readOnlyToken(t testing.TB, email string) (token, userID string) {
	t.Helper()
	tn, err := s.id.CreateTenant(context.Background(), identity.CreateTenantInput{Name: "Read-only of " + email})
	if err != nil {
		t.Fatal(err)
	}
	return s.memberToken(t, email, tn.ID, s.roleID(t, identity.RoleReadOnly))
}

// plainToken creates, in a new tenant, a user whose only role grants no
// permission (where userToken's user, the tenant's first, is Admin), and
// returns its access token, id and tenant.
func (s *testServer) plainToken(t testing.TB, email string) (token, userID, tenantID string) {
	t.Helper()
	ctx := context.Background()
	roleID := ""
	rs, err := s.id.ListRoles(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Key == "plain-member" {
			roleID = r.ID
		}
	}
	if roleID == "" {
		created, err := s.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "plain-member", Name: "Member", Level: ptr(10)}})
		if err != nil {
			t.Fatal(err)
		}
		roleID = created[0].ID
	}
	tn, err := s.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Plain of " + email})
	if err != nil {
		t.Fatal(err)
	}
	token, userID = s.memberToken(t, email, tn.ID, roleID)
	return token, userID, tn.ID
}

// keysOf returns the "key" of each object, sorted.
func keysOf(items []any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["key"].(string))
	}
	slices.Sort(out)
	return out
}

func TestListRolesRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, tenantID := s.userToken(t, testUserEmail)
	rs := s.do(t, http.MethodGet, "/resources/roles/v1", nil, accessToken(vt)).want(t, http.StatusOK).array(t)
	if len(rs) != 2 {
		t.Fatalf("roles = %v", rs)
	}
	for _, r := range rs {
		wantKeys(t, "role", r, roleResponseKeys...)
	}
	if _, err := s.id.CreateRoles(context.Background(), tenantID, []identity.CreateRoleInput{{Key: "local", Name: "Local", Level: ptr(3)}}); err != nil {
		t.Fatal(err)
	}
	s.do(t, http.MethodGet, "/resources/roles/v1", nil, accessToken(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK)
	if n := len(s.do(t, http.MethodGet, "/resources/roles/v1", nil, accessToken(vt)).want(t, http.StatusOK).array(t)); n != 3 {
		t.Fatalf("%d roles, want 3", n)
	}
	s.do(t, http.MethodGet, "/resources/roles/v1", nil, accessToken(vt), header("frontegg-tenant-id", "no-such-tenant")).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, "/resources/roles/v1", nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodGet, "/resources/roles/v1", nil, bearer(userTok)).wantError(t, http.StatusForbidden)
}

func TestCreateRolesRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, _, tenantID := s.userToken(t, testUserEmail)
	body := []map[string]any{{"key": "editor", "name": "Editor", "description": "Edits", "level": 2, "isDefault": true}}
	rs := s.do(t, http.MethodPost, "/resources/roles/v1", body, accessToken(vt)).want(t, http.StatusCreated).array(t)
	if len(rs) != 1 || rs[0]["key"] != "editor" || rs[0]["level"] != float64(2) || rs[0]["isDefault"] != true || rs[0]["tenantId"] != "" {
		t.Fatalf("created = %v", rs)
	}
	wantKeys(t, "created role", rs[0], roleResponseKeys...)
	rs = s.do(t, http.MethodPost, "/resources/roles/v1", []map[string]any{{"key": "local", "name": "Local", "level": 3}},
		accessToken(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusCreated).array(t)
	if rs[0]["tenantId"] != tenantID {
		t.Fatalf("tenant role = %v", rs[0])
	}
	msg, _ := s.do(t, http.MethodPost, "/resources/roles/v1", []map[string]any{{"key": "k", "name": "N"}}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "level") {
		t.Fatalf("message %q does not name level", msg)
	}
	s.do(t, http.MethodPost, "/resources/roles/v1", map[string]any{"key": "k"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/roles/v1", body, accessToken(vt)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, "/resources/roles/v1", body).wantError(t, http.StatusUnauthorized)
}

func TestUpdateAndDeleteRoleRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, testUserEmail)
	id := s.roleID(t, identity.RoleReadOnly)
	m := s.do(t, http.MethodPatch, "/resources/roles/v1/"+id, map[string]any{"name": "Viewer", "level": 4}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["name"] != "Viewer" || m["level"] != float64(4) || m["key"] != identity.RoleReadOnly {
		t.Fatalf("updated = %v", m)
	}
	s.do(t, http.MethodPatch, "/resources/roles/v1/"+id, map[string]any{"level": "high"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPatch, "/resources/roles/v1/"+id, map[string]any{"key": identity.RoleAdmin}, accessToken(vt)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPatch, "/resources/roles/v1/no-such-role", map[string]any{"name": "x"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPatch, "/resources/roles/v1/"+id, map[string]any{"name": "x"}, bearer(userTok)).wantError(t, http.StatusForbidden)

	r := s.do(t, http.MethodDelete, "/resources/roles/v1/"+id, nil, accessToken(vt))
	if r.code != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete = %d %s", r.code, r.body)
	}
	s.do(t, http.MethodDelete, "/resources/roles/v1/"+id, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, "/resources/roles/v1/"+s.roleID(t, identity.RoleAdmin), nil, bearer(userTok)).wantError(t, http.StatusForbidden)
}

func TestSetRolePermissionsRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	id := s.roleID(t, identity.RoleReadOnly)
	pid := s.permissionID(t, "fe.secure.read.users")
	m := s.do(t, http.MethodPut, "/resources/roles/v1/"+id+"/permissions", map[string]any{"permissionIds": []string{pid}}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if ps, _ := m["permissions"].([]any); len(ps) != 1 || ps[0] != pid {
		t.Fatalf("permissions = %v", m["permissions"])
	}
	msg, _ := s.do(t, http.MethodPut, "/resources/roles/v1/"+id+"/permissions", map[string]any{"permissionIds": []string{"nope"}}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "nope") {
		t.Fatalf("message %q does not name the permission", msg)
	}
	s.do(t, http.MethodPut, "/resources/roles/v1/"+id+"/permissions", map[string]any{}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/roles/v1/no-such-role/permissions", map[string]any{"permissionIds": []string{}}, accessToken(vt)).wantError(t, http.StatusNotFound)
}

func TestSetRoleTenantRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, _, tenantID := s.userToken(t, testUserEmail)
	id := s.roleID(t, identity.RoleReadOnly)
	path := "/resources/roles/v1/" + id + "/tenant"
	m := s.do(t, http.MethodPut, path, map[string]any{"tenantId": tenantID}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["tenantId"] != tenantID {
		t.Fatalf("moved role = %v", m)
	}
	m = s.do(t, http.MethodPut, path, `{"tenantId": null}`, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["tenantId"] != "" {
		t.Fatalf("environment-wide role = %v", m)
	}
	s.do(t, http.MethodPut, path, `{}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, path, `{"tenantId": 7}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, path, map[string]any{"tenantId": "no-such-tenant"}, accessToken(vt)).wantError(t, http.StatusNotFound)
}

func TestAccountRolesRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	adminTok, _, tenantID := s.userToken(t, testUserEmail)
	readerTok, _ := s.memberToken(t, "reader@example.com", tenantID)
	otherTok, _, otherTenant := s.userToken(t, "other@example.com")
	base := s.roleID(t, identity.RoleReadOnly)
	readUsers := s.permissionID(t, "fe.secure.read.users")

	body := map[string]any{"key": "helpdesk", "name": "Helpdesk", "baseRoleId": base, "permissionIds": []string{readUsers}}
	m := s.do(t, http.MethodPost, "/resources/roles/v2", body, bearer(adminTok)).want(t, http.StatusOK).object(t)
	wantKeys(t, "account role", m, "id", "vendorId", "tenantId", "key", "name", "description", "isDefault", "permissions")
	if m["tenantId"] != tenantID || m["level"] != float64(1) {
		t.Fatalf("account role = %v", m)
	}
	s.do(t, http.MethodPost, "/resources/roles/v2", map[string]any{"key": "x", "name": "X", "baseRoleId": base, "permissionIds": []string{}}, bearer(readerTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/roles/v2", map[string]any{"key": "x", "name": "X", "permissionIds": []string{}}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/roles/v2", body, bearer(adminTok)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, "/resources/roles/v2", body).wantError(t, http.StatusUnauthorized)

	page := s.do(t, http.MethodGet, "/resources/roles/v2?_sortBy=key&_limit=2", nil, bearer(readerTok)).want(t, http.StatusOK).object(t)
	wantKeys(t, "page", page, "items", "_links", "_metadata")
	if md := page["_metadata"].(map[string]any); md["totalItems"] != float64(3) || md["totalPages"] != float64(2) {
		t.Fatalf("metadata = %v", md)
	}
	if links := page["_links"].(map[string]any); !strings.Contains(links["next"].(string), "_offset=2") {
		t.Fatalf("links = %v", links)
	}
	if got := keysOf(page["items"].([]any)); !slices.Equal(got, []string{"Admin", "ReadOnly"}) {
		t.Fatalf("first page = %v", got)
	}
	filtered := s.do(t, http.MethodGet, "/resources/roles/v2?_levels=1&_levels=0&_tenantIds="+tenantID+"&_filter=help", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
	if got := keysOf(filtered["items"].([]any)); !slices.Equal(got, []string{"helpdesk"}) {
		t.Fatalf("filtered = %v", got)
	}
	// Another tenant's user never sees the account role.
	theirs := s.do(t, http.MethodGet, "/resources/roles/v2", nil, bearer(otherTok)).want(t, http.StatusOK).object(t)
	if got := keysOf(theirs["items"].([]any)); slices.Contains(got, "helpdesk") {
		t.Fatalf("another tenant sees %v", got)
	}
	s.do(t, http.MethodGet, "/resources/roles/v2?_sortBy=groups", nil, bearer(adminTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/roles/v2?_levels=x", nil, bearer(adminTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/roles/v2", nil).wantError(t, http.StatusUnauthorized)
	// A user whose roles grant nothing is refused by the route's permission.
	empty, err := s.id.CreateRoles(context.Background(), "", []identity.CreateRoleInput{{Key: "nothing", Name: "Nothing", Level: ptr(9)}})
	if err != nil {
		t.Fatal(err)
	}
	bareTok, _ := s.memberToken(t, "bare@example.com", tenantID, empty[0].ID)
	s.do(t, http.MethodGet, "/resources/roles/v2", nil, bearer(bareTok)).wantError(t, http.StatusForbidden)
	// The environment names the tenant with the header.
	vpage := s.do(t, http.MethodGet, "/resources/roles/v2", nil, accessToken(vt), header("frontegg-tenant-id", otherTenant)).want(t, http.StatusOK).object(t)
	if got := keysOf(vpage["items"].([]any)); slices.Contains(got, "helpdesk") {
		t.Fatalf("vendor view of another tenant = %v", got)
	}

	var levels []float64
	decodeInto(t, s.do(t, http.MethodGet, "/resources/roles/v2/distinct-levels", nil, bearer(adminTok)).want(t, http.StatusOK), &levels)
	if !slices.Equal(levels, []float64{0, 1, 9}) {
		t.Fatalf("levels = %v", levels)
	}
	s.do(t, http.MethodGet, "/resources/roles/v2/distinct-levels", nil, bearer(bareTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/roles/v2/distinct-levels", nil).wantError(t, http.StatusUnauthorized)

	var tenants []string
	decodeInto(t, s.do(t, http.MethodGet, "/resources/roles/v2/distinct-tenants", nil, accessToken(vt)).want(t, http.StatusOK), &tenants)
	if !slices.Equal(tenants, []string{tenantID}) {
		t.Fatalf("tenants = %v", tenants)
	}
	s.do(t, http.MethodGet, "/resources/roles/v2/distinct-tenants", nil, bearer(adminTok)).wantError(t, http.StatusForbidden)
}
