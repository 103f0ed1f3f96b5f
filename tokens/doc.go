// Package tokens issues and verifies yolk's JWTs, manages the signing keys
// behind them (generation, rotation, JWKS, the PEM public key the Frontegg
// SDKs verify with) and creates the opaque secrets the server hands out
// (refresh tokens, API-token secrets, reset and activation links, one-time
// codes) together with the hash under which they are stored.
//
// The hot path is verification: a KeyManager parses every signing key once
// and keeps it in memory, so Issuer.Verify never reads the store for a key it
// already knows. Errors returned for a refused token wrap ErrInvalidToken, and
// ErrExpired as well when the only problem is expiry; test them with
// errors.Is.
package tokens

import "errors"

// Sentinel errors of the package; they are always wrapped, test with
// errors.Is.
var (
	// ErrInvalidToken reports a token that was refused: malformed, badly
	// signed, signed with an unknown or retired key or an algorithm that is
	// not accepted, expired, not yet valid, or issued for another issuer or
	// audience.
	ErrInvalidToken = errors.New("tokens: invalid token")
	// ErrExpired reports a token whose exp has passed. Errors that wrap it
	// also wrap ErrInvalidToken.
	ErrExpired = errors.New("tokens: token expired")
	// ErrUnsupportedAlgorithm reports a signing algorithm this package does
	// not sign with (or, for HS256, one for which no secret is configured).
	ErrUnsupportedAlgorithm = errors.New("tokens: unsupported algorithm")
)
