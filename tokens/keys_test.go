package tokens_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

func TestActiveCreatesAndStoresOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	k, err := f.km.Active(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.km.Active(ctx)
	if err != nil || again.ID != k.ID {
		t.Fatalf("second Active: %v, %v; want key %s", again, err, k.ID)
	}
	if k.Algorithm != "RS256" || k.Private == nil || k.Public == nil || !k.Public.Equal(&k.Private.PublicKey) ||
		k.RetiredAt != nil || k.VerifyUntil != nil || !k.CreatedAt.Equal(f.clk.Now()) {
		t.Fatalf("key %+v", k)
	}
	if k.Public.N.BitLen() != 1024 {
		t.Fatalf("WithKeyBits(1024): key has %d bits", k.Public.N.BitLen())
	}
	recs, err := f.st.ListSigningKeys(ctx, testEnv)
	if err != nil || len(recs) != 1 {
		t.Fatalf("stored keys %v, %v", recs, err)
	}
	r := recs[0]
	if r.ID != k.ID || r.EnvID != testEnv || r.Algorithm != "RS256" || r.RetiredAt != nil || r.VerifyUntil != nil {
		t.Fatalf("record %+v", r)
	}
	priv, err := x509.ParsePKCS8PrivateKey(r.PrivateKey)
	if err != nil || !k.Private.Equal(priv) {
		t.Fatalf("stored PKCS#8 does not hold the key: %v", err)
	}
	// A second manager on the same store finds the key instead of making one.
	other := tokens.NewKeyManager(f.st, testEnv, tokens.WithKeyBits(1024))
	ok, err := other.Active(ctx)
	if err != nil || ok.ID != k.ID || f.st.count(testEnv) != 1 {
		t.Fatalf("second manager: %v, %v, %d keys", ok, err, f.st.count(testEnv))
	}
	// Another environment gets its own key.
	env2 := tokens.NewKeyManager(f.st, "env-2", tokens.WithKeyBits(1024))
	k2, err := env2.Active(ctx)
	if err != nil || k2.ID == k.ID || f.st.count("env-2") != 1 {
		t.Fatalf("env-2: %v, %v", k2, err)
	}
}

func TestDefaultKeyIs2048Bits(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 2048-bit key")
	}
	km := tokens.NewKeyManager(&keyStore{}, testEnv)
	k, err := km.Active(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := k.Public.N.BitLen(); got != 2048 {
		t.Fatalf("default key has %d bits, want 2048", got)
	}
}

func TestActiveConcurrent(t *testing.T) {
	ctx := context.Background()
	st := &keyStore{}
	km := tokens.NewKeyManager(st, testEnv, tokens.WithKeyBits(1024))
	const n = 20
	ids := make([]string, n)
	errs := make([]error, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range n {
		wg.Go(func() {
			start.Wait()
			k, err := km.Active(ctx)
			errs[i] = err
			if k != nil {
				ids[i] = k.ID
			}
		})
	}
	start.Done()
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("goroutine %d: key %q, %v; goroutine 0 got %q", i, ids[i], errs[i], ids[0])
		}
	}
	if c := st.count(testEnv); c != 1 {
		t.Fatalf("%d keys in the store, want 1", c)
	}
}

