package httpmw_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// userCreatedKeys are the fields of the spec's UserCreatedResponse.
var userCreatedKeys = []string{"id", "email", "verified", "name", "profilePictureUrl", "roles", "permissions", "metadata", "createdAt", "lastLogin", "activatedForTenant"}

func TestInviteUserRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, tenantID := s.createUser(t, testUserEmail)
	for _, path := range []string{"/resources/users/v2", "/resources/users/v1"} {
		email := "bob" + strings.ReplaceAll(path, "/", "") + "@example.com"
		m := s.do(t, http.MethodPost, path, map[string]any{"email": email, "name": "Bob", "metadata": "{}", "provider": "local"},
			vendorIn(vt, tenantID, "")...).want(t, http.StatusCreated).object(t)
		wantKeys(t, path, m, userCreatedKeys...)
		if m["email"] != email || m["verified"] != false || m["tenantId"] != tenantID {
			t.Fatalf("%s answered %v", path, m)
		}
		if ml := s.lastMail(t, email); ml.path != "/account/invitation" || ml.userID != m["id"] || ml.code == "" {
			t.Fatalf("%s invitation e-mail %+v", path, ml)
		}

		userTok, _ := s.readOnlyToken(t, "u"+email)
		msg, _ := s.do(t, http.MethodPost, path, map[string]any{"email": "x@example.com"}, bearer(userTok)).wantError(t, http.StatusForbidden)
		if !strings.Contains(msg, identity.PermWriteUsers) {
			t.Errorf("403 message %q does not name the permission", msg)
		}
		s.do(t, http.MethodPost, path, map[string]any{"email": "x@example.com"}).wantError(t, http.StatusUnauthorized)
		msg, _ = s.do(t, http.MethodPost, path, map[string]any{"email": "x@example.com"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "frontegg-tenant-id") {
			t.Errorf("message %q does not name the header", msg)
		}
		msg, _ = s.do(t, http.MethodPost, path, map[string]any{"email": "not-an-email"}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "email") {
			t.Errorf("message %q does not name email", msg)
		}
		s.do(t, http.MethodPost, path, map[string]any{"email": "y@example.com", "expirationInSeconds": "soon"}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"email": "y@example.com"}, vendorIn(vt, "no-such-tenant", "")...).wantError(t, http.StatusNotFound)
		// An existing member who accepted long ago: conflict.
		s.do(t, http.MethodPost, path, map[string]any{"email": testUserEmail}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusConflict)
	}
}

func TestAcceptInvitationRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, tenantID := s.createUser(t, testUserEmail)
	userID, ml := s.inviteHTTP(t, vt, tenantID, map[string]any{"email": "bob@example.com", "password": testPassword})

	r := s.do(t, http.MethodPost, "/resources/users/v1/invitation/accept", map[string]string{"userId": userID, "token": ml.token})
	m := r.want(t, http.StatusOK).object(t)
	wantString(t, m, "accessToken")
	if m["userId"] != userID {
		t.Fatalf("accept answered %v", m)
	}
	if c := r.cookie(t, testCookieName); !c.HttpOnly || c.Value != m["refreshToken"] {
		t.Fatalf("refresh cookie %+v", c)
	}
	s.login(t, "bob@example.com")
	msg, code := s.do(t, http.MethodPost, "/resources/users/v1/invitation/accept", map[string]string{"userId": userID, "token": ml.token}).wantError(t, http.StatusBadRequest)
	if code != identity.CodeInvalidActivation || !strings.Contains(msg, "token") {
		t.Fatalf("reuse: %s %s", code, msg)
	}
	s.do(t, http.MethodPost, "/resources/users/v1/invitation/accept", map[string]string{"token": ml.token}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/invitation/accept", `{"userId": 1}`).wantError(t, http.StatusBadRequest)
}

func TestAcceptInvitationWithCodeRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, tenantID := s.createUser(t, testUserEmail)
	userID, ml := s.inviteHTTP(t, vt, tenantID, map[string]any{"email": "bob@example.com"})
	path := "/resources/users/v1/invitation/accept/code"
	wrong := "000000"
	if ml.code == wrong {
		wrong = "111111"
	}
	msg, _ := s.do(t, http.MethodPost, path, map[string]string{"userId": userID, "token": ml.token, "code": wrong}).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "code") {
		t.Errorf("message %q does not name the code", msg)
	}
	s.do(t, http.MethodPost, path, map[string]string{"userId": userID, "token": ml.token}).wantError(t, http.StatusBadRequest)
	r := s.do(t, http.MethodPost, path, map[string]string{"userId": userID, "token": ml.token, "code": ml.code})
	wantString(t, r.want(t, http.StatusOK).object(t), "accessToken")
	r.cookie(t, testCookieName)
}

func TestResetInvitationRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, tenantID := s.createUser(t, testUserEmail)
	userID, first := s.inviteHTTP(t, vt, tenantID, map[string]any{"email": "bob@example.com"})

	m := s.do(t, http.MethodPost, "/resources/users/v1/invitation/reset", map[string]string{"email": "bob@example.com"}, vendorIn(vt, tenantID, "")...).want(t, http.StatusOK).object(t)
	tok := wantString(t, m, "token")
	if m["userId"] != userID || m["tenantId"] != tenantID || !strings.Contains(wantString(t, m, "link"), tok) || tok == first.token {
		t.Fatalf("reset answered %v", m)
	}
	if s.lastMail(t, "bob@example.com").token != tok {
		t.Fatal("the reset invitation was not e-mailed")
	}
	a := s.do(t, http.MethodPost, "/resources/users/v1/invitation/reset/all", map[string]string{"email": "bob@example.com"}, vendorIn(vt, tenantID, "")...).want(t, http.StatusOK).array(t)
	if len(a) != 1 || a[0]["tenantId"] != tenantID || a[0]["token"] == tok {
		t.Fatalf("reset/all answered %v", a)
	}

	userTok, _ := s.readOnlyToken(t, "user@example.com")
	for _, path := range []string{"/resources/users/v1/invitation/reset", "/resources/users/v1/invitation/reset/all"} {
		s.do(t, http.MethodPost, path, map[string]string{"email": "bob@example.com"}, bearer(userTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]string{"email": "nobody@example.com"}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, path, map[string]string{"email": "bad"}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]string{"email": "bob@example.com"}).wantError(t, http.StatusUnauthorized)
	}
}

func TestBulkInviteRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, tenantID := s.createUser(t, testUserEmail)
	body := map[string]any{"users": []map[string]any{
		{"email": "one@example.com", "name": "One"},
		{"email": "two@example.com", "verified": true, "skipInviteEmail": true},
		{"email": "broken"},
	}}
	m := s.do(t, http.MethodPost, "/resources/users/bulk/v1/invite", body, vendorIn(vt, tenantID, "")...).want(t, http.StatusAccepted).object(t)
	id := wantString(t, m, "id")
	if m["status"] != identity.TaskCompleted || m["total"] != float64(3) || m["succeeded"] != float64(2) || m["failed"] != float64(1) {
		t.Fatalf("bulk invite answered %v", m)
	}
	st := s.do(t, http.MethodGet, "/resources/users/bulk/v1/status/"+id, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	results, _ := st["results"].([]any)
	if st["id"] != id || len(results) != 3 {
		t.Fatalf("status answered %v", st)
	}
	if r := results[2].(map[string]any); r["status"] != identity.BulkItemFailed || r["error"] == "" {
		t.Fatalf("failed item %v", r)
	}
	s.lastMail(t, "one@example.com")

	s.do(t, http.MethodGet, "/resources/users/bulk/v1/status/missing", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/users/bulk/v1/invite", body, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/bulk/v1/invite", map[string]any{"users": []any{}}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusBadRequest)
	userTok, _, _ := s.userToken(t, "user@example.com")
	s.do(t, http.MethodPost, "/resources/users/bulk/v1/invite", body, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/users/bulk/v1/status/"+id, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
}
