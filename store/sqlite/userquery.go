package sqlite

import (
	"context"
	"database/sql"
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

// userFilter is a user query's WHERE clause in parts.
type userFilter struct {
	env     string
	tenants []string
	// conds and args are the other filters.
	conds []string
	args  []any
	// none is set when a filter can match nothing (a phrase-search string
	// too short to occur).
	none bool
	// narrow is set when one of conds limits the rows through an index
	// of its own (every filter but Excludes).
	narrow bool
	// byExternalID is set when the external ids are the best index.
	byExternalID bool
	// phrase is set when a phrase search (Contains or Optional) narrows:
	// its full-text query is costly, so it runs once per listing.
	phrase bool
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
	f := &userFilter{env: q.EnvID, tenants: q.TenantIDs}
	if len(q.IDs) > 0 {
		f.add("u.id IN ("+placeholders(len(q.IDs))+")", anys(q.IDs)...)
		f.narrow = true
	}
	if len(q.ExternalIDs) > 0 {
		f.add("u.external_id IN ("+placeholders(len(q.ExternalIDs))+")", anys(q.ExternalIDs)...)
		f.narrow, f.byExternalID = true, len(q.IDs) == 0
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
	if q.HideInvisible {
		f.add("u.invisible = 0")
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
		f.narrow, f.phrase = true, true
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

// selective reports whether a filter besides the environment narrows the
// rows through an index of its own.
func (f *userFilter) selective() bool { return f.narrow || len(f.tenants) > 0 }

// Plans of the page query.
const (
	// bySelective: the most selective filter's index finds the matches,
	// which are sorted.
	bySelective = iota
	// byOrder: the order's index drives; a tenant condition is probed per
	// row in the memberships' primary key.
	byOrder
	// byOrderWithMembers: the order's index drives; the tenants' members
	// are collected once and probed per row.
	byOrderWithMembers
)

// where returns the WHERE clause of plan and its arguments. When a
// selective filter drives, the environment term is marked unselective so
// that SQLite does not pick an index for it alone.
func (f *userFilter) where(plan int) (string, []any) {
	env := "u.env_id = ?"
	if plan == bySelective && f.selective() {
		env = "likelihood(u.env_id = ?, 0.9375)"
	}
	conds, args := []string{env}, []any{f.env}
	if len(f.tenants) > 0 {
		in := "m.tenant_id IN (" + placeholders(len(f.tenants)) + ")"
		if plan == byOrder {
			conds = append(conds, "EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND "+in+")")
		} else {
			conds = append(conds, "u.id IN (SELECT m.user_id FROM memberships m WHERE "+in+")")
		}
		args = append(args, anys(f.tenants)...)
	}
	return strings.Join(append(conds, f.conds...), " AND "), append(args, f.args...)
}

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

// userQueryHook, when set (by tests), sees every statement ListUsers runs.
type userQueryHook func(query string, args []any)

// ListUsers returns one page of the users q selects, in q's order, and how
// many users q selects in all.
//
// It counts the matches (the number of users of each environment and of
// members of each tenant are kept by triggers), then reads the page's ids,
// then those users by primary key. The ids come from one of two kinds of
// plan:
//   - the order's index (env_id, key, id) drives and the filters are
//     checked row by row: no sort, and a page costs its offset divided by
//     the share of users that match; a page past the middle is read from
//     the other end. Used without filters and when the filters keep many
//     users;
//   - the most selective filter's index finds the matches, which are
//     sorted: the cost is the number of matches. Used when few match, and
//     for phrase searches, whose full-text query then runs once for both
//     the count and the page.
func (s *Store) ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, int, error) {
	return s.listUsers(ctx, q, nil)
}

func (s *Store) listUsers(ctx context.Context, q store.UserQuery, hook userQueryHook) ([]store.User, int, error) {
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
	run := func(query string, args ...any) (*sql.Rows, error) {
		if hook != nil {
			hook(query, args)
		}
		rows, err := s.r.QueryContext(ctx, query, args...)
		return rows, wrap("list users", err)
	}
	offset := max(q.Offset, 0)
	if f.phrase {
		where, args := f.where(bySelective)
		ids, total, err := scanIDs(run(`SELECT u.id, count(*) OVER () FROM users u`+f.hint()+` WHERE `+where+
			` ORDER BY `+order.orderBy(q.Descending)+limitClause(q.Limit), append(args, offset)...))
		if err != nil {
			return nil, 0, err
		}
		if len(ids) == 0 && offset > 0 {
			// The page is past the end: count without it.
			if total, err = scanCount(run(`SELECT count(*) FROM users u`+f.hint()+` WHERE `+where, args...)); err != nil {
				return nil, 0, err
			}
		}
		users, err := s.usersByID(ctx, q.EnvID, ids)
		return users, total, err
	}

	envUsers, err := scanCount(run(`SELECT n FROM user_counts WHERE env_id = ?`, q.EnvID))
	if err != nil {
		return nil, 0, err
	}
	var total int
	switch {
	case len(f.conds) == 0 && len(f.tenants) == 0:
		total = envUsers
	case len(f.conds) == 0 && len(f.tenants) == 1:
		// A membership joins a user and a tenant of one environment, so
		// the tenant's member count is the total.
		total, err = scanCount(run(`SELECT c.n FROM tenant_member_counts c JOIN tenants t ON t.id = c.tenant_id
			WHERE c.tenant_id = ? AND t.env_id = ?`, f.tenants[0], q.EnvID))
	case len(f.conds) == 0:
		total, err = scanCount(run(`SELECT count(DISTINCT m.user_id) FROM memberships m WHERE m.tenant_id IN (
			SELECT t.id FROM tenants t WHERE t.env_id = ? AND t.id IN (`+placeholders(len(f.tenants))+`))`,
			append([]any{q.EnvID}, anys(f.tenants)...)...))
	default:
		where, args := f.where(bySelective)
		total, err = scanCount(run(`SELECT count(*) FROM users u`+f.hint()+` WHERE `+where, args...))
	}
	if err != nil {
		return nil, 0, err
	}
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
	plan := pagePlan(f, offset+limit, envUsers, total)
	where, args := f.where(plan)
	from := "users u INDEXED BY " + order.index
	if plan == bySelective {
		from = "users u" + f.hint()
	}
	ids, _, err := scanIDs(run(`SELECT u.id, 0 FROM `+from+` WHERE `+where+` ORDER BY `+order.orderBy(desc)+
		` LIMIT ? OFFSET ?`, append(args, limit, offset)...))
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

// pagePlan picks the plan of a page that ends end rows into a listing of
// total matches among envUsers. Driving by the order's index visits about
// end·envUsers/total rows; sorting visits total. A tenant condition costs
// about 2µs per visited row as a probe, or 0.4µs per member to collect the
// members plus 0.5µs per visited row (measured on 100,000 users).
func pagePlan(f *userFilter, end, envUsers, total int) int {
	if !f.selective() {
		return byOrder
	}
	visited := int64(end) * int64(envUsers) / int64(max(total, 1))
	switch {
	case visited > int64(total):
		return bySelective
	case len(f.tenants) > 0 && 100*visited > 27*int64(total):
		return byOrderWithMembers
	}
	return byOrder
}

// limitClause is " LIMIT n OFFSET ?" for n > 0, else " LIMIT -1 OFFSET ?".
func limitClause(n int) string {
	if n <= 0 {
		return " LIMIT -1 OFFSET ?"
	}
	return fmt.Sprintf(" LIMIT %d OFFSET ?", n)
}

// scanIDs reads rows of (id, n) and returns the ids and the last n.
func scanIDs(rows *sql.Rows, err error) ([]string, int, error) {
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ids []string
	n := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, 0, wrap("list users", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("list users", err)
	}
	return ids, n, nil
}

// scanCount reads a single count; no row counts as 0.
func scanCount(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, wrap("list users", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, wrap("list users", err)
	}
	return n, nil
}

// hint names the index a filter-driven query must use when SQLite's own
// choice is poor: external ids are few, but SQLite would rather avoid the
// sort.
func (f *userFilter) hint() string {
	if f.byExternalID {
		return " INDEXED BY users_env_external_id"
	}
	return ""
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

// ListUsersMemberships returns the memberships of every user in userIDs,
// grouped by user, each user's oldest first.
func (s *Store) ListUsersMemberships(ctx context.Context, userIDs []string) ([]store.Membership, error) {
	if len(userIDs) == 0 {
		return []store.Membership{}, nil
	}
	return list(ctx, s.r, "list users memberships", scanMembership,
		`SELECT `+membershipColumns+` FROM memberships WHERE user_id IN (`+placeholders(len(userIDs))+`)
		 ORDER BY user_id, created_at, rowid`, anys(userIDs)...)
}
