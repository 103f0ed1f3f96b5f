package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

func TestTenantInviteLinks(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Acme")

	inv, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tn.ID, ExpiresInMinutes: ptr(60)})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Token == "" || inv.TenantID != tn.ID || inv.Name != "Acme" || inv.VendorID != e.id.EnvironmentID() {
		t.Fatalf("created invite = %+v", inv)
	}
	if want := e.clock.Now().Add(time.Hour); !inv.Expires.Equal(want) {
		t.Fatalf("expires %v, want %v", inv.Expires, want)
	}
	// The token is shown once: listings carry none, and the store keeps a
	// hash only.
	all, err := e.id.ListTenantInvites(ctx)
	if err != nil || len(all) != 1 || all[0].Token != "" || all[0].ID != inv.ID {
		t.Fatalf("ListTenantInvites = %+v, %v", all, err)
	}
	stored, err := e.st.GetTenantInvite(ctx, e.id.EnvironmentID(), inv.ID)
	if err != nil || strings.Contains(string(stored.Hash), inv.Token) || len(stored.Hash) != 32 {
		t.Fatalf("stored invite hash = %x, %v", stored.Hash, err)
	}
	v, err := e.id.VerifyTenantInvite(ctx, inv.Token)
	if err != nil || v.ID != inv.ID || v.Token != inv.Token {
		t.Fatalf("VerifyTenantInvite = %+v, %v", v, err)
	}
	_, err = e.id.VerifyTenantInvite(ctx, inv.Token+"x")
	wantField(t, err, "token")
	_, err = e.id.VerifyTenantInvite(ctx, "")
	wantField(t, err, "token")
	// Expired links stop working.
	e.clock.Advance(time.Hour)
	_, err = e.id.VerifyTenantInvite(ctx, inv.Token)
	wantField(t, err, "token")

	// Default lifetime, deletion.
	inv2, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(identity.DefaultTenantInviteMinutes * time.Minute); !inv2.Expires.Equal(want) {
		t.Fatalf("default expiry %v, want %v", inv2.Expires, want)
	}
	if err := e.id.DeleteTenantInvite(ctx, inv2.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.VerifyTenantInvite(ctx, inv2.Token)
	wantField(t, err, "token")
	wantErr(t, e.id.DeleteTenantInvite(ctx, inv2.ID), identity.ErrNotFound)

	// Refusals.
	for field, in := range map[string]identity.CreateTenantInviteInput{
		"tenantId":         {},
		"expiresInMinutes": {TenantID: tn.ID, ExpiresInMinutes: ptr(0)},
		"roleIds":          {TenantID: tn.ID, RoleIDs: []string{"no-such-role"}},
		"shouldSendEmail":  {TenantID: tn.ID, ShouldSendEmail: ptr(true)},
	} {
		_, err := e.id.CreateTenantInvite(ctx, in)
		wantField(t, err, field)
	}
	_, err = e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: "missing"})
	wantErr(t, err, identity.ErrNotFound)
	stranger := e.user(t, "stranger@example.com")
	_, err = e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tn.ID, UserID: stranger.ID})
	wantErr(t, err, identity.ErrNotFound)
}

