package mfa

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters, the ones every authenticator app understands: HMAC-SHA1,
// six digits, a 30-second step, and one step of clock drift accepted either
// side of now.
const (
	TOTPPeriod = 30
	TOTPDigits = 6
	TOTPSkew   = 1
	// totpSecretSize is the seed length in bytes (160 bits, RFC 4226's
	// recommendation).
	totpSecretSize = 20
	// qrSize is the width and height of the QR code image in pixels.
	qrSize = 200
)

// TOTPKey is a new authenticator-app seed.
type TOTPKey struct {
	// Secret is the base32 seed (no padding).
	Secret string
	// URI is the otpauth:// URI an authenticator app imports (the QR
	// code's content).
	URI string
}

// NewTOTPKey draws a new seed from r for account (the user's e-mail or
// name) of issuer (the service name shown in the app).
func NewTOTPKey(r io.Reader, issuer, account string) (*TOTPKey, error) {
	if issuer == "" {
		issuer = "yolk"
	}
	if account == "" {
		account = issuer
	}
	k, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Period: TOTPPeriod, SecretSize: totpSecretSize,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Rand: r,
	})
	if err != nil {
		return nil, fmt.Errorf("mfa: generating TOTP seed: %w", err)
	}
	return &TOTPKey{Secret: k.Secret(), URI: k.URL()}, nil
}

// QRCodeDataURL renders an otpauth URI as a PNG QR code in a data: URL,
// ready for an <img src>.
func QRCodeDataURL(uri string) (string, error) {
	if !strings.HasPrefix(uri, "otpauth://") {
		return "", fmt.Errorf("mfa: %q is not an otpauth URI", uri)
	}
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", fmt.Errorf("mfa: parsing otpauth URI: %w", err)
	}
	img, err := k.Image(qrSize, qrSize)
	if err != nil {
		return "", fmt.Errorf("mfa: rendering QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("mfa: encoding QR code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// TOTPStep returns the time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// TOTPCode returns the code of secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// VerifyTOTP checks code against secret at t. It accepts the codes of the
// steps within TOTPSkew of t that are after lastStep, and returns the step
// the code belongs to, which the caller stores as the new lastStep so the
// code cannot be used again. A code of lastStep or earlier (a replay) is
// refused like a wrong one. Comparison is constant-time.
func VerifyTOTP(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	code = NormalizeCode(code)
	if len(code) != TOTPDigits || secret == "" {
		return 0, false
	}
	now := TOTPStep(t)
	// The current step first: that is where almost every code is.
	for _, s := range [2*TOTPSkew + 1]int64{now, now - 1, now + 1} {
		if s <= lastStep || s < 0 {
			continue
		}
		valid, err := hotp.ValidateCustom(code, uint64(s), secret, hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && valid {
			return s, true
		}
	}
	return 0, false
}

// NormalizeCode strips the spaces and dashes people type inside codes.
func NormalizeCode(code string) string {
	if strings.IndexAny(code, " -\t") < 0 {
		return code
	}
	return codeSeparators.Replace(strings.TrimSpace(code))
}

var codeSeparators = strings.NewReplacer(" ", "", "-", "", "\t", "")
