package httpmw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/memory"
	"github.com/yolkauth/yolk/store/sqlite"
)

// accountsServer serves the accounts API (NewAccounts) over the same
// Identity as the identity API's test server, whose routes (environment
// authentication, login) it uses to get tokens.
type accountsServer struct {
	*testServer
	acc    *testServer // the same server, answering with the accounts handler
	vendor string
}

func newAccountsServer(t testing.TB) *accountsServer {
	t.Helper()
	return newAccountsServerOn(t, memory.New())
}

// newAccountsServerOn is newAccountsServer over st.
func newAccountsServerOn(t testing.TB, st store.Store) *accountsServer {
	t.Helper()
	s := &testServer{clock: newFakeClock(), outbox: delivery.NewOutbox()}
	if m, ok := st.(*memory.Store); ok {
		s.st = m
	}
	id, err := identity.New(st,
		identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		identity.WithSigningKeyBits(1024),
		identity.WithClock(s.clock.Now),
		identity.WithMailer(s.outbox),
		identity.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(context.Background(), testClientID, testSecret); err != nil {
		t.Fatal(err)
	}
	s.id, s.h = id, httpmw.New(id)
	acc := *s
	acc.h = httpmw.NewAccounts(id)
	return &accountsServer{testServer: s, acc: &acc, vendor: s.vendorToken(t)}
}

// accountStores runs fn against the accounts API over both reference
// stores.
func accountStores(t *testing.T, fn func(t *testing.T, a *accountsServer)) {
	for _, name := range []string{"memory", "sqlite"} {
		t.Run(name, func(t *testing.T) {
			var st store.Store = memory.New()
			if name == "sqlite" {
				sq, err := sqlite.Open(context.Background(), ":memory:")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { sq.Close() })
				st = sq
			}
			fn(t, newAccountsServerOn(t, st))
		})
	}
}

// accountCount counts the environment's accounts in whichever store.
func (a *accountsServer) accountCount(t testing.TB) int {
	t.Helper()
	ts, err := a.id.Store().ListTenants(context.Background(), a.id.EnvironmentID())
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

// call serves one request of the accounts API.
func (a *accountsServer) call(t testing.TB, method, path string, body any, opts ...reqOpt) *response {
	t.Helper()
	return a.acc.do(t, method, path, body, opts...)
}

// asVendor is the environment token, naming tenantID when it is set.
func (a *accountsServer) asVendor(tenantID string) reqOpt {
	return func(r *http.Request) {
		r.Header.Set("x-access-token", a.vendor)
		if tenantID != "" {
			r.Header.Set(httpmw.HeaderTenantID, tenantID)
		}
	}
}

// create makes an account through the API as the environment.
func (a *accountsServer) create(t testing.TB, body map[string]any) map[string]any {
	t.Helper()
	return a.call(t, http.MethodPost, "/resources/tenants/v1", body, a.asVendor("")).want(t, http.StatusCreated).object(t)
}

// wantMessage fails unless the error answer has status and its message
// contains part.
func wantMessage(t testing.TB, r *response, status int, part string) {
	t.Helper()
	msg, _ := r.wantError(t, status)
	if !strings.Contains(msg, part) {
		t.Fatalf("error %q does not mention %q", msg, part)
	}
}

func TestCreateAndGetTenantRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		created := a.create(t, map[string]any{"tenantId": "acme", "name": "Acme", "metadata": map[string]any{"plan": "pro"},
			"website": "https://acme.example", "creatorEmail": "ann@example.com", "isReseller": true})
		if created["tenantId"] != "acme" || created["metadata"] != `{"plan":"pro"}` || created["website"] != "https://acme.example" ||
			created["isReseller"] != true || created["vendorId"] == "" {
			t.Fatalf("created: %v", created)
		}
		wantKeys(t, "tenant", created, "id", "tenantId", "vendorId", "name", "metadata", "isReseller", "deletedAt", "createdAt", "updatedAt")
		for _, p := range []string{"/resources/tenants/v1/acme", "/resources/tenants/v2/acme"} {
			got := a.call(t, http.MethodGet, p, nil, a.asVendor("")).want(t, http.StatusOK).object(t)
			if got["name"] != "Acme" || got["creatorEmail"] != "ann@example.com" {
				t.Fatalf("GET %s: %v", p, got)
			}
		}
		// An unknown account: v2 answers an empty array (as its specification
		// says), v1 a 404.
		if got := a.call(t, http.MethodGet, "/resources/tenants/v2/missing", nil, a.asVendor("")).want(t, http.StatusOK).body; string(got) != "[]" {
			t.Fatalf("GET v2 of an unknown account: %s", got)
		}
		a.call(t, http.MethodGet, "/resources/tenants/v1/missing", nil, a.asVendor("")).wantError(t, http.StatusNotFound)
		wantMessage(t, a.call(t, http.MethodGet, "/resources/tenants/v1/a%20b", nil, a.asVendor("")), http.StatusBadRequest, "tenantId")

		// Refusals: bad fields, a taken id, no token, a user token.
		wantMessage(t, a.call(t, http.MethodPost, "/resources/tenants/v1", map[string]any{"name": "X", "metadata": []int{1}}, a.asVendor("")), http.StatusBadRequest, "metadata")
		wantMessage(t, a.call(t, http.MethodPost, "/resources/tenants/v1", map[string]any{"name": 5}, a.asVendor("")), http.StatusBadRequest, "name")
		wantMessage(t, a.call(t, http.MethodPost, "/resources/tenants/v1", map[string]any{"name": "X", "timezone": "nowhere at all"}, a.asVendor("")), http.StatusBadRequest, "timezone")
		a.call(t, http.MethodPost, "/resources/tenants/v1", map[string]any{"tenantId": "acme", "name": "Again"}, a.asVendor("")).wantError(t, http.StatusConflict)
		a.call(t, http.MethodPost, "/resources/tenants/v1", map[string]any{"name": "X"}).wantError(t, http.StatusUnauthorized)
		userTok, _, _ := a.userToken(t, testUserEmail)
		a.call(t, http.MethodPost, "/resources/tenants/v1", map[string]any{"name": "X"}, bearer(userTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodGet, "/resources/tenants/v2/acme", nil, bearer(userTok)).wantError(t, http.StatusForbidden)
		if n := a.accountCount(t); n != 2 { // acme and the user's
			t.Fatalf("%d tenants after refused creates", n)
		}
	})
}

func TestUpdateTenantRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		a.create(t, map[string]any{"tenantId": "acme", "name": "Acme"})
		a.create(t, map[string]any{"tenantId": "other", "name": "Other", "alias": "other"})
		got := a.call(t, http.MethodPut, "/resources/tenants/v2/acme", map[string]any{"name": "Acme Inc", "alias": "Acme", "city": "Paris", "numberOfEmployees": 10},
			a.asVendor("")).want(t, http.StatusOK).object(t)
		if got["name"] != "Acme Inc" || got["alias"] != "acme" || got["hasCustomLogin"] != true || got["city"] != "Paris" || got["numberOfEmployees"] != 10.0 {
			t.Fatalf("v2 update: %v", got)
		}
		got = a.call(t, http.MethodPut, "/resources/tenants/v1/acme", map[string]any{"status": "active"}, a.asVendor("")).want(t, http.StatusOK).object(t)
		if got["status"] != "active" || got["name"] != "Acme Inc" {
			t.Fatalf("v1 update: %v", got)
		}
		wantMessage(t, a.call(t, http.MethodPut, "/resources/tenants/v2/acme", map[string]any{}, a.asVendor("")), http.StatusBadRequest, "changes nothing")
		a.call(t, http.MethodPut, "/resources/tenants/v1/acme", map[string]any{"alias": "other"}, a.asVendor("")).wantError(t, http.StatusConflict)
		a.call(t, http.MethodPut, "/resources/tenants/v2/missing", map[string]any{"name": "X"}, a.asVendor("")).wantError(t, http.StatusNotFound)
		wantMessage(t, a.call(t, http.MethodPut, "/resources/tenants/v2/acme", map[string]any{"yearFounded": "old"}, a.asVendor("")), http.StatusBadRequest, "yearFounded")
		a.call(t, http.MethodPut, "/resources/tenants/v2/acme", map[string]any{"name": "X"}).wantError(t, http.StatusUnauthorized)
		if got := a.call(t, http.MethodGet, "/resources/tenants/v2/acme", nil, a.asVendor("")).want(t, http.StatusOK).object(t); got["alias"] != "acme" || got["name"] != "Acme Inc" {
			t.Fatalf("after refused updates: %v", got)
		}
	})
}

func TestListTenantsAndAliasRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		for _, n := range []string{"Charlie", "alpha", "Bravo"} {
			a.create(t, map[string]any{"tenantId": strings.ToLower(n), "name": n, "alias": strings.ToLower(n) + "-login"})
			a.clock.Advance(1e9)
		}
		page := a.call(t, http.MethodGet, "/resources/tenants/v2?_sortBy=name&_limit=2", nil, a.asVendor("")).want(t, http.StatusOK).object(t)
		items := page["items"].([]any)
		if len(items) != 2 || items[0].(map[string]any)["name"] != "alpha" || items[1].(map[string]any)["name"] != "Bravo" {
			t.Fatalf("first page: %v", items)
		}
		links := page["_links"].(map[string]any)
		if md := page["_metadata"].(map[string]any); md["totalItems"] != 3.0 || md["totalPages"] != 2.0 || !strings.Contains(links["next"].(string), "_offset=2") {
			t.Fatalf("paging: %v %v", md, links)
		}
		page = a.call(t, http.MethodGet, "/resources/tenants/v2?_filter=ALP&_tenantIds=alpha,charlie", nil, a.asVendor("")).want(t, http.StatusOK).object(t)
		if items := page["items"].([]any); len(items) != 1 || items[0].(map[string]any)["tenantId"] != "alpha" {
			t.Fatalf("filtered: %v", items)
		}
		wantMessage(t, a.call(t, http.MethodGet, "/resources/tenants/v2?_limit=201", nil, a.asVendor("")), http.StatusBadRequest, "_limit")
		wantMessage(t, a.call(t, http.MethodGet, "/resources/tenants/v2?_sortBy=email", nil, a.asVendor("")), http.StatusBadRequest, "_sortBy")
		a.call(t, http.MethodGet, "/resources/tenants/v2", nil).wantError(t, http.StatusUnauthorized)

		got := a.call(t, http.MethodGet, "/resources/tenants/v2/alias/Bravo-Login", nil, a.asVendor("")).want(t, http.StatusOK).object(t)
		if got["tenantId"] != "bravo" {
			t.Fatalf("by alias: %v", got)
		}
		a.call(t, http.MethodGet, "/resources/tenants/v2/alias/nobody", nil, a.asVendor("")).wantError(t, http.StatusNotFound)
		wantMessage(t, a.call(t, http.MethodGet, "/resources/tenants/v2/alias/no_way", nil, a.asVendor("")), http.StatusBadRequest, "alias")
		a.call(t, http.MethodGet, "/resources/tenants/v2/alias/bravo-login", nil).wantError(t, http.StatusUnauthorized)
	})
}

func TestTenantMetadataRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		a.create(t, map[string]any{"tenantId": "acme", "name": "Acme", "metadata": `{"plan":"free"}`})
		got := a.call(t, http.MethodPost, "/resources/tenants/v1/acme/metadata", map[string]any{"metadata": map[string]any{"plan": "pro", "seats": 5}},
			a.asVendor("")).want(t, http.StatusCreated).object(t)
		if got["metadata"] != `{"plan":"pro","seats":5}` {
			t.Fatalf("after adding metadata: %v", got["metadata"])
		}
		got = a.call(t, http.MethodPost, "/resources/tenants/v1/acme/metadata", map[string]any{"metadata": `{"region":"eu"}`},
			a.asVendor("")).want(t, http.StatusCreated).object(t)
		if got["metadata"] != `{"plan":"pro","region":"eu","seats":5}` {
			t.Fatalf("after adding metadata as a string: %v", got["metadata"])
		}
		got = a.call(t, http.MethodDelete, "/resources/tenants/v1/acme/metadata/seats", nil, a.asVendor("")).want(t, http.StatusOK).object(t)
		if got["metadata"] != `{"plan":"pro","region":"eu"}` {
			t.Fatalf("after deleting a key: %v", got["metadata"])
		}
		wantMessage(t, a.call(t, http.MethodPost, "/resources/tenants/v1/acme/metadata", map[string]any{"metadata": 5}, a.asVendor("")), http.StatusBadRequest, "metadata")
		wantMessage(t, a.call(t, http.MethodPost, "/resources/tenants/v1/acme/metadata", map[string]any{}, a.asVendor("")), http.StatusBadRequest, "metadata")
		a.call(t, http.MethodPost, "/resources/tenants/v1/missing/metadata", map[string]any{"metadata": map[string]any{"a": 1}}, a.asVendor("")).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodDelete, "/resources/tenants/v1/missing/metadata/a", nil, a.asVendor("")).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodDelete, "/resources/tenants/v1/acme/metadata/plan", nil).wantError(t, http.StatusUnauthorized)
		if got := a.call(t, http.MethodGet, "/resources/tenants/v2/acme", nil, a.asVendor("")).want(t, http.StatusOK).object(t); got["metadata"] != `{"plan":"pro","region":"eu"}` {
			t.Fatalf("metadata after refusals: %v", got["metadata"])
		}
	})
}

func TestDeleteTenantRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		a.create(t, map[string]any{"tenantId": "parent", "name": "Parent"})
		a.create(t, map[string]any{"tenantId": "acme", "name": "Acme", "parentTenantId": "parent"})
		a.create(t, map[string]any{"tenantId": "child", "name": "Child", "parentTenantId": "acme"})
		userTok, _, _ := a.userToken(t, testUserEmail)
		a.call(t, http.MethodDelete, "/resources/tenants/v1/acme", nil, bearer(userTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodDelete, "/resources/tenants/v1/acme", nil, a.asVendor("")).want(t, http.StatusOK)
		a.call(t, http.MethodDelete, "/resources/tenants/v1/acme", nil, a.asVendor("")).wantError(t, http.StatusNotFound)
		if got := a.call(t, http.MethodGet, "/resources/tenants/v2/child", nil, a.asVendor("")).want(t, http.StatusOK).object(t); got["parentTenantId"] != "parent" {
			t.Fatalf("the deleted account's sub-account: %v", got)
		}
	})
}

