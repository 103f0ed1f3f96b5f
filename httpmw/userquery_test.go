package httpmw_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// itemIDs returns the ids of a FronteggPaginationWrapper's items.
func itemIDs(t testing.TB, page map[string]any) []string {
	t.Helper()
	wantKeys(t, "page", page, "items", "_links", "_metadata")
	items, _ := page["items"].([]any)
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.(map[string]any)["id"].(string)
	}
	return out
}

func TestListUsersRoute(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	vt := s.vendorToken(t)
	adminID, tenantID := s.createUser(t, testUserEmail)
	var ids []string
	ids = append(ids, adminID)
	for i := range 4 {
		s.clock.Advance(1e9)
		u, err := s.id.CreateUser(ctx, identity.CreateUserInput{Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %d", i), TenantID: tenantID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	s.createUser(t, "outsider@example.com")

	// The environment lists every user; pages link to each other.
	page := s.do(t, http.MethodGet, "/resources/users/v3?_limit=2&_offset=2", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	meta := page["_metadata"].(map[string]any)
	if meta["totalItems"] != 6.0 || meta["totalPages"] != 3.0 {
		t.Fatalf("_metadata = %v", meta)
	}
	if got := itemIDs(t, page); fmt.Sprint(got) != fmt.Sprint(ids[2:4]) {
		t.Fatalf("page = %v, want %v", got, ids[2:4])
	}
	links := page["_links"].(map[string]any)
	for rel, offset := range map[string]string{"next": "4", "prev": "0", "first": "0", "last": "4"} {
		u, err := url.Parse(links[rel].(string))
		if err != nil || u.Path != "/resources/users/v3" || u.Query().Get("_offset") != offset || u.Query().Get("_limit") != "2" {
			t.Fatalf("_links.%s = %v", rel, links[rel])
		}
	}
	item := page["items"].([]any)[0].(map[string]any)
	wantKeys(t, "UserV3Dto", item, "id", "email", "name", "profilePictureUrl", "sub", "verified", "mfaEnrolled", "provider", "tenantId", "tenantIds", "tenants", "metadata", "vendorMetadata", "createdAt", "lastLogin", "subAccountAccessAllowed")

	// Self-service: the environment acting in the tenant, then filters.
	mine := s.do(t, http.MethodGet, "/resources/users/v3?_sortBy=email&_order=DESC", nil, asUser(vt, adminID, tenantID)...).want(t, http.StatusOK).object(t)
	if got := itemIDs(t, mine); len(got) != 5 || got[0] != ids[4] {
		t.Fatalf("tenant users by e-mail desc = %v", got)
	}
	byEmail := s.do(t, http.MethodGet, "/resources/users/v3?_email=USER1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if got := itemIDs(t, byEmail); fmt.Sprint(got) != fmt.Sprint([]string{ids[2]}) {
		t.Fatalf("_email = %v", got)
	}
	byIDs := s.do(t, http.MethodGet, "/resources/users/v3?ids="+ids[3]+","+ids[1]+"&_tenantId="+tenantID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if got := itemIDs(t, byIDs); fmt.Sprint(got) != fmt.Sprint([]string{ids[1], ids[3]}) {
		t.Fatalf("ids = %v", got)
	}
	ident := s.do(t, http.MethodGet, "/resources/users/v3?_identifier=user3&_identifierType=email&_namePrefix=user", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if got := itemIDs(t, ident); fmt.Sprint(got) != fmt.Sprint([]string{ids[4]}) {
		t.Fatalf("_identifier = %v", got)
	}

	// Refusals.
	for _, q := range []string{"_limit=201", "_limit=abc", "_offset=-1", "_sortBy=shoeSize", "_order=UP", "_identifier=x", "_identifierType=fax&_identifier=x", "_includeSubTenants=maybe"} {
		msg, _ := s.do(t, http.MethodGet, "/resources/users/v3?"+q, nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
		if name := q[:strings.IndexAny(q, "=")]; !strings.Contains(msg, name) && !strings.Contains(msg, "_identifier") {
			t.Errorf("%s: message %q does not name the parameter", q, msg)
		}
	}
	s.do(t, http.MethodGet, "/resources/users/v3?_tenantId=missing", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	// The tenant's admin (a real user token) lists its tenant only.
	m, _ := s.login(t, testUserEmail)
	admin := bearer(wantString(t, m, "accessToken"))
	if got := itemIDs(t, s.do(t, http.MethodGet, "/resources/users/v3", nil, admin).want(t, http.StatusOK).object(t)); len(got) != 5 {
		t.Fatalf("admin's listing = %v", got)
	}
	s.do(t, http.MethodGet, "/resources/users/v3?_tenantId=missing", nil, admin).wantError(t, http.StatusForbidden)
	plain, _ := s.plainMemberToken(t, "plain@example.com", tenantID)
	s.do(t, http.MethodGet, "/resources/users/v3", nil, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/users/v3", nil).wantError(t, http.StatusUnauthorized)
}

func TestSearchUsersRoute(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	vt := s.vendorToken(t)
	adminID, tenantID := s.createUser(t, testUserEmail)
	jose, err := s.id.CreateUser(ctx, identity.CreateUserInput{Email: "jose@example.com", Name: "José Núñez", TenantID: tenantID})
	if err != nil {
		t.Fatal(err)
	}
	path := "/resources/users/v1/query/phrase"

	q := url.Values{"_phraseSearchContains": {"nunez"}, "_phraseSearchApproximate": {"true"}}
	got := itemIDs(t, s.do(t, http.MethodGet, path+"?"+q.Encode(), nil, accessToken(vt)).want(t, http.StatusOK).object(t))
	if fmt.Sprint(got) != fmt.Sprint([]string{jose.ID}) {
		t.Fatalf("approximate search = %v", got)
	}
	q = url.Values{"_phraseSearchContains": {"nunez"}}
	if got := itemIDs(t, s.do(t, http.MethodGet, path+"?"+q.Encode(), nil, accessToken(vt)).want(t, http.StatusOK).object(t)); len(got) != 0 {
		t.Fatalf("exact search for nunez = %v", got)
	}
	q = url.Values{"_phraseSearchOptional": {"josé,nobody"}, "_phraseSearchExcludes": {"ann@"}}
	got = itemIDs(t, s.do(t, http.MethodGet, path+"?"+q.Encode(), nil, asUser(vt, adminID, tenantID)...).want(t, http.StatusOK).object(t))
	if fmt.Sprint(got) != fmt.Sprint([]string{jose.ID}) {
		t.Fatalf("optional and excludes = %v", got)
	}
	msg, _ := s.do(t, http.MethodGet, path+"?_phraseSearchContains=jo", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "_phraseSearchContains") {
		t.Fatalf("message %q", msg)
	}
	s.do(t, http.MethodGet, path+"?_phraseSearchApproximate=sometimes", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	m, _ := s.login(t, testUserEmail)
	if got := itemIDs(t, s.do(t, http.MethodGet, path+"?_phraseSearchContains=jose", nil, bearer(wantString(t, m, "accessToken"))).want(t, http.StatusOK).object(t)); len(got) != 1 {
		t.Fatalf("admin's search = %v", got)
	}
	plain, _ := s.plainMemberToken(t, "plain@example.com", tenantID)
	s.do(t, http.MethodGet, path+"?_phraseSearchContains=jose", nil, bearer(plain)).wantError(t, http.StatusForbidden)
}
