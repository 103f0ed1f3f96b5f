package identity

import (
	"context"
	"errors"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// VendorTokenTTL is the lifetime of an environment ("vendor") token.
const VendorTokenTTL = time.Hour

// TokenTypeVendor is the "type" claim of environment tokens.
const TokenTypeVendor = "vendor"

// Credentials are an environment's client id and secret. Secret is only ever
// known right after it was generated or set; the store keeps its hash.
type Credentials struct {
	ClientID string
	Secret   string
}

// EnsureEnvironment makes sure the environment this Identity serves exists.
// clientID and secret may be empty: missing values are generated when the
// environment is created. When the environment already exists, non-empty
// values replace the stored credentials. created reports whether the
// environment was created (so a caller can print a generated secret once);
// the returned Credentials carry the secret only when it was generated or
// given.
func (id *Identity) EnsureEnvironment(ctx context.Context, clientID, secret string) (creds Credentials, created bool, err error) {
	ensure := func(tx store.Store) error {
		env, err := tx.GetEnvironment(ctx, id.envID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			created = true
			now := id.now()
			if clientID == "" {
				clientID = id.newID()
			}
			if secret == "" {
				if secret, err = id.newSecret(); err != nil {
					return err
				}
			}
			env = &store.Environment{ID: id.envID, ClientID: clientID, SecretHash: tokens.HashSecret(secret), CreatedAt: now, UpdatedAt: now}
			return tx.CreateEnvironment(ctx, env)
		case err != nil:
			return err
		}
		changed := false
		if clientID != "" && clientID != env.ClientID {
			env.ClientID, changed = clientID, true
		}
		if secret != "" && !tokens.EqualHash(tokens.HashSecret(secret), env.SecretHash) {
			env.SecretHash, changed = tokens.HashSecret(secret), true
		}
		clientID = env.ClientID
		if changed {
			env.UpdatedAt = id.now()
			return tx.UpdateEnvironment(ctx, env)
		}
		return nil
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := ensure(tx); err != nil {
			return err
		}
		return id.seedBuiltins(ctx, tx)
	})
	if err != nil {
		return Credentials{}, false, storeErr(err, "environment")
	}
	return Credentials{ClientID: clientID, Secret: secret}, created, nil
}

// ClientID returns the environment's client id (used, for instance, to name
// the refresh-token cookie).
func (id *Identity) ClientID(ctx context.Context) (string, error) {
	env, err := id.store.GetEnvironment(ctx, id.envID)
	if err != nil {
		return "", storeErr(err, "environment")
	}
	return env.ClientID, nil
}

// VendorToken is the answer to environment authentication.
type VendorToken struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expiresIn"`
}

// AuthenticateVendor exchanges the environment's client id and secret for a
// short-lived management token. Wrong credentials get ErrUnauthorized; the
// secret is compared in constant time.
func (id *Identity) AuthenticateVendor(ctx context.Context, clientID, secret string) (*VendorToken, error) {
	if clientID == "" {
		return nil, invalid("clientId", "clientId is required")
	}
	if secret == "" {
		return nil, invalid("secret", "secret is required")
	}
	env, err := id.store.GetEnvironmentByClientID(ctx, clientID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// Hash even when the client id is unknown so both cases cost the same.
	given := tokens.HashSecret(secret)
	if env == nil || env.ID != id.envID || !tokens.EqualHash(given, env.SecretHash) {
		return nil, unauthorized(CodeInvalidVendorCreds, "invalid client id or secret")
	}
	c := &tokens.Claims{Type: TokenTypeVendor}
	c.Subject = env.ClientID
	c.TenantIDs = []string{}
	tok, _, err := id.issuer.Sign(ctx, "RS256", c, VendorTokenTTL)
	if err != nil {
		return nil, err
	}
	return &VendorToken{Token: tok, ExpiresIn: int(VendorTokenTTL / time.Second)}, nil
}

// JWKS returns the public keys that verify this environment's RS256 tokens.
func (id *Identity) JWKS(ctx context.Context) (tokens.JWKS, error) { return id.keys.JWKS(ctx) }

// RotateSigningKey makes a new RS256 key sign from now on. The previous key
// keeps verifying until every token it signed can have expired (the
// longest of the access-token and vendor-token lifetimes), then it leaves
// the JWKS.
func (id *Identity) RotateSigningKey(ctx context.Context) error {
	cfg, err := id.config(ctx)
	if err != nil {
		return err
	}
	verifyFor := max(time.Duration(cfg.DefaultTokenExpiration)*time.Second, VendorTokenTTL)
	_, err = id.keys.Rotate(ctx, verifyFor)
	return err
}