func TestDeleteCurrentTenantRoute(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		adminTok, adminID, tenantID := a.userToken(t, testUserEmail)
		plainTok, _, plainTenant := a.plainToken(t, "plain@example.com")
		a.call(t, http.MethodDelete, "/resources/tenants/v1", nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		wantMessage(t, a.call(t, http.MethodDelete, "/resources/tenants/v1", nil, a.asVendor("")), http.StatusBadRequest, "frontegg-tenant-id")
		a.call(t, http.MethodDelete, "/resources/tenants/v1", nil).wantError(t, http.StatusUnauthorized)

		a.call(t, http.MethodDelete, "/resources/tenants/v1", nil, bearer(adminTok)).want(t, http.StatusOK)
		if _, err := a.id.GetTenant(context.Background(), tenantID); err == nil {
			t.Fatal("the admin's account survived")
		}
		if _, err := a.id.GetUser(context.Background(), adminID); err == nil {
			t.Fatal("the deleted account's only user survived")
		}
		// The environment deletes the account it names.
		a.call(t, http.MethodDelete, "/resources/tenants/v1", nil, a.asVendor(plainTenant)).want(t, http.StatusOK)
		if _, err := a.id.GetTenant(context.Background(), plainTenant); err == nil {
			t.Fatal("the named account survived")
		}
	})
}

// vendorCreate makes an account through the Go API (for tests of other
// areas).
func (a *accountsServer) vendorCreate(t testing.TB, id, parent string) {
	t.Helper()
	if _, err := a.id.CreateTenant(context.Background(), identity.CreateTenantInput{TenantID: id, Name: "Account " + id, ParentTenantID: parent}); err != nil {
		t.Fatal(err)
	}
}

// FuzzAccountBodies sends arbitrary bodies to the accounts API's writes:
// the answer is never a server error and always JSON, and whatever an
// account ends up with keeps metadata that is a JSON object.
func FuzzAccountBodies(f *testing.F) {
	for _, seed := range []struct {
		route byte
		body  string
	}{
		{0, `{"tenantId":"t1","name":"Acme","metadata":{"a":1},"alias":"acme","website":"https://a.example","yearFounded":1999}`},
		{0, `{"name":"S","metadata":"{\"a\":[1,2]}"}`},
		{1, `{"name":"Renamed","metadata":"x","numberOfEmployees":-1,"countryCode":"fr"}`},
		{2, `{"metadata":{"k":{"deep":true}}}`},
		{2, `{"metadata":"[]"}`},
		{3, `{"tenants":["a",{"tenantId":"b","name":"B"},7,null]}`},
		{4, `{"parentTenantId":"base","childTenantId":"t1"}`},
		{5, `{"timezone":"Europe/Paris","logo":"data:image/png;base64,AAAA"}`},
		{0, `{"name":"\u0000","tenantId":"\ud800"}`},
		{1, `[]`},
		{3, `null`},
	} {
		f.Add(seed.route, []byte(seed.body))
	}
	a := newAccountsServer(f)
	a.vendorCreate(f, "base", "")
	routes := []struct{ method, path string }{
		{http.MethodPost, "/resources/tenants/v1"},
		{http.MethodPut, "/resources/tenants/v2/base"},
		{http.MethodPost, "/resources/tenants/v1/base/metadata"},
		{http.MethodPost, "/resources/migrations/v1/tenants"},
		{http.MethodPost, "/resources/hierarchy/v1"},
		{http.MethodPut, "/resources/account-settings/v1"},
	}
	f.Fuzz(func(t *testing.T, route byte, body []byte) {
		rt := routes[int(route)%len(routes)]
		req := httptest.NewRequest(rt.method, rt.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-access-token", a.vendor)
		req.Header.Set(httpmw.HeaderTenantID, "base")
		w := httptest.NewRecorder()
		a.acc.h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s: status %d for body %q: %s", rt.method, rt.path, w.Code, body, w.Body.Bytes())
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s: answer %q to body %q is not JSON", rt.method, rt.path, w.Body.Bytes(), body)
		}
		var tn struct {
			Metadata *string `json:"metadata"`
		}
		if json.Unmarshal(w.Body.Bytes(), &tn) == nil && tn.Metadata != nil && *tn.Metadata != "" {
			var m map[string]any
			if err := json.Unmarshal([]byte(*tn.Metadata), &m); err != nil || m == nil {
				t.Fatalf("%s %s: stored metadata %q is not a JSON object", rt.method, rt.path, *tn.Metadata)
			}
		}
	})
}
