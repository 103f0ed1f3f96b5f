package httpmw_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/descope/virtualwebauthn"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/internal/webauthntest"
	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/memory"
	"github.com/yolkauth/yolk/store/sqlite"
)

var mfaRP = virtualwebauthn.RelyingParty{Name: "Acme", ID: "example.com", Origin: "https://app.example.com"}

// mfaServer is a test server whose outbox also receives SMS and whose
// WebAuthn relying party is mfaRP.
type mfaServer struct {
	*testServer
	vendor string
}

// stores runs fn against both reference stores.
func stores(t *testing.T, fn func(t *testing.T, s *mfaServer)) {
	for _, name := range []string{"memory", "sqlite"} {
		t.Run(name, func(t *testing.T) {
			var st store.Store
			if name == "memory" {
				st = memory.New()
			} else {
				sq, err := sqlite.Open(context.Background(), ":memory:")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { sq.Close() })
				st = sq
			}
			fn(t, newMFAServer(t, st))
		})
	}
}

func newMFAServer(t testing.TB, st store.Store) *mfaServer {
	t.Helper()
	s := &testServer{clock: newFakeClock(), outbox: delivery.NewOutbox()}
	if m, ok := st.(*memory.Store); ok {
		s.st = m
	}
	id, err := identity.New(st,
		identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		identity.WithSigningKeyBits(1024),
		identity.WithClock(s.clock.Now),
		identity.WithMailer(s.outbox),
		identity.WithSMSSender(s.outbox),
		identity.WithWebAuthn(mfaRP.ID, mfaRP.Name, mfaRP.Origin),
		identity.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(context.Background(), testClientID, testSecret); err != nil {
		t.Fatal(err)
	}
	s.id, s.h = id, httpmw.New(id)
	m := &mfaServer{testServer: s}
	m.vendor = s.vendorToken(t)
	return m
}

// strategy turns an MFA strategy on or off over HTTP.
func (s *mfaServer) strategy(t testing.TB, name string, on bool) {
	t.Helper()
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": name, "isActive": on}, bearer(s.vendor)).want(t, http.StatusCreated)
}

// policy sets the environment-wide MFA policy over HTTP.
func (s *mfaServer) policy(t testing.TB, body map[string]any) {
	t.Helper()
	s.do(t, http.MethodPut, "/resources/configurations/v1/mfa-policy", body, bearer(s.vendor)).want(t, http.StatusOK)
}

// loginMFA logs in and expects an MFA challenge.
func (s *mfaServer) loginMFA(t testing.TB, email string, opts ...reqOpt) map[string]any {
	t.Helper()
	m, _ := s.login(t, email, opts...)
	if m["mfaRequired"] != true || m["accessToken"] != "" || m["refreshToken"] != "" {
		t.Fatalf("login without an MFA challenge: %v", m)
	}
	wantString(t, m, "mfaToken")
	return m
}

func (s *mfaServer) totp(t testing.TB, secret string) string {
	t.Helper()
	c, err := mfa.TOTPCode(secret, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var codePattern = regexp.MustCompile(`\b\d{6}\b`)

// lastCode returns the code of the newest message to recipient.
func (s *mfaServer) lastCode(t testing.TB, to string) string {
	t.Helper()
	msgs := s.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			if c := codePattern.FindString(msgs[i].Body); c != "" {
				return c
			}
			t.Fatalf("message to %s has no code: %q", to, msgs[i].Body)
		}
	}
	t.Fatalf("no message to %s", to)
	return ""
}

func secretOf(t testing.TB, uri string) string {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil || u.Query().Get("secret") == "" {
		t.Fatalf("otpauth URI %q without a secret", uri)
	}
	return u.Query().Get("secret")
}

// enrolApp enrols an authenticator app for the token's user and returns
// its secret and the recovery code.
func (s *mfaServer) enrolApp(t testing.TB, token string) (secret, recovery string) {
	t.Helper()
	m := s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll", nil, bearer(token)).want(t, http.StatusOK).object(t)
	if qr := wantString(t, m, "qrCode"); !strings.HasPrefix(qr, "data:image/png;base64,") {
		t.Fatalf("qrCode is not a PNG data URL: %.40s", qr)
	}
	secret = secretOf(t, wantString(t, m, "otpauthUri"))
	r := s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll/verify", map[string]string{"token": s.totp(t, secret)}, bearer(token)).want(t, http.StatusOK).object(t)
	return secret, wantString(t, r, "recoveryCode")
}

func claimsOf(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func wantAMR(t testing.TB, token string, want ...string) {
	t.Helper()
	var got []string
	for _, v := range claimsOf(t, token)["amr"].([]any) {
		got = append(got, v.(string))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("amr = %v, want %v", got, want)
	}
}

func wantTokens(t testing.TB, m map[string]any) string {
	t.Helper()
	if m["mfaRequired"] == true {
		t.Fatalf("still mfaRequired: %v", m)
	}
	wantString(t, m, "refreshToken")
	return wantString(t, m, "accessToken")
}

func firstID(t testing.TB, m map[string]any, list string) string {
	t.Helper()
	devs, _ := m["mfaDevices"].(map[string]any)
	items, _ := devs[list].([]any)
	if len(items) == 0 {
		t.Fatalf("mfaDevices.%s is empty: %v", list, m["mfaDevices"])
	}
	return items[0].(map[string]any)["id"].(string)
}

func TestMFAAuthenticatorApp(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		token, userID, _ := s.userToken(t, testUserEmail)
		// Enrolment: a wrong first code is refused, the right one enrols.
		m := s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll", nil, bearer(token)).want(t, http.StatusOK).object(t)
		secret := secretOf(t, wantString(t, m, "otpauthUri"))
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll/verify", map[string]string{"token": "000000"}, bearer(token)).wantError(t, http.StatusBadRequest)
		rc := s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll/verify", map[string]string{"token": s.totp(t, secret)}, bearer(token)).want(t, http.StatusOK).object(t)
		wantString(t, rc, "recoveryCode")
		if me := s.do(t, http.MethodGet, "/resources/users/v2/me", nil, bearer(token)).want(t, http.StatusOK).object(t); me["mfaEnrolled"] != true {
			t.Fatalf("users/v2/me mfaEnrolled = %v after enrolment", me["mfaEnrolled"])
		}
		devs := s.do(t, http.MethodGet, "/resources/users/v1/mfa/devices", nil, bearer(token)).want(t, http.StatusOK).object(t)
		if len(devs["authenticators"].([]any)) != 1 {
			t.Fatalf("devices: %v", devs)
		}

		// Login needs the second factor; no tokens before it.
		s.clock.Advance(30 * time.Second)
		ch := s.loginMFA(t, testUserEmail)
		if ch["mfaEnrolled"] != true || !slices.Contains(toStrings(ch["mfaStrategies"]), "AuthenticatorApp") {
			t.Fatalf("challenge: %v", ch)
		}
		deviceID := firstID(t, ch, "authenticators")
		mfaToken := ch["mfaToken"].(string)
		path := "/resources/auth/v1/user/mfa/authenticator/" + deviceID + "/verify"
		s.do(t, http.MethodPost, path, map[string]any{"mfaToken": mfaToken, "value": "000000"}).wantError(t, http.StatusBadRequest)
		code := s.totp(t, secret)
		r := s.do(t, http.MethodPost, path, map[string]any{"mfaToken": mfaToken, "value": code}).want(t, http.StatusCreated)
		access := wantTokens(t, r.object(t))
		wantAMR(t, access, "pwd", "otp")
		if c := claimsOf(t, access); c["sub"] != userID {
			t.Fatalf("sub = %v", c["sub"])
		}
		r.cookie(t, testCookieName)
		// The MFA step is used up.
		s.do(t, http.MethodPost, path, map[string]any{"mfaToken": mfaToken, "value": code}).wantError(t, http.StatusUnauthorized)

		// The same code cannot log in twice (replay within its window).
		ch = s.loginMFA(t, testUserEmail)
		s.do(t, http.MethodPost, path, map[string]any{"mfaToken": ch["mfaToken"], "value": code}).wantError(t, http.StatusBadRequest)
		// The next step's code works, through the deprecated route too.
		s.clock.Advance(30 * time.Second)
		r = s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": s.totp(t, secret)}).want(t, http.StatusCreated)
		wantTokens(t, r.object(t))

		// An MFA step expires.
		ch = s.loginMFA(t, testUserEmail)
		s.clock.Advance(identity.MFATokenTTL + time.Second)
		s.do(t, http.MethodPost, path, map[string]any{"mfaToken": ch["mfaToken"], "value": s.totp(t, secret)}).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPost, path, map[string]any{"value": "123456"}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/authenticator/unknown/verify", map[string]any{"mfaToken": s.loginMFA(t, testUserEmail)["mfaToken"], "value": "123456"}).wantError(t, http.StatusNotFound)
	})
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestMFALockout(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	secret, _ := s.enrolApp(t, token)
	ch := s.loginMFA(t, testUserEmail)
	wrong := "000000"
	if s.totp(t, secret) == wrong {
		wrong = "111111"
	}
	for i := 1; i < identity.MaxMFAAttempts; i++ {
		s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": wrong}).wantError(t, http.StatusBadRequest)
	}
	_, code := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": wrong}).wantError(t, http.StatusForbidden)
	if code != identity.CodeUserLocked {
		t.Fatalf("errorCode = %s, want %s", code, identity.CodeUserLocked)
	}
	// Locked: even the right code and a new password login are refused.
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": s.totp(t, secret)}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail, "password": testPassword}).wantError(t, http.StatusForbidden)
}

func TestMFAWrongCodesWindow(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	secret, _ := s.enrolApp(t, token)
	for round := 0; round < 2; round++ {
		ch := s.loginMFA(t, testUserEmail)
		for i := 1; i < identity.MaxMFAAttempts; i++ {
			s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": "99999x"}).wantError(t, http.StatusBadRequest)
		}
		// Wrong codes spread beyond the window do not lock the user.
		s.clock.Advance(identity.MFALockoutWindow + time.Minute)
	}
	ch := s.loginMFA(t, testUserEmail)
	wantTokens(t, s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": s.totp(t, secret)}).want(t, http.StatusCreated).object(t))
}

func TestMFASMS(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		const phone = "+14155550100"
		token, _, _ := s.userToken(t, testUserEmail)
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": phone}, bearer(token)).wantError(t, http.StatusForbidden)
		s.strategy(t, identity.StrategySMS, true)
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": "12"}, bearer(token)).wantError(t, http.StatusBadRequest)
		ch := s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": phone}, bearer(token)).want(t, http.StatusOK).object(t)
		otc := wantString(t, ch, "otcToken")
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": otc, "code": "12345x"}, bearer(token)).wantError(t, http.StatusBadRequest)
		code := s.lastCode(t, phone)
		wantString(t, s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": otc, "code": code}, bearer(token)).want(t, http.StatusOK).object(t), "recoveryCode")
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": otc, "code": code}, bearer(token)).wantError(t, http.StatusBadRequest)

		// Login by SMS code.
		login := s.loginMFA(t, testUserEmail)
		deviceID := firstID(t, login, "phones")
		if p := login["mfaDevices"].(map[string]any)["phones"].([]any)[0].(map[string]any)["phoneNumber"]; p == phone || !strings.HasSuffix(p.(string), "0100") {
			t.Fatalf("phone number is not masked: %v", p)
		}
		pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/"+deviceID, map[string]any{"mfaToken": login["mfaToken"]}).want(t, http.StatusCreated).object(t)
		otc = wantString(t, pre, "otcToken")
		verify := "/resources/auth/v1/user/mfa/sms/" + deviceID + "/verify"
		s.do(t, http.MethodPost, verify, map[string]any{"mfaToken": login["mfaToken"], "otcToken": otc, "code": "00000x"}).wantError(t, http.StatusBadRequest)
		r := s.do(t, http.MethodPost, verify, map[string]any{"mfaToken": login["mfaToken"], "otcToken": otc, "code": s.lastCode(t, phone)}).want(t, http.StatusCreated)
		wantAMR(t, wantTokens(t, r.object(t)), "pwd", "sms")

		// An SMS code expires.
		login = s.loginMFA(t, testUserEmail)
		otc = wantString(t, s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/"+deviceID, map[string]any{"mfaToken": login["mfaToken"]}).want(t, http.StatusCreated).object(t), "otcToken")
		s.clock.Advance(identity.DefaultMFACodeLifetime*time.Second + time.Second)
		s.do(t, http.MethodPost, verify, map[string]any{"mfaToken": login["mfaToken"], "otcToken": otc, "code": s.lastCode(t, phone)}).wantError(t, http.StatusBadRequest)

		// Removing the phone needs a code sent to it.
		dis := s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/"+deviceID+"/disable", nil, bearer(token)).want(t, http.StatusOK).object(t)
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/"+deviceID+"/disable/verify", map[string]string{"otcToken": dis["otcToken"].(string), "code": "1"}, bearer(token)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/"+deviceID+"/disable/verify", map[string]string{"otcToken": dis["otcToken"].(string), "code": s.lastCode(t, phone)}, bearer(token)).want(t, http.StatusOK)
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/"+deviceID+"/disable", nil, bearer(token)).wantError(t, http.StatusNotFound)
		wantTokens(t, func() map[string]any { m, _ := s.login(t, testUserEmail); return m }())
	})
}

func TestMFACodeAttemptLimit(t *testing.T) {
	s := newMFAServer(t, memory.New())
	const phone = "+14155550199"
	token, _, _ := s.userToken(t, testUserEmail)
	s.strategy(t, identity.StrategySMS, true)
	ch := s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": phone}, bearer(token)).want(t, http.StatusOK).object(t)
	for i := 0; i < identity.MaxMFAAttempts-1; i++ {
		s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": ch["otcToken"].(string), "code": "x"}, bearer(token)).wantError(t, http.StatusBadRequest)
	}
	// The fifth wrong code locks the user; the challenge is dead as well.
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": ch["otcToken"].(string), "code": "x"}, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll/verify", map[string]string{"otcToken": ch["otcToken"].(string), "code": s.lastCode(t, phone)}, bearer(token)).wantError(t, http.StatusTooManyRequests)
}

