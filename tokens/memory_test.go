package tokens_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store/memory"
	"github.com/yolkauth/yolk/tokens"
)

// TestWithMemoryStore runs creation, concurrency and an immediate rotation
// (both keys with the same creation time) against the reference store.
func TestWithMemoryStore(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	clk := newClock()
	km := tokens.NewKeyManager(st, testEnv, tokens.WithKeyClock(clk.Now), tokens.WithKeyBits(1024))
	iss := tokens.NewIssuer(km, tokens.WithClock(clk.Now))

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := km.Active(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	recs, err := st.ListSigningKeys(ctx, testEnv)
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d keys stored, %v", len(recs), err)
	}
	k1 := recs[0].ID

	old, _, err := iss.Sign(ctx, tokens.AlgRS256, userClaims(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := km.Rotate(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// A second manager, as another process would, agrees on the signer.
	other := tokens.NewKeyManager(st, testEnv, tokens.WithKeyClock(clk.Now))
	for _, m := range []*tokens.KeyManager{km, other} {
		if a, err := m.Active(ctx); err != nil || a.ID != k2.ID {
			t.Fatalf("Active = %v, %v; want %s", a, err, k2.ID)
		}
		if got := jwksKids(t, m); len(got) != 2 || got[0] != k2.ID || got[1] != k1 {
			t.Fatalf("JWKS kids %v, want [%s %s]", got, k2.ID, k1)
		}
	}
	if _, err := tokens.NewIssuer(other, tokens.WithClock(clk.Now)).Verify(ctx, old); err != nil {
		t.Fatalf("token of the retired key: %v", err)
	}
	clk.Advance(time.Hour)
	if _, err := iss.Verify(ctx, old); err == nil {
		t.Fatal("token of the retired key verified after VerifyUntil")
	}
}
