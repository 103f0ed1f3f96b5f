package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/pquerna/otp"

	"github.com/yolkauth/yolk/mfa"

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

// BenchmarkMFALogin is a whole login with a second factor: the password
// (production argon2id), the MFA challenge, then an authenticator-app code
// (TOTP check, replay record, session, RS256 access token). Judge it against
// BenchmarkPasswordLogin: the second factor should add little beside the
// password hash and the signature.
func BenchmarkMFALogin(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	id, err := identity.New(memory.New(), identity.WithClock(clock))
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
	u, err := id.CreateUser(ctx, identity.CreateUserInput{Email: "bench@example.com", Password: "bench-password", TenantID: t.TenantID})
	if err != nil {
		b.Fatal(err)
	}
	p := &identity.Principal{UserID: u.ID, TenantID: t.TenantID}
	enr, err := id.PreEnrollAuthenticatorApp(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	key, err := otp.NewKeyFromURL(enr.OTPAuthURI)
	if err != nil {
		b.Fatal(err)
	}
	code := func() string {
		c, err := mfa.TOTPCode(key.Secret(), now)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	if _, err := id.EnrollAuthenticatorApp(ctx, p, code()); err != nil {
		b.Fatal(err)
	}
	in := identity.LoginInput{Email: "bench@example.com", Password: "bench-password"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Each login uses the next time step: a code works once.
		now = now.Add(mfa.TOTPPeriod * time.Second)
		ch, err := id.Login(ctx, in, identity.ClientInfo{})
		if err != nil || !ch.MFARequired {
			b.Fatalf("login: %v %+v", err, ch)
		}
		res, err := id.VerifyMFAAuthenticator(ctx, "", identity.VerifyMFAInput{MFAToken: ch.MFAToken, Value: code()}, identity.ClientInfo{})
		if err != nil || res.AccessToken == "" {
			b.Fatalf("verify: %v", err)
		}
	}
}
