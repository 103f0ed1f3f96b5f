package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	mySessionsPath      = "/resources/users/sessions/v1/me"
	sessionConfigPath   = "/resources/configurations/sessions/v1"
	vendorSessionConfig = "/resources/configurations/sessions/v1/vendor"
	refreshPath         = "/resources/auth/v1/user/token/refresh"
)

// sessionLogin logs email in from a browser named agent and returns the
// access and refresh tokens.
func (s *testServer) sessionLogin(t testing.TB, email, agent string) (access, refresh string) {
	t.Helper()
	m, _ := s.login(t, email, header("User-Agent", agent))
	return wantString(t, m, "accessToken"), wantString(t, m, "refreshToken")
}

// refreshWith refreshes token over HTTP and returns the new refresh token;
// it fails unless the answer has status want.
func (s *testServer) refreshWith(t testing.TB, token string, want int) string {
	t.Helper()
	r := s.do(t, http.MethodPost, refreshPath, map[string]any{"refreshToken": token})
	if want != http.StatusCreated {
		r.wantError(t, want)
		return ""
	}
	return wantString(t, r.want(t, http.StatusCreated).object(t), "refreshToken")
}

func TestMySessionsRoute(t *testing.T) {
	s := newTestServer(t)
	annID, _ := s.createUser(t, testUserEmail)
	_, oldRefresh := s.sessionLogin(t, testUserEmail, "Firefox")
	s.clock.Advance(time.Minute)
	access, _ := s.sessionLogin(t, testUserEmail, "Safari")
	bobToken, _, _ := s.userToken(t, "bob@example.com")

	list := s.do(t, http.MethodGet, mySessionsPath, nil, bearer(access)).want(t, http.StatusOK).array(t)
	if len(list) != 2 {
		t.Fatalf("sessions = %v, want 2", list)
	}
	for _, m := range list {
		wantKeys(t, "session", m, "id", "userAgent", "ipAddress", "createdAt", "lastActive", "expires", "current")
	}
	cur, old := list[0], list[1]
	if cur["current"] != true || old["current"] != false || cur["userAgent"] != "Safari" || old["userAgent"] != "Firefox" || cur["ipAddress"] != "192.0.2.1" {
		t.Fatalf("sessions = %v", list)
	}
	if want := s.clock.Now().UTC().Add(30 * 24 * time.Hour).Format(time.RFC3339); cur["expires"] != want {
		t.Fatalf("expires = %v, want %s", cur["expires"], want)
	}
	// Bob sees only his own.
	if bob := s.do(t, http.MethodGet, mySessionsPath, nil, bearer(bobToken)).want(t, http.StatusOK).array(t); len(bob) != 1 || bob[0]["id"] == cur["id"] || bob[0]["id"] == old["id"] {
		t.Fatalf("Bob's sessions = %v", bob)
	}
	// The environment token acts for the user it names.
	vendor := s.vendorToken(t)
	if v := s.do(t, http.MethodGet, mySessionsPath, nil, bearer(vendor), header("frontegg-user-id", annID)).want(t, http.StatusOK).array(t); len(v) != 2 || v[0]["current"] != false {
		t.Fatalf("sessions read by the environment = %v", v)
	}
	s.do(t, http.MethodGet, mySessionsPath, nil, bearer(vendor)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, mySessionsPath, nil, bearer(vendor), header("frontegg-user-id", "missing")).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, mySessionsPath, nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodGet, mySessionsPath, nil, header("Authorization", staleBearerToken)).wantError(t, http.StatusUnauthorized)

	// Revoking one: another user's is not found; one's own ends it.
	oldID := old["id"].(string)
	s.do(t, http.MethodDelete, mySessionsPath+"/"+oldID, nil, bearer(bobToken)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, mySessionsPath+"/no-such-session", nil, bearer(access)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, mySessionsPath+"/"+oldID, nil).wantError(t, http.StatusUnauthorized)
	oldRefresh = s.refreshWith(t, oldRefresh, http.StatusCreated) // still alive
	s.do(t, http.MethodDelete, mySessionsPath+"/"+oldID, nil, bearer(access)).want(t, http.StatusOK)
	s.refreshWith(t, oldRefresh, http.StatusUnauthorized)
	s.do(t, http.MethodDelete, mySessionsPath+"/"+oldID, nil, bearer(access)).wantError(t, http.StatusNotFound)
	if list := s.do(t, http.MethodGet, mySessionsPath, nil, bearer(access)).want(t, http.StatusOK).array(t); len(list) != 1 || list[0]["id"] != cur["id"] {
		t.Fatalf("sessions after revoking one = %v", list)
	}
}

