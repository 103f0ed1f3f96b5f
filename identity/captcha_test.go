package identity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/captcha"
	"github.com/yolkauth/yolk/identity"
)

const (
	captchaSecret = "captcha-secret-key-123"
	captchaPass   = "token-that-passes"
)

func captchaPolicy(enabled bool, minScore float64, ignored ...string) identity.CaptchaPolicyInput {
	return identity.CaptchaPolicyInput{Enabled: ptr(enabled), SiteKey: ptr("site-key"), SecretKey: ptr(captchaSecret), MinScore: ptr(minScore), IgnoredEmails: ignored}
}

func TestCaptchaPolicyCRUD(t *testing.T) {
	ctx := context.Background()
	var logs bytes.Buffer
	e := newTestEnv(t, identity.WithCaptchaVerifier(captcha.NewStaticVerifier(captchaPass, 1)), identity.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := e.id.GetCaptchaPolicy(ctx)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetPublicCaptchaPolicy(ctx)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UpdateCaptchaPolicy(ctx, captchaPolicy(true, 0.5))
	wantErr(t, err, identity.ErrNotFound)

	for _, c := range []struct {
		change func(*identity.CaptchaPolicyInput)
		field  string
	}{
		{func(in *identity.CaptchaPolicyInput) { in.Enabled = nil }, "enabled"},
		{func(in *identity.CaptchaPolicyInput) { in.MinScore = nil }, "minScore"},
		{func(in *identity.CaptchaPolicyInput) { in.MinScore = ptr(1.5) }, "minScore"},
		{func(in *identity.CaptchaPolicyInput) { in.MinScore = ptr(-0.1) }, "minScore"},
		{func(in *identity.CaptchaPolicyInput) { in.SiteKey = nil }, "siteKey"},
		{func(in *identity.CaptchaPolicyInput) { in.SecretKey = ptr("") }, "secretKey"},
		{func(in *identity.CaptchaPolicyInput) { in.IgnoredEmails = []string{"ok@example.com", "not-an-email"} }, "ignoredEmails[1]"},
	} {
		in := captchaPolicy(true, 0.5)
		c.change(&in)
		_, err := e.id.CreateCaptchaPolicy(ctx, in)
		wantField(t, err, c.field)
	}
	_, err = e.id.GetCaptchaPolicy(ctx)
	wantErr(t, err, identity.ErrNotFound)

	p, err := e.id.CreateCaptchaPolicy(ctx, captchaPolicy(true, 0.5, "VIP@Example.com", "vip@example.com", "ops@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || !p.Enabled || p.SiteKey != "site-key" || p.SecretKey != captchaSecret || p.MinScore != 0.5 ||
		!reflect.DeepEqual(p.IgnoredEmails, []string{"vip@example.com", "ops@example.com"}) || !p.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("created policy = %+v", p)
	}
	_, err = e.id.CreateCaptchaPolicy(ctx, captchaPolicy(false, 0))
	wantErr(t, err, identity.ErrConflict)

	// Update replaces the policy; without secretKey the stored one stays.
	in := captchaPolicy(true, 0.7)
	in.SecretKey, in.SiteKey = nil, ptr("site-key-2")
	up, err := e.id.UpdateCaptchaPolicy(ctx, in)
	if err != nil || up.ID != p.ID || up.SecretKey != captchaSecret || up.SiteKey != "site-key-2" || up.MinScore != 0.7 || len(up.IgnoredEmails) != 0 {
		t.Fatalf("UpdateCaptchaPolicy = %+v, %v", up, err)
	}
	_, err = e.id.UpdateCaptchaPolicy(ctx, identity.CaptchaPolicyInput{Enabled: ptr(true)})
	wantField(t, err, "minScore")
	got, err := e.id.GetCaptchaPolicy(ctx)
	if err != nil || !reflect.DeepEqual(got, up) {
		t.Fatalf("GetCaptchaPolicy = %+v, %v; want %+v", got, err, up)
	}

	// The public view is for the login box: no secret.
	pub, err := e.id.GetPublicCaptchaPolicy(ctx)
	if err != nil || pub.ID != p.ID || pub.SiteKey != "site-key-2" || !pub.Enabled {
		t.Fatalf("GetPublicCaptchaPolicy = %+v, %v", pub, err)
	}
	b, _ := json.Marshal(pub)
	if strings.Contains(string(b), captchaSecret) || strings.Contains(string(b), "secretKey") {
		t.Fatalf("public policy reveals the secret: %s", b)
	}
	// A failed verification is logged nowhere with the secret.
	e.user(t, "lou@example.com")
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "lou@example.com", Password: testPassword, RecaptchaToken: "bad"}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	if strings.Contains(logs.String(), captchaSecret) {
		t.Fatalf("logs hold the captcha secret:\n%s", logs.String())
	}
}

// TestCaptchaPolicyNeedsVerifier: without a CaptchaVerifier the policy cannot
// be enabled, and a policy enabled elsewhere fails closed.
func TestCaptchaPolicyNeedsVerifier(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	_, err := e.id.CreateCaptchaPolicy(ctx, captchaPolicy(true, 0.5))
	wantField(t, err, "enabled")
	if _, err := e.id.CreateCaptchaPolicy(ctx, identity.CaptchaPolicyInput{Enabled: ptr(false), MinScore: ptr(0.0)}); err != nil {
		t.Fatalf("a disabled policy without keys: %v", err)
	}
	e.user(t, "nia@example.com")
	e.login(t, "nia@example.com") // disabled: no token needed

	withVerifier := e.newIdentity(t, identity.WithCaptchaVerifier(captcha.NewStaticVerifier(captchaPass, 1)))
	if _, err := withVerifier.UpdateCaptchaPolicy(ctx, captchaPolicy(true, 0.5)); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "nia@example.com", Password: testPassword, RecaptchaToken: captchaPass}, identity.ClientInfo{})
	var ie *identity.Error
	if err == nil || errors.As(err, &ie) {
		t.Fatalf("login on an Identity without a verifier = %v; want a server fault", err)
	}
}

