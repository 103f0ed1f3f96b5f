package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

func signUpInput(email string) identity.SignUpInput {
	return identity.SignUpInput{Email: email, Password: testPassword, Name: "Ann", CompanyName: "Acme"}
}

func TestSignUpRequiresActivationByDefault(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)

	res, err := e.id.SignUp(ctx, signUpInput("ann@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ShouldActivate || res.AuthResponse != nil || res.UserID == "" || res.TenantID == "" {
		t.Fatalf("SignUp = %+v; want ShouldActivate and no tokens", res)
	}
	msgs := e.outbox.Messages()
	if len(msgs) != 1 || msgs[0].To != "ann@example.com" || msgs[0].Channel != "email" {
		t.Fatalf("outbox = %+v; want one activation e-mail to ann@example.com", msgs)
	}
	userID, token := e.activationLink(t, "ann@example.com")
	if userID != res.UserID || token == "" {
		t.Fatalf("activation link has userId=%q token=%q; want userId %q and a token", userID, token, res.UserID)
	}
	if !strings.Contains(msgs[0].Body, "Ann") {
		t.Errorf("activation e-mail does not greet the user by name: %q", msgs[0].Body)
	}

	// The tenant and membership exist; the user is not verified and cannot
	// log in yet.
	tn, err := e.id.GetTenant(ctx, res.TenantID)
	if err != nil || tn.Name != "Acme" {
		t.Fatalf("GetTenant = %+v, %v", tn, err)
	}
	u, err := e.id.GetTenantUser(ctx, res.TenantID, res.UserID)
	if err != nil || u.Verified {
		t.Fatalf("signed-up user = %+v, %v; want unverified member", u, err)
	}
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "ann@example.com", Password: testPassword}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
	wantCode(t, err, identity.CodeUserNotVerified)

	strat, err := e.id.GetActivationStrategy(ctx, userID, token)
	if err != nil || strat.ShouldSetPassword {
		t.Fatalf("GetActivationStrategy = %+v, %v; want ShouldSetPassword=false", strat, err)
	}

	auth, err := e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if auth.AccessToken == "" || auth.RefreshToken == "" || auth.MFARequired {
		t.Fatalf("ActivateUser = %+v; want tokens", auth)
	}
	p := e.principal(t, auth.AccessToken)
	if p.UserID != res.UserID || p.TenantID != res.TenantID || !p.Claims.EmailVerified {
		t.Fatalf("activated principal = %+v", p)
	}

	// The token works once.
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrInvalidInput)
	wantCode(t, err, identity.CodeInvalidActivation)
	_, err = e.id.GetActivationStrategy(ctx, userID, token)
	wantErr(t, err, identity.ErrInvalidInput)

	// Now the password login works.
	e.login(t, "ann@example.com")
}

func TestActivationTokenRefusals(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	res, err := e.id.SignUp(ctx, signUpInput("bob@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	userID, token := e.activationLink(t, "bob@example.com")

	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: "not-the-token"}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID}, identity.ClientInfo{})
	wantField(t, err, "token")
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{Token: token}, identity.ClientInfo{})
	wantField(t, err, "userId")
	_, err = e.id.GetActivationStrategy(ctx, "", token)
	wantField(t, err, "userId")

	// Another user's id with this token is refused.
	other, err := e.id.SignUp(ctx, signUpInput("carl@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: other.UserID, Token: token}, identity.ClientInfo{})
	wantCode(t, err, identity.CodeInvalidActivation)

	// After 25 hours the link has expired.
	e.clock.Advance(25 * time.Hour)
	_, err = e.id.GetActivationStrategy(ctx, userID, token)
	wantErr(t, err, identity.ErrInvalidInput)
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrInvalidInput)
	wantCode(t, err, identity.CodeInvalidActivation)
	if u, err := e.id.GetUser(ctx, res.UserID); err != nil || u.Verified {
		t.Fatalf("user after refused activations = %+v, %v; want unverified", u, err)
	}
}