func TestMFAEmailCode(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		s.createUser(t, testUserEmail)
		s.strategy(t, identity.StrategyEmailCode, true)
		s.policy(t, map[string]any{"enforceMFAType": "Force"})
		// Forced, e-mail codes on: the address is the factor.
		ch := s.loginMFA(t, testUserEmail)
		if ch["mfaEnrolled"] != true {
			t.Fatalf("challenge: %v", ch)
		}
		if e := ch["mfaDevices"].(map[string]any)["emails"].([]any); len(e) != 1 || e[0].(map[string]any)["email"] != testUserEmail {
			t.Fatalf("emails: %v", e)
		}
		pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/emailcode", map[string]any{"mfaToken": ch["mfaToken"]}).want(t, http.StatusCreated).object(t)
		otc := wantString(t, pre, "otcToken")
		s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/emailcode/verify", map[string]any{"mfaToken": ch["mfaToken"], "otcToken": otc, "code": "x"}).wantError(t, http.StatusBadRequest)
		code := s.lastCode(t, testUserEmail)
		r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/emailcode/verify", map[string]any{"mfaToken": ch["mfaToken"], "otcToken": otc, "code": code}).want(t, http.StatusCreated)
		wantAMR(t, wantTokens(t, r.object(t)), "pwd", "otp")
		// A code of one login does not complete another.
		ch2 := s.loginMFA(t, testUserEmail)
		s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/emailcode/verify", map[string]any{"mfaToken": ch2["mfaToken"], "otcToken": otc, "code": code}).wantError(t, http.StatusBadRequest)
		s.strategy(t, identity.StrategyEmailCode, false)
		s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/emailcode", map[string]any{"mfaToken": ch2["mfaToken"]}).wantError(t, http.StatusForbidden)
	})
}

