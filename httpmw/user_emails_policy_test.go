package httpmw_test

import (
	"net/http"
	"testing"
)

func TestUserEmailsPolicyRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		const path = "/resources/configurations/v1/user-emails-policy"
		s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPost, path, map[string]any{"allowEmailChange": false}).wantError(t, http.StatusUnauthorized)
		userTok, _, _ := s.userToken(t, testUserEmail)
		s.do(t, http.MethodGet, path, nil, bearer(userTok)).wantError(t, http.StatusForbidden)

		if got := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); got["allowEmailChange"] != true {
			t.Fatalf("default policy: %v", got)
		}
		s.do(t, http.MethodPost, path, map[string]any{"allowEmailChange": "no"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		if got := s.do(t, http.MethodPost, path, map[string]any{"allowEmailChange": false}, bearer(s.vendor)).want(t, http.StatusOK).object(t); got["allowEmailChange"] != false {
			t.Fatalf("updated policy: %v", got)
		}
		if got := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); got["allowEmailChange"] != false {
			t.Fatalf("stored policy: %v", got)
		}
		// The user may no longer change its e-mail address.
		s.do(t, http.MethodPost, "/resources/users/v1/email/me", map[string]any{"email": "new@example.com"}, bearer(userTok)).wantError(t, http.StatusForbidden)
	})
}