func TestSignUpWithoutPasswordSetsItOnActivation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	// Even when unverified users may log in, a user without a password has
	// to activate.
	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	in := signUpInput("dora@example.com")
	in.Password = ""
	res, err := e.id.SignUp(ctx, in, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ShouldActivate || res.AuthResponse != nil {
		t.Fatalf("SignUp without password = %+v; want ShouldActivate", res)
	}
	userID, token := e.activationLink(t, "dora@example.com")
	strat, err := e.id.GetActivationStrategy(ctx, userID, token)
	if err != nil || !strat.ShouldSetPassword {
		t.Fatalf("GetActivationStrategy = %+v, %v; want ShouldSetPassword=true", strat, err)
	}

	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	wantField(t, err, "password")
	_, err = e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token, Password: "short"}, identity.ClientInfo{})
	wantField(t, err, "password")
	wantCode(t, err, identity.CodeWeakPassword)

	// The refusals did not consume the token.
	auth, err := e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token, Password: testPassword}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if auth.AccessToken == "" {
		t.Fatal("activation gave no access token")
	}
	e.login(t, "dora@example.com")
}

func TestSignUpLogsInWhenUnverifiedLoginAllowed(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	res, err := e.id.SignUp(ctx, signUpInput("eve@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ShouldActivate || res.AuthResponse == nil || res.AuthResponse.AccessToken == "" || res.AuthResponse.RefreshToken == "" {
		t.Fatalf("SignUp = %+v; want tokens", res)
	}
	if n := len(e.outbox.Messages()); n != 0 {
		t.Fatalf("%d e-mails sent; want none", n)
	}
	p := e.principal(t, res.AuthResponse.AccessToken)
	if p.UserID != res.UserID || p.TenantID != res.TenantID || p.Claims.EmailVerified {
		t.Fatalf("principal = %+v; want the new, unverified user", p)
	}
	// Unverified login keeps working.
	e.login(t, "eve@example.com")
}

func TestSignUpSkipInviteEmail(t *testing.T) {
	e := newTestEnv(t)
	in := signUpInput("quiet@example.com")
	in.SkipInviteEmail = true
	res, err := e.id.SignUp(context.Background(), in, identity.ClientInfo{})
	if err != nil || !res.ShouldActivate {
		t.Fatalf("SignUp = %+v, %v", res, err)
	}
	if n := len(e.outbox.Messages()); n != 0 {
		t.Fatalf("%d e-mails sent; want none", n)
	}
}

func TestSignUpDisabled(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{AllowSignups: ptr(false)})
	_, err := e.id.SignUp(ctx, signUpInput("fay@example.com"), identity.ClientInfo{})
	wantErr(t, err, identity.ErrForbidden)
	wantCode(t, err, identity.CodeSignupsDisabled)
	ts, err := e.st.ListTenants(ctx, e.id.EnvironmentID())
	if err != nil || len(ts) != 0 {
		t.Fatalf("tenants after refused sign-up = %d, %v", len(ts), err)
	}
}

