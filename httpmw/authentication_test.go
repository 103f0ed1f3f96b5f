package httpmw_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

func TestLoginRoute(t *testing.T) {
	s := newTestServer(t)
	userID, tenantID := s.createUser(t, testUserEmail)

	// A stale Authorization header (the browser client still holds an old
	// token) does not get in the way.
	m, r := s.login(t, "ANN@example.com", header("Authorization", staleBearerToken), header("frontegg-source", "login-box"))
	wantKeys(t, "login response", m, "accessToken", "refreshToken", "expiresIn", "expires", "mfaRequired")
	access := wantString(t, m, "accessToken")
	refresh := wantString(t, m, "refreshToken")
	wantString(t, m, "expires")
	if v, ok := m["expiresIn"].(float64); !ok || v != 86400 {
		t.Errorf("expiresIn = %#v, want the number 86400", m["expiresIn"])
	}
	if v, ok := m["mfaRequired"].(bool); !ok || v {
		t.Errorf("mfaRequired = %#v, want false", m["mfaRequired"])
	}
	if m["userId"] != userID || m["userEmail"] != testUserEmail || m["emailVerified"] != true {
		t.Errorf("userId/userEmail/emailVerified = %v %v %v", m["userId"], m["userEmail"], m["emailVerified"])
	}
	p, err := s.id.Authenticate(context.Background(), access)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != userID || p.TenantID != tenantID || p.Claims.Type != "userToken" {
		t.Fatalf("token principal = %+v", p)
	}

	ck := r.cookie(t, testCookieName)
	if ck.Value != refresh || !ck.HttpOnly || ck.Path != "/" || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Fatalf("refresh cookie = %+v; want HttpOnly, Path=/, SameSite=Lax, not Secure on plain HTTP, value = refreshToken", ck)
	}
	if ck.MaxAge != identity.DefaultConfig("").DefaultRefreshTokenExpiration {
		t.Errorf("cookie Max-Age = %d", ck.MaxAge)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}

	// Behind a TLS-terminating proxy the cookie is Secure.
	_, r = s.login(t, testUserEmail, header("X-Forwarded-Proto", "https"))
	if ck := r.cookie(t, testCookieName); !ck.Secure {
		t.Fatal("cookie not Secure with X-Forwarded-Proto: https")
	}
}

func TestLoginRouteRefusals(t *testing.T) {
	s := newTestServer(t)
	s.createUser(t, testUserEmail)

	wrong := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail, "password": "wrong password"})
	wrongMsg, wrongCode := wrong.wantError(t, http.StatusUnauthorized)
	unknown := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": "nobody@example.com", "password": "wrong password"})
	unknownMsg, unknownCode := unknown.wantError(t, http.StatusUnauthorized)
	if wrongMsg != unknownMsg || wrongCode != unknownCode {
		t.Errorf("unknown user (%s %q) answered differently from a wrong password (%s %q)", unknownCode, unknownMsg, wrongCode, wrongMsg)
	}
	if wrong.hasCookie(testCookieName) {
		t.Error("a failed login set the refresh cookie")
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/auth/v1/user", `{"email": "a@example.com", "password": 12345678}`).wantError(t, http.StatusBadRequest)
}

func TestCookieSameSiteFromConfig(t *testing.T) {
	s := newTestServer(t)
	s.createUser(t, testUserEmail)
	vt := s.vendorToken(t)

	s.do(t, http.MethodPost, "/resources/configurations/v1", map[string]any{"cookieSameSite": "STRICT"}, accessToken(vt)).want(t, http.StatusCreated)
	_, r := s.login(t, testUserEmail)
	if ck := r.cookie(t, testCookieName); ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("SameSite = %v, want Strict", ck.SameSite)
	}

	s.do(t, http.MethodPost, "/resources/configurations/v1", map[string]any{"cookieSameSite": "NONE"}, accessToken(vt)).want(t, http.StatusCreated)
	_, r = s.login(t, testUserEmail, header("X-Forwarded-Proto", "https"))
	if ck := r.cookie(t, testCookieName); ck.SameSite != http.SameSiteNoneMode || !ck.Secure {
		t.Fatalf("over TLS: SameSite = %v Secure = %v, want None and Secure", ck.SameSite, ck.Secure)
	}
	// Browsers drop SameSite=None without Secure: plain HTTP falls back to Lax.
	_, r = s.login(t, testUserEmail)
	if ck := r.cookie(t, testCookieName); ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("plain HTTP: SameSite = %v, want Lax", ck.SameSite)
	}
}

