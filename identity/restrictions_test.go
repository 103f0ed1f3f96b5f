package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestIPRestrictionEnforcement(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "ann@example.com")
	vendor := &identity.Principal{Vendor: true, TenantID: u.TenantID}
	other := e.user(t, "bob@example.com")
	in := identity.LoginInput{Email: "ann@example.com", Password: testPassword}
	from := func(ip string) identity.ClientInfo { return identity.ClientInfo{IP: ip} }

	// Before anything is active, anyone logs in; a session from the
	// office and one from a café exist.
	office, err := e.id.Login(ctx, in, from("203.0.113.10"))
	if err != nil {
		t.Fatal(err)
	}
	cafe, err := e.id.Login(ctx, in, from("198.51.100.1"))
	if err != nil {
		t.Fatal(err)
	}

	if _, err := e.id.SaveIPRestriction(ctx, vendor, "", identity.IPRestrictionInput{IP: "203.0.113.0/24", Strategy: identity.RestrictionAllow}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SaveIPRestriction(ctx, vendor, "", identity.IPRestrictionInput{IP: "2001:db8::/48", Strategy: identity.RestrictionAllow}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SetIPRestrictionConfig(ctx, vendor, "", identity.IPRestrictionConfigInput{IsActive: ptr(true)}); err != nil {
		t.Fatal(err)
	}

	// Login: the allow list admits the office (v4 and v6), refuses the rest.
	for _, ip := range []string{"198.51.100.1", "", "2001:db9::1"} {
		_, err := e.id.Login(ctx, in, from(ip))
		wantErr(t, err, identity.ErrForbidden)
		wantCode(t, err, identity.CodeIPRestricted)
	}
	for _, ip := range []string{"203.0.113.99", "2001:db8:0:1::7"} {
		if _, err := e.id.Login(ctx, in, from(ip)); err != nil {
			t.Fatalf("login from %s: %v", ip, err)
		}
	}
	// Refresh: the café session cannot be refreshed from the café, the
	// office one can from the office.
	_, err = e.id.Refresh(ctx, cafe.RefreshToken, "", from("198.51.100.1"))
	wantCode(t, err, identity.CodeIPRestricted)
	if _, err := e.id.Refresh(ctx, office.RefreshToken, "", from("203.0.113.10")); err != nil {
		t.Fatalf("refresh from the office: %v", err)
	}
	// Another tenant is not restricted.
	if _, err := e.id.Login(ctx, identity.LoginInput{Email: other.Email, Password: testPassword}, from("198.51.100.1")); err != nil {
		t.Fatalf("other tenant's login: %v", err)
	}

	// Block list: only the listed address is refused.
	if _, err := e.id.SaveIPRestriction(ctx, vendor, "", identity.IPRestrictionInput{IP: "198.51.100.1", Strategy: identity.RestrictionBlock}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SetIPRestrictionConfig(ctx, vendor, "", identity.IPRestrictionConfigInput{Strategy: ptr(identity.RestrictionBlock)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Login(ctx, in, from("198.51.100.1"))
	wantCode(t, err, identity.CodeIPRestricted)
	if _, err := e.id.Login(ctx, in, from("198.51.100.2")); err != nil {
		t.Fatalf("login from an unlisted address under a block list: %v", err)
	}
}

func TestIPRestrictionSelfLockout(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "ann@example.com")
	p := e.principal(t, e.login(t, "ann@example.com").AccessToken)
	const home = "198.51.100.1"
	if _, err := e.id.SaveIPRestriction(ctx, p, home, identity.IPRestrictionInput{IP: "203.0.113.0/24", Strategy: identity.RestrictionAllow}); err != nil {
		t.Fatal(err)
	}
	_, err := e.id.SetIPRestrictionConfig(ctx, p, home, identity.IPRestrictionConfigInput{IsActive: ptr(true)})
	wantErr(t, err, identity.ErrConflict)
	if v, err := e.id.VerifyIPInAllowList(ctx, p, home); err != nil || v.Valid {
		t.Fatalf("VerifyIPInAllowList(home) = %v, %v", v, err)
	}
	// Adding home first makes it possible.
	if _, err := e.id.SaveIPRestriction(ctx, p, home, identity.IPRestrictionInput{IP: home, Strategy: identity.RestrictionAllow}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SetIPRestrictionConfig(ctx, p, home, identity.IPRestrictionConfigInput{IsActive: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if v, err := e.id.VerifyIP(ctx, p, home); err != nil || !v.Valid {
		t.Fatalf("VerifyIP(home) = %v, %v", v, err)
	}
	// A block rule on itself is refused too.
	if _, err := e.id.SetIPRestrictionConfig(ctx, p, home, identity.IPRestrictionConfigInput{Strategy: ptr(identity.RestrictionBlock)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.SaveIPRestriction(ctx, p, home, identity.IPRestrictionInput{IP: "198.51.100.0/24", Strategy: identity.RestrictionBlock})
	wantErr(t, err, identity.ErrConflict)
	// A principal without a tenant is refused, naming the header.
	_, err = e.id.GetIPRestrictionConfig(ctx, &identity.Principal{Vendor: true})
	wantField(t, err, "frontegg-tenant-id")
}

func TestEmailDomainRestrictionEnforcement(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin := e.user(t, "admin@acme.com")
	tenantID := admin.TenantID
	p := e.principal(t, e.login(t, "admin@acme.com").AccessToken)
	outsider := e.user(t, "eve@evil.com")

	// Inactive rules change nothing.
	if _, err := e.id.CreateDomainRestriction(ctx, p, identity.DomainRestrictionInput{Domain: "@ACME.com", Type: identity.RestrictionAllow}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: "early@evil.com"}); err != nil {
		t.Fatalf("invite before activation: %v", err)
	}
	if _, err := e.id.SetDomainRestrictionConfig(ctx, p, identity.DomainRestrictionConfigInput{Active: ptr(true), Type: ptr(identity.RestrictionAllow)}); err != nil {
		t.Fatal(err)
	}

	refused := func(what string, err error, email string) {
		t.Helper()
		ie := wantErr(t, err, identity.ErrForbidden)
		if ie == nil || ie.Code != identity.CodeEmailDomainRestricted || !strings.Contains(ie.Message, email) {
			t.Fatalf("%s: error %v does not name %s with %s", what, err, email, identity.CodeEmailDomainRestricted)
		}
	}
	// Invite of a new user, of an existing user, creation, adding.
	_, err := e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: "bob@evil.com"})
	refused("invite", err, "bob@evil.com")
	if _, err := e.id.GetUserByEmail(ctx, "bob@evil.com"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("refused invitee was created: %v", err)
	}
	_, err = e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: outsider.Email})
	refused("invite existing", err, outsider.Email)
	_, err = e.id.CreateUser(ctx, identity.CreateUserInput{Email: "carl@evil.com", Password: testPassword, TenantID: tenantID})
	refused("create", err, "carl@evil.com")
	_, err = e.id.AddUserToTenant(ctx, outsider.ID, identity.UserTenantInput{TenantID: tenantID})
	refused("add to tenant", err, outsider.Email)
	// Joining through an invitation link at login.
	inv, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tenantID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Login(ctx, identity.LoginInput{Email: outsider.Email, Password: testPassword, InvitationToken: inv.Token}, identity.ClientInfo{})
	refused("join by link", err, outsider.Email)

	// Allowed: the domain and its subdomains.
	for _, email := range []string{"dan@acme.com", "fay@eng.acme.com"} {
		if _, err := e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: email}); err != nil {
			t.Fatalf("invite %s: %v", email, err)
		}
	}
	// Another tenant is unrestricted.
	other := e.tenant(t, "Other")
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "gus@evil.com", Password: testPassword, TenantID: other.ID}); err != nil {
		t.Fatalf("other tenant: %v", err)
	}

	// Block list with public domains blocked.
	if _, err := e.id.ReplaceDomainRestrictions(ctx, p, identity.DomainRestrictionsBulkInput{Type: identity.RestrictionBlock, Domains: []string{"evil.com", "EVIL.com"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SetDomainRestrictionConfig(ctx, p, identity.DomainRestrictionConfigInput{Active: ptr(true), Type: ptr(identity.RestrictionBlock), BlockPublicDomains: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: "hal@evil.com"})
	refused("block list", err, "hal@evil.com")
	_, err = e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: "ida@gmail.com"})
	refused("public domain", err, "ida@gmail.com")
	if _, err := e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: "jo@partner.io"}); err != nil {
		t.Fatalf("unlisted domain under a block list: %v", err)
	}
	// Switched off, anyone may be invited.
	if _, err := e.id.SetDomainRestrictionConfig(ctx, p, identity.DomainRestrictionConfigInput{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.InviteUser(ctx, p, identity.InviteUserInput{Email: "hal@evil.com"}); err != nil {
		t.Fatalf("inactive restriction: %v", err)
	}
}

func TestDomainRestrictionValidation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.user(t, "admin@acme.com")
	p := e.principal(t, e.login(t, "admin@acme.com").AccessToken)
	_, err := e.id.CreateDomainRestriction(ctx, p, identity.DomainRestrictionInput{Domain: "not a domain", Type: identity.RestrictionAllow})
	wantField(t, err, "domain")
	_, err = e.id.CreateDomainRestriction(ctx, p, identity.DomainRestrictionInput{Domain: "acme.com", Type: "SOMETIMES"})
	wantField(t, err, "type")
	_, err = e.id.SetDomainRestrictionConfig(ctx, p, identity.DomainRestrictionConfigInput{})
	wantField(t, err, "active")
	_, err = e.id.ReplaceDomainRestrictions(ctx, p, identity.DomainRestrictionsBulkInput{Type: identity.RestrictionAllow, Domains: []string{"ok.com", "bad domain"}})
	wantField(t, err, "domains[1]")
	if _, err := e.id.CreateDomainRestriction(ctx, p, identity.DomainRestrictionInput{Domain: "acme.com", Type: identity.RestrictionAllow}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.CreateDomainRestriction(ctx, p, identity.DomainRestrictionInput{Domain: "ACME.com", Type: identity.RestrictionAllow})
	wantErr(t, err, identity.ErrConflict)
	err = e.id.DeleteDomainRestriction(ctx, p, "missing")
	wantErr(t, err, identity.ErrNotFound)
	page, err := e.id.ListDomainRestrictions(ctx, p, identity.PageQuery{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Domain != "acme.com" {
		t.Fatalf("list = %+v, %v", page, err)
	}
}
