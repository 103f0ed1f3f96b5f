package mfa

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/yolkauth/yolk/store"
)

// WebAuthn device types, as the API names them.
const (
	DevicePlatform      = "Platform"
	DeviceCrossPlatform = "CrossPlatform"
)

// WebAuthnConfig names the relying party: RPID is the domain the
// credentials are bound to (a registrable domain, never an IP address),
// RPName what browsers show, Origins the page origins allowed to run the
// ceremonies ("https://app.example.com").
type WebAuthnConfig struct {
	RPID    string
	RPName  string
	Origins []string
}

// WebAuthn runs WebAuthn registration and assertion ceremonies for second
// factors. It keeps no state: Begin* return the ceremony state for the
// caller to persist and hand back to Finish*. It is safe for concurrent
// use.
type WebAuthn struct {
	wa *webauthn.WebAuthn
}

// NewWebAuthn validates cfg and returns the relying party.
func NewWebAuthn(cfg WebAuthnConfig) (*WebAuthn, error) {
	if cfg.RPName == "" {
		cfg.RPName = cfg.RPID
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:                  cfg.RPID,
		RPDisplayName:         cfg.RPName,
		RPOrigins:             cfg.Origins,
		AttestationPreference: protocol.PreferNoAttestation,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			UserVerification: protocol.VerificationPreferred,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("mfa: WebAuthn configuration: %w", err)
	}
	return &WebAuthn{wa: wa}, nil
}

// WebAuthnUser is the account a ceremony is for.
type WebAuthnUser struct {
	// ID is the user id; it becomes the credential's user handle.
	ID string
	// Name is the account name the authenticator shows (an e-mail).
	Name        string
	DisplayName string
}

// waUser adapts a user and its WebAuthn devices to the library.
type waUser struct {
	u     WebAuthnUser
	creds []webauthn.Credential
}

func (w *waUser) WebAuthnID() []byte                         { return []byte(w.u.ID) }
func (w *waUser) WebAuthnName() string                       { return w.u.Name }
func (w *waUser) WebAuthnDisplayName() string                { return w.u.DisplayName }
func (w *waUser) WebAuthnCredentials() []webauthn.Credential { return w.creds }

func newWAUser(u WebAuthnUser, devices []store.MFADevice) (*waUser, error) {
	if u.Name == "" {
		u.Name = u.ID
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	w := &waUser{u: u}
	for _, d := range devices {
		if d.Kind != store.MFAWebAuthn || d.Credential == "" {
			continue
		}
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(d.Credential), &c); err != nil {
			return nil, fmt.Errorf("mfa: WebAuthn credential of device %s is corrupt: %w", d.ID, err)
		}
		w.creds = append(w.creds, c)
	}
	return w, nil
}

// BeginRegistration starts enrolling a new authenticator for u, excluding
// the credentials of the user's existing WebAuthn devices. It returns the
// creation options for navigator.credentials.create (the
// PublicKeyCredentialCreationOptions object, JSON) and the ceremony state.
func (w *WebAuthn) BeginRegistration(u WebAuthnUser, existing []store.MFADevice) (options json.RawMessage, state string, err error) {
	user, err := newWAUser(u, existing)
	if err != nil {
		return nil, "", err
	}
	creation, session, err := w.wa.BeginRegistration(user,
		webauthn.WithExclusions(webauthn.Credentials(user.creds).CredentialDescriptors()))
	if err != nil {
		return nil, "", fmt.Errorf("mfa: beginning WebAuthn registration: %w", err)
	}
	return marshalCeremony(creation.Response, session)
}

// BeginLogin starts an assertion with device for u. It returns the request
// options for navigator.credentials.get (PublicKeyCredentialRequestOptions,
// JSON) and the ceremony state.
func (w *WebAuthn) BeginLogin(u WebAuthnUser, device store.MFADevice) (options json.RawMessage, state string, err error) {
	user, err := newWAUser(u, []store.MFADevice{device})
	if err != nil {
		return nil, "", err
	}
	if len(user.creds) == 0 {
		return nil, "", fmt.Errorf("%w: device %s is not a WebAuthn credential", ErrInvalid, device.ID)
	}
	assertion, session, err := w.wa.BeginLogin(user)
	if err != nil {
		return nil, "", fmt.Errorf("mfa: beginning WebAuthn login: %w", err)
	}
	return marshalCeremony(assertion.Response, session)
}

func marshalCeremony(options any, session *webauthn.SessionData) (json.RawMessage, string, error) {
	o, err := json.Marshal(options)
	if err != nil {
		return nil, "", fmt.Errorf("mfa: encoding WebAuthn options: %w", err)
	}
	s, err := json.Marshal(session)
	if err != nil {
		return nil, "", fmt.Errorf("mfa: encoding WebAuthn state: %w", err)
	}
	return o, string(s), nil
}

func unmarshalState(state string) (webauthn.SessionData, error) {
	var s webauthn.SessionData
	if err := json.Unmarshal([]byte(state), &s); err != nil {
		return s, fmt.Errorf("mfa: WebAuthn ceremony state is corrupt: %w", err)
	}
	return s, nil
}

