package identity_test

import (
	"context"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestAccountSettings(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "acme", Name: "Acme", TenantProfile: identity.TenantProfile{Address: "1 Main St", Timezone: "UTC"}})
	e.account(t, identity.CreateTenantInput{TenantID: "other", Name: "Other"})
	u := e.userIn(t, "ann@example.com", "acme")
	reader := userPrincipal(u.ID, "acme", identity.PermReadAccountSettings)
	writer := userPrincipal(u.ID, "acme", identity.PermReadAccountSettings, identity.PermWriteAccountSettings)

	s, err := e.id.GetAccountSettings(ctx, reader)
	if err != nil || s.TenantID != "acme" || s.Name != "Acme" || s.Address != "1 Main St" || s.Timezone != "UTC" {
		t.Fatalf("settings: %+v %v", s, err)
	}
	_, err = e.id.GetAccountSettings(ctx, userPrincipal(u.ID, "acme"))
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.UpdateAccountSettings(ctx, reader, identity.AccountSettingsUpdate{Currency: ptr("EUR")})
	wantErr(t, err, identity.ErrForbidden)

	s, err = e.id.UpdateAccountSettings(ctx, writer, identity.AccountSettingsUpdate{Name: ptr("Acme SA"), Currency: ptr("eur"),
		DateFormat: ptr("dd/MM/yyyy"), ApplicationURL: ptr("https://app.acme.example"), LoginURL: ptr("https://login.acme.example")})
	if err != nil || s.Name != "Acme SA" || s.Currency != "EUR" || s.DateFormat != "dd/MM/yyyy" || s.Address != "1 Main St" {
		t.Fatalf("updated settings: %+v %v", s, err)
	}
	if tn, _ := e.id.GetTenant(ctx, "acme"); tn.Name != "Acme SA" || tn.Currency != "EUR" {
		t.Fatalf("the account after a settings update: %+v", tn)
	}
	_, err = e.id.UpdateAccountSettings(ctx, writer, identity.AccountSettingsUpdate{})
	wantErr(t, err, identity.ErrInvalidInput)
	_, err = e.id.UpdateAccountSettings(ctx, writer, identity.AccountSettingsUpdate{Timezone: ptr("not a zone")})
	wantField(t, err, "timezone")

	pub, err := e.id.GetPublicAccountSettings(ctx, userPrincipal(u.ID, "acme"))
	if err != nil || pub.TenantID != "acme" || pub.ApplicationURL != "https://app.acme.example" || pub.LoginURL != "https://login.acme.example" {
		t.Fatalf("public settings: %+v %v", pub, err)
	}

	// The environment names the account; the user of another account
	// cannot act in this one.
	if s, err := e.id.GetAccountSettings(ctx, vendor("other")); err != nil || s.Name != "Other" || s.Address != "" {
		t.Fatalf("the environment reading another account: %+v %v", s, err)
	}
	_, err = e.id.GetAccountSettings(ctx, vendor(""))
	wantField(t, err, "frontegg-tenant-id")
	_, err = e.id.GetPublicAccountSettings(ctx, vendor("missing"))
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetAccountSettings(ctx, userPrincipal(u.ID, "other", identity.PermReadAccountSettings))
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.GetPublicAccountSettings(ctx, nil)
	wantErr(t, err, identity.ErrUnauthorized)
}
