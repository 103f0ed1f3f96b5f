package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/yolkauth/yolk/store"
)

// ListUsersByUsername returns envID's users that have a username and match
// f, ordered by lower-cased username.
func (s *Store) ListUsersByUsername(ctx context.Context, envID string, f store.UsernameFilter) ([]store.User, error) {
	out := []store.User{}
	err := s.read(ctx, func(st *state) error {
		prefix := strings.ToLower(f.Prefix)
		var names map[string]bool
		if f.Usernames != nil {
			names = map[string]bool{}
			for _, n := range f.Usernames {
				names[strings.ToLower(n)] = true
			}
		}
		for _, u := range st.usersOf(envID, f.UserIDs) {
			key := strings.ToLower(u.Username)
			if u.Username == "" || !strings.HasPrefix(key, prefix) || (names != nil && !names[key]) {
				continue
			}
			out = append(out, *cpUser(u))
		}
		slices.SortStableFunc(out, func(a, b store.User) int {
			return cmp.Compare(strings.ToLower(a.Username), strings.ToLower(b.Username))
		})
		return nil
	})
	return out, err
}
