package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/tokens"
)

func TestTenantAPITokenLifecycle(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "ann@example.com")
	p := e.principal(t, e.login(t, "ann@example.com").AccessToken)

	tok, err := e.id.CreateTenantAPIToken(ctx, p, identity.CreateTenantAPITokenInput{Description: "ci", ExpiresInMinutes: ptr(30)})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Secret == "" || tok.TenantID != u.TenantID || tok.CreatedByUserID == nil || *tok.CreatedByUserID != u.ID {
		t.Fatalf("created = %+v", tok)
	}
	// The secret is shown once: never listed, and stored only as a hash.
	list, err := e.id.ListTenantAPITokens(ctx, p)
	if err != nil || len(list) != 1 || list[0].Secret != "" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	rec, err := e.st.GetAPIToken(ctx, e.id.EnvironmentID(), tok.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if !tokens.EqualHash(rec.SecretHash, tokens.HashSecret(tok.Secret)) || string(rec.SecretHash) == tok.Secret {
		t.Fatal("the stored secret is not its hash")
	}

	res, err := e.id.AuthenticateAPIToken(ctx, tok.ClientID, tok.Secret)
	if err != nil {
		t.Fatal(err)
	}
	ap := e.principal(t, res.AccessToken)
	if ap.Claims.Type != tokens.TypeTenantAPIToken || ap.TenantID != u.TenantID || ap.UserID != "" {
		t.Fatalf("principal = %+v", ap)
	}
	_, err = e.id.AuthenticateAPIToken(ctx, tok.ClientID, "wrong")
	wantErr(t, err, identity.ErrUnauthorized)
	_, err = e.id.AuthenticateAPIToken(ctx, tok.ClientID, "")
	wantField(t, err, "secret")

	// Refresh works once.
	res2, err := e.id.RefreshAPIToken(ctx, res.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.RefreshAPIToken(ctx, res.RefreshToken)
	wantErr(t, err, identity.ErrUnauthorized)

	// Expired: refused, refresh too.
	e.clock.Advance(31 * time.Minute)
	_, err = e.id.AuthenticateAPIToken(ctx, tok.ClientID, tok.Secret)
	wantCode(t, err, identity.CodeTokenExpired)
	_, err = e.id.RefreshAPIToken(ctx, res2.RefreshToken)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestAPITokensDisabled(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.user(t, "ann@example.com")
	p := e.principal(t, e.login(t, "ann@example.com").AccessToken)
	tok, err := e.id.CreateUserAPIToken(ctx, p, identity.CreateUserAPITokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	e.setConfig(t, identity.VendorConfigUpdate{APITokensEnabled: ptr(false)})
	_, err = e.id.AuthenticateAPIToken(ctx, tok.ClientID, tok.Secret)
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.CreateTenantAPIToken(ctx, p, identity.CreateTenantAPITokenInput{})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.CreateUserAccessToken(ctx, p, identity.CreateAccessTokenInput{})
	wantErr(t, err, identity.ErrForbidden)
	e.setConfig(t, identity.VendorConfigUpdate{APITokensEnabled: ptr(true)})
	if _, err := e.id.AuthenticateAPIToken(ctx, tok.ClientID, tok.Secret); err != nil {
		t.Fatalf("after re-enabling: %v", err)
	}
}

func TestAccessTokensExpireAndRevoke(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "ann@example.com")
	p := e.principal(t, e.login(t, "ann@example.com").AccessToken)
	acc, err := e.id.CreateUserAccessToken(ctx, p, identity.CreateAccessTokenInput{ExpiresInMinutes: ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	ap := e.principal(t, acc.Secret)
	if ap.UserID != u.ID || ap.Claims.Type != tokens.TypeUserAccessToken || ap.Claims.Subject != acc.ID {
		t.Fatalf("principal = %+v", ap)
	}
	never, err := e.id.CreateUserAccessToken(ctx, p, identity.CreateAccessTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.id.ActiveUserAccessTokenIDs(ctx, "")
	if err != nil || len(ids) != 2 {
		t.Fatalf("active = %v, %v", ids, err)
	}
	e.clock.Advance(6 * time.Minute)
	_, err = e.id.Authenticate(ctx, acc.Secret)
	wantCode(t, err, identity.CodeTokenExpired)
	if err := e.id.DeleteUserAccessToken(ctx, p, never.ID); err != nil {
		t.Fatal(err)
	}
	ids, err = e.id.ActiveUserAccessTokenIDs(ctx, u.TenantID)
	if err != nil || len(ids) != 0 {
		t.Fatalf("active after expiry and revocation = %v, %v", ids, err)
	}
}

func TestAPITokenNoEscalation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	owner := e.user(t, "owner@example.com")
	roles, err := e.id.ListRoles(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range roles {
		ids[r.Key] = r.ID
	}
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "ro@example.com", Password: testPassword, TenantID: owner.TenantID, RoleIDs: []string{ids[identity.RoleReadOnly]}}); err != nil {
		t.Fatal(err)
	}
	ro := e.principal(t, e.login(t, "ro@example.com").AccessToken)
	_, err = e.id.CreateTenantAPIToken(ctx, ro, identity.CreateTenantAPITokenInput{RoleIDs: []string{ids[identity.RoleAdmin]}})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.CreateTenantAccessToken(ctx, ro, identity.CreateAccessTokenInput{RoleIDs: []string{ids[identity.RoleAdmin]}})
	wantErr(t, err, identity.ErrForbidden)
	tok, err := e.id.CreateTenantAPIToken(ctx, ro, identity.CreateTenantAPITokenInput{RoleIDs: []string{ids[identity.RoleReadOnly]}})
	if err != nil {
		t.Fatalf("granting what one holds: %v", err)
	}
	_, err = e.id.UpdateTenantAPIToken(ctx, ro, tok.ClientID, identity.UpdateTenantAPITokenInput{RoleIDs: []string{ids[identity.RoleAdmin]}})
	wantErr(t, err, identity.ErrForbidden)
	// A tenant token acts as no user: personal-token routes refuse it.
	res, err := e.id.AuthenticateAPIToken(ctx, tok.ClientID, tok.Secret)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.CreateUserAPIToken(ctx, e.principal(t, res.AccessToken), identity.CreateUserAPITokenInput{})
	wantErr(t, err, identity.ErrForbidden)
	// The environment may grant anything.
	vendor := &identity.Principal{Vendor: true, TenantID: owner.TenantID}
	if _, err := e.id.CreateTenantAPIToken(ctx, vendor, identity.CreateTenantAPITokenInput{RoleIDs: []string{ids[identity.RoleAdmin]}}); err != nil {
		t.Fatal(err)
	}
}
