package tokens_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/tokens"
)

const (
	testIss = "https://auth.example.com"
	testAud = "app"
)

var hsSecret = []byte("0123456789abcdef0123456789abcdef")

type fixture struct {
	st  *keyStore
	clk *clock
	km  *tokens.KeyManager
	iss *tokens.Issuer
}

// newFixture returns an Issuer with issuer, audience and a settable clock,
// over a KeyManager with 1024-bit keys; extra options come last.
func newFixture(t testing.TB, opts ...tokens.IssuerOption) *fixture {
	t.Helper()
	f := &fixture{st: &keyStore{}, clk: newClock()}
	f.km = tokens.NewKeyManager(f.st, testEnv, tokens.WithKeyClock(f.clk.Now), tokens.WithKeyBits(1024))
	f.iss = tokens.NewIssuer(f.km, append([]tokens.IssuerOption{
		tokens.WithIssuer(testIss), tokens.WithAudience(testAud), tokens.WithClock(f.clk.Now),
	}, opts...)...)
	return f
}

func withHS(secret []byte) tokens.IssuerOption {
	return tokens.WithHS256Secret(func(context.Context) ([]byte, error) { return secret, nil })
}

func userClaims() *tokens.Claims {
	return &tokens.Claims{
		TenantID:    "t1",
		TenantIDs:   []string{"t1"},
		Type:        tokens.TypeUserToken,
		Roles:       []string{"Admin"},
		Permissions: []string{"fe.secure.read.users"},
		Email:       "ann@example.com",
		Name:        "Ann",
		SessionID:   "s1",
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: "u1",
		},
		Extra: map[string]any{"department": "R&D"},
	}
}

