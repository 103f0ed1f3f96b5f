package httpmw_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

// groupsFixture is a server with two tenants, a vendor token, the token of
// the first tenant's first user (an Admin: it holds fe.secure.*), and the
// token of a member of the same tenant whose only role grants nothing.
type groupsFixture struct {
	*testServer
	vendor           string
	userToken        string
	userID, tenantID string
	otherTenantID    string
	// noPermToken is the member without permissions.
	noPermToken string
}

func newGroupsFixture(t *testing.T) *groupsFixture {
	t.Helper()
	ctx := context.Background()
	s := newTestServer(t)
	f := &groupsFixture{testServer: s, vendor: s.vendorToken(t)}
	f.userToken, f.userID, f.tenantID = s.userToken(t, testUserEmail)
	other, err := s.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	f.otherTenantID = other.ID
	nothing, err := s.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "nothing", Name: "Nothing", Level: ptr(20)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.id.CreateUser(ctx, identity.CreateUserInput{Email: "noperm@example.com", Password: testPassword,
		TenantID: f.tenantID, RoleIDs: []string{nothing[0].ID}}); err != nil {
		t.Fatal(err)
	}
	m, _ := s.login(t, "noperm@example.com")
	f.noPermToken = wantString(t, m, "accessToken")
	return f
}

// roleID returns the id of the environment-wide role with key.
func (f *groupsFixture) roleID(t *testing.T, key string) string {
	t.Helper()
	rs, err := f.id.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Key == key && r.TenantID == "" {
			return r.ID
		}
	}
	t.Fatalf("no role %s", key)
	return ""
}

// asVendor acts as the environment in tenantID.
func (f *groupsFixture) asVendor(tenantID string) []reqOpt {
	return []reqOpt{accessToken(f.vendor), header("frontegg-tenant-id", tenantID)}
}

// createGroup creates a group over HTTP in tenantID and returns its id.
// The clock then moves on, so groups are ordered by creation.
func (f *groupsFixture) createGroup(t *testing.T, tenantID, name string) string {
	t.Helper()
	defer f.clock.Advance(time.Second)
	m := f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": name}, f.asVendor(tenantID)...).
		want(t, http.StatusCreated).object(t)
	return wantString(t, m, "id")
}

