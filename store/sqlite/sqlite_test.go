package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/sqlite"
	"github.com/yolkauth/yolk/store/storetest"
)

// openFile opens a fresh file database in a temporary directory.
func openFile(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openMemory opens a fresh in-memory database.
func openMemory(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// TestConformanceFile runs the shared suite against a fresh file database
// (in a temporary directory) per subtest.
func TestConformanceFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openFile(t) })
}

// TestConformanceMemory runs the shared suite against a fresh ":memory:"
// database per subtest.
func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openMemory(t) })
}

// ts is a fixed time with a microsecond fraction, in a non-UTC zone.
var ts = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", -7*3600))

func TestDataSurvivesReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "reopen.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{ID: "u1", EnvID: "e1", Email: "a@b.c", CreatedAt: ts, UpdatedAt: ts, LastLogin: &ts}
	sess := &store.Session{ID: "s1", EnvID: "e1", UserID: "u1", AMR: []string{"pwd", "otp"}, AuthTime: ts,
		CreatedAt: ts, LastUsedAt: ts, ExpiresAt: ts.Add(time.Hour)}
	rt := &store.RefreshToken{ID: "r1", SessionID: "s1", EnvID: "e1", Hash: []byte("h1"), CreatedAt: ts, ExpiresAt: ts}
	for _, err := range []error{
		s.CreateTenant(ctx, &store.Tenant{ID: "t1", EnvID: "e1", Name: "Acme", CreatedAt: ts, UpdatedAt: ts}),
		s.CreateUser(ctx, u),
		s.CreateSession(ctx, sess),
		s.CreateRefreshToken(ctx, rt),
		s.PutConfig(ctx, &store.EnvConfig{EnvID: "e1", DefaultTokenExpiration: 300, CookieSameSite: "LAX", UpdatedAt: ts}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("re-open: %v", err)
	}
	defer s.Close()
	tn, err := s.GetTenant(ctx, "e1", "t1")
	if err != nil || tn.Name != "Acme" {
		t.Errorf("tenant after re-open: %+v, %v", tn, err)
	}
	gu, err := s.GetUserByEmail(ctx, "e1", "A@B.C")
	if err != nil {
		t.Fatalf("user after re-open: %v", err)
	}
	want := ts.Truncate(time.Microsecond).UTC()
	if gu.CreatedAt != want || gu.LastLogin == nil || *gu.LastLogin != want {
		t.Errorf("user times after re-open: created %v, last login %v, want %v in UTC", gu.CreatedAt, gu.LastLogin, want)
	}
	gs, err := s.GetSession(ctx, "s1")
	if err != nil || len(gs.AMR) != 2 || gs.AMR[1] != "otp" {
		t.Errorf("session after re-open: %+v, %v", gs, err)
	}
	gr, err := s.GetRefreshTokenByHash(ctx, []byte("h1"))
	if err != nil || gr.ID != "r1" {
		t.Errorf("refresh token after re-open: %+v, %v", gr, err)
	}
	cfg, err := s.GetConfig(ctx, "e1")
	if err != nil || cfg.DefaultTokenExpiration != 300 || cfg.CookieSameSite != "LAX" || cfg.EnvID != "e1" || cfg.UpdatedAt != want {
		t.Errorf("config after re-open: %+v, %v", cfg, err)
	}
}

func TestMemoryIsOneDatabase(t *testing.T) {
	s := openMemory(t)
	ctx := t.Context()
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("t%02d", i)
			if err := s.CreateTenant(ctx, &store.Tenant{ID: id, EnvID: "e"}); err != nil {
				errs <- err
				return
			}
			if _, err := s.GetTenant(ctx, "e", id); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ts, err := s.ListTenants(ctx, "e")
	if err != nil || len(ts) != n {
		t.Fatalf("ListTenants: %d tenants, %v; want %d in one database", len(ts), err, n)
	}
}