func TestRevokeAllMySessionsRoute(t *testing.T) {
	s := newTestServer(t)
	annID, _ := s.createUser(t, testUserEmail)
	_, r1 := s.sessionLogin(t, testUserEmail, "a")
	_, r2 := s.sessionLogin(t, testUserEmail, "b")
	access, mine := s.sessionLogin(t, testUserEmail, "c")
	_, bobRefresh := s.sessionLogin(t, func() string { s.createUser(t, "bob@example.com"); return "bob@example.com" }(), "d")

	s.do(t, http.MethodDelete, mySessionsPath+"/all", nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodDelete, mySessionsPath+"/all", nil, bearer(access)).want(t, http.StatusOK)
	s.refreshWith(t, r1, http.StatusUnauthorized)
	s.refreshWith(t, r2, http.StatusUnauthorized)
	// The caller's own session and other users' stay.
	mine = s.refreshWith(t, mine, http.StatusCreated)
	s.refreshWith(t, bobRefresh, http.StatusCreated)
	if list := s.do(t, http.MethodGet, mySessionsPath, nil, bearer(access)).want(t, http.StatusOK).array(t); len(list) != 1 || list[0]["current"] != true {
		t.Fatalf("sessions after revoking all others = %v", list)
	}
	// The environment token ends every session of the user it names.
	s.do(t, http.MethodDelete, mySessionsPath+"/all", nil, bearer(s.vendorToken(t)), header("frontegg-user-id", annID)).want(t, http.StatusOK)
	s.refreshWith(t, mine, http.StatusUnauthorized)
}

