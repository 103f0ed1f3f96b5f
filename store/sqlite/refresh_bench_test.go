package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/sqlite"
)

// benchRefresh measures identity.Refresh on a SQLite file: look up the
// token, rotate it (the same rows BenchmarkRawSQLiteWrite writes, through
// the Store and its transaction), and sign a new access token with alg.
// Judge the storage part against BenchmarkRawSQLiteWrite: with HS256 the
// signature is cheap, so the rest of the cost is the library's.
func benchRefresh(b *testing.B, alg string) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	id, err := identity.New(st)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(ctx, "", ""); err != nil {
		b.Fatal(err)
	}
	if _, err := id.UpdateVendorConfig(ctx, identity.VendorConfigUpdate{JWTAlgorithm: &alg}); err != nil {
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
	token := res.RefreshToken
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := id.Refresh(ctx, token, "", identity.ClientInfo{})
		if err != nil {
			b.Fatal(err)
		}
		token = res.RefreshToken
	}
}

// BenchmarkRefresh is a refresh with the default RS256 access token.
func BenchmarkRefresh(b *testing.B) { benchRefresh(b, "RS256") }

// BenchmarkRefreshHS256 is a refresh whose access token is HS256-signed,
// which leaves mostly the storage work to measure.
func BenchmarkRefreshHS256(b *testing.B) { benchRefresh(b, "HS256") }
