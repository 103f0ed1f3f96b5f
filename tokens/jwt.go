package tokens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// defaultLeeway is the clock skew tolerated on exp, nbf and iat.
const defaultLeeway = 5 * time.Second

// IssuerOption configures an Issuer.
type IssuerOption func(*Issuer)

// WithIssuer sets the iss claim written into tokens that carry none, and
// makes Verify require it.
func WithIssuer(iss string) IssuerOption {
	return func(i *Issuer) { i.iss = iss }
}

// WithAudience sets the aud claim written into tokens that carry none, and
// makes Verify require that a token's aud names at least one of aud.
func WithAudience(aud ...string) IssuerOption {
	return func(i *Issuer) { i.aud = append([]string(nil), aud...) }
}

// WithClock sets the clock for iat, nbf and exp and for checking them
// (default time.Now).
func WithClock(now func() time.Time) IssuerOption {
	return func(i *Issuer) { i.now = now }
}

// WithLeeway sets the clock skew tolerated when checking exp, nbf and iat.
// The default is 5 s: enough for servers whose clocks drift slightly (a token
// signed by one and checked by another a moment "earlier" must not fail its
// nbf), small enough not to extend a token's life meaningfully.
func WithLeeway(d time.Duration) IssuerOption {
	return func(i *Issuer) { i.leeway = d }
}

// WithHS256Secret enables HS256: secret returns the shared secret for the
// request's context (typically the environment's configuration). Sign with
// AlgHS256 uses it, and Verify then accepts HS256 tokens it signed. A nil or
// empty secret means HS256 is not enabled for that context: signing fails and
// HS256 tokens are refused. The provider runs on every HS256 sign and verify,
// so it should answer from memory.
func WithHS256Secret(secret func(ctx context.Context) ([]byte, error)) IssuerOption {
	return func(i *Issuer) { i.hs = secret }
}

// Issuer signs and verifies tokens with the keys of a KeyManager. It is safe
// for concurrent use.
type Issuer struct {
	km     *KeyManager
	iss    string
	aud    []string
	now    func() time.Time
	leeway time.Duration
	hs     func(ctx context.Context) ([]byte, error)
	parser *jwt.Parser
}

// NewIssuer returns an Issuer signing with km's active key.
func NewIssuer(km *KeyManager, opts ...IssuerOption) *Issuer {
	i := &Issuer{km: km, now: time.Now, leeway: defaultLeeway}
	for _, o := range opts {
		o(i)
	}
	methods := []string{AlgRS256}
	if i.hs != nil {
		methods = append(methods, AlgHS256)
	}
	popts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithTimeFunc(i.now),
		jwt.WithLeeway(i.leeway),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	}
	if i.iss != "" {
		popts = append(popts, jwt.WithIssuer(i.iss))
	}
	if len(i.aud) > 0 {
		popts = append(popts, jwt.WithAudience(i.aud...))
	}
	i.parser = jwt.NewParser(popts...)
	return i
}

// Sign returns c signed with alg (AlgRS256 or AlgHS256) and the token's
// expiry. It sets iat and nbf to now and exp to now+ttl (whole seconds), and
// iss and aud from the Issuer's options when c leaves them empty; c itself is
// not modified. RS256 tokens carry the active key's id as kid. An unknown
// alg, or HS256 without a secret, returns an error wrapping
// ErrUnsupportedAlgorithm.
func (i *Issuer) Sign(ctx context.Context, alg string, c *Claims, ttl time.Duration) (token string, expiresAt time.Time, err error) {
	if c == nil {
		return "", time.Time{}, errors.New("tokens: sign: nil claims")
	}
	if ttl <= 0 {
		return "", time.Time{}, fmt.Errorf("tokens: sign: non-positive lifetime %v", ttl)
	}
	method, err := signingMethod(alg)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("tokens: sign: %w", err)
	}
	now := i.now()
	cc := *c
	iat := jwt.NewNumericDate(now)
	exp := jwt.NewNumericDate(now.Add(ttl))
	cc.IssuedAt, cc.NotBefore, cc.ExpiresAt = iat, iat, exp
	if cc.Issuer == "" {
		cc.Issuer = i.iss
	}
	if len(cc.Audience) == 0 && len(i.aud) > 0 {
		cc.Audience = jwt.ClaimStrings(i.aud)
	}
	tok := jwt.NewWithClaims(method, &cc)
	var key any
	switch alg {
	case AlgRS256:
		k, err := i.km.Active(ctx)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("tokens: sign: %w", err)
		}
		tok.Header["kid"] = k.ID
		key = k.Private
	case AlgHS256:
		secret, err := i.hsSecret(ctx)
		if err != nil {
			return "", time.Time{}, fmt.Errorf("tokens: sign: %w", err)
		}
		if len(secret) == 0 {
			return "", time.Time{}, fmt.Errorf("tokens: sign: %w: no HS256 secret configured", ErrUnsupportedAlgorithm)
		}
		key = secret
	}
	s, err := tok.SignedString(key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("tokens: sign: %w", err)
	}
	return s, exp.Time, nil
}

// hsSecret returns the HS256 secret for ctx, nil when HS256 is not
// configured.
func (i *Issuer) hsSecret(ctx context.Context) ([]byte, error) {
	if i.hs == nil {
		return nil, nil
	}
	secret, err := i.hs(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: HS256 secret: %w", errKeySource, err)
	}
	return secret, nil
}

// Verify checks token and returns its claims. It accepts RS256 tokens whose
// kid names a key of the KeyManager that still verifies, and HS256 tokens
// only when WithHS256Secret is set and yields a secret; any other algorithm
// (none included) is refused, and so is an HS256 token made with the RSA
// public key as its secret. exp is required; exp, nbf and iat are checked
// against the clock with the leeway; iss and aud when configured.
//
// A refused token returns an error wrapping ErrInvalidToken, and also
// ErrExpired when it has expired. Failing to read the keys (a store error, or
// the HS256 secret provider's error) is not the token's fault: that error
// wraps the cause and not ErrInvalidToken.
//
// Known keys are checked from memory; the store is read only for a kid the
// KeyManager has not seen, at most once per refresh interval.
func (i *Issuer) Verify(ctx context.Context, token string) (*Claims, error) {
	var c Claims
	_, err := i.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		return i.verificationKey(ctx, t)
	})
	if err == nil {
		return &c, nil
	}
	switch {
	case errors.Is(err, errKeySource):
		return nil, fmt.Errorf("tokens: verify: %w", err)
	case errors.Is(err, ErrInvalidToken):
		return nil, fmt.Errorf("tokens: verify: %w", err)
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, fmt.Errorf("%w: %w: %w", ErrInvalidToken, ErrExpired, err)
	default:
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
}

// verificationKey is Verify's jwt.Keyfunc.
func (i *Issuer) verificationKey(ctx context.Context, t *jwt.Token) (any, error) {
	switch t.Method.Alg() {
	case AlgRS256:
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, fmt.Errorf("%w: RS256 token without kid", ErrInvalidToken)
		}
		return i.km.verificationKey(ctx, kid)
	case AlgHS256:
		secret, err := i.hsSecret(ctx)
		if err != nil {
			return nil, err
		}
		if len(secret) == 0 {
			return nil, fmt.Errorf("%w: HS256 is not enabled", ErrInvalidToken)
		}
		return secret, nil
	}
	return nil, fmt.Errorf("%w: algorithm %q not accepted", ErrInvalidToken, t.Method.Alg())
}