// webauthnBody turns the virtual browser's answer into the clients' shape.
func webauthnBody(t testing.TB, raw string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"id": v["id"], "response": v["response"]}
}

func optionsJSON(t testing.TB, m map[string]any) string {
	t.Helper()
	b, err := json.Marshal(m["options"])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMFAWebAuthn(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		_, userID, _ := s.userToken(t, testUserEmail)
		s.policy(t, map[string]any{"enforceMFAType": "Force"})
		ch := s.loginMFA(t, testUserEmail)
		if ch["mfaEnrolled"] == true {
			t.Fatalf("a user without factors under Force must enrol: %v", ch)
		}
		pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll", map[string]any{"mfaToken": ch["mfaToken"]}).want(t, http.StatusCreated).object(t)
		opts, err := virtualwebauthn.ParseAttestationOptions(optionsJSON(t, pre))
		if err != nil {
			t.Fatalf("creation options: %v", err)
		}
		if opts.RelyingPartyID != mfaRP.ID || opts.UserID != userID {
			t.Fatalf("creation options: %+v", opts)
		}
		auth := virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte(userID)})
		cred := webauthntest.NewCredential(t, virtualwebauthn.KeyTypeEC2)
		cred.Counter = 1
		att := webauthnBody(t, virtualwebauthn.CreateAttestationResponse(mfaRP, auth, cred, *opts))
		body := map[string]any{"mfaToken": ch["mfaToken"], "webauthnToken": pre["webauthnToken"], "deviceType": "CrossPlatform", "options": att}
		r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll/verify", body).want(t, http.StatusCreated).object(t)
		wantAMR(t, wantTokens(t, r), "pwd", "hwk")
		wantString(t, r, "recoveryCode")
		// The ceremony is single use.
		s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll/verify", body).wantError(t, http.StatusUnauthorized)
		auth.AddCredential(cred)

		assertWith := func(counter uint32) *response {
			t.Helper()
			ch := s.loginMFA(t, testUserEmail)
			deviceID := firstID(t, ch, "webauthn")
			pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/"+deviceID, map[string]any{"mfaToken": ch["mfaToken"]}).want(t, http.StatusCreated).object(t)
			opts, err := virtualwebauthn.ParseAssertionOptions(optionsJSON(t, pre))
			if err != nil {
				t.Fatalf("request options: %v", err)
			}
			cred.Counter = counter
			as := webauthnBody(t, virtualwebauthn.CreateAssertionResponse(mfaRP, auth, cred, *opts))
			return s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/"+deviceID+"/verify",
				map[string]any{"mfaToken": ch["mfaToken"], "webauthnToken": pre["webauthnToken"], "options": as})
		}
		wantAMR(t, wantTokens(t, assertWith(2).want(t, http.StatusCreated).object(t)), "pwd", "hwk")
		// A counter that does not move forward: a cloned authenticator.
		assertWith(2).wantError(t, http.StatusBadRequest)
		assertWith(1).wantError(t, http.StatusBadRequest)
		wantTokens(t, assertWith(3).want(t, http.StatusCreated).object(t))
	})
}

