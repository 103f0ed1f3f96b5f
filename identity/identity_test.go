package identity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

func TestNewRefusesNilStore(t *testing.T) {
	id, err := identity.New(nil)
	if err == nil || id != nil {
		t.Fatalf("New(nil) = %v, %v; want an error", id, err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	cases := map[string]identity.Option{
		"argon2 zero memory":   identity.WithArgon2Params(argon2id.Params{Memory: 0, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		"argon2 zero passes":   identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		"argon2 short key":     identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 8}),
		"signing key 512 bits": identity.WithSigningKeyBits(512),
		"nil clock":            identity.WithClock(nil),
		"nil rand":             identity.WithRand(nil),
		"nil logger":           identity.WithLogger(nil),
		"empty environment id": identity.WithEnvironmentID(""),
	}
	for name, opt := range cases {
		t.Run(name, func(t *testing.T) {
			id, err := identity.New(memory.New(), opt)
			if err == nil || id != nil {
				t.Fatalf("New = %v, %v; want an error", id, err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	id, err := identity.New(memory.New())
	if err != nil {
		t.Fatal(err)
	}
	if id.EnvironmentID() != identity.DefaultEnvironmentID {
		t.Errorf("EnvironmentID = %q, want %q", id.EnvironmentID(), identity.DefaultEnvironmentID)
	}
	if id.Store() == nil {
		t.Error("Store() is nil")
	}
}

// TestProductionArgon2Params pins the production password-hash cost and
// proves an Identity without WithArgon2Params hashes with it.
func TestProductionArgon2Params(t *testing.T) {
	want := argon2id.Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if identity.DefaultArgon2Params != want {
		t.Fatalf("DefaultArgon2Params = %+v, want %+v", identity.DefaultArgon2Params, want)
	}
	ctx := context.Background()
	st := memory.New()
	clock := newFakeClock()
	id, err := identity.New(st, identity.WithSigningKeyBits(1024), identity.WithClock(clock.Now), identity.WithMailer(delivery.NewOutbox()))
	if err != nil {
		t.Fatal(err)
	}
	tn, err := id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := id.CreateUser(ctx, identity.CreateUserInput{Email: "prod@example.com", Password: testPassword, TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := st.GetPassword(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cred.Hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("stored hash %q does not use the production parameters", cred.Hash)
	}
	params, _, _, err := argon2id.DecodeHash(cred.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if params.SaltLength != 16 || params.KeyLength != 32 {
		t.Fatalf("salt/key length = %d/%d, want 16/32", params.SaltLength, params.KeyLength)
	}
}

// TestRehashOnLogin: a hash made under other parameters is upgraded to the
// current ones by the next successful login, and only then.
func TestRehashOnLogin(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "rehash@example.com")
	cred, err := e.st.GetPassword(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cred.Hash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash under params A = %q", cred.Hash)
	}

	paramsB := argon2id.Params{Memory: 2048, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	idB := e.newIdentity(t, identity.WithArgon2Params(paramsB))

	// A wrong password changes nothing.
	if _, err := idB.Login(ctx, identity.LoginInput{Email: u.Email, Password: "wrong password"}, identity.ClientInfo{}); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	if c, _ := e.st.GetPassword(ctx, u.ID); c.Hash != cred.Hash {
		t.Fatal("a failed login rewrote the hash")
	}

	if _, err := idB.Login(ctx, identity.LoginInput{Email: u.Email, Password: testPassword}, identity.ClientInfo{}); err != nil {
		t.Fatalf("login under params B: %v", err)
	}
	after, err := e.st.GetPassword(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(after.Hash, "$argon2id$v=19$m=2048,t=2,p=1$") {
		t.Fatalf("hash after login = %q, want params B", after.Hash)
	}
	// The upgraded hash still verifies, under both Identities.
	if _, err := idB.Login(ctx, identity.LoginInput{Email: u.Email, Password: testPassword}, identity.ClientInfo{}); err != nil {
		t.Fatalf("second login under params B: %v", err)
	}
	if _, err := e.id.Login(ctx, identity.LoginInput{Email: u.Email, Password: testPassword}, identity.ClientInfo{}); err != nil {
		t.Fatalf("login under params A after upgrade: %v", err)
	}
}
