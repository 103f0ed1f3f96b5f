package sqlite

import (
	"strings"
	"testing"
)

// TestActiveSessionQueriesUseIndex checks that listing and revoking a
// user's live sessions search the partial index of live sessions (0012),
// not the table nor every session the user ever had.
func TestActiveSessionQueriesUseIndex(t *testing.T) {
	s, err := Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct{ name, query string }{
		{"list active", `SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, rowid DESC`},
		{"revoke all", `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?`},
	} {
		args := []any{"u", int64(1)}
		if strings.HasPrefix(c.query, "UPDATE") {
			args = []any{int64(1), "u", "s"}
		}
		rows, err := s.w.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+c.query, args...)
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
		if !strings.Contains(joined, "INDEX sessions_user_active ") || strings.Contains(joined, "SCAN") {
			t.Errorf("%s: plan %q does not search index sessions_user_active", c.name, joined)
		}
	}
}
