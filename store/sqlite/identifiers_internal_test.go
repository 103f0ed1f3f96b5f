package sqlite

import (
	"strings"
	"testing"
)

// TestIdentifierLookupsUseIndexes checks the query plans of the identifier
// lookups: each filter is served by an index, not a table scan.
func TestIdentifierLookupsUseIndexes(t *testing.T) {
	s, err := Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name, index, query string
		args               []any
	}{
		{"additional e-mail by address", "user_emails_env_email", `SELECT id FROM user_emails WHERE env_id = ? AND email_key = ?`, []any{"e", "a@x"}},
		{"primary entries by address", "users_env_email", `SELECT id FROM users WHERE email_key <> '' AND env_id = ? AND email_key = ?`, []any{"e", "a@x"}},
		{"user's e-mails", "user_emails_user", `SELECT id FROM user_emails WHERE env_id = ? AND user_id = ?`, []any{"e", "u"}},
		{"phone numbers by number", "user_phone_numbers_env_number", `SELECT id FROM user_phone_numbers WHERE env_id = ? AND phone_number = ? ORDER BY created_at, id`, []any{"e", "+1"}},
		{"user's phone numbers", "user_phone_numbers_user_created", `SELECT id FROM user_phone_numbers WHERE user_id = ? AND env_id = ? ORDER BY created_at, id`, []any{"u", "e"}},
		{"usernames by prefix", "users_env_username", `SELECT id FROM users WHERE env_id = ? AND username_key <> '' AND username_key >= ? AND username_key < ? ORDER BY username_key`, []any{"e", "al", "am"}},
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
		if !strings.Contains(joined, "INDEX "+c.index+" ") || strings.Contains(joined, "SCAN") {
			t.Errorf("%s: plan %q does not search index %s", c.name, joined, c.index)
		}
	}
}
