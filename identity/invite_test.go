package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

func TestInviteNewUserAndAccept(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Globex")

	u, mail := e.invite(t, tn.ID, identity.InviteUserInput{Email: "Bob@Example.com", Name: "Bob", Metadata: `{"team":"x"}`})
	if u.ID == "" || u.Email != "bob@example.com" || u.Verified || u.TenantID != tn.ID || u.Roles == nil || u.Permissions == nil {
		t.Fatalf("invited user = %+v", u)
	}
	if mail.path != "/account/invitation" || mail.userID != u.ID || mail.token == "" || len(mail.code) != identity.CodeDigits {
		t.Fatalf("invitation e-mail link %+v", mail)
	}
	if !strings.Contains(mail.msg.Subject, "Globex") || !strings.Contains(mail.msg.Body, "7 days") {
		t.Errorf("invitation e-mail %q / %q lacks the tenant name or validity", mail.msg.Subject, mail.msg.Body)
	}
	// Only hashes are stored.
	ts, err := e.st.ListUserOneTimeTokens(ctx, u.ID, store.TokenInvitation)
	if err != nil || len(ts) != 1 || ts[0].TenantID != tn.ID || strings.Contains(ts[0].Data, mail.code) || string(ts[0].Hash) == mail.token {
		t.Fatalf("stored invitation %+v, %v", ts, err)
	}

	auth, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	p := e.principal(t, auth.AccessToken)
	if p.UserID != u.ID || p.TenantID != tn.ID || !p.Claims.EmailVerified {
		t.Fatalf("principal after accepting = %+v", p)
	}
	if got, _ := e.id.GetUser(ctx, u.ID); !got.Verified {
		t.Fatal("user not verified after accepting")
	}
	// Single use.
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
	// Another user's id with the token, or a made-up token, is refused.
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: "made-up"}, identity.ClientInfo{})
	wantField(t, err, "token")
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{Token: mail.token}, identity.ClientInfo{})
	wantField(t, err, "userId")
}

func TestInviteWithPasswordRequiresAcceptBeforeLogin(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Globex")
	u, mail := e.invite(t, tn.ID, identity.InviteUserInput{Email: "bob@example.com", Password: testPassword})
	_, err := e.tryLogin("bob@example.com")
	wantCode(t, err, identity.CodeUserNotVerified)
	// A second password is refused: the user already has one.
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token, Password: "another password"}, identity.ClientInfo{})
	wantField(t, err, "password")
	if _, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	e.login(t, "bob@example.com")
}

func TestAcceptInvitationSetsPassword(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Globex")
	u, mail := e.invite(t, tn.ID, identity.InviteUserInput{Email: "bob@example.com"})
	_, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token, Password: "short"}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeWeakPassword)
	auth, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token, Password: testPassword}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if amr := e.principal(t, auth.AccessToken).Claims.AMR; len(amr) != 1 || amr[0] != identity.AMRPassword {
		t.Errorf("amr = %v, want [pwd]", amr)
	}
	e.login(t, "bob@example.com")
}

func TestInviteExistingUserToAnotherTenant(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	alice := e.user(t, "alice@example.com")
	home := alice.TenantID
	other := e.tenant(t, "Other")

	// The invitation adds the membership; the user's properties stay.
	u, mail := e.invite(t, other.ID, identity.InviteUserInput{Email: "ALICE@example.com", Name: "Somebody Else", Password: "ignored password"})
	if u.ID != alice.ID || u.Name != "Test User" || u.TenantID != other.ID {
		t.Fatalf("invited existing user = %+v", u)
	}
	if _, err := e.id.GetTenantUser(ctx, other.ID, alice.ID); err != nil {
		t.Fatalf("not a member of the new tenant: %v", err)
	}
	// Inviting again before acceptance re-sends: the old link stops working.
	_, again := e.invite(t, other.ID, identity.InviteUserInput{Email: "alice@example.com"})
	if again.token == mail.token {
		t.Fatal("re-invitation reused the token")
	}
	_, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: alice.ID, Token: mail.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
	auth, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: alice.ID, Token: again.token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.principal(t, auth.AccessToken); p.TenantID != other.ID || len(p.Claims.TenantIDs) != 2 {
		t.Fatalf("session after accepting is in %s with tenants %v, want %s and both", p.TenantID, p.Claims.TenantIDs, other.ID)
	}
	if amr := e.principal(t, auth.AccessToken).Claims.AMR; len(amr) != 1 || amr[0] != "email" {
		t.Errorf("amr = %v, want [email]", amr)
	}
	// Now a member who accepted: inviting again is a conflict.
	_, err = e.id.InviteUser(ctx, vendor(other.ID), identity.InviteUserInput{Email: "alice@example.com"})
	wantErr(t, err, identity.ErrConflict)
	// The home tenant still works, with the old password.
	res := e.login(t, "alice@example.com")
	if p := e.principal(t, res.AccessToken); p.TenantID != other.ID && p.TenantID != home {
		t.Fatalf("login tenant %s", p.TenantID)
	}
}

