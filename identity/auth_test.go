package identity_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

func TestLoginClaims(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ivy@example.com")
	loginAt := e.clock.Now()

	res, err := e.id.Login(ctx, identity.LoginInput{Email: "IVY@example.com", Password: testPassword}, identity.ClientInfo{UserAgent: "ua", IP: "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessToken == "" || res.RefreshToken == "" || res.MFARequired || res.MFAToken != "" {
		t.Fatalf("Login = %+v", res)
	}
	if res.ExpiresIn != 86400 || res.Expires == "" || res.TokenType != "bearer" || res.UserID != u.ID || res.UserEmail != "ivy@example.com" || !res.EmailVerified {
		t.Fatalf("Login response fields = %+v", res)
	}
	if exp, err := time.Parse(time.RFC1123, res.Expires); err != nil || !exp.Equal(loginAt.Add(24*time.Hour)) {
		t.Fatalf("Expires = %q (%v); want %v", res.Expires, err, loginAt.Add(24*time.Hour))
	}

	p := e.principal(t, res.AccessToken)
	c := p.Claims
	if p.Vendor || p.UserID != u.ID || p.TenantID != u.TenantID {
		t.Fatalf("principal = %+v", p)
	}
	if c.Subject != u.ID || c.TenantID != u.TenantID || !slices.Equal(c.TenantIDs, []string{u.TenantID}) {
		t.Fatalf("claims sub/tenantId/tenantIds = %q %q %v", c.Subject, c.TenantID, c.TenantIDs)
	}
	if c.Type != identity.TokenTypeUser || c.Email != "ivy@example.com" || !c.EmailVerified || c.Name != "Test User" {
		t.Fatalf("claims type/email/name = %q %q %v %q", c.Type, c.Email, c.EmailVerified, c.Name)
	}
	if !slices.Equal(c.AMR, []string{identity.AMRPassword}) || c.AuthTime != loginAt.Unix() || c.SessionID == "" {
		t.Fatalf("claims amr/auth_time/sid = %v %d %q", c.AMR, c.AuthTime, c.SessionID)
	}
	if c.Roles == nil || c.Permissions == nil {
		t.Fatalf("roles/permissions must be arrays, got %v %v", c.Roles, c.Permissions)
	}
	if c.IssuedAt == nil || c.ExpiresAt == nil || c.ExpiresAt.Sub(c.IssuedAt.Time) != 24*time.Hour {
		t.Fatalf("iat/exp = %v/%v; want 24h apart", c.IssuedAt, c.ExpiresAt)
	}

	// The session is recorded with the client and login time.
	sess, err := e.st.GetSession(ctx, c.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if sess.UserID != u.ID || sess.UserAgent != "ua" || sess.IP != "10.0.0.1" || !sess.AuthTime.Equal(loginAt) {
		t.Fatalf("session = %+v", sess)
	}
	stored, err := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.LastLogin == nil || !stored.LastLogin.Equal(loginAt) {
		t.Fatalf("LastLogin = %v; want %v", stored.LastLogin, loginAt)
	}
	// The refresh token is stored only as a hash.
	if _, err := e.st.GetRefreshTokenByHash(ctx, []byte(res.RefreshToken)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refresh token found by its clear value: %v", err)
	}
}

func TestLoginMetadataClaim(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Meta")
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "meta@example.com", Password: testPassword, TenantID: tn.ID, Metadata: `{"plan":"pro"}`}); err != nil {
		t.Fatal(err)
	}
	c := e.principal(t, e.login(t, "meta@example.com").AccessToken).Claims
	if c.Metadata["plan"] != "pro" {
		t.Fatalf("metadata claim = %v", c.Metadata)
	}
}

// TestLoginNoEnumeration: a wrong password and an unknown user get the same
// error, code and message.
func TestLoginNoEnumeration(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "jay@example.com")
	tn := e.tenant(t, "NoPassword")
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "nopass@example.com", TenantID: tn.ID}); err != nil {
		t.Fatal(err)
	}

	var errs []error
	for _, in := range []identity.LoginInput{
		{Email: "jay@example.com", Password: "wrong password"},
		{Email: "nobody@example.com", Password: "wrong password"},
		{Email: "nopass@example.com", Password: "wrong password"},
		{Username: "nobody", Password: "wrong password"},
	} {
		_, err := e.id.Login(ctx, in, identity.ClientInfo{})
		wantErr(t, err, identity.ErrUnauthorized)
		errs = append(errs, err)
	}
	first := wantErr(t, errs[0], identity.ErrUnauthorized)
	for i, err := range errs[1:] {
		ie := wantErr(t, err, identity.ErrUnauthorized)
		if ie == nil || ie.Code != first.Code || ie.Message != first.Message {
			t.Errorf("case %d: %+v differs from the wrong-password error %+v", i+1, ie, first)
		}
	}
	if first.Code != identity.CodeBadCredentials {
		t.Errorf("code = %q, want %q", first.Code, identity.CodeBadCredentials)
	}
}