func TestSessionConfigurationRoutes(t *testing.T) {
	s := newTestServer(t)
	admin, _, tenantID := s.userToken(t, testUserEmail)
	readOnly, _ := s.readOnlyToken(t, "reader@example.com")
	plain, _, _ := s.plainToken(t, "plain@example.com")
	vendor := s.vendorToken(t)

	// Defaults, before anything is saved.
	m := s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(admin)).want(t, http.StatusOK).object(t)
	wantKeys(t, "session configuration", m, "sessionIdleTimeoutConfiguration", "sessionTimeoutConfiguration", "sessionConcurrentConfiguration")
	if idle := m["sessionIdleTimeoutConfiguration"].(map[string]any); idle["isActive"] != false || idle["timeout"] != float64(1800) {
		t.Fatalf("default idle configuration = %v", idle)
	}

	// The tenant admin saves the tenant's policy.
	body := map[string]any{
		"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 600},
		"sessionConcurrentConfiguration":  map[string]any{"isActive": true, "maxSessions": 2},
	}
	m = s.do(t, http.MethodPost, sessionConfigPath, body, bearer(admin)).want(t, http.StatusCreated).object(t)
	if c := m["sessionConcurrentConfiguration"].(map[string]any); c["isActive"] != true || c["maxSessions"] != float64(2) {
		t.Fatalf("saved policy = %v", m)
	}
	m = s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(admin)).want(t, http.StatusOK).object(t)
	if idle := m["sessionIdleTimeoutConfiguration"].(map[string]any); idle["isActive"] != true || idle["timeout"] != float64(600) {
		t.Fatalf("policy read back = %v", m)
	}
	// The environment token reads the tenant's policy by header, and the
	// environment's (unchanged) without one and on the vendor route.
	m = s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t)
	if idle := m["sessionIdleTimeoutConfiguration"].(map[string]any); idle["timeout"] != float64(600) {
		t.Fatalf("tenant policy read by the environment = %v", m)
	}
	for _, r := range []*response{
		s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(vendor)),
		s.do(t, http.MethodGet, vendorSessionConfig, nil, bearer(vendor)),
	} {
		if idle := r.want(t, http.StatusOK).object(t)["sessionIdleTimeoutConfiguration"].(map[string]any); idle["isActive"] != false {
			t.Fatalf("environment policy = %s", r.body)
		}
	}
	// The environment token sets the environment's default.
	s.do(t, http.MethodPost, sessionConfigPath, map[string]any{"sessionTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 86400}}, bearer(vendor)).want(t, http.StatusCreated)
	m = s.do(t, http.MethodGet, vendorSessionConfig, nil, bearer(vendor)).want(t, http.StatusOK).object(t)
	if abs := m["sessionTimeoutConfiguration"].(map[string]any); abs["isActive"] != true || abs["timeout"] != float64(86400) {
		t.Fatalf("environment policy after the vendor's change = %v", m)
	}

	// Refusals.
	s.do(t, http.MethodGet, sessionConfigPath, nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, sessionConfigPath, body).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodGet, vendorSessionConfig, nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(readOnly)).want(t, http.StatusOK)
	s.do(t, http.MethodPost, sessionConfigPath, body, bearer(readOnly)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, sessionConfigPath, body, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, vendorSessionConfig, nil, bearer(admin)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(vendor), header("frontegg-tenant-id", "missing")).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, sessionConfigPath, body, bearer(vendor), header("frontegg-tenant-id", "missing")).wantError(t, http.StatusNotFound)
	for name, c := range map[string]struct {
		body  any
		field string
	}{
		"timeout too short":  {map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 59}}, "sessionIdleTimeoutConfiguration.timeout"},
		"idle too long":      {map[string]any{"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 2073601}}, "sessionIdleTimeoutConfiguration.timeout"},
		"isActive missing":   {map[string]any{"sessionTimeoutConfiguration": map[string]any{"timeout": 600}}, "sessionTimeoutConfiguration.isActive"},
		"maxSessions zero":   {map[string]any{"sessionConcurrentConfiguration": map[string]any{"isActive": true, "maxSessions": 0}}, "sessionConcurrentConfiguration.maxSessions"},
		"timeout not number": {`{"sessionIdleTimeoutConfiguration": {"isActive": true, "timeout": "600"}}`, "sessionIdleTimeoutConfiguration.timeout"},
		"isActive not bool":  {`{"sessionConcurrentConfiguration": {"isActive": "yes", "maxSessions": 2}}`, "sessionConcurrentConfiguration.isActive"},
		"fractional timeout": {`{"sessionIdleTimeoutConfiguration": {"isActive": true, "timeout": 600.5}}`, "sessionIdleTimeoutConfiguration.timeout"},
	} {
		t.Run(name, func(t *testing.T) {
			msg, _ := s.do(t, http.MethodPost, sessionConfigPath, c.body, bearer(admin)).wantError(t, http.StatusBadRequest)
			if !strings.Contains(msg, c.field) {
				t.Fatalf("error %q does not name %s", msg, c.field)
			}
		})
	}
	s.do(t, http.MethodPost, sessionConfigPath, "{", bearer(admin)).wantError(t, http.StatusBadRequest)
	// Nothing refused changed the tenant's policy.
	m = s.do(t, http.MethodGet, sessionConfigPath, nil, bearer(admin)).want(t, http.StatusOK).object(t)
	if idle := m["sessionIdleTimeoutConfiguration"].(map[string]any); idle["timeout"] != float64(600) {
		t.Fatalf("policy after refused changes = %v", m)
	}
}

