package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// race runs fn(i) for i in [0, n) on n goroutines released together, and
// returns each call's error by index.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// exactlyOne fails the test unless exactly one of errs is nil and every
// other one is ErrConflict. It returns the index of the winner.
func exactlyOne(t *testing.T, what string, errs []error) int {
	t.Helper()
	winner, wins := -1, 0
	for i, err := range errs {
		switch {
		case err == nil:
			winner = i
			wins++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("%s: call %d failed with %v, want nil or ErrConflict", what, i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%s: %d of %d concurrent calls succeeded, want exactly 1", what, wins, len(errs))
	}
	return winner
}

// timeOf returns a distinct offset for racer i, so the stored time tells
// which racer won.
func timeOf(i int) time.Duration {
	return time.Duration(i)*time.Second + time.Duration(i+1)*time.Microsecond
}

// counter is the Metadata of the tenant the transaction tests increment.
type counter struct {
	N int `json:"n"`
}

// incrementTenant runs one read-modify-write transaction on tenant id's
// Metadata counter. It pauses between the read and the write, widening the
// window in which a store that does not isolate transactions loses updates.
func (f *fx) incrementTenant(envID, id string) error {
	return f.s.InTx(f.ctx, func(tx store.Store) error {
		tn, err := tx.GetTenant(f.ctx, envID, id)
		if err != nil {
			return err
		}
		time.Sleep(time.Millisecond)
		var c counter
		if err := json.Unmarshal([]byte(tn.Metadata), &c); err != nil {
			return fmt.Errorf("tenant metadata %q: %w", tn.Metadata, err)
		}
		c.N++
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		tn.Metadata = string(b)
		return tx.UpdateTenant(f.ctx, tn)
	})
}

// tenantCount returns the counter stored in tenant id's Metadata.
func (f *fx) tenantCount(t *testing.T, envID, id string) int {
	t.Helper()
	tn, err := f.s.GetTenant(f.ctx, envID, id)
	must(t, "GetTenant", err)
	var c counter
	must(t, "decoding the tenant counter", json.Unmarshal([]byte(tn.Metadata), &c))
	return c.N
}

var concurrencyTests = []test{
	{"DistinctUsers", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		const workers, each = 20, 10
		users := make([][]*store.User, workers)
		for w := range users {
			users[w] = make([]*store.User, each)
			for i := range each {
				users[w][i] = f.newUser(e.ID)
			}
		}
		errs := race(workers, func(w int) error {
			for i, u := range users[w] {
				if err := f.s.CreateUser(f.ctx, u); err != nil {
					return err
				}
				// A completed write is visible to every later read,
				// while other goroutines keep writing.
				if _, err := f.s.GetUserByEmail(f.ctx, e.ID, u.Email); err != nil {
					return fmt.Errorf("reading back user %s: %w", u.ID, err)
				}
				m := &store.Membership{UserID: u.ID, TenantID: tn.ID, EnvID: e.ID, CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt}
				if err := f.s.PutMembership(f.ctx, m); err != nil {
					return err
				}
				ms, err := f.s.ListUserMemberships(f.ctx, u.ID)
				if err != nil {
					return err
				}
				if len(ms) != 1 {
					return fmt.Errorf("user %s has %d memberships right after PutMembership, want 1", u.ID, len(ms))
				}
				if i%3 == 0 {
					if _, err := f.s.ListTenantMemberships(f.ctx, tn.ID); err != nil {
						return err
					}
				}
			}
			return nil
		})
		for w, err := range errs {
			must(t, fmt.Sprintf("worker %d", w), err)
		}
		ms, err := f.s.ListTenantMemberships(f.ctx, tn.ID)
		must(t, "ListTenantMemberships", err)
		if len(ms) != workers*each {
			t.Fatalf("%d memberships stored, want %d", len(ms), workers*each)
		}
		seen := make(map[string]bool)
		for _, m := range ms {
			seen[m.UserID] = true
		}
		for _, us := range users {
			for _, u := range us {
				if !seen[u.ID] {
					t.Fatalf("membership of user %s missing", u.ID)
				}
				got, err := f.s.GetUserByEmail(f.ctx, e.ID, u.Email)
				must(t, "GetUserByEmail", err)
				equal(t, "concurrently created user", got, u)
			}
		}
	}},
	{"SameEmail", func(t *testing.T, f *fx) {
		e := f.env()
		const n = 20
		users := make([]*store.User, n)
		for i := range users {
			users[i] = f.newUser(e.ID)
			users[i].Email = "race@example.com"
			if i%2 == 1 {
				users[i].Email = strings.ToUpper(users[i].Email)
			}
		}
		errs := race(n, func(i int) error { return f.s.CreateUser(f.ctx, users[i]) })
		w := exactlyOne(t, "CreateUser with the same e-mail", errs)
		got, err := f.s.GetUserByEmail(f.ctx, e.ID, "Race@Example.com")
		must(t, "GetUserByEmail", err)
		equal(t, "winner", got, users[w])
		for i, u := range users {
			if i == w {
				continue
			}
			_, err := f.s.GetUser(f.ctx, e.ID, u.ID)
			wantErr(t, "GetUser(loser)", err, store.ErrNotFound)
		}
	}},
	{"SameUsername", func(t *testing.T, f *fx) {
		e := f.env()
		const n = 20
		users := make([]*store.User, n)
		for i := range users {
			users[i] = f.newUser(e.ID)
			users[i].Username = "Racer"
		}
		errs := race(n, func(i int) error { return f.s.CreateUser(f.ctx, users[i]) })
		w := exactlyOne(t, "CreateUser with the same username", errs)
		got, err := f.s.GetUserByUsername(f.ctx, e.ID, "racer")
		must(t, "GetUserByUsername", err)
		equal(t, "winner", got, users[w])
	}},
	{"UseRefreshToken", func(t *testing.T, f *fx) {
		_, _, sess := f.sessionFixture()
		rt := f.refreshToken(sess)
		const n = 20
		errs := race(n, func(i int) error { return f.s.UseRefreshToken(f.ctx, rt.ID, at(0).Add(timeOf(i))) })
		w := exactlyOne(t, "UseRefreshToken", errs)
		got, err := f.s.GetRefreshTokenByHash(f.ctx, rt.Hash)
		must(t, "GetRefreshTokenByHash", err)
		want := clone(rt)
		want.UsedAt = ptr(at(0).Add(timeOf(w)))
		equal(t, "token used by the winner", got, want)
	}},
	{"ConsumeOneTimeToken", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o := f.oneTimeToken(u, store.TokenMagicLink)
		const n = 20
		errs := race(n, func(i int) error { return f.s.ConsumeOneTimeToken(f.ctx, o.ID, at(0).Add(timeOf(i))) })
		w := exactlyOne(t, "ConsumeOneTimeToken", errs)
		got, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		want := clone(o)
		want.UsedAt = ptr(at(0).Add(timeOf(w)))
		equal(t, "token consumed by the winner", got, want)
	}},
	{"IncrementAttempts", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		o := f.oneTimeToken(u, store.TokenOTC)
		const n = 50
		counts := make([]int, n)
		errs := race(n, func(i int) error {
			var err error
			counts[i], err = f.s.IncrementOneTimeTokenAttempts(f.ctx, o.ID)
			return err
		})
		for i, err := range errs {
			must(t, fmt.Sprintf("IncrementOneTimeTokenAttempts #%d", i), err)
		}
		slices.Sort(counts)
		for i, c := range counts {
			if c != i+1 {
				t.Fatalf("concurrent increments returned %v, want each of 1..%d once", counts, n)
			}
		}
		got, err := f.s.GetOneTimeToken(f.ctx, o.ID)
		must(t, "GetOneTimeToken", err)
		if got.Attempts != n {
			t.Fatalf("Attempts = %d after %d concurrent increments", got.Attempts, n)
		}
	}},
	{"TransactionsDoNotLoseUpdates", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.newTenant(e.ID)
		tn.Metadata = `{"n":0}`
		must(t, "CreateTenant", f.s.CreateTenant(f.ctx, tn))
		const workers, each = 10, 5
		errs := race(workers, func(int) error {
			for range each {
				if err := f.incrementTenant(e.ID, tn.ID); err != nil {
					return err
				}
			}
			return nil
		})
		for w, err := range errs {
			must(t, fmt.Sprintf("worker %d", w), err)
		}
		if n := f.tenantCount(t, e.ID, tn.ID); n != workers*each {
			t.Fatalf("counter = %d after %d read-modify-write transactions", n, workers*each)
		}
	}},
	{"TransactionsAndPlainWrites", func(t *testing.T, f *fx) {
		// Writes made outside transactions while transactions run are
		// neither lost nor overwritten when the transactions commit.
		e := f.env()
		tn := f.newTenant(e.ID)
		tn.Metadata = `{"n":0}`
		must(t, "CreateTenant", f.s.CreateTenant(f.ctx, tn))
		const txWorkers, txEach, plainWorkers, plainEach = 5, 5, 5, 10
		users := make([][]*store.User, plainWorkers)
		for w := range users {
			for range plainEach {
				users[w] = append(users[w], f.newUser(e.ID))
			}
		}
		errs := race(txWorkers+plainWorkers, func(w int) error {
			if w < txWorkers {
				for range txEach {
					if err := f.incrementTenant(e.ID, tn.ID); err != nil {
						return err
					}
				}
				return nil
			}
			for _, u := range users[w-txWorkers] {
				if err := f.s.CreateUser(f.ctx, u); err != nil {
					return err
				}
				// Reads outside the transactions see committed data.
				if _, err := f.s.GetUser(f.ctx, e.ID, u.ID); err != nil {
					return fmt.Errorf("reading back user %s: %w", u.ID, err)
				}
				if _, err := f.s.GetTenant(f.ctx, e.ID, tn.ID); err != nil {
					return err
				}
			}
			return nil
		})
		for w, err := range errs {
			must(t, fmt.Sprintf("worker %d", w), err)
		}
		if n := f.tenantCount(t, e.ID, tn.ID); n != txWorkers*txEach {
			t.Fatalf("counter = %d after %d transactions", n, txWorkers*txEach)
		}
		for _, us := range users {
			for _, u := range us {
				_, err := f.s.GetUser(f.ctx, e.ID, u.ID)
				must(t, "GetUser(created beside transactions)", err)
			}
		}
	}},
}
