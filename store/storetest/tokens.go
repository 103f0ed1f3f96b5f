package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// sessionFixture creates an environment, a user and a session of it.
func (f *fx) sessionFixture() (*store.Environment, *store.User, *store.Session) {
	f.t.Helper()
	e := f.env()
	u := f.user(e.ID)
	return e, u, f.session(u, "")
}

var refreshTokenTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		_, _, sess := f.sessionFixture()
		rt := f.newRefreshToken(sess)
		rt.CreatedAt = at(time.Second + 10*time.Microsecond)
		rt.ExpiresAt = at(time.Hour + 20*time.Microsecond)
		rt.UsedAt = ptr(at(time.Minute + 30*time.Microsecond))
		rt.Rotation = 7
		allSet(t, rt)
		must(t, "CreateRefreshToken", f.s.CreateRefreshToken(f.ctx, rt))
		// Looked up by value: a different slice holding the same bytes.
		got, err := f.s.GetRefreshTokenByHash(f.ctx, bytes.Clone(rt.Hash))
		must(t, "GetRefreshTokenByHash", err)
		equal(t, "GetRefreshTokenByHash", got, rt)

		unused := f.refreshToken(sess)
		got, err = f.s.GetRefreshTokenByHash(f.ctx, bytes.Clone(unused.Hash))
		must(t, "GetRefreshTokenByHash(unused)", err)
		equal(t, "GetRefreshTokenByHash(unused)", got, unused)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		_, _, sess := f.sessionFixture()
		orphan := f.newRefreshToken(sess)
		orphan.SessionID = "missing"
		wantErr(t, "CreateRefreshToken(unknown session)", f.s.CreateRefreshToken(f.ctx, orphan), store.ErrNotFound)
		_, err := f.s.GetRefreshTokenByHash(f.ctx, orphan.Hash)
		wantErr(t, "GetRefreshTokenByHash(rejected token)", err, store.ErrNotFound)
		_, err = f.s.GetRefreshTokenByHash(f.ctx, hashOf("unknown"))
		wantErr(t, "GetRefreshTokenByHash(unknown)", err, store.ErrNotFound)
		rt := f.refreshToken(sess)
		_, err = f.s.GetRefreshTokenByHash(f.ctx, rt.Hash[:16])
		wantErr(t, "GetRefreshTokenByHash(prefix of a hash)", err, store.ErrNotFound)
		wantErr(t, "UseRefreshToken(missing)", f.s.UseRefreshToken(f.ctx, "missing", f.now()), store.ErrNotFound)
	}},
	{"Conflict", func(t *testing.T, f *fx) {
		_, _, sess := f.sessionFixture()
		rt := f.refreshToken(sess)
		sameID := f.newRefreshToken(sess)
		sameID.ID = rt.ID
		wantErr(t, "CreateRefreshToken(same id)", f.s.CreateRefreshToken(f.ctx, sameID), store.ErrConflict)
		_, err := f.s.GetRefreshTokenByHash(f.ctx, sameID.Hash)
		wantErr(t, "GetRefreshTokenByHash(rejected token)", err, store.ErrNotFound)
		sameHash := f.newRefreshToken(sess)
		sameHash.Hash = bytes.Clone(rt.Hash)
		wantErr(t, "CreateRefreshToken(same hash)", f.s.CreateRefreshToken(f.ctx, sameHash), store.ErrConflict)
		got, err := f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
		must(t, "GetRefreshTokenByHash", err)
		equal(t, "token after rejected creates", got, rt)
		// The rejected id was not stored either.
		wantErr(t, "UseRefreshToken(rejected id)", f.s.UseRefreshToken(f.ctx, sameHash.ID, f.now()), store.ErrNotFound)
	}},
	{"UseOnce", func(t *testing.T, f *fx) {
		_, _, sess := f.sessionFixture()
		rt, other := f.refreshToken(sess), f.refreshToken(sess)
		when := at(2*time.Hour + 222222*time.Microsecond)
		must(t, "UseRefreshToken", f.s.UseRefreshToken(f.ctx, rt.ID, when))
		want := clone(rt)
		want.UsedAt = ptr(when)
		got, err := f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
		must(t, "GetRefreshTokenByHash", err)
		equal(t, "after UseRefreshToken", got, want)

		wantErr(t, "UseRefreshToken(second time)", f.s.UseRefreshToken(f.ctx, rt.ID, when.Add(time.Minute)), store.ErrConflict)
		got, err = f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
		must(t, "GetRefreshTokenByHash", err)
		equal(t, "after a rejected second use", got, want)

		got, err = f.s.GetRefreshTokenByHash(f.ctx, other.Hash)
		must(t, "GetRefreshTokenByHash(other)", err)
		equal(t, "unused token", got, other)

		used := f.newRefreshToken(sess)
		used.UsedAt = ptr(f.now())
		must(t, "CreateRefreshToken(used)", f.s.CreateRefreshToken(f.ctx, used))
		wantErr(t, "UseRefreshToken(created used)", f.s.UseRefreshToken(f.ctx, used.ID, f.now()), store.ErrConflict)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		_, _, sess := f.sessionFixture()
		rt := f.newRefreshToken(sess)
		rt.UsedAt = ptr(f.now())
		hash := bytes.Clone(rt.Hash)
		checkCopies(t, "RefreshToken", rt,
			func(x *store.RefreshToken) error { return f.s.CreateRefreshToken(f.ctx, x) },
			func() (*store.RefreshToken, error) { return f.s.GetRefreshTokenByHash(f.ctx, hash) })
	}},
}

