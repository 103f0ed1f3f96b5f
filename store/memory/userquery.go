package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yolkauth/yolk/store"
)

// ListUsers returns one page of the users q selects, in q's order, and how
// many users q selects in all. It scans the environment's users: the memory
// store is meant for tests and small data sets.
func (s *Store) ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, int, error) {
	less, err := userOrder(q.SortBy)
	if err != nil {
		return nil, 0, err
	}
	var out []store.User
	total := 0
	err = s.read(ctx, func(st *state) error {
		var picked []*store.User
		for _, u := range st.queryCandidates(q) {
			if matchUser(u, q) {
				picked = append(picked, u)
			}
		}
		slices.SortFunc(picked, func(a, b *store.User) int {
			c := less(a, b)
			if c == 0 {
				c = cmp.Compare(a.ID, b.ID)
			}
			if q.Descending {
				return -c
			}
			return c
		})
		total = len(picked)
		lo := min(max(q.Offset, 0), total)
		hi := total
		if q.Limit > 0 {
			hi = min(lo+q.Limit, total)
		}
		out = make([]store.User, 0, hi-lo)
		for _, u := range picked[lo:hi] {
			out = append(out, *cpUser(u))
		}
		return nil
	})
	return out, total, err
}

// queryCandidates returns the users of q's environment that can match:
// the members of q.TenantIDs when set, else every user of the environment.
func (st *state) queryCandidates(q store.UserQuery) []*store.User {
	var out []*store.User
	if len(q.TenantIDs) > 0 {
		seen := map[string]bool{}
		for _, tid := range q.TenantIDs {
			for _, uid := range st.membersByTenant.ids(tid) {
				if u, ok := st.users[uid]; ok && u.EnvID == q.EnvID && !seen[uid] {
					seen[uid] = true
					out = append(out, u)
				}
			}
		}
		return out
	}
	for _, u := range st.users {
		if u.EnvID == q.EnvID {
			out = append(out, u)
		}
	}
	return out
}

// userOrder returns the comparison of a sort key.
func userOrder(key store.UserSort) (func(a, b *store.User) int, error) {
	switch key {
	case "", store.SortUsersByCreatedAt:
		return func(a, b *store.User) int { return a.CreatedAt.Compare(b.CreatedAt) }, nil
	case store.SortUsersByName:
		return func(a, b *store.User) int { return compareNoCase(a.Name, b.Name) }, nil
	case store.SortUsersByEmail:
		return func(a, b *store.User) int { return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) }, nil
	case store.SortUsersByID:
		return func(a, b *store.User) int { return 0 }, nil
	case store.SortUsersByVerified:
		return func(a, b *store.User) int { return compareBool(a.Verified, b.Verified) }, nil
	case store.SortUsersByLocked:
		return func(a, b *store.User) int { return compareBool(a.Locked, b.Locked) }, nil
	case store.SortUsersByProvider:
		return func(a, b *store.User) int { return strings.Compare(a.Provider, b.Provider) }, nil
	case store.SortUsersByTenant:
		return func(a, b *store.User) int { return strings.Compare(a.ActiveTenantID, b.ActiveTenantID) }, nil
	}
	return nil, fmt.Errorf("memory: list users: unknown sort key %q", key)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// asciiLower lower-cases ASCII letters only, as SQLite's NOCASE does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// compareNoCase compares like SQLite's NOCASE collation.
func compareNoCase(a, b string) int { return strings.Compare(asciiLower(a), asciiLower(b)) }

// matchUser reports whether u passes every filter of q (the tenant filter
// is applied by queryCandidates).
func matchUser(u *store.User, q store.UserQuery) bool {
	if q.HideInvisible && u.Invisible {
		return false
	}
	if len(q.IDs) > 0 && !slices.Contains(q.IDs, u.ID) {
		return false
	}
	if len(q.ExternalIDs) > 0 && !slices.Contains(q.ExternalIDs, u.ExternalID) {
		return false
	}
	if q.EmailPrefix != "" && !strings.HasPrefix(strings.ToLower(u.Email), strings.ToLower(q.EmailPrefix)) {
		return false
	}
	if q.UsernamePrefix != "" && !strings.HasPrefix(strings.ToLower(u.Username), strings.ToLower(q.UsernamePrefix)) {
		return false
	}
	if q.PhonePrefix != "" && !strings.HasPrefix(u.PhoneNumber, q.PhonePrefix) {
		return false
	}
	if q.NamePrefix != "" && !strings.HasPrefix(asciiLower(u.Name), asciiLower(q.NamePrefix)) {
		return false
	}
	for _, term := range q.Contains {
		if !occurs(u, term, q.Approximate) {
			return false
		}
	}
	if len(q.Optional) > 0 && !slices.ContainsFunc(q.Optional, func(term string) bool { return occurs(u, term, q.Approximate) }) {
		return false
	}
	return !slices.ContainsFunc(q.Excludes, func(term string) bool { return occurs(u, term, q.Approximate) })
}

// occurs reports whether term is a case-insensitive substring of one of
// u's searchable fields, ignoring diacritics when approx is set.
func occurs(u *store.User, term string, approx bool) bool {
	if utf8.RuneCountInString(term) < store.MinSearchLength {
		return false
	}
	t := searchFold(term, approx)
	for _, f := range []string{u.Email, u.Name, u.Username, u.PhoneNumber, u.ExternalID} {
		if strings.Contains(searchFold(f, approx), t) {
			return true
		}
	}
	return false
}

// searchFold lower-cases s rune by rune and, when approx is set, strips
// the diacritics of Latin letters (é → e), like SQLite's FTS5 trigram
// tokenizer with remove_diacritics.
func searchFold(s string, approx bool) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if approx {
			if base, ok := diacriticBase[r]; ok {
				return base
			}
		}
		return r
	}, s)
}

// diacriticBase maps lower-case Latin letters with diacritics to their base
// letter (from their Unicode canonical decompositions).
var diacriticBase = func() map[rune]rune {
	const (
		marked = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ"
		base   = "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy"
	)
	m := map[rune]rune{}
	b := []rune(base)
	for i, r := range []rune(marked) {
		m[r] = b[i]
	}
	return m
}()

// ListChildTenants returns the tenants of envID whose ParentID is parentID,
// oldest first.
func (s *Store) ListChildTenants(ctx context.Context, envID, parentID string) ([]store.Tenant, error) {
	var out []store.Tenant
	err := s.read(ctx, func(st *state) error {
		out = list(st.tenants, st.tenantsByParent.ids(scopedKey(envID, parentID)),
			func(t *store.Tenant) time.Time { return t.CreatedAt },
			func(t *store.Tenant) string { return t.ID }, cpTenant, false)
		return nil
	})
	return out, err
}

// ListUsersMemberships returns the memberships of every user in userIDs,
// grouped by user, each user's oldest first.
func (s *Store) ListUsersMemberships(ctx context.Context, userIDs []string) ([]store.Membership, error) {
	out := []store.Membership{}
	err := s.read(ctx, func(st *state) error {
		seen := map[string]bool{}
		for _, userID := range userIDs {
			if seen[userID] {
				continue
			}
			seen[userID] = true
			tenantIDs := st.membersByUser.ids(userID)
			keys := make([]string, len(tenantIDs))
			for i, tid := range tenantIDs {
				keys[i] = scopedKey(userID, tid)
			}
			out = append(out, list(st.members, keys, membershipCreated,
				func(m *store.Membership) string { return m.TenantID }, cpMembership, false)...)
		}
		return nil
	})
	return out, err
}