func TestLoginInputRefusals(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	_, err := e.id.Login(ctx, identity.LoginInput{Email: "x@example.com"}, identity.ClientInfo{})
	wantField(t, err, "password")
	_, err = e.id.Login(ctx, identity.LoginInput{Password: testPassword}, identity.ClientInfo{})
	wantField(t, err, "email")
}

func TestLoginLockedUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "kim@example.com")
	su, err := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	su.Locked = true
	if err := e.st.UpdateUser(ctx, su); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "kim@example.com", Password: testPassword}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
	wantCode(t, err, identity.CodeUserLocked)
	// A wrong password still answers as bad credentials.
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "kim@example.com", Password: "wrong password"}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeBadCredentials)
}

func TestLoginUnverifiedUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "lee@example.com")
	su, err := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	su.Verified = false
	if err := e.st.UpdateUser(ctx, su); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "lee@example.com", Password: testPassword}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
	wantCode(t, err, identity.CodeUserNotVerified)

	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	res := e.login(t, "lee@example.com")
	if res.EmailVerified {
		t.Fatal("EmailVerified true for an unverified user")
	}
}

func TestLoginExpiredMembership(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Temp")
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "temp@example.com", Password: testPassword, TenantID: tn.ID, ExpirationInSeconds: 60}); err != nil {
		t.Fatal(err)
	}
	e.login(t, "temp@example.com")
	e.clock.Advance(2 * time.Minute)
	_, err := e.id.Login(ctx, identity.LoginInput{Email: "temp@example.com", Password: testPassword}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
	wantCode(t, err, identity.CodeUserDisabled)
}

func TestRefreshRotation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "max@example.com")
	first := e.login(t, "max@example.com")

	e.clock.Advance(time.Minute)
	second, err := e.id.Refresh(ctx, first.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatalf("refresh did not rotate: %+v", second)
	}
	p1, p2 := e.principal(t, first.AccessToken), e.principal(t, second.AccessToken)
	if p2.Claims.SessionID != p1.Claims.SessionID || p2.Claims.AuthTime != p1.Claims.AuthTime || p2.UserID != p1.UserID {
		t.Fatalf("refreshed claims %+v do not continue the session %+v", p2.Claims, p1.Claims)
	}
	if !p2.Claims.IssuedAt.After(p1.Claims.IssuedAt.Time) {
		t.Fatal("refreshed token not issued later")
	}

	// Reusing the rotated token fails and revokes the session: the newest
	// token is refused too.
	_, err = e.id.Refresh(ctx, first.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeInvalidRefresh)
	_, err = e.id.Refresh(ctx, second.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	sess, err := e.st.GetSession(ctx, p1.Claims.SessionID)
	if err != nil || sess.RevokedAt == nil {
		t.Fatalf("session after reuse = %+v, %v; want revoked", sess, err)
	}
	// Other sessions of the user are unaffected.
	other := e.login(t, "max@example.com")
	if _, err := e.id.Refresh(ctx, other.RefreshToken, "", identity.ClientInfo{}); err != nil {
		t.Fatalf("refresh of another session: %v", err)
	}
}

func TestRefreshRefusals(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	for name, tok := range map[string]string{"empty": "", "unknown": "no-such-token"} {
		_, err := e.id.Refresh(ctx, tok, "", identity.ClientInfo{})
		ie := wantErr(t, err, identity.ErrUnauthorized)
		if ie == nil || ie.Code != identity.CodeInvalidRefresh {
			t.Errorf("%s token: %v, want code %s", name, err, identity.CodeInvalidRefresh)
		}
	}
}

func TestRefreshWithoutRotation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{RotateRefreshTokens: ptr(false)})
	e.user(t, "ned@example.com")
	first := e.login(t, "ned@example.com")
	for i := 0; i < 3; i++ {
		e.clock.Advance(time.Second)
		res, err := e.id.Refresh(ctx, first.RefreshToken, "", identity.ClientInfo{})
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if res.RefreshToken != first.RefreshToken {
			t.Fatalf("refresh %d rotated the token although rotation is off", i)
		}
	}
}

