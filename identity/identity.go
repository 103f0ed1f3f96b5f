// Package identity is yolk's core: the Identity type composes a store, the
// token and password engines, a clock, a random source, a mailer and an SMS
// sender, and exposes every identity API operation as a Go method. The HTTP
// handlers of package httpmw are thin wrappers around these methods.
package identity

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// DefaultEnvironmentID is the environment an Identity serves unless
// WithEnvironmentID says otherwise.
const DefaultEnvironmentID = "default"

// Identity is an environment's identity service. It is safe for concurrent
// use. Create it with New.
type Identity struct {
	store  store.Store
	envID  string
	clock  func() time.Time
	rand   io.Reader
	mailer delivery.Mailer
	sms    delivery.SMSSender
	log    *slog.Logger

	issuerName string
	appURL     string
	keyBits    int

	keys    *tokens.KeyManager
	issuer  *tokens.Issuer
	hasher  *passwordHasher
	cfgMemo *configCache

	// webauthnCfg is set by WithWebAuthn; webauthn is the relying party
	// (identity/mfa_settings.go), nil when none can be configured.
	webauthnCfg *mfa.WebAuthnConfig
	webauthn    *mfa.WebAuthn
	captcha     CaptchaVerifier
	breached    BreachedPasswordChecker
	tplMemo     *templateCache

	// bg tracks the background work of identity/password_reset.go; bgSem
	// bounds how much runs at once.
	bg    backgroundWork
	bgSem chan struct{}
}

// Option configures an Identity.
type Option func(*Identity) error

// WithClock sets the time source (tests inject a fake clock to exercise
// expiry without sleeping).
func WithClock(now func() time.Time) Option {
	return func(id *Identity) error {
		if now == nil {
			return errors.New("identity: WithClock: nil clock")
		}
		id.clock = now
		return nil
	}
}

// WithRand sets the source of randomness for ids, secrets and codes.
// The default is crypto/rand.Reader; only tests should change it.
func WithRand(r io.Reader) Option {
	return func(id *Identity) error {
		if r == nil {
			return errors.New("identity: WithRand: nil reader")
		}
		id.rand = r
		return nil
	}
}

// WithMailer sets how e-mails are delivered. Without it, operations that
// must send an e-mail fail with an error saying no mailer is configured.
func WithMailer(m delivery.Mailer) Option {
	return func(id *Identity) error { id.mailer = m; return nil }
}

// WithSMSSender sets how SMS messages are delivered.
func WithSMSSender(s delivery.SMSSender) Option {
	return func(id *Identity) error { id.sms = s; return nil }
}

// WithIssuer sets the "iss" claim of issued tokens (for example the public
// URL the identity API is served at).
func WithIssuer(iss string) Option {
	return func(id *Identity) error { id.issuerName = iss; return nil }
}

// WithAppURL sets the public URL of the application's login pages; links in
// e-mails (activation, password reset, invitations) point below it.
func WithAppURL(u string) Option {
	return func(id *Identity) error { id.appURL = strings.TrimRight(u, "/"); return nil }
}

// WithArgon2Params sets the argon2id parameters for new password hashes.
// Existing hashes made with other parameters are upgraded on the next
// successful login. The default is DefaultArgon2Params.
func WithArgon2Params(p argon2id.Params) Option {
	return func(id *Identity) error {
		if p.Memory < 8*uint32(p.Parallelism) || p.Iterations < 1 || p.Parallelism < 1 || p.SaltLength < 8 || p.KeyLength < 16 {
			return fmt.Errorf("identity: WithArgon2Params: unusable parameters %+v", p)
		}
		id.hasher.params = p
		return nil
	}
}

// WithLogger sets the structured logger. Secrets, tokens and passwords are
// never logged.
func WithLogger(l *slog.Logger) Option {
	return func(id *Identity) error {
		if l == nil {
			return errors.New("identity: WithLogger: nil logger")
		}
		id.log = l
		return nil
	}
}

// WithEnvironmentID selects which environment of the store this Identity
// serves (default DefaultEnvironmentID).
func WithEnvironmentID(envID string) Option {
	return func(id *Identity) error {
		if envID == "" {
			return errors.New("identity: WithEnvironmentID: empty id")
		}
		id.envID = envID
		return nil
	}
}

// WithSigningKeyBits sets the RSA key size of newly generated signing keys
// (default 2048). Tests use 1024 to start faster; never go below 2048 in
// production.
func WithSigningKeyBits(bits int) Option {
	return func(id *Identity) error {
		if bits < 1024 {
			return fmt.Errorf("identity: WithSigningKeyBits: %d is too small", bits)
		}
		id.keyBits = bits
		return nil
	}
}

// New returns an Identity over st. st must be non-nil; everything else has a
// production default: the system clock, crypto/rand, DefaultArgon2Params,
// slog.Default(), environment DefaultEnvironmentID.
func New(st store.Store, opts ...Option) (*Identity, error) {
	if st == nil {
		return nil, errors.New("identity: New: nil store")
	}
	id := &Identity{
		store:   st,
		envID:   DefaultEnvironmentID,
		clock:   time.Now,
		rand:    rand.Reader,
		log:     slog.Default(),
		appURL:  "http://localhost:8080",
		keyBits: 2048,
		hasher:  newPasswordHasher(DefaultArgon2Params),
		bgSem:   make(chan struct{}, maxBackground),
	}
	for _, o := range opts {
		if err := o(id); err != nil {
			return nil, err
		}
	}
	id.keys = tokens.NewKeyManager(st, id.envID,
		tokens.WithKeyClock(id.now), tokens.WithKeyRand(id.rand), tokens.WithKeyBits(id.keyBits))
	issuerOpts := []tokens.IssuerOption{
		tokens.WithClock(id.now),
		tokens.WithHS256Secret(id.hs256Secret),
	}
	if id.issuerName != "" {
		issuerOpts = append(issuerOpts, tokens.WithIssuer(id.issuerName))
	}
	id.issuer = tokens.NewIssuer(id.keys, issuerOpts...)
	id.cfgMemo = &configCache{}
	if err := id.initWebAuthn(); err != nil {
		return nil, err
	}
	id.tplMemo = &templateCache{}
	return id, nil
}

// EnvironmentID returns the id of the environment this Identity serves.
func (id *Identity) EnvironmentID() string { return id.envID }

// Store returns the underlying store (for applications that need direct
// access, for example in tests).
func (id *Identity) Store() store.Store { return id.store }

func (id *Identity) now() time.Time { return id.clock().UTC().Truncate(time.Microsecond) }

func (id *Identity) newID() string {
	s, err := tokens.NewID(id.rand)
	if err != nil {
		// The random source failing is unrecoverable for an identity
		// service: every id and secret depends on it.
		panic(fmt.Sprintf("identity: random source failed: %v", err))
	}
	return s
}

func (id *Identity) newSecret() (string, error) {
	s, err := tokens.NewSecret(id.rand)
	if err != nil {
		return "", fmt.Errorf("identity: generating secret: %w", err)
	}
	return s, nil
}

// storeErr converts store sentinels into identity errors with a message.
func storeErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return &Error{Kind: ErrNotFound, Code: CodeNotFound, Message: what + " not found", Err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Kind: ErrConflict, Code: CodeConflict, Message: what + " already exists", Err: err}
	}
	return err
}
