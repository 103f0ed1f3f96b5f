package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// sessionIDs lists the ids of ss in order.
func sessionIDs(ss []store.Session) []string {
	return ids(ss, func(s *store.Session) string { return s.ID })
}

// sessionManagementTests cover the session-management methods: listing a
// user's live sessions and revoking all of them at once.
var sessionManagementTests = []test{
	{"ListActive", func(t *testing.T, f *fx) {
		e := f.env()
		u, v, lonely := f.user(e.ID), f.user(e.ID), f.user(e.ID)
		mk := func(created, expires time.Duration) *store.Session {
			s := f.newSession(u, "")
			s.CreatedAt, s.LastUsedAt, s.ExpiresAt = at(created), at(created), at(expires)
			must(t, "CreateSession", f.s.CreateSession(f.ctx, s))
			f.session(v, "") // another user's: never listed
			return s
		}
		cutoff := at(10*time.Hour + 500*time.Microsecond)
		oldest := mk(time.Hour, 20*time.Hour)
		newest := mk(3*time.Hour, 20*time.Hour)
		middle := mk(2*time.Hour, 20*time.Hour)
		expired := mk(4*time.Hour, 9*time.Hour)
		atCutoff := mk(5*time.Hour, 10*time.Hour+500*time.Microsecond) // expiring exactly at the cutoff is not live
		justAfter := mk(150*time.Minute, 10*time.Hour+501*time.Microsecond)
		revoked := mk(6*time.Hour, 20*time.Hour)
		must(t, "RevokeSession", f.s.RevokeSession(f.ctx, revoked.ID, at(7*time.Hour)))

		got, err := f.s.ListActiveUserSessions(f.ctx, u.ID, cutoff)
		must(t, "ListActiveUserSessions", err)
		want := []*store.Session{newest, justAfter, middle, oldest}
		equalIDs(t, "ListActiveUserSessions (live only, newest first)", sessionIDs(got),
			ids(derefAll(want), func(s *store.Session) string { return s.ID }))
		for i := range want {
			equal(t, "ListActiveUserSessions item", &got[i], want[i])
		}

		// An earlier instant sees the sessions that had not expired then.
		got, err = f.s.ListActiveUserSessions(f.ctx, u.ID, at(8*time.Hour))
		must(t, "ListActiveUserSessions(earlier)", err)
		equalIDs(t, "ListActiveUserSessions(earlier)", sessionIDs(got),
			[]string{atCutoff.ID, expired.ID, newest.ID, justAfter.ID, middle.ID, oldest.ID})

		got, err = f.s.ListActiveUserSessions(f.ctx, lonely.ID, cutoff)
		must(t, "ListActiveUserSessions(no sessions)", err)
		if len(got) != 0 {
			t.Fatalf("user without sessions listed %d", len(got))
		}
		got, err = f.s.ListActiveUserSessions(f.ctx, "missing", cutoff)
		must(t, "ListActiveUserSessions(unknown user)", err)
		if len(got) != 0 {
			t.Fatalf("unknown user listed %d", len(got))
		}

		// Listed copies are the caller's.
		got, err = f.s.ListActiveUserSessions(f.ctx, u.ID, cutoff)
		must(t, "ListActiveUserSessions", err)
		scramble(&got[0])
		again, err := f.s.GetSession(f.ctx, newest.ID)
		must(t, "GetSession", err)
		equal(t, "session after changing a listed copy", again, newest)
	}},
	{"RevokeAll", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		keep, a, b := f.session(u, ""), f.session(u, ""), f.session(u, "")
		earlier := f.session(u, "")
		first := at(time.Hour + 111*time.Microsecond)
		must(t, "RevokeSession", f.s.RevokeSession(f.ctx, earlier.ID, first))
		others := f.session(v, "")

		when := at(2*time.Hour + 222*time.Microsecond)
		n, err := f.s.RevokeUserSessions(f.ctx, u.ID, keep.ID, when)
		must(t, "RevokeUserSessions", err)
		if n != 2 {
			t.Fatalf("RevokeUserSessions revoked %d, want 2", n)
		}
		for _, s := range []*store.Session{a, b} {
			want := clone(s)
			want.RevokedAt = ptr(when)
			got, err := f.s.GetSession(f.ctx, s.ID)
			must(t, "GetSession", err)
			equal(t, "revoked session", got, want)
		}
		// The spared session, another user's and an earlier revocation
		// are untouched.
		wantEarlier := clone(earlier)
		wantEarlier.RevokedAt = ptr(first)
		for _, c := range []struct {
			what string
			want *store.Session
		}{{"spared session", keep}, {"other user's session", others}, {"session revoked before", wantEarlier}} {
			got, err := f.s.GetSession(f.ctx, c.want.ID)
			must(t, "GetSession", err)
			equal(t, c.what, got, c.want)
		}

		// Nothing left but the spared one; sparing none revokes it too.
		n, err = f.s.RevokeUserSessions(f.ctx, u.ID, keep.ID, when.Add(time.Hour))
		must(t, "RevokeUserSessions(again)", err)
		if n != 0 {
			t.Fatalf("RevokeUserSessions(again) revoked %d, want 0", n)
		}
		n, err = f.s.RevokeUserSessions(f.ctx, u.ID, "", when.Add(time.Hour))
		must(t, "RevokeUserSessions(spare none)", err)
		if n != 1 {
			t.Fatalf("RevokeUserSessions(spare none) revoked %d, want 1", n)
		}
		got, err := f.s.ListActiveUserSessions(f.ctx, u.ID, time.Time{})
		must(t, "ListActiveUserSessions", err)
		if len(got) != 0 {
			t.Fatalf("%d sessions still live after revoking all", len(got))
		}
		n, err = f.s.RevokeUserSessions(f.ctx, "missing", "", when)
		must(t, "RevokeUserSessions(unknown user)", err)
		if n != 0 {
			t.Fatalf("RevokeUserSessions(unknown user) revoked %d", n)
		}
	}},
	{"RevokeAllInTx", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		s := f.session(u, "")
		errRollback := errors.New("roll back")
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			n, err := tx.RevokeUserSessions(f.ctx, u.ID, "", f.now())
			if err != nil || n != 1 {
				t.Errorf("RevokeUserSessions in tx = %d, %v; want 1", n, err)
			}
			live, err := tx.ListActiveUserSessions(f.ctx, u.ID, time.Time{})
			if err != nil || len(live) != 0 {
				t.Errorf("transaction sees %d live sessions (%v) after revoking all", len(live), err)
			}
			return errRollback
		})
		wantErr(t, "InTx", err, errRollback)
		got, err := f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "session after a rolled-back revocation", got, s)
	}},
}
