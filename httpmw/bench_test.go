package httpmw_test

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
	"github.com/yolkauth/yolk/tokens"
)

// benchToken returns an Identity (production 2048-bit keys) and a user
// access token it issued.
func benchToken(b *testing.B) (*identity.Identity, string) {
	b.Helper()
	ctx := context.Background()
	id, err := identity.New(memory.New())
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(ctx, "", ""); err != nil {
		b.Fatal(err)
	}
	t, err := id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := id.CreateUser(ctx, identity.CreateUserInput{Email: "bench@example.com", Password: "bench-password", TenantID: t.TenantID}); err != nil {
		b.Fatal(err)
	}
	res, err := id.Login(ctx, identity.LoginInput{Email: "bench@example.com", Password: "bench-password"}, identity.ClientInfo{})
	if err != nil {
		b.Fatal(err)
	}
	return id, res.AccessToken
}

// BenchmarkVerifyAccessToken is the middleware's whole path: Authorization
// header → verified claims in the request context. Judge it against
// BenchmarkJWTVerifyRaw below.
func BenchmarkVerifyAccessToken(b *testing.B) {
	id, token := benchToken(b)
	var sub string
	h := httpmw.RequireUser(id)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := identity.FromContext(r.Context())
		sub = p.UserID
	}))
	req := httptest.NewRequest(http.MethodGet, "/app", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, req)
	}
	b.StopTimer()
	if sub == "" || w.Code != http.StatusOK {
		b.Fatalf("middleware refused the token: %d", w.Code)
	}
}

// BenchmarkJWTVerifyRaw is the floor: a bare golang-jwt RS256 verification
// of the same token with the public key already parsed.
func BenchmarkJWTVerifyRaw(b *testing.B) {
	id, token := benchToken(b)
	cfg, err := id.GetVendorConfig(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	pub, err := jwt.ParseRSAPublicKeyFromPEM([]byte(cfg.PublicKey))
	if err != nil {
		b.Fatal(err)
	}
	keyFunc := func(*jwt.Token) (any, error) { return (*rsa.PublicKey)(pub), nil }
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var c tokens.Claims
		if _, err := parser.ParseWithClaims(token, &c, keyFunc); err != nil {
			b.Fatal(err)
		}
	}
}
