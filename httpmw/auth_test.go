package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
)

// hostApp is a host application handler that reports the principal it saw.
type hostApp struct{ seen *identity.Principal }

func (a *hostApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, ok := identity.FromContext(r.Context())
	if !ok {
		http.Error(w, "no principal", http.StatusInternalServerError)
		return
	}
	a.seen = p
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}`))
}

func serveWith(t *testing.T, h http.Handler, opts ...reqOpt) *response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/app/data", nil)
	for _, o := range opts {
		o(req)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return &response{code: w.Code, header: w.Header(), body: w.Body.Bytes(), resp: w.Result()}
}

func TestRequireUser(t *testing.T) {
	s := newTestServer(t)
	tok, userID, tenantID := s.userToken(t, testUserEmail)
	vt := s.vendorToken(t)
	app := &hostApp{}
	h := httpmw.RequireUser(s.id)(app)

	serveWith(t, h, bearer(tok)).want(t, http.StatusOK)
	if app.seen == nil || app.seen.UserID != userID || app.seen.TenantID != tenantID || app.seen.Vendor {
		t.Fatalf("host saw %+v", app.seen)
	}
	serveWith(t, h, accessToken(tok)).want(t, http.StatusOK)

	for name, opt := range map[string]reqOpt{
		"no token":            func(*http.Request) {},
		"garbage":             bearer("garbage"),
		"basic auth":          header("Authorization", "Basic dXNlcjpwYXNz"),
		"vendor without user": accessToken(vt),
	} {
		t.Run(name, func(t *testing.T) {
			app.seen = nil
			serveWith(t, h, opt).wantError(t, http.StatusUnauthorized)
			if app.seen != nil {
				t.Fatal("the host handler ran")
			}
		})
	}
	// The environment acting for a named user passes.
	serveWith(t, h, accessToken(vt), header("frontegg-user-id", userID), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK)
	if !app.seen.Vendor || app.seen.UserID != userID || app.seen.TenantID != tenantID {
		t.Fatalf("host saw %+v", app.seen)
	}
}

func TestRequireVendor(t *testing.T) {
	s := newTestServer(t)
	tok, _, _ := s.userToken(t, testUserEmail)
	vt := s.vendorToken(t)
	app := &hostApp{}
	h := httpmw.RequireVendor(s.id)(app)

	serveWith(t, h, accessToken(vt)).want(t, http.StatusOK)
	if app.seen == nil || !app.seen.Vendor {
		t.Fatalf("host saw %+v", app.seen)
	}
	serveWith(t, h, bearer(vt)).want(t, http.StatusOK)

	app.seen = nil
	serveWith(t, h).wantError(t, http.StatusUnauthorized)
	serveWith(t, h, bearer(tok)).wantError(t, http.StatusForbidden)
	if app.seen != nil {
		t.Fatal("the host handler ran")
	}
}
