package httpmw_test

import (
	"bytes"
	"net/http"
	"testing"
)

func TestLockoutPolicyRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		adminTok, _, tenantID := s.userToken(t, testUserEmail)
		plainTok, _, _ := s.plainToken(t, "plain@example.com")
		const path = "/resources/configurations/v1/lockout-policy"
		s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodGet, path, nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "maxAttempts": 3}, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPatch, path, map[string]any{"enabled": false}, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPatch, path, map[string]any{"enabled": true, "maxAttempts": 3}, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "maxAttempts": 0}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"enabled": "yes", "maxAttempts": 3}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		env := s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "maxAttempts": 5}, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
		wantKeys(t, "lockout policy", env, "id", "enabled", "maxAttempts", "createdAt", "updatedAt")
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "maxAttempts": 5}, bearer(s.vendor)).wantError(t, http.StatusConflict)
		// The administrator reads the environment's, then gives its tenant
		// its own, stricter one.
		if g := s.do(t, http.MethodGet, path, nil, bearer(adminTok)).want(t, http.StatusOK).object(t); g["id"] != env["id"] {
			t.Fatalf("tenant inherits %v, environment %v", g, env)
		}
		own := s.do(t, http.MethodPatch, path, map[string]any{"maxAttempts": 2}, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if own["id"] == env["id"] || own["maxAttempts"] != float64(2) || own["enabled"] != true {
			t.Fatalf("tenant policy: %v", own)
		}
		if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); g["maxAttempts"] != float64(5) {
			t.Fatalf("environment policy changed: %v", g)
		}
		if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t); g["maxAttempts"] != float64(2) {
			t.Fatalf("tenant policy read by the environment: %v", g)
		}

		// Two wrong passwords lock the administrator; the locking answer
		// is the one an unknown e-mail gets.
		unknown := s.loginWith(t, "nobody@example.com", "wrong password")
		unknown.wantError(t, http.StatusUnauthorized)
		s.loginWith(t, testUserEmail, "wrong password").wantError(t, http.StatusUnauthorized)
		locking := s.loginWith(t, testUserEmail, "wrong password")
		locking.wantError(t, http.StatusUnauthorized)
		if !bytes.Equal(locking.body, unknown.body) {
			t.Fatalf("locking answer %s differs from the unknown-user answer %s", locking.body, unknown.body)
		}
		_, code := s.loginWith(t, testUserEmail, testPassword).wantError(t, http.StatusForbidden)
		if code != "ER-01002" {
			t.Fatalf("locked login code = %s", code)
		}
		s.drain(t)
		if m := s.lastMail(t, testUserEmail); m.path != "/account/unlock" {
			t.Fatalf("unlock e-mail: %+v", m)
		}
		// Disabled, nothing is counted.
		s.do(t, http.MethodPatch, path, map[string]any{"enabled": false}, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK)
	})
}
