package tokens

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/store"
)

// AlgRS256 and AlgHS256 are the signing algorithms this package knows.
const (
	// AlgRS256 is RSASSA-PKCS1-v1_5 with SHA-256, signed with the
	// environment's signing key. It is the default and what the Frontegg
	// SDKs verify.
	AlgRS256 = "RS256"
	// AlgHS256 is HMAC-SHA-256 with a shared secret (the environment
	// setting jwtAlgorithm: HS256).
	AlgHS256 = "HS256"
)

const (
	defaultKeyBits         = 2048
	defaultRefreshInterval = 30 * time.Second
)

// Key is a parsed signing key. Keys returned by a KeyManager are shared with
// its cache and must not be modified.
type Key struct {
	// ID is the JWT "kid".
	ID string
	// Algorithm is the JWS algorithm, "RS256".
	Algorithm string
	// Private signs; Public verifies.
	Private *rsa.PrivateKey
	Public  *rsa.PublicKey
	// CreatedAt is when the key was generated.
	CreatedAt time.Time
	// RetiredAt is when a newer key took over signing; nil while active.
	RetiredAt *time.Time
	// VerifyUntil is when tokens signed with a retired key have all expired;
	// nil while active.
	VerifyUntil *time.Time

	pem string // PKIX PEM of Public
	jwk JWK
}

// verifiesAt reports whether tokens signed with k are accepted at now: every
// key whose VerifyUntil has not passed (store.SigningKey's contract).
func (k *Key) verifiesAt(now time.Time) bool {
	return k.VerifyUntil == nil || now.Before(*k.VerifyUntil)
}

// JWKS is a JSON Web Key Set, served at /.well-known/jwks.json.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one RSA public key of a JWKS (RFC 7517, 7518).
type JWK struct {
	// Kty is the key type, "RSA".
	Kty string `json:"kty"`
	// Kid is the key id that tokens carry in their header.
	Kid string `json:"kid"`
	// Use is the intended use, "sig".
	Use string `json:"use"`
	// Alg is the JWS algorithm, "RS256".
	Alg string `json:"alg"`
	// N and E are the modulus and public exponent, big-endian, base64url
	// without padding.
	N string `json:"n"`
	E string `json:"e"`
}

// KeyOption configures a KeyManager.
type KeyOption func(*KeyManager)

// WithKeyClock sets the clock used for key creation, retirement and
// expiry (default time.Now).
func WithKeyClock(now func() time.Time) KeyOption {
	return func(m *KeyManager) { m.now = now }
}

// WithKeyRand sets the random source of key ids (default crypto/rand).
// RSA key material always comes from crypto/rand (since Go 1.26 crypto/rsa
// ignores any other reader), so this option does not make keys
// deterministic.
func WithKeyRand(r io.Reader) KeyOption {
	return func(m *KeyManager) { m.rand = r }
}

// WithKeyBits sets the RSA modulus size of new keys (default 2048).
func WithKeyBits(bits int) KeyOption {
	return func(m *KeyManager) { m.bits = bits }
}

// WithRefreshInterval sets how often, at most, the manager re-reads the
// store: when a token names a kid it does not know (a key made by another
// process) and when the signing key is requested after the cache has aged
// (default 30 s).
func WithRefreshInterval(d time.Duration) KeyOption {
	return func(m *KeyManager) { m.refresh = d }
}

// KeyManager owns the signing keys of one environment: it generates the
// first key on demand, rotates keys, and keeps every key parsed in memory so
// that verification does not read the store.
//
// Within one process a KeyManager is safe for concurrent use and never
// creates two keys at once. Several processes sharing a store may each
// create a first key (or rotate) at the same moment; the store then holds
// more than one unretired key, and every process signs with the newest of
// them once it next reads the store, while all of them keep verifying.
type KeyManager struct {
	st      store.SigningKeyStore
	envID   string
	now     func() time.Time
	rand    io.Reader
	bits    int
	refresh time.Duration

	// loadMu serialises reads of and writes to the store (loading,
	// generation, rotation), so one goroutine does the work and the others
	// find its result.
	loadMu sync.Mutex

	mu       sync.RWMutex // guards the fields below
	loaded   bool
	lastLoad time.Time
	keys     []*Key // newest first
	byID     map[string]*Key
	active   *Key
}

