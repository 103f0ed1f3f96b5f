package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// drain waits for the background deliveries of e's Identity.
func (e *testEnv) drain(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.id.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
}

func TestPasswordResetByEmail(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "reset@example.com")
	session := e.login(t, u.Email)

	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: "Reset@Example.com"}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	mail := e.lastMail(t, u.Email)
	if mail.path != "/account/reset-password" || mail.userID != u.ID || mail.token == "" || mail.msg.Subject != "Reset your password" {
		t.Fatalf("reset e-mail: path %q userId %q token %q subject %q", mail.path, mail.userID, mail.token, mail.msg.Subject)
	}
	stored, err := e.st.GetOneTimeTokenByHash(ctx, store.TokenPasswordReset, tokens.HashSecret(mail.token))
	if err != nil || stored.UserID != u.ID || !stored.ExpiresAt.Equal(e.clock.Now().Add(identity.PasswordResetTokenTTL)) {
		t.Fatalf("stored reset token = %+v, %v; want it hashed, expiring after the TTL", stored, err)
	}

	// Refusals change nothing: a weak password, another user's id, a wrong token.
	err = e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: mail.token, Password: "x"})
	wantField(t, err, "password")
	err = e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: "someone-else", Token: mail.token, Password: "new password 1"})
	wantField(t, err, "token")
	err = e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: "wrong", Password: "new password 1"})
	wantField(t, err, "token")
	wantField(t, e.id.ResetPassword(ctx, identity.ResetPasswordInput{Token: mail.token, Password: "p"}), "userId")

	if err := e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: mail.token, Password: "new password 1"}); err != nil {
		t.Fatal(err)
	}
	// Single use.
	err = e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: mail.token, Password: "new password 2"})
	wantField(t, err, "token")
	// The old password no longer works, the new one does, and the sessions
	// opened before the reset are gone.
	if _, err := e.tryLogin(u.Email); err == nil {
		t.Fatal("the old password still logs in")
	}
	if _, err := e.id.Login(ctx, identity.LoginInput{Email: u.Email, Password: "new password 1"}, identity.ClientInfo{}); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	_, err = e.refresh(session.RefreshToken, "")
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestPasswordResetTokenExpires(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "late@example.com")
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Identifier: u.Email, IdentifierType: identity.IdentifierEmail}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	first := e.lastMail(t, u.Email)
	// A second request retires the first link.
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	second := e.lastMail(t, u.Email)
	if second.token == first.token {
		t.Fatal("a new request must issue a new token")
	}
	wantField(t, e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: first.token, Password: "new password 1"}), "token")
	e.clock.Advance(identity.PasswordResetTokenTTL)
	wantField(t, e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: second.token, Password: "new password 1"}), "token")
	if _, err := e.tryLogin(u.Email); err != nil {
		t.Fatalf("an expired reset changed the password: %v", err)
	}
}

