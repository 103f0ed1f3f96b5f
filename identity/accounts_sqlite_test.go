package identity_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/sqlite"
)

// TestAccountsOnSQLite runs the cascading delete (and its rollback), the
// hierarchy reads and the hierarchy refusals on the SQLite store, in a
// private in-memory database (one connection: a read outside the running
// transaction would deadlock) and in a file.
func TestAccountsOnSQLite(t *testing.T) {
	for _, run := range []struct {
		name string
		fn   func(t *testing.T, e *testEnv)
	}{
		{"DeleteCascades", runDeleteTenantCascades},
		{"DeleteIsOneTransaction", runDeleteTenantIsOneTransaction},
		{"HierarchyReads", func(t *testing.T, e *testEnv) { runHierarchyReads(t, seedHierarchy(t, e)) }},
		{"HierarchyRefusals", func(t *testing.T, e *testEnv) { runHierarchyRefusals(t, seedHierarchy(t, e)) }},
	} {
		for _, dsn := range []string{":memory:", "file"} {
			t.Run(run.name+"/"+dsn, func(t *testing.T) {
				if dsn == "file" {
					dsn = filepath.Join(t.TempDir(), "yolk.db")
				}
				ctx := context.Background()
				st, err := sqlite.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				e := &testEnv{clock: newFakeClock(), outbox: delivery.NewOutbox()}
				if e.id, err = identity.New(st, cheapOptions(e.clock, e.outbox)...); err != nil {
					t.Fatal(err)
				}
				if _, _, err := e.id.EnsureEnvironment(ctx, "", ""); err != nil {
					t.Fatal(err)
				}
				run.fn(t, e)
			})
		}
	}
}
