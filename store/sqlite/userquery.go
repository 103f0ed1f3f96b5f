package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yolkauth/yolk/store"
)

// userOrder is how ListUsers orders by one key: the SQL expression (empty
// for the id order) and the index that serves it, whose columns are
// (env_id, expression, id).
type userOrder struct {
	expr  string
	index string
}

var userOrders = map[store.UserSort]userOrder{
	store.SortUsersByCreatedAt: {"u.created_at", "users_env_created"},
	store.SortUsersByName:      {"u.name COLLATE NOCASE", "users_env_name"},
	store.SortUsersByEmail:     {"u.email_key", "users_env_email_order"},
	store.SortUsersByID:        {"", "users_env_id"},
	store.SortUsersByVerified:  {"u.verified", "users_env_verified"},
	store.SortUsersByLocked:    {"u.locked", "users_env_locked"},
	store.SortUsersByProvider:  {"u.provider", "users_env_provider"},
	store.SortUsersByTenant:    {"u.active_tenant_id", "users_env_active_tenant"},
}

// userFilter is the WHERE clause of a user query and its arguments.
type userFilter struct {
	conds []string
	args  []any
	// none is set when a filter can match nothing (a phrase-search string
	// too short to occur).
	none bool
	// narrow is set when a filter other than the environment limits the
	// rows through an index of its own.
	narrow bool
}

func (f *userFilter) add(cond string, args ...any) {
	f.conds = append(f.conds, cond)
	f.args = append(f.args, args...)
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}

// prefixBound returns the exclusive upper bound of the strings that start
// with p: no valid UTF-8 string contains the byte 0xFF, so every string
// with prefix p sorts below p+"\xff" (also under NOCASE, which folds only
// ASCII letters).
func prefixBound(p string) string { return p + "\xff" }

