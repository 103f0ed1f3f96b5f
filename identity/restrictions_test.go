package identity_test

import (
	"context"
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
