package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/pwned"
)

// strictConfig needs 10 characters and all four character classes.
func strictConfig() identity.PasswordConfigInput {
	return identity.PasswordConfigInput{
		MinLength: ptr(10), MinOptionalTestsToPass: ptr(4),
		OptionalTests: &identity.PasswordOptionalTestsInput{RequireLowercase: ptr(true), RequireUppercase: ptr(true),
			RequireNumbers: ptr(true), RequireSpecialChars: ptr(true)},
	}
}

const strongPassword = "Str0ng&Long!"

func TestPasswordConfigDefaultsAndValidation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	c, err := e.id.GetPasswordConfig(ctx, vendor(""))
	if err != nil {
		t.Fatal(err)
	}
	if *c != identity.DefaultPasswordConfig() || c.MinLength != identity.MinPasswordLength || c.MaxLength != identity.MaxPasswordLength {
		t.Fatalf("default config = %+v", c)
	}
	for _, tc := range []struct {
		in    identity.PasswordConfigInput
		field string
	}{
		{identity.PasswordConfigInput{MinLength: ptr(0)}, "minLength"},
		{identity.PasswordConfigInput{MinLength: ptr(200)}, "minLength"},
		{identity.PasswordConfigInput{MinLength: ptr(20), MaxLength: ptr(10)}, "maxLength"},
		{identity.PasswordConfigInput{MinOptionalTestsToPass: ptr(2)}, "minOptionalTestsToPass"}, // no optional test enabled
		{identity.PasswordConfigInput{MinOptionalTestsToPass: ptr(5)}, "minOptionalTestsToPass"},
		{identity.PasswordConfigInput{AllowPassphrases: ptr(true), MinPhraseLength: ptr(3), MinLength: ptr(8)}, "minPhraseLength"},
		{identity.PasswordConfigInput{BlockPwnedPasswords: ptr(true)}, "blockPwnedPasswords"}, // no checker configured
	} {
		_, err := e.id.SavePasswordConfig(ctx, vendor(""), tc.in)
		wantField(t, err, tc.field)
	}
	if c, _ := e.id.GetPasswordConfig(ctx, vendor("")); *c != identity.DefaultPasswordConfig() {
		t.Fatalf("a refused config changed the stored one: %+v", c)
	}
	if _, err := e.id.SavePasswordConfig(ctx, vendor("missing-tenant"), strictConfig()); err == nil {
		t.Fatal("a config for an unknown tenant was saved")
	}
}

