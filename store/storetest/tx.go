package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// errRollback is returned from transaction functions to force a rollback.
var errRollback = errors.New("storetest: roll back")

// userAndMembership creates a user of envID and its membership in tenantID
// through s, returning both.
func (f *fx) userAndMembership(s store.Store, envID, tenantID string) (*store.User, *store.Membership, error) {
	u := f.newUser(envID)
	if err := s.CreateUser(f.ctx, u); err != nil {
		return nil, nil, err
	}
	m := &store.Membership{UserID: u.ID, TenantID: tenantID, EnvID: envID, RoleIDs: []string{"r"},
		CreatedAt: f.now(), UpdatedAt: f.now()}
	if err := s.PutMembership(f.ctx, m); err != nil {
		return nil, nil, err
	}
	return u, m, nil
}

// absent fails the test unless neither u nor its membership in tenantID
// exist.
func (f *fx) absent(t *testing.T, what string, u *store.User, tenantID string) {
	t.Helper()
	_, err := f.s.GetUser(f.ctx, u.EnvID, u.ID)
	wantErr(t, what+": GetUser", err, store.ErrNotFound)
	_, err = f.s.GetUserByEmail(f.ctx, u.EnvID, u.Email)
	wantErr(t, what+": GetUserByEmail", err, store.ErrNotFound)
	_, err = f.s.GetMembership(f.ctx, u.ID, tenantID)
	wantErr(t, what+": GetMembership", err, store.ErrNotFound)
	ms, err := f.s.ListTenantMemberships(f.ctx, tenantID)
	must(t, what+": ListTenantMemberships", err)
	for _, m := range ms {
		if m.UserID == u.ID {
			t.Fatalf("%s: tenant still lists the membership of %s", what, u.ID)
		}
	}
}

