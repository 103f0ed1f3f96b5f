package identity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestAddAndVerifyEmail(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")

	added, err := e.id.AddMyEmail(ctx, p, "  Ann.Work@Example.COM ")
	if err != nil {
		t.Fatal(err)
	}
	if added.Email != "ann.work@example.com" || added.Verified || added.IsPrimary || added.UserID != ann.ID || added.ID == ann.ID {
		t.Fatalf("added e-mail = %+v", added)
	}
	code := e.lastCode(t, "ann.work@example.com")
	list, err := e.id.MyEmails(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || !list[0].IsPrimary || list[0].ID != ann.ID || list[0].Email != "ann@example.com" || !list[0].Verified ||
		list[1].ID != added.ID || list[1].Verified {
		t.Fatalf("MyEmails = %+v", list)
	}

	// A wrong code is refused and counted; the right one verifies.
	wantField(t, e.id.VerifyMyEmail(ctx, p, "ann.work@example.com", wrongCode(code)), "code")
	wantField(t, e.id.VerifyMyEmail(ctx, p, "ann.work@example.com", ""), "code")
	wantField(t, e.id.VerifyMyEmail(ctx, p, "not an e-mail", code), "email")
	if err := e.id.VerifyMyEmail(ctx, p, "ANN.WORK@example.com", code); err != nil {
		t.Fatalf("VerifyMyEmail: %v", err)
	}
	list, _ = e.id.MyEmails(ctx, p)
	if !list[1].Verified {
		t.Fatalf("e-mail not verified: %+v", list[1])
	}
	// Adding a verified address again is a conflict.
	_, err = e.id.AddMyEmail(ctx, p, "ann.work@example.com")
	wantErr(t, err, identity.ErrConflict)
	// An address that is not the user's is not found.
	wantErr(t, e.id.VerifyMyEmail(ctx, p, "nobody@example.com", code), identity.ErrNotFound)
	_, err = e.id.AddMyEmail(ctx, p, "not-an-email")
	wantField(t, err, "email")
	_, err = e.id.AddMyEmail(ctx, nil, "x@example.com")
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestEmailCodeResendRetiresOldCode(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")
	if _, err := e.id.AddMyEmail(ctx, p, "second@example.com"); err != nil {
		t.Fatal(err)
	}
	first := e.lastCode(t, "second@example.com")
	e.clock.Advance(1)
	if _, err := e.id.AddMyEmail(ctx, p, "second@example.com"); err != nil {
		t.Fatalf("adding an unverified address again: %v", err)
	}
	if n := e.sentTo("email", "second@example.com"); n != 2 {
		t.Fatalf("%d e-mails sent, want 2", n)
	}
	second := e.lastCode(t, "second@example.com")
	if first != second {
		wantField(t, e.id.VerifyMyEmail(ctx, p, "second@example.com", first), "code")
	}
	if err := e.id.VerifyMyEmail(ctx, p, "second@example.com", second); err != nil {
		t.Fatalf("newest code: %v", err)
	}
}

func TestEmailCodeExpires(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")
	if _, err := e.id.AddMyEmail(ctx, p, "late@example.com"); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, "late@example.com")
	e.clock.Advance(identity.VerificationCodeTTL)
	wantField(t, e.id.VerifyMyEmail(ctx, p, "late@example.com", code), "code")
	list, _ := e.id.MyEmails(ctx, p)
	if list[1].Verified {
		t.Fatal("an expired code verified the e-mail")
	}
}

func TestEmailCodeAttemptLimit(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")
	if _, err := e.id.AddMyEmail(ctx, p, "guess@example.com"); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, "guess@example.com")
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		wantField(t, e.id.VerifyMyEmail(ctx, p, "guess@example.com", wrongCode(code)), "code")
	}
	wantErr(t, e.id.VerifyMyEmail(ctx, p, "guess@example.com", wrongCode(code)), identity.ErrTooManyAttempts)
	// The code is spent: even the right one no longer works.
	if err := e.id.VerifyMyEmail(ctx, p, "guess@example.com", code); err == nil {
		t.Fatal("the right code worked after the attempt limit")
	}
	list, _ := e.id.MyEmails(ctx, p)
	if list[1].Verified {
		t.Fatal("e-mail verified after the attempt limit")
	}
}

