package sqlite

import (
	"context"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

// ListUsersByUsername returns envID's users that have a username and match
// f, ordered by lower-cased username. A prefix is a range scan of the
// (env_id, username_key) index.
func (s *Store) ListUsersByUsername(ctx context.Context, envID string, f store.UsernameFilter) ([]store.User, error) {
	ids, err := jsonIDs(f.UserIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list users by username: %w", err)
	}
	var names any
	if f.Usernames != nil {
		keys := make([]string, len(f.Usernames))
		for i, n := range f.Usernames {
			keys[i] = foldKey(n)
		}
		if names, err = jsonIDs(keys); err != nil {
			return nil, fmt.Errorf("sqlite: list users by username: %w", err)
		}
	}
	where, args := "env_id = ? AND username_key <> ''", []any{envID}
	if f.Prefix != "" {
		lo, hi := prefixRange(foldKey(f.Prefix))
		where, args = where+" AND username_key >= ? AND username_key < ?", append(args, lo, hi)
	}
	if ids != nil {
		where, args = where+" AND id IN (SELECT value FROM json_each(?))", append(args, ids)
	}
	if names != nil {
		where, args = where+" AND username_key IN (SELECT value FROM json_each(?))", append(args, names)
	}
	return list(ctx, s.r, "list users by username", scanUser,
		`SELECT `+userColumns+` FROM users WHERE `+where+` ORDER BY username_key`, args...)
}

// prefixRange returns the bounds [lo, hi) of the keys starting with prefix
// under byte-wise (BINARY) comparison; both are "" for an empty prefix.
// The last byte of a UTF-8 string is never 0xFF, so incrementing it gives
// the smallest string above every extension of the prefix.
func prefixRange(prefix string) (lo, hi string) {
	if prefix == "" {
		return "", ""
	}
	b := []byte(prefix)
	b[len(b)-1]++
	return prefix, string(b)
}
