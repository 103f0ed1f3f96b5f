package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

func TestActivateWithCode(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	res, err := e.id.SignUp(ctx, signUpInput("ann@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	mail := e.lastMail(t, "ann@example.com")
	if mail.path != "/account/activate" || len(mail.code) != identity.CodeDigits {
		t.Fatalf("activation e-mail %+v lacks the link or the code", mail)
	}
	in := func(code string) identity.ActivateWithCodeInput {
		return identity.ActivateWithCodeInput{ActivateInput: identity.ActivateInput{UserID: res.UserID, Token: mail.token}, Code: code}
	}
	wrong := "000000"
	if mail.code == wrong {
		wrong = "999999"
	}
	_, err = e.id.ActivateUserWithCode(ctx, in(wrong), identity.ClientInfo{})
	wantField(t, err, "code")
	_, err = e.id.ActivateUserWithCode(ctx, in(""), identity.ClientInfo{})
	wantField(t, err, "code")
	auth, err := e.id.ActivateUserWithCode(ctx, in(mail.code), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.principal(t, auth.AccessToken); p.UserID != res.UserID || !p.Claims.EmailVerified {
		t.Fatalf("principal %+v", p)
	}
	// Single use.
	_, err = e.id.ActivateUserWithCode(ctx, in(mail.code), identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
}

func TestActivationCodeAttemptLimitAndExpiry(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	res, err := e.id.SignUp(ctx, signUpInput("ann@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	mail := e.lastMail(t, "ann@example.com")
	try := func(code string) error {
		_, err := e.id.ActivateUserWithCode(ctx, identity.ActivateWithCodeInput{ActivateInput: identity.ActivateInput{UserID: res.UserID, Token: mail.token}, Code: code}, identity.ClientInfo{})
		return err
	}
	wrong := "123456"
	if mail.code == wrong {
		wrong = "654321"
	}
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		wantField(t, try(wrong), "code")
	}
	wantErr(t, try(wrong), identity.ErrTooManyAttempts)
	wantCode(t, try(mail.code), identity.CodeInvalidActivation)
	// The link of the burnt token no longer activates either.
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: res.UserID, Token: mail.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)

	// A new e-mail, then expiry.
	if err := e.id.ResendActivationEmail(ctx, identity.ResendActivationInput{Email: "ANN@example.com"}); err != nil {
		t.Fatal(err)
	}
	mail = e.lastMail(t, "ann@example.com")
	e.clock.Advance(identity.ActivationTokenTTL + time.Second)
	wantCode(t, try(mail.code), identity.CodeInvalidActivation)
}

func TestResendActivationEmail(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	res, err := e.id.SignUp(ctx, signUpInput("ann@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	first := e.lastMail(t, "ann@example.com")
	e.user(t, "verified@example.com")

	// Unknown and verified e-mails get the same answer and no e-mail.
	for _, email := range []string{"nobody@example.com", "verified@example.com"} {
		before := len(e.outbox.Messages())
		if err := e.id.ResendActivationEmail(ctx, identity.ResendActivationInput{Email: email}); err != nil {
			t.Fatalf("ResendActivationEmail(%s) = %v, want nil", email, err)
		}
		if len(e.outbox.Messages()) != before {
			t.Fatalf("ResendActivationEmail(%s) sent an e-mail", email)
		}
	}
	err = e.id.ResendActivationEmail(ctx, identity.ResendActivationInput{Email: "not an e-mail"})
	wantField(t, err, "email")

	if err := e.id.ResendActivationEmail(ctx, identity.ResendActivationInput{Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	second := e.lastMail(t, "ann@example.com")
	if second.token == first.token || second.userID != res.UserID {
		t.Fatalf("resent e-mail %+v", second)
	}
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: res.UserID, Token: first.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
	if _, err := e.id.ActivateUser(ctx, identity.ActivateInput{UserID: res.UserID, Token: second.token}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateLinks(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "T")
	u, _ := e.invite(t, tn.ID, identity.InviteUserInput{Email: "bob@example.com", SkipInviteEmail: true})
	before := len(e.outbox.Messages())

	l, err := e.id.GenerateActivationLink(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.UserID != u.ID || l.Token == "" || !strings.HasPrefix(l.Link, "http://localhost:8080/account/activate?") || !strings.Contains(l.Link, l.Token) {
		t.Fatalf("activation link %+v", l)
	}
	if len(e.outbox.Messages()) != before {
		t.Fatal("generating a link sent an e-mail")
	}
	// The token activates (the user has no password yet: one is set).
	if _, err := e.id.ActivateUser(ctx, identity.ActivateInput{UserID: u.ID, Token: l.Token, Password: testPassword}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GenerateActivationLink(ctx, u.ID)
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.GenerateActivationLink(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)

	r, err := e.id.GeneratePasswordResetLink(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.UserID != u.ID || !strings.Contains(r.Link, "/account/reset-password?") || !strings.Contains(r.Link, r.Token) {
		t.Fatalf("reset link %+v", r)
	}
	stored, err := e.st.GetOneTimeTokenByHash(ctx, store.TokenPasswordReset, tokens.HashSecret(r.Token))
	if err != nil || stored.UserID != u.ID || !stored.ExpiresAt.Equal(e.clock.Now().Add(identity.PasswordResetTokenTTL)) {
		t.Fatalf("stored reset token %+v, %v", stored, err)
	}
	// A new one replaces it.
	r2, err := e.id.GeneratePasswordResetLink(ctx, u.ID)
	if err != nil || r2.Token == r.Token {
		t.Fatalf("second reset link %+v, %v", r2, err)
	}
	if _, err := e.st.GetOneTimeTokenByHash(ctx, store.TokenPasswordReset, tokens.HashSecret(r.Token)); err == nil {
		t.Fatal("the earlier reset token still exists")
	}
	_, err = e.id.GeneratePasswordResetLink(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
}

func TestVerifyUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	res, err := e.id.SignUp(ctx, signUpInput("ann@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	mail := e.lastMail(t, "ann@example.com")
	u, err := e.id.VerifyUser(ctx, res.UserID)
	if err != nil || !u.Verified {
		t.Fatalf("VerifyUser = %+v, %v", u, err)
	}
	e.login(t, "ann@example.com")
	// The pending activation link is dropped.
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: res.UserID, Token: mail.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
	_, err = e.id.VerifyUser(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
}

func TestLockBlocksLoginAndRefresh(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	session := e.login(t, "ann@example.com")

	locked, err := e.id.LockUser(ctx, u.ID)
	if err != nil || !locked.IsLocked {
		t.Fatalf("LockUser = %+v, %v", locked, err)
	}
	_, err = e.tryLogin("ann@example.com")
	wantCode(t, err, identity.CodeUserLocked)
	_, err = e.refresh(session.RefreshToken, "")
	wantErr(t, err, identity.ErrUnauthorized)

	unlocked, err := e.id.UnlockUser(ctx, u.ID)
	if err != nil || unlocked.IsLocked {
		t.Fatalf("UnlockUser = %+v, %v", unlocked, err)
	}
	e.login(t, "ann@example.com")
	_, err = e.id.LockUser(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UnlockUser(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
}

func TestSelfUnlock(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	err := e.id.SendUnlockEmail(ctx, u.ID)
	wantErr(t, err, identity.ErrConflict) // not locked
	if _, err := e.id.LockUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.id.SendUnlockEmail(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	mail := e.lastMail(t, "ann@example.com")
	if mail.path != "/account/unlock" || mail.token == "" || !strings.Contains(mail.msg.Subject, "Unlock") {
		t.Fatalf("unlock e-mail %+v", mail)
	}
	wantField(t, e.id.UnlockWithToken(ctx, identity.UnlockInput{}), "token")
	wantField(t, e.id.UnlockWithToken(ctx, identity.UnlockInput{Token: "made-up"}), "token")
	if err := e.id.UnlockWithToken(ctx, identity.UnlockInput{Token: mail.token}); err != nil {
		t.Fatal(err)
	}
	e.login(t, "ann@example.com")
	wantField(t, e.id.UnlockWithToken(ctx, identity.UnlockInput{Token: mail.token}), "token")

	// A vendor lock voids pending unlock links.
	if _, err := e.id.LockUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.id.SendUnlockEmail(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	pending := e.lastMail(t, "ann@example.com")
	if _, err := e.id.LockUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	wantField(t, e.id.UnlockWithToken(ctx, identity.UnlockInput{Token: pending.token}), "token")

	// Unlock links expire.
	if err := e.id.SendUnlockEmail(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	expiring := e.lastMail(t, "ann@example.com")
	e.clock.Advance(identity.UnlockTokenTTL)
	wantField(t, e.id.UnlockWithToken(ctx, identity.UnlockInput{Token: expiring.token}), "token")
	_, err = e.tryLogin("ann@example.com")
	wantCode(t, err, identity.CodeUserLocked)
	wantErr(t, e.id.SendUnlockEmail(ctx, "missing"), identity.ErrNotFound)
}

func TestRemoveUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	home := u.TenantID
	other := e.tenant(t, "Other")
	_, mail := e.invite(t, other.ID, identity.InviteUserInput{Email: "ann@example.com"})
	if _, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	inOther, err := e.id.Login(ctx, identity.LoginInput{Email: "ann@example.com", Password: testPassword}, identity.ClientInfo{})
	if err != nil || e.principal(t, inOther.AccessToken).TenantID != other.ID {
		t.Fatalf("login in the invited tenant: %v", err)
	}

	wantErr(t, e.id.RemoveUser(ctx, e.tenant(t, "Unrelated").ID, u.ID), identity.ErrNotFound)
	if err := e.id.RemoveUser(ctx, other.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	// Gone from the tenant; its session there is revoked; the user stays.
	_, err = e.id.GetTenantUser(ctx, other.ID, u.ID)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.refresh(inOther.RefreshToken, "")
	wantErr(t, err, identity.ErrUnauthorized)
	if p := e.principal(t, e.login(t, "ann@example.com").AccessToken); p.TenantID != home {
		t.Fatalf("login after removal is in %s, want %s", p.TenantID, home)
	}
	// Removing from the last tenant deletes the user.
	if err := e.id.RemoveUser(ctx, home, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetUser(ctx, u.ID)
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.RemoveUser(ctx, "", u.ID), identity.ErrNotFound)

	// Without a tenant the user is deleted from the environment.
	v := e.user(t, "bob@example.com")
	if err := e.id.RemoveUser(ctx, "", v.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.tryLogin("bob@example.com")
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestDisableEnableTenantUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin := e.user(t, "admin@example.com")
	tn := admin.TenantID
	_, mail := e.invite(t, tn, identity.InviteUserInput{Email: "bob@example.com", Password: testPassword})
	bob, err := e.id.GetUserByEmail(ctx, "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: bob.ID, Token: mail.token}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	session := e.login(t, "bob@example.com")
	p := userPrincipal(admin.ID, tn, identity.PermEnableDisable)

	v, err := e.id.DisableTenantUser(ctx, p, bob.ID)
	if err != nil || v.ActivatedForTenant || len(v.Tenants) != 1 || !v.Tenants[0].IsDisabled {
		t.Fatalf("DisableTenantUser = %+v, %v", v, err)
	}
	_, err = e.tryLogin("bob@example.com")
	wantCode(t, err, identity.CodeUserDisabled)
	_, err = e.refresh(session.RefreshToken, "")
	wantErr(t, err, identity.ErrUnauthorized)

	// In another tenant the user still logs in, and cannot refresh into
	// the one that disabled it.
	other := e.tenant(t, "Other")
	_, mail = e.invite(t, other.ID, identity.InviteUserInput{Email: "bob@example.com"})
	if _, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: bob.ID, Token: mail.token}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	res := e.login(t, "bob@example.com")
	if e.principal(t, res.AccessToken).TenantID != other.ID {
		t.Fatal("login did not land in the enabled tenant")
	}
	_, err = e.refresh(res.RefreshToken, tn)
	wantErr(t, err, identity.ErrForbidden)

	if _, err := e.id.EnableTenantUser(ctx, p, bob.ID); err != nil {
		t.Fatal(err)
	}
	res, err = e.refresh(e.login(t, "bob@example.com").RefreshToken, tn)
	if err != nil || e.principal(t, res.AccessToken).TenantID != tn {
		t.Fatalf("refresh into the re-enabled tenant: %v", err)
	}

	_, err = e.id.DisableTenantUser(ctx, p, admin.ID)
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.DisableTenantUser(ctx, userPrincipal(admin.ID, tn, "fe.secure.read.*"), bob.ID)
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.DisableTenantUser(ctx, p, e.user(t, "stranger@example.com").ID)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.EnableTenantUser(ctx, vendor(""), bob.ID)
	wantField(t, err, "frontegg-tenant-id")
}

func TestTemporaryUserExpiryBlocksLoginAndRefresh(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")

	cfg, err := e.id.GetTemporaryUsersConfig(ctx)
	if err != nil || cfg.Enabled {
		t.Fatalf("default configuration %+v, %v; want disabled", cfg, err)
	}
	_, err = e.id.SetUserTemporary(ctx, "", u.ID, identity.TemporaryUserInput{ExpirationInSeconds: ptr(600)})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.UpdateTemporaryUsersConfig(ctx, identity.TemporaryUsersConfigInput{})
	wantField(t, err, "enabled")
	if cfg, err := e.id.UpdateTemporaryUsersConfig(ctx, identity.TemporaryUsersConfigInput{Enabled: ptr(true)}); err != nil || !cfg.Enabled {
		t.Fatalf("UpdateTemporaryUsersConfig = %+v, %v", cfg, err)
	}
	_, err = e.id.SetUserTemporary(ctx, "", u.ID, identity.TemporaryUserInput{})
	wantField(t, err, "expirationInSeconds")
	_, err = e.id.SetUserTemporary(ctx, "", u.ID, identity.TemporaryUserInput{ExpirationInSeconds: ptr(10)})
	wantField(t, err, "expirationInSeconds")
	_, err = e.id.SetUserTemporary(ctx, "missing", u.ID, identity.TemporaryUserInput{ExpirationInSeconds: ptr(600)})
	wantErr(t, err, identity.ErrNotFound)
	tu, err := e.id.SetUserTemporary(ctx, "", u.ID, identity.TemporaryUserInput{ExpirationInSeconds: ptr(600)})
	if err != nil || tu.ExpirationInSeconds != 600 {
		t.Fatalf("SetUserTemporary = %+v, %v", tu, err)
	}
	view, _ := e.id.GetUser(ctx, u.ID)
	if exp := view.Tenants[0].TemporaryExpirationDate; exp == nil || !exp.Equal(e.clock.Now().Add(600*time.Second)) {
		t.Fatalf("temporaryExpirationDate = %v", exp)
	}

	session := e.login(t, "ann@example.com")
	e.clock.Advance(599 * time.Second)
	session, err = e.refresh(session.RefreshToken, "")
	if err != nil {
		t.Fatalf("refresh before expiry: %v", err)
	}
	e.clock.Advance(time.Second)
	_, err = e.tryLogin("ann@example.com")
	wantCode(t, err, identity.CodeUserDisabled)
	_, err = e.refresh(session.RefreshToken, "")
	wantCode(t, err, identity.CodeUserDisabled)

	if err := e.id.SetUserPermanent(ctx, "", u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.refresh(session.RefreshToken, ""); err != nil {
		t.Fatalf("refresh after making the user permanent: %v", err)
	}
	e.login(t, "ann@example.com")
	wantErr(t, e.id.SetUserPermanent(ctx, "", "missing"), identity.ErrNotFound)
}

func TestTemporaryInvitation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "T")
	if _, err := e.id.UpdateTemporaryUsersConfig(ctx, identity.TemporaryUsersConfigInput{Enabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	u, _ := e.invite(t, tn.ID, identity.InviteUserInput{Email: "temp@example.com", Password: testPassword, ExpirationInSeconds: 3600})
	if u.TemporaryExpirationDate == nil || !u.TemporaryExpirationDate.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("temporaryExpirationDate = %v", u.TemporaryExpirationDate)
	}
	if _, err := e.id.VerifyUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	e.login(t, "temp@example.com")
	e.clock.Advance(time.Hour)
	_, err := e.tryLogin("temp@example.com")
	wantCode(t, err, identity.CodeUserDisabled)
}

func TestUpdateMe(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	p := userPrincipal(u.ID, u.TenantID)
	got, err := e.id.UpdateMe(ctx, p, identity.UpdateProfileInput{Name: ptr("Ann B"), Metadata: ptr(`{"x":1}`), PhoneNumber: ptr("+1 415-555-0100")})
	if err != nil || got.Name != "Ann B" || got.Metadata != `{"x":1}` || got.PhoneNumber != "+14155550100" || got.TenantID != u.TenantID {
		t.Fatalf("UpdateMe = %+v, %v", got, err)
	}
	// Fields left out are kept.
	got, err = e.id.UpdateMe(ctx, p, identity.UpdateProfileInput{ProfilePictureURL: ptr("https://example.com/a.png")})
	if err != nil || got.Name != "Ann B" || got.ProfilePictureURL != "https://example.com/a.png" {
		t.Fatalf("UpdateMe = %+v, %v", got, err)
	}
	_, err = e.id.UpdateMe(ctx, p, identity.UpdateProfileInput{Metadata: ptr("nope")})
	wantField(t, err, "metadata")
	_, err = e.id.UpdateMe(ctx, p, identity.UpdateProfileInput{PhoneNumber: ptr("12")})
	wantField(t, err, "phoneNumber")
	_, err = e.id.UpdateMe(ctx, vendor(u.TenantID), identity.UpdateProfileInput{Name: ptr("x")})
	wantField(t, err, "frontegg-user-id")
	_, err = e.id.UpdateMe(ctx, userPrincipal(u.ID, e.tenant(t, "Other").ID), identity.UpdateProfileInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrForbidden)
}