// member creates a user in tenantID and returns its id.
func (f *groupsFixture) member(t *testing.T, email, tenantID string) string {
	t.Helper()
	u, err := f.id.CreateUser(context.Background(), identity.CreateUserInput{Email: email, Name: email, TenantID: tenantID})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestGroupsCRUDHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	as := f.asVendor(f.tenantID)

	m := f.do(t, http.MethodPost, "/resources/groups/v1",
		map[string]string{"name": "Engineers", "color": "#123456", "description": "Builders", "metadata": `{"a":1}`}, as...).
		want(t, http.StatusCreated).object(t)
	wantKeys(t, "GroupResponse", m, "id", "name", "color", "description", "metadata", "roles", "users", "managedBy", "createdAt", "updatedAt")
	id := wantString(t, m, "id")
	f.clock.Advance(time.Second)
	if m["name"] != "Engineers" || m["managedBy"] != "frontegg" || m["metadata"] != `{"a":1}` {
		t.Fatalf("created group = %v", m)
	}
	// Refusals.
	f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": "engineers"}, as...).wantError(t, http.StatusConflict)
	msg, _ := f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"color": "red"}, as...).wantError(t, http.StatusBadRequest)
	if msg == "" {
		t.Fatal("no message")
	}
	f.do(t, http.MethodPost, "/resources/groups/v1", `{"name": 5}`, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": "x", "metadata": "[]"}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": "x"}).wantError(t, http.StatusUnauthorized)
	f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": "x"}, accessToken(f.vendor)).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": "x"}, f.asVendor("missing")...).wantError(t, http.StatusNotFound)

	// Read one, all, some.
	g := f.do(t, http.MethodGet, "/resources/groups/v1/"+id, nil, as...).want(t, http.StatusOK).object(t)
	if g["id"] != id || g["name"] != "Engineers" {
		t.Fatalf("GET group = %v", g)
	}
	f.do(t, http.MethodGet, "/resources/groups/v1/missing", nil, as...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodGet, "/resources/groups/v1/"+id, nil, f.asVendor(f.otherTenantID)...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodGet, "/resources/groups/v1/"+id+"?_groupsRelations=all", nil, as...).wantError(t, http.StatusBadRequest)
	onlyUsers := f.do(t, http.MethodGet, "/resources/groups/v1/"+id+"?_groupsRelations=users", nil, as...).want(t, http.StatusOK).object(t)
	if _, ok := onlyUsers["roles"]; ok {
		t.Fatalf("_groupsRelations=users rendered roles: %v", onlyUsers)
	}
	if _, ok := onlyUsers["users"]; !ok {
		t.Fatalf("_groupsRelations=users did not render users: %v", onlyUsers)
	}

	second := f.createGroup(t, f.tenantID, "Sales")
	f.createGroup(t, f.otherTenantID, "Elsewhere")
	var all identity.Groups
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1?_groupsRelations=rolesAndUsers", nil, as...).want(t, http.StatusOK), &all)
	if names := groupNamesHTTP(all.Groups); !slices.Equal(names, []string{"Engineers", "Sales"}) {
		t.Fatalf("GET groups = %q", names)
	}
	f.do(t, http.MethodGet, "/resources/groups/v1", nil).wantError(t, http.StatusUnauthorized)
	f.do(t, http.MethodGet, "/resources/groups/v1", nil, accessToken(f.vendor)).wantError(t, http.StatusBadRequest)

	var some identity.Groups
	decodeInto(t, f.do(t, http.MethodPost, "/resources/groups/v1/bulkGet?_groupsRelations=roles",
		map[string][]string{"groupsIds": {second, "missing", id}}, as...).want(t, http.StatusCreated), &some)
	if names := groupNamesHTTP(some.Groups); !slices.Equal(names, []string{"Sales", "Engineers"}) {
		t.Fatalf("bulkGet = %q", names)
	}
	f.do(t, http.MethodPost, "/resources/groups/v1/bulkGet", map[string]any{}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/groups/v1/bulkGet", map[string]any{"groupsIds": "x"}, as...).wantError(t, http.StatusBadRequest)

	// Update.
	u := f.do(t, http.MethodPatch, "/resources/groups/v1/"+id, map[string]string{"description": "Makers"}, as...).want(t, http.StatusOK).object(t)
	if u["description"] != "Makers" || u["name"] != "Engineers" {
		t.Fatalf("PATCH = %v", u)
	}
	f.do(t, http.MethodPatch, "/resources/groups/v1/"+id, map[string]string{"name": "sales"}, as...).wantError(t, http.StatusConflict)
	f.do(t, http.MethodPatch, "/resources/groups/v1/"+id, map[string]string{"metadata": "x"}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPatch, "/resources/groups/v1/missing", map[string]string{"name": "y"}, as...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPatch, "/resources/groups/v1/"+id, map[string]string{"name": "y"}, f.asVendor(f.otherTenantID)...).wantError(t, http.StatusNotFound)

	// Delete.
	f.do(t, http.MethodDelete, "/resources/groups/v1/"+id, nil, f.asVendor(f.otherTenantID)...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodDelete, "/resources/groups/v1/"+id, nil, as...).want(t, http.StatusOK)
	f.do(t, http.MethodDelete, "/resources/groups/v1/"+id, nil, as...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodGet, "/resources/groups/v1/"+id, nil, as...).wantError(t, http.StatusNotFound)
}