func TestJoinTenantWithInvitationToken(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true), AllowTenantInvitations: ptr(true)})
	owner := e.user(t, "owner@example.com")
	tn := owner.TenantID
	inv, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tn, UserID: owner.ID, ShouldSendEmail: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}

	// Sign-up through the link joins its tenant, even with open sign-up
	// off and without a company name.
	e.setConfig(t, identity.VendorConfigUpdate{AllowSignups: ptr(false)})
	res, err := e.id.SignUp(ctx, identity.SignUpInput{Email: "new@example.com", Password: testPassword, InvitationToken: inv.Token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.TenantID != tn || res.AuthResponse == nil || e.tokenTenant(t, res.AuthResponse.AccessToken) != tn {
		t.Fatalf("sign-up with invitation = %+v", res)
	}
	if subject := e.lastSubject(t, "owner@example.com"); !strings.Contains(subject, "new@example.com joined") {
		t.Fatalf("owner notified with %q", subject)
	}
	if n := e.tenantCount(t); n != 1 {
		t.Fatalf("%d tenants: sign-up with an invitation created one", n)
	}
	_, err = e.id.SignUp(ctx, identity.SignUpInput{Email: "x@example.com", Password: testPassword, CompanyName: "X"}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeSignupsDisabled)
	_, err = e.id.SignUp(ctx, identity.SignUpInput{Email: "y@example.com", Password: testPassword, InvitationToken: "bogus"}, identity.ClientInfo{})
	wantField(t, err, "invitationToken")

	// Login through the link joins an existing user and issues the token
	// for the link's tenant.
	other := e.user(t, "other@example.com")
	login, err := e.id.Login(ctx, identity.LoginInput{Email: "other@example.com", Password: testPassword, InvitationToken: inv.Token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.tokenTenant(t, login.AccessToken); got != tn {
		t.Fatalf("login with invitation: token tenant %q, want %q", got, tn)
	}
	if _, err := e.st.GetMembership(ctx, other.ID, tn); err != nil {
		t.Fatalf("not joined: %v", err)
	}
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "other@example.com", Password: testPassword, InvitationToken: "bogus"}, identity.ClientInfo{})
	wantField(t, err, "invitationToken")
	// A wrong password stays a wrong password, whatever the token.
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "other@example.com", Password: "wrong password!", InvitationToken: inv.Token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeBadCredentials)

	// A member's link stops working when tenant invitations are turned off.
	e.setConfig(t, identity.VendorConfigUpdate{AllowTenantInvitations: ptr(false)})
	_, err = e.id.VerifyTenantInvite(ctx, inv.Token)
	wantField(t, err, "token")
	// And when its owner is disabled in the tenant.
	e.setConfig(t, identity.VendorConfigUpdate{AllowTenantInvitations: ptr(true)})
	if _, err := e.id.VerifyTenantInvite(ctx, inv.Token); err != nil {
		t.Fatal(err)
	}
	m, _ := e.st.GetMembership(ctx, owner.ID, tn)
	m.Disabled = true
	if err := e.st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.VerifyTenantInvite(ctx, inv.Token)
	wantField(t, err, "token")
}

// lastSubject returns the subject of the newest e-mail to email.
func (e *testEnv) lastSubject(t testing.TB, email string) string {
	t.Helper()
	msgs := e.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == email {
			return msgs[i].Subject
		}
	}
	t.Fatalf("no e-mail to %s", email)
	return ""
}