// ftsPhrase quotes s as an FTS5 string (a substring for the trigram
// tokenizer).
func ftsPhrase(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// searchable keeps the phrase-search strings long enough to occur.
func searchable(terms []string) []string {
	return slices.DeleteFunc(slices.Clone(terms), func(t string) bool {
		return utf8.RuneCountInString(t) < store.MinSearchLength
	})
}

func userFilterOf(q store.UserQuery) *userFilter {
	f := &userFilter{}
	f.add("u.env_id = ?", q.EnvID)
	if len(q.TenantIDs) > 0 {
		f.add("u.id IN (SELECT m.user_id FROM memberships m WHERE m.tenant_id IN ("+placeholders(len(q.TenantIDs))+"))", anys(q.TenantIDs)...)
		f.narrow = true
	}
	if len(q.IDs) > 0 {
		f.add("u.id IN ("+placeholders(len(q.IDs))+")", anys(q.IDs)...)
		f.narrow = true
	}
	if len(q.ExternalIDs) > 0 {
		f.add("u.external_id IN ("+placeholders(len(q.ExternalIDs))+")", anys(q.ExternalIDs)...)
		f.narrow = true
	}
	if q.EmailPrefix != "" {
		p := foldKey(q.EmailPrefix)
		f.add("u.email_key >= ? AND u.email_key < ?", p, prefixBound(p))
		f.narrow = true
	}
	if q.UsernamePrefix != "" {
		// username_key <> '' lets the partial unique index serve it.
		p := foldKey(q.UsernamePrefix)
		f.add("u.username_key >= ? AND u.username_key < ? AND u.username_key <> ''", p, prefixBound(p))
		f.narrow = true
	}
	if q.PhonePrefix != "" {
		f.add("u.phone_number >= ? AND u.phone_number < ?", q.PhonePrefix, prefixBound(q.PhonePrefix))
		f.narrow = true
	}
	if q.NamePrefix != "" {
		f.add("u.name >= ? COLLATE NOCASE AND u.name < ? COLLATE NOCASE", q.NamePrefix, prefixBound(q.NamePrefix))
		f.narrow = true
	}
	fts := "users_search"
	if q.Approximate {
		fts = "users_search_folded"
	}
	matching := "u.id IN (SELECT k.user_id FROM user_search_keys k WHERE k.seq IN (SELECT rowid FROM " + fts +
		" WHERE " + fts + " MATCH ?))"
	var must []string
	contains := searchable(q.Contains)
	if len(contains) < len(q.Contains) {
		f.none = true
	}
	for _, t := range contains {
		must = append(must, ftsPhrase(t))
	}
	if len(q.Optional) > 0 {
		optional := searchable(q.Optional)
		if len(optional) == 0 {
			f.none = true
		}
		alts := make([]string, len(optional))
		for i, t := range optional {
			alts[i] = ftsPhrase(t)
		}
		if len(alts) > 0 {
			must = append(must, "("+strings.Join(alts, " OR ")+")")
		}
	}
	if len(must) > 0 {
		f.add(matching, strings.Join(must, " AND "))
		f.narrow = true
	}
	if excludes := searchable(q.Excludes); len(excludes) > 0 {
		alts := make([]string, len(excludes))
		for i, t := range excludes {
			alts[i] = ftsPhrase(t)
		}
		f.add("NOT "+matching, strings.Join(alts, " OR "))
	}
	return f
}

func (f *userFilter) where() string { return strings.Join(f.conds, " AND ") }

// orderBy returns the ORDER BY clause of o, descending when desc is set.
func (o userOrder) orderBy(desc bool) string {
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	if o.expr == "" {
		return "u.id" + dir
	}
	return o.expr + dir + ", u.id" + dir
}

// ListUsers returns one page of the users q selects, in q's order, and how
// many users q selects in all.
//
// It runs in three steps: count the matches; read the ids of the page from
// an index; read those users by primary key. Without a narrowing filter
// the ids come straight from the order's index (env_id, key, id), so a
// page costs its offset in index entries, never a sort; a page past the
// middle is read from the other end. With a narrowing filter (tenants,
// ids, prefixes, phrase search) SQLite finds the matches through that
// filter's index and sorts only them.
func (s *Store) ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, int, error) {
	key := q.SortBy
	if key == "" {
		key = store.SortUsersByCreatedAt
	}
	order, ok := userOrders[key]
	if !ok {
		return nil, 0, fmt.Errorf("sqlite: list users: unknown sort key %q", q.SortBy)
	}
	f := userFilterOf(q)
	if f.none {
		return []store.User{}, 0, nil
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users u WHERE `+f.where(), f.args...).Scan(&total); err != nil {
		return nil, 0, wrap("list users", err)
	}
	offset := max(q.Offset, 0)
	limit := total - offset
	if q.Limit > 0 {
		limit = min(limit, q.Limit)
	}
	if limit <= 0 {
		return []store.User{}, total, nil
	}
	// Past the middle, the page is nearer the other end of the order.
	desc, reversed := q.Descending, false
	if offset > total/2 {
		desc, reversed = !desc, true
		offset = total - offset - limit
	}
	from := "users u"
	if !f.narrow {
		from = "users u INDEXED BY " + order.index
	}
	ids, err := s.userIDs(ctx, `SELECT u.id FROM `+from+` WHERE `+f.where()+
		` ORDER BY `+order.orderBy(desc)+` LIMIT ? OFFSET ?`, append(f.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	if reversed {
		slices.Reverse(ids)
	}
	users, err := s.usersByID(ctx, q.EnvID, ids)
	if err != nil {
		return nil, 0, err
	}
	return users, total, nil
}

// userIDs runs a query of user ids.
func (s *Store) userIDs(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("list users", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list users", err)
	}
	return ids, nil
}

// usersByID reads the users with ids, in the order of ids.
func (s *Store) usersByID(ctx context.Context, envID string, ids []string) ([]store.User, error) {
	if len(ids) == 0 {
		return []store.User{}, nil
	}
	found, err := list(ctx, s.r, "list users", scanUser,
		`SELECT `+userColumns+` FROM users WHERE env_id = ? AND id IN (`+placeholders(len(ids))+`)`,
		append([]any{envID}, anys(ids)...)...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]store.User, len(found))
	for _, u := range found {
		byID[u.ID] = u
	}
	out := make([]store.User, 0, len(ids))
	for _, id := range ids {
		// A user deleted between the two reads is left out.
		if u, ok := byID[id]; ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// ListChildTenants returns the tenants of envID whose ParentID is
// parentID, oldest first.
func (s *Store) ListChildTenants(ctx context.Context, envID, parentID string) ([]store.Tenant, error) {
	return list(ctx, s.r, "list child tenants", scanTenant,
		`SELECT `+tenantColumns+` FROM tenants WHERE env_id = ? AND parent_id = ? ORDER BY created_at, id`, envID, parentID)
}
