package identity_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Acme")
	u, err := e.id.CreateUser(ctx, identity.CreateUserInput{
		Email: " Xena@Example.com ", Name: "Xena", Password: testPassword, TenantID: tn.ID,
		PhoneNumber: "+1 415-555-0100", Metadata: `{"a":1}`, VendorMetadata: `{"b":2}`, ExternalID: "ext-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.Sub != u.ID || u.Email != "xena@example.com" || u.Name != "Xena" || u.TenantID != tn.ID {
		t.Fatalf("CreateUser = %+v", u)
	}
	if !u.Verified || u.Provider != "local" || u.PhoneNumber != "+14155550100" || u.Metadata != `{"a":1}` || u.VendorMetadata != `{"b":2}` || u.ExternalID != "ext-1" {
		t.Fatalf("CreateUser fields = %+v", u)
	}
	if len(u.TenantIDs) != 1 || u.TenantIDs[0] != tn.ID || len(u.Tenants) != 1 || u.Tenants[0].TenantID != tn.ID || !u.ActivatedForTenant {
		t.Fatalf("CreateUser tenants = %+v / %+v", u.TenantIDs, u.Tenants)
	}
	if u.Roles == nil || u.Permissions == nil {
		t.Fatal("CreateUser view lacks roles/permissions arrays")
	}
	if !u.CreatedAt.Equal(e.clock.Now()) || u.LastLogin != nil {
		t.Fatalf("CreatedAt/LastLogin = %v/%v", u.CreatedAt, u.LastLogin)
	}
	e.login(t, "xena@example.com")

	// Without a password the user exists but cannot log in by password.
	np, err := e.id.CreateUser(ctx, identity.CreateUserInput{Username: "nopw", TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.GetPassword(ctx, np.ID); err == nil {
		t.Fatal("a password was stored for a user created without one")
	}

	// A temporary user's membership carries its expiry.
	tmp, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "tmp@example.com", TenantID: tn.ID, ExpirationInSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	if exp := tmp.Tenants[0].TemporaryExpirationDate; exp == nil || !exp.Equal(e.clock.Now().Add(time.Hour)) {
		t.Fatalf("temporary expiration = %v", exp)
	}
}

func TestCreateUserRefusals(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Acme")
	e.user(t, "taken@example.com")

	_, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "new@example.com", TenantID: "no-such-tenant"})
	wantErr(t, err, identity.ErrNotFound)

	_, err = e.id.CreateUser(ctx, identity.CreateUserInput{Email: "TAKEN@example.com", TenantID: tn.ID})
	wantErr(t, err, identity.ErrConflict)
	wantCode(t, err, identity.CodeEmailTaken)

	for _, c := range []struct {
		name  string
		in    identity.CreateUserInput
		field string
	}{
		{"invalid metadata", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, Metadata: "{not json"}, "metadata"},
		{"metadata array", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, Metadata: "[]"}, "metadata"},
		{"metadata null", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, Metadata: "null"}, "metadata"},
		{"invalid vendor metadata", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, VendorMetadata: "1"}, "vendorMetadata"},
		{"no email nor username", identity.CreateUserInput{TenantID: tn.ID}, "email"},
		{"invalid email", identity.CreateUserInput{Email: "a@", TenantID: tn.ID}, "email"},
		{"no tenant", identity.CreateUserInput{Email: "a@example.com"}, "tenantId"},
		{"short password", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, Password: "12345"}, "password"},
		{"bad phone", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, PhoneNumber: "555"}, "phoneNumber"},
		{"long name", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, Name: strings.Repeat("n", 256)}, "name"},
		{"negative expiration", identity.CreateUserInput{Email: "a@example.com", TenantID: tn.ID, ExpirationInSeconds: -1}, "expirationInSeconds"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.id.CreateUser(ctx, c.in)
			wantField(t, err, c.field)
		})
	}
	if _, err := e.st.GetUserByEmail(ctx, e.id.EnvironmentID(), "a@example.com"); err == nil {
		t.Fatal("a refused CreateUser stored a user")
	}
}

func TestGetUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "yan@example.com")

	got, err := e.id.GetUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || got.Email != u.Email || got.TenantID != u.TenantID {
		t.Fatalf("GetUser = %+v", got)
	}
	_, err = e.id.GetUser(ctx, "no-such-user")
	wantErr(t, err, identity.ErrNotFound)

	got, err = e.id.GetTenantUser(ctx, u.TenantID, u.ID)
	if err != nil || got.ID != u.ID || got.TenantID != u.TenantID {
		t.Fatalf("GetTenantUser = %+v, %v", got, err)
	}
	other := e.tenant(t, "Other")
	_, err = e.id.GetTenantUser(ctx, other.ID, u.ID)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetTenantUser(ctx, u.TenantID, "no-such-user")
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetTenantUser(ctx, "", u.ID)
	wantField(t, err, "frontegg-tenant-id")

	// A second membership shows in the view of that tenant.
	now := e.clock.Now()
	if err := e.st.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: other.ID, EnvID: e.id.EnvironmentID(), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	got, err = e.id.GetTenantUser(ctx, other.ID, u.ID)
	if err != nil || got.TenantID != other.ID || len(got.TenantIDs) != 2 || len(got.Tenants) != 2 {
		t.Fatalf("GetTenantUser(other) = %+v, %v", got, err)
	}
}