func (f *fixture) sign(t testing.TB, alg string, ttl time.Duration) string {
	t.Helper()
	tok, _, err := f.iss.Sign(context.Background(), alg, userClaims(), ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestSignVerifyRS256(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	in := userClaims()
	before := *in
	tok, exp, err := f.iss.Sign(ctx, tokens.AlgRS256, in, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(f.clk.Now().Add(time.Hour)) {
		t.Fatalf("expiresAt = %v, want %v", exp, f.clk.Now().Add(time.Hour))
	}
	if in.ExpiresAt != nil || in.Issuer != "" || in.Audience != nil || !slices.Equal(in.Roles, before.Roles) {
		t.Fatalf("Sign modified the caller's claims: %+v", in)
	}
	k, err := f.km.Active(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["kid"] != k.ID || parsed.Header["alg"] != "RS256" {
		t.Fatalf("header %v, want kid %s alg RS256", parsed.Header, k.ID)
	}

	f.clk.Advance(59 * time.Minute)
	c, err := f.iss.Verify(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "u1" || c.TenantID != "t1" || c.Type != tokens.TypeUserToken ||
		!slices.Equal(c.Roles, []string{"Admin"}) || c.Issuer != testIss ||
		!slices.Equal(c.Audience, jwt.ClaimStrings{testAud}) || c.Extra["department"] != "R&D" {
		t.Fatalf("claims %+v", c)
	}
	if !c.ExpiresAt.Time.Equal(exp) || !c.IssuedAt.Time.Equal(exp.Add(-time.Hour)) || !c.NotBefore.Equal(c.IssuedAt.Time) {
		t.Fatalf("iat %v nbf %v exp %v", c.IssuedAt, c.NotBefore, c.ExpiresAt)
	}
}

func TestSignKeepsCallerIssuerAndAudience(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := userClaims()
	c.Issuer = "other"
	c.Audience = jwt.ClaimStrings{"x", testAud}
	tok, _, err := f.iss.Sign(ctx, tokens.AlgRS256, c, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var got jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &got); err != nil {
		t.Fatal(err)
	}
	if got.Issuer != "other" || !slices.Equal(got.Audience, jwt.ClaimStrings{"x", testAud}) {
		t.Fatalf("iss %q aud %v", got.Issuer, got.Audience)
	}
	// And Verify, configured for testIss, refuses the foreign issuer.
	if _, err := f.iss.Verify(ctx, tok); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("foreign issuer: err = %v", err)
	}
}

func TestSignVerifyHS256(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, withHS(hsSecret))
	tok, _, err := f.iss.Sign(ctx, tokens.AlgHS256, userClaims(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parsed, _, _ := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if parsed.Header["alg"] != "HS256" {
		t.Fatalf("alg %v", parsed.Header["alg"])
	}
	// The exact secret verifies it (no key derivation, so other HS256
	// implementations interoperate).
	if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return hsSecret, nil },
		jwt.WithTimeFunc(f.clk.Now), jwt.WithValidMethods([]string{"HS256"})); err != nil {
		t.Fatalf("golang-jwt with the secret: %v", err)
	}
	c, err := f.iss.Verify(ctx, tok)
	if err != nil || c.Subject != "u1" {
		t.Fatalf("Verify: %+v, %v", c, err)
	}
	// RS256 still works beside HS256.
	if _, err := f.iss.Verify(ctx, f.sign(t, tokens.AlgRS256, time.Minute)); err != nil {
		t.Fatal(err)
	}
	if f.st.count(testEnv) != 1 {
		t.Fatalf("%d keys stored", f.st.count(testEnv))
	}
}

func TestSignErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for _, alg := range []string{"ES256", "none", "", "rs256", tokens.AlgHS256} {
		if _, _, err := f.iss.Sign(ctx, alg, userClaims(), time.Minute); !errors.Is(err, tokens.ErrUnsupportedAlgorithm) {
			t.Errorf("Sign(%q): err = %v, want ErrUnsupportedAlgorithm", alg, err)
		}
	}
	empty := newFixture(t, withHS(nil))
	if _, _, err := empty.iss.Sign(ctx, tokens.AlgHS256, userClaims(), time.Minute); !errors.Is(err, tokens.ErrUnsupportedAlgorithm) {
		t.Errorf("HS256 with empty secret: err = %v", err)
	}
	if _, _, err := f.iss.Sign(ctx, tokens.AlgRS256, nil, time.Minute); err == nil {
		t.Error("signed nil claims")
	}
	if _, _, err := f.iss.Sign(ctx, tokens.AlgRS256, userClaims(), 0); err == nil {
		t.Error("signed with zero lifetime")
	}
	boom := errors.New("config unavailable")
	failing := newFixture(t, tokens.WithHS256Secret(func(context.Context) ([]byte, error) { return nil, boom }))
	if _, _, err := failing.iss.Sign(ctx, tokens.AlgHS256, userClaims(), time.Minute); !errors.Is(err, boom) {
		t.Errorf("provider error: err = %v", err)
	}
	f.st.fail.Store(true) // f has not loaded its keys yet
	if _, _, err := f.iss.Sign(ctx, tokens.AlgRS256, userClaims(), time.Minute); !errors.Is(err, errStoreDown) {
		t.Errorf("store down: err = %v", err)
	}
}

// rawToken signs claims with golang-jwt directly, for crafting bad tokens.
func rawToken(t *testing.T, m jwt.SigningMethod, claims jwt.Claims, kid string, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRefusals(t *testing.T) {
	ctx := context.Background()
	for _, hs := range []bool{false, true} {
		name := "rs-only"
		var opts []tokens.IssuerOption
		if hs {
			name = "with-hs256"
			opts = append(opts, withHS(hsSecret))
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, opts...)
			key, err := f.km.Active(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pemKey, err := f.km.PublicKeyPEM(ctx)
			if err != nil {
				t.Fatal(err)
			}
			now := f.clk.Now()
			valid := func() *tokens.Claims { return validAt(now) }
			with := func(mod func(c *tokens.Claims)) *tokens.Claims {
				c := valid()
				mod(c)
				return c
			}
			// The crafted-token helper must itself produce a token Verify
			// accepts, or the refusals below prove nothing.
			good := rawToken(t, jwt.SigningMethodRS256, valid(), key.ID, key.Private)
			if _, err := f.iss.Verify(ctx, good); err != nil {
				t.Fatalf("control token refused: %v", err)
			}
			other, err := rsa.GenerateKey(rand.Reader, 1024)
			if err != nil {
				t.Fatal(err)
			}
			parts := strings.Split(good, ".")
			forged := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","tenantId":"t2","roles":["Admin"],"permissions":[],"tenantIds":[],"iss":"` + testIss + `","aud":["` + testAud + `"],"exp":9999999999}`))

			tests := []struct {
				name    string
				token   string
				expired bool
			}{
				{"alg none", rawToken(t, jwt.SigningMethodNone, valid(), key.ID, jwt.UnsafeAllowNoneSignatureType), false},
				{"alg none without kid", rawToken(t, jwt.SigningMethodNone, valid(), "", jwt.UnsafeAllowNoneSignatureType), false},
				{"HS256 keyed with the public key PEM", rawToken(t, jwt.SigningMethodHS256, valid(), key.ID, []byte(pemKey)), false},
				{"HS256 keyed with the public key PEM, no kid", rawToken(t, jwt.SigningMethodHS256, valid(), "", []byte(pemKey)), false},
				{"HS256 with a wrong secret", rawToken(t, jwt.SigningMethodHS256, valid(), "", []byte("guess")), false},
				{"RS512 with the real key", rawToken(t, jwt.SigningMethodRS512, valid(), key.ID, key.Private), false},
				{"PS256 with the real key", rawToken(t, jwt.SigningMethodPS256, valid(), key.ID, key.Private), false},
				{"random kid", rawToken(t, jwt.SigningMethodRS256, valid(), "4f1c2b8e-0000-4000-8000-000000000000", key.Private), false},
				{"missing kid", rawToken(t, jwt.SigningMethodRS256, valid(), "", key.Private), false},
				{"other key under the real kid", rawToken(t, jwt.SigningMethodRS256, valid(), key.ID, other), false},
				{"tampered payload", parts[0] + "." + forged + "." + parts[2], false},
				{"tampered signature", good[:len(good)-4] + "AAAA", false},
				{"truncated", parts[0] + "." + parts[1], false},
				{"garbage", "not.a.jwt", false},
				{"empty", "", false},
				{"expired", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) {
					c.IssuedAt = jwt.NewNumericDate(now.Add(-2 * time.Hour))
					c.NotBefore = c.IssuedAt
					c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
				}), key.ID, key.Private), true},
				{"expired beyond leeway", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) {
					c.ExpiresAt = jwt.NewNumericDate(now.Add(-6 * time.Second))
					c.IssuedAt = jwt.NewNumericDate(now.Add(-time.Minute))
					c.NotBefore = c.IssuedAt
				}), key.ID, key.Private), true},
				{"no exp", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) { c.ExpiresAt = nil }), key.ID, key.Private), false},
				{"nbf in the future", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) {
					c.NotBefore = jwt.NewNumericDate(now.Add(time.Minute))
				}), key.ID, key.Private), false},
				{"iat in the future", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) {
					c.IssuedAt = jwt.NewNumericDate(now.Add(time.Minute))
				}), key.ID, key.Private), false},
				{"wrong iss", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) { c.Issuer = "https://evil.example.com" }), key.ID, key.Private), false},
				{"missing iss", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) { c.Issuer = "" }), key.ID, key.Private), false},
				{"wrong aud", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) { c.Audience = jwt.ClaimStrings{"other-app"} }), key.ID, key.Private), false},
				{"missing aud", rawToken(t, jwt.SigningMethodRS256, with(func(c *tokens.Claims) { c.Audience = nil }), key.ID, key.Private), false},
			}
			if !hs {
				tests = append(tests, struct {
					name    string
					token   string
					expired bool
				}{"HS256 when HS256 is not enabled", rawToken(t, jwt.SigningMethodHS256, valid(), "", hsSecret), false})
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					c, err := f.iss.Verify(ctx, tt.token)
					if err == nil {
						t.Fatalf("accepted: %+v", c)
					}
					if c != nil {
						t.Errorf("claims returned with the error: %+v", c)
					}
					if !errors.Is(err, tokens.ErrInvalidToken) {
						t.Errorf("err = %v, does not wrap ErrInvalidToken", err)
					}
					if got := errors.Is(err, tokens.ErrExpired); got != tt.expired {
						t.Errorf("errors.Is(err, ErrExpired) = %v, want %v (err %v)", got, tt.expired, err)
					}
				})
			}
		})
	}
}

