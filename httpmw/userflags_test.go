package httpmw_test

import (
	"net/http"
	"testing"
)

func TestSuperUserRoute(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "other@example.com")
	annID, _ := s.createUser(t, testUserEmail)
	path := "/resources/users/v1/" + annID + "/superuser"

	m := s.do(t, http.MethodPut, path, map[string]any{"superUser": true}, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "user", m, userDtoKeys...)
	if m["superUser"] != true {
		t.Fatalf("user = %v", m)
	}
	// The next token carries the claim.
	login, _ := s.login(t, testUserEmail)
	p, err := s.id.Authenticate(t.Context(), wantString(t, login, "accessToken"))
	if err != nil || !p.Claims.SuperUser {
		t.Fatalf("token after superuser: %+v, %v", p, err)
	}
	m = s.do(t, http.MethodPut, path, map[string]any{"superUser": false}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["superUser"] != false {
		t.Fatalf("user = %v", m)
	}
	s.do(t, http.MethodPut, path, map[string]any{}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, path, map[string]any{"superUser": "yes"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/users/v1/no-such-user/superuser", map[string]any{"superUser": true}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPut, path, map[string]any{"superUser": true}, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPut, path, map[string]any{"superUser": true}).wantError(t, http.StatusUnauthorized)
}

func TestInvisibleRoute(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "other@example.com")
	annID, _ := s.createUser(t, testUserEmail)
	path := "/resources/users/v1/" + annID + "/invisible"

	m := s.do(t, http.MethodPut, path, map[string]any{"invisible": true}, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "user", m, userDtoKeys...)
	if m["invisible"] != true {
		t.Fatalf("user = %v", m)
	}
	u := s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/"+annID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if u["invisible"] != true {
		t.Fatalf("stored user = %v", u)
	}
	s.do(t, http.MethodPut, path, map[string]any{"visible": true}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, "/resources/users/v1/no-such-user/invisible", map[string]any{"invisible": true}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPut, path, map[string]any{"invisible": true}, bearer(userTok)).wantError(t, http.StatusForbidden)
}