// TestSessionPolicyEnforcedOverHTTP sets a policy through the API and
// watches login and refresh obey it.
func TestSessionPolicyEnforcedOverHTTP(t *testing.T) {
	s := newTestServer(t)
	admin, adminID, _ := s.userToken(t, testUserEmail)
	s.do(t, http.MethodPost, sessionConfigPath, map[string]any{
		"sessionIdleTimeoutConfiguration": map[string]any{"isActive": true, "timeout": 300},
		"sessionConcurrentConfiguration":  map[string]any{"isActive": true, "maxSessions": 2},
	}, bearer(admin)).want(t, http.StatusCreated)

	// The admin's login above and two more: the oldest is ended.
	s.clock.Advance(time.Second)
	_, r1 := s.sessionLogin(t, testUserEmail, "a")
	s.clock.Advance(time.Second)
	_, r2 := s.sessionLogin(t, testUserEmail, "b")
	if list := s.do(t, http.MethodGet, mySessionsPath, nil, bearer(s.vendorToken(t)), header("frontegg-user-id", adminID)).want(t, http.StatusOK).array(t); len(list) != 2 {
		t.Fatalf("sessions under a limit of 2 = %v", list)
	}
	// The admin's first session is the one that went: its access token
	// (valid until it expires) no longer has a current session.
	for _, m := range s.do(t, http.MethodGet, mySessionsPath, nil, bearer(admin)).want(t, http.StatusOK).array(t) {
		if m["current"] != false {
			t.Fatalf("the oldest session survived the limit: %v", m)
		}
	}
	// Idle for the policy's five minutes: refused.
	s.clock.Advance(4 * time.Minute)
	r1 = s.refreshWith(t, r1, http.StatusCreated)
	s.clock.Advance(4 * time.Minute)
	s.refreshWith(t, r1, http.StatusCreated)
	s.refreshWith(t, r2, http.StatusUnauthorized)
}

// FuzzSessionConfiguration posts arbitrary bytes as a session policy: the
// answer is never a server error; it is either the saved policy (all three
// sections, valid values) or a 400 error.
func FuzzSessionConfiguration(f *testing.F) {
	for _, seed := range []string{
		`{"sessionIdleTimeoutConfiguration":{"isActive":true,"timeout":600}}`,
		`{"sessionTimeoutConfiguration":{"isActive":false,"timeout":60},"sessionConcurrentConfiguration":{"isActive":true,"maxSessions":1}}`,
		`{"sessionIdleTimeoutConfiguration":{"isActive":true,"timeout":1e30}}`,
		`{"sessionConcurrentConfiguration":{"isActive":true,"maxSessions":-9223372036854775808}}`,
		`{"sessionIdleTimeoutConfiguration":null}`,
		`{"sessionIdleTimeoutConfiguration":[]}`,
		`{}`, `[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	s := newTestServer(f)
	vendor := s.vendorToken(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := s.do(t, http.MethodPost, sessionConfigPath, body, bearer(vendor))
		switch r.code {
		case http.StatusCreated:
			m := r.object(t)
			for _, k := range []string{"sessionIdleTimeoutConfiguration", "sessionTimeoutConfiguration"} {
				c, ok := m[k].(map[string]any)
				if !ok {
					t.Fatalf("answer %s lacks %s", r.body, k)
				}
				if to, _ := c["timeout"].(float64); to < 60 {
					t.Fatalf("saved %s.timeout %v from body %q", k, c["timeout"], body)
				}
			}
			if c, _ := m["sessionConcurrentConfiguration"].(map[string]any); c == nil || c["maxSessions"].(float64) < 1 {
				t.Fatalf("saved sessionConcurrentConfiguration %v from body %q", m["sessionConcurrentConfiguration"], body)
			}
		case http.StatusBadRequest:
			r.wantError(t, http.StatusBadRequest)
		default:
			t.Fatalf("status %d for body %q: %s", r.code, body, r.body)
		}
	})
}