func TestVerifyLeeway(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tok := f.sign(t, tokens.AlgRS256, time.Minute)
	f.clk.Advance(time.Minute + 4*time.Second) // within the default 5 s
	if _, err := f.iss.Verify(ctx, tok); err != nil {
		t.Fatalf("within leeway: %v", err)
	}
	f.clk.Advance(2 * time.Second)
	if _, err := f.iss.Verify(ctx, tok); !errors.Is(err, tokens.ErrExpired) {
		t.Fatalf("beyond leeway: err = %v", err)
	}

	strict := tokens.NewIssuer(f.km, tokens.WithClock(f.clk.Now), tokens.WithLeeway(0))
	tok2, exp, err := strict.Sign(ctx, tokens.AlgRS256, userClaims(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(exp.Sub(f.clk.Now()) + time.Second)
	if _, err := strict.Verify(ctx, tok2); !errors.Is(err, tokens.ErrExpired) {
		t.Fatalf("zero leeway, 1 s past exp: err = %v", err)
	}
}

// TestVerifyHS256Secret covers the HS256 secret provider at verification:
// an empty secret disables HS256, a failing provider is a server fault.
func TestVerifyHS256Secret(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, withHS(hsSecret))
	tok := f.sign(t, tokens.AlgHS256, time.Minute)

	off := tokens.NewIssuer(f.km, tokens.WithIssuer(testIss), tokens.WithAudience(testAud),
		tokens.WithClock(f.clk.Now), withHS(nil))
	if _, err := off.Verify(ctx, tok); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("empty secret: err = %v", err)
	}
	boom := errors.New("config unavailable")
	failing := tokens.NewIssuer(f.km, tokens.WithIssuer(testIss), tokens.WithAudience(testAud), tokens.WithClock(f.clk.Now),
		tokens.WithHS256Secret(func(context.Context) ([]byte, error) { return nil, boom }))
	_, err := failing.Verify(ctx, tok)
	if !errors.Is(err, boom) || errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("provider error: err = %v; want it wrapped, and not ErrInvalidToken", err)
	}
	rotated := tokens.NewIssuer(f.km, tokens.WithIssuer(testIss), tokens.WithAudience(testAud),
		tokens.WithClock(f.clk.Now), withHS([]byte("another secret of enough length!")))
	if _, err := rotated.Verify(ctx, tok); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("changed secret: err = %v", err)
	}
}

