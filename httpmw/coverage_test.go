package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

func coverageIdentity(t *testing.T) *identity.Identity {
	t.Helper()
	id, err := identity.New(memory.New())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRouteTableMatchesSpec fails when either API's handler mounts anything
// that is neither an operation of its own specification nor a documented
// extra route, or mounts an operation under another method, path or API
// than the spec's.
func TestRouteTableMatchesSpec(t *testing.T) {
	id := coverageIdentity(t)
	for _, tc := range []struct {
		api    string
		h      *httpmw.Handler
		extras int
	}{
		{httpmw.APIIdentity, httpmw.New(id), len(httpmw.ExtraRoutes)},
		{httpmw.APITenants, httpmw.NewAccounts(id), 0},
	} {
		c := tc.h.Coverage()
		for _, r := range c.Unknown {
			t.Errorf("%s: route %s %s (%s) is not in the spec and not a documented extra route", tc.api, r.Method, r.Path, r.OperationID)
		}
		for _, r := range c.Misplaced {
			t.Errorf("%s: route %s %s claims operationId %s, which the spec puts elsewhere", tc.api, r.Method, r.Path, r.OperationID)
		}
		if c.Total[httpmw.APIIdentity] != 307 || c.Total[httpmw.APITenants] != 25 {
			t.Errorf("inventories hold %d identity and %d tenants operations, want 307 and 25", c.Total[httpmw.APIIdentity], c.Total[httpmw.APITenants])
		}
		if got := len(c.Extra); got != tc.extras {
			t.Errorf("%s: %d extra routes mounted, want %d", tc.api, got, tc.extras)
		}
		if c.Mounted[tc.api]+len(c.Extra) != len(tc.h.Routes()) {
			t.Errorf("%s: mounted %d spec operations + %d extras, but the handler has %d routes", tc.api, c.Mounted[tc.api], len(c.Extra), len(tc.h.Routes()))
		}
		for _, r := range tc.h.Routes() {
			if r.API != tc.api {
				t.Errorf("the %s handler mounts %s %s of the %s API", tc.api, r.Method, r.Path, r.API)
			}
		}
	}
	// The accounts API is mounted whole.
	if c := httpmw.NewAccounts(id).Coverage(); c.Mounted[httpmw.APITenants] != 25 {
		t.Errorf("accounts API: mounted %d/25 operations", c.Mounted[httpmw.APITenants])
	}
	all := httpmw.TableCoverage()
	if len(all.Unknown)+len(all.Misplaced) != 0 {
		t.Errorf("route table: %d unknown and %d misplaced routes", len(all.Unknown), len(all.Misplaced))
	}
	if all.Mounted[httpmw.APIIdentity] != httpmw.New(id).Coverage().Mounted[httpmw.APIIdentity] || all.Mounted[httpmw.APITenants] != 25 {
		t.Errorf("route table coverage %v disagrees with the handlers'", all.Mounted)
	}
	t.Log("\n" + all.String())
	for _, line := range []string{"operations (identity API)", "mounted 25/25 operations (accounts API"} {
		if !strings.Contains(all.String(), line) {
			t.Errorf("report lacks %q", line)
		}
	}
}

// TestRouteAuthMatchesInventory checks each mounted operation's auth kind,
// in both APIs, against the inventory.
func TestRouteAuthMatchesInventory(t *testing.T) {
	ops := map[string]httpmw.Operation{}
	for _, op := range httpmw.Operations() {
		ops[op.API+" "+op.Method+" "+op.Path] = op
	}
	id := coverageIdentity(t)
	for _, h := range []*httpmw.Handler{httpmw.New(id), httpmw.NewAccounts(id)} {
		for _, r := range h.Routes() {
			op, ok := ops[r.API+" "+r.Method+" "+r.Path]
			if !ok {
				continue
			}
			if op.Auth != r.Auth.String() {
				t.Errorf("%s %s %s: auth %s, inventory says %s", r.API, r.Method, r.Path, r.Auth, op.Auth)
			}
		}
	}
}

// TestAPIsAreServedApart checks each handler answers only its own API's
// paths.
func TestAPIsAreServedApart(t *testing.T) {
	s := newTestServer(t)
	acc := httpmw.NewAccounts(s.id)
	vendor := s.vendorToken(t)
	for _, tc := range []struct {
		h    http.Handler
		path string
	}{
		{s.h, "/resources/tenants/v2"},
		{acc, "/resources/users/v1"},
		{acc, "/auth/vendor"},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+vendor)
		w := httptest.NewRecorder()
		tc.h.ServeHTTP(w, req)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404 from the other API's handler", tc.path, w.Code)
		}
	}
}
