package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/sqlite"
)

// Open a database file (created, and migrated, on first use), store a tenant
// and read it back.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "yolk-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := sqlite.Open(ctx, filepath.Join(dir, "yolk.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	now := time.Now()
	err = s.CreateTenant(ctx, &store.Tenant{
		ID: "acme", EnvID: "env-1", Name: "Acme Inc.", CreatedAt: now, UpdatedAt: now,
	})
	if err != nil {
		log.Fatal(err)
	}
	t, err := s.GetTenant(ctx, "env-1", "acme")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Name)
	// Output: Acme Inc.
}
