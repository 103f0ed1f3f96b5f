package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
)

// fromIP makes the request come from ip.
func fromIP(ip string) reqOpt {
	return func(r *http.Request) { r.RemoteAddr = ip + ":4321" }
}

func (s *testServer) loginFrom(t testing.TB, email, ip string) *response {
	t.Helper()
	return s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": email, "password": testPassword}, fromIP(ip))
}

func TestIPRestrictionRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		const base = "/resources/configurations/v1/restrictions/ip"
		const office, home = "10.2.3.4", "198.51.100.7"
		adminTok, _, tenantID := s.userToken(t, testUserEmail)
		plainTok, _, _ := s.plainToken(t, "plain@example.com")
		otherTok, _, _ := s.userToken(t, "other-admin@example.com")
		asTenant := header("frontegg-tenant-id", tenantID)

		// Authentication and permissions.
		s.do(t, http.MethodGet, base+"/config", nil).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodGet, base+"/config", nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, base, nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, base, map[string]any{"ip": office, "strategy": "ALLOW"}, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, base+"/config", map[string]any{"isActive": true}, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, base+"/verify", nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, base+"/verify/allow", nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodDelete, base+"/x", nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		// An environment token must name the tenant.
		s.do(t, http.MethodGet, base+"/config", nil, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		// Defaults, then bad input.
		cfg := s.do(t, http.MethodGet, base+"/config", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if cfg["strategy"] != "ALLOW" || cfg["isActive"] != false {
			t.Fatalf("default config = %v", cfg)
		}
		for _, bad := range []map[string]any{
			{"ip": "10.0.0.0/33", "strategy": "ALLOW"},
			{"ip": "not-an-ip", "strategy": "ALLOW"},
			{"strategy": "ALLOW"},
			{"ip": office},
			{"ip": office, "strategy": "MAYBE"},
			{"ip": office, "strategy": "ALLOW", "isActive": "yes"},
		} {
			s.do(t, http.MethodPost, base, bad, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		}
		s.do(t, http.MethodPost, base+"/config", map[string]any{"strategy": "BOTH"}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, base+"/config", map[string]any{}, bearer(adminTok)).wantError(t, http.StatusBadRequest)

		// Create, then update the same block in place.
		rule := s.do(t, http.MethodPost, base, map[string]any{"ip": "10.0.0.0/8", "strategy": "ALLOW", "description": "office"}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		wantKeys(t, "ip restriction", rule, "id", "ip", "strategy", "isActive", "description", "createdAt", "updatedAt")
		if rule["isActive"] != true || rule["ip"] != "10.0.0.0/8" {
			t.Fatalf("rule = %v", rule)
		}
		again := s.do(t, http.MethodPost, base, map[string]any{"ip": "10.9.9.9/8", "strategy": "ALLOW", "description": "HQ"}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		if again["id"] != rule["id"] || again["description"] != "HQ" {
			t.Fatalf("update in place: %v, first %v", again, rule)
		}
		v6 := s.do(t, http.MethodPost, base, map[string]any{"ip": "2001:DB8::1", "strategy": "BLOCK", "isActive": false}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		if v6["ip"] != "2001:db8::1" || v6["isActive"] != false {
			t.Fatalf("v6 rule = %v", v6)
		}
		list := s.do(t, http.MethodGet, base+"?_limit=1", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if items := list["items"].([]any); len(items) != 1 || list["_metadata"].(map[string]any)["totalItems"] != float64(2) {
			t.Fatalf("list = %v", list)
		}
		if list["_links"].(map[string]any)["next"] == "" {
			t.Fatalf("list links = %v", list["_links"])
		}
		if items := s.do(t, http.MethodGet, base+"?_filter=hq", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)["items"].([]any); len(items) != 1 {
			t.Fatalf("filtered list = %v", items)
		}
		s.do(t, http.MethodGet, base+"?_limit=0x", nil, bearer(adminTok)).wantError(t, http.StatusBadRequest)

		// Verify: the allow list holds the office, not home.
		if v := s.do(t, http.MethodPost, base+"/verify/allow", nil, bearer(adminTok), fromIP(home)).want(t, http.StatusCreated).object(t); v["valid"] != false {
			t.Fatalf("home in allow list: %v", v)
		}
		if v := s.do(t, http.MethodPost, base+"/verify/allow", nil, bearer(adminTok), fromIP(office)).want(t, http.StatusCreated).object(t); v["valid"] != true {
			t.Fatalf("office in allow list: %v", v)
		}
		if v := s.do(t, http.MethodPost, base+"/verify", nil, bearer(adminTok), fromIP(home)).want(t, http.StatusCreated).object(t); v["valid"] != true {
			t.Fatalf("inactive restriction refuses home: %v", v)
		}

		// An administrator at home cannot switch on an allow list that
		// excludes it; from the office it can.
		s.do(t, http.MethodPost, base+"/config", map[string]any{"strategy": "ALLOW", "isActive": true}, bearer(adminTok), fromIP(home)).wantError(t, http.StatusConflict)
		if cfg := s.do(t, http.MethodGet, base+"/config", nil, bearer(adminTok)).want(t, http.StatusOK).object(t); cfg["isActive"] != false {
			t.Fatalf("refused change was saved: %v", cfg)
		}
		cfg = s.do(t, http.MethodPost, base+"/config", map[string]any{"strategy": "ALLOW", "isActive": true}, bearer(adminTok), fromIP(office)).want(t, http.StatusCreated).object(t)
		if cfg["isActive"] != true || cfg["strategy"] != "ALLOW" {
			t.Fatalf("config = %v", cfg)
		}
		if v := s.do(t, http.MethodPost, base+"/verify", nil, bearer(adminTok), fromIP(home)).want(t, http.StatusCreated).object(t); v["valid"] != false {
			t.Fatalf("active allow list admits home: %v", v)
		}
		// Nor delete the rule that admits it.
		s.do(t, http.MethodDelete, base+"/"+rule["id"].(string), nil, bearer(adminTok), fromIP(office)).wantError(t, http.StatusConflict)

		// Enforcement: login and refresh from home are refused.
		msg, code := s.loginFrom(t, testUserEmail, home).wantError(t, http.StatusForbidden)
		if code != "ER-01401" || msg == "" {
			t.Fatalf("refused login: %q %s", msg, code)
		}
		r := s.loginFrom(t, testUserEmail, office).want(t, http.StatusOK)
		ck := r.cookie(t, testCookieName)
		s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{}`, cookie(ck), fromIP(home)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{}`, cookie(ck), fromIP(office)).want(t, http.StatusCreated)

		// Another tenant sees none of it, cannot delete it, and still
		// logs in from anywhere.
		if items := s.do(t, http.MethodGet, base, nil, bearer(otherTok)).want(t, http.StatusOK).object(t)["items"].([]any); len(items) != 0 {
			t.Fatalf("other tenant sees %v", items)
		}
		s.do(t, http.MethodDelete, base+"/"+rule["id"].(string), nil, bearer(otherTok)).wantError(t, http.StatusNotFound)
		s.loginFrom(t, "other-admin@example.com", home).want(t, http.StatusOK)

		// The environment token acts on the tenant it names, without the
		// self-lockout guard; an active, empty allow list refuses everyone.
		if items := s.do(t, http.MethodGet, base, nil, bearer(s.vendor), asTenant).want(t, http.StatusOK).object(t)["items"].([]any); len(items) != 2 {
			t.Fatalf("vendor list = %v", items)
		}
		s.do(t, http.MethodDelete, base+"/"+rule["id"].(string), nil, bearer(s.vendor), asTenant).want(t, http.StatusOK)
		s.do(t, http.MethodDelete, base+"/"+rule["id"].(string), nil, bearer(s.vendor), asTenant).wantError(t, http.StatusNotFound)
		s.loginFrom(t, testUserEmail, office).wantError(t, http.StatusForbidden)

		// Block list: the v6 rule, once active, refuses its address only.
		s.do(t, http.MethodPost, base+"/config", map[string]any{"strategy": "BLOCK"}, bearer(s.vendor), asTenant).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, base, map[string]any{"ip": "2001:db8::1", "strategy": "BLOCK", "isActive": true}, bearer(s.vendor), asTenant).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail, "password": testPassword}, func(r *http.Request) { r.RemoteAddr = "[2001:db8::1]:443" }).wantError(t, http.StatusForbidden)
		s.loginFrom(t, testUserEmail, home).want(t, http.StatusOK)

		// Switched off, everyone is admitted again.
		s.do(t, http.MethodPost, base+"/config", map[string]any{"isActive": false}, bearer(s.vendor), asTenant).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail, "password": testPassword}, func(r *http.Request) { r.RemoteAddr = "[2001:db8::1]:443" }).want(t, http.StatusOK)
	})
}

func TestDomainRestrictionRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		const base = "/resources/configurations/restrictions/v1/email-domain"
		adminTok, _, tenantID := s.userToken(t, testUserEmail)
		plainTok, _, _ := s.plainToken(t, "plain@example.com")
		otherTok, _, _ := s.userToken(t, "other-admin@example.com")
		asTenant := header("frontegg-tenant-id", tenantID)

		s.do(t, http.MethodGet, base, nil).wantError(t, http.StatusUnauthorized)
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{http.MethodGet, base, nil},
			{http.MethodPost, base, map[string]any{"domain": "acme.com", "type": "ALLOW"}},
			{http.MethodGet, base + "/config", nil},
			{http.MethodPost, base + "/config", map[string]any{"active": true}},
			{http.MethodDelete, base + "/x", nil},
			{http.MethodPost, base + "/replace-bulk", map[string]any{"type": "ALLOW", "domains": []string{"acme.com"}}},
		} {
			s.do(t, r.method, r.path, r.body, bearer(plainTok)).wantError(t, http.StatusForbidden)
		}
		s.do(t, http.MethodGet, base+"/config", nil, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		cfg := s.do(t, http.MethodGet, base+"/config", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		wantKeys(t, "domain config", cfg, "active", "listType", "blockPublicDomains")
		if cfg["active"] != false {
			t.Fatalf("default config = %v", cfg)
		}
		s.do(t, http.MethodPost, base, map[string]any{"domain": "no spaces.com", "type": "ALLOW"}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, base, map[string]any{"domain": "acme.com"}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, base+"/config", map[string]any{"type": "ALLOW"}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, base+"/replace-bulk", map[string]any{"type": "ALLOW", "domains": []string{"ok.com", "-bad.com"}}, bearer(adminTok)).wantError(t, http.StatusBadRequest)

		d := s.do(t, http.MethodPost, base, map[string]any{"domain": "Example.com", "type": "ALLOW"}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		wantKeys(t, "domain restriction", d, "id", "domain", "type")
		if d["domain"] != "example.com" {
			t.Fatalf("domain = %v", d)
		}
		s.do(t, http.MethodPost, base, map[string]any{"domain": "example.com", "type": "ALLOW"}, bearer(adminTok)).wantError(t, http.StatusConflict)
		cfg = s.do(t, http.MethodPost, base+"/config", map[string]any{"active": true, "type": "ALLOW"}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		if cfg["active"] != true || cfg["listType"] != "ALLOW" {
			t.Fatalf("config = %v", cfg)
		}
		list := s.do(t, http.MethodGet, base, nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if items := list["items"].([]any); len(items) != 1 {
			t.Fatalf("list = %v", list)
		}

		// Enforcement over HTTP: inviting an outsider is refused, naming it.
		msg, code := s.do(t, http.MethodPost, "/resources/users/v2", map[string]any{"email": "eve@evil.com", "name": "Eve"}, bearer(adminTok)).wantError(t, http.StatusForbidden)
		if code != "ER-01402" || !strings.Contains(msg, "eve@evil.com") {
			t.Fatalf("refused invite: %q %s", msg, code)
		}
		s.do(t, http.MethodPost, "/resources/users/v2", map[string]any{"email": "new@example.com", "name": "New"}, bearer(adminTok)).want(t, http.StatusCreated)

		// Tenant isolation.
		if items := s.do(t, http.MethodGet, base, nil, bearer(otherTok)).want(t, http.StatusOK).object(t)["items"].([]any); len(items) != 0 {
			t.Fatalf("other tenant sees %v", items)
		}
		s.do(t, http.MethodDelete, base+"/"+d["id"].(string), nil, bearer(otherTok)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, "/resources/users/v2", map[string]any{"email": "eve@evil.com", "name": "Eve"}, bearer(otherTok)).want(t, http.StatusCreated)

		// Replace, through the environment token, then delete.
		got := s.do(t, http.MethodPost, base+"/replace-bulk", map[string]any{"type": "BLOCK", "domains": []string{"evil.com", "spam.io"}}, bearer(s.vendor), asTenant).want(t, http.StatusCreated).array(t)
		if len(got) != 2 || got[0]["type"] != "BLOCK" || got[1]["domain"] != "spam.io" {
			t.Fatalf("replace-bulk = %v", got)
		}
		if items := s.do(t, http.MethodGet, base, nil, bearer(adminTok)).want(t, http.StatusOK).object(t)["items"].([]any); len(items) != 2 {
			t.Fatalf("after replace = %v", items)
		}
		s.do(t, http.MethodDelete, base+"/"+d["id"].(string), nil, bearer(adminTok)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodDelete, base+"/"+got[1]["id"].(string), nil, bearer(adminTok)).want(t, http.StatusOK)
		s.do(t, http.MethodPost, base+"/config", map[string]any{"active": true, "type": "BLOCK"}, bearer(adminTok)).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, "/resources/users/v2", map[string]any{"email": "x@evil.com", "name": "X"}, bearer(adminTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, "/resources/users/v2", map[string]any{"email": "y@spam.io", "name": "Y"}, bearer(adminTok)).want(t, http.StatusCreated)
	})
}

func TestRestrictionsUnknownTenant(t *testing.T) {
	s := &mfaServer{testServer: newTestServer(t)}
	s.vendor = s.vendorToken(t)
	ghost := header("frontegg-tenant-id", "no-such-tenant")
	for _, path := range []string{
		"/resources/configurations/v1/restrictions/ip/config",
		"/resources/configurations/v1/restrictions/ip",
		"/resources/configurations/restrictions/v1/email-domain/config",
		"/resources/configurations/restrictions/v1/email-domain",
	} {
		s.do(t, http.MethodGet, path, nil, bearer(s.vendor), ghost).wantError(t, http.StatusNotFound)
	}
	s.do(t, http.MethodPost, "/resources/configurations/v1/restrictions/ip", map[string]any{"ip": "10.0.0.1", "strategy": "ALLOW"}, bearer(s.vendor), ghost).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/configurations/restrictions/v1/email-domain", map[string]any{"domain": "acme.com", "type": "ALLOW"}, bearer(s.vendor), ghost).wantError(t, http.StatusNotFound)
}
