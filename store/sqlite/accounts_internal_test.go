package sqlite

import (
	"strings"
	"testing"
)

// TestAccountQueriesUseIndexes checks the query plans of the accounts
// API's reads: the alias lookup and each order of QueryTenants walk an
// index (no table scan, no sort), and deleting a tenant's settings
// searches one.
func TestAccountQueriesUseIndexes(t *testing.T) {
	s, err := Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name, index, query string
		args               []any
	}{
		{"tenant by alias", "tenants_env_alias", `SELECT id FROM tenants WHERE env_id = ? AND alias = ? AND alias <> ''`, []any{"e", "acme"}},
		{"tenants by creation", "tenants_env_created", `SELECT id FROM tenants WHERE env_id = ? ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 0`, []any{"e"}},
		{"tenants by name", "tenants_env_name", `SELECT id FROM tenants WHERE env_id = ? ORDER BY name COLLATE NOCASE ASC, id ASC LIMIT 50 OFFSET 0`, []any{"e"}},
		{"tenants by id", "tenants_env_id", `SELECT id FROM tenants WHERE env_id = ? ORDER BY id ASC LIMIT 50 OFFSET 0`, []any{"e"}},
		{"tenant's settings", "settings_env_tenant", `DELETE FROM settings INDEXED BY settings_env_tenant WHERE env_id = ? AND tenant_id = ?`, []any{"e", "t"}},
	} {
		rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+c.query, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "; ")
		if !strings.Contains(joined, "INDEX "+c.index+" ") || strings.Contains(joined, "SCAN") || strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("%s: plan %q does not walk index %s", c.name, joined, c.index)
		}
	}
}