func TestEmailsUniqueAcrossUsers(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	bob := e.user(t, "bob@example.com")
	e.user(t, "ann@example.com")
	ann := e.me(t, "ann@example.com")

	_, err := e.id.AddMyEmail(ctx, ann, "BOB@example.com")
	wantCode(t, err, identity.CodeEmailTaken)
	_, err = e.id.AddMyEmail(ctx, ann, "ann@example.com")
	wantErr(t, err, identity.ErrConflict)
	if _, err := e.id.AddMyEmail(ctx, ann, "shared@example.com"); err != nil {
		t.Fatal(err)
	}
	// Unverified, the address is still Ann's: nobody else may take it.
	_, err = e.id.AddUserEmail(ctx, bob.ID, identity.AddUserEmailInput{Email: "Shared@example.com", IsVerified: true})
	wantCode(t, err, identity.CodeEmailTaken)
	_, err = e.id.ChangeUserEmail(ctx, bob.ID, "shared@example.com")
	wantCode(t, err, identity.CodeEmailTaken)
	tn := e.tenant(t, "Other")
	_, err = e.id.CreateUser(ctx, identity.CreateUserInput{Email: "shared@example.com", TenantID: tn.ID})
	wantErr(t, err, identity.ErrConflict)
}

func TestSetPrimaryEmail(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")
	if _, err := e.id.AddMyEmail(ctx, p, "new@example.com"); err != nil {
		t.Fatal(err)
	}
	// Unverified addresses cannot become primary.
	wantField(t, e.id.SetMyPrimaryEmail(ctx, p, "new@example.com"), "email")
	if err := e.id.VerifyMyEmail(ctx, p, "new@example.com", e.lastCode(t, "new@example.com")); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.SetMyPrimaryEmail(ctx, p, "nobody@example.com"), identity.ErrNotFound)
	if err := e.id.SetMyPrimaryEmail(ctx, p, "New@Example.com"); err != nil {
		t.Fatalf("SetMyPrimaryEmail: %v", err)
	}
	u, err := e.id.GetUser(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "new@example.com" || !u.Verified {
		t.Fatalf("user after swap = %s verified %v", u.Email, u.Verified)
	}
	list, _ := e.id.MyEmails(ctx, p)
	if len(list) != 2 || list[0].Email != "new@example.com" || !list[0].IsPrimary || list[1].Email != "ann@example.com" || list[1].IsPrimary || !list[1].Verified {
		t.Fatalf("MyEmails after swap = %+v", list)
	}
	// The primary e-mail signs in; the former one is only an additional
	// address now.
	e.login(t, "new@example.com")
	_, err = e.id.Login(ctx, identity.LoginInput{Email: "ann@example.com", Password: testPassword}, identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	// Marking the primary address primary again changes nothing.
	if err := e.id.SetMyPrimaryEmail(ctx, p, "new@example.com"); err != nil {
		t.Fatal(err)
	}
	// And back, as the environment does it.
	if err := e.id.SetUserPrimaryEmail(ctx, ann.ID, "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	u, _ = e.id.GetUser(ctx, ann.ID)
	if u.Email != "ann@example.com" {
		t.Fatalf("vendor swap back: e-mail = %s", u.Email)
	}
	wantErr(t, e.id.SetUserPrimaryEmail(ctx, "no-such-user", "ann@example.com"), identity.ErrNotFound)
}

func TestDeleteEmail(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	bob := e.user(t, "bob@example.com")
	p := e.me(t, "ann@example.com")
	added, err := e.id.AddMyEmail(ctx, p, "extra@example.com")
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := e.id.AddUserEmail(ctx, bob.ID, identity.AddUserEmailInput{Email: "bob2@example.com", IsVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bobs.Verified || e.sentTo("email", "bob2@example.com") != 0 {
		t.Fatalf("vendor-verified e-mail = %+v, %d e-mails sent", bobs, e.sentTo("email", "bob2@example.com"))
	}
	// The primary address cannot go; another user's address is not found.
	wantField(t, e.id.DeleteMyEmail(ctx, p, ann.ID), "emailId")
	wantErr(t, e.id.DeleteMyEmail(ctx, p, bobs.ID), identity.ErrNotFound)
	wantErr(t, e.id.DeleteUserEmail(ctx, ann.ID, bobs.ID), identity.ErrNotFound)
	if err := e.id.DeleteMyEmail(ctx, p, added.ID); err != nil {
		t.Fatal(err)
	}
	list, _ := e.id.MyEmails(ctx, p)
	if len(list) != 1 {
		t.Fatalf("MyEmails after delete = %+v", list)
	}
	// The freed address may be taken by someone else; the pending code is
	// void.
	if _, err := e.id.AddUserEmail(ctx, bob.ID, identity.AddUserEmailInput{Email: "extra@example.com"}); err != nil {
		t.Fatalf("taking a freed address: %v", err)
	}
	if err := e.id.DeleteUserEmail(ctx, bob.ID, bobs.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteUserEmail(ctx, bob.ID, bobs.ID), identity.ErrNotFound)
}

func TestListEmails(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	tn := e.tenant(t, "Acme")
	ann := e.member(t, "ann@example.com", tn.ID)
	bob := e.member(t, "bob@example.com", tn.ID)
	carl := e.user(t, "carl@example.com") // another tenant
	if _, err := e.id.AddUserEmail(ctx, bob.ID, identity.AddUserEmailInput{Email: "bob.alt@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AddUserEmail(ctx, carl.ID, identity.AddUserEmailInput{Email: "carl.alt@example.com"}); err != nil {
		t.Fatal(err)
	}
	emails := func(pg *identity.Page[identity.UserEmail]) string {
		var s []string
		for _, it := range pg.Items {
			s = append(s, it.Email)
		}
		return strings.Join(s, ",")
	}

	all, err := e.id.ListEmails(ctx, vendorPrincipal(""), identity.EmailQuery{PageQuery: identity.PageQuery{SortBy: "email"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := emails(all); got != "ann@example.com,bob.alt@example.com,bob@example.com,carl.alt@example.com,carl@example.com" || all.Metadata.TotalItems != 5 {
		t.Fatalf("vendor listing = %s (%d)", got, all.Metadata.TotalItems)
	}
	desc, _ := e.id.ListEmails(ctx, vendorPrincipal(""), identity.EmailQuery{PageQuery: identity.PageQuery{SortBy: "email", Order: "desc", Limit: 2, Offset: 1}})
	if got := emails(desc); got != "carl.alt@example.com,bob@example.com" || desc.Metadata.TotalPages != 3 {
		t.Fatalf("descending page = %s (%+v)", got, desc.Metadata)
	}
	// A tenant named by the environment token, or the user's own tenant.
	acme, _ := e.id.ListEmails(ctx, vendorPrincipal(tn.ID), identity.EmailQuery{PageQuery: identity.PageQuery{SortBy: "email"}})
	if got := emails(acme); got != "ann@example.com,bob.alt@example.com,bob@example.com" {
		t.Fatalf("tenant listing = %s", got)
	}
	p := e.me(t, "ann@example.com")
	_, err = e.id.ListEmails(ctx, p, identity.EmailQuery{})
	wantErr(t, err, identity.ErrForbidden)
	admin := withPermissions(p, "fe.secure.read.*")
	mine, err := e.id.ListEmails(ctx, admin, identity.EmailQuery{PageQuery: identity.PageQuery{SortBy: "email"}, UserIDs: []string{bob.ID, carl.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := emails(mine); got != "bob.alt@example.com,bob@example.com" {
		t.Fatalf("a user sees only its tenant: %s", got)
	}
	one, _ := e.id.ListEmails(ctx, admin, identity.EmailQuery{Email: "ANN@example.com"})
	if len(one.Items) != 1 || one.Items[0].UserID != ann.ID || !one.Items[0].IsPrimary {
		t.Fatalf("filter by e-mail = %+v", one.Items)
	}
	outside, _ := e.id.ListEmails(ctx, admin, identity.EmailQuery{Email: "carl@example.com"})
	if len(outside.Items) != 0 {
		t.Fatalf("another tenant's e-mail leaked: %+v", outside.Items)
	}
	_, err = e.id.ListEmails(ctx, admin, identity.EmailQuery{PageQuery: identity.PageQuery{SortBy: "name"}})
	wantField(t, err, "_sortBy")
}

func TestSelfEmailChange(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	e.user(t, "bob@example.com")
	p := e.me(t, "ann@example.com")

	wantCode(t, e.id.RequestMyEmailChange(ctx, p, "Bob@example.com"), identity.CodeEmailTaken)
	wantField(t, e.id.RequestMyEmailChange(ctx, p, "ann@example.com"), "email")
	wantField(t, e.id.RequestMyEmailChange(ctx, p, "nope"), "email")
	if err := e.id.RequestMyEmailChange(ctx, p, "Ann.New@example.com"); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, "ann.new@example.com")
	// Nothing changes before the code comes back.
	if u, _ := e.id.GetUser(ctx, ann.ID); u.Email != "ann@example.com" {
		t.Fatalf("e-mail changed before verification: %s", u.Email)
	}
	wantField(t, e.id.ConfirmMyEmailChange(ctx, p, "ann.new@example.com", wrongCode(code)), "code")
	wantField(t, e.id.ConfirmMyEmailChange(ctx, p, "other@example.com", code), "code")
	if err := e.id.ConfirmMyEmailChange(ctx, p, "ann.new@example.com", code); err != nil {
		t.Fatalf("ConfirmMyEmailChange: %v", err)
	}
	u, _ := e.id.GetUser(ctx, ann.ID)
	if u.Email != "ann.new@example.com" || !u.Verified {
		t.Fatalf("user after change = %s verified %v", u.Email, u.Verified)
	}
	if e.sentTo("email", "ann@example.com") != 1 {
		t.Fatal("the old address was not told of the change")
	}
	// Single use.
	wantField(t, e.id.ConfirmMyEmailChange(ctx, p, "ann.new@example.com", code), "code")
	e.login(t, "ann.new@example.com")
	list, _ := e.id.MyEmails(ctx, p)
	if len(list) != 1 {
		t.Fatalf("the old address stayed: %+v", list)
	}
}

func TestSelfEmailChangeExpiresAndTargetTaken(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	bob := e.user(t, "bob@example.com")
	p := e.me(t, "ann@example.com")
	if err := e.id.RequestMyEmailChange(ctx, p, "later@example.com"); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, "later@example.com")
	e.clock.Advance(identity.VerificationCodeTTL)
	wantField(t, e.id.ConfirmMyEmailChange(ctx, p, "later@example.com", code), "code")

	// An address taken between request and confirmation is a conflict.
	if err := e.id.RequestMyEmailChange(ctx, p, "race@example.com"); err != nil {
		t.Fatal(err)
	}
	code = e.lastCode(t, "race@example.com")
	if _, err := e.id.ChangeUserEmail(ctx, bob.ID, "race@example.com"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.id.ConfirmMyEmailChange(ctx, p, "race@example.com", code), identity.CodeEmailTaken)
}

func TestChangeUserEmail(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	e.user(t, "bob@example.com")
	u, err := e.id.ChangeUserEmail(ctx, ann.ID, "Ann2@Example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ann2@example.com" || u.ID != ann.ID {
		t.Fatalf("ChangeUserEmail = %+v", u)
	}
	e.login(t, "ann2@example.com")
	_, err = e.id.ChangeUserEmail(ctx, ann.ID, "bob@example.com")
	wantCode(t, err, identity.CodeEmailTaken)
	_, err = e.id.ChangeUserEmail(ctx, ann.ID, "bad")
	wantField(t, err, "email")
	_, err = e.id.ChangeUserEmail(ctx, "no-such-user", "x@example.com")
	wantErr(t, err, identity.ErrNotFound)
	// An additional address of the user moves to primary.
	if _, err := e.id.AddUserEmail(ctx, ann.ID, identity.AddUserEmailInput{Email: "alt@example.com", IsVerified: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.ChangeUserEmail(ctx, ann.ID, "alt@example.com"); err != nil {
		t.Fatal(err)
	}
	list, _ := e.id.MyEmails(ctx, e.me(t, "alt@example.com"))
	if len(list) != 1 || list[0].Email != "alt@example.com" {
		t.Fatalf("e-mails after moving an additional address = %+v", list)
	}
}