func TestMFAEnrolDuringLogin(t *testing.T) {
	s := newMFAServer(t, memory.New())
	s.createUser(t, testUserEmail)
	s.policy(t, map[string]any{"enforceMFAType": "Force"})
	ch := s.loginMFA(t, testUserEmail)
	pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/authenticator/enroll", map[string]any{"mfaToken": ch["mfaToken"]}).want(t, http.StatusCreated).object(t)
	secret := secretOf(t, wantString(t, pre, "otpauthUri"))
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/authenticator/enroll/verify", map[string]any{"mfaToken": ch["mfaToken"], "token": "x"}).wantError(t, http.StatusBadRequest)
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/authenticator/enroll/verify", map[string]any{"mfaToken": ch["mfaToken"], "token": s.totp(t, secret)}).want(t, http.StatusCreated).object(t)
	wantAMR(t, wantTokens(t, r), "pwd", "otp")
	wantString(t, r, "recoveryCode")

	// With a factor enrolled, a password alone can no longer enrol another.
	ch = s.loginMFA(t, testUserEmail)
	if ch["mfaEnrolled"] != true {
		t.Fatalf("challenge: %v", ch)
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/authenticator/enroll", map[string]any{"mfaToken": ch["mfaToken"]}).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll", map[string]any{"mfaToken": ch["mfaToken"]}).wantError(t, http.StatusForbidden)
	s.strategy(t, identity.StrategySMS, true)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/enroll", map[string]any{"mfaToken": ch["mfaToken"], "phoneNumber": "+14155550100"}).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/authenticator/enroll", map[string]any{"mfaToken": "bogus"}).wantError(t, http.StatusUnauthorized)
}

