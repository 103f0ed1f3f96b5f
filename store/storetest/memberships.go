package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

var membershipTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		u, tn := f.user(e.ID), f.tenant(e.ID)
		m := &store.Membership{
			UserID:           u.ID,
			TenantID:         tn.ID,
			EnvID:            e.ID,
			RoleIDs:          []string{"role-b", "role-a", "role-c"},
			Disabled:         true,
			SubAccountAccess: true,
			ExpiresAt:        ptr(at(48*time.Hour + 31*time.Microsecond)),
			CreatedAt:        at(5*time.Second + 5*time.Microsecond),
			UpdatedAt:        at(6 * time.Second),
		}
		allSet(t, m)
		want := clone(m)
		must(t, "PutMembership", f.s.PutMembership(f.ctx, m))
		got, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		equal(t, "GetMembership", got, want)

		// Replace: no roles, enabled, permanent.
		repl := &store.Membership{
			UserID:    u.ID,
			TenantID:  tn.ID,
			EnvID:     e.ID,
			CreatedAt: m.CreatedAt,
			UpdatedAt: at(time.Hour),
		}
		must(t, "PutMembership(replace)", f.s.PutMembership(f.ctx, repl))
		got, err = f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		equal(t, "after replace", got, repl)

		// Replace again: roles and expiry come back.
		repl.RoleIDs = []string{"role-z"}
		repl.ExpiresAt = ptr(at(72 * time.Hour))
		repl.UpdatedAt = at(2 * time.Hour)
		must(t, "PutMembership(replace)", f.s.PutMembership(f.ctx, repl))
		got, err = f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		equal(t, "after second replace", got, repl)
		ms, err := f.s.ListUserMemberships(f.ctx, u.ID)
		must(t, "ListUserMemberships", err)
		if len(ms) != 1 {
			t.Fatalf("replacing a membership left %d memberships, want 1", len(ms))
		}
		equal(t, "listed membership", &ms[0], repl)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e := f.env()
		u, tn := f.user(e.ID), f.tenant(e.ID)
		wantErr(t, "PutMembership(unknown user)", f.s.PutMembership(f.ctx, &store.Membership{
			UserID: "missing", TenantID: tn.ID, EnvID: e.ID, CreatedAt: f.now(), UpdatedAt: f.now(),
		}), store.ErrNotFound)
		wantErr(t, "PutMembership(unknown tenant)", f.s.PutMembership(f.ctx, &store.Membership{
			UserID: u.ID, TenantID: "missing", EnvID: e.ID, CreatedAt: f.now(), UpdatedAt: f.now(),
		}), store.ErrNotFound)
		// Users and tenants are reached only within their environment.
		other := f.env()
		foreignUser, foreignTenant := f.user(other.ID), f.tenant(other.ID)
		wantErr(t, "PutMembership(tenant of another environment)", f.s.PutMembership(f.ctx, &store.Membership{
			UserID: u.ID, TenantID: foreignTenant.ID, EnvID: e.ID, CreatedAt: f.now(), UpdatedAt: f.now(),
		}), store.ErrNotFound)
		wantErr(t, "PutMembership(user of another environment)", f.s.PutMembership(f.ctx, &store.Membership{
			UserID: foreignUser.ID, TenantID: tn.ID, EnvID: e.ID, CreatedAt: f.now(), UpdatedAt: f.now(),
		}), store.ErrNotFound)
		_, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		wantErr(t, "GetMembership(none)", err, store.ErrNotFound)
		wantErr(t, "DeleteMembership(none)", f.s.DeleteMembership(f.ctx, u.ID, tn.ID), store.ErrNotFound)
		ms, err := f.s.ListUserMemberships(f.ctx, u.ID)
		must(t, "ListUserMemberships", err)
		if len(ms) != 0 {
			t.Fatalf("rejected PutMembership calls left %d memberships", len(ms))
		}
		ms, err = f.s.ListTenantMemberships(f.ctx, tn.ID)
		must(t, "ListTenantMemberships", err)
		if len(ms) != 0 {
			t.Fatalf("rejected PutMembership calls left %d memberships", len(ms))
		}
	}},
	{"Delete", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		f.membership(u, t1)
		keep := []*store.Membership{f.membership(u, t2), f.membership(v, t1)}
		must(t, "DeleteMembership", f.s.DeleteMembership(f.ctx, u.ID, t1.ID))
		_, err := f.s.GetMembership(f.ctx, u.ID, t1.ID)
		wantErr(t, "GetMembership(deleted)", err, store.ErrNotFound)
		wantErr(t, "DeleteMembership(deleted)", f.s.DeleteMembership(f.ctx, u.ID, t1.ID), store.ErrNotFound)
		for _, m := range keep {
			got, err := f.s.GetMembership(f.ctx, m.UserID, m.TenantID)
			must(t, "GetMembership(kept)", err)
			equal(t, "kept membership", got, m)
		}
		ms, err := f.s.ListTenantMemberships(f.ctx, t1.ID)
		must(t, "ListTenantMemberships", err)
		equalIDs(t, "ListTenantMemberships after delete",
			ids(ms, func(m *store.Membership) string { return m.UserID }), []string{v.ID})
		// The user and tenant themselves remain.
		_, err = f.s.GetUser(f.ctx, e.ID, u.ID)
		must(t, "GetUser after DeleteMembership", err)
		_, err = f.s.GetTenant(f.ctx, e.ID, t1.ID)
		must(t, "GetTenant after DeleteMembership", err)
	}},
	{"List", func(t *testing.T, f *fx) {
		e := f.env()
		u, v, lonely := f.user(e.ID), f.user(e.ID), f.user(e.ID)
		tenants := []*store.Tenant{f.tenant(e.ID), f.tenant(e.ID), f.tenant(e.ID), f.tenant(e.ID)}
		offsets := []time.Duration{3 * time.Second, time.Second, 2500 * time.Millisecond, 2 * time.Second}
		put := func(u *store.User, tn *store.Tenant, created time.Time) *store.Membership {
			m := &store.Membership{UserID: u.ID, TenantID: tn.ID, EnvID: e.ID, RoleIDs: []string{"r"},
				CreatedAt: created, UpdatedAt: created}
			must(t, "PutMembership", f.s.PutMembership(f.ctx, m))
			return m
		}
		ums := make([]*store.Membership, len(tenants))
		for i, tn := range tenants {
			ums[i] = put(u, tn, at(offsets[i]))
		}
		vm := put(v, tenants[0], at(1500*time.Millisecond))

		got, err := f.s.ListUserMemberships(f.ctx, u.ID)
		must(t, "ListUserMemberships", err)
		want := []*store.Membership{ums[1], ums[3], ums[2], ums[0]}
		equalIDs(t, "ListUserMemberships order (oldest first)",
			ids(got, func(m *store.Membership) string { return m.TenantID }),
			ids(derefAll(want), func(m *store.Membership) string { return m.TenantID }))
		for i := range want {
			equal(t, "ListUserMemberships item", &got[i], want[i])
		}

		got, err = f.s.ListTenantMemberships(f.ctx, tenants[0].ID)
		must(t, "ListTenantMemberships", err)
		equalIDs(t, "ListTenantMemberships order (oldest first)",
			ids(got, func(m *store.Membership) string { return m.UserID }), []string{v.ID, u.ID})
		equal(t, "ListTenantMemberships[0]", &got[0], vm)
		equal(t, "ListTenantMemberships[1]", &got[1], ums[0])

		got, err = f.s.ListUserMemberships(f.ctx, lonely.ID)
		must(t, "ListUserMemberships(no memberships)", err)
		if len(got) != 0 {
			t.Fatalf("user without memberships listed %d", len(got))
		}
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u, tn := f.user(e.ID), f.tenant(e.ID)
		m := &store.Membership{UserID: u.ID, TenantID: tn.ID, EnvID: e.ID, RoleIDs: []string{"a", "b"},
			ExpiresAt: ptr(at(time.Hour)), CreatedAt: f.now(), UpdatedAt: f.now()}
		checkCopies(t, "Membership", m,
			func(x *store.Membership) error { return f.s.PutMembership(f.ctx, x) },
			func() (*store.Membership, error) { return f.s.GetMembership(f.ctx, u.ID, tn.ID) })
		want, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		byUser, err := f.s.ListUserMemberships(f.ctx, u.ID)
		must(t, "ListUserMemberships", err)
		scramble(&byUser[0])
		byTenant, err := f.s.ListTenantMemberships(f.ctx, tn.ID)
		must(t, "ListTenantMemberships", err)
		scramble(&byTenant[0])
		got, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		equal(t, "membership after changing listed copies", got, want)
	}},
}

