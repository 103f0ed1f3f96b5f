package httpmw_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/captcha"
	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
)

const captchaPassToken = "captcha-pass"

// newCaptchaServer is newTestServer with a static CAPTCHA verifier that
// accepts captchaPassToken with score 0.9.
func newCaptchaServer(t *testing.T) *testServer {
	t.Helper()
	s := newTestServer(t)
	id, err := identity.New(s.st,
		identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		identity.WithSigningKeyBits(1024),
		identity.WithClock(s.clock.Now),
		identity.WithMailer(s.outbox),
		identity.WithLogger(slog.New(slog.DiscardHandler)),
		identity.WithCaptchaVerifier(captcha.NewStaticVerifier(captchaPassToken, 0.9)),
	)
	if err != nil {
		t.Fatal(err)
	}
	s.id, s.h = id, httpmw.New(id)
	return s
}

var captchaPolicyKeys = []string{"id", "siteKey", "secretKey", "enabled", "minScore", "ignoredEmails", "createdAt", "updatedAt"}

func captchaBody(enabled bool, minScore float64) map[string]any {
	return map[string]any{"enabled": enabled, "siteKey": "site-key", "secretKey": "secret-key", "minScore": minScore, "ignoredEmails": []string{"VIP@example.com"}}
}

func TestCaptchaPolicyRoutes(t *testing.T) {
	s := newCaptchaServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "someone@example.com")
	const path = "/resources/configurations/v1/captcha-policy"

	s.do(t, http.MethodGet, path, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPut, path, captchaBody(true, 0.5), accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, path+"/public", nil).wantError(t, http.StatusNotFound)
	for field, body := range map[string]map[string]any{
		"minScore": func() map[string]any { b := captchaBody(true, 2); return b }(),
		"enabled":  func() map[string]any { b := captchaBody(true, 0.5); delete(b, "enabled"); return b }(),
		"siteKey":  func() map[string]any { b := captchaBody(true, 0.5); b["siteKey"] = ""; return b }(),
		"ignoredEmails[0]": func() map[string]any {
			b := captchaBody(true, 0.5)
			b["ignoredEmails"] = []string{"nope"}
			return b
		}(),
	} {
		msg, _ := s.do(t, http.MethodPost, path, body, accessToken(vt)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, field) {
			t.Errorf("message %q does not name %s", msg, field)
		}
	}
	msg, _ := s.do(t, http.MethodPost, path, `{"enabled": true, "siteKey": "k", "secretKey": "s", "minScore": "high"}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "minScore") {
		t.Errorf("message %q does not name minScore", msg)
	}
	s.vendorRefusals(t, userTok, http.MethodPost, path, captchaBody(true, 0.5))

	m := s.do(t, http.MethodPost, path, captchaBody(false, 0.5), accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "captcha policy", m, captchaPolicyKeys...)
	if m["enabled"] != false || m["secretKey"] != "secret-key" || m["minScore"] != 0.5 || m["ignoredEmails"].([]any)[0] != "vip@example.com" {
		t.Fatalf("created policy = %v", m)
	}
	s.do(t, http.MethodPost, path, captchaBody(true, 0.5), accessToken(vt)).wantError(t, http.StatusConflict)

	up := s.do(t, http.MethodPut, path, captchaBody(true, 0.6), bearer(vt)).want(t, http.StatusOK).object(t)
	if up["id"] != m["id"] || up["enabled"] != true || up["minScore"] != 0.6 {
		t.Fatalf("updated policy = %v", up)
	}
	s.do(t, http.MethodPut, path, captchaBody(true, -1), accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.vendorRefusals(t, userTok, http.MethodPut, path, captchaBody(false, 0.6))

	got := s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "captcha policy", got, captchaPolicyKeys...)
	if got["minScore"] != 0.6 || got["enabled"] != true {
		t.Fatalf("GET policy = %v (the refused PUTs changed it?)", got)
	}
	s.vendorRefusals(t, userTok, http.MethodGet, path, nil)

	// The login box reads the public view without a token: no secret.
	r := s.do(t, http.MethodGet, path+"/public", nil).want(t, http.StatusOK)
	pub := r.object(t)
	if pub["siteKey"] != "site-key" || pub["enabled"] != true || strings.Contains(string(r.body), "secret") {
		t.Fatalf("public policy = %s", r.body)
	}
}

// TestCaptchaEnforcedOverHTTP: with the policy enabled, login and sign-up
// need a recaptchaToken the verifier accepts.
func TestCaptchaEnforcedOverHTTP(t *testing.T) {
	s := newCaptchaServer(t)
	vt := s.vendorToken(t)
	s.createUser(t, testUserEmail)
	s.do(t, http.MethodPost, "/resources/configurations/v1/captcha-policy", captchaBody(true, 0.5), accessToken(vt)).want(t, http.StatusCreated)

	const login = "/resources/auth/v1/user"
	msg, code := s.do(t, http.MethodPost, login, map[string]string{"email": testUserEmail, "password": testPassword}).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "recaptchaToken") || code != identity.CodeCaptchaFailed {
		t.Errorf("missing token: %q %s", msg, code)
	}
	_, code = s.do(t, http.MethodPost, login, map[string]string{"email": testUserEmail, "password": testPassword, "recaptchaToken": "forged"}).wantError(t, http.StatusUnauthorized)
	if code != identity.CodeCaptchaFailed {
		t.Errorf("forged token: code %s", code)
	}
	m := s.do(t, http.MethodPost, login, map[string]string{"email": testUserEmail, "password": testPassword, "recaptchaToken": captchaPassToken}).want(t, http.StatusOK).object(t)
	wantString(t, m, "accessToken")

	before := s.tenantCount(t)
	signUp := map[string]any{"email": "new@example.com", "password": testPassword, "companyName": "New Co"}
	s.do(t, http.MethodPost, "/resources/users/v1/signUp", signUp).wantError(t, http.StatusBadRequest)
	if s.tenantCount(t) != before {
		t.Fatal("a refused sign-up created a tenant")
	}
	signUp["recaptchaToken"] = captchaPassToken
	s.do(t, http.MethodPost, "/resources/users/v1/signUp", signUp).want(t, http.StatusCreated)
	s.do(t, http.MethodPost, "/resources/users/v1/activate", map[string]string{"userId": "u", "token": "t"}).wantError(t, http.StatusBadRequest)
}
