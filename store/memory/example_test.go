package memory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/memory"
)

// signUp is application code under test: it creates a user and a personal
// tenant in one transaction, depending only on the store.Store interface.
func signUp(ctx context.Context, s store.Store, envID, email string, now time.Time) (*store.User, error) {
	name, _, _ := strings.Cut(email, "@")
	u := &store.User{ID: "user-" + name, EnvID: envID, Email: email, Provider: "local",
		ActiveTenantID: "tenant-" + name, CreatedAt: now, UpdatedAt: now}
	err := s.InTx(ctx, func(tx store.Store) error {
		t := &store.Tenant{ID: u.ActiveTenantID, EnvID: envID, Name: name, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateTenant(ctx, t); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err // rolls back the tenant too
		}
		return tx.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: t.ID, EnvID: envID,
			RoleIDs: []string{"admin"}, CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		return nil, fmt.Errorf("sign up %s: %w", email, err)
	}
	return u, nil
}

// In an application's unit test, each test gets its own empty store from
// memory.New: no files, no setup, no cleanup beyond the garbage collector.
func Example() {
	ctx := context.Background()
	s := memory.New() // in a real test: one per test function
	defer s.Close()
	now := time.Date(2025, time.January, 2, 15, 4, 5, 0, time.UTC)
	if err := s.CreateEnvironment(ctx, &store.Environment{ID: "env", ClientID: "client",
		CreatedAt: now, UpdatedAt: now}); err != nil {
		fmt.Println(err)
		return
	}

	u, err := signUp(ctx, s, "env", "Ada@Example.com", now)
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := s.GetUserByEmail(ctx, "env", "ada@example.com") // case-insensitive
	if err != nil {
		fmt.Println(err)
		return
	}
	ms, err := s.ListUserMemberships(ctx, u.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.ID, got.Email, ms[0].TenantID, ms[0].RoleIDs)

	// Signing up the same address again fails on the e-mail, and the
	// transaction rolls back the tenant it had already created.
	_, err = signUp(ctx, s, "env", "ADA@example.com", now)
	fmt.Println(errors.Is(err, store.ErrConflict))
	tenants, err := s.ListTenants(ctx, "env")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tenants), "tenant")
	// Output:
	// user-Ada Ada@Example.com tenant-Ada [admin]
	// true
	// 1 tenant
}
