package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

const annPhone = "+14155550101"

func TestAddAndVerifyPhoneNumber(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")

	created, err := e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: "+1 (415) 555-0101"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.OTCToken == "" {
		t.Fatalf("AddMyPhoneNumber = %+v", created)
	}
	if e.sentTo("sms", annPhone) != 1 {
		t.Fatalf("no SMS to %s", annPhone)
	}
	code := e.lastCode(t, annPhone)
	list, err := e.id.MyPhoneNumbers(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != created.ID || list[0].PhoneNumber != annPhone || list[0].Verified || list[0].UserID != ann.ID {
		t.Fatalf("MyPhoneNumbers = %+v", list)
	}

	_, err = e.id.VerifyMyPhoneNumber(ctx, p, created.OTCToken, wrongCode(code))
	wantField(t, err, "code")
	_, err = e.id.VerifyMyPhoneNumber(ctx, p, "no-such-token", code)
	wantField(t, err, "otcToken")
	_, err = e.id.VerifyMyPhoneNumber(ctx, p, "", code)
	wantField(t, err, "otcToken")
	// Another user cannot use Ann's token.
	e.user(t, "bob@example.com")
	_, err = e.id.VerifyMyPhoneNumber(ctx, e.me(t, "bob@example.com"), created.OTCToken, code)
	wantField(t, err, "otcToken")

	ph, err := e.id.VerifyMyPhoneNumber(ctx, p, created.OTCToken, code)
	if err != nil {
		t.Fatal(err)
	}
	if ph.ID != created.ID || !ph.Verified {
		t.Fatalf("VerifyMyPhoneNumber = %+v", ph)
	}
	// Single use.
	_, err = e.id.VerifyMyPhoneNumber(ctx, p, created.OTCToken, code)
	wantField(t, err, "code")
	// A verified number cannot be added again; a malformed one is refused.
	_, err = e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: annPhone})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: "555-0101"})
	wantField(t, err, "phoneNumber")
}

func TestAddPhoneNumberWithoutVerification(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")
	created, err := e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: annPhone, Verify: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.OTCToken != "" || e.sentTo("sms", annPhone) != 0 {
		t.Fatalf("verify=false: %+v, %d SMS", created, e.sentTo("sms", annPhone))
	}
	list, _ := e.id.MyPhoneNumbers(ctx, p)
	if len(list) != 1 || list[0].Verified {
		t.Fatalf("MyPhoneNumbers = %+v", list)
	}
	// Asking again with verification sends a code for the same entry.
	again, err := e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: annPhone})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != created.ID || again.OTCToken == "" {
		t.Fatalf("second add = %+v", again)
	}
	if _, err := e.id.VerifyMyPhoneNumber(ctx, p, again.OTCToken, e.lastCode(t, annPhone)); err != nil {
		t.Fatal(err)
	}
	list, _ = e.id.MyPhoneNumbers(ctx, p)
	if len(list) != 1 || !list[0].Verified {
		t.Fatalf("MyPhoneNumbers = %+v", list)
	}
}

func TestPreVerifyPhoneNumber(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")
	pre, err := e.id.PreVerifyMyPhoneNumber(ctx, p, annPhone)
	if err != nil {
		t.Fatal(err)
	}
	if pre.OTCToken == "" || pre.ID != "" {
		t.Fatalf("PreVerifyMyPhoneNumber = %+v", pre)
	}
	// Nothing is saved before verification.
	if list, _ := e.id.MyPhoneNumbers(ctx, p); len(list) != 0 {
		t.Fatalf("pre-verified number saved early: %+v", list)
	}
	// A newer code retires the older one.
	first := e.lastCode(t, annPhone)
	pre2, err := e.id.PreVerifyMyPhoneNumber(ctx, p, annPhone)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.VerifyMyPhoneNumber(ctx, p, pre.OTCToken, first)
	wantField(t, err, "code")
	ph, err := e.id.VerifyMyPhoneNumber(ctx, p, pre2.OTCToken, e.lastCode(t, annPhone))
	if err != nil {
		t.Fatal(err)
	}
	if !ph.Verified || ph.PhoneNumber != annPhone {
		t.Fatalf("verified number = %+v", ph)
	}
	_, err = e.id.PreVerifyMyPhoneNumber(ctx, p, annPhone)
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.PreVerifyMyPhoneNumber(ctx, p, "12")
	wantField(t, err, "phoneNumber")
}