func (e *testEnv) tenantCount(t testing.TB) int {
	t.Helper()
	ts, err := e.st.ListTenants(context.Background(), e.id.EnvironmentID())
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

func TestMyTenantInvite(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	p := userPrincipal(u.ID, u.TenantID, identity.PermWriteTenantInvites, identity.PermDeleteTenantInvites)
	in := identity.UserInviteInput{ExpiresInMinutes: ptr(30), ShouldSendEmail: ptr(false)}

	// Off by default.
	_, err := e.id.CreateMyTenantInvite(ctx, p, in)
	wantErr(t, err, identity.ErrForbidden)
	e.setConfig(t, identity.VendorConfigUpdate{AllowTenantInvitations: ptr(true)})

	_, err = e.id.CreateMyTenantInvite(ctx, userPrincipal(u.ID, u.TenantID), in)
	wantErr(t, err, identity.ErrForbidden)
	first, err := e.id.CreateMyTenantInvite(ctx, p, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.UserID != u.ID || first.TenantID != u.TenantID || first.Token == "" {
		t.Fatalf("created = %+v", first)
	}
	got, err := e.id.GetMyTenantInvite(ctx, p)
	if err != nil || got.ID != first.ID || got.Token != "" {
		t.Fatalf("GetMyTenantInvite = %+v, %v", got, err)
	}
	// Creating again replaces the link: the old token stops working.
	second, err := e.id.CreateMyTenantInvite(ctx, p, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.VerifyTenantInvite(ctx, first.Token); err == nil {
		t.Fatal("the replaced link still works")
	}
	if _, err := e.id.VerifyTenantInvite(ctx, second.Token); err != nil {
		t.Fatal(err)
	}
	// Update from now; fields kept when absent.
	e.clock.Advance(10 * time.Minute)
	upd, err := e.id.UpdateMyTenantInvite(ctx, p, identity.UserInviteInput{ExpiresInMinutes: ptr(120)})
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(2 * time.Hour); !upd.Expires.Equal(want) || upd.ShouldSendEmail {
		t.Fatalf("updated = %+v, want expiry %v", upd, want)
	}
	if upd, err = e.id.UpdateMyTenantInvite(ctx, p, identity.UserInviteInput{ShouldSendEmail: ptr(true)}); err != nil || !upd.ShouldSendEmail {
		t.Fatalf("updated = %+v, %v", upd, err)
	}
	_, err = e.id.UpdateMyTenantInvite(ctx, p, identity.UserInviteInput{ExpiresInMinutes: ptr(-1)})
	wantField(t, err, "expiresInMinutes")

	// v2: roles required (empty is fine), and must exist.
	_, err = e.id.CreateMyTenantInviteWithRoles(ctx, p, in)
	wantField(t, err, "roleIds")
	withRoles := in
	withRoles.RoleIDs = []string{}
	if _, err := e.id.CreateMyTenantInviteWithRoles(ctx, p, withRoles); err != nil {
		t.Fatal(err)
	}
	withRoles.RoleIDs = []string{"no-such-role"}
	_, err = e.id.CreateMyTenantInviteWithRoles(ctx, p, withRoles)
	wantField(t, err, "roleIds")

	_, err = e.id.CreateMyTenantInvite(ctx, p, identity.UserInviteInput{ShouldSendEmail: ptr(true)})
	wantField(t, err, "expiresInMinutes")
	_, err = e.id.CreateMyTenantInvite(ctx, p, identity.UserInviteInput{ExpiresInMinutes: ptr(5)})
	wantField(t, err, "shouldSendEmail")

	// Deleting needs its own permission.
	wantErr(t, e.id.DeleteMyTenantInvite(ctx, userPrincipal(u.ID, u.TenantID, identity.PermWriteTenantInvites)), identity.ErrForbidden)
	if err := e.id.DeleteMyTenantInvite(ctx, p); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetMyTenantInvite(ctx, p)
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.DeleteMyTenantInvite(ctx, p), identity.ErrNotFound)

	cfg, err := e.id.GetInvitationConfiguration(ctx)
	if err != nil || !cfg.TenantInvitationsAllowed || !cfg.EmailsEnabled {
		t.Fatalf("configuration = %+v, %v", cfg, err)
	}
}

func TestStrategies(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	act, err := e.id.GetActivationStrategies(ctx)
	if err != nil || act.Strategy != identity.StrategyLink || act.CodeExpiration != int(identity.ActivationTokenTTL/time.Second) {
		t.Fatalf("default activation strategy = %+v, %v", act, err)
	}
	if act, err = e.id.SetActivationStrategy(ctx, identity.CodeStrategyInput{Strategy: ptr("code"), CodeExpiration: ptr(120)}); err != nil || act.CodeExpiration != 120 {
		t.Fatalf("SetActivationStrategy = %+v, %v", act, err)
	}
	if act, _ = e.id.GetActivationStrategies(ctx); act.Strategy != identity.StrategyCode || act.CodeExpiration != 120 {
		t.Fatalf("stored activation strategy = %+v", act)
	}
	// Under the code strategy, the activation token lasts codeExpiration.
	if _, err := e.id.SignUp(ctx, identity.SignUpInput{Email: "ann@example.com", Password: testPassword, CompanyName: "Acme"}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	userID, token := e.activationLink(t, "ann@example.com")
	e.clock.Advance(121 * time.Second)
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)

	inv, err := e.id.SetInvitationStrategy(ctx, identity.CodeStrategyInput{CodeExpiration: ptr(600)})
	if err != nil || inv.Strategy != identity.StrategyLink || inv.CodeExpiration != 600 {
		t.Fatalf("SetInvitationStrategy = %+v, %v", inv, err)
	}
	_, err = e.id.SetActivationStrategy(ctx, identity.CodeStrategyInput{CodeExpiration: ptr(120)})
	wantField(t, err, "strategy")
	_, err = e.id.SetActivationStrategy(ctx, identity.CodeStrategyInput{Strategy: ptr("carrier-pigeon")})
	wantField(t, err, "strategy")
	_, err = e.id.SetInvitationStrategy(ctx, identity.CodeStrategyInput{CodeExpiration: ptr(10)})
	wantField(t, err, "codeExpiration")
	if inv, _ := e.id.GetInvitationStrategies(ctx); inv.CodeExpiration != 600 {
		t.Fatalf("refused change was stored: %+v", inv)
	}
}

func TestTenantInviteRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true), AllowTenantInvitations: ptr(true)})
	owner := e.user(t, "owner@example.com") // the tenant's first user: Admin
	tn := owner.TenantID
	admin, readOnly := e.roleByKey(t, identity.RoleAdmin), e.roleByKey(t, identity.RoleReadOnly)

	// A link with roles gives them to those who join through it.
	inv, err := e.id.CreateMyTenantInviteWithRoles(ctx, userPrincipal(owner.ID, tn, identity.PermWriteTenantInvites),
		identity.UserInviteInput{ExpiresInMinutes: ptr(60), ShouldSendEmail: ptr(false), RoleIDs: []string{admin.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.RoleIDs) != 1 || inv.RoleIDs[0] != admin.ID {
		t.Fatalf("invite roles = %v", inv.RoleIDs)
	}
	res, err := e.id.SignUp(ctx, identity.SignUpInput{Email: "joiner@example.com", Password: testPassword, InvitationToken: inv.Token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.principal(t, res.AuthResponse.AccessToken); len(p.Claims.Roles) != 1 || p.Claims.Roles[0] != identity.RoleAdmin {
		t.Fatalf("roles of the user who joined = %v", p.Claims.Roles)
	}
	// Without roles, the tenant's default roles.
	general, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tn})
	if err != nil {
		t.Fatal(err)
	}
	e.user(t, "other@example.com")
	login, err := e.id.Login(ctx, identity.LoginInput{Email: "other@example.com", Password: testPassword, InvitationToken: general.Token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if p := e.principal(t, login.AccessToken); len(p.Claims.Roles) != 1 || p.Claims.Roles[0] != identity.RoleReadOnly {
		t.Fatalf("roles of the user who joined without roles = %v", p.Claims.Roles)
	}

	// A member may not hand out roles stronger than its own.
	weak := e.member(t, "weak@example.com", tn)
	_, err = e.id.CreateMyTenantInviteWithRoles(ctx, userPrincipal(weak.ID, tn, identity.PermWriteTenantInvites),
		identity.UserInviteInput{ExpiresInMinutes: ptr(60), ShouldSendEmail: ptr(false), RoleIDs: []string{admin.ID}})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.CreateMyTenantInviteWithRoles(ctx, userPrincipal(weak.ID, tn, identity.PermWriteTenantInvites),
		identity.UserInviteInput{ExpiresInMinutes: ptr(60), ShouldSendEmail: ptr(false), RoleIDs: []string{readOnly.ID, ""}})
	wantField(t, err, "roleIds")
}
