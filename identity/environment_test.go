package identity_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

func TestEnsureEnvironment(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	st := memory.New()
	id, err := identity.New(st, identity.WithArgon2Params(cheapArgon2), identity.WithSigningKeyBits(1024), identity.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}

	creds, created, err := id.EnsureEnvironment(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if !created || creds.ClientID == "" || creds.Secret == "" {
		t.Fatalf("first EnsureEnvironment = %+v, created=%v; want generated credentials", creds, created)
	}
	if got, err := id.ClientID(ctx); err != nil || got != creds.ClientID {
		t.Fatalf("ClientID = %q, %v; want %q", got, err, creds.ClientID)
	}
	env, err := st.GetEnvironment(ctx, identity.DefaultEnvironmentID)
	if err != nil {
		t.Fatal(err)
	}
	if string(env.SecretHash) == creds.Secret {
		t.Fatal("the secret is stored in the clear")
	}
	if _, err := id.AuthenticateVendor(ctx, creds.ClientID, creds.Secret); err != nil {
		t.Fatalf("generated credentials refused: %v", err)
	}

	again, created, err := id.EnsureEnvironment(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if created || again.ClientID != creds.ClientID || again.Secret != "" {
		t.Fatalf("second EnsureEnvironment = %+v, created=%v; want the same client id, no secret", again, created)
	}
	if _, err := id.AuthenticateVendor(ctx, creds.ClientID, creds.Secret); err != nil {
		t.Fatalf("credentials changed by a no-op EnsureEnvironment: %v", err)
	}

	// Given credentials replace the stored ones.
	given, created, err := id.EnsureEnvironment(ctx, "my-client-id", "my-new-secret")
	if err != nil {
		t.Fatal(err)
	}
	if created || given.ClientID != "my-client-id" || given.Secret != "my-new-secret" {
		t.Fatalf("EnsureEnvironment(given) = %+v, created=%v", given, created)
	}
	if _, err := id.AuthenticateVendor(ctx, "my-client-id", "my-new-secret"); err != nil {
		t.Fatalf("new credentials refused: %v", err)
	}
	_, err = id.AuthenticateVendor(ctx, creds.ClientID, creds.Secret)
	wantErr(t, err, identity.ErrUnauthorized)
	_, err = id.AuthenticateVendor(ctx, "my-client-id", creds.Secret)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestEnsureEnvironmentWithGivenCredentials(t *testing.T) {
	ctx := context.Background()
	id, err := identity.New(memory.New(), identity.WithArgon2Params(cheapArgon2), identity.WithSigningKeyBits(1024))
	if err != nil {
		t.Fatal(err)
	}
	creds, created, err := id.EnsureEnvironment(ctx, "abc-def", "s3cret")
	if err != nil || !created || creds.ClientID != "abc-def" || creds.Secret != "s3cret" {
		t.Fatalf("EnsureEnvironment = %+v, %v, %v", creds, created, err)
	}
}

func TestAuthenticateVendor(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)

	tok, err := e.id.AuthenticateVendor(ctx, e.creds.ClientID, e.creds.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "" || tok.ExpiresIn != int(identity.VendorTokenTTL.Seconds()) {
		t.Fatalf("vendor token = %+v", tok)
	}
	p := e.principal(t, tok.Token)
	if !p.Vendor || p.UserID != "" || p.TenantID != "" || p.Claims.Type != identity.TokenTypeVendor {
		t.Fatalf("vendor principal = %+v", p)
	}

	for name, c := range map[string]struct{ clientID, secret string }{
		"wrong secret":   {e.creds.ClientID, "wrong"},
		"unknown client": {"nobody", e.creds.Secret},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.id.AuthenticateVendor(ctx, c.clientID, c.secret)
			ie := wantErr(t, err, identity.ErrUnauthorized)
			if ie == nil || ie.Code != identity.CodeInvalidVendorCreds {
				t.Fatalf("error = %v, want code %s", err, identity.CodeInvalidVendorCreds)
			}
		})
	}
	_, err = e.id.AuthenticateVendor(ctx, "", e.creds.Secret)
	wantField(t, err, "clientId")
	_, err = e.id.AuthenticateVendor(ctx, e.creds.ClientID, "")
	wantField(t, err, "secret")

	// The vendor token expires after VendorTokenTTL.
	e.clock.Advance(identity.VendorTokenTTL + identity.VendorTokenTTL/10)
	_, err = e.id.Authenticate(ctx, tok.Token)
	wantErr(t, err, identity.ErrUnauthorized)
}

// TestAuthenticateVendorOtherEnvironment: the credentials of one
// environment do not open another served from the same store.
func TestAuthenticateVendorOtherEnvironment(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	other := e.newIdentity(t, identity.WithEnvironmentID("other"))
	oc, _, err := other.EnsureEnvironment(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.AuthenticateVendor(ctx, oc.ClientID, oc.Secret)
	wantErr(t, err, identity.ErrUnauthorized)
	if _, err := other.AuthenticateVendor(ctx, oc.ClientID, oc.Secret); err != nil {
		t.Fatalf("own credentials refused: %v", err)
	}
}

func TestJWKS(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "jwks@example.com")
	res := e.login(t, "jwks@example.com")
	set, err := e.id.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) == 0 {
		t.Fatal("empty JWKS after signing a token")
	}
	k := set.Keys[0]
	if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.Kid == "" || k.N == "" || k.E == "" {
		t.Fatalf("JWK = %+v", k)
	}
	if kid := tokenKid(t, res.AccessToken); kid != k.Kid {
		t.Fatalf("token kid %q is not the JWKS key %q", kid, k.Kid)
	}
}

// tokenKid returns the "kid" of a JWT's header.
func tokenKid(t *testing.T, token string) string {
	t.Helper()
	head, _, ok := strings.Cut(token, ".")
	if !ok {
		t.Fatalf("%q is not a JWT", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	if h.Alg != "RS256" {
		t.Fatalf("alg = %q, want RS256", h.Alg)
	}
	return h.Kid
}
