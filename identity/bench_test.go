package identity_test

import (
	"context"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

// BenchmarkPasswordLogin is a whole password login with the production
// argon2id parameters (verify the hash, open a session, sign an RS256
// access token). Judge it against BenchmarkArgon2idHash.
func BenchmarkPasswordLogin(b *testing.B) {
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
	in := identity.LoginInput{Email: "bench@example.com", Password: "bench-password"}
	if _, err := id.Login(ctx, in, identity.ClientInfo{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := id.Login(ctx, in, identity.ClientInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArgon2idHash is the floor of a password login: one argon2id hash
// with the same (production) parameters.
func BenchmarkArgon2idHash(b *testing.B) {
	p := identity.DefaultArgon2Params
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := argon2id.CreateHash("bench-password", &p); err != nil {
			b.Fatal(err)
		}
	}
}