func TestPasswordConfigEnforcedEverywhere(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	if _, err := e.id.SavePasswordConfig(ctx, vendor(""), strictConfig()); err != nil {
		t.Fatal(err)
	}
	tn := e.tenant(t, "Acme")

	// Vendor creation.
	_, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "weak@example.com", Password: testPassword, TenantID: tn.ID})
	wantField(t, err, "password")
	wantCode(t, err, identity.CodeWeakPassword)
	if _, err := e.st.GetUserByEmail(ctx, e.id.EnvironmentID(), "weak@example.com"); err == nil {
		t.Fatal("a refused user was created")
	}
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "ok@example.com", Password: strongPassword, TenantID: tn.ID}); err != nil {
		t.Fatalf("CreateUser with a strong password: %v", err)
	}

	// Sign-up.
	e.setConfig(t, identity.VendorConfigUpdate{AllowSignups: ptr(true)})
	_, err = e.id.SignUp(ctx, identity.SignUpInput{Email: "signup@example.com", Password: testPassword, CompanyName: "S"}, identity.ClientInfo{})
	wantField(t, err, "password")

	// Invitation with a password, then its acceptance.
	_, err = e.id.InviteUser(ctx, vendor(tn.ID), identity.InviteUserInput{Email: "inv@example.com", Password: testPassword})
	wantField(t, err, "password")
	_, mail := e.invite(t, tn.ID, identity.InviteUserInput{Email: "inv2@example.com"})
	_, err = e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: mail.userID, Token: mail.token, Password: "short"}, identity.ClientInfo{})
	wantField(t, err, "password")
	if _, err := e.id.AcceptInvitation(ctx, identity.AcceptInvitationInput{UserID: mail.userID, Token: mail.token, Password: strongPassword}, identity.ClientInfo{}); err != nil {
		t.Fatalf("AcceptInvitation with a strong password: %v", err)
	}

	// A tenant with its own, stricter configuration binds its members; the
	// environment's still binds the others.
	strict := e.tenant(t, "Strict")
	if _, err := e.id.SavePasswordConfig(ctx, vendor(strict.ID), identity.PasswordConfigInput{MinLength: ptr(16)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.CreateUser(ctx, identity.CreateUserInput{Email: "s@example.com", Password: strongPassword, TenantID: strict.ID})
	wantField(t, err, "password")
	got, _ := e.id.GetPasswordConfig(ctx, vendor(strict.ID))
	if got.MinLength != 16 || got.MinOptionalTestsToPass != 4 {
		t.Fatalf("tenant config = %+v, want the environment's with minLength 16", got)
	}
	if env, _ := e.id.GetPasswordConfig(ctx, vendor("")); env.MinLength != 10 {
		t.Fatalf("the tenant's config changed the environment's: %+v", env)
	}
}

func TestSignUpThroughInvitationLinkObeysTheTenantsConfig(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn := e.tenant(t, "Strict")
	if _, err := e.id.SavePasswordConfig(ctx, vendor(tn.ID), identity.PasswordConfigInput{MinLength: ptr(30)}); err != nil {
		t.Fatal(err)
	}
	inv, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	in := identity.SignUpInput{Email: "joiner@example.com", Password: testPassword, InvitationToken: inv.Token}
	_, err = e.id.SignUp(ctx, in, identity.ClientInfo{})
	wantField(t, err, "password")
	in.Password = "a passphrase of thirty characters"
	if _, err := e.id.SignUp(ctx, in, identity.ClientInfo{}); err != nil {
		t.Fatalf("sign-up with a password the tenant accepts: %v", err)
	}
}

func TestEnvironmentConfigBindsMembersOfSeveralTenants(t *testing.T) {
	// The environment's configuration, weaker than the default here, is
	// the one in force for a user whose tenants have none of their own:
	// the default does not come back because there are several tenants.
	e := newTestEnv(t)
	ctx := context.Background()
	if _, err := e.id.SavePasswordConfig(ctx, vendor(""), identity.PasswordConfigInput{MinLength: ptr(4)}); err != nil {
		t.Fatal(err)
	}
	u := e.user(t, "two@example.com")
	other := e.tenant(t, "Other")
	e.invite(t, other.ID, identity.InviteUserInput{Email: u.Email, SkipInviteEmail: true})
	c, err := e.id.GetUserPasswordConfig(ctx, u.ID)
	if err != nil || c.MinLength != 4 {
		t.Fatalf("GetUserPasswordConfig = %+v, %v; want the environment's minLength 4", c, err)
	}
	link, err := e.id.GeneratePasswordResetLink(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: link.Token, Password: "abcde"}); err != nil {
		t.Fatalf("a 5-character password under minLength 4: %v", err)
	}
}

func TestUserPasswordConfigIsStrictest(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	a, b := e.tenant(t, "A"), e.tenant(t, "B")
	if _, err := e.id.SavePasswordConfig(ctx, vendor(a.ID), identity.PasswordConfigInput{MinLength: ptr(12)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SavePasswordConfig(ctx, vendor(b.ID), identity.PasswordConfigInput{
		MinOptionalTestsToPass: ptr(1), OptionalTests: &identity.PasswordOptionalTestsInput{RequireNumbers: ptr(true)},
		RequiredTests: &identity.PasswordRequiredTestsInput{CheckThreeRepeatedChars: ptr(true)},
	}); err != nil {
		t.Fatal(err)
	}
	u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "multi@example.com", Password: "longpassword12", TenantID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	e.invite(t, b.ID, identity.InviteUserInput{Email: u.Email, SkipInviteEmail: true})
	c, err := e.id.GetUserPasswordConfig(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.MinLength != 12 || c.MinOptionalTestsToPass != 1 || !c.OptionalTests.RequireNumbers || !c.RequiredTests.CheckThreeRepeatedChars {
		t.Fatalf("strictest config = %+v", c)
	}
	for _, id := range []string{"", "unknown-user"} {
		env, err := e.id.GetUserPasswordConfig(ctx, id)
		if err != nil || *env != identity.DefaultPasswordConfig() {
			t.Fatalf("GetUserPasswordConfig(%q) = %+v, %v; want the environment's default", id, env, err)
		}
	}
}

func TestBlockPwnedPasswords(t *testing.T) {
	e := newTestEnv(t)
	e.id = e.newIdentity(t, identity.WithBreachedPasswordChecker(pwned.NewStaticChecker("Breached!Password1")))
	ctx := context.Background()
	if _, err := e.id.SavePasswordConfig(ctx, vendor(""), identity.PasswordConfigInput{BlockPwnedPasswords: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	tn := e.tenant(t, "T")
	_, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "p@example.com", Password: "Breached!Password1", TenantID: tn.ID})
	wantField(t, err, "password")
	if _, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "p@example.com", Password: testPassword, TenantID: tn.ID}); err != nil {
		t.Fatalf("an unbreached password was refused: %v", err)
	}
}

func TestPasswordHistoryPolicyCRUD(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	_, err := e.id.GetPasswordHistoryPolicy(ctx, vendor(""))
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UpdatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{Enabled: ptr(true)})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.CreatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{Enabled: ptr(true), HistorySize: ptr(11)})
	wantField(t, err, "historySize")
	_, err = e.id.CreatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{HistorySize: ptr(3)})
	wantField(t, err, "enabled")

	p, err := e.id.CreatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{Enabled: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled || p.HistorySize != 1 || p.ID == "" || !p.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("created policy = %+v", p)
	}
	_, err = e.id.CreatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{Enabled: ptr(true)})
	wantErr(t, err, identity.ErrConflict)
	e.clock.Advance(time.Minute)
	up, err := e.id.UpdatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{HistorySize: ptr(5)})
	if err != nil || up.ID != p.ID || up.HistorySize != 5 || !up.Enabled || !up.UpdatedAt.After(up.CreatedAt) {
		t.Fatalf("updated policy = %+v, %v", up, err)
	}
	// A tenant inherits it, and an update gives the tenant its own.
	tn := e.tenant(t, "T")
	if got, err := e.id.GetPasswordHistoryPolicy(ctx, vendor(tn.ID)); err != nil || got.ID != p.ID {
		t.Fatalf("tenant's policy = %+v, %v; want the environment's", got, err)
	}
	own, err := e.id.UpdatePasswordHistoryPolicy(ctx, vendor(tn.ID), identity.PasswordHistoryPolicyInput{Enabled: ptr(false)})
	if err != nil || own.ID == p.ID || own.Enabled || own.HistorySize != 5 {
		t.Fatalf("tenant's own policy = %+v, %v", own, err)
	}
	if env, _ := e.id.GetPasswordHistoryPolicy(ctx, vendor("")); !env.Enabled {
		t.Fatal("the tenant's update changed the environment's policy")
	}
}