func TestPhoneCodeExpiryAndAttempts(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	e.user(t, "ann@example.com")
	p := e.me(t, "ann@example.com")

	// Valid until just before the TTL, not at it.
	pre, _ := e.id.PreVerifyMyPhoneNumber(ctx, p, annPhone)
	code := e.lastCode(t, annPhone)
	e.clock.Advance(identity.VerificationCodeTTL)
	_, err := e.id.VerifyMyPhoneNumber(ctx, p, pre.OTCToken, code)
	wantField(t, err, "code")
	pre, _ = e.id.PreVerifyMyPhoneNumber(ctx, p, annPhone)
	code = e.lastCode(t, annPhone)
	e.clock.Advance(identity.VerificationCodeTTL - time.Second)
	if _, err := e.id.VerifyMyPhoneNumber(ctx, p, pre.OTCToken, code); err != nil {
		t.Fatalf("code one second before expiry: %v", err)
	}

	// The attempt limit ends a code.
	const other = "+14155550102"
	pre, _ = e.id.PreVerifyMyPhoneNumber(ctx, p, other)
	code = e.lastCode(t, other)
	for i := 1; i < identity.MaxCodeAttempts; i++ {
		_, err = e.id.VerifyMyPhoneNumber(ctx, p, pre.OTCToken, wrongCode(code))
		wantField(t, err, "code")
	}
	_, err = e.id.VerifyMyPhoneNumber(ctx, p, pre.OTCToken, wrongCode(code))
	wantErr(t, err, identity.ErrTooManyAttempts)
	_, err = e.id.VerifyMyPhoneNumber(ctx, p, pre.OTCToken, code)
	wantField(t, err, "code")
	if list, _ := e.id.MyPhoneNumbers(ctx, p); len(list) != 1 {
		t.Fatalf("numbers after the attempt limit = %+v", list)
	}
}