func groupNamesHTTP(gs []identity.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func TestGroupMembersHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	as := f.asVendor(f.tenantID)
	gid := f.createGroup(t, f.tenantID, "Team")
	bob := f.member(t, "bob@example.com", f.tenantID)
	outsider := f.member(t, "out@example.com", f.otherTenantID)
	path := "/resources/groups/v1/" + gid + "/users"

	f.do(t, http.MethodPost, path, map[string][]string{"userIds": {f.userID, bob}}, as...).want(t, http.StatusCreated)
	f.do(t, http.MethodPost, path, map[string][]string{"userIds": {outsider}}, as...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPost, path, map[string][]string{"userIds": {}}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/groups/v1/missing/users", map[string][]string{"userIds": {bob}}, as...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPost, path, map[string][]string{"userIds": {bob}}, f.asVendor(f.otherTenantID)...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPost, path, map[string][]string{"userIds": {bob}}).wantError(t, http.StatusUnauthorized)

	var g identity.Group
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1/"+gid+"?_groupsRelations=users", nil, as...).want(t, http.StatusOK), &g)
	if len(g.Users) != 2 {
		t.Fatalf("members = %+v", g.Users)
	}

	// The groups of given users.
	ugs := f.do(t, http.MethodGet, "/resources/users/v3/groups?ids="+f.userID+","+outsider, nil, as...).want(t, http.StatusOK).array(t)
	if len(ugs) != 1 || ugs[0]["userId"] != f.userID || ugs[0]["tenantId"] != f.tenantID {
		t.Fatalf("users/v3/groups = %v", ugs)
	}
	wantKeys(t, "GetUserGroupsResponse", ugs[0], "vendorId", "tenantId", "userId", "groupIds")
	if ids, _ := ugs[0]["groupIds"].([]any); len(ids) != 1 || ids[0] != gid {
		t.Fatalf("groupIds = %v", ugs[0]["groupIds"])
	}
	ugs = f.do(t, http.MethodGet, "/resources/users/v3/groups?ids="+bob+"&ids="+f.userID, nil, as...).want(t, http.StatusOK).array(t)
	if len(ugs) != 2 {
		t.Fatalf("repeated ids: %v", ugs)
	}
	f.do(t, http.MethodGet, "/resources/users/v3/groups", nil, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodGet, "/resources/users/v3/groups?ids="+bob, nil).wantError(t, http.StatusUnauthorized)

	f.do(t, http.MethodDelete, path, map[string][]string{"userIds": {bob, outsider}}, as...).want(t, http.StatusOK)
	f.do(t, http.MethodDelete, path, map[string]any{}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodDelete, "/resources/groups/v1/missing/users", map[string][]string{"userIds": {bob}}, as...).wantError(t, http.StatusNotFound)
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1/"+gid, nil, as...).want(t, http.StatusOK), &g)
	if len(g.Users) != 1 || g.Users[0].ID != f.userID {
		t.Fatalf("members after DELETE = %+v", g.Users)
	}
}

func TestGroupRolesHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	as := f.asVendor(f.tenantID)
	gid := f.createGroup(t, f.tenantID, "Team")
	path := "/resources/groups/v1/" + gid + "/roles"

	f.do(t, http.MethodPost, path, map[string][]string{"roleIds": {"no-such-role"}}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, path, map[string][]string{"roleIds": {}}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/groups/v1/missing/roles", map[string][]string{"roleIds": {"r"}}, as...).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPost, path, map[string][]string{"roleIds": {"r"}}).wantError(t, http.StatusUnauthorized)
	f.do(t, http.MethodDelete, path, map[string][]string{"roleIds": {"not-on-the-group"}}, as...).want(t, http.StatusOK)
	f.do(t, http.MethodDelete, path, map[string][]string{}, as...).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodDelete, path, map[string][]string{"roleIds": {"r"}}, f.asVendor(f.otherTenantID)...).wantError(t, http.StatusNotFound)
}

func TestGroupsConfigHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	v := accessToken(f.vendor)
	m := f.do(t, http.MethodGet, "/resources/groups/v1/config", nil, v).want(t, http.StatusOK).object(t)
	if m["enabled"] != true || m["rolesEnabled"] != true {
		t.Fatalf("default config = %v", m)
	}
	f.do(t, http.MethodPost, "/resources/groups/v1/config", map[string]bool{"rolesEnabled": false}, v).want(t, http.StatusCreated)
	m = f.do(t, http.MethodGet, "/resources/groups/v1/config", nil, v).want(t, http.StatusOK).object(t)
	if m["enabled"] != true || m["rolesEnabled"] != false {
		t.Fatalf("config after POST = %v", m)
	}
	f.do(t, http.MethodPost, "/resources/groups/v1/config", map[string]string{"enabled": "yes"}, v).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodGet, "/resources/groups/v1/config", nil).wantError(t, http.StatusUnauthorized)
	// Vendor routes: even an Admin's user token is refused.
	f.do(t, http.MethodGet, "/resources/groups/v1/config", nil, bearer(f.userToken)).wantError(t, http.StatusForbidden)
	f.do(t, http.MethodPost, "/resources/groups/v1/config", map[string]bool{"enabled": false}, bearer(f.userToken)).wantError(t, http.StatusForbidden)
	m = f.do(t, http.MethodGet, "/resources/groups/v1/config", nil, v).want(t, http.StatusOK).object(t)
	if m["enabled"] != true {
		t.Fatalf("a refused POST changed the config: %v", m)
	}
}

func TestGroupsPageHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	as := f.asVendor(f.tenantID)
	for _, n := range []string{"c", "a", "e", "b", "d"} {
		f.createGroup(t, f.tenantID, n)
	}
	f.createGroup(t, f.otherTenantID, "z")

	var page struct {
		Items    []identity.Group      `json:"items"`
		Links    identity.PageLinks    `json:"_links"`
		Metadata identity.PageMetadata `json:"_metadata"`
	}
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v2?_limit=2&_offset=2&_sortBy=name&_order=DESC&_groupsRelations=roles", nil, as...).
		want(t, http.StatusOK), &page)
	if names := groupNamesHTTP(page.Items); !slices.Equal(names, []string{"c", "b"}) {
		t.Fatalf("page items = %q", names)
	}
	if page.Metadata.TotalItems != 5 || page.Metadata.TotalPages != 3 {
		t.Fatalf("_metadata = %+v", page.Metadata)
	}
	for name, link := range map[string]struct {
		got    string
		offset string
	}{
		"first": {page.Links.First, "0"}, "prev": {page.Links.Prev, "0"},
		"next": {page.Links.Next, "4"}, "last": {page.Links.Last, "4"},
	} {
		u, err := url.Parse(link.got)
		if err != nil || u.Path != "/resources/groups/v2" {
			t.Fatalf("_links.%s = %q", name, link.got)
		}
		q := u.Query()
		if q.Get("_offset") != link.offset || q.Get("_limit") != "2" || q.Get("_sortBy") != "name" || q.Get("_order") != "DESC" {
			t.Fatalf("_links.%s = %q, want offset %s and the same query", name, link.got, link.offset)
		}
	}
	// Following next reaches the last item.
	next, _ := url.Parse(page.Links.Next)
	decodeInto(t, f.do(t, http.MethodGet, next.String(), nil, as...).want(t, http.StatusOK), &page)
	if names := groupNamesHTTP(page.Items); !slices.Equal(names, []string{"a"}) || page.Links.Next != "" {
		t.Fatalf("last page = %q, next %q", names, page.Links.Next)
	}

	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v2", nil, as...).want(t, http.StatusOK), &page)
	if names := groupNamesHTTP(page.Items); !slices.Equal(names, []string{"c", "a", "e", "b", "d"}) {
		t.Fatalf("default order = %q, want creation order", names)
	}
	for _, q := range []string{"_limit=0x", "_limit=-1", "_sortBy=color", "_order=UP", "_offset=-3", "_groupsRelations=x"} {
		f.do(t, http.MethodGet, "/resources/groups/v2?"+q, nil, as...).wantError(t, http.StatusBadRequest)
	}
	f.do(t, http.MethodGet, "/resources/groups/v2", nil).wantError(t, http.StatusUnauthorized)
}

func TestGroupsNeedPermissionsHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	gid := f.createGroup(t, f.tenantID, "Team")
	// This member's role grants none of the groups permissions.
	u := bearer(f.noPermToken)
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/resources/groups/v1"},
		{http.MethodPost, "/resources/groups/v1"},
		{http.MethodPost, "/resources/groups/v1/bulkGet"},
		{http.MethodGet, "/resources/groups/v1/" + gid},
		{http.MethodPatch, "/resources/groups/v1/" + gid},
		{http.MethodDelete, "/resources/groups/v1/" + gid},
		{http.MethodPost, "/resources/groups/v1/" + gid + "/roles"},
		{http.MethodDelete, "/resources/groups/v1/" + gid + "/roles"},
		{http.MethodPost, "/resources/groups/v1/" + gid + "/users"},
		{http.MethodDelete, "/resources/groups/v1/" + gid + "/users"},
		{http.MethodGet, "/resources/groups/v2"},
		{http.MethodGet, "/resources/users/v3/groups?ids=" + f.userID},
	} {
		msg, _ := f.do(t, c.method, c.path, map[string]any{"name": "x"}, u).wantError(t, http.StatusForbidden)
		if msg == "" {
			t.Fatalf("%s %s: empty message", c.method, c.path)
		}
	}
	// Nothing changed.
	f.do(t, http.MethodGet, "/resources/groups/v1/"+gid, nil, f.asVendor(f.tenantID)...).want(t, http.StatusOK)
}

func TestGroupsAsUserHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	u := bearer(f.userToken)
	bob := f.member(t, "bob@example.com", f.tenantID)
	readOnly := f.roleID(t, identity.RoleReadOnly)

	m := f.do(t, http.MethodPost, "/resources/groups/v1", map[string]string{"name": "Mine"}, u).want(t, http.StatusCreated).object(t)
	gid := wantString(t, m, "id")
	f.do(t, http.MethodPost, "/resources/groups/v1/"+gid+"/users", map[string][]string{"userIds": {bob}}, u).want(t, http.StatusCreated)
	f.do(t, http.MethodPost, "/resources/groups/v1/"+gid+"/roles", map[string][]string{"roleIds": {readOnly}}, u).want(t, http.StatusCreated)
	var g identity.Group
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1/"+gid+"?_groupsRelations=rolesAndUsers", nil, u).want(t, http.StatusOK), &g)
	if len(g.Users) != 1 || g.Users[0].ID != bob || len(g.Roles) != 1 || g.Roles[0].ID != readOnly || g.Roles[0].Key != identity.RoleReadOnly {
		t.Fatalf("group = %+v", g)
	}
	wantKeys(t, "RoleDto", f.do(t, http.MethodGet, "/resources/groups/v1/"+gid, nil, u).want(t, http.StatusOK).object(t)["roles"].([]any)[0].(map[string]any),
		"id", "vendorId", "tenantId", "key", "name", "description", "isDefault", "firstUserRole", "level", "createdAt", "updatedAt")
	f.do(t, http.MethodPost, "/resources/groups/v1/"+gid+"/roles", map[string][]string{"roleIds": {"no-such-role"}}, u).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPatch, "/resources/groups/v1/"+gid, map[string]string{"color": "blue"}, u).want(t, http.StatusOK)
	var all identity.Groups
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1", nil, u).want(t, http.StatusOK), &all)
	if len(all.Groups) != 1 || all.Groups[0].Color != "blue" {
		t.Fatalf("groups = %+v", all.Groups)
	}
	f.do(t, http.MethodGet, "/resources/groups/v2", nil, u).want(t, http.StatusOK)
	f.do(t, http.MethodPost, "/resources/groups/v1/bulkGet", map[string][]string{"groupsIds": {gid}}, u).want(t, http.StatusCreated)
	ugs := f.do(t, http.MethodGet, "/resources/users/v3/groups?ids="+bob, nil, u).want(t, http.StatusOK).array(t)
	if len(ugs) != 1 {
		t.Fatalf("users/v3/groups = %v", ugs)
	}
	f.do(t, http.MethodDelete, "/resources/groups/v1/"+gid+"/roles", map[string][]string{"roleIds": {readOnly}}, u).want(t, http.StatusOK)
	f.do(t, http.MethodDelete, "/resources/groups/v1/"+gid+"/users", map[string][]string{"userIds": {bob}}, u).want(t, http.StatusOK)
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1/"+gid, nil, u).want(t, http.StatusOK), &g)
	if len(g.Users) != 0 || len(g.Roles) != 0 {
		t.Fatalf("group after removals = %+v", g)
	}
	f.do(t, http.MethodDelete, "/resources/groups/v1/"+gid, nil, u).want(t, http.StatusOK)
	f.do(t, http.MethodGet, "/resources/groups/v1/"+gid, nil, u).wantError(t, http.StatusNotFound)
}