func TestMFAEnrolSMSDuringLogin(t *testing.T) {
	s := newMFAServer(t, memory.New())
	const phone = "+14155550111"
	s.createUser(t, testUserEmail)
	s.strategy(t, identity.StrategySMS, true)
	s.policy(t, map[string]any{"enforceMFAType": "Force"})
	ch := s.loginMFA(t, testUserEmail)
	pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/enroll", map[string]any{"mfaToken": ch["mfaToken"], "phoneNumber": phone}).want(t, http.StatusCreated).object(t)
	if pre["phoneNumber"] != phone {
		t.Fatalf("pre-enrol: %v", pre)
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/enroll/verify", map[string]any{"otcToken": pre["otcToken"], "code": "x"}).wantError(t, http.StatusBadRequest)
	// The spec's body has no mfaToken: the code's challenge names the login.
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/enroll/verify", map[string]any{"otcToken": pre["otcToken"], "code": s.lastCode(t, phone)}).want(t, http.StatusCreated).object(t)
	wantAMR(t, wantTokens(t, r), "pwd", "sms")
	wantString(t, r, "recoveryCode")
}

func TestMFARecover(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	_, recovery := s.enrolApp(t, token)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/recover", map[string]string{"email": testUserEmail, "recoveryCode": "AAAAA-BBBBB-CCCCC-DDDDD"}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/recover", map[string]string{"email": "nobody@example.com", "recoveryCode": recovery}).wantError(t, http.StatusBadRequest)
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/recover", map[string]string{"email": testUserEmail, "recoveryCode": strings.ToLower(recovery)}).want(t, http.StatusOK)
	access := wantTokens(t, r.object(t))
	r.cookie(t, testCookieName)
	// The factors are gone: login needs the password only, and the user can
	// enrol again.
	wantTokens(t, func() map[string]any { m, _ := s.login(t, testUserEmail); return m }())
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/recover", map[string]string{"email": testUserEmail, "recoveryCode": recovery}).wantError(t, http.StatusBadRequest)
	s.enrolApp(t, access)
	s.loginMFA(t, testUserEmail)
}

