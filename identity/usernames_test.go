package identity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestSetMyUsername(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	e.user(t, "bob@example.com")
	p := e.me(t, "ann@example.com")
	bob := e.me(t, "bob@example.com")

	_, err := e.id.MyUsername(ctx, p)
	wantErr(t, err, identity.ErrNotFound)
	got, err := e.id.SetMyUsername(ctx, p, "Ann.Smith")
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != "Ann.Smith" || got.UserID != ann.ID {
		t.Fatalf("SetMyUsername = %+v", got)
	}
	mine, err := e.id.MyUsername(ctx, p)
	if err != nil || *mine != *got {
		t.Fatalf("MyUsername = %+v, %v", mine, err)
	}
	// The username signs in, case-insensitively.
	if _, err := e.id.Login(ctx, identity.LoginInput{Username: "ann.smith", Password: testPassword}, identity.ClientInfo{}); err != nil {
		t.Fatalf("login by username: %v", err)
	}
	// Taken (in any case), malformed, too long, missing.
	_, err = e.id.SetMyUsername(ctx, bob, "ANN.SMITH")
	ie := wantErr(t, err, identity.ErrConflict)
	if ie == nil || ie.Field != "username" {
		t.Fatalf("conflict error = %v", err)
	}
	_, err = e.id.SetMyUsername(ctx, bob, "bob smith")
	wantField(t, err, "username")
	_, err = e.id.SetMyUsername(ctx, bob, strings.Repeat("b", 256))
	wantField(t, err, "username")
	_, err = e.id.SetMyUsername(ctx, bob, "")
	wantField(t, err, "username")
	if _, err := e.id.SetMyUsername(ctx, bob, strings.Repeat("b", 255)); err != nil {
		t.Fatalf("255 characters: %v", err)
	}
	// A new username replaces the old one, which is free again.
	if _, err := e.id.SetMyUsername(ctx, p, "annie"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SetMyUsername(ctx, bob, "ann.smith"); err != nil {
		t.Fatalf("taking a released username: %v", err)
	}
}

func TestDeleteUsername(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	tn := e.tenant(t, "Acme")
	e.member(t, "ann@example.com", tn.ID)
	e.member(t, "bob@example.com", tn.ID)
	e.user(t, "carl@example.com")
	ann, bob, carl := e.me(t, "ann@example.com"), e.me(t, "bob@example.com"), e.me(t, "carl@example.com")
	for p, name := range map[*identity.Principal]string{ann: "ann", bob: "bob", carl: "carl"} {
		if _, err := e.id.SetMyUsername(ctx, p, name); err != nil {
			t.Fatal(err)
		}
	}
	// Another user's username: not without the permission, not outside
	// the tenant.
	wantErr(t, e.id.DeleteUsername(ctx, ann, "bob"), identity.ErrForbidden)
	admin := withPermissions(ann, "fe.secure.write.updateUser")
	wantErr(t, e.id.DeleteUsername(ctx, admin, "carl"), identity.ErrNotFound)
	wantErr(t, e.id.DeleteUsername(ctx, admin, "nobody"), identity.ErrNotFound)
	if err := e.id.DeleteUsername(ctx, admin, "BOB"); err != nil {
		t.Fatalf("admin deleting a member's username: %v", err)
	}
	_, err := e.id.MyUsername(ctx, bob)
	wantErr(t, err, identity.ErrNotFound)
	// One's own, and anyone's for the environment.
	if err := e.id.DeleteUsername(ctx, ann, "ann"); err != nil {
		t.Fatal(err)
	}
	if err := e.id.DeleteUsername(ctx, vendorPrincipal(""), "carl"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteUsername(ctx, nil, "carl"), identity.ErrUnauthorized)

	// A user without an e-mail keeps its username: it signs in with it.
	u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Username: "solo", Password: testPassword, TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteUsername(ctx, vendorPrincipal(""), "solo"), identity.ErrConflict)
	if got, _ := e.id.GetUser(ctx, u.ID); got.Username != "solo" {
		t.Fatalf("username after refused delete = %q", got.Username)
	}
}

func TestListUsernames(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	tn := e.tenant(t, "Acme")
	e.member(t, "ann@example.com", tn.ID)
	bobUser := e.member(t, "bob@example.com", tn.ID)
	e.member(t, "nameless@example.com", tn.ID)
	e.user(t, "carl@example.com")
	ann, bob, carl := e.me(t, "ann@example.com"), e.me(t, "bob@example.com"), e.me(t, "carl@example.com")
	for p, name := range map[*identity.Principal]string{ann: "alice", bob: "Albert", carl: "alan"} {
		if _, err := e.id.SetMyUsername(ctx, p, name); err != nil {
			t.Fatal(err)
		}
	}
	names := func(pg *identity.Page[identity.Username]) string {
		var s []string
		for _, u := range pg.Items {
			s = append(s, u.Username)
		}
		return strings.Join(s, ",")
	}
	all, err := e.id.ListUsernames(ctx, vendorPrincipal(""), identity.UsernameQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(all); got != "alan,Albert,alice" {
		t.Fatalf("vendor listing = %s", got)
	}
	desc, _ := e.id.ListUsernames(ctx, vendorPrincipal(""), identity.UsernameQuery{PageQuery: identity.PageQuery{Order: "DESC", Limit: 1}})
	if got := names(desc); got != "alice" || desc.Metadata.TotalItems != 3 || desc.Metadata.TotalPages != 3 {
		t.Fatalf("first page descending = %s %+v", got, desc.Metadata)
	}
	_, err = e.id.ListUsernames(ctx, ann, identity.UsernameQuery{})
	wantErr(t, err, identity.ErrForbidden)
	reader := withPermissions(ann, "fe.secure.read.users")
	mine, _ := e.id.ListUsernames(ctx, reader, identity.UsernameQuery{Prefix: "AL"})
	if got := names(mine); got != "Albert,alice" {
		t.Fatalf("tenant listing with prefix = %s", got)
	}
	byID, _ := e.id.ListUsernames(ctx, reader, identity.UsernameQuery{UserIDs: []string{bobUser.ID}})
	if len(byID.Items) != 1 || byID.Items[0].UserID != bobUser.ID || byID.Items[0].Username != "Albert" {
		t.Fatalf("by user id = %+v", byID.Items)
	}
	byName, _ := e.id.ListUsernames(ctx, reader, identity.UsernameQuery{Usernames: []string{"ALICE", "alan"}})
	if got := names(byName); got != "alice" {
		t.Fatalf("by username (alan is in another tenant) = %s", got)
	}
	_, err = e.id.ListUsernames(ctx, reader, identity.UsernameQuery{PageQuery: identity.PageQuery{Limit: -1}})
	wantField(t, err, "_limit")
}