func TestInvitationPerTenantAndExpiry(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	a, b := e.tenant(t, "A"), e.tenant(t, "B")
	u, mailA := e.invite(t, a.ID, identity.InviteUserInput{Email: "bob@example.com"})
	_, mailB := e.invite(t, b.ID, identity.InviteUserInput{Email: "bob@example.com"})
	// Both invitations are pending at once.
	ts, err := e.st.ListUserOneTimeTokens(ctx, u.ID, store.TokenInvitation)
	if err != nil || len(ts) != 2 {
		t.Fatalf("pending invitations %d, %v; want 2", len(ts), err)
	}

	e.clock.Advance(identity.InvitationTokenTTL + time.Second)
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mailA.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)

	// Resetting every invitation from tenant A's side re-sends only A's
	// (B is not below A).
	sent, err := e.id.ResetAllInvitations(ctx, vendor(a.ID), "bob@example.com")
	if err != nil || len(sent) != 1 || sent[0].TenantID != a.ID || sent[0].Token == "" || !strings.Contains(sent[0].Link, "/account/invitation?") {
		t.Fatalf("ResetAllInvitations = %+v, %v", sent, err)
	}
	fresh := e.lastMail(t, "bob@example.com")
	if fresh.token != sent[0].Token {
		t.Fatal("the e-mailed token differs from the returned one")
	}
	auth, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: fresh.token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.principal(t, auth.AccessToken); p.TenantID != a.ID {
		t.Fatalf("tenant %s, want %s", p.TenantID, a.ID)
	}
	// B's expired invitation is still pending; resetting it from B works.
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: mailB.token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
	s, err := e.id.ResetInvitation(ctx, vendor(b.ID), "bob@example.com")
	if err != nil || s.TenantID != b.ID {
		t.Fatalf("ResetInvitation = %+v, %v", s, err)
	}
	if _, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: u.ID, Token: s.Token}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	// Nothing pending any more.
	_, err = e.id.ResetInvitation(ctx, vendor(b.ID), "bob@example.com")
	wantErr(t, err, identity.ErrConflict)
	sent, err = e.id.ResetAllInvitations(ctx, vendor(a.ID), "bob@example.com")
	if err != nil || len(sent) != 0 {
		t.Fatalf("ResetAllInvitations with nothing pending = %+v, %v", sent, err)
	}
}

func TestResetAllInvitationsCoversSubAccounts(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	parent := e.tenant(t, "Parent")
	child, err := e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Child", ParentTenantID: parent.ID})
	if err != nil {
		t.Fatal(err)
	}
	unrelated := e.tenant(t, "Unrelated")
	e.invite(t, child.ID, identity.InviteUserInput{Email: "bob@example.com"})
	e.invite(t, unrelated.ID, identity.InviteUserInput{Email: "bob@example.com"})
	sent, err := e.id.ResetAllInvitations(ctx, vendor(parent.ID), "bob@example.com")
	if err != nil || len(sent) != 1 || sent[0].TenantID != child.ID {
		t.Fatalf("ResetAllInvitations from the parent = %+v, %v; want the child's only", sent, err)
	}
	// Seen from a tenant the user does not belong to: not found.
	_, err = e.id.ResetInvitation(ctx, vendor(parent.ID), "bob@example.com")
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.ResetInvitation(ctx, vendor(parent.ID), "nobody@example.com")
	wantErr(t, err, identity.ErrNotFound)
}