func TestGetUserByEmail(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "zed@example.com")
	got, err := e.id.GetUserByEmail(ctx, "ZED@example.COM")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || got.Email != "zed@example.com" {
		t.Fatalf("GetUserByEmail = %+v", got)
	}
	_, err = e.id.GetUserByEmail(ctx, "nobody@example.com")
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetUserByEmail(ctx, "not-an-email")
	wantField(t, err, "email")
	_, err = e.id.GetUserByEmail(ctx, "")
	wantField(t, err, "email")
}

func TestUpdateUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "abe@example.com")

	e.clock.Advance(time.Minute)
	got, err := e.id.UpdateUser(ctx, u.ID, identity.UpdateUserInput{
		Name: ptr("Abe Updated"), Metadata: ptr(`{"k":"v"}`), PhoneNumber: ptr("+4930123456"), MFABypass: ptr(true), ExternalID: ptr("x-9"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Abe Updated" || got.Metadata != `{"k":"v"}` || got.PhoneNumber != "+4930123456" || !got.MFABypass || got.ExternalID != "x-9" {
		t.Fatalf("UpdateUser = %+v", got)
	}
	if got.Email != u.Email || got.ProfilePictureURL != u.ProfilePictureURL {
		t.Fatalf("UpdateUser changed fields it was not given: %+v", got)
	}
	stored, err := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID)
	if err != nil || stored.Name != "Abe Updated" || !stored.UpdatedAt.Equal(e.clock.Now()) {
		t.Fatalf("stored user = %+v, %v", stored, err)
	}
	// Empty strings clear.
	got, err = e.id.UpdateUser(ctx, u.ID, identity.UpdateUserInput{Metadata: ptr(""), PhoneNumber: ptr("")})
	if err != nil || got.Metadata != "" || got.PhoneNumber != "" {
		t.Fatalf("clearing update = %+v, %v", got, err)
	}

	_, err = e.id.UpdateUser(ctx, "no-such-user", identity.UpdateUserInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UpdateUser(ctx, u.ID, identity.UpdateUserInput{Metadata: ptr("nope")})
	wantField(t, err, "metadata")
	_, err = e.id.UpdateUser(ctx, u.ID, identity.UpdateUserInput{PhoneNumber: ptr("12")})
	wantField(t, err, "phoneNumber")
	if stored, _ := e.st.GetUser(ctx, e.id.EnvironmentID(), u.ID); stored.Name != "Abe Updated" {
		t.Fatalf("a refused update changed the user: %+v", stored)
	}
}

func TestVerifyUserPassword(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "bea@example.com")

	res, err := e.id.VerifyUserPassword(ctx, "BEA@example.com", testPassword)
	if err != nil || !res.Valid || res.UserID != u.ID {
		t.Fatalf("right password = %+v, %v", res, err)
	}
	res, err = e.id.VerifyUserPassword(ctx, "bea@example.com", "wrong password")
	if err != nil || res.Valid || res.UserID != "" {
		t.Fatalf("wrong password = %+v, %v", res, err)
	}
	res, err = e.id.VerifyUserPassword(ctx, "nobody@example.com", testPassword)
	if err != nil || res.Valid || res.UserID != "" {
		t.Fatalf("unknown e-mail = %+v, %v", res, err)
	}
	_, err = e.id.VerifyUserPassword(ctx, "bea@example.com", "")
	wantField(t, err, "password")
	_, err = e.id.VerifyUserPassword(ctx, "bad", testPassword)
	wantField(t, err, "email")
}