// listedKey returns the key id among envID's signing keys.
func (f *fx) listedKey(envID, id string) (*store.SigningKey, error) {
	keys, err := f.s.ListSigningKeys(f.ctx, envID)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if keys[i].ID == id {
			return &keys[i], nil
		}
	}
	return nil, store.ErrNotFound
}

var signingKeyTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		k := f.newSigningKey(e.ID)
		k.CreatedAt = at(time.Second + 111*time.Microsecond)
		k.RetiredAt = ptr(at(time.Hour + 222*time.Microsecond))
		k.VerifyUntil = ptr(at(2*time.Hour + 333*time.Microsecond))
		allSet(t, k)
		must(t, "CreateSigningKey", f.s.CreateSigningKey(f.ctx, k))
		active := f.newSigningKey(e.ID)
		must(t, "CreateSigningKey(active)", f.s.CreateSigningKey(f.ctx, active))
		got, err := f.listedKey(e.ID, k.ID)
		must(t, "ListSigningKeys", err)
		equal(t, "retired key", got, k)
		got, err = f.listedKey(e.ID, active.ID)
		must(t, "ListSigningKeys", err)
		equal(t, "active key", got, active)
	}},
	{"ConflictAndNotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		k := f.newSigningKey(e.ID)
		must(t, "CreateSigningKey", f.s.CreateSigningKey(f.ctx, k))
		dup := f.newSigningKey(e.ID)
		dup.ID = k.ID
		wantErr(t, "CreateSigningKey(same id)", f.s.CreateSigningKey(f.ctx, dup), store.ErrConflict)
		dup.EnvID = other.ID
		wantErr(t, "CreateSigningKey(same id, other environment)", f.s.CreateSigningKey(f.ctx, dup), store.ErrConflict)
		keys, err := f.s.ListSigningKeys(f.ctx, e.ID)
		must(t, "ListSigningKeys", err)
		if len(keys) != 1 {
			t.Fatalf("ListSigningKeys returned %d keys after a rejected create, want 1", len(keys))
		}
		equal(t, "key after rejected create", &keys[0], k)
		keys, err = f.s.ListSigningKeys(f.ctx, other.ID)
		must(t, "ListSigningKeys(other environment)", err)
		if len(keys) != 0 {
			t.Fatalf("ListSigningKeys(other environment) returned %d keys, want 0", len(keys))
		}
		wantErr(t, "UpdateSigningKey(missing)", f.s.UpdateSigningKey(f.ctx, f.newSigningKey(e.ID)), store.ErrNotFound)
	}},
	{"Retire", func(t *testing.T, f *fx) {
		e := f.env()
		k, newer := f.newSigningKey(e.ID), f.newSigningKey(e.ID)
		must(t, "CreateSigningKey", f.s.CreateSigningKey(f.ctx, k))
		must(t, "CreateSigningKey", f.s.CreateSigningKey(f.ctx, newer))
		upd := clone(k)
		upd.RetiredAt = ptr(at(time.Hour))
		upd.VerifyUntil = ptr(at(3 * time.Hour))
		want := clone(upd)
		must(t, "UpdateSigningKey", f.s.UpdateSigningKey(f.ctx, upd))
		scramble(upd)
		got, err := f.listedKey(e.ID, k.ID)
		must(t, "ListSigningKeys", err)
		equal(t, "retired key", got, want)
		got, err = f.listedKey(e.ID, newer.ID)
		must(t, "ListSigningKeys", err)
		equal(t, "other key", got, newer)

		// And back: both pointers nil again.
		must(t, "UpdateSigningKey(unretire)", f.s.UpdateSigningKey(f.ctx, k))
		got, err = f.listedKey(e.ID, k.ID)
		must(t, "ListSigningKeys", err)
		equal(t, "unretired key", got, k)
	}},
	{"List", func(t *testing.T, f *fx) {
		e, other, empty := f.env(), f.env(), f.env()
		offsets := []time.Duration{2 * time.Second, 0, 3 * time.Second, 1500 * time.Millisecond}
		recs := make([]*store.SigningKey, len(offsets))
		for i, d := range offsets {
			recs[i] = f.newSigningKey(e.ID)
			recs[i].CreatedAt = at(d)
			must(t, "CreateSigningKey", f.s.CreateSigningKey(f.ctx, recs[i]))
			must(t, "CreateSigningKey(other environment)", f.s.CreateSigningKey(f.ctx, f.newSigningKey(other.ID)))
		}
		got, err := f.s.ListSigningKeys(f.ctx, e.ID)
		must(t, "ListSigningKeys", err)
		want := []*store.SigningKey{recs[2], recs[0], recs[3], recs[1]}
		equalIDs(t, "ListSigningKeys order (newest first)",
			ids(got, func(k *store.SigningKey) string { return k.ID }),
			ids(derefAll(want), func(k *store.SigningKey) string { return k.ID }))
		for i := range want {
			equal(t, "ListSigningKeys item", &got[i], want[i])
		}
		got, err = f.s.ListSigningKeys(f.ctx, empty.ID)
		must(t, "ListSigningKeys(no keys)", err)
		if len(got) != 0 {
			t.Fatalf("environment without keys listed %d", len(got))
		}
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		k := f.newSigningKey(e.ID)
		k.RetiredAt = ptr(at(time.Hour))
		k.VerifyUntil = ptr(at(2 * time.Hour))
		id := k.ID
		checkCopies(t, "SigningKey", k,
			func(x *store.SigningKey) error { return f.s.CreateSigningKey(f.ctx, x) },
			func() (*store.SigningKey, error) { return f.listedKey(e.ID, id) })
	}},
}

var oneTimeTokenTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		u, tn := f.user(e.ID), f.tenant(e.ID)
		o := f.newOneTimeToken(u, store.TokenInvitation)
		o.TenantID = tn.ID
		o.Attempts = 2
		o.CreatedAt = at(time.Second + 1*time.Microsecond)
		o.ExpiresAt = at(time.Hour + 2*time.Microsecond)
		o.UsedAt = ptr(at(time.Minute + 3*time.Microsecond))
		allSet(t, o)
		must(t, "CreateOneTimeToken", f.s.CreateOneTimeToken(f.ctx, o))
		got, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		equal(t, "GetOneTimeToken", got, o)
		got, err = f.s.GetOneTimeTokenByHash(f.ctx, store.TokenInvitation, bytes.Clone(o.Hash))
		must(t, "GetOneTimeTokenByHash", err)
		equal(t, "GetOneTimeTokenByHash", got, o)

		// A token without user, tenant or data (for example a sign-up code).
		bare := &store.OneTimeToken{ID: next("ott"), EnvID: e.ID, Kind: store.TokenOTC,
			Hash: hashOf("bare"), CreatedAt: f.now(), ExpiresAt: f.now()}
		must(t, "CreateOneTimeToken(bare)", f.s.CreateOneTimeToken(f.ctx, bare))
		got, err = f.s.GetOneTimeToken(f.ctx, bare.ID)
		must(t, "GetOneTimeToken(bare)", err)
		equal(t, "GetOneTimeToken(bare)", got, bare)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o := f.oneTimeToken(u, store.TokenPasswordReset)
		_, err := f.s.GetOneTimeToken(f.ctx, "missing")
		wantErr(t, "GetOneTimeToken(missing)", err, store.ErrNotFound)
		_, err = f.s.GetOneTimeTokenByHash(f.ctx, store.TokenPasswordReset, hashOf("unknown"))
		wantErr(t, "GetOneTimeTokenByHash(unknown)", err, store.ErrNotFound)
		_, err = f.s.GetOneTimeTokenByHash(f.ctx, store.TokenActivation, o.Hash)
		wantErr(t, "GetOneTimeTokenByHash(other kind)", err, store.ErrNotFound)
		_, err = f.s.GetOneTimeTokenByHash(f.ctx, "", o.Hash)
		wantErr(t, `GetOneTimeTokenByHash("" kind)`, err, store.ErrNotFound)
		wantErr(t, "ConsumeOneTimeToken(missing)", f.s.ConsumeOneTimeToken(f.ctx, "missing", f.now()), store.ErrNotFound)
		_, err = f.s.IncrementOneTimeTokenAttempts(f.ctx, "missing")
		wantErr(t, "IncrementOneTimeTokenAttempts(missing)", err, store.ErrNotFound)
	}},
	{"Conflict", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o := f.oneTimeToken(u, store.TokenMagicLink)
		sameID := f.newOneTimeToken(u, store.TokenMagicLink)
		sameID.ID = o.ID
		wantErr(t, "CreateOneTimeToken(same id)", f.s.CreateOneTimeToken(f.ctx, sameID), store.ErrConflict)
		_, err := f.s.GetOneTimeTokenByHash(f.ctx, store.TokenMagicLink, sameID.Hash)
		wantErr(t, "GetOneTimeTokenByHash(rejected token)", err, store.ErrNotFound)
		sameHash := f.newOneTimeToken(u, store.TokenMagicLink)
		sameHash.Hash = bytes.Clone(o.Hash)
		wantErr(t, "CreateOneTimeToken(same kind and hash)", f.s.CreateOneTimeToken(f.ctx, sameHash), store.ErrConflict)
		_, err = f.s.GetOneTimeToken(f.ctx, sameHash.ID)
		wantErr(t, "GetOneTimeToken(rejected token)", err, store.ErrNotFound)
		got, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		equal(t, "token after rejected creates", got, o)

		// The same hash under another kind is a different token.
		otherKind := f.newOneTimeToken(u, store.TokenOTC)
		otherKind.Hash = bytes.Clone(o.Hash)
		must(t, "CreateOneTimeToken(same hash, other kind)", f.s.CreateOneTimeToken(f.ctx, otherKind))
		got, err = f.s.GetOneTimeTokenByHash(f.ctx, store.TokenOTC, o.Hash)
		must(t, "GetOneTimeTokenByHash(other kind)", err)
		equal(t, "token of the other kind", got, otherKind)
		got, err = f.s.GetOneTimeTokenByHash(f.ctx, store.TokenMagicLink, o.Hash)
		must(t, "GetOneTimeTokenByHash", err)
		equal(t, "token of the first kind", got, o)
	}},
	{"ConsumeOnce", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o, other := f.oneTimeToken(u, store.TokenActivation), f.oneTimeToken(u, store.TokenActivation)
		when := at(3*time.Hour + 333333*time.Microsecond)
		must(t, "ConsumeOneTimeToken", f.s.ConsumeOneTimeToken(f.ctx, o.ID, when))
		want := clone(o)
		want.UsedAt = ptr(when)
		got, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		equal(t, "after ConsumeOneTimeToken", got, want)
		wantErr(t, "ConsumeOneTimeToken(second time)", f.s.ConsumeOneTimeToken(f.ctx, o.ID, when.Add(time.Second)), store.ErrConflict)
		got, err = f.s.GetOneTimeTokenByHash(f.ctx, o.Kind, o.Hash)
		must(t, "GetOneTimeTokenByHash", err)
		equal(t, "after a rejected second consume", got, want)
		got, err = f.s.GetOneTimeToken(f.ctx, other.ID)
		must(t, "GetOneTimeToken(other)", err)
		equal(t, "unconsumed token", got, other)

		used := f.newOneTimeToken(u, store.TokenActivation)
		used.UsedAt = ptr(f.now())
		must(t, "CreateOneTimeToken(used)", f.s.CreateOneTimeToken(f.ctx, used))
		wantErr(t, "ConsumeOneTimeToken(created used)", f.s.ConsumeOneTimeToken(f.ctx, used.ID, f.now()), store.ErrConflict)
	}},
	{"Attempts", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o, other := f.oneTimeToken(u, store.TokenOTC), f.oneTimeToken(u, store.TokenOTC)
		for want := 1; want <= 3; want++ {
			n, err := f.s.IncrementOneTimeTokenAttempts(f.ctx, o.ID)
			must(t, "IncrementOneTimeTokenAttempts", err)
			if n != want {
				t.Fatalf("IncrementOneTimeTokenAttempts returned %d, want %d", n, want)
			}
		}
		got, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		want := clone(o)
		want.Attempts = 3
		equal(t, "after three failed attempts", got, want)
		got, err = f.s.GetOneTimeToken(f.ctx, other.ID)
		must(t, "GetOneTimeToken(other)", err)
		equal(t, "token without attempts", got, other)

		// Counting continues from a stored value.
		seeded := f.newOneTimeToken(u, store.TokenMFA)
		seeded.Attempts = 4
		must(t, "CreateOneTimeToken", f.s.CreateOneTimeToken(f.ctx, seeded))
		n, err := f.s.IncrementOneTimeTokenAttempts(f.ctx, seeded.ID)
		must(t, "IncrementOneTimeTokenAttempts", err)
		if n != 5 {
			t.Fatalf("IncrementOneTimeTokenAttempts on a token with 4 attempts returned %d, want 5", n)
		}
	}},
	{"DeleteUserTokens", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		resetA := f.oneTimeToken(u, store.TokenPasswordReset)
		resetB := f.oneTimeToken(u, store.TokenPasswordReset)
		usedReset := f.newOneTimeToken(u, store.TokenPasswordReset)
		usedReset.UsedAt = ptr(f.now())
		must(t, "CreateOneTimeToken(used)", f.s.CreateOneTimeToken(f.ctx, usedReset))
		consumed := f.oneTimeToken(u, store.TokenPasswordReset)
		must(t, "ConsumeOneTimeToken", f.s.ConsumeOneTimeToken(f.ctx, consumed.ID, f.now()))
		magic := f.oneTimeToken(u, store.TokenMagicLink)
		otc := f.oneTimeToken(u, store.TokenOTC)
		othersReset := f.oneTimeToken(v, store.TokenPasswordReset)

		exists := func(o *store.OneTimeToken, want bool) {
			t.Helper()
			_, err := f.s.GetOneTimeToken(f.ctx, o.ID)
			if want {
				must(t, "GetOneTimeToken("+o.Kind+")", err)
				return
			}
			wantErr(t, "GetOneTimeToken(deleted "+o.Kind+")", err, store.ErrNotFound)
			_, err = f.s.GetOneTimeTokenByHash(f.ctx, o.Kind, o.Hash)
			wantErr(t, "GetOneTimeTokenByHash(deleted "+o.Kind+")", err, store.ErrNotFound)
		}
		count := func(kind string, want int) {
			t.Helper()
			n, err := f.s.DeleteUserOneTimeTokens(f.ctx, u.ID, kind)
			must(t, "DeleteUserOneTimeTokens("+kind+")", err)
			if n != want {
				t.Fatalf("DeleteUserOneTimeTokens(%q) removed %d, want %d", kind, n, want)
			}
		}

		count(store.TokenPasswordReset, 2)
		exists(resetA, false)
		exists(resetB, false)
		exists(usedReset, true)
		exists(consumed, true)
		exists(magic, true)
		exists(otc, true)
		exists(othersReset, true)
		count(store.TokenPasswordReset, 0)
		count(store.TokenInvitation, 0)

		count("", 2)
		exists(magic, false)
		exists(otc, false)
		exists(usedReset, true)
		exists(consumed, true)
		exists(othersReset, true)
		count("", 0)

		n, err := f.s.DeleteUserOneTimeTokens(f.ctx, "missing", "")
		must(t, "DeleteUserOneTimeTokens(unknown user)", err)
		if n != 0 {
			t.Fatalf("DeleteUserOneTimeTokens(unknown user) removed %d", n)
		}
		// A removed token's (kind, hash) may be issued again.
		again := f.newOneTimeToken(u, store.TokenPasswordReset)
		again.Hash = bytes.Clone(resetA.Hash)
		must(t, "CreateOneTimeToken(hash of a removed token)", f.s.CreateOneTimeToken(f.ctx, again))
	}},
	{"ListUserTokens", func(t *testing.T, f *fx) {
		e := f.env()
		u, v := f.user(e.ID), f.user(e.ID)
		tnA, tnB := f.tenant(e.ID), f.tenant(e.ID)
		invA := f.newOneTimeToken(u, store.TokenInvitation)
		invA.TenantID = tnA.ID
		must(t, "CreateOneTimeToken(invitation A)", f.s.CreateOneTimeToken(f.ctx, invA))
		reset := f.oneTimeToken(u, store.TokenPasswordReset)
		invB := f.newOneTimeToken(u, store.TokenInvitation)
		invB.TenantID = tnB.ID
		invB.UsedAt = ptr(f.now())
		invB.ExpiresAt = at(-time.Hour) // expired and used: still listed
		must(t, "CreateOneTimeToken(invitation B)", f.s.CreateOneTimeToken(f.ctx, invB))
		f.oneTimeToken(v, store.TokenInvitation) // another user's

		got, err := f.s.ListUserOneTimeTokens(f.ctx, u.ID, store.TokenInvitation)
		must(t, "ListUserOneTimeTokens(invitation)", err)
		if len(got) != 2 {
			t.Fatalf("ListUserOneTimeTokens(invitation) = %d tokens, want 2", len(got))
		}
		equal(t, "first invitation (oldest first)", &got[0], invA)
		equal(t, "second invitation", &got[1], invB)

		got, err = f.s.ListUserOneTimeTokens(f.ctx, u.ID, "")
		must(t, "ListUserOneTimeTokens(every kind)", err)
		if len(got) != 3 {
			t.Fatalf("ListUserOneTimeTokens(every kind) = %d tokens, want 3", len(got))
		}
		for i, want := range []*store.OneTimeToken{invA, reset, invB} {
			equal(t, "every kind, in creation order", &got[i], want)
		}
		got, err = f.s.ListUserOneTimeTokens(f.ctx, u.ID, store.TokenMagicLink)
		must(t, "ListUserOneTimeTokens(no tokens of kind)", err)
		if len(got) != 0 {
			t.Fatalf("ListUserOneTimeTokens(no tokens of kind) = %d tokens", len(got))
		}
		got, err = f.s.ListUserOneTimeTokens(f.ctx, "missing", "")
		must(t, "ListUserOneTimeTokens(unknown user)", err)
		if len(got) != 0 {
			t.Fatalf("ListUserOneTimeTokens(unknown user) = %d tokens", len(got))
		}
		// The list is a copy.
		got, err = f.s.ListUserOneTimeTokens(f.ctx, u.ID, store.TokenPasswordReset)
		must(t, "ListUserOneTimeTokens(reset)", err)
		scramble(&got[0])
		again, err := f.s.GetOneTimeToken(f.ctx, reset.ID)
		must(t, "GetOneTimeToken", err)
		equal(t, "token after changing a listed copy", again, reset)
	}},
	{"DeleteToken", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o, other := f.oneTimeToken(u, store.TokenInvitation), f.oneTimeToken(u, store.TokenInvitation)
		used := f.oneTimeToken(u, store.TokenUnlock)
		must(t, "ConsumeOneTimeToken", f.s.ConsumeOneTimeToken(f.ctx, used.ID, f.now()))

		must(t, "DeleteOneTimeToken", f.s.DeleteOneTimeToken(f.ctx, o.ID))
		_, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		wantErr(t, "GetOneTimeToken(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetOneTimeTokenByHash(f.ctx, o.Kind, o.Hash)
		wantErr(t, "GetOneTimeTokenByHash(deleted)", err, store.ErrNotFound)
		must(t, "DeleteOneTimeToken(used)", f.s.DeleteOneTimeToken(f.ctx, used.ID))
		_, err = f.s.GetOneTimeToken(f.ctx, used.ID)
		wantErr(t, "GetOneTimeToken(deleted used)", err, store.ErrNotFound)
		got, err := f.s.GetOneTimeToken(f.ctx, other.ID)
		must(t, "GetOneTimeToken(other)", err)
		equal(t, "token not deleted", got, other)
		listed, err := f.s.ListUserOneTimeTokens(f.ctx, u.ID, "")
		must(t, "ListUserOneTimeTokens", err)
		if len(listed) != 1 || listed[0].ID != other.ID {
			t.Fatalf("ListUserOneTimeTokens after deletes = %+v, want only %s", listed, other.ID)
		}

		wantErr(t, "DeleteOneTimeToken(again)", f.s.DeleteOneTimeToken(f.ctx, o.ID), store.ErrNotFound)
		wantErr(t, "DeleteOneTimeToken(missing)", f.s.DeleteOneTimeToken(f.ctx, "missing"), store.ErrNotFound)
		// A deleted token's (kind, hash) may be issued again.
		reissued := f.newOneTimeToken(u, store.TokenInvitation)
		reissued.Hash = o.Hash
		must(t, "CreateOneTimeToken(hash of a deleted token)", f.s.CreateOneTimeToken(f.ctx, reissued))
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o := f.newOneTimeToken(u, store.TokenEmailVerify)
		o.UsedAt = ptr(f.now())
		id, hash := o.ID, bytes.Clone(o.Hash)
		checkCopies(t, "OneTimeToken", o,
			func(x *store.OneTimeToken) error { return f.s.CreateOneTimeToken(f.ctx, x) },
			func() (*store.OneTimeToken, error) { return f.s.GetOneTimeToken(f.ctx, id) })
		want, err := f.s.GetOneTimeToken(f.ctx, id)
		must(t, "GetOneTimeToken", err)
		byHash, err := f.s.GetOneTimeTokenByHash(f.ctx, store.TokenEmailVerify, hash)
		must(t, "GetOneTimeTokenByHash", err)
		scramble(byHash)
		got, err := f.s.GetOneTimeToken(f.ctx, id)
		must(t, "GetOneTimeToken", err)
		equal(t, "token after changing a copy returned by hash", got, want)
	}},
}