func TestResetInvitationHidesTokenFromUsers(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin := e.user(t, "admin@example.com")
	e.invite(t, admin.TenantID, identity.InviteUserInput{Email: "bob@example.com"})
	p := userPrincipal(admin.ID, admin.TenantID, "fe.secure.*")
	s, err := e.id.ResetInvitation(ctx, p, "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if s.Token != "" || s.Link != "" || s.Email != "bob@example.com" {
		t.Fatalf("a user principal got %+v; want no token or link", s)
	}
	_, err = e.id.ResetInvitation(ctx, userPrincipal(admin.ID, admin.TenantID), "bob@example.com")
	wantErr(t, err, identity.ErrForbidden)
}

func TestAcceptInvitationWithCode(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Globex")
	u, mail := e.invite(t, tn.ID, identity.InviteUserInput{Email: "bob@example.com"})
	in := func(code string) identity.AcceptInvitationWithCodeInput {
		return identity.AcceptInvitationWithCodeInput{AcceptInvitationInput: identity.AcceptInvitationInput{UserID: u.ID, Token: mail.token}, Code: code}
	}
	_, err := e.id.AcceptInvitationWithCode(ctx, in(""), identity.ClientInfo{})
	wantField(t, err, "code")
	wrong := "000000"
	if mail.code == wrong {
		wrong = "111111"
	}
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		_, err = e.id.AcceptInvitationWithCode(ctx, in(wrong), identity.ClientInfo{})
		wantField(t, err, "code")
	}
	_, err = e.id.AcceptInvitationWithCode(ctx, in(wrong), identity.ClientInfo{})
	wantErr(t, err, identity.ErrTooManyAttempts)
	// The invitation is burnt: even the right code fails now.
	_, err = e.id.AcceptInvitationWithCode(ctx, in(mail.code), identity.ClientInfo{})
	wantErr(t, err, identity.ErrInvalidInput)
	wantCode(t, err, identity.CodeInvalidActivation)

	// A new invitation works with its code.
	_, mail = e.invite(t, tn.ID, identity.InviteUserInput{Email: "bob@example.com"})
	auth, err := e.id.AcceptInvitationWithCode(ctx, in(" "+mail.code+" "), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if e.principal(t, auth.AccessToken).TenantID != tn.ID {
		t.Fatal("wrong tenant")
	}
}

func TestAcceptInvitationRefusals(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	alice := e.user(t, "alice@example.com")
	other := e.tenant(t, "Other")
	_, mail := e.invite(t, other.ID, identity.InviteUserInput{Email: "alice@example.com"})
	accept := func() error {
		_, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: alice.ID, Token: mail.token}, identity.ClientInfo{})
		return err
	}
	if _, err := e.id.LockUser(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, accept(), identity.CodeUserLocked)
	if _, err := e.id.UnlockUser(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.DisableTenantUser(ctx, vendor(other.ID), alice.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, accept(), identity.CodeUserDisabled)
	if err := e.id.RemoveUser(ctx, other.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, accept(), identity.ErrInvalidInput)
}