// TestRefreshRouteBrowserClient replays what @frontegg/rest-api sends:
// body {"tenantId": null}, the refresh token only in the cookie, and the
// previous access token in Authorization.
func TestRefreshRouteBrowserClient(t *testing.T) {
	s := newTestServer(t)
	s.createUser(t, testUserEmail)
	m, r := s.login(t, testUserEmail)
	old := r.cookie(t, testCookieName)
	access := wantString(t, m, "accessToken")

	s.clock.Advance(time.Minute)
	r = s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": null}`, cookie(old), bearer(access)).want(t, http.StatusCreated)
	m = r.object(t)
	wantKeys(t, "refresh response", m, "accessToken", "refreshToken", "expiresIn", "expires", "mfaRequired")
	next := r.cookie(t, testCookieName)
	if next.Value == old.Value || m["refreshToken"] != next.Value {
		t.Fatalf("refresh cookie %q (old %q), JSON refreshToken %v; want a new token in both", next.Value, old.Value, m["refreshToken"])
	}
	if wantString(t, m, "accessToken") == access {
		t.Fatal("same access token after refresh")
	}

	// Re-sending the rotated token is refused and revokes the session; a
	// garbage Authorization header does not change that answer.
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": null}`, cookie(old), header("Authorization", staleBearerToken)).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": null}`, cookie(next)).wantError(t, http.StatusUnauthorized)
}

func TestRefreshRouteBodyToken(t *testing.T) {
	s := newTestServer(t)
	_, tenantID := s.createUser(t, testUserEmail)
	m, _ := s.login(t, testUserEmail)
	refresh := wantString(t, m, "refreshToken")

	// A non-browser client sends the token in the body.
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": refresh, "tenantId": tenantID}).want(t, http.StatusCreated)
	next := wantString(t, r.object(t), "refreshToken")

	// Switching to a tenant the user does not belong to is forbidden.
	other, err := s.id.CreateTenant(context.Background(), identity.CreateTenantInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": next, "tenantId": other.ID}).wantError(t, http.StatusForbidden)

	// No token at all.
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": null}`).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": 5}`).wantError(t, http.StatusBadRequest)
}

// TestLogoutRoute replays the browser client's logout: an empty body with a
// JSON content type, the cookie, and a Bearer token.
func TestLogoutRoute(t *testing.T) {
	s := newTestServer(t)
	s.createUser(t, testUserEmail)
	m, r := s.login(t, testUserEmail)
	ck := r.cookie(t, testCookieName)

	r = s.do(t, http.MethodPost, "/resources/auth/v1/logout", nil, cookie(ck), bearer(wantString(t, m, "accessToken"))).want(t, http.StatusCreated)
	cleared := r.cookie(t, testCookieName)
	if cleared.MaxAge >= 0 || cleared.Value != "" || cleared.Path != "/" || !cleared.HttpOnly {
		t.Fatalf("logout cookie = %+v; want it cleared", cleared)
	}
	// The session is over: the last refresh token is refused.
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", `{"tenantId": null}`, cookie(ck)).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": ck.Value}).wantError(t, http.StatusUnauthorized)

	// Logging out without a session, with a stale header, is fine.
	s.do(t, http.MethodPost, "/resources/auth/v1/logout", "", header("Authorization", staleBearerToken)).want(t, http.StatusCreated)
	// A token in the body (non-browser client) works too.
	m, _ = s.login(t, testUserEmail)
	refresh := wantString(t, m, "refreshToken")
	s.do(t, http.MethodPost, "/resources/auth/v1/logout", map[string]string{"refreshToken": refresh}).want(t, http.StatusCreated)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": refresh}).wantError(t, http.StatusUnauthorized)

	s.do(t, http.MethodPost, "/resources/auth/v1/logout", "{nope").wantError(t, http.StatusBadRequest)
}

func TestSignUpRoute(t *testing.T) {
	s := newTestServer(t)
	body := map[string]any{"email": "new@example.com", "password": testPassword, "name": "New", "companyName": "NewCo", "phoneNumber": "", "metadata": "", "roleIds": []string{}}
	r := s.do(t, http.MethodPost, "/resources/users/v1/signUp", body, header("Authorization", staleBearerToken)).want(t, http.StatusCreated)
	m := r.object(t)
	if m["shouldActivate"] != true || m["authResponse"] != nil {
		t.Fatalf("sign-up = %v; want shouldActivate true without authResponse", m)
	}
	userID, tenantID := wantString(t, m, "userId"), wantString(t, m, "tenantId")
	if r.hasCookie(testCookieName) {
		t.Fatal("cookie set although the account must be activated")
	}

	// Activation from the e-mailed link.
	msgs := s.outbox.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails, want 1", len(msgs))
	}
	link, err := url.Parse(regexp.MustCompile(`https?://\S+`).FindString(msgs[0].Body))
	if err != nil {
		t.Fatal(err)
	}
	token := link.Query().Get("token")
	if link.Query().Get("userId") != userID || token == "" {
		t.Fatalf("activation link %s", link)
	}
	q := url.Values{"userId": {userID}, "token": {token}}.Encode()
	sm := s.do(t, http.MethodGet, "/resources/users/v1/activate/strategy?"+q, nil).want(t, http.StatusOK).object(t)
	if v, ok := sm["shouldSetPassword"].(bool); !ok || v {
		t.Fatalf("strategy = %v, want shouldSetPassword false", sm)
	}
	s.do(t, http.MethodGet, "/resources/users/v1/activate/strategy?userId="+userID+"&token=wrong", nil).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/users/v1/activate/strategy", nil).wantError(t, http.StatusBadRequest)

	r = s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"userId": userID, "token": token}).want(t, http.StatusOK)
	am := r.object(t)
	wantKeys(t, "activate response", am, "accessToken", "refreshToken", "expiresIn", "expires", "mfaRequired")
	if r.cookie(t, testCookieName).Value != am["refreshToken"] {
		t.Fatal("activation cookie differs from refreshToken")
	}
	p, err := s.id.Authenticate(context.Background(), wantString(t, am, "accessToken"))
	if err != nil || p.UserID != userID || p.TenantID != tenantID {
		t.Fatalf("activated principal = %+v, %v", p, err)
	}
	// Single use.
	s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"userId": userID, "token": token}).wantError(t, http.StatusBadRequest)

	// Duplicate e-mail, in another case: 409 and no new tenant.
	n := s.tenantCount(t)
	body["email"] = "NEW@example.com"
	s.do(t, http.MethodPost, "/resources/users/v1/signUp", body).wantError(t, http.StatusConflict)
	if s.tenantCount(t) != n {
		t.Fatal("a refused sign-up created a tenant")
	}
}

