package mfa_test

import (
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/yolkauth/yolk/mfa"
)

// BenchmarkTOTPVerify is a TOTP check as a login makes it (three time
// steps, replay window). Judge it against BenchmarkRawTOTPValidate.
func BenchmarkTOTPVerify(b *testing.B) {
	k := newKey(b)
	c := code(b, k.Secret, t0)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := mfa.VerifyTOTP(k.Secret, c, t0, 0); !ok {
			b.Fatal("refused")
		}
	}
}

// BenchmarkRawTOTPValidate is the floor: pquerna/otp's own validation with
// the same parameters and skew.
func BenchmarkRawTOTPValidate(b *testing.B) {
	k := newKey(b)
	c := code(b, k.Secret, t0)
	opts := totp.ValidateOpts{Period: mfa.TOTPPeriod, Skew: mfa.TOTPSkew, Digits: mfa.TOTPDigits}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := totp.ValidateCustom(c, k.Secret, t0, opts); !ok {
			b.Fatal("refused")
		}
	}
}