func TestPasswordResetDoesNotRevealAccounts(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "known@example.com")
	before := len(e.outbox.Messages())

	for _, in := range []identity.PasswordResetInput{
		{Email: "unknown@example.com"},
		{Identifier: "nobody", IdentifierType: identity.IdentifierUsername},
		{Identifier: "+15550000000", IdentifierType: identity.IdentifierPhoneNumber},
	} {
		if err := e.id.RequestPasswordReset(ctx, in); err != nil {
			t.Fatalf("RequestPasswordReset(%+v) = %v, want nil as for a known account", in, err)
		}
		res, err := e.id.RequestPasswordResetEmail(ctx, in)
		if err != nil || res.SessionID == "" {
			t.Fatalf("RequestPasswordResetEmail(%+v) = %+v, %v; want a session id as for a known account", in, res, err)
		}
		sms, err := e.id.RequestPasswordResetSMS(ctx, in)
		if err != nil || sms.SessionID == "" || sms.SessionID == res.SessionID {
			t.Fatalf("RequestPasswordResetSMS(%+v) = %+v, %v", in, sms, err)
		}
	}
	e.drain(t)
	if n := len(e.outbox.Messages()); n != before {
		t.Fatalf("%d messages sent for unknown accounts", n-before)
	}
	// The answer for a known account has the same shape.
	known, err := e.id.RequestPasswordResetEmail(ctx, identity.PasswordResetInput{Email: u.Email})
	if err != nil || known.SessionID == "" {
		t.Fatalf("known account: %+v, %v", known, err)
	}
	e.drain(t)
	ts, _ := e.st.ListUserOneTimeTokens(ctx, u.ID, store.TokenPasswordReset)
	if len(ts) != 1 || ts[0].ID != known.SessionID {
		t.Fatalf("reset tokens of the known user = %+v; want one, stored under the session id", ts)
	}
	// Malformed requests are refused, for everyone alike.
	for _, tc := range []struct {
		in    identity.PasswordResetInput
		field string
	}{
		{identity.PasswordResetInput{}, "identifier"},
		{identity.PasswordResetInput{Identifier: "x@example.com"}, "identifierType"},
		{identity.PasswordResetInput{Identifier: "x@example.com", IdentifierType: "fax"}, "identifierType"},
		{identity.PasswordResetInput{Identifier: "not an e-mail", IdentifierType: identity.IdentifierEmail}, "identifier"},
		{identity.PasswordResetInput{Identifier: "12", IdentifierType: identity.IdentifierPhoneNumber}, "identifier"},
	} {
		wantField(t, e.id.RequestPasswordReset(ctx, tc.in), tc.field)
	}
}

func TestPasswordResetBySMS(t *testing.T) {
	e := newIdentifiersEnv(t)
	ctx := context.Background()
	u := e.user(t, "sms@example.com")
	const phone = "+15551234567"
	if _, err := e.id.AddUserPhoneNumber(ctx, u.ID, phone); err != nil {
		t.Fatal(err)
	}

	// By e-mail: the code goes to the user's verified phone.
	res, err := e.id.RequestPasswordResetSMS(ctx, identity.PasswordResetInput{Identifier: u.Email, IdentifierType: identity.IdentifierEmail})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	code := e.lastCode(t, phone)
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		_, err := e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: res.SessionID, OTCToken: wrongCode(code)})
		wantField(t, err, "otcToken")
	}
	_, err = e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: res.SessionID, OTCToken: wrongCode(code)})
	wantErr(t, err, identity.ErrTooManyAttempts)
	_, err = e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: res.SessionID, OTCToken: code})
	if err == nil {
		t.Fatal("a code burnt by wrong attempts still works")
	}

	// By phone number: a new code, verified, yields a reset token.
	res, err = e.id.RequestPasswordResetSMS(ctx, identity.PasswordResetInput{Identifier: phone, IdentifierType: identity.IdentifierPhoneNumber})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if n := e.sentTo("sms", phone); n != 2 {
		t.Fatalf("%d SMS sent, want 2", n)
	}
	code = e.lastCode(t, phone)
	_, err = e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: "unknown", OTCToken: code})
	wantField(t, err, "otcToken")
	grant, err := e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: res.SessionID, OTCToken: code})
	if err != nil || grant.UserID != u.ID || grant.Token == "" {
		t.Fatalf("VerifyPasswordResetSMS = %+v, %v", grant, err)
	}
	_, err = e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: res.SessionID, OTCToken: code})
	wantField(t, err, "otcToken") // single use
	if err := e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: grant.UserID, Token: grant.Token, Password: "texted new password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.Login(ctx, identity.LoginInput{Email: u.Email, Password: "texted new password"}, identity.ClientInfo{}); err != nil {
		t.Fatalf("login after an SMS reset: %v", err)
	}

	// Codes expire.
	res, _ = e.id.RequestPasswordResetSMS(ctx, identity.PasswordResetInput{Identifier: phone, IdentifierType: identity.IdentifierPhoneNumber})
	e.drain(t)
	code = e.lastCode(t, phone)
	e.clock.Advance(identity.VerificationCodeTTL)
	_, err = e.id.VerifyPasswordResetSMS(ctx, identity.VerifyPasswordResetSMSInput{SessionID: res.SessionID, OTCToken: code})
	wantField(t, err, "otcToken")

	// A user without a verified phone gets nothing, and the answer is the same.
	v := e.user(t, "nophone@example.com")
	before := len(e.outbox.Messages())
	res, err = e.id.RequestPasswordResetSMS(ctx, identity.PasswordResetInput{Identifier: v.Email, IdentifierType: identity.IdentifierEmail})
	if err != nil || res.SessionID == "" {
		t.Fatalf("RequestPasswordResetSMS without a phone = %+v, %v", res, err)
	}
	e.drain(t)
	if len(e.outbox.Messages()) != before {
		t.Fatal("a message was sent for a user without a phone")
	}
}

