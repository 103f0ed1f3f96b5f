package identity_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

// amrOf returns the "amr" claim of an access token (read, not verified:
// the login under test just issued it).
func amrOf(t testing.TB, token string) []string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("access token %q is not a JWT", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		AMR []string `json:"amr"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.AMR
}

var pwlClient = identity.ClientInfo{UserAgent: "test", IP: "127.0.0.1"}

func TestPasswordlessMagicLink(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "magic@example.com")

	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPreLoginInput{Email: "Magic@Example.com"}, pwlClient); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	mail := e.lastMail(t, u.Email)
	if mail.path != "/account/login/magic-link" || mail.token == "" {
		t.Fatalf("magic link e-mail: path %q token %q", mail.path, mail.token)
	}
	// A wrong token is refused.
	_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{Token: "wrong"}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)
	wantField(t, func() error {
		_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{}, pwlClient)
		return err
	}(), "token")

	res, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{Token: mail.token}, pwlClient)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessToken == "" || res.RefreshToken == "" || res.MFARequired {
		t.Fatalf("login: %+v", res)
	}
	if p := e.principal(t, res.AccessToken); p.UserID != u.ID {
		t.Fatalf("token for %q, want %q", p.UserID, u.ID)
	}
	if amr := amrOf(t, res.AccessToken); len(amr) != 1 || amr[0] != "email" {
		t.Fatalf("amr = %v, want [email]", amr)
	}
	// Single use.
	_, err = e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{Token: mail.token}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestPasswordlessTokenExpires(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "late@example.com")
	e.setConfig(t, identity.VendorConfigUpdate{DefaultPasswordlessTokenExpiration: ptr(300)})

	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPreLoginInput{Email: u.Email}, pwlClient); err != nil {
		t.Fatal(err)
	}
	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPreLoginInput{UserID: u.ID}, pwlClient); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	msgs := e.outbox.Messages()
	var link, code string
	for _, m := range msgs {
		if m.Subject == "Your sign-in link" {
			link = linkPattern.FindString(m.Body)
		}
		if m.Subject == "Your sign-in code" {
			code = identifierCodePattern.FindString(m.Body)
		}
	}
	if link == "" || code == "" {
		t.Fatalf("messages: %+v", msgs)
	}
	token := link[strings.Index(link, "token=")+len("token="):]
	e.clock.Advance(301 * time.Second)
	_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{Token: token}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)
	_, err = e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: code, Email: u.Email}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestPasswordlessEmailCode(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "code@example.com")

	pre := func() string {
		t.Helper()
		if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPreLoginInput{Email: u.Email}, pwlClient); err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		return e.lastCode(t, u.Email)
	}
	code := pre()
	// The attempt limit ends a code.
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: wrongCode(code), Email: u.Email}, pwlClient)
		wantErr(t, err, identity.ErrUnauthorized)
	}
	_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: wrongCode(code), Email: u.Email}, pwlClient)
	wantErr(t, err, identity.ErrTooManyAttempts)
	_, err = e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: code, Email: u.Email}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)

	// A new code works once; the code of the request before it is retired.
	old := pre()
	code = pre()
	if old != code {
		_, err = e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: old, Email: u.Email}, pwlClient)
		wantErr(t, err, identity.ErrUnauthorized)
	}
	// A code login names the user.
	_, err = e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: code}, pwlClient)
	wantField(t, err, "email")
	res, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: code, Email: u.Email}, pwlClient)
	if err != nil {
		t.Fatal(err)
	}
	if amr := amrOf(t, res.AccessToken); len(amr) != 1 || amr[0] != "email" {
		t.Fatalf("amr = %v", amr)
	}
	_, err = e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: code, Email: u.Email}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestPasswordlessSMSCode(t *testing.T) {
	e := newIdentifiersEnv(t)
	ctx := context.Background()
	u := e.user(t, "smsl@example.com")
	const phone = "+15551234568"
	if _, err := e.id.AddUserPhoneNumber(ctx, u.ID, phone); err != nil {
		t.Fatal(err)
	}
	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessSMSCode, identity.PasswordlessPreLoginInput{PhoneNumber: phone}, pwlClient); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	code := e.lastCode(t, phone)
	// An e-mail code flow does not accept the SMS code.
	_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: code, Email: u.Email}, pwlClient)
	wantErr(t, err, identity.ErrUnauthorized)
	res, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessSMSCode, identity.PasswordlessPostLoginInput{Token: code, PhoneNumber: phone}, pwlClient)
	if err != nil {
		t.Fatal(err)
	}
	if amr := amrOf(t, res.AccessToken); len(amr) != 1 || amr[0] != "sms" {
		t.Fatalf("amr = %v, want [sms]", amr)
	}
	// A phone number names the user of SMS logins only.
	wantField(t, e.id.PasswordlessPreLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPreLoginInput{PhoneNumber: phone}, pwlClient), "phoneNumber")
}

func TestPasswordlessDoesNotRevealAccounts(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.user(t, "known@example.com")
	for _, typ := range []string{identity.PasswordlessMagicLink, identity.PasswordlessCode} {
		errKnown := e.id.PasswordlessPreLogin(ctx, typ, identity.PasswordlessPreLoginInput{Email: "known@example.com"}, pwlClient)
		errUnknown := e.id.PasswordlessPreLogin(ctx, typ, identity.PasswordlessPreLoginInput{Email: "nobody@example.com"}, pwlClient)
		if errKnown != nil || errUnknown != nil {
			t.Fatalf("%s: known %v, unknown %v; want both nil", typ, errKnown, errUnknown)
		}
	}
	e.drain(t)
	if n := e.mailCount("nobody@example.com"); n != 0 {
		t.Fatalf("%d e-mails to an unknown address", n)
	}
	if n := e.mailCount("known@example.com"); n != 2 {
		t.Fatalf("%d e-mails to the known address, want 2", n)
	}
	// Post-login: an unknown user and a wrong code answer alike.
	_, errUnknown := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: "123456", Email: "nobody@example.com"}, pwlClient)
	_, errWrong := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: "123456x", Email: "known@example.com"}, pwlClient)
	if errUnknown == nil || errWrong == nil || errUnknown.Error() != errWrong.Error() {
		t.Fatalf("unknown user: %v; wrong code: %v; want the same answer", errUnknown, errWrong)
	}
	// Malformed requests are refused.
	wantField(t, e.id.PasswordlessPreLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPreLoginInput{}, pwlClient), "email")
	wantField(t, e.id.PasswordlessPreLogin(ctx, "password", identity.PasswordlessPreLoginInput{Email: "known@example.com"}, pwlClient), "type")
}

func TestPasswordlessStillRequiresMFA(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "mfa@example.com")
	if _, err := e.id.UpsertMFAPolicy(ctx, &identity.Principal{Vendor: true}, identity.MFAPolicyInput{EnforceMFAType: ptr("Force")}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPreLoginInput{Email: u.Email}, pwlClient); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	res, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{Token: e.lastMail(t, u.Email).token}, pwlClient)
	if err != nil {
		t.Fatal(err)
	}
	if !res.MFARequired || res.MFAToken == "" || res.AccessToken != "" || res.RefreshToken != "" {
		t.Fatalf("passwordless login under a forced MFA policy: %+v", res)
	}
}

func TestPasswordlessLockedUser(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "lockedpl@example.com")
	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPreLoginInput{Email: u.Email}, pwlClient); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	token := e.lastMail(t, u.Email).token
	if _, err := e.id.LockUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessMagicLink, identity.PasswordlessPostLoginInput{Token: token}, pwlClient)
	wantErr(t, err, identity.ErrForbidden)
}

func TestPasswordlessWrongCodesCountTowardLockout(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "guess@example.com")
	if _, err := e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(3)}); err != nil {
		t.Fatal(err)
	}
	// Each new code gives fresh code attempts, but the wrong guesses add
	// up under the lockout policy.
	for i := 0; i < 3; i++ {
		if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPreLoginInput{Email: u.Email}, pwlClient); err != nil {
			t.Fatal(err)
		}
		e.drain(t)
		code := e.lastCode(t, u.Email)
		_, err := e.id.PasswordlessPostLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPostLoginInput{Token: wrongCode(code), Email: u.Email}, pwlClient)
		wantErr(t, err, identity.ErrUnauthorized)
	}
	got, err := e.id.GetUser(ctx, u.ID)
	if err != nil || !got.IsLocked {
		t.Fatalf("user after 3 wrong codes: %+v, %v; want locked", got, err)
	}
}
