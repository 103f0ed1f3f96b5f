package identity_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/sqlite"
)

// TestIdentifierFlowsOnSQLite runs the identifier flows end to end on the
// SQLite store (the other identity tests use the memory store): both a
// private in-memory database, whose single connection would deadlock on a
// read outside a running transaction, and a file with separate read and
// write pools.
func TestIdentifierFlowsOnSQLite(t *testing.T) {
	for _, dsn := range []string{":memory:", filepath.Join(t.TempDir(), "yolk.db")} {
		t.Run(filepath.Base(dsn), func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			e := &testEnv{clock: newFakeClock(), outbox: delivery.NewOutbox()}
			e.id, err = identity.New(st, append(cheapOptions(e.clock, e.outbox), identity.WithSMSSender(e.outbox))...)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.id.EnsureEnvironment(ctx, "", ""); err != nil {
				t.Fatal(err)
			}
			runIdentifierFlows(t, e)
		})
	}
}

func runIdentifierFlows(t *testing.T, e *testEnv) {
	ctx := context.Background()
	ann := e.user(t, "ann@example.com")
	bob := e.user(t, "bob@example.com")
	p := e.me(t, "ann@example.com")

	// E-mails: add, verify, swap primary, delete; uniqueness across users.
	added, err := e.id.AddMyEmail(ctx, p, "ann.alt@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.id.VerifyMyEmail(ctx, p, "ann.alt@example.com", e.lastCode(t, "ann.alt@example.com")); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.AddUserEmail(ctx, bob.ID, identity.AddUserEmailInput{Email: "ann.alt@example.com"})
	wantCode(t, err, identity.CodeEmailTaken)
	if err := e.id.SetMyPrimaryEmail(ctx, p, "ann.alt@example.com"); err != nil {
		t.Fatal(err)
	}
	list, err := e.id.MyEmails(ctx, p)
	if err != nil || len(list) != 2 || list[0].Email != "ann.alt@example.com" || list[1].Email != "ann@example.com" {
		t.Fatalf("MyEmails after swap = %+v, %v", list, err)
	}
	if err := e.id.DeleteMyEmail(ctx, p, list[1].ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteMyEmail(ctx, p, added.ID), identity.ErrNotFound)
	page, err := e.id.ListEmails(ctx, vendorPrincipal(""), identity.EmailQuery{})
	if err != nil || page.Metadata.TotalItems != 2 {
		t.Fatalf("ListEmails = %+v, %v", page, err)
	}

	// Self e-mail change.
	if err := e.id.RequestMyEmailChange(ctx, p, "ann.new@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := e.id.ConfirmMyEmailChange(ctx, p, "ann.new@example.com", e.lastCode(t, "ann.new@example.com")); err != nil {
		t.Fatal(err)
	}
	if u, _ := e.id.GetUser(ctx, ann.ID); u.Email != "ann.new@example.com" {
		t.Fatalf("e-mail after change = %s", u.Email)
	}
	if _, err := e.id.ChangeUserEmail(ctx, ann.ID, "ann@example.com"); err != nil {
		t.Fatal(err)
	}

	// Usernames.
	if _, err := e.id.SetMyUsername(ctx, p, "annie"); err != nil {
		t.Fatal(err)
	}
	names, err := e.id.ListUsernames(ctx, vendorPrincipal(""), identity.UsernameQuery{Prefix: "AN"})
	if err != nil || len(names.Items) != 1 || names.Items[0].UserID != ann.ID {
		t.Fatalf("ListUsernames = %+v, %v", names, err)
	}
	if err := e.id.DeleteUsername(ctx, p, "ANNIE"); err != nil {
		t.Fatal(err)
	}

	// Phone numbers: add and verify, attempt limit, delete with a code.
	created, err := e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: annPhone})
	if err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, annPhone)
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		_, err = e.id.VerifyMyPhoneNumber(ctx, p, created.OTCToken, wrongCode(code))
		wantField(t, err, "code")
	}
	if _, err := e.id.VerifyMyPhoneNumber(ctx, p, created.OTCToken, code); err != nil {
		t.Fatalf("right code after %d wrong ones: %v", identity.MaxCodeAttempts-1, err)
	}
	del, err := e.id.DeleteMyPhoneNumber(ctx, p, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.id.VerifyDeleteMyPhoneNumber(ctx, p, created.ID, del.OTCToken, e.lastCode(t, annPhone)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AddUserPhoneNumber(ctx, bob.ID, annPhone); err != nil {
		t.Fatal(err)
	}
	phones, err := e.id.ListPhoneNumbersV2(ctx, identity.PhoneNumberQuery{UserIDs: []string{bob.ID}})
	if err != nil || len(phones.Items) != 1 {
		t.Fatalf("ListPhoneNumbersV2 = %+v, %v", phones, err)
	}

	// Flags.
	if u, err := e.id.SetUserSuperUser(ctx, bob.ID, identity.SuperUserInput{SuperUser: ptr(true)}); err != nil || !u.SuperUser {
		t.Fatalf("SetUserSuperUser = %+v, %v", u, err)
	}
	if u, err := e.id.SetUserInvisible(ctx, bob.ID, identity.InvisibleInput{Invisible: ptr(true)}); err != nil || !u.Invisible || !u.SuperUser {
		t.Fatalf("SetUserInvisible = %+v, %v", u, err)
	}
}