func TestInviteAuthorizationAndValidation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin := e.user(t, "admin@example.com")
	tn := admin.TenantID

	// A user principal acts in its own tenant with the permission.
	u, err := e.id.InviteUser(ctx, userPrincipal(admin.ID, tn, identity.PermWriteUsers), identity.InviteUserInput{Email: "bob@example.com"})
	if err != nil || u.TenantID != tn {
		t.Fatalf("InviteUser by a permitted user = %+v, %v", u, err)
	}
	_, err = e.id.InviteUser(ctx, userPrincipal(admin.ID, tn, "fe.secure.read.*"), identity.InviteUserInput{Email: "carl@example.com"})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.InviteUser(ctx, nil, identity.InviteUserInput{Email: "carl@example.com"})
	wantErr(t, err, identity.ErrUnauthorized)
	// A user who was removed from the tenant cannot use an old token.
	stranger := e.user(t, "stranger@example.com")
	_, err = e.id.InviteUser(ctx, userPrincipal(stranger.ID, tn, "fe.secure.*"), identity.InviteUserInput{Email: "carl@example.com"})
	wantErr(t, err, identity.ErrForbidden)

	_, err = e.id.InviteUser(ctx, vendor(""), identity.InviteUserInput{Email: "carl@example.com"})
	wantField(t, err, "frontegg-tenant-id")
	_, err = e.id.InviteUser(ctx, vendor("missing"), identity.InviteUserInput{Email: "carl@example.com"})
	wantErr(t, err, identity.ErrNotFound)
	for _, c := range []struct {
		in    identity.InviteUserInput
		field string
	}{
		{identity.InviteUserInput{}, "email"},
		{identity.InviteUserInput{Email: "not-an-email"}, "email"},
		{identity.InviteUserInput{Email: "carl@example.com", Provider: "myspace"}, "provider"},
		{identity.InviteUserInput{Email: "carl@example.com", Metadata: "[1]"}, "metadata"},
		{identity.InviteUserInput{Email: "carl@example.com", Password: "short"}, "password"},
		{identity.InviteUserInput{Email: "carl@example.com", ExpirationInSeconds: 299}, "expirationInSeconds"},
	} {
		_, err := e.id.InviteUser(ctx, vendor(tn), c.in)
		wantField(t, err, c.field)
	}
	// Temporary invitations need temporary users enabled.
	_, err = e.id.InviteUser(ctx, vendor(tn), identity.InviteUserInput{Email: "carl@example.com", ExpirationInSeconds: 600})
	wantErr(t, err, identity.ErrForbidden)
	if _, err := e.id.GetUserByEmail(ctx, "carl@example.com"); err == nil {
		t.Fatal("a refused invitation created the user")
	}
	// No e-mail with skipInviteEmail.
	before := e.mailCount("dan@example.com")
	if _, err := e.id.InviteUser(ctx, vendor(tn), identity.InviteUserInput{Email: "dan@example.com", SkipInviteEmail: true}); err != nil {
		t.Fatal(err)
	}
	if e.mailCount("dan@example.com") != before {
		t.Fatal("skipInviteEmail sent an e-mail")
	}
}

func TestBulkInvite(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	alice := e.user(t, "alice@example.com")
	tn := e.tenant(t, "Bulk")
	task, err := e.id.BulkInviteUsers(ctx, tn.ID, identity.BulkInviteInput{Users: []identity.BulkInviteUser{
		{InviteUserInput: identity.InviteUserInput{Email: "new@example.com", Name: "New"}},
		{InviteUserInput: identity.InviteUserInput{Email: "alice@example.com"}},
		{InviteUserInput: identity.InviteUserInput{Email: "broken"}},
		{InviteUserInput: identity.InviteUserInput{Email: "verified@example.com", SkipInviteEmail: true}, Verified: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != identity.TaskCompleted || task.Total != 4 || task.Succeeded != 3 || task.Failed != 1 || len(task.Results) != 4 {
		t.Fatalf("task = %+v", task)
	}
	if r := task.Results[1]; r.Status != identity.BulkItemSucceeded || r.UserID != alice.ID {
		t.Errorf("existing user result = %+v", r)
	}
	if r := task.Results[2]; r.Status != identity.BulkItemFailed || !strings.Contains(r.Error, "email") {
		t.Errorf("invalid user result = %+v", r)
	}
	if e.mailCount("new@example.com") != 1 || e.mailCount("verified@example.com") != 0 {
		t.Error("bulk invitation e-mails not as requested")
	}
	v, err := e.id.GetTenantUser(ctx, tn.ID, task.Results[3].UserID)
	if err != nil || !v.Verified {
		t.Fatalf("verified bulk user = %+v, %v", v, err)
	}

	got, err := e.id.GetBulkInviteStatus(ctx, task.ID)
	if err != nil || got.Status != identity.TaskCompleted || len(got.Results) != 4 || got.Results[0].UserID != task.Results[0].UserID {
		t.Fatalf("GetBulkInviteStatus = %+v, %v", got, err)
	}
	_, err = e.id.GetBulkInviteStatus(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)

	_, err = e.id.BulkInviteUsers(ctx, tn.ID, identity.BulkInviteInput{})
	wantField(t, err, "users")
	_, err = e.id.BulkInviteUsers(ctx, tn.ID, identity.BulkInviteInput{Users: make([]identity.BulkInviteUser, identity.MaxBulkInviteUsers+1)})
	wantField(t, err, "users")
	_, err = e.id.BulkInviteUsers(ctx, "", identity.BulkInviteInput{Users: make([]identity.BulkInviteUser, 1)})
	wantField(t, err, "frontegg-tenant-id")
	_, err = e.id.BulkInviteUsers(ctx, "missing", identity.BulkInviteInput{Users: make([]identity.BulkInviteUser, 1)})
	wantErr(t, err, identity.ErrNotFound)
}