func TestCaptchaEnforced(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, identity.WithCaptchaVerifier(captcha.NewStaticVerifier(captchaPass, 0.8)))
	ann := e.user(t, "ann@example.com")
	e.user(t, "vip@example.com")
	if _, err := e.id.CreateCaptchaPolicy(ctx, captchaPolicy(true, 0.5, "vip@example.com")); err != nil {
		t.Fatal(err)
	}
	login := func(email, token string) error {
		_, err := e.id.Login(ctx, identity.LoginInput{Email: email, Password: testPassword, RecaptchaToken: token}, identity.ClientInfo{IP: "198.51.100.1"})
		return err
	}
	err := login("ann@example.com", "")
	wantField(t, err, "recaptchaToken")
	wantCode(t, err, identity.CodeCaptchaFailed)
	err = login("ann@example.com", "forged")
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeCaptchaFailed)
	// The captcha is checked before the password: a wrong password with no
	// token is refused for the token.
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "ann@example.com", Password: "wrong password"}, identity.ClientInfo{})
	wantField(t, err, "recaptchaToken")
	_, err = e.id.Login(ctx, identity.LoginInput{Username: "ann", Password: testPassword}, identity.ClientInfo{})
	wantField(t, err, "recaptchaToken")
	if u, _ := e.st.GetUser(ctx, e.id.EnvironmentID(), ann.ID); u.LastLogin != nil {
		t.Fatal("a refused login recorded a login")
	}
	if err := login("ann@example.com", captchaPass); err != nil {
		t.Fatalf("login with a passing token: %v", err)
	}
	// Exempt e-mails need no token, in any case.
	if err := login("VIP@example.com", ""); err != nil {
		t.Fatalf("login of an ignored e-mail: %v", err)
	}

	// A score below the minimum is refused.
	if _, err := e.id.UpdateCaptchaPolicy(ctx, captchaPolicy(true, 0.9)); err != nil {
		t.Fatal(err)
	}
	err = login("ann@example.com", captchaPass)
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeCaptchaFailed)
	if _, err := e.id.UpdateCaptchaPolicy(ctx, captchaPolicy(true, 0.8)); err != nil {
		t.Fatal(err)
	}

	// Sign-up, by e-mail and by username: nothing is created without a
	// passing token.
	tenants := func() int {
		ts, err := e.st.ListTenants(ctx, e.id.EnvironmentID())
		if err != nil {
			t.Fatal(err)
		}
		return len(ts)
	}
	before := tenants()
	_, err = e.id.SignUp(ctx, signUpInput("sam@example.com"), identity.ClientInfo{})
	wantField(t, err, "recaptchaToken")
	in := signUpInput("sam@example.com")
	in.RecaptchaToken = "forged"
	_, err = e.id.SignUp(ctx, in, identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	_, err = e.id.SignUpWithUsername(ctx, identity.SignUpInput{Username: "sam", Email: "sam@example.com", Password: testPassword, CompanyName: "Sam Co"}, identity.ClientInfo{})
	wantField(t, err, "recaptchaToken")
	if n := tenants(); n != before || len(e.outbox.Messages()) != 0 {
		t.Fatalf("refused sign-ups created %d tenants and sent %d e-mails", n-before, len(e.outbox.Messages()))
	}
	in.RecaptchaToken = captchaPass
	res, err := e.id.SignUp(ctx, in, identity.ClientInfo{})
	if err != nil || !res.ShouldActivate {
		t.Fatalf("SignUp with a passing token = %+v, %v", res, err)
	}

	// Activation: refused without a token, and the link still works after.
	userID, token := e.activationLink(t, "sam@example.com")
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	wantField(t, err, "recaptchaToken")
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token, RecaptchaToken: "forged"}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	if u, _ := e.st.GetUser(ctx, e.id.EnvironmentID(), userID); u.Verified {
		t.Fatal("a refused activation verified the user")
	}
	if _, err := e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token, RecaptchaToken: captchaPass}, identity.ClientInfo{}); err != nil {
		t.Fatalf("ActivateUser with a passing token: %v", err)
	}

	// Activation with the e-mailed code obeys the policy too.
	in2 := signUpInput("cody@example.com")
	in2.RecaptchaToken = captchaPass
	if _, err := e.id.SignUp(ctx, in2, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	mail := e.lastMail(t, "cody@example.com")
	withCode := identity.ActivateWithCodeInput{ActivateInput: identity.ActivateInput{UserID: mail.userID, Token: mail.token}, Code: mail.code}
	_, err = e.id.ActivateUserWithCode(ctx, withCode, identity.ClientInfo{})
	wantField(t, err, "recaptchaToken")
	withCode.RecaptchaToken = captchaPass
	if _, err := e.id.ActivateUserWithCode(ctx, withCode, identity.ClientInfo{}); err != nil {
		t.Fatalf("ActivateUserWithCode with a passing token: %v", err)
	}

	// Disabled, nothing asks for a token.
	if _, err := e.id.UpdateCaptchaPolicy(ctx, captchaPolicy(false, 0.8)); err != nil {
		t.Fatal(err)
	}
	if err := login("ann@example.com", ""); err != nil {
		t.Fatalf("login with the policy disabled: %v", err)
	}
}