// TestGroupsTenantIsolationHTTP: a user token never reads or changes
// another tenant's groups, whatever frontegg-tenant-id header it sends.
func TestGroupsTenantIsolationHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	theirs := f.createGroup(t, f.otherTenantID, "Theirs")
	outsider := f.member(t, "out@example.com", f.otherTenantID)
	f.do(t, http.MethodPost, "/resources/groups/v1/"+theirs+"/users", map[string][]string{"userIds": {outsider}}, f.asVendor(f.otherTenantID)...).
		want(t, http.StatusCreated)
	mine := f.createGroup(t, f.tenantID, "Mine")
	// The user token, even naming the other tenant in the header.
	for _, u := range [][]reqOpt{{bearer(f.userToken)}, {bearer(f.userToken), header("frontegg-tenant-id", f.otherTenantID)}} {
		var all identity.Groups
		decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1", nil, u...).want(t, http.StatusOK), &all)
		if len(all.Groups) != 1 || all.Groups[0].ID != mine {
			t.Fatalf("user sees %+v", all.Groups)
		}
		var page struct {
			Items []identity.Group `json:"items"`
		}
		decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v2", nil, u...).want(t, http.StatusOK), &page)
		if len(page.Items) != 1 || page.Items[0].ID != mine {
			t.Fatalf("user pages %+v", page.Items)
		}
		var some identity.Groups
		decodeInto(t, f.do(t, http.MethodPost, "/resources/groups/v1/bulkGet", map[string][]string{"groupsIds": {theirs}}, u...).want(t, http.StatusCreated), &some)
		if len(some.Groups) != 0 {
			t.Fatalf("bulkGet of another tenant's group = %+v", some.Groups)
		}
		f.do(t, http.MethodGet, "/resources/groups/v1/"+theirs, nil, u...).wantError(t, http.StatusNotFound)
		f.do(t, http.MethodPatch, "/resources/groups/v1/"+theirs, map[string]string{"name": "Stolen"}, u...).wantError(t, http.StatusNotFound)
		f.do(t, http.MethodPost, "/resources/groups/v1/"+theirs+"/users", map[string][]string{"userIds": {f.userID}}, u...).wantError(t, http.StatusNotFound)
		f.do(t, http.MethodDelete, "/resources/groups/v1/"+theirs+"/users", map[string][]string{"userIds": {outsider}}, u...).wantError(t, http.StatusNotFound)
		f.do(t, http.MethodPost, "/resources/groups/v1/"+theirs+"/roles", map[string][]string{"roleIds": {f.roleID(t, identity.RoleReadOnly)}}, u...).wantError(t, http.StatusNotFound)
		f.do(t, http.MethodDelete, "/resources/groups/v1/"+theirs+"/roles", map[string][]string{"roleIds": {"x"}}, u...).wantError(t, http.StatusNotFound)
		f.do(t, http.MethodDelete, "/resources/groups/v1/"+theirs, nil, u...).wantError(t, http.StatusNotFound)
		// Nor add the other tenant's users to its own groups, or read
		// their groups.
		f.do(t, http.MethodPost, "/resources/groups/v1/"+mine+"/users", map[string][]string{"userIds": {outsider}}, u...).wantError(t, http.StatusNotFound)
		if ugs := f.do(t, http.MethodGet, "/resources/users/v3/groups?ids="+outsider, nil, u...).want(t, http.StatusOK).array(t); len(ugs) != 0 {
			t.Fatalf("users/v3/groups of another tenant's user = %v", ugs)
		}
	}
	var g identity.Group
	decodeInto(t, f.do(t, http.MethodGet, "/resources/groups/v1/"+theirs, nil, f.asVendor(f.otherTenantID)...).want(t, http.StatusOK), &g)
	if g.Name != "Theirs" || len(g.Users) != 1 {
		t.Fatalf("the other tenant's group changed: %+v", g)
	}
}

// TestGroupRolesInAuthorizationHTTP: a role given through a group shows in
// the access token after the next refresh and in users/v1/me/authorization.
func TestGroupRolesInAuthorizationHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	ctx := context.Background()
	perms, err := f.id.CreatePermissions(ctx, []identity.CreatePermissionInput{{Key: "reports.read", Name: "Read reports"}})
	if err != nil {
		t.Fatal(err)
	}
	roles, err := f.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "reporter", Name: "Reporter", Level: ptr(5)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.id.SetRolePermissions(ctx, "", roles[0].ID, []string{perms[0].ID}); err != nil {
		t.Fatal(err)
	}
	login, _ := f.login(t, "noperm@example.com")
	refresh := wantString(t, login, "refreshToken")
	me, err := f.id.Authenticate(ctx, wantString(t, login, "accessToken"))
	if err != nil {
		t.Fatal(err)
	}

	gid := f.createGroup(t, f.tenantID, "Reporting")
	as := f.asVendor(f.tenantID)
	f.do(t, http.MethodPost, "/resources/groups/v1/"+gid+"/roles", map[string][]string{"roleIds": {roles[0].ID}}, as...).want(t, http.StatusCreated)
	f.do(t, http.MethodPost, "/resources/groups/v1/"+gid+"/users", map[string][]string{"userIds": {me.UserID}}, as...).want(t, http.StatusCreated)

	r := f.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": refresh}).want(t, http.StatusCreated).object(t)
	access := wantString(t, r, "accessToken")
	p, err := f.id.Authenticate(ctx, access)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(p.Claims.Roles, "reporter") || !slices.Contains(p.Claims.Permissions, "reports.read") {
		t.Fatalf("refreshed token: roles %v, permissions %v", p.Claims.Roles, p.Claims.Permissions)
	}
	var authz identity.Authorization
	decodeInto(t, f.do(t, http.MethodGet, "/resources/users/v1/me/authorization", nil, bearer(access)).want(t, http.StatusOK), &authz)
	if !slices.ContainsFunc(authz.Roles, func(r identity.Role) bool { return r.Key == "reporter" }) ||
		!slices.ContainsFunc(authz.Permissions, func(p identity.Permission) bool { return p.Key == "reports.read" }) {
		t.Fatalf("me/authorization = %+v", authz)
	}
}