func TestRefreshExpiry(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "oli@example.com")
	res := e.login(t, "oli@example.com")
	e.clock.Advance(time.Duration(identity.DefaultConfig("x").DefaultRefreshTokenExpiration)*time.Second + time.Second)
	_, err := e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeTokenExpired)
}

// TestRefreshSessionAbsoluteExpiry: rotating does not extend the session
// past the refresh-token lifetime counted from login.
func TestRefreshSessionAbsoluteExpiry(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{DefaultRefreshTokenExpiration: ptr(3600)})
	e.user(t, "pia@example.com")
	tok := e.login(t, "pia@example.com").RefreshToken
	e.clock.Advance(50 * time.Minute)
	res, err := e.id.Refresh(ctx, tok, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(50 * time.Minute)
	_, err = e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeTokenExpired)
}

func TestAccessTokenTTLFollowsConfig(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "quin@example.com")
	res := e.login(t, "quin@example.com")
	c := e.principal(t, res.AccessToken).Claims
	if got := c.ExpiresAt.Sub(c.IssuedAt.Time); got != 86400*time.Second {
		t.Fatalf("exp-iat = %v, want the default 86400s", got)
	}

	e.setConfig(t, identity.VendorConfigUpdate{DefaultTokenExpiration: ptr(600)})
	res, err := e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	c = e.principal(t, res.AccessToken).Claims
	if got := c.ExpiresAt.Sub(c.IssuedAt.Time); got != 600*time.Second || res.ExpiresIn != 600 {
		t.Fatalf("exp-iat = %v, expiresIn = %d; want 600s", got, res.ExpiresIn)
	}
}

func TestRefreshTenantSwitch(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "rae@example.com")
	res := e.login(t, "rae@example.com")

	foreign := e.tenant(t, "Foreign")
	_, err := e.id.Refresh(ctx, res.RefreshToken, foreign.ID, identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
	// The refusal did not use up the token.
	res, err = e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatalf("refresh after a refused switch: %v", err)
	}

	second := e.tenant(t, "Second")
	now := e.clock.Now()
	if err := e.st.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: second.ID, EnvID: e.id.EnvironmentID(), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	switched, err := e.id.Refresh(ctx, res.RefreshToken, second.ID, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	c := e.principal(t, switched.AccessToken).Claims
	if c.TenantID != second.ID || !slices.Contains(c.TenantIDs, u.TenantID) || !slices.Contains(c.TenantIDs, second.ID) {
		t.Fatalf("switched claims tenantId=%q tenantIds=%v; want %q among both", c.TenantID, c.TenantIDs, second.ID)
	}
	// The choice sticks: the next refresh and the next login use it.
	next, err := e.id.Refresh(ctx, switched.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.principal(t, next.AccessToken).TenantID; got != second.ID {
		t.Fatalf("tenant after a plain refresh = %q, want %q", got, second.ID)
	}
	if got := e.principal(t, e.login(t, "rae@example.com").AccessToken).TenantID; got != second.ID {
		t.Fatalf("tenant after login = %q, want %q", got, second.ID)
	}
}

func TestRefreshLockedUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "sam@example.com")
	res := e.login(t, "sam@example.com")
	su, err := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	su.Locked = true
	if err := e.st.UpdateUser(ctx, su); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
}

// TestConcurrentRefresh: of several refreshes racing with one token, exactly
// one wins.
func TestConcurrentRefresh(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "tia@example.com")
	tok := e.login(t, "tia@example.com").RefreshToken

	const n = 10
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		wins    int
		unknown []error
	)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.id.Refresh(ctx, tok, "", identity.ClientInfo{})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, identity.ErrUnauthorized):
				unknown = append(unknown, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d of %d concurrent refreshes succeeded; want exactly 1", wins, n)
	}
	if len(unknown) > 0 {
		t.Fatalf("losers failed with unexpected errors: %v", unknown)
	}
}