func TestMFARememberDevice(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	secret, _ := s.enrolApp(t, token)
	ch := s.loginMFA(t, testUserEmail)
	allow := s.do(t, http.MethodGet, "/resources/configurations/v1/mfa-policy/allow-remember-device?mfaToken="+url.QueryEscape(ch["mfaToken"].(string)), nil).want(t, http.StatusOK).object(t)
	if allow["isAllowedToRemember"] != false {
		t.Fatalf("allow-remember-device without a policy: %v", allow)
	}
	s.do(t, http.MethodGet, "/resources/configurations/v1/mfa-policy/allow-remember-device?mfaToken=bogus", nil).wantError(t, http.StatusUnauthorized)
	s.policy(t, map[string]any{"enforceMFAType": "DontForce", "allowRememberMyDevice": true, "mfaDeviceExpiration": 3600})
	allow = s.do(t, http.MethodGet, "/resources/configurations/v1/mfa-policy/allow-remember-device?mfaToken="+url.QueryEscape(ch["mfaToken"].(string)), nil).want(t, http.StatusOK).object(t)
	if allow["isAllowedToRemember"] != true || allow["mfaDeviceExpiration"] != float64(3600) {
		t.Fatalf("allow-remember-device: %v", allow)
	}
	s.clock.Advance(30 * time.Second)
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/verify", map[string]any{"mfaToken": ch["mfaToken"], "value": s.totp(t, secret), "rememberDevice": true}).want(t, http.StatusCreated)
	device := r.cookie(t, httpmw.RememberDeviceCookie)
	if !device.HttpOnly || device.MaxAge != 3600 {
		t.Fatalf("remember cookie: %+v", device)
	}
	// The remembered device skips MFA; another device does not.
	m, _ := s.login(t, testUserEmail, cookie(device))
	wantAMR(t, wantTokens(t, m), "pwd")
	s.loginMFA(t, testUserEmail)
	s.loginMFA(t, testUserEmail, cookie(&http.Cookie{Name: httpmw.RememberDeviceCookie, Value: "forged"}))
	// Only while the policy allows it, and within its expiration.
	s.policy(t, map[string]any{"allowRememberMyDevice": false})
	s.loginMFA(t, testUserEmail, cookie(device))
	s.policy(t, map[string]any{"allowRememberMyDevice": true})
	m, _ = s.login(t, testUserEmail, cookie(device))
	wantTokens(t, m)
	s.clock.Advance(time.Hour + time.Second)
	s.loginMFA(t, testUserEmail, cookie(device))
}

func TestMFABypassAndUnenroll(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, userID, _ := s.userToken(t, testUserEmail)
	s.enrolApp(t, token)
	s.loginMFA(t, testUserEmail)
	s.do(t, http.MethodPut, "/resources/users/v1/"+userID, map[string]any{"mfaBypass": true}, bearer(s.vendor)).want(t, http.StatusOK)
	m, _ := s.login(t, testUserEmail)
	wantTokens(t, m)
	s.do(t, http.MethodPut, "/resources/users/v1/"+userID, map[string]any{"mfaBypass": false}, bearer(s.vendor)).want(t, http.StatusOK)
	s.loginMFA(t, testUserEmail)

	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1/"+userID+"/mfa/unenroll", nil, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1/unknown/mfa/unenroll", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1/"+userID+"/mfa/unenroll", nil, bearer(s.vendor)).want(t, http.StatusOK)
	m, _ = s.login(t, testUserEmail)
	wantTokens(t, m)
	if u := s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/"+userID, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); u["mfaEnrolled"] != false {
		t.Fatalf("mfaEnrolled after unenroll: %v", u["mfaEnrolled"])
	}
}

func TestMFADisableAuthenticatorApp(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	secret, _ := s.enrolApp(t, token)
	s.clock.Advance(30 * time.Second)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/disable", map[string]string{"token": "x"}, bearer(token)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/disable", map[string]string{}, bearer(token)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/disable", map[string]string{"token": s.totp(t, secret)}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/disable", map[string]string{"token": s.totp(t, secret)}, bearer(token)).want(t, http.StatusOK)
	m, _ := s.login(t, testUserEmail)
	wantTokens(t, m)

	// The deprecated enrolment routes, then removal by device id.
	pre := s.do(t, http.MethodPost, "/resources/users/v1/mfa/enroll", nil, bearer(token)).want(t, http.StatusOK).object(t)
	secret = secretOf(t, wantString(t, pre, "otpauthUri"))
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/enroll/verify", map[string]string{"token": "x"}, bearer(token)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/enroll/verify", map[string]string{"token": s.totp(t, secret)}, bearer(token)).want(t, http.StatusOK)
	deviceID := firstID(t, s.loginMFA(t, testUserEmail), "authenticators")
	s.clock.Advance(30 * time.Second)
	path := "/resources/users/v1/mfa/authenticator/" + deviceID + "/disable/verify"
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/unknown/disable/verify", map[string]string{"token": s.totp(t, secret)}, bearer(token)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, path, map[string]string{"token": "x"}, bearer(token)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]string{"token": s.totp(t, secret)}, bearer(token)).want(t, http.StatusOK)
	m, _ = s.login(t, testUserEmail)
	wantTokens(t, m)
}

