package httpmw_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// signUpHTTP signs email up over HTTP (activation required) and returns
// the user id and the activation e-mail.
func (s *testServer) signUpHTTP(t testing.TB, email string) (string, mail) {
	t.Helper()
	m := s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]string{"email": email, "password": testPassword, "companyName": "Co"}).want(t, http.StatusCreated).object(t)
	return wantString(t, m, "userId"), s.lastMail(t, email)
}

func TestActivateWithCodeRoute(t *testing.T) {
	s := newTestServer(t)
	userID, ml := s.signUpHTTP(t, "ann@example.com")
	if ml.code == "" || ml.path != "/account/activate" {
		t.Fatalf("activation e-mail %+v", ml)
	}
	path := "/resources/users/v1/activate/code"
	wrong := "000000"
	if ml.code == wrong {
		wrong = "111111"
	}
	msg, _ := s.do(t, http.MethodPost, path, map[string]string{"userId": userID, "token": ml.token, "code": wrong}).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "code") {
		t.Errorf("message %q does not name the code", msg)
	}
	s.do(t, http.MethodPost, path, map[string]string{"userId": userID, "token": "bogus", "code": ml.code}).wantError(t, http.StatusBadRequest)
	r := s.do(t, http.MethodPost, path, map[string]string{"userId": userID, "token": ml.token, "code": ml.code})
	m := r.want(t, http.StatusOK).object(t)
	wantString(t, m, "accessToken")
	r.cookie(t, testCookieName)
	s.login(t, "ann@example.com")
}

func TestActivationCodeAttemptLimitRoute(t *testing.T) {
	s := newTestServer(t)
	userID, ml := s.signUpHTTP(t, "ann@example.com")
	wrong := "000000"
	if ml.code == wrong {
		wrong = "111111"
	}
	body := map[string]string{"userId": userID, "token": ml.token, "code": wrong}
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		s.do(t, http.MethodPost, "/resources/users/v1/activate/code", body).wantError(t, http.StatusBadRequest)
	}
	s.do(t, http.MethodPost, "/resources/users/v1/activate/code", body).wantError(t, http.StatusTooManyRequests)
	body["code"] = ml.code
	s.do(t, http.MethodPost, "/resources/users/v1/activate/code", body).wantError(t, http.StatusBadRequest)
}

func TestResendActivationRoute(t *testing.T) {
	s := newTestServer(t)
	userID, first := s.signUpHTTP(t, "ann@example.com")
	path := "/resources/users/v1/activate/reset"
	known := s.do(t, http.MethodPost, path, map[string]any{"email": "ann@example.com", "emailMetadata": map[string]any{}}).want(t, http.StatusCreated)
	unknown := s.do(t, http.MethodPost, path, map[string]any{"email": "nobody@example.com", "emailMetadata": map[string]any{}}).want(t, http.StatusCreated)
	if string(known.body) != string(unknown.body) {
		t.Fatalf("known %s and unknown %s e-mails answered differently", known.body, unknown.body)
	}
	second := s.lastMail(t, "ann@example.com")
	if second.token == first.token || second.userID != userID {
		t.Fatalf("resent e-mail %+v", second)
	}
	s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"userId": userID, "token": first.token}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]any{"email": "not an e-mail"}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, `{"email": 5}`).wantError(t, http.StatusBadRequest)
}

func TestGenerateLinkRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.signUpHTTP(t, "ann@example.com")
	verifiedID, _ := s.createUser(t, "verified@example.com")
	userTok, _, _ := s.userToken(t, "user@example.com")

	m := s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/links/generate-activation-token", nil, accessToken(vt)).want(t, http.StatusCreated).object(t)
	tok := wantString(t, m, "token")
	if m["userId"] != userID || !strings.Contains(wantString(t, m, "link"), "/account/activate?") {
		t.Fatalf("activation link %v", m)
	}
	s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"userId": userID, "token": tok}).want(t, http.StatusOK)
	s.do(t, http.MethodPost, "/resources/users/v1/"+verifiedID+"/links/generate-activation-token", nil, accessToken(vt)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, "/resources/users/v1/missing/links/generate-activation-token", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/links/generate-activation-token", nil, bearer(userTok)).wantError(t, http.StatusForbidden)

	m = s.do(t, http.MethodPost, "/resources/users/v1/"+verifiedID+"/links/generate-password-reset-token", nil, accessToken(vt)).want(t, http.StatusCreated).object(t)
	if m["userId"] != verifiedID || !strings.Contains(wantString(t, m, "link"), wantString(t, m, "token")) {
		t.Fatalf("reset link %v", m)
	}
	s.do(t, http.MethodPost, "/resources/users/v1/missing/links/generate-password-reset-token", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/users/v1/"+verifiedID+"/links/generate-password-reset-token", nil).wantError(t, http.StatusUnauthorized)
}
