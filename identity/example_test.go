package identity_test

import (
	"context"
	"fmt"
	"log"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

// Example shows the main flow: an Identity over the in-memory store, the
// environment, a tenant with a user, a password login, and verifying the
// access token the way a request handler would.
func Example() {
	ctx := context.Background()

	// Cheap hashing and a small signing key keep the example fast; leave
	// both at their defaults in production.
	id, err := identity.New(memory.New(),
		identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		identity.WithSigningKeyBits(1024),
	)
	if err != nil {
		log.Fatal(err)
	}
	creds, created, err := id.EnsureEnvironment(ctx, "my-client-id", "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("environment created:", created, "client id:", creds.ClientID, "secret generated:", creds.Secret != "")

	tenant, err := id.CreateTenant(ctx, identity.CreateTenantInput{TenantID: "acme", Name: "Acme"})
	if err != nil {
		log.Fatal(err)
	}
	user, err := id.CreateUser(ctx, identity.CreateUserInput{
		Email: "Ann@Example.com", Name: "Ann", Password: "s3cret-passw0rd", TenantID: tenant.ID,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("user:", user.Email, "verified:", user.Verified)

	res, err := id.Login(ctx, identity.LoginInput{Email: "ann@example.com", Password: "s3cret-passw0rd"}, identity.ClientInfo{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("logged in:", res.AccessToken != "", "expires in:", res.ExpiresIn)

	p, err := id.Authenticate(ctx, res.AccessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("principal:", p.Claims.Email, "tenant:", p.TenantID, "same user:", p.UserID == user.ID)

	// Output:
	// environment created: true client id: my-client-id secret generated: true
	// user: ann@example.com verified: true
	// logged in: true expires in: 86400
	// principal: ann@example.com tenant: acme same user: true
}