func TestMFAPolicyRoutes(t *testing.T) {
	s := newMFAServer(t, memory.New())
	_, _, tenantID := s.userToken(t, testUserEmail)
	const path = "/resources/configurations/v1/mfa-policy"
	s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPatch, path, map[string]any{"enforceMFAType": "Force"}, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, path, map[string]any{"enforceMFAType": "Sometimes"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	p := s.do(t, http.MethodPost, path, map[string]any{"enforceMFAType": "DontForce"}, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
	if p["enforceMFAType"] != "DontForce" || p["mfaDeviceExpiration"] != float64(1209600) || p["allowRememberMyDevice"] != false {
		t.Fatalf("created policy: %v", p)
	}
	wantString(t, p, "id")
	s.do(t, http.MethodPost, path, map[string]any{"enforceMFAType": "Force"}, bearer(s.vendor)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPatch, path, map[string]any{}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPatch, path, map[string]any{"mfaDeviceExpiration": 1}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	p = s.do(t, http.MethodPatch, path, map[string]any{"allowRememberMyDevice": true}, bearer(s.vendor)).want(t, http.StatusOK).object(t)
	if p["allowRememberMyDevice"] != true || p["enforceMFAType"] != "DontForce" {
		t.Fatalf("patched policy: %v", p)
	}
	// A tenant's own policy wins over the environment's.
	tp := s.do(t, http.MethodPatch, path, map[string]any{"enforceMFAType": "Force"}, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t)
	if tp["enforceMFAType"] != "Force" || tp["allowRememberMyDevice"] != true || tp["id"] == p["id"] {
		t.Fatalf("tenant policy: %v (environment %v)", tp, p)
	}
	if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); g["enforceMFAType"] != "DontForce" {
		t.Fatalf("environment policy changed: %v", g)
	}
	if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t); g["enforceMFAType"] != "Force" {
		t.Fatalf("tenant policy: %v", g)
	}
	// Forced in the user's tenant: the next login must enrol.
	if ch := s.loginMFA(t, testUserEmail); ch["mfaEnrolled"] == true {
		t.Fatalf("challenge: %v", ch)
	}
	s.do(t, http.MethodPut, path, map[string]any{"enforceMFAType": "DontForce"}, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK)
	m, _ := s.login(t, testUserEmail)
	wantTokens(t, m)
	s.do(t, http.MethodPut, path, map[string]any{"enforceMFAType": "Force"}, bearer(s.vendor), header("frontegg-tenant-id", "no-such-tenant")).wantError(t, http.StatusNotFound)
	// A user needs the security-policy permissions.
	plainTok, _, _ := s.plainToken(t, "plain@example.com")
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut} {
		s.do(t, method, path, map[string]any{"enforceMFAType": "Force"}, bearer(plainTok)).wantError(t, http.StatusForbidden)
	}
	s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
}

