package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

func TestRotateSigningKey(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	env.user(t, "rotate@example.com")
	before := env.login(t, "rotate@example.com")
	oldCfg, err := env.id.GetVendorConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.id.RotateSigningKey(ctx); err != nil {
		t.Fatal(err)
	}
	newCfg, err := env.id.GetVendorConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if newCfg.PublicKey == oldCfg.PublicKey {
		t.Fatal("publicKey did not change after rotation")
	}
	jwks, err := env.id.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 2 {
		t.Fatalf("JWKS has %d keys after rotation, want old and new", len(jwks.Keys))
	}
	if _, err := env.id.Authenticate(ctx, before.AccessToken); err != nil {
		t.Fatalf("token signed before rotation refused: %v", err)
	}
	after := env.login(t, "rotate@example.com")
	if _, err := env.id.Authenticate(ctx, after.AccessToken); err != nil {
		t.Fatalf("token signed after rotation refused: %v", err)
	}
	// Past every lifetime the old key is gone and its tokens with it.
	env.clock.Advance(25 * time.Hour)
	if _, err := env.id.Authenticate(ctx, before.AccessToken); !errors.Is(err, identity.ErrUnauthorized) {
		t.Fatalf("old token after the old key retired: %v, want ErrUnauthorized", err)
	}
	jwks, err = env.id.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 1 || jwks.Keys[0].Kid == "" {
		t.Fatalf("JWKS after the old key's verification window: %d keys, want only the new one", len(jwks.Keys))
	}
}