func TestRotation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	old := f.sign(t, tokens.AlgRS256, 2*time.Hour)
	k1, _ := f.km.Active(ctx)
	pem1, err := f.km.PublicKeyPEM(ctx)
	if err != nil {
		t.Fatal(err)
	}

	f.clk.Advance(10 * time.Minute)
	rotatedAt := f.clk.Now()
	k2, err := f.km.Rotate(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if k2.ID == k1.ID || k2.Public.Equal(k1.Public) {
		t.Fatal("Rotate returned the old key")
	}
	if a, _ := f.km.Active(ctx); a.ID != k2.ID {
		t.Fatalf("Active = %s after rotation, want %s", a.ID, k2.ID)
	}
	pem2, err := f.km.PublicKeyPEM(ctx)
	if err != nil || pem2 == pem1 || !pemHolds(t, pem2, k2.Public) {
		t.Fatalf("PublicKeyPEM after rotation: changed %v, %v", pem2 != pem1, err)
	}
	recs, _ := f.st.ListSigningKeys(ctx, testEnv)
	for _, r := range recs {
		switch r.ID {
		case k1.ID:
			if r.RetiredAt == nil || !r.RetiredAt.Equal(rotatedAt) || r.VerifyUntil == nil || !r.VerifyUntil.Equal(rotatedAt.Add(time.Hour)) {
				t.Fatalf("retired record %+v", r)
			}
		case k2.ID:
			if r.RetiredAt != nil || r.VerifyUntil != nil {
				t.Fatalf("new record %+v", r)
			}
		default:
			t.Fatalf("unexpected key %s", r.ID)
		}
	}
	fresh := f.sign(t, tokens.AlgRS256, time.Hour)
	if kidOf(t, fresh) != k2.ID {
		t.Fatalf("new token signed with %s, want %s", kidOf(t, fresh), k2.ID)
	}
	if got := jwksKids(t, f.km); len(got) != 2 || got[0] != k2.ID || got[1] != k1.ID {
		t.Fatalf("JWKS kids %v, want [%s %s]", got, k2.ID, k1.ID)
	}

	f.clk.Advance(59 * time.Minute)
	for _, tok := range []string{old, fresh} {
		if _, err := f.iss.Verify(ctx, tok); err != nil {
			t.Fatalf("before VerifyUntil: %v", err)
		}
	}

	f.clk.Advance(2 * time.Minute) // past VerifyUntil; old's exp is still ahead
	_, err = f.iss.Verify(ctx, old)
	if !errors.Is(err, tokens.ErrInvalidToken) || errors.Is(err, tokens.ErrExpired) {
		t.Fatalf("after VerifyUntil: err = %v, want ErrInvalidToken (not ErrExpired)", err)
	}
	if got := jwksKids(t, f.km); len(got) != 1 || got[0] != k2.ID {
		t.Fatalf("JWKS kids %v, want [%s]", got, k2.ID)
	}
	if _, err := f.iss.Verify(ctx, f.sign(t, tokens.AlgRS256, time.Minute)); err != nil {
		t.Fatalf("new key after VerifyUntil: %v", err)
	}
}

func TestRotateEdgeCases(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.km.Rotate(ctx, -time.Second); err == nil {
		t.Fatal("Rotate accepted a negative period")
	}
	// Rotating with no key yet just creates one.
	k, err := f.km.Rotate(ctx, time.Hour)
	if err != nil || f.st.count(testEnv) != 1 {
		t.Fatalf("Rotate on empty store: %v, %v, %d keys", k, err, f.st.count(testEnv))
	}
	tok := f.sign(t, tokens.AlgRS256, time.Hour)
	// A zero period retires the old key's tokens at once.
	if _, err := f.km.Rotate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.iss.Verify(ctx, tok); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("zero period: err = %v", err)
	}
	f.st.fail.Store(true)
	if _, err := f.km.Rotate(ctx, time.Hour); !errors.Is(err, errStoreDown) {
		t.Fatalf("store down: err = %v", err)
	}
}

func TestPublicKeyPEM(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p, err := f.km.PublicKeyPEM(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := f.km.Active(ctx)
	if !pemHolds(t, p, k.Public) {
		t.Fatal("PEM does not hold the active key")
	}
	// The Node SDK verifies with this PEM; golang-jwt's PEM parser stands in.
	pub, err := jwt.ParseRSAPublicKeyFromPEM([]byte(p))
	if err != nil {
		t.Fatal(err)
	}
	tok := f.sign(t, tokens.AlgRS256, time.Minute)
	if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(f.clk.Now)); err != nil {
		t.Fatalf("verify with the PEM: %v", err)
	}
}

func TestJWKS(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	set, err := f.km.JWKS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := f.km.Active(ctx)
	if len(set.Keys) != 1 {
		t.Fatalf("%d keys", len(set.Keys))
	}
	j := set.Keys[0]
	if j.Kty != "RSA" || j.Kid != k.ID || j.Use != "sig" || j.Alg != "RS256" || j.E != "AQAB" {
		t.Fatalf("jwk %+v", j)
	}
	nb, err := base64.RawURLEncoding.DecodeString(j.N)
	if err != nil || new(big.Int).SetBytes(nb).Cmp(k.Public.N) != 0 || nb[0] == 0 {
		t.Fatalf("n does not decode to the modulus (%v)", err)
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	var generic struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kty", "kid", "use", "alg", "n", "e"} {
		if generic.Keys[0][name] == "" {
			t.Fatalf("JSON %s lacks %q", b, name)
		}
	}
}

