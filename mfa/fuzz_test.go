package mfa_test

import (
	"testing"

	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/store"
)

// FuzzWebAuthnResponses feeds arbitrary client answers to both ceremonies:
// they must be refused with an error, never accepted and never panic.
func FuzzWebAuthnResponses(f *testing.F) {
	f.Add("AAAA", "e30", "oWNmbXRkbm9uZQ", "", "")
	f.Add("", "", "", "", "")
	f.Add("x-_+/=", "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0", "!!", "AAAA", "AA==")
	w, err := mfa.NewWebAuthn(mfa.WebAuthnConfig{RPID: "example.com", RPName: "Acme", Origins: []string{"https://app.example.com"}})
	if err != nil {
		f.Fatal(err)
	}
	_, regState, err := w.BeginRegistration(testUser, nil)
	if err != nil {
		f.Fatal(err)
	}
	dev := store.MFADevice{ID: "d", Kind: store.MFAWebAuthn, Credential: `{"id":"AQID","publicKey":"pQECAyYgASFYIA"}`}
	f.Fuzz(func(t *testing.T, id, clientData, object, sig, handle string) {
		if _, err := w.FinishRegistration(testUser, regState, mfa.AttestationResponse{ID: id, ClientDataJSON: clientData, AttestationObject: object}); err == nil {
			t.Fatal("a fuzzed attestation was accepted")
		}
		if _, err := w.FinishLogin(testUser, dev, regState, mfa.AssertionResponse{ID: id, ClientDataJSON: clientData, AuthenticatorData: object, Signature: sig, UserHandle: handle}); err == nil {
			t.Fatal("a fuzzed assertion was accepted")
		}
	})
}

// FuzzVerifyTOTP: no input makes the check panic, and only six-digit codes
// are ever accepted.
func FuzzVerifyTOTP(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXP", "123456", int64(0))
	f.Add("", "", int64(-1))
	f.Add("!!!!", "12 34-56", int64(1<<62))
	f.Fuzz(func(t *testing.T, secret, code string, last int64) {
		if _, ok := mfa.VerifyTOTP(secret, code, t0, last); ok && len(mfa.NormalizeCode(code)) != mfa.TOTPDigits {
			t.Fatalf("accepted %q", code)
		}
	})
}
