package mfa_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/yolkauth/yolk/mfa"
)

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func newKey(t testing.TB) *mfa.TOTPKey {
	t.Helper()
	k, err := mfa.NewTOTPKey(rand.Reader, "Acme", "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func code(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := mfa.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewTOTPKey(t *testing.T) {
	k := newKey(t)
	u, err := url.Parse(k.URI)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != k.Secret || u.Query().Get("issuer") != "Acme" {
		t.Fatalf("URI %q does not carry the secret and issuer", k.URI)
	}
	if !strings.Contains(u.Path, "ann@example.com") {
		t.Fatalf("URI %q lacks the account name", k.URI)
	}
	if len(k.Secret) != 32 {
		t.Fatalf("secret %q: want 160 bits (32 base32 characters)", k.Secret)
	}
	if other := newKey(t); other.Secret == k.Secret {
		t.Fatal("two keys share a secret")
	}
	// Codes pquerna/otp validates are the ones we generate.
	c := code(t, k.Secret, t0)
	if ok, _ := totp.ValidateCustom(c, k.Secret, t0, totp.ValidateOpts{Period: 30, Digits: 6}); !ok {
		t.Fatalf("pquerna/otp refuses our code %s", c)
	}
}

func TestQRCodeDataURL(t *testing.T) {
	k := newKey(t)
	s, err := mfa.QRCodeDataURL(k.URI)
	if err != nil {
		t.Fatal(err)
	}
	b64, ok := strings.CutPrefix(s, "data:image/png;base64,")
	if !ok {
		t.Fatalf("QR code %q is not a PNG data URL", s[:min(len(s), 40)])
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("QR code is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 200 || b.Dy() != 200 {
		t.Fatalf("QR code is %dx%d, want 200x200", b.Dx(), b.Dy())
	}
	if _, err := mfa.QRCodeDataURL("https://example.com"); err == nil {
		t.Fatal("a non-otpauth URI was rendered")
	}
}

func TestVerifyTOTP(t *testing.T) {
	k := newKey(t)
	now := mfa.TOTPStep(t0)
	tests := []struct {
		name     string
		code     string
		lastStep int64
		wantOK   bool
		wantStep int64
	}{
		{"current step", code(t, k.Secret, t0), 0, true, now},
		{"previous step (clock drift)", code(t, k.Secret, t0.Add(-30*time.Second)), 0, true, now - 1},
		{"next step (clock drift)", code(t, k.Secret, t0.Add(30*time.Second)), 0, true, now + 1},
		{"two steps old", code(t, k.Secret, t0.Add(-60*time.Second)), 0, false, 0},
		{"two steps ahead", code(t, k.Secret, t0.Add(60*time.Second)), 0, false, 0},
		{"replay of the last accepted step", code(t, k.Secret, t0), now, false, 0},
		{"step older than the last accepted", code(t, k.Secret, t0.Add(-30*time.Second)), now, false, 0},
		{"after the last accepted step", code(t, k.Secret, t0.Add(30*time.Second)), now, true, now + 1},
		{"spaces are ignored", " " + code(t, k.Secret, t0)[:3] + " " + code(t, k.Secret, t0)[3:], 0, true, now},
		{"wrong code", "000000", 0, false, 0},
		{"too short", "12345", 0, false, 0},
		{"not digits", "abcdef", 0, false, 0},
		{"empty", "", 0, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "wrong code" && code(t, k.Secret, t0) == "000000" {
				t.Skip("the random secret's code happens to be 000000")
			}
			step, ok := mfa.VerifyTOTP(k.Secret, tc.code, t0, tc.lastStep)
			if ok != tc.wantOK || (ok && step != tc.wantStep) {
				t.Fatalf("VerifyTOTP = (%d, %v), want (%d, %v)", step, ok, tc.wantStep, tc.wantOK)
			}
		})
	}
	if _, ok := mfa.VerifyTOTP("", code(t, k.Secret, t0), t0, 0); ok {
		t.Fatal("an empty secret accepted a code")
	}
	if _, ok := mfa.VerifyTOTP("!!!not base32", "123456", t0, 0); ok {
		t.Fatal("a malformed secret accepted a code")
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		c, err := mfa.NewCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != mfa.CodeDigits || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q is not %d digits", c, mfa.CodeDigits)
		}
		seen[c] = true
	}
	if len(seen) < 45 {
		t.Fatalf("50 codes gave only %d distinct values", len(seen))
	}
	if bytes.Equal(mfa.CodeHash("a", "123456"), mfa.CodeHash("b", "123456")) {
		t.Fatal("the same code hashes alike for two challenges")
	}
	if !bytes.Equal(mfa.CodeHash("a", "123 456"), mfa.CodeHash("a", "123456")) {
		t.Fatal("spaces change a code's hash")
	}
}

func TestRecoveryCode(t *testing.T) {
	c, err := mfa.NewRecoveryCode(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(c, "-")
	if len(parts) != 4 {
		t.Fatalf("recovery code %q is not four groups", c)
	}
	for _, p := range parts {
		if len(p) != 5 || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("recovery code %q has a malformed group %q", c, p)
		}
	}
	other, _ := mfa.NewRecoveryCode(rand.Reader)
	if other == c {
		t.Fatal("two recovery codes are equal")
	}
	if !bytes.Equal(mfa.RecoveryCodeHash(strings.ToLower(strings.ReplaceAll(c, "-", ""))), mfa.RecoveryCodeHash(c)) {
		t.Fatal("case and dashes change a recovery code's hash")
	}
	if bytes.Equal(mfa.RecoveryCodeHash(other), mfa.RecoveryCodeHash(c)) {
		t.Fatal("two recovery codes hash alike")
	}
	if _, err := mfa.NewRecoveryCode(bytes.NewReader(nil)); err == nil {
		t.Fatal("an exhausted random source gave a recovery code")
	}
}