// NewKeyManager returns a manager of envID's keys kept in st.
func NewKeyManager(st store.SigningKeyStore, envID string, opts ...KeyOption) *KeyManager {
	m := &KeyManager{
		st:      st,
		envID:   envID,
		now:     time.Now,
		rand:    rand.Reader,
		bits:    defaultKeyBits,
		refresh: defaultRefreshInterval,
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Active returns the key that signs new tokens, generating and storing one
// if the environment has none. It reads the store only on first use and
// when the cache is older than the refresh interval.
func (m *KeyManager) Active(ctx context.Context) (*Key, error) {
	now := m.now()
	if k := m.cachedActive(now); k != nil {
		return k, nil
	}
	m.loadMu.Lock()
	defer m.loadMu.Unlock()
	now = m.now()
	if k := m.cachedActive(now); k != nil { // another goroutine got here first
		return k, nil
	}
	if err := m.loadLocked(ctx, now); err != nil {
		return nil, err
	}
	if k := m.cachedActive(now); k != nil {
		return k, nil
	}
	k, err := m.createLocked(ctx, now)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// cachedActive returns the cached active key if the cache is fresh.
func (m *KeyManager) cachedActive(now time.Time) *Key {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if !m.loaded || m.active == nil || now.Sub(m.lastLoad) >= m.refresh {
		return nil
	}
	return m.active
}

// Rotate creates a new key that signs from now on and retires the keys that
// signed until now: their RetiredAt becomes now and their VerifyUntil
// now+verifyFor, so tokens they signed keep verifying until then. Pass the
// longest lifetime of any token signed with them.
func (m *KeyManager) Rotate(ctx context.Context, verifyFor time.Duration) (*Key, error) {
	if verifyFor < 0 {
		return nil, fmt.Errorf("tokens: rotate: negative verification period %v", verifyFor)
	}
	m.loadMu.Lock()
	defer m.loadMu.Unlock()
	now := m.now()
	if err := m.loadLocked(ctx, now); err != nil {
		return nil, err
	}
	m.mu.RLock()
	var signing []*Key
	for _, k := range m.keys {
		if k.RetiredAt == nil {
			signing = append(signing, k)
		}
	}
	m.mu.RUnlock()

	// Store the new key first: if retiring the old one then fails, the
	// newest unretired key still wins and nothing is left without a signer.
	nk, err := m.createLocked(ctx, now)
	if err != nil {
		return nil, err
	}
	retired := now
	until := now.Add(verifyFor)
	for _, old := range signing {
		rec, err := old.record(m.envID)
		if err != nil {
			return nil, err
		}
		rec.RetiredAt = &retired
		rec.VerifyUntil = &until
		if err := m.st.UpdateSigningKey(ctx, rec); err != nil {
			return nil, fmt.Errorf("tokens: retire signing key %s: %w", old.ID, err)
		}
	}
	// Reload so the cache shows the retirements.
	if err := m.loadLocked(ctx, now); err != nil {
		return nil, err
	}
	return nk, nil
}

// PublicKeyPEM returns the active key's public key as a PKIX PEM block
// ("-----BEGIN PUBLIC KEY-----"), the form the Frontegg Node SDK verifies
// user tokens with.
func (m *KeyManager) PublicKeyPEM(ctx context.Context) (string, error) {
	k, err := m.Active(ctx)
	if err != nil {
		return "", err
	}
	return k.pem, nil
}

// JWKS returns the public keys that currently verify tokens: the active key
// first, then retired keys whose VerifyUntil has not passed, newest first.
func (m *KeyManager) JWKS(ctx context.Context) (JWKS, error) {
	active, err := m.Active(ctx)
	if err != nil {
		return JWKS{}, err
	}
	now := m.now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	set := JWKS{Keys: []JWK{active.jwk}}
	for _, k := range m.keys {
		if k.ID != active.ID && k.verifiesAt(now) {
			set.Keys = append(set.Keys, k.jwk)
		}
	}
	return set, nil
}

// errKeySource marks failures to read keys (a store or configuration
// fault), which Verify reports as server errors rather than as a bad token.
var errKeySource = errors.New("tokens: key source failed")

// verificationKey returns the public key with id kid if it verifies tokens
// now. It reads the store only on first use and, for a kid it does not know,
// at most once per refresh interval.
func (m *KeyManager) verificationKey(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	now := m.now()
	m.mu.RLock()
	k, loaded, last := m.byID[kid], m.loaded, m.lastLoad
	m.mu.RUnlock()
	if k == nil && (!loaded || now.Sub(last) >= m.refresh) {
		m.loadMu.Lock()
		m.mu.RLock()
		k, loaded, last = m.byID[kid], m.loaded, m.lastLoad
		m.mu.RUnlock()
		var err error
		if k == nil && (!loaded || now.Sub(last) >= m.refresh) {
			err = m.loadLocked(ctx, now)
			m.mu.RLock()
			k = m.byID[kid]
			m.mu.RUnlock()
		}
		m.loadMu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errKeySource, err)
		}
	}
	if k == nil {
		return nil, fmt.Errorf("%w: unknown key id %q", ErrInvalidToken, kid)
	}
	if !k.verifiesAt(now) {
		return nil, fmt.Errorf("%w: key %q no longer verifies", ErrInvalidToken, kid)
	}
	return k.Public, nil
}

// loadLocked replaces the cache with the store's keys. Keys already parsed
// are reused (with their retirement times updated). The caller holds loadMu.
func (m *KeyManager) loadLocked(ctx context.Context, now time.Time) error {
	recs, err := m.st.ListSigningKeys(ctx, m.envID)
	if err != nil {
		return fmt.Errorf("tokens: list signing keys: %w", err)
	}
	m.mu.RLock()
	old := m.byID
	m.mu.RUnlock()

	keys := make([]*Key, 0, len(recs))
	byID := make(map[string]*Key, len(recs))
	var active *Key
	for i := range recs {
		rec := &recs[i]
		var k *Key
		if prev := old[rec.ID]; prev != nil {
			cp := *prev
			cp.RetiredAt, cp.VerifyUntil = rec.RetiredAt, rec.VerifyUntil
			k = &cp
		} else if k, err = parseKey(rec); err != nil {
			return err
		}
		keys = append(keys, k)
		byID[k.ID] = k
		// The newest unretired key signs; on equal creation times the
		// store's order (newest first) decides.
		if k.RetiredAt == nil && (active == nil || k.CreatedAt.After(active.CreatedAt)) {
			active = k
		}
	}
	m.mu.Lock()
	m.keys, m.byID, m.active = keys, byID, active
	m.loaded, m.lastLoad = true, now
	m.mu.Unlock()
	return nil
}

// createLocked generates a key, stores it and adds it to the cache as the
// active key. The caller holds loadMu.
func (m *KeyManager) createLocked(ctx context.Context, now time.Time) (*Key, error) {
	id, err := NewID(m.rand)
	if err != nil {
		return nil, err
	}
	priv, err := rsa.GenerateKey(rand.Reader, m.bits)
	if err != nil {
		return nil, fmt.Errorf("tokens: generate signing key: %w", err)
	}
	k, err := newKey(id, priv, now.UTC())
	if err != nil {
		return nil, err
	}
	rec, err := k.record(m.envID)
	if err != nil {
		return nil, err
	}
	if err := m.st.CreateSigningKey(ctx, rec); err != nil {
		return nil, fmt.Errorf("tokens: store signing key: %w", err)
	}
	m.mu.Lock()
	m.keys = append([]*Key{k}, m.keys...)
	byID := make(map[string]*Key, len(m.keys))
	for _, c := range m.keys {
		byID[c.ID] = c
	}
	m.byID, m.active = byID, k
	m.loaded, m.lastLoad = true, now
	m.mu.Unlock()
	return k, nil
}

// parseKey turns a stored key into a Key.
func parseKey(rec *store.SigningKey) (*Key, error) {
	if rec.Algorithm != AlgRS256 {
		return nil, fmt.Errorf("%w: signing key %s has algorithm %q", ErrUnsupportedAlgorithm, rec.ID, rec.Algorithm)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(rec.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("tokens: parse signing key %s: %w", rec.ID, err)
	}
	priv, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: signing key %s is a %T, not RSA", ErrUnsupportedAlgorithm, rec.ID, parsed)
	}
	k, err := newKey(rec.ID, priv, rec.CreatedAt)
	if err != nil {
		return nil, err
	}
	k.RetiredAt, k.VerifyUntil = rec.RetiredAt, rec.VerifyUntil
	return k, nil
}

// newKey builds an active Key with its PEM and JWK forms precomputed.
func newKey(id string, priv *rsa.PrivateKey, created time.Time) (*Key, error) {
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("tokens: encode public key %s: %w", id, err)
	}
	return &Key{
		ID:        id,
		Algorithm: AlgRS256,
		Private:   priv,
		Public:    &priv.PublicKey,
		CreatedAt: created,
		pem:       string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		jwk: JWK{
			Kty: "RSA",
			Kid: id,
			Use: "sig",
			Alg: AlgRS256,
			N:   base64.RawURLEncoding.EncodeToString(priv.N.Bytes()),
			E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(priv.E)).Bytes()),
		},
	}, nil
}

// record returns the store form of k.
func (k *Key) record(envID string) (*store.SigningKey, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, fmt.Errorf("tokens: encode signing key %s: %w", k.ID, err)
	}
	return &store.SigningKey{
		ID:          k.ID,
		EnvID:       envID,
		Algorithm:   k.Algorithm,
		PrivateKey:  der,
		CreatedAt:   k.CreatedAt,
		RetiredAt:   k.RetiredAt,
		VerifyUntil: k.VerifyUntil,
	}, nil
}

// signingMethod returns the golang-jwt method of alg.
func signingMethod(alg string) (jwt.SigningMethod, error) {
	switch alg {
	case AlgRS256:
		return jwt.SigningMethodRS256, nil
	case AlgHS256:
		return jwt.SigningMethodHS256, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, alg)
}