func TestLogout(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "uma@example.com")
	res := e.login(t, "uma@example.com")
	keep := e.login(t, "uma@example.com")

	if err := e.id.Logout(ctx, res.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err := e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	// Logging out twice is fine.
	if err := e.id.Logout(ctx, res.RefreshToken); err != nil {
		t.Fatalf("second logout: %v", err)
	}
	for _, tok := range []string{"", "unknown-token"} {
		if err := e.id.Logout(ctx, tok); err != nil {
			t.Fatalf("Logout(%q) = %v, want nil", tok, err)
		}
	}
	// Only that session ended.
	if _, err := e.id.Refresh(ctx, keep.RefreshToken, "", identity.ClientInfo{}); err != nil {
		t.Fatalf("other session after logout: %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "vic@example.com")
	res := e.login(t, "vic@example.com")

	for name, tok := range map[string]string{
		"empty":               "",
		"garbage":             "garbage",
		"three garbage parts": "a.b.c",
		"tampered":            res.AccessToken[:len(res.AccessToken)-4] + "AAAA",
		"refresh token":       res.RefreshToken,
	} {
		t.Run(name, func(t *testing.T) {
			p, err := e.id.Authenticate(ctx, tok)
			if p != nil {
				t.Fatalf("principal %+v for a bad token", p)
			}
			wantErr(t, err, identity.ErrUnauthorized)
			wantCode(t, err, identity.CodeUnauthorized)
		})
	}

	// Expired.
	e.clock.Advance(25 * time.Hour)
	_, err := e.id.Authenticate(ctx, res.AccessToken)
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeTokenExpired)
}

// TestAuthenticateOtherEnvironment: a token of one environment is refused
// by another sharing the store.
func TestAuthenticateOtherEnvironment(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "wes@example.com")
	res := e.login(t, "wes@example.com")
	other := e.newIdentity(t, identity.WithEnvironmentID("other"))
	if _, _, err := other.EnsureEnvironment(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err := other.Authenticate(ctx, res.AccessToken)
	wantErr(t, err, identity.ErrUnauthorized)
	_, err = other.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestPrincipalContext(t *testing.T) {
	ctx := context.Background()
	if p, ok := identity.FromContext(ctx); ok || p != nil {
		t.Fatal("empty context has a principal")
	}
	want := &identity.Principal{UserID: "u", TenantID: "t"}
	got, ok := identity.FromContext(identity.NewContext(ctx, want))
	if !ok || got != want {
		t.Fatalf("FromContext = %v, %v", got, ok)
	}
	if _, ok := identity.FromContext(identity.NewContext(ctx, nil)); ok {
		t.Fatal("nil principal reported as present")
	}
}

// TestAuthenticateAlgorithmPinning: tokens signed with another algorithm
// or key are refused, and probing with HS256 tokens does not make an RS256
// environment start accepting (or generate a secret for) HS256.
func TestAuthenticateAlgorithmPinning(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "pin@example.com")
	cfg, err := e.id.GetVendorConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{
		"sub": u.ID, "tenantId": u.TenantID, "tenantIds": []string{u.TenantID}, "type": identity.TokenTypeUser,
		"iat": e.clock.Now().Unix(), "exp": e.clock.Now().Add(time.Hour).Unix(),
	}
	forge := func(method jwt.SigningMethod, key any) string {
		t.Helper()
		s, err := jwt.NewWithClaims(method, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, tok := range map[string]string{
		"none":                   forge(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType),
		"HS256 with the RSA PEM": forge(jwt.SigningMethodHS256, []byte(cfg.PublicKey)),
		"HS256 with a guess":     forge(jwt.SigningMethodHS256, []byte("secret")),
		"HS256 with empty key":   forge(jwt.SigningMethodHS256, []byte{}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.id.Authenticate(ctx, tok)
			wantErr(t, err, identity.ErrUnauthorized)
		})
	}
	stored, err := e.st.GetConfig(ctx, e.id.EnvironmentID())
	if err == nil && stored.JWTSecret != "" {
		t.Fatal("an unauthenticated HS256 probe generated an HS256 secret for an RS256 environment")
	}
	if cfg, err := e.id.GetVendorConfig(ctx); err != nil || cfg.JWTSecret != "" {
		t.Fatalf("jwtSecret = %q, %v; want none while the environment signs with RS256", cfg.JWTSecret, err)
	}
}

// TestLogsHoldNoSecrets runs the flows that log (refresh-token reuse, a
// sign-up without a mailer, a password rehash) and checks that no password,
// refresh token or activation token reaches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	e := newTestEnv(t, identity.WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	e.user(t, "log@example.com")
	first := e.login(t, "log@example.com")
	second, err := e.id.Refresh(ctx, first.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.Refresh(ctx, first.RefreshToken, "", identity.ClientInfo{}); err == nil {
		t.Fatal("reuse accepted")
	}
	noMailer := e.newIdentity(t, identity.WithMailer(nil), identity.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	if _, err := noMailer.SignUp(ctx, identity.SignUpInput{Email: "nomail@example.com", Password: testPassword, CompanyName: "C"}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if !strings.Contains(logs, "reused") || !strings.Contains(logs, "no mailer") {
		t.Fatalf("expected log lines missing:\n%s", logs)
	}
	for _, secret := range []string{testPassword, first.RefreshToken, second.RefreshToken, e.creds.Secret} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret reached the log:\n%s", logs)
		}
	}
}
