package identity_test

import (
	"context"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestSetUserSuperUser(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	ann := e.user(t, "ann@example.com")
	if e.me(t, "ann@example.com").Claims.SuperUser {
		t.Fatal("a new user's token says superUser")
	}
	u, err := e.id.SetUserSuperUser(ctx, ann.ID, identity.SuperUserInput{SuperUser: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if !u.SuperUser {
		t.Fatalf("SetUserSuperUser = %+v", u)
	}
	if got, _ := e.id.GetUser(ctx, ann.ID); !got.SuperUser {
		t.Fatal("super-user mode not saved")
	}
	if !e.me(t, "ann@example.com").Claims.SuperUser {
		t.Fatal("the token does not carry superUser")
	}
	if u, _ = e.id.SetUserSuperUser(ctx, ann.ID, identity.SuperUserInput{SuperUser: ptr(false)}); u.SuperUser {
		t.Fatal("super-user mode not cleared")
	}
	_, err = e.id.SetUserSuperUser(ctx, ann.ID, identity.SuperUserInput{})
	wantField(t, err, "superUser")
	_, err = e.id.SetUserSuperUser(ctx, "no-such-user", identity.SuperUserInput{SuperUser: ptr(true)})
	wantErr(t, err, identity.ErrNotFound)
}

func TestSetUserInvisible(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	ann := e.user(t, "ann@example.com")
	u, err := e.id.SetUserInvisible(ctx, ann.ID, identity.InvisibleInput{Invisible: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if !u.Invisible {
		t.Fatalf("SetUserInvisible = %+v", u)
	}
	if got, _ := e.id.GetUser(ctx, ann.ID); !got.Invisible {
		t.Fatal("invisible mode not saved")
	}
	_, err = e.id.SetUserInvisible(ctx, ann.ID, identity.InvisibleInput{})
	wantField(t, err, "invisible")
	_, err = e.id.SetUserInvisible(ctx, "no-such-user", identity.InvisibleInput{Invisible: ptr(true)})
	wantErr(t, err, identity.ErrNotFound)
}