func TestTenants(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	parent, err := e.id.CreateTenant(ctx, identity.CreateTenantInput{TenantID: "parent-1", Name: " Parent ", Metadata: `{"x":1}`})
	if err != nil {
		t.Fatal(err)
	}
	if parent.ID != "parent-1" || parent.TenantID != "parent-1" || parent.Name != "Parent" || parent.VendorID != e.id.EnvironmentID() {
		t.Fatalf("CreateTenant = %+v", parent)
	}
	child, err := e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Child", ParentTenantID: "parent-1"})
	if err != nil || child.ParentTenantID != "parent-1" || child.ID == "" {
		t.Fatalf("sub-account = %+v, %v", child, err)
	}
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{TenantID: "parent-1", Name: "Again"})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Orphan", ParentTenantID: "nope"})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: " "})
	wantField(t, err, "name")
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "M", Metadata: "x"})
	wantField(t, err, "metadata")
	got, err := e.id.GetTenant(ctx, "parent-1")
	if err != nil || got.Name != "Parent" {
		t.Fatalf("GetTenant = %+v, %v", got, err)
	}
	_, err = e.id.GetTenant(ctx, "nope")
	wantErr(t, err, identity.ErrNotFound)
}

func TestMe(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "cid@example.com")
	p := e.principal(t, e.login(t, "cid@example.com").AccessToken)

	me, err := e.id.Me(ctx, p)
	if err != nil || me.ID != u.ID || me.TenantID != u.TenantID || me.Roles == nil || me.Permissions == nil {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	ts, err := e.id.MyTenants(ctx, p)
	if err != nil || len(ts) != 1 || ts[0].TenantID != u.TenantID || ts[0].Name != "Tenant of cid@example.com" {
		t.Fatalf("MyTenants = %+v, %v", ts, err)
	}
	wa, err := e.id.MyTenantsWithActive(ctx, p)
	if err != nil || len(wa.Tenants) != 1 || wa.ActiveTenant == nil || wa.ActiveTenant.TenantID != u.TenantID {
		t.Fatalf("MyTenantsWithActive = %+v, %v", wa, err)
	}
	authz, err := e.id.MyAuthorization(ctx, p)
	if err != nil || authz.Roles == nil || authz.Permissions == nil {
		t.Fatalf("MyAuthorization = %+v, %v", authz, err)
	}

	// A vendor principal must name the user.
	vendor := &identity.Principal{Vendor: true}
	_, err = e.id.Me(ctx, vendor)
	wantField(t, err, "frontegg-user-id")
	_, err = e.id.MyTenants(ctx, vendor)
	wantField(t, err, "frontegg-user-id")
	_, err = e.id.Me(ctx, nil)
	wantErr(t, err, identity.ErrUnauthorized)
	// ... and a tenant the user belongs to.
	other := e.tenant(t, "Other")
	_, err = e.id.Me(ctx, &identity.Principal{Vendor: true, UserID: u.ID, TenantID: other.ID})
	wantErr(t, err, identity.ErrForbidden)
	me, err = e.id.Me(ctx, &identity.Principal{Vendor: true, UserID: u.ID, TenantID: u.TenantID})
	if err != nil || me.ID != u.ID {
		t.Fatalf("Me as vendor = %+v, %v", me, err)
	}
	_, err = e.id.Me(ctx, &identity.Principal{Vendor: true, UserID: "no-such-user"})
	wantErr(t, err, identity.ErrNotFound)
}

func TestVendorConfig(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	cfg, err := e.id.GetVendorConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := identity.DefaultConfig(e.id.EnvironmentID())
	if cfg.ID != e.id.EnvironmentID() || cfg.DefaultTokenExpiration != d.DefaultTokenExpiration || !cfg.RotateRefreshTokens || !cfg.AllowSignups || cfg.AllowNotVerifiedUsersLogin {
		t.Fatalf("default config = %+v", cfg)
	}
	if !strings.HasPrefix(cfg.PublicKey, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("publicKey = %q", cfg.PublicKey)
	}
	basic, err := e.id.GetVendorConfigBasic(ctx)
	if err != nil || basic.MachineToMachineAuthStrategy != "ClientCredentials" {
		t.Fatalf("basic = %+v, %v", basic, err)
	}

	cfg, err = e.id.UpdateVendorConfig(ctx, identity.VendorConfigUpdate{CookieSameSite: ptr("STRICT"), DefaultTokenExpiration: ptr(300)})
	if err != nil || cfg.CookieSameSite != "STRICT" || cfg.DefaultTokenExpiration != 300 || !cfg.AllowSignups {
		t.Fatalf("updated = %+v, %v", cfg, err)
	}
	pol, err := e.id.RefreshCookiePolicy(ctx)
	if err != nil || pol.SameSite != "STRICT" || pol.Lifetime != time.Duration(d.DefaultRefreshTokenExpiration)*time.Second {
		t.Fatalf("cookie policy = %+v, %v", pol, err)
	}
	for _, c := range []struct {
		in    identity.VendorConfigUpdate
		field string
	}{
		{identity.VendorConfigUpdate{CookieSameSite: ptr("lax")}, "cookieSameSite"},
		{identity.VendorConfigUpdate{DefaultTokenExpiration: ptr(1)}, "defaultTokenExpiration"},
		{identity.VendorConfigUpdate{DefaultRefreshTokenExpiration: ptr(identity.MaxRefreshTokenExpiration + 1)}, "defaultRefreshTokenExpiration"},
		{identity.VendorConfigUpdate{JWTAlgorithm: ptr("none")}, "jwtAlgorithm"},
		{identity.VendorConfigUpdate{AuthStrategy: ptr("Magic")}, "authStrategy"},
	} {
		_, err := e.id.UpdateVendorConfig(ctx, c.in)
		wantField(t, err, c.field)
	}
	if cfg, _ := e.id.GetVendorConfig(ctx); cfg.CookieSameSite != "STRICT" || cfg.DefaultTokenExpiration != 300 {
		t.Fatalf("refused updates changed the config: %+v", cfg)
	}
}