// TestConcurrentWritersAndReaders runs read-modify-write transactions from
// many goroutines against a file database while others read outside any
// transaction: no call may fail (no SQLITE_BUSY) and no update may be lost.
func TestConcurrentWritersAndReaders(t *testing.T) {
	s := openFile(t)
	ctx := t.Context()
	if err := s.CreateTenant(ctx, &store.Tenant{ID: "c", EnvID: "e", Metadata: "0"}); err != nil {
		t.Fatal(err)
	}
	const writers, rounds, readers = 8, 25, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	for range writers {
		wg.Go(func() {
			for range rounds {
				err := s.InTx(ctx, func(tx store.Store) error {
					tn, err := tx.GetTenant(ctx, "e", "c")
					if err != nil {
						return err
					}
					n, err := strconv.Atoi(tn.Metadata)
					if err != nil {
						return err
					}
					tn.Metadata = strconv.Itoa(n + 1)
					return tx.UpdateTenant(ctx, tn)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range rounds {
				if _, err := s.GetTenant(ctx, "e", "c"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tn, err := s.GetTenant(ctx, "e", "c")
	if err != nil {
		t.Fatal(err)
	}
	if tn.Metadata != strconv.Itoa(writers*rounds) {
		t.Errorf("counter = %s, want %d", tn.Metadata, writers*rounds)
	}
}

func TestNestedInTxSavepoint(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *sqlite.Store{"file": openFile, "memory": openMemory} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := t.Context()
			inner := errors.New("inner failed")
			err := s.InTx(ctx, func(tx store.Store) error {
				if err := tx.CreateTenant(ctx, &store.Tenant{ID: "outer", EnvID: "e"}); err != nil {
					return err
				}
				err := tx.InTx(ctx, func(tx2 store.Store) error {
					if err := tx2.CreateTenant(ctx, &store.Tenant{ID: "rolled-back", EnvID: "e"}); err != nil {
						return err
					}
					return inner
				})
				if !errors.Is(err, inner) {
					return fmt.Errorf("nested InTx returned %v, want the fn's error", err)
				}
				if _, err := tx.GetTenant(ctx, "e", "rolled-back"); !errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("failed nested write still visible: %v", err)
				}
				return tx.InTx(ctx, func(tx2 store.Store) error {
					return tx2.CreateTenant(ctx, &store.Tenant{ID: "kept", EnvID: "e"})
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range map[string]error{"outer": nil, "kept": nil, "rolled-back": store.ErrNotFound} {
				if _, err := s.GetTenant(ctx, "e", id); !errors.Is(err, want) {
					t.Errorf("tenant %s: err %v, want %v", id, err, want)
				}
			}
		})
	}
}

func TestInTxPanicRollsBack(t *testing.T) {
	s := openFile(t)
	ctx := t.Context()
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the fn's panic", r)
			}
		}()
		_ = s.InTx(ctx, func(tx store.Store) error {
			if err := tx.CreateTenant(ctx, &store.Tenant{ID: "p", EnvID: "e"}); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if _, err := s.GetTenant(ctx, "e", "p"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("write of a panicking transaction survived: %v", err)
	}
	// The writer connection is usable again.
	if err := s.CreateTenant(ctx, &store.Tenant{ID: "after", EnvID: "e"}); err != nil {
		t.Errorf("write after a panicking transaction: %v", err)
	}
}

func TestTxStoreCloseIsRefused(t *testing.T) {
	s := openMemory(t)
	ctx := t.Context()
	err := s.InTx(ctx, func(tx store.Store) error {
		if tx.Close() == nil {
			return errors.New("Close on the transaction's Store succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListTenants(ctx, "e"); err != nil {
		t.Errorf("store unusable after a refused Close: %v", err)
	}
}

func TestInTxCanceledContext(t *testing.T) {
	s := openFile(t)
	ctx, cancel := context.WithCancel(t.Context())
	err := s.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateTenant(ctx, &store.Tenant{ID: "x", EnvID: "e"}); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if err == nil {
		t.Fatal("InTx committed after its context was canceled")
	}
	if _, err := s.GetTenant(t.Context(), "e", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("write of a canceled transaction survived: %v", err)
	}
	if err := s.CreateTenant(t.Context(), &store.Tenant{ID: "y", EnvID: "e"}); err != nil {
		t.Errorf("write after a canceled transaction: %v", err)
	}
}

func TestCascades(t *testing.T) {
	s := openFile(t)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateTenant(ctx, &store.Tenant{ID: "t1", EnvID: "e"}))
	must(s.CreateTenant(ctx, &store.Tenant{ID: "t2", EnvID: "e"}))
	must(s.CreateUser(ctx, &store.User{ID: "u1", EnvID: "e", Email: "u1@x"}))
	must(s.CreateUser(ctx, &store.User{ID: "u2", EnvID: "e", Email: "u2@x"}))
	must(s.PutMembership(ctx, &store.Membership{UserID: "u1", TenantID: "t1", EnvID: "e"}))
	must(s.PutMembership(ctx, &store.Membership{UserID: "u2", TenantID: "t1", EnvID: "e"}))
	must(s.PutMembership(ctx, &store.Membership{UserID: "u2", TenantID: "t2", EnvID: "e"}))
	must(s.PutPassword(ctx, &store.PasswordCredential{UserID: "u1", Hash: "h"}))
	must(s.CreateSession(ctx, &store.Session{ID: "s1", EnvID: "e", UserID: "u1"}))
	must(s.CreateRefreshToken(ctx, &store.RefreshToken{ID: "r1", SessionID: "s1", Hash: []byte("r1")}))

	must(s.DeleteUser(ctx, "e", "u1"))
	if _, err := s.GetMembership(ctx, "u1", "t1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("membership of deleted user: %v", err)
	}
	if _, err := s.GetPassword(ctx, "u1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("password of deleted user: %v", err)
	}
	if _, err := s.GetSession(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of deleted user: %v", err)
	}
	if _, err := s.GetRefreshTokenByHash(ctx, []byte("r1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("refresh token of deleted user: %v", err)
	}

	must(s.DeleteTenant(ctx, "e", "t1"))
	if _, err := s.GetMembership(ctx, "u2", "t1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("membership in deleted tenant: %v", err)
	}
	if _, err := s.GetMembership(ctx, "u2", "t2"); err != nil {
		t.Errorf("membership in another tenant was removed: %v", err)
	}
}

// TestTwoStoresOneFile opens the same file twice, as two processes would,
// and increments one counter from both: BEGIN IMMEDIATE and busy_timeout
// must serialize the transactions without SQLITE_BUSY or lost updates.
func TestTwoStoresOneFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores [2]*sqlite.Store
	for i := range stores {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	if err := stores[0].CreateTenant(ctx, &store.Tenant{ID: "c", EnvID: "e", Metadata: "0"}); err != nil {
		t.Fatal(err)
	}
	const perStore, rounds = 3, 10
	var wg sync.WaitGroup
	errs := make(chan error, 2*perStore)
	for _, s := range stores {
		for range perStore {
			wg.Go(func() {
				for range rounds {
					err := s.InTx(ctx, func(tx store.Store) error {
						tn, err := tx.GetTenant(ctx, "e", "c")
						if err != nil {
							return err
						}
						n, err := strconv.Atoi(tn.Metadata)
						if err != nil {
							return err
						}
						tn.Metadata = strconv.Itoa(n + 1)
						return tx.UpdateTenant(ctx, tn)
					})
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tn, err := stores[1].GetTenant(ctx, "e", "c")
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa(2 * perStore * rounds); tn.Metadata != want {
		t.Errorf("counter = %s, want %s", tn.Metadata, want)
	}
}