func TestDeletePhoneNumber(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	e.user(t, "bob@example.com")
	p, bob := e.me(t, "ann@example.com"), e.me(t, "bob@example.com")
	verified, err := e.id.AddUserPhoneNumber(ctx, ann.ID, annPhone)
	if err != nil {
		t.Fatal(err)
	}
	unverified, err := e.id.AddMyPhoneNumber(ctx, p, identity.AddPhoneNumberInput{PhoneNumber: "+14155550109", Verify: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	// Bob cannot touch Ann's numbers.
	_, err = e.id.DeleteMyPhoneNumber(ctx, bob, verified.ID)
	wantErr(t, err, identity.ErrNotFound)
	// An unverified number goes at once.
	del, err := e.id.DeleteMyPhoneNumber(ctx, p, unverified.ID)
	if err != nil {
		t.Fatal(err)
	}
	if del.PhoneID != unverified.ID || del.OTCToken != "" {
		t.Fatalf("deleting an unverified number = %+v", del)
	}
	// A verified one needs the code texted to it.
	del, err = e.id.DeleteMyPhoneNumber(ctx, p, verified.ID)
	if err != nil {
		t.Fatal(err)
	}
	if del.PhoneID != verified.ID || del.OTCToken == "" {
		t.Fatalf("deleting a verified number = %+v", del)
	}
	code := e.lastCode(t, annPhone)
	if list, _ := e.id.MyPhoneNumbers(ctx, p); len(list) != 1 {
		t.Fatalf("number deleted before verification: %+v", list)
	}
	wantField(t, e.id.VerifyDeleteMyPhoneNumber(ctx, p, verified.ID, del.OTCToken, wrongCode(code)), "code")
	wantErr(t, e.id.VerifyDeleteMyPhoneNumber(ctx, bob, verified.ID, del.OTCToken, code), identity.ErrNotFound)
	// A code for adding a number does not delete one.
	pre, _ := e.id.PreVerifyMyPhoneNumber(ctx, p, "+14155550107")
	wantField(t, e.id.VerifyDeleteMyPhoneNumber(ctx, p, verified.ID, pre.OTCToken, e.lastCode(t, "+14155550107")), "otcToken")
	if err := e.id.VerifyDeleteMyPhoneNumber(ctx, p, verified.ID, del.OTCToken, code); err != nil {
		t.Fatal(err)
	}
	if list, _ := e.id.MyPhoneNumbers(ctx, p); len(list) != 0 {
		t.Fatalf("numbers after delete = %+v", list)
	}
	wantErr(t, e.id.VerifyDeleteMyPhoneNumber(ctx, p, verified.ID, del.OTCToken, code), identity.ErrNotFound)
}

func TestVendorPhoneNumbers(t *testing.T) {
	ctx := context.Background()
	e := newIdentifiersEnv(t)
	ann := e.user(t, "ann@example.com")
	bob := e.user(t, "bob@example.com")
	ph, err := e.id.AddUserPhoneNumber(ctx, ann.ID, annPhone)
	if err != nil {
		t.Fatal(err)
	}
	if !ph.Verified || e.sentTo("sms", annPhone) != 0 {
		t.Fatalf("vendor number = %+v", ph)
	}
	_, err = e.id.AddUserPhoneNumber(ctx, ann.ID, annPhone)
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.AddUserPhoneNumber(ctx, ann.ID, "nope")
	wantField(t, err, "phoneNumber")
	_, err = e.id.AddUserPhoneNumber(ctx, "no-such-user", annPhone)
	wantErr(t, err, identity.ErrNotFound)
	// Two users may share a number.
	bobs, err := e.id.AddUserPhoneNumber(ctx, bob.ID, annPhone)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AddUserPhoneNumber(ctx, bob.ID, "+14155550199"); err != nil {
		t.Fatal(err)
	}

	all, err := e.id.ListPhoneNumbers(ctx, identity.PhoneNumberQuery{PageQuery: identity.PageQuery{SortBy: "phoneNumber", Order: "DESC"}})
	if err != nil {
		t.Fatal(err)
	}
	if all.Metadata.TotalItems != 3 || all.Items[0].PhoneNumber != "+14155550199" {
		t.Fatalf("ListPhoneNumbers = %+v", all)
	}
	byNumber, _ := e.id.ListPhoneNumbers(ctx, identity.PhoneNumberQuery{PhoneNumber: "+1 415 555 0101"})
	if byNumber.Metadata.TotalItems != 2 {
		t.Fatalf("by number = %+v", byNumber.Items)
	}
	byUser, _ := e.id.ListPhoneNumbersV2(ctx, identity.PhoneNumberQuery{UserIDs: []string{ann.ID}})
	if len(byUser.Items) != 1 || byUser.Items[0].ID != ph.ID {
		t.Fatalf("v2 by user = %+v", byUser.Items)
	}
	_, err = e.id.ListPhoneNumbersV2(ctx, identity.PhoneNumberQuery{PageQuery: identity.PageQuery{Limit: 251}})
	wantField(t, err, "_limit")
	_, err = e.id.ListPhoneNumbers(ctx, identity.PhoneNumberQuery{PhoneNumber: "x"})
	wantField(t, err, "_phoneNumber")
	_, err = e.id.ListPhoneNumbers(ctx, identity.PhoneNumberQuery{PageQuery: identity.PageQuery{SortBy: "createdAt"}})
	wantField(t, err, "_sortBy")

	wantErr(t, e.id.DeleteUserPhoneNumber(ctx, ann.ID, bobs.ID), identity.ErrNotFound)
	if err := e.id.DeleteUserPhoneNumber(ctx, bob.ID, bobs.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteUserPhoneNumber(ctx, bob.ID, bobs.ID), identity.ErrNotFound)
	left, _ := e.id.ListPhoneNumbers(ctx, identity.PhoneNumberQuery{})
	if left.Metadata.TotalItems != 2 {
		t.Fatalf("after vendor delete = %+v", left.Items)
	}
}
