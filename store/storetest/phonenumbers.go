package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newPhone returns an unsaved, verified phone number of u.
func (f *fx) newPhone(u *store.User) *store.UserPhoneNumber {
	now := f.now()
	return &store.UserPhoneNumber{
		ID:          next("phone"),
		EnvID:       u.EnvID,
		UserID:      u.ID,
		PhoneNumber: nextPhone(),
		Verified:    true,
		CreatedAt:   now,
		UpdatedAt:   now.Add(5 * time.Millisecond),
	}
}

// phone creates and returns a phone number of u.
func (f *fx) phone(u *store.User) *store.UserPhoneNumber {
	f.t.Helper()
	p := f.newPhone(u)
	must(f.t, "CreatePhoneNumber", f.s.CreatePhoneNumber(f.ctx, p))
	return p
}

// nextPhone returns a fresh E.164 number; it is safe for concurrent use.
func nextPhone() string { return fmt.Sprintf("+1555%07d", seq.Add(1)%10000000) }

func phoneIDs(ps []store.UserPhoneNumber) []string {
	return ids(ps, func(p *store.UserPhoneNumber) string { return p.ID })
}

// wantPhones fails unless got equals want, record by record.
func wantPhones(t *testing.T, what string, got []store.UserPhoneNumber, err error, want ...*store.UserPhoneNumber) {
	t.Helper()
	must(t, what, err)
	if got == nil {
		t.Fatalf("%s returned nil, want a non-nil slice", what)
	}
	w := make([]store.UserPhoneNumber, len(want))
	for i, p := range want {
		w[i] = *p
	}
	equalIDs(t, what, phoneIDs(got), phoneIDs(w))
	for i := range got {
		equal(t, what, &got[i], &w[i])
	}
}

var phoneNumberTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		p := f.newPhone(u)
		allSet(t, p)
		want := clone(p)
		must(t, "CreatePhoneNumber", f.s.CreatePhoneNumber(f.ctx, p))
		got, err := f.s.GetPhoneNumber(f.ctx, e.ID, p.ID)
		must(t, "GetPhoneNumber", err)
		equal(t, "GetPhoneNumber", got, want)

		upd := clone(want)
		upd.PhoneNumber = nextPhone()
		upd.Verified = false
		upd.UserID = "someone-else" // the owner never changes
		upd.UpdatedAt = at(time.Hour + 3*time.Microsecond)
		must(t, "UpdatePhoneNumber", f.s.UpdatePhoneNumber(f.ctx, upd))
		wantUpd := clone(upd)
		wantUpd.UserID = u.ID
		got, err = f.s.GetPhoneNumber(f.ctx, e.ID, p.ID)
		must(t, "GetPhoneNumber after update", err)
		equal(t, "updated phone number", got, wantUpd)
		list, err := f.s.ListUserPhoneNumbers(f.ctx, e.ID, u.ID)
		wantPhones(t, "ListUserPhoneNumbers", list, err, wantUpd)

		must(t, "DeletePhoneNumber", f.s.DeletePhoneNumber(f.ctx, e.ID, p.ID))
		_, err = f.s.GetPhoneNumber(f.ctx, e.ID, p.ID)
		wantErr(t, "GetPhoneNumber(deleted)", err, store.ErrNotFound)
		list, err = f.s.ListUserPhoneNumbers(f.ctx, e.ID, u.ID)
		wantPhones(t, "ListUserPhoneNumbers after delete", list, err)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.user(e.ID)
		p := f.phone(u)
		want := clone(p)
		_, err := f.s.GetPhoneNumber(f.ctx, e.ID, "missing")
		wantErr(t, "GetPhoneNumber(missing)", err, store.ErrNotFound)
		_, err = f.s.GetPhoneNumber(f.ctx, other.ID, p.ID)
		wantErr(t, "GetPhoneNumber(other environment)", err, store.ErrNotFound)
		wantErr(t, "UpdatePhoneNumber(missing)", f.s.UpdatePhoneNumber(f.ctx, f.newPhone(u)), store.ErrNotFound)
		moved := clone(p)
		moved.EnvID = other.ID
		moved.Verified = false
		wantErr(t, "UpdatePhoneNumber(other environment)", f.s.UpdatePhoneNumber(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeletePhoneNumber(missing)", f.s.DeletePhoneNumber(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeletePhoneNumber(other environment)", f.s.DeletePhoneNumber(f.ctx, other.ID, p.ID), store.ErrNotFound)
		orphan := f.newPhone(u)
		orphan.UserID = "missing"
		wantErr(t, "CreatePhoneNumber(missing user)", f.s.CreatePhoneNumber(f.ctx, orphan), store.ErrNotFound)
		elsewhere := f.newPhone(u)
		elsewhere.EnvID = other.ID
		wantErr(t, "CreatePhoneNumber(user of another environment)", f.s.CreatePhoneNumber(f.ctx, elsewhere), store.ErrNotFound)
		list, err := f.s.ListUserPhoneNumbers(f.ctx, e.ID, u.ID)
		wantPhones(t, "ListUserPhoneNumbers after refused calls", list, err, want)
		list, err = f.s.ListUserPhoneNumbers(f.ctx, other.ID, u.ID)
		wantPhones(t, "ListUserPhoneNumbers(other environment)", list, err)
		list, err = f.s.ListUserPhoneNumbers(f.ctx, e.ID, "missing")
		wantPhones(t, "ListUserPhoneNumbers(missing user)", list, err)
	}},
	{"Conflict", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		p, q := f.phone(u), f.phone(u)
		dup := f.newPhone(u)
		dup.ID = p.ID
		wantErr(t, "CreatePhoneNumber(same id)", f.s.CreatePhoneNumber(f.ctx, dup), store.ErrConflict)
		dup = f.newPhone(u)
		dup.PhoneNumber = p.PhoneNumber
		wantErr(t, "CreatePhoneNumber(number the user has)", f.s.CreatePhoneNumber(f.ctx, dup), store.ErrConflict)
		qUpd := clone(q)
		qUpd.PhoneNumber = p.PhoneNumber
		wantErr(t, "UpdatePhoneNumber(number the user has)", f.s.UpdatePhoneNumber(f.ctx, qUpd), store.ErrConflict)
		list, err := f.s.ListUserPhoneNumbers(f.ctx, e.ID, u.ID)
		wantPhones(t, "after refused calls", list, err, p, q)

		// Another user may hold the same number.
		shared := f.newPhone(v)
		shared.PhoneNumber = p.PhoneNumber
		must(t, "CreatePhoneNumber(another user's number)", f.s.CreatePhoneNumber(f.ctx, shared))
		// A freed number may be taken again.
		must(t, "DeletePhoneNumber", f.s.DeletePhoneNumber(f.ctx, e.ID, p.ID))
		must(t, "UpdatePhoneNumber(freed number)", f.s.UpdatePhoneNumber(f.ctx, qUpd))
		again := f.newPhone(u)
		again.PhoneNumber = q.PhoneNumber
		must(t, "CreatePhoneNumber(number freed by an update)", f.s.CreatePhoneNumber(f.ctx, again))
	}},
	{"List", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		// Created out of creation-time order: listings order by CreatedAt.
		late := f.newPhone(u)
		early := f.newPhone(u)
		early.CreatedAt = late.CreatedAt.Add(-time.Minute)
		early.Verified = false
		must(t, "CreatePhoneNumber(late)", f.s.CreatePhoneNumber(f.ctx, late))
		must(t, "CreatePhoneNumber(early)", f.s.CreatePhoneNumber(f.ctx, early))
		vp := f.phone(v)
		vShared := f.newPhone(v)
		vShared.PhoneNumber = late.PhoneNumber
		must(t, "CreatePhoneNumber(shared)", f.s.CreatePhoneNumber(f.ctx, vShared))
		ou := f.user(other.ID)
		op := f.newPhone(ou)
		op.PhoneNumber = late.PhoneNumber
		must(t, "CreatePhoneNumber(other environment)", f.s.CreatePhoneNumber(f.ctx, op))

		list, err := f.s.ListUserPhoneNumbers(f.ctx, e.ID, u.ID)
		wantPhones(t, "ListUserPhoneNumbers(u)", list, err, early, late)
		list, err = f.s.ListUserPhoneNumbers(f.ctx, e.ID, v.ID)
		wantPhones(t, "ListUserPhoneNumbers(v)", list, err, vp, vShared)

		list, err = f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{})
		wantPhones(t, "ListPhoneNumbers(all)", list, err, early, late, vp, vShared)
		list, err = f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{PhoneNumber: late.PhoneNumber})
		wantPhones(t, "ListPhoneNumbers(number)", list, err, late, vShared)
		list, err = f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{UserIDs: []string{v.ID, "missing"}})
		wantPhones(t, "ListPhoneNumbers(user)", list, err, vp, vShared)
		list, err = f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{UserIDs: []string{}})
		wantPhones(t, "ListPhoneNumbers(no users)", list, err)
		list, err = f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{UserIDs: []string{u.ID}, PhoneNumber: late.PhoneNumber})
		wantPhones(t, "ListPhoneNumbers(user and number)", list, err, late)
		list, err = f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{UserIDs: []string{ou.ID}})
		wantPhones(t, "ListPhoneNumbers(user of another environment)", list, err)
		list, err = f.s.ListPhoneNumbers(f.ctx, other.ID, store.PhoneNumberFilter{})
		wantPhones(t, "ListPhoneNumbers(other environment)", list, err, op)
	}},
	{"DeleteUserCascades", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		p := f.phone(u)
		vp := f.phone(v)
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		_, err := f.s.GetPhoneNumber(f.ctx, e.ID, p.ID)
		wantErr(t, "GetPhoneNumber(deleted user's)", err, store.ErrNotFound)
		list, err := f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{})
		wantPhones(t, "ListPhoneNumbers after DeleteUser", list, err, vp)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		p := f.newPhone(u)
		id := p.ID
		checkCopies(t, "UserPhoneNumber", p,
			func(x *store.UserPhoneNumber) error { return f.s.CreatePhoneNumber(f.ctx, x) },
			func() (*store.UserPhoneNumber, error) { return f.s.GetPhoneNumber(f.ctx, e.ID, id) })
		want, err := f.s.GetPhoneNumber(f.ctx, e.ID, id)
		must(t, "GetPhoneNumber", err)
		list, err := f.s.ListUserPhoneNumbers(f.ctx, e.ID, u.ID)
		must(t, "ListUserPhoneNumbers", err)
		scramble(&list[0])
		all, err := f.s.ListPhoneNumbers(f.ctx, e.ID, store.PhoneNumberFilter{})
		must(t, "ListPhoneNumbers", err)
		scramble(&all[0])
		got, err := f.s.GetPhoneNumber(f.ctx, e.ID, id)
		must(t, "GetPhoneNumber", err)
		equal(t, "after changing listed records", got, want)
		upd := clone(want)
		upd.Verified = false
		wantUpd := clone(upd)
		must(t, "UpdatePhoneNumber", f.s.UpdatePhoneNumber(f.ctx, upd))
		scramble(upd)
		got, err = f.s.GetPhoneNumber(f.ctx, e.ID, id)
		must(t, "GetPhoneNumber", err)
		equal(t, "after changing the record passed to UpdatePhoneNumber", got, wantUpd)
	}},
}