func TestSignUpDuplicateEmail(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	if _, err := e.id.SignUp(ctx, signUpInput("gus@example.com"), identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	_, err := e.id.SignUp(ctx, signUpInput("GUS@Example.COM"), identity.ClientInfo{})
	wantErr(t, err, identity.ErrConflict)
	wantCode(t, err, identity.CodeEmailTaken)
	ts, err := e.st.ListTenants(ctx, e.id.EnvironmentID())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 {
		t.Fatalf("%d tenants after a refused duplicate sign-up; want 1", len(ts))
	}
	if n := len(e.outbox.Messages()); n != 1 {
		t.Fatalf("%d e-mails; want only the first sign-up's", n)
	}
}

func TestSignUpValidation(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	cases := []struct {
		name  string
		edit  func(in *identity.SignUpInput)
		field string
	}{
		{"missing company", func(in *identity.SignUpInput) { in.CompanyName = "  " }, "companyName"},
		{"missing email", func(in *identity.SignUpInput) { in.Email = "" }, "email"},
		{"invalid email", func(in *identity.SignUpInput) { in.Email = "not-an-email" }, "email"},
		{"email with display name", func(in *identity.SignUpInput) { in.Email = "Ann <ann@example.com>" }, "email"},
		{"short password", func(in *identity.SignUpInput) { in.Password = "abc" }, "password"},
		{"long password", func(in *identity.SignUpInput) { in.Password = strings.Repeat("p", identity.MaxPasswordLength+1) }, "password"},
		{"bad phone", func(in *identity.SignUpInput) { in.PhoneNumber = "12" }, "phoneNumber"},
		{"metadata not an object", func(in *identity.SignUpInput) { in.Metadata = "[1,2]" }, "metadata"},
		{"other provider", func(in *identity.SignUpInput) { in.Provider = "google" }, "provider"},
		{"unknown role", func(in *identity.SignUpInput) { in.RoleIDs = []string{"nope"} }, "roleIds"},
		{"any role at all (sign-up is public)", func(in *identity.SignUpInput) { in.RoleIDs = []string{identity.RoleReadOnly} }, "roleIds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := signUpInput("valid@example.com")
			c.edit(&in)
			_, err := e.id.SignUp(ctx, in, identity.ClientInfo{})
			wantField(t, err, c.field)
		})
	}
	ts, err := e.st.ListTenants(ctx, e.id.EnvironmentID())
	if err != nil || len(ts) != 0 {
		t.Fatalf("tenants after refused sign-ups = %d, %v; want 0", len(ts), err)
	}
	if n := len(e.outbox.Messages()); n != 0 {
		t.Fatalf("%d e-mails after refused sign-ups", n)
	}
	// Empty optional fields are accepted, and "local" is the default provider.
	in := signUpInput("valid@example.com")
	in.PhoneNumber, in.Metadata, in.Provider = "", "", "local"
	if _, err := e.id.SignUp(ctx, in, identity.ClientInfo{}); err != nil {
		t.Fatalf("sign-up with empty optional fields: %v", err)
	}
}

func TestSignUpWithUsername(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)

	// By default the account must be activated, which needs an e-mail.
	_, err := e.id.SignUpWithUsername(ctx, identity.SignUpInput{Username: "hank", Password: testPassword, CompanyName: "Hank Inc"}, identity.ClientInfo{})
	wantField(t, err, "email")
	_, err = e.id.SignUpWithUsername(ctx, identity.SignUpInput{Email: "hank@example.com", Password: testPassword, CompanyName: "Hank Inc"}, identity.ClientInfo{})
	wantField(t, err, "username")
	_, err = e.id.SignUpWithUsername(ctx, identity.SignUpInput{Username: "bad name!", Password: testPassword, CompanyName: "Hank Inc", Email: "hank@example.com"}, identity.ClientInfo{})
	wantField(t, err, "username")

	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	res, err := e.id.SignUpWithUsername(ctx, identity.SignUpInput{Username: "hank", Password: testPassword, CompanyName: "Hank Inc"}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ShouldActivate || res.AuthResponse == nil || res.AuthResponse.AccessToken == "" {
		t.Fatalf("SignUpWithUsername = %+v; want tokens", res)
	}
	login, err := e.id.Login(ctx, identity.LoginInput{Username: "HANK", Password: testPassword}, identity.ClientInfo{})
	if err != nil {
		t.Fatalf("login by username: %v", err)
	}
	if p := e.principal(t, login.AccessToken); p.UserID != res.UserID {
		t.Fatalf("login by username gave user %q, want %q", p.UserID, res.UserID)
	}
	_, err = e.id.SignUpWithUsername(ctx, identity.SignUpInput{Username: "Hank", Password: testPassword, CompanyName: "Other"}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrConflict)
}

func TestAppURLAndIssuer(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t, identity.WithAppURL("https://app.example.com/"), identity.WithIssuer("https://id.example.com"))
	if _, err := e.id.SignUp(ctx, signUpInput("url@example.com"), identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	msgs := e.outbox.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "https://app.example.com/account/activate?") {
		t.Fatalf("activation e-mail %+v does not link below the app URL", msgs)
	}
	userID, token := e.activationLink(t, "url@example.com")
	res, err := e.id.ActivateUser(ctx, identity.ActivateInput{UserID: userID, Token: token}, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if iss := e.principal(t, res.AccessToken).Claims.Issuer; iss != "https://id.example.com" {
		t.Fatalf("iss = %q", iss)
	}
}
