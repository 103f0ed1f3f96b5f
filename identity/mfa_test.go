package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/store/memory"
)

func TestDefaultWebAuthnConfig(t *testing.T) {
	for _, tc := range []struct {
		appURL string
		want   *mfa.WebAuthnConfig
	}{
		{"https://app.example.com", &mfa.WebAuthnConfig{RPID: "app.example.com", RPName: "app.example.com", Origins: []string{"https://app.example.com"}}},
		{"http://127.0.0.1:8080", &mfa.WebAuthnConfig{RPID: "localhost", RPName: "localhost", Origins: []string{"http://127.0.0.1:8080", "http://localhost:8080"}}},
		{"http://localhost:3000/login", &mfa.WebAuthnConfig{RPID: "localhost", RPName: "localhost", Origins: []string{"http://localhost:3000"}}},
		{"http://203.0.113.7", nil},
		{"not a url", nil},
	} {
		got := identity.DefaultWebAuthnConfig(tc.appURL)
		if (got == nil) != (tc.want == nil) || (got != nil && (got.RPID != tc.want.RPID || len(got.Origins) != len(tc.want.Origins) || got.Origins[len(got.Origins)-1] != tc.want.Origins[len(tc.want.Origins)-1])) {
			t.Errorf("DefaultWebAuthnConfig(%q) = %+v, want %+v", tc.appURL, got, tc.want)
		}
	}
}

func TestWithWebAuthn(t *testing.T) {
	if _, err := identity.New(memory.New(), identity.WithWebAuthn("", "x")); err == nil {
		t.Fatal("WithWebAuthn without an RP id was accepted")
	}
	if _, err := identity.New(memory.New(), identity.WithWebAuthn("10.0.0.1", "x", "https://10.0.0.1")); err == nil {
		t.Fatal("an IP address as RP id was accepted")
	}
	// An app URL on a public IP leaves WebAuthn off; its routes say so.
	e := newTestEnv(t, identity.WithAppURL("http://203.0.113.7"))
	ctx := context.Background()
	e.user(t, "ann@example.com")
	if _, err := e.id.UpsertMFAPolicy(ctx, &identity.Principal{Vendor: true}, identity.MFAPolicyInput{EnforceMFAType: ptr("Force")}); err != nil {
		t.Fatal(err)
	}
	ch := e.login(t, "ann@example.com")
	if !ch.MFARequired || ch.MFAEnrolled || ch.AccessToken != "" {
		t.Fatalf("challenge: %+v", ch)
	}
	_, err := e.id.PreEnrollMFAWebAuthnForLogin(ctx, ch.MFAToken)
	wantErr(t, err, identity.ErrForbidden)
	// The other factors still work through the Go API.
	enr, err := e.id.PreEnrollMFAAuthenticatorForLogin(ctx, ch.MFAToken)
	if err != nil {
		t.Fatal(err)
	}
	if enr.QRCode == "" || enr.OTPAuthURI == "" {
		t.Fatalf("enrolment: %+v", enr)
	}
	_, err = e.id.EnrollMFAAuthenticatorForLogin(ctx, identity.EnrollMFAInput{MFAToken: ch.MFAToken, Token: "12345"}, identity.ClientInfo{})
	if !errors.Is(err, identity.ErrInvalidInput) {
		t.Fatalf("a wrong code: %v", err)
	}
}
