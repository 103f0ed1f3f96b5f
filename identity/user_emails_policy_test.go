package identity_test

import (
	"context"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestUserEmailsPolicy(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")

	pol, err := e.id.GetUserEmailsPolicy(ctx)
	if err != nil || !pol.AllowEmailChange {
		t.Fatalf("default policy = %+v, %v; want changes allowed", pol, err)
	}
	off := false
	if pol, err = e.id.SetUserEmailsPolicy(ctx, identity.UserEmailsPolicyInput{AllowEmailChange: &off}); err != nil || pol.AllowEmailChange {
		t.Fatalf("SetUserEmailsPolicy = %+v, %v", pol, err)
	}
	// An empty update keeps the value.
	if pol, err = e.id.SetUserEmailsPolicy(ctx, identity.UserEmailsPolicyInput{}); err != nil || pol.AllowEmailChange {
		t.Fatalf("empty update = %+v, %v", pol, err)
	}
	wantErr(t, e.id.RequestMyEmailChange(ctx, p, "ann2@example.com"), identity.ErrForbidden)
	wantErr(t, e.id.ConfirmMyEmailChange(ctx, p, "ann2@example.com", "123456"), identity.ErrForbidden)
	wantErr(t, e.id.SetMyPrimaryEmail(ctx, p, "ann2@example.com"), identity.ErrForbidden)
	if n := e.mailCount("ann2@example.com"); n != 0 {
		t.Fatalf("%d e-mails sent for a refused change", n)
	}

	on := true
	if _, err := e.id.SetUserEmailsPolicy(ctx, identity.UserEmailsPolicyInput{AllowEmailChange: &on}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.RequestMyEmailChange(ctx, p, "ann2@example.com"); err != nil {
		t.Fatal(err)
	}
	if n := e.mailCount("ann2@example.com"); n != 1 {
		t.Fatalf("%d e-mails to the new address, want 1", n)
	}
}