func TestChangePassword(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "change@example.com")
	other := e.login(t, u.Email)
	current := e.login(t, u.Email)
	p := e.principal(t, current.AccessToken)

	err := e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: "wrong password", NewPassword: "new password 1"})
	wantField(t, err, "password")
	wantCode(t, err, identity.CodeBadCredentials)
	wantField(t, e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: testPassword, NewPassword: testPassword}), "newPassword")
	wantField(t, e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: testPassword, NewPassword: "short"}), "newPassword")
	wantField(t, e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: testPassword}), "newPassword")
	wantErr(t, e.id.ChangePassword(ctx, vendor(""), identity.ChangePasswordInput{Password: testPassword, NewPassword: "new password 1"}), identity.ErrInvalidInput)
	if _, err := e.tryLogin(u.Email); err != nil {
		t.Fatalf("a refused change altered the password: %v", err)
	}

	if err := e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: testPassword, NewPassword: "new password 1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tryLogin(u.Email); err == nil {
		t.Fatal("the old password still logs in")
	}
	// The session that changed the password lives on; the others end.
	if _, err := e.refresh(current.RefreshToken, ""); err != nil {
		t.Fatalf("the changing session was revoked: %v", err)
	}
	_, err = e.refresh(other.RefreshToken, "")
	wantErr(t, err, identity.ErrUnauthorized)

	// The environment changes it for the user it names.
	vp := &identity.Principal{Vendor: true, UserID: u.ID}
	if err := e.id.ChangePassword(ctx, vp, identity.ChangePasswordInput{Password: "new password 1", NewPassword: "new password 2"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.ChangePassword(ctx, &identity.Principal{Vendor: true, UserID: "missing"},
		identity.ChangePasswordInput{Password: "x", NewPassword: "new password 3"}), identity.ErrNotFound)
}

func TestGeneratedResetLinkIsTheSameMechanism(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "gen@example.com")
	link, err := e.id.GeneratePasswordResetLink(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(link.Link, "/account/reset-password?") {
		t.Fatalf("link = %q", link.Link)
	}
	if err := e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: link.Token, Password: "generated new"}); err != nil {
		t.Fatalf("a generated reset token must work with ResetPassword: %v", err)
	}
}

// gateMailer holds every e-mail until released.
type gateMailer struct {
	release chan struct{}
	sent    chan delivery.Email
}

func (g *gateMailer) SendEmail(ctx context.Context, m delivery.Email) error {
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.sent <- m
	return nil
}

func TestResetRequestDoesNotWaitForDelivery(t *testing.T) {
	e := newTestEnv(t)
	g := &gateMailer{release: make(chan struct{}), sent: make(chan delivery.Email, 1)}
	e.id = e.newIdentity(t, identity.WithMailer(g))
	ctx := context.Background()
	u := e.user(t, "slow@example.com")
	// The mailer blocks, yet the request answers.
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := e.id.Drain(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Drain with the delivery blocked = %v, want the context's deadline", err)
	}
	close(g.release)
	e.drain(t)
	if m := <-g.sent; m.To != u.Email || m.Subject != "Reset your password" {
		t.Fatalf("delivered %+v", m)
	}
}