func TestSignUpRouteLogsIn(t *testing.T) {
	s := newTestServer(t)
	s.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	// Exactly what @frontegg/rest-api's signUpUser sends (no provider).
	r := s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]any{"email": "new@example.com", "password": testPassword, "name": "New", "companyName": "NewCo"}).want(t, http.StatusCreated)
	m := r.object(t)
	auth, ok := m["authResponse"].(map[string]any)
	if m["shouldActivate"] != false || !ok {
		t.Fatalf("sign-up = %v; want shouldActivate false with authResponse", m)
	}
	wantKeys(t, "authResponse", auth, "accessToken", "refreshToken", "expiresIn", "expires", "mfaRequired")
	if r.cookie(t, testCookieName).Value != auth["refreshToken"] {
		t.Fatal("sign-up cookie differs from authResponse.refreshToken")
	}
	p, err := s.id.Authenticate(context.Background(), wantString(t, auth, "accessToken"))
	if err != nil || p.UserID != m["userId"] || p.TenantID != m["tenantId"] || p.Claims.Type != "userToken" {
		t.Fatalf("sign-up token principal = %+v, %v", p, err)
	}
}

func TestSignUpRouteRefusals(t *testing.T) {
	s := newTestServer(t)
	for name, body := range map[string]string{
		"missing companyName": `{"email":"a@example.com","password":"correct horse battery"}`,
		"missing email":       `{"password":"correct horse battery","companyName":"C"}`,
		"invalid email":       `{"email":"nope","password":"correct horse battery","companyName":"C"}`,
		"short password":      `{"email":"a@example.com","password":"123","companyName":"C"}`,
		"bad metadata":        `{"email":"a@example.com","password":"correct horse battery","companyName":"C","metadata":"{x"}`,
		"wrong type":          `{"email":"a@example.com","password":"correct horse battery","companyName":["C"]}`,
		"malformed":           `{"email":"a@example.com",`,
	} {
		t.Run(name, func(t *testing.T) {
			s.do(t, http.MethodPost, "/resources/users/v1/signUp", body).wantError(t, http.StatusBadRequest)
		})
	}
	if n := s.tenantCount(t); n != 0 {
		t.Fatalf("%d tenants after refused sign-ups", n)
	}
	if n := len(s.outbox.Messages()); n != 0 {
		t.Fatalf("%d e-mails after refused sign-ups", n)
	}
	s.setConfig(t, identity.VendorConfigUpdate{AllowSignups: ptr(false)})
	_, code := s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]any{"email": "a@example.com", "password": testPassword, "companyName": "C"}).wantError(t, http.StatusForbidden)
	if code != identity.CodeSignupsDisabled {
		t.Errorf("errorCode = %s", code)
	}
}

func TestSignUpUsernameRoute(t *testing.T) {
	s := newTestServer(t)
	s.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	m := s.do(t, http.MethodPost, "/resources/users/v1/signUp/username", map[string]any{"username": "ann_1", "password": testPassword, "companyName": "AnnCo", "email": ""}).want(t, http.StatusCreated).object(t)
	auth, ok := m["authResponse"].(map[string]any)
	if !ok || m["shouldActivate"] != false {
		t.Fatalf("username sign-up = %v", m)
	}
	wantString(t, auth, "accessToken")
	lm := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"username": "ann_1", "password": testPassword}).want(t, http.StatusOK).object(t)
	wantString(t, lm, "accessToken")

	s.do(t, http.MethodPost, "/resources/users/v1/signUp/username", map[string]any{"password": testPassword, "companyName": "X"}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/signUp/username", map[string]any{"username": "ANN_1", "password": testPassword, "companyName": "X"}).wantError(t, http.StatusConflict)
}

func TestActivateRouteRefusals(t *testing.T) {
	s := newTestServer(t)
	s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"userId": "x", "token": "y"}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"token": "y"}).wantError(t, http.StatusBadRequest)
	msg, _ := s.do(t, http.MethodPost, "/resources/users/v1/activate", `{"userId": true}`).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "userId") {
		t.Errorf("wrong-type message %q does not name the field", msg)
	}
}