// TestCaptchaHTTPVerifier enforces the policy through the reCAPTCHA-compatible
// verifier against a fake siteverify endpoint.
func TestCaptchaHTTPVerifier(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var forms []map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		forms = append(forms, map[string]string{"secret": r.PostForm.Get("secret"), "response": r.PostForm.Get("response"), "remoteip": r.PostForm.Get("remoteip")})
		mu.Unlock()
		switch r.PostForm.Get("response") {
		case "human":
			_, _ = w.Write([]byte(`{"success": true, "score": 0.9}`))
		case "bot":
			_, _ = w.Write([]byte(`{"success": true, "score": 0.2}`))
		default:
			_, _ = w.Write([]byte(`{"success": false, "error-codes": ["invalid-input-response"]}`))
		}
	}))
	defer srv.Close()
	e := newTestEnv(t, identity.WithCaptchaVerifier(captcha.NewHTTPVerifier(captcha.WithVerifyURL(srv.URL), captcha.WithHTTPClient(srv.Client()))))
	e.user(t, "hal@example.com")
	if _, err := e.id.CreateCaptchaPolicy(ctx, captchaPolicy(true, 0.5)); err != nil {
		t.Fatal(err)
	}
	login := func(token string) error {
		_, err := e.id.Login(ctx, identity.LoginInput{Email: "hal@example.com", Password: testPassword, RecaptchaToken: token}, identity.ClientInfo{IP: "203.0.113.9"})
		return err
	}
	if err := login("human"); err != nil {
		t.Fatalf("login with a human score: %v", err)
	}
	if forms[0]["secret"] != captchaSecret || forms[0]["response"] != "human" || forms[0]["remoteip"] != "203.0.113.9" {
		t.Fatalf("siteverify got %v", forms[0])
	}
	wantCode(t, login("bot"), identity.CodeCaptchaFailed)
	wantCode(t, login("forged"), identity.CodeCaptchaFailed)
}
