package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestMailConfigRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		const v1, v2 = "/resources/mail/v1/configurations", "/resources/mail/v2/configurations"
		s.do(t, http.MethodGet, v1, nil).wantError(t, http.StatusUnauthorized)
		userTok, _, _ := s.userToken(t, testUserEmail)
		s.do(t, http.MethodPost, v1, map[string]any{"secret": "k"}, bearer(userTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, v1, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodDelete, v1, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, v1, map[string]any{}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, v2, map[string]any{}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, v2, map[string]any{"payload": map[string]any{"provider": "ses", "secret": "x", "region": "eu-west-1"}}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		res := s.do(t, http.MethodPost, v1, map[string]any{"secret": "SG.very-secret"}, bearer(s.vendor)).want(t, http.StatusCreated)
		if strings.Contains(string(res.body), "very-secret") {
			t.Fatalf("the secret was returned: %s", res.body)
		}
		got := s.do(t, http.MethodPost, v2, map[string]any{"payload": map[string]any{"provider": "ses", "secret": "aws-secret", "id": "AKIA1", "region": "eu-west-1"}}, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
		if got["provider"] != "ses" || got["hasSecret"] != true {
			t.Fatalf("v2 config: %v", got)
		}
		get := s.do(t, http.MethodGet, v1, nil, bearer(s.vendor)).want(t, http.StatusOK)
		if strings.Contains(string(get.body), "aws-secret") || !strings.Contains(string(get.body), "eu-west-1") {
			t.Fatalf("stored config: %s", get.body)
		}
		s.do(t, http.MethodDelete, v1, nil, bearer(s.vendor)).want(t, http.StatusOK)
		s.do(t, http.MethodGet, v1, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	})
}
