// Package mfa holds the second-factor engines of yolk: TOTP for
// authenticator apps (RFC 6238, through github.com/pquerna/otp), WebAuthn
// registration and assertion (through github.com/go-webauthn/webauthn),
// the one-time codes sent by SMS and e-mail, and recovery codes.
//
// The package keeps no state. Secrets it makes are returned to the caller,
// which stores the hashes (CodeHash, RecoveryCodeHash) or, for a TOTP seed
// that must stay readable, the seed itself; WebAuthn ceremony state is
// returned as an opaque string for the caller to persist until the
// ceremony finishes. Replay protection is the caller's too: VerifyTOTP and
// FinishLogin return the time step or signature counter that the store
// must move forward with a compare-and-set (store.MFADeviceStore's
// UseMFADevice).
package mfa

import "errors"

// ErrInvalid is wrapped by every refusal of a code, an attestation or an
// assertion; the message says why.
var ErrInvalid = errors.New("mfa: invalid second factor")
