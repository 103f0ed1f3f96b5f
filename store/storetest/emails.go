package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newUserEmail returns an unsaved, verified additional e-mail of u with a
// unique mixed-case address.
func (f *fx) newUserEmail(u *store.User) *store.UserEmail {
	id := next("email")
	now := f.now()
	return &store.UserEmail{
		ID:        id,
		EnvID:     u.EnvID,
		UserID:    u.ID,
		Email:     "Extra." + id + "@Example.NET",
		Verified:  true,
		CreatedAt: now,
		UpdatedAt: now.Add(3 * time.Millisecond),
	}
}

// userEmail adds and returns an additional e-mail of u.
func (f *fx) userEmail(u *store.User) *store.UserEmail {
	f.t.Helper()
	e := f.newUserEmail(u)
	must(f.t, "AddUserEmail", f.s.AddUserEmail(f.ctx, e))
	return e
}

// primaryEntry is the listing entry of u's primary e-mail.
func primaryEntry(u *store.User) store.UserEmail {
	return store.UserEmail{ID: u.ID, EnvID: u.EnvID, UserID: u.ID, Email: u.Email, Verified: u.Verified,
		Primary: true, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// emailIDs is the ids of a listing; primary entries are "primary:<user>".
func emailIDs(es []store.UserEmail) []string {
	return ids(es, func(e *store.UserEmail) string {
		if e.Primary {
			return "primary:" + e.UserID
		}
		return e.ID
	})
}

// wantEmails fails unless the listing of u's e-mails is want.
func (f *fx) wantEmails(t *testing.T, what string, u *store.User, want ...store.UserEmail) {
	t.Helper()
	got, err := f.s.ListUserEmails(f.ctx, u.EnvID, u.ID)
	must(t, what+": ListUserEmails", err)
	if got == nil {
		t.Fatalf("%s: ListUserEmails returned nil, want a non-nil slice", what)
	}
	equalIDs(t, what+": ListUserEmails", emailIDs(got), emailIDs(want))
	for i := range got {
		equal(t, what+": ListUserEmails entry", &got[i], &want[i])
	}
}

var userEmailTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		em := f.newUserEmail(u)
		em.Primary = true // ignored: a stored e-mail is never primary
		must(t, "AddUserEmail", f.s.AddUserEmail(f.ctx, em))
		want := clone(em)
		want.Primary = false
		got, err := f.s.GetUserEmail(f.ctx, e.ID, em.ID)
		must(t, "GetUserEmail", err)
		equal(t, "GetUserEmail", got, want)
		got, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, strings.ToUpper(em.Email))
		must(t, "GetUserEmailByAddress(other case)", err)
		equal(t, "GetUserEmailByAddress", got, want)

		upd := clone(want)
		upd.Email = "Changed." + em.ID + "@example.org"
		upd.Verified = false
		upd.UserID = "someone-else" // the owner never changes
		upd.UpdatedAt = at(time.Hour + 7*time.Microsecond)
		must(t, "UpdateUserEmail", f.s.UpdateUserEmail(f.ctx, upd))
		wantUpd := clone(upd)
		wantUpd.UserID = u.ID
		got, err = f.s.GetUserEmail(f.ctx, e.ID, em.ID)
		must(t, "GetUserEmail after update", err)
		equal(t, "updated e-mail", got, wantUpd)
		got, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, upd.Email)
		must(t, "GetUserEmailByAddress(new address)", err)
		equal(t, "updated e-mail by new address", got, wantUpd)
		_, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, em.Email)
		wantErr(t, "GetUserEmailByAddress(old address)", err, store.ErrNotFound)
		f.wantEmails(t, "after update", u, primaryEntry(u), *wantUpd)

		must(t, "DeleteUserEmail", f.s.DeleteUserEmail(f.ctx, e.ID, em.ID))
		_, err = f.s.GetUserEmail(f.ctx, e.ID, em.ID)
		wantErr(t, "GetUserEmail(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, upd.Email)
		wantErr(t, "GetUserEmailByAddress(deleted)", err, store.ErrNotFound)
		f.wantEmails(t, "after delete", u, primaryEntry(u))
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.user(e.ID)
		em := f.userEmail(u)
		want := clone(em)

		_, err := f.s.GetUserEmail(f.ctx, e.ID, "missing")
		wantErr(t, "GetUserEmail(missing)", err, store.ErrNotFound)
		_, err = f.s.GetUserEmail(f.ctx, other.ID, em.ID)
		wantErr(t, "GetUserEmail(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, "nobody@example.com")
		wantErr(t, "GetUserEmailByAddress(missing)", err, store.ErrNotFound)
		_, err = f.s.GetUserEmailByAddress(f.ctx, other.ID, em.Email)
		wantErr(t, "GetUserEmailByAddress(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, "")
		wantErr(t, `GetUserEmailByAddress("")`, err, store.ErrNotFound)
		// Primary addresses are found with GetUserByEmail only.
		_, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, u.Email)
		wantErr(t, "GetUserEmailByAddress(primary address)", err, store.ErrNotFound)

		missing := f.newUserEmail(u)
		wantErr(t, "UpdateUserEmail(missing)", f.s.UpdateUserEmail(f.ctx, missing), store.ErrNotFound)
		moved := clone(em)
		moved.EnvID = other.ID
		moved.Verified = false
		wantErr(t, "UpdateUserEmail(other environment)", f.s.UpdateUserEmail(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeleteUserEmail(missing)", f.s.DeleteUserEmail(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeleteUserEmail(other environment)", f.s.DeleteUserEmail(f.ctx, other.ID, em.ID), store.ErrNotFound)
		// The user must exist, in the e-mail's environment.
		orphan := f.newUserEmail(u)
		orphan.UserID = "missing"
		wantErr(t, "AddUserEmail(missing user)", f.s.AddUserEmail(f.ctx, orphan), store.ErrNotFound)
		elsewhere := f.newUserEmail(u)
		elsewhere.EnvID = other.ID
		wantErr(t, "AddUserEmail(user of another environment)", f.s.AddUserEmail(f.ctx, elsewhere), store.ErrNotFound)
		f.wantEmails(t, "after refused calls", u, primaryEntry(u), *want)

		list, err := f.s.ListUserEmails(f.ctx, e.ID, "missing")
		must(t, "ListUserEmails(missing user)", err)
		if len(list) != 0 {
			t.Fatalf("ListUserEmails(missing user) = %v", list)
		}
		list, err = f.s.ListUserEmails(f.ctx, other.ID, u.ID)
		must(t, "ListUserEmails(other environment)", err)
		if len(list) != 0 {
			t.Fatalf("ListUserEmails(other environment) = %v", list)
		}
	}},
	{"UniqueAcrossUsers", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u1, u2 := f.user(e.ID), f.user(e.ID)
		b := f.userEmail(u1)
		c := f.userEmail(u2)

		// u1's primary address is taken for everyone, u1 included.
		dup := f.newUserEmail(u2)
		dup.Email = strings.ToUpper(u1.Email)
		wantErr(t, "AddUserEmail(another user's primary e-mail)", f.s.AddUserEmail(f.ctx, dup), store.ErrConflict)
		dup.UserID = u1.ID
		wantErr(t, "AddUserEmail(own primary e-mail)", f.s.AddUserEmail(f.ctx, dup), store.ErrConflict)
		// So is u1's additional address.
		dup = f.newUserEmail(u2)
		dup.Email = strings.ToLower(b.Email)
		wantErr(t, "AddUserEmail(another user's additional e-mail)", f.s.AddUserEmail(f.ctx, dup), store.ErrConflict)
		dup.UserID = u1.ID
		wantErr(t, "AddUserEmail(own additional e-mail again)", f.s.AddUserEmail(f.ctx, dup), store.ErrConflict)
		// Ids are unique.
		dup = f.newUserEmail(u2)
		dup.ID = b.ID
		wantErr(t, "AddUserEmail(same id)", f.s.AddUserEmail(f.ctx, dup), store.ErrConflict)
		// A changed additional address obeys the same rule.
		cUpd := clone(c)
		cUpd.Email = strings.ToUpper(b.Email)
		wantErr(t, "UpdateUserEmail(another user's additional e-mail)", f.s.UpdateUserEmail(f.ctx, cUpd), store.ErrConflict)
		cUpd.Email = u1.Email
		wantErr(t, "UpdateUserEmail(another user's primary e-mail)", f.s.UpdateUserEmail(f.ctx, cUpd), store.ErrConflict)
		cUpd.Email = u2.Email
		wantErr(t, "UpdateUserEmail(own primary e-mail)", f.s.UpdateUserEmail(f.ctx, cUpd), store.ErrConflict)
		// Users' primary e-mails may not take an additional address either.
		nu := f.newUser(e.ID)
		nu.Email = strings.ToLower(b.Email)
		wantErr(t, "CreateUser(an additional e-mail)", f.s.CreateUser(f.ctx, nu), store.ErrConflict)
		_, err := f.s.GetUser(f.ctx, e.ID, nu.ID)
		wantErr(t, "GetUser(rejected user)", err, store.ErrNotFound)
		u2Upd := clone(u2)
		u2Upd.Email = b.Email
		u2Upd.Name = "should not be saved"
		wantErr(t, "UpdateUser(another user's additional e-mail)", f.s.UpdateUser(f.ctx, u2Upd), store.ErrConflict)
		u2Upd.Email = strings.ToUpper(c.Email)
		wantErr(t, "UpdateUser(own additional e-mail)", f.s.UpdateUser(f.ctx, u2Upd), store.ErrConflict)
		f.userByAll(t, "u2 after refused changes", u2, u2)
		f.wantEmails(t, "u1 after refused changes", u1, primaryEntry(u1), *b)
		f.wantEmails(t, "u2 after refused changes", u2, primaryEntry(u2), *c)

		// Keeping one's own address (re-cased) is not a conflict.
		bUpd := clone(b)
		bUpd.Email = strings.ToLower(b.Email)
		bUpd.Verified = false
		must(t, "UpdateUserEmail(own address re-cased)", f.s.UpdateUserEmail(f.ctx, bUpd))
		u1Upd := clone(u1)
		u1Upd.Name = "renamed"
		must(t, "UpdateUser(same e-mail)", f.s.UpdateUser(f.ctx, u1Upd))

		// Every address is free in another environment.
		ou := f.user(other.ID)
		for _, addr := range []string{u1.Email, b.Email, c.Email} {
			x := f.newUserEmail(ou)
			x.Email = addr
			must(t, "AddUserEmail(address of another environment)", f.s.AddUserEmail(f.ctx, x))
		}

		// A deleted address is free again, as primary or additional.
		must(t, "DeleteUserEmail", f.s.DeleteUserEmail(f.ctx, e.ID, b.ID))
		again := f.newUserEmail(u2)
		again.Email = b.Email
		must(t, "AddUserEmail(freed address)", f.s.AddUserEmail(f.ctx, again))
		must(t, "DeleteUserEmail", f.s.DeleteUserEmail(f.ctx, e.ID, again.ID))
		nu.Email = b.Email
		must(t, "CreateUser(freed address)", f.s.CreateUser(f.ctx, nu))
		// A primary address freed by UpdateUser may become additional.
		u1Moved := clone(u1Upd)
		u1Moved.Email = "moved-" + u1.ID + "@example.com"
		must(t, "UpdateUser(new e-mail)", f.s.UpdateUser(f.ctx, u1Moved))
		freed := f.newUserEmail(u2)
		freed.Email = u1.Email
		must(t, "AddUserEmail(freed primary address)", f.s.AddUserEmail(f.ctx, freed))
	}},
	{"SwapPrimaryInTx", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		b := f.userEmail(u)
		// The primary and an additional address trade places atomically.
		swapped := clone(u)
		swapped.Email = b.Email
		swapped.UpdatedAt = at(2 * time.Hour)
		demoted := &store.UserEmail{ID: next("email"), EnvID: e.ID, UserID: u.ID, Email: u.Email, Verified: true,
			CreatedAt: at(2 * time.Hour), UpdatedAt: at(2 * time.Hour)}
		swap := func(tx store.Store) error {
			if err := tx.DeleteUserEmail(f.ctx, e.ID, b.ID); err != nil {
				return err
			}
			if err := tx.UpdateUser(f.ctx, swapped); err != nil {
				return err
			}
			return tx.AddUserEmail(f.ctx, demoted)
		}
		// Rolled back, nothing changes.
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := swap(tx); err != nil {
				return err
			}
			return errRollback
		})
		wantErr(t, "InTx(rolled back swap)", err, errRollback)
		f.wantEmails(t, "after rolled back swap", u, primaryEntry(u), *b)
		f.userByAll(t, "user after rolled back swap", u, u)

		must(t, "InTx(swap)", f.s.InTx(f.ctx, swap))
		f.wantEmails(t, "after swap", swapped, primaryEntry(swapped), *demoted)
		f.userByAll(t, "user after swap", swapped, swapped)
		got, err := f.s.GetUserEmailByAddress(f.ctx, e.ID, u.Email)
		must(t, "GetUserEmailByAddress(old primary)", err)
		equal(t, "old primary, now additional", got, demoted)
	}},
	{"ListUserEmails", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		// Added out of creation order: the listing orders by CreatedAt.
		late := f.newUserEmail(u)
		early := f.newUserEmail(u)
		early.CreatedAt = late.CreatedAt.Add(-time.Minute)
		early.Verified = false
		must(t, "AddUserEmail(late)", f.s.AddUserEmail(f.ctx, late))
		must(t, "AddUserEmail(early)", f.s.AddUserEmail(f.ctx, early))
		vb := f.userEmail(v)
		f.wantEmails(t, "u", u, primaryEntry(u), *early, *late)
		f.wantEmails(t, "v", v, primaryEntry(v), *vb)

		// A user without a primary e-mail lists only its additional ones;
		// an unverified user's primary entry is unverified.
		noMail := f.newUser(e.ID)
		noMail.Email = ""
		must(t, "CreateUser(no e-mail)", f.s.CreateUser(f.ctx, noMail))
		f.wantEmails(t, "user without e-mail", noMail)
		nb := f.userEmail(noMail)
		f.wantEmails(t, "user without primary e-mail", noMail, *nb)
		unverified := f.newUser(e.ID)
		must(t, "CreateUser(unverified)", f.s.CreateUser(f.ctx, unverified))
		entry := primaryEntry(unverified)
		if entry.Verified {
			t.Fatal("fixture user is verified")
		}
		f.wantEmails(t, "unverified user", unverified, entry)
		verified := clone(unverified)
		verified.Verified = true
		verified.UpdatedAt = at(3 * time.Hour)
		must(t, "UpdateUser(verified)", f.s.UpdateUser(f.ctx, verified))
		f.wantEmails(t, "verified user", verified, primaryEntry(verified))
	}},
	{"ListEmails", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		var users []*store.User
		for range 3 {
			users = append(users, f.user(e.ID))
		}
		byID := map[string][]store.UserEmail{}
		for _, u := range users {
			byID[u.ID] = []store.UserEmail{primaryEntry(u), *f.userEmail(u), *f.userEmail(u)}
		}
		ou := f.user(other.ID)
		f.userEmail(ou)

		sorted := slices.Clone(users)
		slices.SortFunc(sorted, func(a, b *store.User) int { return strings.Compare(a.ID, b.ID) })
		var all []store.UserEmail
		for _, u := range sorted {
			all = append(all, byID[u.ID]...)
		}
		check := func(what string, flt store.EmailFilter, want []store.UserEmail) {
			t.Helper()
			got, err := f.s.ListEmails(f.ctx, e.ID, flt)
			must(t, what, err)
			if got == nil {
				t.Fatalf("%s returned nil, want a non-nil slice", what)
			}
			equalIDs(t, what, emailIDs(got), emailIDs(want))
			for i := range got {
				equal(t, what, &got[i], &want[i])
			}
		}
		check("ListEmails(all)", store.EmailFilter{}, all)
		u1 := users[1]
		check("ListEmails(primary address, other case)", store.EmailFilter{Email: strings.ToUpper(u1.Email)}, byID[u1.ID][:1])
		add := byID[u1.ID][2]
		check("ListEmails(additional address)", store.EmailFilter{Email: strings.ToLower(add.Email)}, []store.UserEmail{add})
		check("ListEmails(unknown address)", store.EmailFilter{Email: "nobody@example.com"}, nil)
		check("ListEmails(one user)", store.EmailFilter{UserIDs: []string{u1.ID}}, byID[u1.ID])
		check("ListEmails(no users)", store.EmailFilter{UserIDs: []string{}}, nil)
		check("ListEmails(user of another environment)", store.EmailFilter{UserIDs: []string{ou.ID}}, nil)
		check("ListEmails(user and address)", store.EmailFilter{UserIDs: []string{u1.ID, users[0].ID}, Email: add.Email}, []store.UserEmail{add})
		check("ListEmails(address of another user)", store.EmailFilter{UserIDs: []string{users[0].ID}, Email: add.Email}, nil)
	}},
	{"DeleteUserCascades", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		b := f.userEmail(u)
		vb := f.userEmail(v)
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		_, err := f.s.GetUserEmail(f.ctx, e.ID, b.ID)
		wantErr(t, "GetUserEmail(deleted user's)", err, store.ErrNotFound)
		_, err = f.s.GetUserEmailByAddress(f.ctx, e.ID, b.Email)
		wantErr(t, "GetUserEmailByAddress(deleted user's)", err, store.ErrNotFound)
		list, err := f.s.ListEmails(f.ctx, e.ID, store.EmailFilter{})
		must(t, "ListEmails", err)
		equalIDs(t, "ListEmails after DeleteUser", emailIDs(list), emailIDs([]store.UserEmail{primaryEntry(v), *vb}))
		// Both of the deleted user's addresses are free again.
		for _, addr := range []string{u.Email, b.Email} {
			x := f.newUserEmail(v)
			x.Email = addr
			must(t, "AddUserEmail(deleted user's address)", f.s.AddUserEmail(f.ctx, x))
		}
	}},
	{"ConcurrentSameAddress", func(t *testing.T, f *fx) {
		e := f.env()
		const n = 20
		ems := make([]*store.UserEmail, n)
		for i := range ems {
			ems[i] = f.newUserEmail(f.user(e.ID))
			ems[i].Email = "contested@example.com"
			if i%2 == 1 {
				ems[i].Email = strings.ToUpper(ems[i].Email)
			}
		}
		errs := race(n, func(i int) error { return f.s.AddUserEmail(f.ctx, ems[i]) })
		w := exactlyOne(t, "AddUserEmail with the same address by different users", errs)
		got, err := f.s.GetUserEmailByAddress(f.ctx, e.ID, "Contested@Example.com")
		must(t, "GetUserEmailByAddress", err)
		equal(t, "winner", got, ems[w])
		list, err := f.s.ListEmails(f.ctx, e.ID, store.EmailFilter{Email: "contested@example.com"})
		must(t, "ListEmails", err)
		if len(list) != 1 || list[0].ID != ems[w].ID {
			t.Fatalf("ListEmails(contested) = %v, want only the winner %s", emailIDs(list), ems[w].ID)
		}
	}},
	{"ConcurrentPrimaryAndAdditional", func(t *testing.T, f *fx) {
		// One user takes an address as its primary e-mail while another
		// adds it as an additional one: exactly one wins, again and again.
		e := f.env()
		for round := range 10 {
			addr := "both-" + next("round") + "@example.com"
			owner := f.user(e.ID)
			em := f.newUserEmail(owner)
			em.Email = addr
			nu := f.newUser(e.ID)
			nu.Email = strings.ToUpper(addr)
			errs := race(2, func(i int) error {
				if i == 0 {
					return f.s.AddUserEmail(f.ctx, em)
				}
				return f.s.CreateUser(f.ctx, nu)
			})
			w := exactlyOne(t, "AddUserEmail against CreateUser with the same address", errs)
			list, err := f.s.ListEmails(f.ctx, e.ID, store.EmailFilter{Email: addr})
			must(t, "ListEmails", err)
			if len(list) != 1 || list[0].Primary != (w == 1) {
				t.Fatalf("round %d: ListEmails(%s) = %+v after winner %d", round, addr, list, w)
			}
		}
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		em := f.newUserEmail(u)
		id := em.ID
		checkCopies(t, "UserEmail", em,
			func(x *store.UserEmail) error { return f.s.AddUserEmail(f.ctx, x) },
			func() (*store.UserEmail, error) { return f.s.GetUserEmail(f.ctx, e.ID, id) })
		want, err := f.s.GetUserEmail(f.ctx, e.ID, id)
		must(t, "GetUserEmail", err)
		byAddr, err := f.s.GetUserEmailByAddress(f.ctx, e.ID, want.Email)
		must(t, "GetUserEmailByAddress", err)
		scramble(byAddr)
		list, err := f.s.ListUserEmails(f.ctx, e.ID, u.ID)
		must(t, "ListUserEmails", err)
		scramble(&list[1])
		all, err := f.s.ListEmails(f.ctx, e.ID, store.EmailFilter{})
		must(t, "ListEmails", err)
		for i := range all {
			scramble(&all[i])
		}
		f.wantEmails(t, "after changing returned records", u, primaryEntry(u), *want)

		upd := clone(want)
		upd.Verified = false
		wantUpd := clone(upd)
		must(t, "UpdateUserEmail", f.s.UpdateUserEmail(f.ctx, upd))
		scramble(upd)
		got, err := f.s.GetUserEmail(f.ctx, e.ID, id)
		must(t, "GetUserEmail", err)
		equal(t, "after changing the record passed to UpdateUserEmail", got, wantUpd)
	}},
}
