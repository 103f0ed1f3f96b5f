package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestLockoutPolicyCRUD(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	_, err := e.id.GetLockoutPolicy(ctx, vendor(""))
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UpdateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{MaxAttempts: ptr(3)})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true)})
	wantField(t, err, "maxAttempts")
	_, err = e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(0)})
	wantField(t, err, "maxAttempts")
	_, err = e.id.UpdateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{})
	wantErr(t, err, identity.ErrInvalidInput)

	p, err := e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(5)})
	if err != nil || !p.Enabled || p.MaxAttempts != 5 || p.ID == "" {
		t.Fatalf("CreateLockoutPolicy = %+v, %v", p, err)
	}
	_, err = e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(5)})
	wantErr(t, err, identity.ErrConflict)
	up, err := e.id.UpdateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(false)})
	if err != nil || up.Enabled || up.MaxAttempts != 5 || up.ID != p.ID {
		t.Fatalf("UpdateLockoutPolicy = %+v, %v", up, err)
	}
	// A tenant administrator manages its own tenant's policy.
	tn := e.tenant(t, "T")
	admin := userPrincipal("admin", tn.ID)
	if got, err := e.id.GetLockoutPolicy(ctx, admin); err != nil || got.ID != p.ID {
		t.Fatalf("tenant inherits: %+v, %v", got, err)
	}
	own, err := e.id.CreateLockoutPolicy(ctx, admin, identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(2)})
	if err != nil || own.ID == p.ID {
		t.Fatalf("tenant's own policy = %+v, %v", own, err)
	}
	if env, _ := e.id.GetLockoutPolicy(ctx, vendor("")); env.Enabled || env.MaxAttempts != 5 {
		t.Fatalf("the tenant's policy changed the environment's: %+v", env)
	}
	_, err = e.id.GetLockoutPolicy(ctx, nil)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestLockoutAfterWrongPasswords(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "lock@example.com")
	session := e.login(t, u.Email)
	if _, err := e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(3)}); err != nil {
		t.Fatal(err)
	}
	wrong := func(email string) error {
		_, err := e.id.Login(ctx, identity.LoginInput{Email: email, Password: "wrong password"}, identity.ClientInfo{})
		return err
	}
	unknownErr := wrong("nobody@example.com")
	wantCode(t, unknownErr, identity.CodeBadCredentials)

	// Two wrong, then a right one: the count starts over.
	for i := 0; i < 2; i++ {
		wantCode(t, wrong(u.Email), identity.CodeBadCredentials)
	}
	e.login(t, u.Email)
	for i := 0; i < 2; i++ {
		wantCode(t, wrong(u.Email), identity.CodeBadCredentials)
	}
	e.clock.Advance(identity.PasswordFailureWindow) // old failures are forgotten
	for i := 0; i < 2; i++ {
		wantCode(t, wrong(u.Email), identity.CodeBadCredentials)
	}
	if _, err := e.tryLogin(u.Email); err != nil {
		t.Fatalf("locked before the limit: %v", err)
	}

	// Three in a row lock; the locking attempt answers like an unknown user.
	for i := 0; i < 2; i++ {
		wantCode(t, wrong(u.Email), identity.CodeBadCredentials)
	}
	err := wrong(u.Email)
	if err.Error() != unknownErr.Error() || !errors.Is(err, identity.ErrUnauthorized) {
		t.Fatalf("the locking attempt answered %v, unknown users get %v", err, unknownErr)
	}
	_, err = e.tryLogin(u.Email)
	wantCode(t, err, identity.CodeUserLocked)
	if got, _ := e.id.GetUser(ctx, u.ID); !got.IsLocked {
		t.Fatal("user not locked")
	}
	_, err = e.refresh(session.RefreshToken, "")
	wantErr(t, err, identity.ErrUnauthorized)

	// The user gets an unlock link; using it lets the user in again.
	e.drain(t)
	mail := e.lastMail(t, u.Email)
	if mail.path != "/account/unlock" {
		t.Fatalf("unlock e-mail path = %q", mail.path)
	}
	if err := e.id.UnlockWithToken(ctx, identity.UnlockInput{Token: mail.token}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tryLogin(u.Email); err != nil {
		t.Fatalf("login after unlocking: %v", err)
	}
	// The count started over with the lock.
	for i := 0; i < 2; i++ {
		wantCode(t, wrong(u.Email), identity.CodeBadCredentials)
	}
	if _, err := e.tryLogin(u.Email); err != nil {
		t.Fatalf("login after two new failures: %v", err)
	}
}

func TestLockoutCountsWrongCurrentPasswords(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.user(t, "chg@example.com")
	if _, err := e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(2)}); err != nil {
		t.Fatal(err)
	}
	p := e.principal(t, e.login(t, u.Email).AccessToken)
	err := e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: "wrong one", NewPassword: "new password 1"})
	wantCode(t, err, identity.CodeBadCredentials)
	err = e.id.ChangePassword(ctx, p, identity.ChangePasswordInput{Password: "wrong two", NewPassword: "new password 1"})
	wantCode(t, err, identity.CodeUserLocked)
	_, err = e.tryLogin(u.Email)
	wantCode(t, err, identity.CodeUserLocked)
	// The environment unlocks.
	if _, err := e.id.UnlockUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	e.login(t, u.Email)
}

func TestLockoutFollowsTheStrictestTenantPolicy(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	lax := e.user(t, "lax@example.com")
	strict := e.user(t, "strict@example.com")
	if _, err := e.id.CreateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(10)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.CreateLockoutPolicy(ctx, vendor(strict.TenantID), identity.LockoutPolicyInput{Enabled: ptr(true), MaxAttempts: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{lax.Email, strict.Email} {
		if _, err := e.id.Login(ctx, identity.LoginInput{Email: email, Password: "nope nope"}, identity.ClientInfo{}); err == nil {
			t.Fatal("wrong password accepted")
		}
	}
	if _, err := e.tryLogin(lax.Email); err != nil {
		t.Fatalf("the environment's policy (10) locked after one: %v", err)
	}
	_, err := e.tryLogin(strict.Email)
	wantCode(t, err, identity.CodeUserLocked)

	// A disabled policy counts nothing.
	if _, err := e.id.UpdateLockoutPolicy(ctx, vendor(""), identity.LockoutPolicyInput{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		_, _ = e.id.Login(ctx, identity.LoginInput{Email: lax.Email, Password: "nope nope"}, identity.ClientInfo{})
	}
	if _, err := e.tryLogin(lax.Email); err != nil {
		t.Fatalf("locked without an enabled policy: %v", err)
	}
}
