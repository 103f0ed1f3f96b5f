package mfa_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/descope/virtualwebauthn"

	"github.com/yolkauth/yolk/internal/webauthntest"
	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/store"
)

var testRP = virtualwebauthn.RelyingParty{Name: "Acme", ID: "example.com", Origin: "https://app.example.com"}

func newRP(t testing.TB) *mfa.WebAuthn {
	t.Helper()
	w, err := mfa.NewWebAuthn(mfa.WebAuthnConfig{RPID: testRP.ID, RPName: testRP.Name, Origins: []string{testRP.Origin}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

var testUser = mfa.WebAuthnUser{ID: "0b9b5bbc-6a65-4a36-9a3b-2b33b2a6c3e1", Name: "ann@example.com", DisplayName: "Ann"}

// attestation is the virtual browser's answer, in the clients' shape.
func attestation(t testing.TB, raw string) mfa.AttestationResponse {
	t.Helper()
	var v struct {
		ID       string `json:"id"`
		Response struct {
			ClientDataJSON    string `json:"clientDataJSON"`
			AttestationObject string `json:"attestationObject"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return mfa.AttestationResponse{ID: v.ID, ClientDataJSON: v.Response.ClientDataJSON, AttestationObject: v.Response.AttestationObject}
}

func assertion(t testing.TB, raw string) mfa.AssertionResponse {
	t.Helper()
	var v struct {
		ID       string                `json:"id"`
		Response mfa.AssertionResponse `json:"response"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	v.Response.ID = v.ID
	return v.Response
}

// register enrols cred with a fresh ceremony and returns the stored device.
func register(t *testing.T, w *mfa.WebAuthn, auth virtualwebauthn.Authenticator, cred virtualwebauthn.Credential) store.MFADevice {
	t.Helper()
	opts, state, err := w.BeginRegistration(testUser, nil)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := virtualwebauthn.ParseAttestationOptions(string(opts))
	if err != nil {
		t.Fatalf("virtual browser refuses the creation options %s: %v", opts, err)
	}
	if parsed.RelyingPartyID != testRP.ID || parsed.UserID != testUser.ID || parsed.UserName != testUser.Name {
		t.Fatalf("creation options name the wrong RP or user: %+v", parsed)
	}
	reg, err := w.FinishRegistration(testUser, state, attestation(t, virtualwebauthn.CreateAttestationResponse(testRP, auth, cred, *parsed)))
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	return store.MFADevice{ID: "dev-1", Kind: store.MFAWebAuthn, CredentialID: reg.CredentialID, Credential: reg.Credential, Counter: reg.Counter}
}

// login runs an assertion ceremony with the authenticator at counter.
func login(t *testing.T, w *mfa.WebAuthn, auth virtualwebauthn.Authenticator, cred virtualwebauthn.Credential, dev store.MFADevice) (*mfa.Registration, error) {
	t.Helper()
	opts, state, err := w.BeginLogin(testUser, dev)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := virtualwebauthn.ParseAssertionOptions(string(opts))
	if err != nil {
		t.Fatalf("virtual browser refuses the request options %s: %v", opts, err)
	}
	if !cred.IsAllowedForAssertion(*parsed) {
		t.Fatalf("request options do not allow the registered credential: %s", opts)
	}
	return w.FinishLogin(testUser, dev, state, assertion(t, virtualwebauthn.CreateAssertionResponse(testRP, auth, cred, *parsed)))
}

func TestWebAuthnRegisterAndLogin(t *testing.T) {
	for _, kt := range []struct {
		name string
		kind virtualwebauthn.KeyType
	}{{"EC2", virtualwebauthn.KeyTypeEC2}, {"RSA", virtualwebauthn.KeyTypeRSA}} {
		t.Run(kt.name, func(t *testing.T) {
			w := newRP(t)
			auth := virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte(testUser.ID)})
			cred := webauthntest.NewCredential(t, kt.kind)
			cred.Counter = 5
			dev := register(t, w, auth, cred)
			if dev.Counter != 5 || len(dev.CredentialID) == 0 {
				t.Fatalf("registration stored counter %d, id %x", dev.Counter, dev.CredentialID)
			}
			cred.Counter = 6
			got, err := login(t, w, auth, cred, dev)
			if err != nil {
				t.Fatalf("FinishLogin: %v", err)
			}
			if got.Counter != 6 {
				t.Fatalf("counter after login = %d, want 6", got.Counter)
			}
			dev.Credential, dev.Counter = got.Credential, got.Counter

			// The same counter again, or a lower one: a cloned authenticator.
			for _, c := range []uint32{6, 3} {
				cred.Counter = c
				if _, err := login(t, w, auth, cred, dev); !errors.Is(err, mfa.ErrInvalid) || !strings.Contains(err.Error(), "counter") {
					t.Fatalf("counter %d after 6: err = %v, want a counter refusal", c, err)
				}
			}
			cred.Counter = 7
			if _, err := login(t, w, auth, cred, dev); err != nil {
				t.Fatalf("counter 7 after 6: %v", err)
			}
		})
	}
}

func TestWebAuthnZeroCounter(t *testing.T) {
	w := newRP(t)
	auth := virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte(testUser.ID)})
	cred := webauthntest.NewCredential(t, virtualwebauthn.KeyTypeEC2)
	dev := register(t, w, auth, cred)
	for range 2 {
		if _, err := login(t, w, auth, cred, dev); err != nil {
			t.Fatalf("an authenticator without a counter was refused: %v", err)
		}
	}
}

func TestWebAuthnRefusals(t *testing.T) {
	w := newRP(t)
	auth := virtualwebauthn.NewAuthenticatorWithOptions(virtualwebauthn.AuthenticatorOptions{UserHandle: []byte(testUser.ID)})
	cred := webauthntest.NewCredential(t, virtualwebauthn.KeyTypeEC2)

	t.Run("wrong origin", func(t *testing.T) {
		opts, state, _ := w.BeginRegistration(testUser, nil)
		parsed, _ := virtualwebauthn.ParseAttestationOptions(string(opts))
		evil := testRP
		evil.Origin = "https://evil.example.net"
		_, err := w.FinishRegistration(testUser, state, attestation(t, virtualwebauthn.CreateAttestationResponse(evil, auth, cred, *parsed)))
		if !errors.Is(err, mfa.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("wrong relying party", func(t *testing.T) {
		opts, state, _ := w.BeginRegistration(testUser, nil)
		parsed, _ := virtualwebauthn.ParseAttestationOptions(string(opts))
		other := testRP
		other.ID = "other.example"
		_, err := w.FinishRegistration(testUser, state, attestation(t, virtualwebauthn.CreateAttestationResponse(other, auth, cred, *parsed)))
		if !errors.Is(err, mfa.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("another ceremony's challenge", func(t *testing.T) {
		opts, _, _ := w.BeginRegistration(testUser, nil)
		_, state2, _ := w.BeginRegistration(testUser, nil)
		parsed, _ := virtualwebauthn.ParseAttestationOptions(string(opts))
		_, err := w.FinishRegistration(testUser, state2, attestation(t, virtualwebauthn.CreateAttestationResponse(testRP, auth, cred, *parsed)))
		if !errors.Is(err, mfa.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		_, state, _ := w.BeginRegistration(testUser, nil)
		for _, r := range []mfa.AttestationResponse{{}, {ID: "x", ClientDataJSON: "e30", AttestationObject: "!!"}} {
			if _, err := w.FinishRegistration(testUser, state, r); !errors.Is(err, mfa.ErrInvalid) {
				t.Fatalf("%+v: err = %v, want ErrInvalid", r, err)
			}
		}
		if _, err := w.FinishRegistration(testUser, "not json", mfa.AttestationResponse{}); err == nil {
			t.Fatal("a corrupt state was accepted")
		}
	})
	dev := register(t, w, auth, cred)
	t.Run("signature by another key", func(t *testing.T) {
		opts, state, _ := w.BeginLogin(testUser, dev)
		parsed, _ := virtualwebauthn.ParseAssertionOptions(string(opts))
		forged := webauthntest.NewCredential(t, virtualwebauthn.KeyTypeEC2)
		forged.ID = cred.ID
		_, err := w.FinishLogin(testUser, dev, state, assertion(t, virtualwebauthn.CreateAssertionResponse(testRP, auth, forged, *parsed)))
		if !errors.Is(err, mfa.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("credential of another device", func(t *testing.T) {
		opts, state, _ := w.BeginLogin(testUser, dev)
		parsed, _ := virtualwebauthn.ParseAssertionOptions(string(opts))
		other := webauthntest.NewCredential(t, virtualwebauthn.KeyTypeEC2)
		parsed.AllowCredentials = []string{mfa.EncodeID(other.ID)}
		_, err := w.FinishLogin(testUser, dev, state, assertion(t, virtualwebauthn.CreateAssertionResponse(testRP, auth, other, *parsed)))
		if !errors.Is(err, mfa.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("not a WebAuthn device", func(t *testing.T) {
		if _, _, err := w.BeginLogin(testUser, store.MFADevice{ID: "totp", Kind: store.MFAAuthenticator}); !errors.Is(err, mfa.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
}

func TestNewWebAuthnConfig(t *testing.T) {
	for _, cfg := range []mfa.WebAuthnConfig{
		{RPID: "127.0.0.1", Origins: []string{"http://127.0.0.1"}},
		{RPID: "example.com"},
	} {
		w, err := mfa.NewWebAuthn(cfg)
		if err == nil {
			_, _, err = w.BeginRegistration(testUser, nil)
		}
		if err == nil {
			t.Fatalf("config %+v was accepted", cfg)
		}
	}
}