// TestVerifyDoesNotReadStore: once keys are loaded, verifying known-kid
// tokens never reads the store.
func TestVerifyDoesNotReadStore(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tok := f.sign(t, tokens.AlgRS256, time.Hour)
	before := f.st.lists.Load()
	f.st.fail.Store(true) // any store access would now fail the call
	for range 100 {
		f.clk.Advance(10 * time.Second)
		if _, err := f.iss.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.st.lists.Load() - before; n != 0 {
		t.Fatalf("%d store reads while verifying", n)
	}
}

func TestUnknownKidRateLimited(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	k, _ := f.km.Active(ctx)
	before := f.st.lists.Load()
	f.clk.Advance(31 * time.Second) // the cache is stale: one reload allowed
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			kid, _ := tokens.NewID(&countingReader{n: byte(i)})
			bad := rawTokenTB(t, jwt.SigningMethodRS256, validAt(f.clk.Now()), kid, k.Private)
			if _, err := f.iss.Verify(ctx, bad); !errors.Is(err, tokens.ErrInvalidToken) {
				t.Errorf("garbage kid: err = %v", err)
			}
		})
	}
	wg.Wait()
	if n := f.st.lists.Load() - before; n != 1 {
		t.Fatalf("%d store reads for 50 unknown kids, want 1", n)
	}
	f.clk.Advance(30 * time.Second)
	bad := rawTokenTB(t, jwt.SigningMethodRS256, validAt(f.clk.Now()), "nope", k.Private)
	for range 5 {
		if _, err := f.iss.Verify(ctx, bad); !errors.Is(err, tokens.ErrInvalidToken) {
			t.Fatalf("garbage kid: err = %v", err)
		}
	}
	if n := f.st.lists.Load() - before; n != 2 {
		t.Fatalf("%d store reads after the interval, want 2", n)
	}
}

