package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
)

const usernamesPath = "/resources/usernames/v1"

func TestUsernameRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	tok, annID, tenantID := s.plainToken(t, testUserEmail)
	bobTok, _ := s.memberToken(t, "bob@example.com", tenantID)

	s.do(t, http.MethodGet, usernamesPath+"/me", nil, bearer(tok)).wantError(t, http.StatusNotFound)
	m := s.do(t, http.MethodPost, usernamesPath, map[string]any{"username": "Ann.Smith"}, bearer(tok)).want(t, http.StatusCreated).object(t)
	if m["username"] != "Ann.Smith" || m["userId"] != annID {
		t.Fatalf("created username = %v", m)
	}
	m = s.do(t, http.MethodGet, usernamesPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).object(t)
	wantKeys(t, "my username", m, "username", "userId")
	if m["username"] != "Ann.Smith" {
		t.Fatalf("my username = %v", m)
	}
	// Sign in by username.
	s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"username": "ann.smith", "password": testPassword}).want(t, http.StatusOK)

	s.do(t, http.MethodPost, usernamesPath, map[string]any{"username": "ANN.SMITH"}, bearer(bobTok)).wantError(t, http.StatusConflict)
	msg, _ := s.do(t, http.MethodPost, usernamesPath, map[string]any{"username": "bob smith!"}, bearer(bobTok)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "username") {
		t.Errorf("message %q does not name username", msg)
	}
	s.do(t, http.MethodPost, usernamesPath, map[string]any{"username": strings.Repeat("x", 256)}, bearer(bobTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, usernamesPath, map[string]any{}, bearer(bobTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, usernamesPath, map[string]any{"username": "bob"}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, usernamesPath, map[string]any{"username": "bob"}, bearer(bobTok)).want(t, http.StatusCreated)
	s.do(t, http.MethodGet, usernamesPath+"/me", nil).wantError(t, http.StatusUnauthorized)

	// Listing: the environment sees all; a user needs fe.secure.read.users.
	m = s.do(t, http.MethodGet, usernamesPath+"?_usernamePrefix=ANN", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	items := pageItems(t, m)
	if len(items) != 1 || items[0]["username"] != "Ann.Smith" || items[0]["userId"] != annID {
		t.Fatalf("usernames by prefix = %v", items)
	}
	m = s.do(t, http.MethodGet, usernamesPath+"?_sortBy=username&_order=DESC&usernames=bob,ann.smith", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if items := pageItems(t, m); len(items) != 2 || items[0]["username"] != "bob" {
		t.Fatalf("usernames by name = %v", items)
	}
	m = s.do(t, http.MethodGet, usernamesPath+"?userIds="+annID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if items := pageItems(t, m); len(items) != 1 {
		t.Fatalf("usernames by user = %v", items)
	}
	s.do(t, http.MethodGet, usernamesPath, nil, bearer(tok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, usernamesPath+"?_order=sideways", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)

	// Delete: another member's username needs fe.secure.write.updateUser;
	// one's own is free; unknown ones are not found.
	s.do(t, http.MethodDelete, usernamesPath+"/bob", nil, bearer(tok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, usernamesPath+"/nobody", nil, bearer(tok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, usernamesPath+"/bob", nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodDelete, usernamesPath+"/ann.smith", nil, bearer(tok)).want(t, http.StatusOK)
	s.do(t, http.MethodGet, usernamesPath+"/me", nil, bearer(tok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, usernamesPath+"/bob", nil, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodGet, usernamesPath+"/me", nil, bearer(bobTok)).wantError(t, http.StatusNotFound)
}
