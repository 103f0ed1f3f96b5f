package tokens_test

import (
	"context"
	"crypto/rsa"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/tokens"
)

// benchEnv is shared by the benchmarks: generating a 2048-bit key (the
// production size) takes longer than most of them run.
var benchEnv = sync.OnceValue(func() *benchSetup {
	km := tokens.NewKeyManager(&keyStore{}, testEnv)
	iss := tokens.NewIssuer(km, tokens.WithIssuer(testIss), tokens.WithAudience(testAud), withHS(hsSecret))
	ctx := context.Background()
	k, err := km.Active(ctx)
	if err != nil {
		panic(err)
	}
	tok, _, err := iss.Sign(ctx, tokens.AlgRS256, benchClaims(), time.Hour)
	if err != nil {
		panic(err)
	}
	return &benchSetup{iss: iss, pub: k.Public, token: tok}
})

type benchSetup struct {
	iss   *tokens.Issuer
	pub   *rsa.PublicKey
	token string
}

// benchClaims is a typical user access token: a few tenants, roles and a
// dozen permissions.
func benchClaims() *tokens.Claims {
	return &tokens.Claims{
		TenantID:  "9f3c1a52-6d0e-4c8b-a1f7-3e2d5b8c9a01",
		TenantIDs: []string{"9f3c1a52-6d0e-4c8b-a1f7-3e2d5b8c9a01", "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"},
		Type:      tokens.TypeUserToken,
		Roles:     []string{"Admin", "ReadOnly"},
		Permissions: []string{
			"fe.account-settings.read", "fe.account-settings.write", "fe.secure.read.users",
			"fe.secure.write.users", "fe.secure.delete.users", "fe.secure.read.roles",
			"fe.secure.write.roles", "fe.secure.read.audits", "fe.secure.read.apiTokens",
			"fe.secure.write.apiTokens", "fe.connectivity.read", "fe.subscriptions.read",
		},
		Email:             "ann.example@example.com",
		EmailVerified:     true,
		Name:              "Ann Example",
		Metadata:          map[string]any{"plan": "pro"},
		ProfilePictureURL: "https://www.gravatar.com/avatar/00000000000000000000000000000000?d=mp",
		AMR:               []string{"pwd", "mfa"},
		AuthTime:          time.Now().Unix(),
		SessionID:         "5c8e2f1a-9b3d-4e7f-8a6c-2d1b0e9f8a7c",
		RegisteredClaims:  jwt.RegisteredClaims{Subject: "0d9f8e7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c"},
	}
}

// BenchmarkJWTVerifyRaw is the floor: bare golang-jwt RS256 verification
// with a fixed public key.
func BenchmarkJWTVerifyRaw(b *testing.B) {
	s := benchEnv()
	keyFunc := func(*jwt.Token) (any, error) { return s.pub, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jwt.Parse(s.token, keyFunc, jwt.WithValidMethods([]string{"RS256"})); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssuerVerify is Issuer.Verify of the same token.
func BenchmarkIssuerVerify(b *testing.B) {
	s := benchEnv()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.iss.Verify(ctx, s.token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssuerSignRS256 signs a user token with the 2048-bit key.
func BenchmarkIssuerSignRS256(b *testing.B) {
	s := benchEnv()
	ctx := context.Background()
	c := benchClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.iss.Sign(ctx, tokens.AlgRS256, c, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssuerSignHS256 signs the same token with HS256.
func BenchmarkIssuerSignHS256(b *testing.B) {
	s := benchEnv()
	ctx := context.Background()
	c := benchClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.iss.Sign(ctx, tokens.AlgHS256, c, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