// derefAll returns the values ps point to.
func derefAll[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

var passwordTests = []test{
	{"NotFound", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		_, err := f.s.GetPassword(f.ctx, u.ID)
		wantErr(t, "GetPassword(no password)", err, store.ErrNotFound)
		wantErr(t, "PutPassword(unknown user)", f.s.PutPassword(f.ctx, &store.PasswordCredential{
			UserID: "missing", Hash: "$argon2id$x", UpdatedAt: f.now(),
		}), store.ErrNotFound)
		_, err = f.s.GetPassword(f.ctx, "missing")
		wantErr(t, "GetPassword(unknown user)", err, store.ErrNotFound)
	}},
	{"RoundTripAndReplace", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		pw := &store.PasswordCredential{
			UserID:    u.ID,
			Hash:      "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
			History:   []string{"$argon2id$v=19$m=19456,t=2,p=1$b2xkMQ$b2xkMQ", "$argon2id$v=19$m=19456,t=2,p=1$b2xkMg$b2xkMg"},
			UpdatedAt: at(7*time.Second + 700007*time.Microsecond),
		}
		allSet(t, pw)
		must(t, "PutPassword", f.s.PutPassword(f.ctx, pw))
		other := &store.PasswordCredential{UserID: v.ID, Hash: "$2a$10$bcrypt", UpdatedAt: f.now()}
		must(t, "PutPassword(other user)", f.s.PutPassword(f.ctx, other))
		got, err := f.s.GetPassword(f.ctx, u.ID)
		must(t, "GetPassword", err)
		equal(t, "GetPassword", got, pw)

		repl := &store.PasswordCredential{UserID: u.ID, Hash: "$argon2id$new", History: []string{pw.Hash, pw.History[0]}, UpdatedAt: at(time.Hour)}
		must(t, "PutPassword(replace)", f.s.PutPassword(f.ctx, repl))
		got, err = f.s.GetPassword(f.ctx, u.ID)
		must(t, "GetPassword", err)
		equal(t, "GetPassword after replace", got, repl)
		if len(got.History) != 2 || got.History[0] != pw.Hash {
			t.Fatalf("History after replace = %q, want the old hash first", got.History)
		}

		// A replace without history drops the stored one.
		cleared := &store.PasswordCredential{UserID: u.ID, Hash: "$argon2id$newer", UpdatedAt: at(2 * time.Hour)}
		must(t, "PutPassword(no history)", f.s.PutPassword(f.ctx, cleared))
		got, err = f.s.GetPassword(f.ctx, u.ID)
		must(t, "GetPassword", err)
		equal(t, "GetPassword after clearing the history", got, cleared)
		if len(got.History) != 0 {
			t.Fatalf("History after a replace without one = %q, want none", got.History)
		}
		got, err = f.s.GetPassword(f.ctx, v.ID)
		must(t, "GetPassword(other user)", err)
		equal(t, "other user's password", got, other)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		checkCopies(t, "PasswordCredential",
			&store.PasswordCredential{UserID: u.ID, Hash: "$argon2id$h", History: []string{"$argon2id$old"}, UpdatedAt: f.now()},
			func(x *store.PasswordCredential) error { return f.s.PutPassword(f.ctx, x) },
			func() (*store.PasswordCredential, error) { return f.s.GetPassword(f.ctx, u.ID) })
	}},
}

var sessionTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		u, tn := f.user(e.ID), f.tenant(e.ID)
		s := f.newSession(u, tn.ID)
		s.AMR = []string{"pwd", "otp", "hwk"}
		s.AuthTime = at(time.Second + 1*time.Microsecond)
		s.CreatedAt = at(2*time.Second + 2*time.Microsecond)
		s.LastUsedAt = at(3*time.Second + 3*time.Microsecond)
		s.ExpiresAt = at(4*time.Second + 4*time.Microsecond)
		s.RevokedAt = ptr(at(5*time.Second + 5*time.Microsecond))
		allSet(t, s)
		must(t, "CreateSession", f.s.CreateSession(f.ctx, s))
		got, err := f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "GetSession", got, s)

		open := f.newSession(u, "")
		open.AMR = nil
		must(t, "CreateSession(no tenant, no AMR)", f.s.CreateSession(f.ctx, open))
		got, err = f.s.GetSession(f.ctx, open.ID)
		must(t, "GetSession", err)
		equal(t, "GetSession(open session)", got, open)
	}},
	{"ConflictAndNotFound", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		s := f.session(u, "")
		dup := f.newSession(u, "")
		dup.ID = s.ID
		dup.IP = "203.0.113.9"
		wantErr(t, "CreateSession(same id)", f.s.CreateSession(f.ctx, dup), store.ErrConflict)
		got, err := f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "session after rejected create", got, s)

		_, err = f.s.GetSession(f.ctx, "missing")
		wantErr(t, "GetSession(missing)", err, store.ErrNotFound)
		wantErr(t, "TouchSession(missing)", f.s.TouchSession(f.ctx, "missing", "", f.now()), store.ErrNotFound)
		wantErr(t, "RevokeSession(missing)", f.s.RevokeSession(f.ctx, "missing", f.now()), store.ErrNotFound)
	}},
	{"Touch", func(t *testing.T, f *fx) {
		e := f.env()
		u, t1, t2 := f.user(e.ID), f.tenant(e.ID), f.tenant(e.ID)
		s := f.session(u, t1.ID)
		other := f.session(u, t1.ID)
		when := at(time.Hour + 123456*time.Microsecond)
		must(t, "TouchSession", f.s.TouchSession(f.ctx, s.ID, t2.ID, when))
		want := clone(s)
		want.TenantID = t2.ID
		want.LastUsedAt = when
		got, err := f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "after TouchSession", got, want)
		got, err = f.s.GetSession(f.ctx, other.ID)
		must(t, "GetSession(other)", err)
		equal(t, "untouched session", got, other)

		// Touching into no tenant clears it.
		must(t, "TouchSession(no tenant)", f.s.TouchSession(f.ctx, s.ID, "", when.Add(time.Second)))
		want.TenantID = ""
		want.LastUsedAt = when.Add(time.Second)
		got, err = f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "after TouchSession(no tenant)", got, want)
	}},
	{"Revoke", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		s, other := f.session(u, ""), f.session(u, "")
		first := at(time.Hour + 654321*time.Microsecond)
		must(t, "RevokeSession", f.s.RevokeSession(f.ctx, s.ID, first))
		want := clone(s)
		want.RevokedAt = ptr(first)
		got, err := f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "after RevokeSession", got, want)

		// RevokedAt is set only if not yet set.
		must(t, "RevokeSession(already revoked)", f.s.RevokeSession(f.ctx, s.ID, first.Add(time.Hour)))
		got, err = f.s.GetSession(f.ctx, s.ID)
		must(t, "GetSession", err)
		equal(t, "after revoking twice", got, want)

		got, err = f.s.GetSession(f.ctx, other.ID)
		must(t, "GetSession(other)", err)
		equal(t, "session not revoked", got, other)
	}},
	{"List", func(t *testing.T, f *fx) {
		e := f.env()
		u, v, lonely := f.user(e.ID), f.user(e.ID), f.user(e.ID)
		offsets := []time.Duration{time.Second, 3 * time.Second, 2 * time.Second, 2500 * time.Millisecond}
		recs := make([]*store.Session, len(offsets))
		for i, d := range offsets {
			recs[i] = f.newSession(u, "")
			recs[i].CreatedAt = at(d)
			must(t, "CreateSession", f.s.CreateSession(f.ctx, recs[i]))
			f.session(v, "")
		}
		must(t, "RevokeSession", f.s.RevokeSession(f.ctx, recs[2].ID, at(time.Hour)))
		recs[2].RevokedAt = ptr(at(time.Hour))

		got, err := f.s.ListUserSessions(f.ctx, u.ID)
		must(t, "ListUserSessions", err)
		want := []*store.Session{recs[1], recs[3], recs[2], recs[0]}
		equalIDs(t, "ListUserSessions order (newest first, revoked included)",
			ids(got, func(s *store.Session) string { return s.ID }),
			ids(derefAll(want), func(s *store.Session) string { return s.ID }))
		for i := range want {
			equal(t, "ListUserSessions item", &got[i], want[i])
		}
		got, err = f.s.ListUserSessions(f.ctx, lonely.ID)
		must(t, "ListUserSessions(no sessions)", err)
		if len(got) != 0 {
			t.Fatalf("user without sessions listed %d", len(got))
		}
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		s := f.newSession(u, "")
		s.AMR = []string{"pwd", "otp"}
		s.RevokedAt = ptr(at(time.Hour))
		id := s.ID
		checkCopies(t, "Session", s,
			func(x *store.Session) error { return f.s.CreateSession(f.ctx, x) },
			func() (*store.Session, error) { return f.s.GetSession(f.ctx, id) })
		want, err := f.s.GetSession(f.ctx, id)
		must(t, "GetSession", err)
		list, err := f.s.ListUserSessions(f.ctx, u.ID)
		must(t, "ListUserSessions", err)
		scramble(&list[0])
		got, err := f.s.GetSession(f.ctx, id)
		must(t, "GetSession", err)
		equal(t, "session after changing a listed copy", got, want)
	}},
}
