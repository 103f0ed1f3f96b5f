package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// fullUser returns an unsaved user of envID with every field set (booleans
// true, LastLogin non-nil), active in tenantID.
func (f *fx) fullUser(envID, tenantID string) *store.User {
	u := f.newUser(envID)
	u.PhoneNumber = "+15555550100"
	u.ProfilePictureURL = "https://example.com/p/" + u.ID + ".png"
	u.Provider = "google"
	u.Verified = true
	u.Locked = true
	u.MFABypass = true
	u.SuperUser = true
	u.Invisible = true
	u.Metadata = `{"color":"blue"}`
	u.VendorMetadata = `{"tier":2}`
	u.ExternalID = "ext-" + u.ID
	u.ActiveTenantID = tenantID
	u.CreatedAt = at(10*time.Second + 100001*time.Microsecond)
	u.UpdatedAt = at(11 * time.Second)
	u.LastLogin = ptr(at(12*time.Second + 999*time.Microsecond))
	return u
}

// userByAll fetches u by id, e-mail and username and compares each result
// with want.
func (f *fx) userByAll(t *testing.T, what string, u *store.User, want *store.User) {
	t.Helper()
	got, err := f.s.GetUser(f.ctx, u.EnvID, u.ID)
	must(t, what+": GetUser", err)
	equal(t, what+": GetUser", got, want)
	if u.Email != "" {
		got, err = f.s.GetUserByEmail(f.ctx, u.EnvID, u.Email)
		must(t, what+": GetUserByEmail", err)
		equal(t, what+": GetUserByEmail", got, want)
	}
	if u.Username != "" {
		got, err = f.s.GetUserByUsername(f.ctx, u.EnvID, u.Username)
		must(t, what+": GetUserByUsername", err)
		equal(t, what+": GetUserByUsername", got, want)
	}
}

var userTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		u := f.fullUser(e.ID, tn.ID)
		allSet(t, u)
		want := clone(u)
		must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
		f.userByAll(t, "full user", u, want)

		// Back to zero values: booleans false, optional strings empty,
		// LastLogin nil.
		upd := &store.User{
			ID:        u.ID,
			EnvID:     e.ID,
			Email:     u.Email,
			Username:  u.Username,
			CreatedAt: u.CreatedAt,
			UpdatedAt: at(time.Hour),
		}
		want = clone(upd)
		must(t, "UpdateUser", f.s.UpdateUser(f.ctx, upd))
		f.userByAll(t, "cleared user", upd, want)

		// And nil LastLogin back to non-nil.
		upd.LastLogin = ptr(at(2*time.Hour + 1*time.Microsecond))
		upd.Verified = true
		want = clone(upd)
		must(t, "UpdateUser", f.s.UpdateUser(f.ctx, upd))
		f.userByAll(t, "user with LastLogin set again", upd, want)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.user(e.ID)
		want := clone(u)
		_, err := f.s.GetUser(f.ctx, e.ID, "missing")
		wantErr(t, "GetUser(missing)", err, store.ErrNotFound)
		_, err = f.s.GetUser(f.ctx, other.ID, u.ID)
		wantErr(t, "GetUser(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetUserByEmail(f.ctx, e.ID, "nobody@example.com")
		wantErr(t, "GetUserByEmail(missing)", err, store.ErrNotFound)
		_, err = f.s.GetUserByEmail(f.ctx, other.ID, u.Email)
		wantErr(t, "GetUserByEmail(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetUserByUsername(f.ctx, e.ID, "nobody")
		wantErr(t, "GetUserByUsername(missing)", err, store.ErrNotFound)
		_, err = f.s.GetUserByUsername(f.ctx, other.ID, u.Username)
		wantErr(t, "GetUserByUsername(other environment)", err, store.ErrNotFound)
		// E-mail and username are separate keys.
		_, err = f.s.GetUserByEmail(f.ctx, e.ID, u.Username)
		wantErr(t, "GetUserByEmail(username)", err, store.ErrNotFound)
		_, err = f.s.GetUserByUsername(f.ctx, e.ID, u.Email)
		wantErr(t, "GetUserByUsername(e-mail)", err, store.ErrNotFound)

		wantErr(t, "UpdateUser(missing)", f.s.UpdateUser(f.ctx, f.newUser(e.ID)), store.ErrNotFound)
		wantErr(t, "DeleteUser(missing)", f.s.DeleteUser(f.ctx, e.ID, "missing"), store.ErrNotFound)
		moved := clone(u)
		moved.EnvID = other.ID
		moved.Name = "moved"
		wantErr(t, "UpdateUser(other environment)", f.s.UpdateUser(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeleteUser(other environment)", f.s.DeleteUser(f.ctx, other.ID, u.ID), store.ErrNotFound)
		f.userByAll(t, "user after calls through another environment", u, want)
	}},
	{"EmailUnique", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.newUser(e.ID)
		u.Email = "A@x.io"
		must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
		want := clone(u)

		dup := f.newUser(e.ID)
		dup.Email = "a@X.io"
		wantErr(t, "CreateUser(same e-mail, other case)", f.s.CreateUser(f.ctx, dup), store.ErrConflict)
		_, err := f.s.GetUser(f.ctx, e.ID, dup.ID)
		wantErr(t, "GetUser(rejected user)", err, store.ErrNotFound)
		_, err = f.s.GetUserByUsername(f.ctx, e.ID, dup.Username)
		wantErr(t, "GetUserByUsername(rejected user)", err, store.ErrNotFound)

		dup.Email = "A@x.io"
		wantErr(t, "CreateUser(same e-mail)", f.s.CreateUser(f.ctx, dup), store.ErrConflict)

		// The same e-mail is free in another environment.
		elsewhere := f.newUser(other.ID)
		elsewhere.Email = "a@X.io"
		must(t, "CreateUser(same e-mail, other environment)", f.s.CreateUser(f.ctx, elsewhere))
		got, err := f.s.GetUserByEmail(f.ctx, other.ID, "A@X.IO")
		must(t, "GetUserByEmail(other environment)", err)
		equal(t, "user of other environment", got, elsewhere)
		f.userByAll(t, "original user", u, want)
	}},
	{"UsernameUnique", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.newUser(e.ID)
		u.Username = "Alice"
		must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
		want := clone(u)

		dup := f.newUser(e.ID)
		dup.Username = "aLICE"
		wantErr(t, "CreateUser(same username, other case)", f.s.CreateUser(f.ctx, dup), store.ErrConflict)
		_, err := f.s.GetUserByEmail(f.ctx, e.ID, dup.Email)
		wantErr(t, "GetUserByEmail(rejected user)", err, store.ErrNotFound)

		elsewhere := f.newUser(other.ID)
		elsewhere.Username = "ALICE"
		must(t, "CreateUser(same username, other environment)", f.s.CreateUser(f.ctx, elsewhere))
		f.userByAll(t, "original user", u, want)
	}},
	{"IDUnique", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.user(e.ID)
		want := clone(u)
		dup := f.newUser(e.ID)
		dup.ID = u.ID
		wantErr(t, "CreateUser(same id)", f.s.CreateUser(f.ctx, dup), store.ErrConflict)
		dup.EnvID = other.ID
		wantErr(t, "CreateUser(same id, other environment)", f.s.CreateUser(f.ctx, dup), store.ErrConflict)
		_, err := f.s.GetUserByEmail(f.ctx, e.ID, dup.Email)
		wantErr(t, "GetUserByEmail(rejected user)", err, store.ErrNotFound)
		_, err = f.s.GetUserByEmail(f.ctx, other.ID, dup.Email)
		wantErr(t, "GetUserByEmail(rejected user, other environment)", err, store.ErrNotFound)
		f.userByAll(t, "original user", u, want)
	}},
	{"EmptyEmailAndUsername", func(t *testing.T, f *fx) {
		e := f.env()
		var recs []*store.User
		for range 2 {
			noEmail := f.newUser(e.ID)
			noEmail.Email = ""
			must(t, "CreateUser(no e-mail)", f.s.CreateUser(f.ctx, noEmail))
			noName := f.newUser(e.ID)
			noName.Username = ""
			must(t, "CreateUser(no username)", f.s.CreateUser(f.ctx, noName))
			recs = append(recs, noEmail, noName)
		}
		for _, u := range recs {
			f.userByAll(t, "user with an empty key", u, u)
		}
		_, err := f.s.GetUserByEmail(f.ctx, e.ID, "")
		wantErr(t, `GetUserByEmail("")`, err, store.ErrNotFound)
		_, err = f.s.GetUserByUsername(f.ctx, e.ID, "")
		wantErr(t, `GetUserByUsername("")`, err, store.ErrNotFound)

		// Clearing a key on update does not conflict either.
		upd := clone(recs[1])
		upd.Email = ""
		must(t, "UpdateUser(clear e-mail)", f.s.UpdateUser(f.ctx, upd))
		f.userByAll(t, "user with e-mail cleared", upd, upd)
		_, err = f.s.GetUserByEmail(f.ctx, e.ID, recs[1].Email)
		wantErr(t, "GetUserByEmail(cleared e-mail)", err, store.ErrNotFound)
	}},
	{"CaseInsensitiveLookup", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.newUser(e.ID)
		u.Email = "Mixed.Case@Example.Org"
		u.Username = "MixedCase_User"
		must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
		for _, email := range []string{"mixed.case@example.org", "MIXED.CASE@EXAMPLE.ORG", "mIxEd.CaSe@eXaMpLe.OrG"} {
			got, err := f.s.GetUserByEmail(f.ctx, e.ID, email)
			must(t, "GetUserByEmail("+email+")", err)
			// The stored spelling is returned unchanged.
			equal(t, "GetUserByEmail("+email+")", got, u)
		}
		for _, name := range []string{"mixedcase_user", "MIXEDCASE_USER"} {
			got, err := f.s.GetUserByUsername(f.ctx, e.ID, name)
			must(t, "GetUserByUsername("+name+")", err)
			equal(t, "GetUserByUsername("+name+")", got, u)
		}
		_, err := f.s.GetUserByEmail(f.ctx, e.ID, "mixed.case@example.org ")
		wantErr(t, "GetUserByEmail(trailing space)", err, store.ErrNotFound)
		_, err = f.s.GetUserByEmail(f.ctx, e.ID, "mixed.case@example")
		wantErr(t, "GetUserByEmail(prefix)", err, store.ErrNotFound)
	}},
	{"UpdateConflict", func(t *testing.T, f *fx) {
		e := f.env()
		u1, u2 := f.user(e.ID), f.user(e.ID)
		want2 := clone(u2)

		upd := clone(u2)
		upd.Email = strings.ToUpper(u1.Email)
		upd.Name = "should not be saved"
		wantErr(t, "UpdateUser(taken e-mail)", f.s.UpdateUser(f.ctx, upd), store.ErrConflict)
		f.userByAll(t, "user after rejected e-mail change", u2, want2)
		got, err := f.s.GetUserByEmail(f.ctx, e.ID, u1.Email)
		must(t, "GetUserByEmail(u1)", err)
		equal(t, "owner of the e-mail", got, u1)

		upd = clone(u2)
		upd.Username = strings.ToLower(u1.Username)
		upd.Name = "should not be saved"
		wantErr(t, "UpdateUser(taken username)", f.s.UpdateUser(f.ctx, upd), store.ErrConflict)
		f.userByAll(t, "user after rejected username change", u2, want2)

		// Changing the case of one's own e-mail is not a conflict.
		own := clone(u1)
		own.Email = strings.ToLower(u1.Email)
		own.Username = strings.ToUpper(u1.Username)
		must(t, "UpdateUser(own e-mail, other case)", f.s.UpdateUser(f.ctx, own))
		f.userByAll(t, "user with re-cased keys", own, own)

		// A changed e-mail frees the old one and is found under the new.
		moved := clone(own)
		moved.Email = "moved-" + u1.ID + "@example.com"
		must(t, "UpdateUser(new e-mail)", f.s.UpdateUser(f.ctx, moved))
		f.userByAll(t, "user with new e-mail", moved, moved)
		_, err = f.s.GetUserByEmail(f.ctx, e.ID, u1.Email)
		wantErr(t, "GetUserByEmail(old e-mail)", err, store.ErrNotFound)
		upd = clone(u2)
		upd.Email = u1.Email
		must(t, "UpdateUser(freed e-mail)", f.s.UpdateUser(f.ctx, upd))
		f.userByAll(t, "user that took the freed e-mail", upd, upd)
	}},
	{"DeleteCascades", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		u, v := f.user(e.ID), f.user(e.ID)
		type owned struct {
			m    *store.Membership
			pw   *store.PasswordCredential
			sess *store.Session
			rts  []*store.RefreshToken
		}
		give := func(u *store.User) owned {
			o := owned{m: f.membership(u, tn)}
			o.pw = &store.PasswordCredential{UserID: u.ID, Hash: "$argon2id$" + u.ID, UpdatedAt: f.now()}
			must(t, "PutPassword", f.s.PutPassword(f.ctx, o.pw))
			o.sess = f.session(u, tn.ID)
			o.rts = []*store.RefreshToken{f.refreshToken(o.sess), f.refreshToken(o.sess)}
			return o
		}
		ou, ov := give(u), give(v)

		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		wantErr(t, "DeleteUser(deleted)", f.s.DeleteUser(f.ctx, e.ID, u.ID), store.ErrNotFound)
		_, err := f.s.GetUser(f.ctx, e.ID, u.ID)
		wantErr(t, "GetUser(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetUserByEmail(f.ctx, e.ID, u.Email)
		wantErr(t, "GetUserByEmail(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetUserByUsername(f.ctx, e.ID, u.Username)
		wantErr(t, "GetUserByUsername(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetMembership(f.ctx, u.ID, tn.ID)
		wantErr(t, "GetMembership(deleted user)", err, store.ErrNotFound)
		ms, err := f.s.ListUserMemberships(f.ctx, u.ID)
		must(t, "ListUserMemberships(deleted user)", err)
		if len(ms) != 0 {
			t.Fatalf("deleted user still has %d memberships", len(ms))
		}
		ms, err = f.s.ListTenantMemberships(f.ctx, tn.ID)
		must(t, "ListTenantMemberships", err)
		if len(ms) != 1 {
			t.Fatalf("tenant has %d memberships after DeleteUser, want 1", len(ms))
		}
		equal(t, "remaining membership", &ms[0], ov.m)
		_, err = f.s.GetPassword(f.ctx, u.ID)
		wantErr(t, "GetPassword(deleted user)", err, store.ErrNotFound)
		_, err = f.s.GetSession(f.ctx, ou.sess.ID)
		wantErr(t, "GetSession(deleted user)", err, store.ErrNotFound)
		ss, err := f.s.ListUserSessions(f.ctx, u.ID)
		must(t, "ListUserSessions(deleted user)", err)
		if len(ss) != 0 {
			t.Fatalf("deleted user still has %d sessions", len(ss))
		}
		for _, rt := range ou.rts {
			_, err = f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
			wantErr(t, "GetRefreshTokenByHash(deleted user)", err, store.ErrNotFound)
		}

		// The other user keeps everything.
		f.userByAll(t, "other user", v, v)
		got, err := f.s.GetMembership(f.ctx, v.ID, tn.ID)
		must(t, "GetMembership(other user)", err)
		equal(t, "other user's membership", got, ov.m)
		pw, err := f.s.GetPassword(f.ctx, v.ID)
		must(t, "GetPassword(other user)", err)
		equal(t, "other user's password", pw, ov.pw)
		sess, err := f.s.GetSession(f.ctx, ov.sess.ID)
		must(t, "GetSession(other user)", err)
		equal(t, "other user's session", sess, ov.sess)
		for _, rt := range ov.rts {
			got, err := f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
			must(t, "GetRefreshTokenByHash(other user)", err)
			equal(t, "other user's refresh token", got, rt)
		}
		tnGot, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		must(t, "GetTenant", err)
		equal(t, "tenant after DeleteUser", tnGot, tn)

		// The deleted user's e-mail and username are free again.
		again := f.newUser(e.ID)
		again.Email = u.Email
		again.Username = u.Username
		must(t, "CreateUser(e-mail of a deleted user)", f.s.CreateUser(f.ctx, again))
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		u := f.fullUser(e.ID, tn.ID)
		id := u.ID
		checkCopies(t, "User", u,
			func(x *store.User) error { return f.s.CreateUser(f.ctx, x) },
			func() (*store.User, error) { return f.s.GetUser(f.ctx, e.ID, id) })
		want, err := f.s.GetUser(f.ctx, e.ID, id)
		must(t, "GetUser", err)
		byEmail, err := f.s.GetUserByEmail(f.ctx, e.ID, want.Email)
		must(t, "GetUserByEmail", err)
		scramble(byEmail)
		byName, err := f.s.GetUserByUsername(f.ctx, e.ID, want.Username)
		must(t, "GetUserByUsername", err)
		scramble(byName)
		f.userByAll(t, "after changing users returned by e-mail and username", want, want)

		upd := clone(want)
		upd.Name = "updated"
		wantUpd := clone(upd)
		must(t, "UpdateUser", f.s.UpdateUser(f.ctx, upd))
		scramble(upd)
		f.userByAll(t, "after changing the record passed to UpdateUser", wantUpd, wantUpd)
	}},
}