func TestMFAStrategiesAndConfigRoutes(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	st := s.do(t, http.MethodGet, "/resources/configurations/v1/mfa/strategies", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t)
	active := map[string]bool{}
	for _, x := range st["strategies"].([]any) {
		m := x.(map[string]any)
		active[m["strategy"].(string)] = m["isActive"].(bool)
	}
	if len(active) != 5 || !active["AuthenticatorApp"] || active["SMS"] || active["EmailCode"] {
		t.Fatalf("default strategies: %v", active)
	}
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "Carrier pigeon", "isActive": true}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "SMS"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa/strategies", map[string]any{"strategy": "SMS", "isActive": true}, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/configurations/v1/mfa/strategies", nil, bearer(token)).wantError(t, http.StatusForbidden)
	s.strategy(t, "AuthenticatorApp", false)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll", nil, bearer(token)).wantError(t, http.StatusForbidden)

	cfg := s.do(t, http.MethodGet, "/resources/configurations/v1/mfa", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t)
	if app := cfg["authenticationApp"].(map[string]any); app["active"] != false || app["serviceName"] != "yolk" {
		t.Fatalf("config: %v", cfg)
	}
	cfg = s.do(t, http.MethodPost, "/resources/configurations/v1/mfa", map[string]any{
		"authenticationApp": map[string]any{"active": true, "serviceName": "Acme"},
		"sms":               map[string]any{"active": true, "tokenLifetimeSeconds": 600},
		"email":             map[string]any{"active": true, "tokenLifetimeSeconds": 900, "sender": "Acme Security"},
	}, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
	if cfg["sms"].(map[string]any)["tokenLifetimeSeconds"] != float64(600) || cfg["email"].(map[string]any)["sender"] != "Acme Security" {
		t.Fatalf("config: %v", cfg)
	}
	// The active flags are the strategies; the service name is the issuer.
	st = s.do(t, http.MethodGet, "/resources/configurations/v1/mfa/strategies", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t)
	for _, x := range st["strategies"].([]any) {
		m := x.(map[string]any)
		if (m["strategy"] == "SMS" || m["strategy"] == "EmailCode" || m["strategy"] == "AuthenticatorApp") && m["isActive"] != true {
			t.Fatalf("strategies after the configuration: %v", st)
		}
	}
	pre := s.do(t, http.MethodPost, "/resources/users/v1/mfa/authenticator/enroll", nil, bearer(token)).want(t, http.StatusOK).object(t)
	if uri := pre["otpauthUri"].(string); !strings.Contains(uri, "issuer=Acme") {
		t.Fatalf("issuer not from the configuration: %s", uri)
	}
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa", map[string]any{"sms": map[string]any{"tokenLifetimeSeconds": 10}}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa", map[string]any{"authenticationApp": map[string]any{"serviceName": ""}}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/configurations/v1/mfa", nil, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/configurations/v1/mfa", map[string]any{}, bearer(token)).wantError(t, http.StatusForbidden)
}

func TestMFADevicesRoute(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	d := s.do(t, http.MethodGet, "/resources/users/v1/mfa/devices", nil, bearer(token)).want(t, http.StatusOK).object(t)
	wantKeys(t, "devices", d, "webauthn", "phones", "authenticators", "emails")
	s.do(t, http.MethodGet, "/resources/users/v1/mfa/devices", nil).wantError(t, http.StatusUnauthorized)
}

func TestMFAWebAuthnPlatformAndRefusals(t *testing.T) {
	s := newMFAServer(t, memory.New())
	_, userID, _ := s.userToken(t, testUserEmail)
	s.policy(t, map[string]any{"enforceMFAType": "Force"})
	s.strategy(t, identity.StrategyWebAuthnCrossPlatform, false)
	ch := s.loginMFA(t, testUserEmail)
	pre := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll", map[string]any{"mfaToken": ch["mfaToken"]}).want(t, http.StatusCreated).object(t)
	opts, err := virtualwebauthn.ParseAttestationOptions(optionsJSON(t, pre))
	if err != nil {
		t.Fatal(err)
	}
	auth := virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte(userID)})
	cred := virtualwebauthn.NewCredential(virtualwebauthn.KeyTypeRSA)
	att := webauthnBody(t, virtualwebauthn.CreateAttestationResponse(mfaRP, auth, cred, *opts))
	body := map[string]any{"mfaToken": ch["mfaToken"], "webauthnToken": pre["webauthnToken"], "options": att}
	// A strategy that is off cannot be enrolled; a device type is required.
	body["deviceType"] = "CrossPlatform"
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll/verify", body).wantError(t, http.StatusForbidden)
	body["deviceType"] = "Roaming"
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll/verify", body).wantError(t, http.StatusBadRequest)
	body["deviceType"] = "Platform"
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/enroll/verify", body).want(t, http.StatusCreated).object(t)
	wantTokens(t, r)
	ch = s.loginMFA(t, testUserEmail)
	if d := ch["mfaDevices"].(map[string]any)["webauthn"].([]any); len(d) != 1 || d[0].(map[string]any)["deviceType"] != "Platform" {
		t.Fatalf("webauthn devices: %v", d)
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/unknown", map[string]any{"mfaToken": ch["mfaToken"]}).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/webauthn/"+firstID(t, ch, "webauthn"), map[string]any{"mfaToken": "bogus"}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/"+firstID(t, ch, "webauthn"), map[string]any{"mfaToken": ch["mfaToken"]}).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/mfa/sms/any", map[string]any{}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/enroll", nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/enroll/verify", map[string]string{"token": "123456"}).wantError(t, http.StatusUnauthorized)
}