// TestHS256 switches the environment to HS256: new tokens are HMAC-signed
// and still authenticate.
func TestHS256(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{JWTAlgorithm: ptr("HS256")})
	e.user(t, "hs@example.com")
	res := e.login(t, "hs@example.com")
	if p := e.principal(t, res.AccessToken); p.Claims.Type != identity.TokenTypeUser {
		t.Fatalf("HS256 principal = %+v", p)
	}
	if alg := tokenAlg(t, res.AccessToken); alg != "HS256" {
		t.Fatalf("alg = %q, want HS256", alg)
	}
	cfg, err := e.id.GetVendorConfig(ctx)
	if err != nil || cfg.JWTAlgorithm != "HS256" || cfg.JWTSecret == "" {
		t.Fatalf("config after HS256 login = %+v, %v", cfg, err)
	}
	// Vendor tokens stay RS256 and keep working.
	vt, err := e.id.AuthenticateVendor(ctx, e.creds.ClientID, e.creds.Secret)
	if err != nil {
		t.Fatal(err)
	}
	e.principal(t, vt.Token)

	// Back to RS256: the algorithm is pinned again, HS256 tokens are refused
	// and the refresh token yields an RS256 token.
	e.setConfig(t, identity.VendorConfigUpdate{JWTAlgorithm: ptr("RS256")})
	_, err = e.id.Authenticate(ctx, res.AccessToken)
	wantErr(t, err, identity.ErrUnauthorized)
	next, err := e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if alg := tokenAlg(t, next.AccessToken); alg != "RS256" {
		t.Fatalf("alg after switching back = %q", alg)
	}
	e.principal(t, next.AccessToken)
}

// tokenAlg returns the "alg" of a JWT's header.
func tokenAlg(t *testing.T, token string) string {
	t.Helper()
	head, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.Alg
}

// TestEnvironmentIsolation: two environments sharing a store see nothing of
// each other's users and tenants.
func TestEnvironmentIsolation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "iso@example.com")
	other := e.newIdentity(t, identity.WithEnvironmentID("other"))
	if _, _, err := other.EnsureEnvironment(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err := other.Login(ctx, identity.LoginInput{Email: "iso@example.com", Password: testPassword}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeBadCredentials)
	_, err = other.GetUser(ctx, u.ID)
	wantErr(t, err, identity.ErrNotFound)
	_, err = other.GetTenant(ctx, u.TenantID)
	wantErr(t, err, identity.ErrNotFound)
	_, err = other.CreateUser(ctx, identity.CreateUserInput{Email: "x@example.com", TenantID: u.TenantID})
	wantErr(t, err, identity.ErrNotFound)
	if res, err := other.VerifyUserPassword(ctx, "iso@example.com", testPassword); err != nil || res.Valid {
		t.Fatalf("VerifyUserPassword across environments = %+v, %v", res, err)
	}
	// The same e-mail may exist in both.
	tn, err := other.CreateTenant(ctx, identity.CreateTenantInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.CreateUser(ctx, identity.CreateUserInput{Email: "iso@example.com", TenantID: tn.ID}); err != nil {
		t.Fatalf("same e-mail in another environment: %v", err)
	}
}

// TestConcurrentSignUpSameEmail: of racing sign-ups with one e-mail exactly
// one succeeds, and the losers leave no tenant behind.
func TestConcurrentSignUpSameEmail(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := e.id.SignUp(ctx, identity.SignUpInput{Email: "race@example.com", Password: testPassword, CompanyName: "Race"}, identity.ClientInfo{})
			errs <- err
		}()
	}
	ok := 0
	for i := 0; i < n; i++ {
		err := <-errs
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, identity.ErrConflict):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d sign-ups succeeded, want 1", ok)
	}
	if ts, err := e.st.ListTenants(ctx, e.id.EnvironmentID()); err != nil || len(ts) != 1 {
		t.Fatalf("%d tenants, %v; want 1", len(ts), err)
	}
}