// TestKeyFromAnotherProcess: a key rotated by another manager on the same
// store is picked up for verification once the refresh interval allows a
// reload, and for signing once the cache ages.
func TestKeyFromAnotherProcess(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	k1, _ := f.km.Active(ctx) // f's manager plays process B
	procA := tokens.NewKeyManager(f.st, testEnv, tokens.WithKeyClock(f.clk.Now), tokens.WithKeyBits(1024))
	issA := tokens.NewIssuer(procA, tokens.WithIssuer(testIss), tokens.WithAudience(testAud), tokens.WithClock(f.clk.Now))

	f.clk.Advance(5 * time.Second)
	k2, err := procA.Rotate(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := issA.Sign(ctx, tokens.AlgRS256, userClaims(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// B loaded 5 s ago: within the interval it does not reload.
	if _, err := f.iss.Verify(ctx, tok); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("within the interval: err = %v", err)
	}
	if a, _ := f.km.Active(ctx); a.ID != k1.ID {
		t.Fatalf("B's cached active key is %s, want %s until the interval passes", a.ID, k1.ID)
	}
	f.clk.Advance(25 * time.Second)
	if _, err := f.iss.Verify(ctx, tok); err != nil {
		t.Fatalf("after the interval: %v", err)
	}
	if a, _ := f.km.Active(ctx); a.ID != k2.ID {
		t.Fatalf("B signs with %s, want %s", a.ID, k2.ID)
	}
}

// TestNewestUnretiredKeySigns: when two processes each created a first key,
// every manager signs with the newer and verifies both.
func TestNewestUnretiredKeySigns(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	st := &keyStore{}
	a := tokens.NewKeyManager(st, testEnv, tokens.WithKeyClock(clk.Now), tokens.WithKeyBits(1024))
	ka, err := a.Active(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issA := tokens.NewIssuer(a, tokens.WithClock(clk.Now))
	tokA, _, err := issA.Sign(ctx, tokens.AlgRS256, userClaims(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Process B, not seeing A's key, made its own a second later.
	clk.Advance(time.Second)
	other := &keyStore{}
	b := tokens.NewKeyManager(other, testEnv, tokens.WithKeyClock(clk.Now), tokens.WithKeyBits(1024))
	kb, err := b.Active(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := other.ListSigningKeys(ctx, testEnv)
	if err := st.CreateSigningKey(ctx, &recs[0]); err != nil {
		t.Fatal(err)
	}

	c := tokens.NewKeyManager(st, testEnv, tokens.WithKeyClock(clk.Now), tokens.WithKeyBits(1024))
	if k, err := c.Active(ctx); err != nil || k.ID != kb.ID {
		t.Fatalf("Active = %v, %v; want the newer key %s", k, err, kb.ID)
	}
	if got := jwksKids(t, c); len(got) != 2 || got[0] != kb.ID || got[1] != ka.ID {
		t.Fatalf("JWKS kids %v", got)
	}
	if _, err := tokens.NewIssuer(c, tokens.WithClock(clk.Now)).Verify(ctx, tokA); err != nil {
		t.Fatalf("token of the older key: %v", err)
	}
}

func TestKeyStoreFailures(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	tok := f.sign(t, tokens.AlgRS256, time.Hour)

	km := tokens.NewKeyManager(f.st, testEnv, tokens.WithKeyClock(f.clk.Now), tokens.WithKeyBits(1024))
	iss := tokens.NewIssuer(km, tokens.WithIssuer(testIss), tokens.WithAudience(testAud), tokens.WithClock(f.clk.Now))
	f.st.fail.Store(true)
	if _, err := km.Active(ctx); !errors.Is(err, errStoreDown) {
		t.Fatalf("Active: err = %v", err)
	}
	if _, err := km.PublicKeyPEM(ctx); !errors.Is(err, errStoreDown) {
		t.Fatalf("PublicKeyPEM: err = %v", err)
	}
	if _, err := km.JWKS(ctx); !errors.Is(err, errStoreDown) {
		t.Fatalf("JWKS: err = %v", err)
	}
	_, err := iss.Verify(ctx, tok)
	if !errors.Is(err, errStoreDown) || errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("Verify with the store down: err = %v; want the store error, not ErrInvalidToken", err)
	}
	f.st.fail.Store(false)
	if _, err := iss.Verify(ctx, tok); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestCorruptStoredKeys(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC()
	for _, tt := range []struct {
		name string
		rec  store.SigningKey
		want error
	}{
		{"garbage DER", store.SigningKey{ID: "k1", EnvID: testEnv, Algorithm: "RS256", PrivateKey: []byte("junk"), CreatedAt: now}, nil},
		{"other algorithm", store.SigningKey{ID: "k1", EnvID: testEnv, Algorithm: "ES256", PrivateKey: []byte("junk"), CreatedAt: now}, tokens.ErrUnsupportedAlgorithm},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := &keyStore{}
			if err := st.CreateSigningKey(ctx, &tt.rec); err != nil {
				t.Fatal(err)
			}
			km := tokens.NewKeyManager(st, testEnv, tokens.WithKeyBits(1024))
			_, err := km.Active(ctx)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if st.count(testEnv) != 1 {
				t.Fatal("a key was generated over an unreadable one")
			}
		})
	}
}

func pemHolds(t *testing.T, s string, pub *rsa.PublicKey) bool {
	t.Helper()
	b, rest := pem.Decode([]byte(s))
	if b == nil || b.Type != "PUBLIC KEY" || len(rest) != 0 {
		t.Fatalf("not a single PUBLIC KEY block: %q", s)
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	rk, ok := k.(*rsa.PublicKey)
	return ok && rk.Equal(pub)
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	p, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := p.Header["kid"].(string)
	return kid
}

func jwksKids(t *testing.T, km *tokens.KeyManager) []string {
	t.Helper()
	set, err := km.JWKS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.Keys {
		kids = append(kids, k.Kid)
	}
	return kids
}

// rawTokenTB is rawToken usable from goroutines: it reports with Errorf.
func rawTokenTB(t *testing.T, m jwt.SigningMethod, claims jwt.Claims, kid string, key any) string {
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Error(err)
	}
	return s
}

// validAt returns claims that the fixture's Issuer accepts at now when
// signed with a known key.
func validAt(now time.Time) *tokens.Claims {
	c := userClaims()
	c.Issuer = testIss
	c.Audience = jwt.ClaimStrings{testAud}
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = c.IssuedAt
	c.ExpiresAt = jwt.NewNumericDate(now.Add(time.Hour))
	return c
}

// countingReader yields n, n+1, n+2, … so each seed gives a distinct id.
type countingReader struct{ n byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

func TestWithRefreshInterval(t *testing.T) {
	ctx := context.Background()
	st := &keyStore{}
	clk := newClock()
	km := tokens.NewKeyManager(st, testEnv, tokens.WithKeyClock(clk.Now), tokens.WithKeyBits(1024),
		tokens.WithRefreshInterval(time.Minute))
	iss := tokens.NewIssuer(km, tokens.WithClock(clk.Now))
	k, err := km.Active(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := rawTokenTB(t, jwt.SigningMethodRS256, validAt(clk.Now()), "unknown", k.Private)
	before := st.lists.Load()
	clk.Advance(45 * time.Second) // past the default 30 s, within 1 min
	if _, err := iss.Verify(ctx, bad); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("err = %v", err)
	}
	if _, err := km.Active(ctx); err != nil {
		t.Fatal(err)
	}
	if n := st.lists.Load() - before; n != 0 {
		t.Fatalf("%d store reads within the interval", n)
	}
	clk.Advance(15 * time.Second)
	if _, err := iss.Verify(ctx, bad); !errors.Is(err, tokens.ErrInvalidToken) {
		t.Fatalf("err = %v", err)
	}
	if n := st.lists.Load() - before; n != 1 {
		t.Fatalf("%d store reads after the interval, want 1", n)
	}
}