// AttestationResponse is what a browser's navigator.credentials.create
// returned, as the official clients send it: the credential id and the
// response members, base64url (standard base64 is accepted too).
type AttestationResponse struct {
	ID                string `json:"id"`
	ClientDataJSON    string `json:"clientDataJSON"`
	AttestationObject string `json:"attestationObject"`
}

// AssertionResponse is what a browser's navigator.credentials.get
// returned, as the official clients send it.
type AssertionResponse struct {
	ID                string `json:"id"`
	ClientDataJSON    string `json:"clientDataJSON"`
	AuthenticatorData string `json:"authenticatorData"`
	Signature         string `json:"signature"`
	UserHandle        string `json:"userHandle"`
}

// rawURL turns base64 or base64url, padded or not, into unpadded base64url.
func rawURL(s string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimSpace(s)), "=")
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// describe renders a library error with its details (never secrets).
func describe(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		if pe.DevInfo != "" {
			return pe.Details + ": " + pe.DevInfo
		}
		return pe.Details
	}
	return err.Error()
}

// Registration is a verified new WebAuthn credential, in the form
// store.MFADevice keeps it.
type Registration struct {
	CredentialID []byte
	// Credential is the credential record (JSON).
	Credential string
	Counter    int64
}

// FinishRegistration verifies the attestation r against the ceremony state
// for u: challenge, origin, relying party, attestation statement. It
// returns the credential to store.
func (w *WebAuthn) FinishRegistration(u WebAuthnUser, state string, r AttestationResponse) (*Registration, error) {
	session, err := unmarshalState(state)
	if err != nil {
		return nil, err
	}
	if r.ID == "" || r.ClientDataJSON == "" || r.AttestationObject == "" {
		return nil, invalidf("the attestation needs id, response.clientDataJSON and response.attestationObject")
	}
	id := rawURL(r.ID)
	body, err := json.Marshal(map[string]any{
		"id": id, "rawId": id, "type": "public-key",
		"response": map[string]string{"clientDataJSON": rawURL(r.ClientDataJSON), "attestationObject": rawURL(r.AttestationObject)},
	})
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(body)
	if err != nil {
		return nil, invalidf("malformed attestation: %s", describe(err))
	}
	user, err := newWAUser(u, nil)
	if err != nil {
		return nil, err
	}
	cred, err := w.wa.CreateCredential(user, session, parsed)
	if err != nil {
		return nil, invalidf("attestation refused: %s", describe(err))
	}
	b, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("mfa: encoding WebAuthn credential: %w", err)
	}
	return &Registration{CredentialID: cred.ID, Credential: string(b), Counter: int64(cred.Authenticator.SignCount)}, nil
}

// FinishLogin verifies the assertion r made with device against the
// ceremony state for u: challenge, origin, relying party, signature with
// the stored public key, and the signature counter, which must move
// forward (a counter that goes backwards or repeats means a cloned
// authenticator and is refused; authenticators that always report 0 are
// accepted). It returns the new counter and the updated credential record.
func (w *WebAuthn) FinishLogin(u WebAuthnUser, device store.MFADevice, state string, r AssertionResponse) (*Registration, error) {
	session, err := unmarshalState(state)
	if err != nil {
		return nil, err
	}
	if r.ID == "" || r.ClientDataJSON == "" || r.AuthenticatorData == "" || r.Signature == "" {
		return nil, invalidf("the assertion needs id, response.clientDataJSON, response.authenticatorData and response.signature")
	}
	id := rawURL(r.ID)
	resp := map[string]string{
		"clientDataJSON": rawURL(r.ClientDataJSON), "authenticatorData": rawURL(r.AuthenticatorData), "signature": rawURL(r.Signature),
	}
	if r.UserHandle != "" {
		resp["userHandle"] = rawURL(r.UserHandle)
	}
	body, err := json.Marshal(map[string]any{"id": id, "rawId": id, "type": "public-key", "response": resp})
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(body)
	if err != nil {
		return nil, invalidf("malformed assertion: %s", describe(err))
	}
	user, err := newWAUser(u, []store.MFADevice{device})
	if err != nil {
		return nil, err
	}
	if len(user.creds) == 0 {
		return nil, invalidf("device %s is not a WebAuthn credential", device.ID)
	}
	cred, err := w.wa.ValidateLogin(user, session, parsed)
	if err != nil {
		return nil, invalidf("assertion refused: %s", describe(err))
	}
	if cred.Authenticator.CloneWarning {
		return nil, invalidf("the authenticator's signature counter did not move forward; it may be cloned")
	}
	b, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("mfa: encoding WebAuthn credential: %w", err)
	}
	return &Registration{CredentialID: cred.ID, Credential: string(b), Counter: int64(cred.Authenticator.SignCount)}, nil
}

// EncodeID renders a credential id the way the API shows it (base64url).
func EncodeID(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