var transactionTests = []test{
	{"Commit", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		var u *store.User
		var m *store.Membership
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			var err error
			u, m, err = f.userAndMembership(tx, e.ID, tn.ID)
			return err
		})
		must(t, "InTx", err)
		f.userByAll(t, "user committed", u, u)
		got, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		equal(t, "membership committed", got, m)
	}},
	{"Rollback", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		keep := f.user(e.ID)
		var u *store.User
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			var err error
			if u, _, err = f.userAndMembership(tx, e.ID, tn.ID); err != nil {
				return err
			}
			upd := clone(keep)
			upd.Name = "changed in a rolled back transaction"
			if err := tx.UpdateUser(f.ctx, upd); err != nil {
				return err
			}
			if err := tx.DeleteTenant(f.ctx, e.ID, tn.ID); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx returned %v, want the error of fn (%v)", err, errRollback)
		}
		f.absent(t, "after rollback", u, tn.ID)
		f.userByAll(t, "user updated in a rolled back transaction", keep, keep)
		got, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		must(t, "GetTenant(deleted in a rolled back transaction)", err)
		equal(t, "tenant deleted in a rolled back transaction", got, tn)
		// The e-mail used inside the rolled back transaction is free.
		again := f.newUser(e.ID)
		again.Email = u.Email
		must(t, "CreateUser(e-mail of a rolled back user)", f.s.CreateUser(f.ctx, again))
	}},
	{"RollbackCascades", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		u := f.user(e.ID)
		m := f.membership(u, tn)
		pw := &store.PasswordCredential{UserID: u.ID, Hash: "$argon2id$h", UpdatedAt: f.now()}
		must(t, "PutPassword", f.s.PutPassword(f.ctx, pw))
		sess := f.session(u, tn.ID)
		rt := f.refreshToken(sess)
		o := f.oneTimeToken(u, store.TokenOTC)
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := tx.UseRefreshToken(f.ctx, rt.ID, f.now()); err != nil {
				return err
			}
			if err := tx.ConsumeOneTimeToken(f.ctx, o.ID, f.now()); err != nil {
				return err
			}
			if _, err := tx.IncrementOneTimeTokenAttempts(f.ctx, o.ID); err != nil {
				return err
			}
			if err := tx.RevokeSession(f.ctx, sess.ID, f.now()); err != nil {
				return err
			}
			if err := tx.DeleteUser(f.ctx, e.ID, u.ID); err != nil {
				return err
			}
			if _, err := tx.GetUser(f.ctx, e.ID, u.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetUser inside the transaction after DeleteUser: err = %v, want ErrNotFound", err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx returned %v, want %v", err, errRollback)
		}
		f.userByAll(t, "user deleted in a rolled back transaction", u, u)
		gotM, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		equal(t, "membership", gotM, m)
		gotPw, err := f.s.GetPassword(f.ctx, u.ID)
		must(t, "GetPassword", err)
		equal(t, "password", gotPw, pw)
		gotS, err := f.s.GetSession(f.ctx, sess.ID)
		must(t, "GetSession", err)
		equal(t, "session", gotS, sess)
		gotRt, err := f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
		must(t, "GetRefreshTokenByHash", err)
		equal(t, "refresh token", gotRt, rt)
		gotO, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		equal(t, "one-time token", gotO, o)
		// The compare-and-sets rolled back too: the token is usable again.
		must(t, "UseRefreshToken after rollback", f.s.UseRefreshToken(f.ctx, rt.ID, f.now()))
		must(t, "ConsumeOneTimeToken after rollback", f.s.ConsumeOneTimeToken(f.ctx, o.ID, f.now()))
	}},
	{"ConflictInside", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		taken := f.user(e.ID)
		var u *store.User
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			var err error
			if u, _, err = f.userAndMembership(tx, e.ID, tn.ID); err != nil {
				return err
			}
			dup := f.newUser(e.ID)
			dup.Email = taken.Email
			return tx.CreateUser(f.ctx, dup)
		})
		wantErr(t, "InTx with a conflicting write", err, store.ErrConflict)
		f.absent(t, "after a transaction that failed on a conflict", u, tn.ID)
	}},
	{"ReadYourWrites", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			u, m, err := f.userAndMembership(tx, e.ID, tn.ID)
			if err != nil {
				return err
			}
			got, err := tx.GetUser(f.ctx, e.ID, u.ID)
			must(t, "GetUser inside the transaction", err)
			equal(t, "GetUser inside the transaction", got, u)
			got, err = tx.GetUserByEmail(f.ctx, e.ID, u.Email)
			must(t, "GetUserByEmail inside the transaction", err)
			equal(t, "GetUserByEmail inside the transaction", got, u)
			ms, err := tx.ListTenantMemberships(f.ctx, tn.ID)
			must(t, "ListTenantMemberships inside the transaction", err)
			if len(ms) != 1 {
				t.Fatalf("ListTenantMemberships inside the transaction returned %d, want 1", len(ms))
			}
			equal(t, "membership inside the transaction", &ms[0], m)
			// A uniqueness rule sees the uncommitted user.
			dup := f.newUser(e.ID)
			dup.Email = u.Email
			wantErr(t, "CreateUser(e-mail taken inside the transaction)", tx.CreateUser(f.ctx, dup), store.ErrConflict)

			upd := clone(tn)
			upd.Name = "renamed inside"
			must(t, "UpdateTenant inside the transaction", tx.UpdateTenant(f.ctx, upd))
			gotT, err := tx.GetTenant(f.ctx, e.ID, tn.ID)
			must(t, "GetTenant inside the transaction", err)
			equal(t, "tenant inside the transaction", gotT, upd)
			tn = upd
			return nil
		})
		must(t, "InTx", err)
		got, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		must(t, "GetTenant after commit", err)
		equal(t, "tenant after commit", got, tn)
	}},
	{"Isolation", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		var u *store.User
		seen := make(chan error, 1)
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			var err error
			if u, _, err = f.userAndMembership(tx, e.ID, tn.ID); err != nil {
				return err
			}
			// A reader outside the transaction must not see its
			// uncommitted writes. It may also wait until the
			// transaction ends; either way it cannot find the user.
			go func() {
				_, err := f.s.GetUser(f.ctx, e.ID, u.ID)
				seen <- err
			}()
			select {
			case err := <-seen:
				seen <- err
			case <-time.After(100 * time.Millisecond):
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx returned %v, want %v", err, errRollback)
		}
		select {
		case err := <-seen:
			wantErr(t, "GetUser outside an open transaction", err, store.ErrNotFound)
		case <-time.After(10 * time.Second):
			t.Fatal("a read outside the transaction did not finish after the transaction ended")
		}
	}},
	{"Nested", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)

		// The inner InTx joins the outer transaction: when the outer one
		// rolls back, the inner writes go too.
		var inner *store.User
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			outer, _, err := f.userAndMembership(tx, e.ID, tn.ID)
			if err != nil {
				return err
			}
			err = tx.InTx(f.ctx, func(tx2 store.Store) error {
				// The inner transaction sees the outer one's writes.
				if _, err := tx2.GetUser(f.ctx, e.ID, outer.ID); err != nil {
					t.Errorf("inner InTx cannot see the outer transaction's user: %v", err)
				}
				var err error
				inner, _, err = f.userAndMembership(tx2, e.ID, tn.ID)
				return err
			})
			if err != nil {
				return err
			}
			if _, err := tx.GetUser(f.ctx, e.ID, inner.ID); err != nil {
				t.Errorf("outer transaction cannot see the inner one's user: %v", err)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx returned %v, want %v", err, errRollback)
		}
		if inner == nil {
			t.Fatal("inner InTx did not run")
		}
		f.absent(t, "inner write after the outer transaction rolled back", inner, tn.ID)

		// And both commit together.
		var a, b *store.User
		err = f.s.InTx(f.ctx, func(tx store.Store) error {
			var err error
			if a, _, err = f.userAndMembership(tx, e.ID, tn.ID); err != nil {
				return err
			}
			return tx.InTx(f.ctx, func(tx2 store.Store) error {
				var err error
				b, _, err = f.userAndMembership(tx2, e.ID, tn.ID)
				return err
			})
		})
		must(t, "nested InTx", err)
		f.userByAll(t, "outer user", a, a)
		f.userByAll(t, "inner user", b, b)
	}},
	{"Panic", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		type boom struct{ msg string }
		var u *store.User
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("InTx swallowed the panic of fn")
				}
				if b, ok := r.(boom); !ok || b.msg != "kaboom" {
					t.Fatalf("InTx re-panicked with %#v, want the original value", r)
				}
			}()
			_ = f.s.InTx(f.ctx, func(tx store.Store) error {
				var err error
				if u, _, err = f.userAndMembership(tx, e.ID, tn.ID); err != nil {
					t.Errorf("writes inside the transaction: %v", err)
				}
				panic(boom{"kaboom"})
			})
		}()
		if u == nil {
			t.Fatal("fn did not run")
		}
		f.absent(t, "after a panic", u, tn.ID)

		// The store is still usable, in and out of transactions.
		f.user(e.ID)
		var v *store.User
		must(t, "InTx after a panic", f.s.InTx(f.ctx, func(tx store.Store) error {
			var err error
			v, _, err = f.userAndMembership(tx, e.ID, tn.ID)
			return err
		}))
		f.userByAll(t, "user written after a panic", v, v)
	}},
	{"Sequential", func(t *testing.T, f *fx) {
		// Many short transactions, alternating commit and rollback, keep
		// exactly the committed writes.
		e := f.env()
		tn := f.tenant(e.ID)
		var committed, rolledBack []*store.User
		for i := range 10 {
			var u *store.User
			err := f.s.InTx(f.ctx, func(tx store.Store) error {
				var err error
				if u, _, err = f.userAndMembership(tx, e.ID, tn.ID); err != nil {
					return err
				}
				if i%2 == 1 {
					return errRollback
				}
				return nil
			})
			if i%2 == 1 {
				if !errors.Is(err, errRollback) {
					t.Fatalf("InTx returned %v, want %v", err, errRollback)
				}
				rolledBack = append(rolledBack, u)
			} else {
				must(t, "InTx", err)
				committed = append(committed, u)
			}
		}
		for _, u := range committed {
			f.userByAll(t, "committed user", u, u)
		}
		for _, u := range rolledBack {
			f.absent(t, "rolled back user", u, tn.ID)
		}
		ms, err := f.s.ListTenantMemberships(f.ctx, tn.ID)
		must(t, "ListTenantMemberships", err)
		if len(ms) != len(committed) {
			t.Fatalf("tenant has %d memberships, want %d", len(ms), len(committed))
		}
	}},
}