// TestVerifyWithoutIssuerAudience: with neither option set, iss and aud are
// not required.
func TestVerifyWithoutIssuerAudience(t *testing.T) {
	ctx := context.Background()
	st := &keyStore{}
	km := tokens.NewKeyManager(st, testEnv, tokens.WithKeyBits(1024))
	iss := tokens.NewIssuer(km)
	tok, _, err := iss.Sign(ctx, tokens.AlgRS256, userClaims(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c, err := iss.Verify(ctx, tok)
	if err != nil || c.Issuer != "" || len(c.Audience) != 0 {
		t.Fatalf("Verify: %+v, %v", c, err)
	}
}

// FuzzVerify: Verify never panics, refuses with ErrInvalidToken, and accepts
// nothing but what the Issuer signed (here, only subject u1 ever is).
func FuzzVerify(f *testing.F) {
	fx := newFixture(f, withHS(hsSecret))
	f.Add(fx.sign(f, tokens.AlgRS256, time.Hour))
	f.Add(fx.sign(f, tokens.AlgHS256, time.Hour))
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSJ9.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := fx.iss.Verify(context.Background(), tok)
		if err != nil {
			if !errors.Is(err, tokens.ErrInvalidToken) {
				t.Fatalf("refusal without ErrInvalidToken: %v", err)
			}
			return
		}
		if c.Subject != "u1" {
			t.Fatalf("accepted a token never issued: %+v", c)
		}
	})
}
