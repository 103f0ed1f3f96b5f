package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestDelegationRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "someone@example.com")
	const path = "/resources/configurations/v1/delegation"

	m := s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["enabled"] != false {
		t.Fatalf("default delegation = %v", m)
	}
	s.vendorRefusals(t, userTok, http.MethodGet, path, nil)

	m = s.do(t, http.MethodPost, path, map[string]any{"enabled": true}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["enabled"] != true {
		t.Fatalf("POST delegation = %v", m)
	}
	msg, _ := s.do(t, http.MethodPost, path, map[string]any{}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "enabled") {
		t.Errorf("message %q does not name enabled", msg)
	}
	msg, _ = s.do(t, http.MethodPost, path, `{"enabled": "yes"}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "enabled") {
		t.Errorf("message %q does not name enabled", msg)
	}
	s.vendorRefusals(t, userTok, http.MethodPost, path, map[string]any{"enabled": false})
	if m := s.do(t, http.MethodGet, path, nil, bearer(vt)).want(t, http.StatusOK).object(t); m["enabled"] != true {
		t.Fatalf("refused changes altered the delegation: %v", m)
	}
}