func TestPasswordHistoryRefusesRecentPasswords(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "hist@example.com")
	p := userPrincipal(u.ID, u.TenantID)
	change := func(from, to string) error {
		return e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: from, NewPassword: to})
	}
	// Without a policy, an earlier password may come back.
	if err := change(testPassword, "second password"); err != nil {
		t.Fatal(err)
	}
	if err := change("second password", testPassword); err != nil {
		t.Fatalf("reuse without a history policy: %v", err)
	}
	if _, err := e.id.CreatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{Enabled: ptr(true), HistorySize: ptr(3)}); err != nil {
		t.Fatal(err)
	}
	steps := []string{testPassword, "password two", "password three"}
	for i := 1; i < len(steps); i++ {
		if err := change(steps[i-1], steps[i]); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	cred, err := e.st.GetPassword(ctx, u.ID)
	if err != nil || len(cred.History) != 2 {
		t.Fatalf("stored history = %v, %v; want the two earlier hashes", cred, err)
	}
	// The last three (the current one included) are refused.
	for _, old := range steps[:2] {
		err := change("password three", old)
		wantField(t, err, "newPassword")
		wantCode(t, err, identity.CodeWeakPassword)
	}
	// A reset obeys the history too.
	link, err := e.id.GeneratePasswordResetLink(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	err = e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: link.Token, Password: "password two"})
	wantField(t, err, "password")
	// Three more passwords push the first out of the history.
	if err := change("password three", "password four"); err != nil {
		t.Fatal(err)
	}
	if err := change("password four", testPassword); err != nil {
		t.Fatalf("a password older than the history was refused: %v", err)
	}
	// Changing the password retired the pending reset link.
	err = e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: link.Token, Password: "brand new one"})
	wantField(t, err, "token")
	if link, err = e.id.GeneratePasswordResetLink(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: link.Token, Password: "brand new one"}); err != nil {
		t.Fatalf("reset with a new password: %v", err)
	}
	// Disabling the policy stops the check and the history shrinks to
	// nothing on the next change.
	if _, err := e.id.UpdatePasswordHistoryPolicy(ctx, vendor(""), identity.PasswordHistoryPolicyInput{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if err := change("brand new one", "password four"); err != nil {
		t.Fatal(err)
	}
	if cred, _ := e.st.GetPassword(ctx, u.ID); len(cred.History) != 0 {
		t.Fatalf("history kept without a policy: %d hashes", len(cred.History))
	}
}

func TestPasswordRotationConfig(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	_, err := e.id.GetPasswordRotationConfig(ctx, vendor(""))
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetEnvironmentPasswordRotationConfig(ctx)
	wantErr(t, err, identity.ErrNotFound)
	for _, tc := range []struct {
		in    identity.PasswordRotationInput
		field string
	}{
		{identity.PasswordRotationInput{RotationPeriod: ptr(0)}, "rotationPeriod"},
		{identity.PasswordRotationInput{RotationPeriod: ptr(2628001)}, "rotationPeriod"},
		{identity.PasswordRotationInput{NotificationPeriod: ptr(-1)}, "notificationPeriod"},
		{identity.PasswordRotationInput{RotationPeriod: ptr(60), NotificationPeriod: ptr(61)}, "notificationPeriod"},
	} {
		_, err := e.id.SavePasswordRotationConfig(ctx, vendor(""), tc.in)
		wantField(t, err, tc.field)
	}
	c, err := e.id.SavePasswordRotationConfig(ctx, vendor(""), identity.PasswordRotationInput{IsActive: ptr(true)})
	if err != nil || !c.IsActive || c.RotationPeriod != 129600 || c.NotificationPeriod != 10080 || c.TenantID != "" {
		t.Fatalf("saved rotation = %+v, %v; want the defaults, active", c, err)
	}
	tn := e.tenant(t, "T")
	tc, err := e.id.SavePasswordRotationConfig(ctx, vendor(tn.ID), identity.PasswordRotationInput{RotationPeriod: ptr(600), NotificationPeriod: ptr(60)})
	if err != nil || tc.TenantID != tn.ID || !tc.IsActive || tc.RotationPeriod != 600 {
		t.Fatalf("tenant rotation = %+v, %v", tc, err)
	}
	if got, _ := e.id.GetPasswordRotationConfig(ctx, vendor(tn.ID)); got.RotationPeriod != 600 {
		t.Fatalf("GetPasswordRotationConfig(tenant) = %+v", got)
	}
	if got, _ := e.id.GetEnvironmentPasswordRotationConfig(ctx); got.RotationPeriod != 129600 {
		t.Fatalf("GetEnvironmentPasswordRotationConfig = %+v", got)
	}
}

func TestPasswordExpiresAtLogin(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "rot@example.com")
	if _, err := e.id.SavePasswordRotationConfig(ctx, vendor(""), identity.PasswordRotationInput{
		IsActive: ptr(true), RotationPeriod: ptr(60), NotificationPeriod: ptr(30)}); err != nil {
		t.Fatal(err)
	}
	res := e.login(t, u.Email)
	if res.AccessToken == "" || res.PasswordExpiresIn != nil || res.ResetPasswordToken != "" {
		t.Fatalf("fresh password: %+v", res)
	}
	e.clock.Advance(40 * time.Minute)
	res = e.login(t, u.Email)
	if res.AccessToken == "" || res.PasswordExpiresIn == nil || *res.PasswordExpiresIn != 20 || res.NotificationPeriod != 30 {
		t.Fatalf("password about to expire: tokens %v, passwordExpiresIn %v, notificationPeriod %d", res.AccessToken != "", res.PasswordExpiresIn, res.NotificationPeriod)
	}
	e.clock.Advance(20 * time.Minute)
	res = e.login(t, u.Email)
	if res.AccessToken != "" || res.RefreshToken != "" || res.ResetPasswordToken == "" || res.PasswordExpiresIn == nil || *res.PasswordExpiresIn != 0 {
		t.Fatalf("expired password: %+v", res)
	}
	// The token is a password-reset token: the new password logs in again.
	err := e.id.ResetPassword(ctx, identity.ResetPasswordInput{UserID: u.ID, Token: res.ResetPasswordToken, Password: "a fresh password"})
	if err != nil {
		t.Fatal(err)
	}
	res, err = e.id.Login(ctx, identity.LoginInput{Email: u.Email, Password: "a fresh password"}, identity.ClientInfo{})
	if err != nil || res.AccessToken == "" || res.PasswordExpiresIn != nil {
		t.Fatalf("login after the reset: %+v, %v", res, err)
	}
	// A rehash on login (new argon2id parameters) does not make the
	// password younger.
	before, _ := e.st.GetPassword(ctx, u.ID)
	e.clock.Advance(10 * time.Minute)
	other := e.newIdentity(t, identity.WithArgon2Params(argon2id.Params{Memory: 2048, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}))
	if _, err := other.Login(ctx, identity.LoginInput{Email: u.Email, Password: "a fresh password"}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	after, _ := e.st.GetPassword(ctx, u.ID)
	if after.Hash == before.Hash || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("rehash: hash changed %v, set time %v -> %v (must stay)", after.Hash != before.Hash, before.UpdatedAt, after.UpdatedAt)
	}
}
