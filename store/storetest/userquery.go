package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yolkauth/yolk/store"
)

// queryData is a population of users for ListUsers, with the memberships
// the oracle needs.
type queryData struct {
	env     string
	users   []*store.User
	members map[string][]string // tenant id → user ids
	t1, t2  string              // t2 is a sub-account of t1
	t3      string
	other   *store.User // a user of another environment matching most filters
}

// queryFixture creates the population: names, e-mails and usernames in
// mixed case, accents, empty fields, a quote, equal creation times, users
// in several tenants.
func (f *fx) queryFixture(t *testing.T) *queryData {
	e, o := f.env(), f.env()
	t1 := f.tenant(e.ID)
	t2 := f.childTenant(e.ID, t1.ID)
	t3 := f.tenant(e.ID)
	d := &queryData{env: e.ID, members: map[string][]string{}, t1: t1.ID, t2: t2.ID, t3: t3.ID}
	type spec struct {
		name, email, username, phone, ext, provider string
		verified, locked                            bool
		tenants                                     []string
	}
	specs := []spec{
		{"Ann Smith", "ann.smith@Example.com", "annie", "+14155550101", "crm-1", "local", true, false, []string{t1.ID, t3.ID}},
		{"ann jones", "Ann.Jones@example.org", "", "", "", "google", false, true, []string{t2.ID}},
		{"Bob", "", "bobby", "+14155550102", "crm-2", "saml", true, false, []string{t1.ID}},
		{"bob", "bob@example.com", "Bob_2", "", "", "local", false, true, []string{t3.ID}},
		{"Émile Zola", "emile@zola.fr", "ezola", "", "", "local", true, false, []string{t2.ID}},
		{"émile", "Émile@Zola.fr", "", "", "", "google", false, false, []string{t3.ID}},
		{"Zoë Müller", "zoe@example.com", "zoe", "+4930123456", "crm-3", "google", true, false, []string{t1.ID}},
		{"", "nameless@example.com", "anon", "", "", "local", true, true, []string{t1.ID}},
		{`Carl "Quote" Carlsen`, "carl@example.com", "", "", "", "saml", false, false, []string{t3.ID}},
		{"Dana Ñúñez", "dana@example.com", "dana", "", "crm-4", "local", true, false, []string{t3.ID}},
	}
	for i := range 10 {
		specs = append(specs, spec{fmt.Sprintf("User %02d", i), fmt.Sprintf("user-%02d@example.com", i), "", "", "",
			"local", i%2 == 0, i%3 == 0, []string{t3.ID}})
	}
	for i, sp := range specs {
		u := f.newUser(e.ID)
		u.Name, u.Email, u.Username, u.PhoneNumber, u.ExternalID, u.Provider = sp.name, sp.email, sp.username, sp.phone, sp.ext, sp.provider
		u.Verified, u.Locked = sp.verified, sp.locked
		u.Invisible = i%4 == 1
		u.ActiveTenantID = sp.tenants[0]
		// Creation times are not in insertion order, and two are equal.
		u.CreatedAt = at(time.Duration((i*7)%len(specs))*time.Minute + time.Duration(i)*time.Microsecond)
		if i == 9 {
			u.CreatedAt = d.users[8].CreatedAt
		}
		must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
		for _, tid := range sp.tenants {
			must(t, "PutMembership", f.s.PutMembership(f.ctx, &store.Membership{
				UserID: u.ID, TenantID: tid, EnvID: e.ID, CreatedAt: f.now(), UpdatedAt: f.now(),
			}))
			d.members[tid] = append(d.members[tid], u.ID)
		}
		d.users = append(d.users, u)
	}
	// The other environment's user matches the filters above; it must never
	// be listed.
	ot := f.tenant(o.ID)
	ou := f.newUser(o.ID)
	ou.Name, ou.Email, ou.ExternalID = "Ann Other", "ann.other@example.com", "crm-1"
	must(t, "CreateUser(other environment)", f.s.CreateUser(f.ctx, ou))
	f.membership(ou, ot)
	d.other = ou
	return d
}

// oracleFold is the comparison form of phrase search, written out for the
// characters of the fixture.
func oracleFold(s string, approx bool) string {
	s = strings.ToLower(s)
	if approx {
		s = strings.NewReplacer("é", "e", "ë", "e", "ü", "u", "ñ", "n", "ú", "u").Replace(s)
	}
	return s
}

func oracleOccurs(u *store.User, term string, approx bool) bool {
	if utf8.RuneCountInString(term) < store.MinSearchLength {
		return false
	}
	for _, field := range []string{u.Email, u.Name, u.Username, u.PhoneNumber, u.ExternalID} {
		if strings.Contains(oracleFold(field, approx), oracleFold(term, approx)) {
			return true
		}
	}
	return false
}

// noCase folds ASCII letters only, like SQLite's NOCASE.
func noCase(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// expect computes, from the documentation of store.UserQuery, which ids q
// lists and how many users it selects.
func (d *queryData) expect(q store.UserQuery) ([]string, int) {
	var picked []*store.User
	for _, u := range d.users {
		ok := true
		if len(q.TenantIDs) > 0 {
			ok = slices.ContainsFunc(q.TenantIDs, func(tid string) bool { return slices.Contains(d.members[tid], u.ID) })
		}
		ok = ok && !(q.HideInvisible && u.Invisible)
		ok = ok && (len(q.IDs) == 0 || slices.Contains(q.IDs, u.ID))
		ok = ok && (len(q.ExternalIDs) == 0 || slices.Contains(q.ExternalIDs, u.ExternalID))
		ok = ok && strings.HasPrefix(strings.ToLower(u.Email), strings.ToLower(q.EmailPrefix))
		ok = ok && strings.HasPrefix(strings.ToLower(u.Username), strings.ToLower(q.UsernamePrefix))
		ok = ok && strings.HasPrefix(u.PhoneNumber, q.PhonePrefix)
		ok = ok && strings.HasPrefix(noCase(u.Name), noCase(q.NamePrefix))
		for _, term := range q.Contains {
			ok = ok && oracleOccurs(u, term, q.Approximate)
		}
		if len(q.Optional) > 0 {
			ok = ok && slices.ContainsFunc(q.Optional, func(term string) bool { return oracleOccurs(u, term, q.Approximate) })
		}
		for _, term := range q.Excludes {
			ok = ok && !oracleOccurs(u, term, q.Approximate)
		}
		if ok {
			picked = append(picked, u)
		}
	}
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	key := map[store.UserSort]func(a, b *store.User) int{
		"":                         func(a, b *store.User) int { return a.CreatedAt.Compare(b.CreatedAt) },
		store.SortUsersByCreatedAt: func(a, b *store.User) int { return a.CreatedAt.Compare(b.CreatedAt) },
		store.SortUsersByName:      func(a, b *store.User) int { return cmp.Compare(noCase(a.Name), noCase(b.Name)) },
		store.SortUsersByEmail:     func(a, b *store.User) int { return cmp.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) },
		store.SortUsersByID:        func(a, b *store.User) int { return 0 },
		store.SortUsersByVerified:  func(a, b *store.User) int { return cmp.Compare(b2i(a.Verified), b2i(b.Verified)) },
		store.SortUsersByLocked:    func(a, b *store.User) int { return cmp.Compare(b2i(a.Locked), b2i(b.Locked)) },
		store.SortUsersByProvider:  func(a, b *store.User) int { return cmp.Compare(a.Provider, b.Provider) },
		store.SortUsersByTenant:    func(a, b *store.User) int { return cmp.Compare(a.ActiveTenantID, b.ActiveTenantID) },
	}[q.SortBy]
	slices.SortFunc(picked, func(a, b *store.User) int {
		c := cmp.Or(key(a, b), cmp.Compare(a.ID, b.ID))
		if q.Descending {
			return -c
		}
		return c
	})
	lo := min(q.Offset, len(picked))
	hi := len(picked)
	if q.Limit > 0 {
		hi = min(lo+q.Limit, hi)
	}
	return ids(derefAll(picked[lo:hi]), userID), len(picked)
}

func userID(u *store.User) string { return u.ID }

// check runs q against the store and the oracle.
func (d *queryData) check(t *testing.T, f *fx, what string, q store.UserQuery) []store.User {
	t.Helper()
	q.EnvID = d.env
	got, total, err := f.s.ListUsers(f.ctx, q)
	must(t, what, err)
	want, wantTotal := d.expect(q)
	if total != wantTotal {
		t.Errorf("%s: total = %d, want %d", what, total, wantTotal)
	}
	equalIDs(t, what, ids(got, userID), want)
	return got
}

var allUserSorts = []store.UserSort{"", store.SortUsersByCreatedAt, store.SortUsersByName, store.SortUsersByEmail, store.SortUsersByID,
	store.SortUsersByVerified, store.SortUsersByLocked, store.SortUsersByProvider, store.SortUsersByTenant}

var userQueryTests = []test{
	{"SortAndPage", func(t *testing.T, f *fx) {
		d := f.queryFixture(t)
		for _, key := range allUserSorts {
			for _, desc := range []bool{false, true} {
				name := fmt.Sprintf("sort %q desc=%v", key, desc)
				d.check(t, f, name+" all", store.UserQuery{SortBy: key, Descending: desc})
				for _, offset := range []int{0, 1, 7, 10, 11, 14, 19, 20, 25} {
					d.check(t, f, fmt.Sprintf("%s limit 7 offset %d", name, offset),
						store.UserQuery{SortBy: key, Descending: desc, Limit: 7, Offset: offset})
				}
				d.check(t, f, name+" offset without limit", store.UserQuery{SortBy: key, Descending: desc, Offset: 12})
			}
		}
		// Pages are disjoint and cover the listing.
		var seen []string
		for offset := 0; offset < 20; offset += 3 {
			got, total, err := f.s.ListUsers(f.ctx, store.UserQuery{EnvID: d.env, SortBy: store.SortUsersByName, Limit: 3, Offset: offset})
			must(t, "ListUsers(page)", err)
			if total != 20 {
				t.Fatalf("total = %d, want 20", total)
			}
			seen = append(seen, ids(got, userID)...)
		}
		all, _ := d.expect(store.UserQuery{SortBy: store.SortUsersByName})
		equalIDs(t, "pages of 3 joined", seen, all)
	}},
	{"Records", func(t *testing.T, f *fx) {
		d := f.queryFixture(t)
		got := d.check(t, f, "all", store.UserQuery{})
		byID := map[string]*store.User{}
		for _, u := range d.users {
			byID[u.ID] = u
		}
		for i := range got {
			equal(t, "listed user "+got[i].ID, &got[i], byID[got[i].ID])
		}
		// The listing is the caller's to change.
		scramble(&got[0])
		again := d.check(t, f, "all again", store.UserQuery{})
		equal(t, "listed user after changing a returned copy", &again[0], byID[again[0].ID])
		// An environment without users lists nothing.
		none, total, err := f.s.ListUsers(f.ctx, store.UserQuery{EnvID: "missing"})
		must(t, "ListUsers(unknown environment)", err)
		if total != 0 || len(none) != 0 {
			t.Fatalf("unknown environment: %d users, total %d", len(none), total)
		}
		_, _, err = f.s.ListUsers(f.ctx, store.UserQuery{EnvID: d.env, SortBy: "shoeSize"})
		if err == nil {
			t.Fatal("ListUsers with an unknown sort key succeeded")
		}
	}},
	{"Filters", func(t *testing.T, f *fx) {
		d := f.queryFixture(t)
		u := d.users
		queries := map[string]store.UserQuery{
			"tenant t1":               {TenantIDs: []string{d.t1}},
			"tenant t2":               {TenantIDs: []string{d.t2}},
			"tenants t1 and t3":       {TenantIDs: []string{d.t1, d.t3}},
			"unknown tenant":          {TenantIDs: []string{"missing"}},
			"other environment's":     {TenantIDs: []string{d.other.ActiveTenantID}, IDs: []string{d.other.ID}},
			"ids":                     {IDs: []string{u[0].ID, u[4].ID, "missing", d.other.ID}},
			"external ids":            {ExternalIDs: []string{"crm-1", "crm-3", "nope"}},
			"email prefix ANN.":       {EmailPrefix: "ANN."},
			"email prefix accented":   {EmailPrefix: "ÉMILE"},
			"email prefix b":          {EmailPrefix: "b"},
			"email prefix none":       {EmailPrefix: "zzz"},
			"username prefix BOB":     {UsernamePrefix: "BOB"},
			"phone prefix":            {PhonePrefix: "+1415"},
			"name prefix ann":         {NamePrefix: "ann"},
			"name prefix É":           {NamePrefix: "É"},
			"name prefix émile":       {NamePrefix: "émile"},
			"name prefix BO":          {NamePrefix: "BO"},
			"contains smith":          {Contains: []string{"smith"}},
			"contains ANN":            {Contains: []string{"ANN"}},
			"contains emile":          {Contains: []string{"emile"}},
			"contains emile approx":   {Contains: []string{"emile"}, Approximate: true},
			"contains müller":         {Contains: []string{"müller"}},
			"contains muller":         {Contains: []string{"muller"}},
			"contains muller approx":  {Contains: []string{"MULLER"}, Approximate: true},
			"contains nunez approx":   {Contains: []string{"nunez"}, Approximate: true},
			"contains ann and smith":  {Contains: []string{"ann", "smith"}},
			"contains ann and jones":  {Contains: []string{"ann", "jones"}},
			"contains across fields":  {Contains: []string{"ith ann"}},
			"contains a quote":        {Contains: []string{`"quo`}},
			"contains digits":         {Contains: []string{"5550"}},
			"optional":                {Optional: []string{"zola", "müller"}},
			"excludes example":        {Excludes: []string{"example"}},
			"excludes two":            {Excludes: []string{"example", "zola"}},
			"contains short":          {Contains: []string{"ab"}},
			"contains long and short": {Contains: []string{"example", "ab"}},
			"optional all short":      {Optional: []string{"ab", "xy"}},
			"optional some short":     {Optional: []string{"ab", "zola"}},
			"excludes short":          {Excludes: []string{"ab"}},
			"phrase all three":        {Contains: []string{"example"}, Optional: []string{"user", "bob"}, Excludes: []string{"-0"}},
			"combined": {TenantIDs: []string{d.t3}, EmailPrefix: "user-", Contains: []string{"example"},
				SortBy: store.SortUsersByEmail, Descending: true, Limit: 2, Offset: 1},
			"combined tenant and name": {TenantIDs: []string{d.t1, d.t2}, NamePrefix: "a", SortBy: store.SortUsersByName},
		}
		names := make([]string, 0, len(queries))
		for name := range queries {
			names = append(names, name)
		}
		slices.Sort(names)
		nonEmpty := 0
		for _, name := range names {
			q := queries[name]
			d.check(t, f, name, q)
			// Each filter again with another order and a page.
			q.SortBy, q.Descending, q.Limit, q.Offset = store.SortUsersByName, true, 2, 1
			d.check(t, f, name+" (name desc, page)", q)
			if ids, _ := d.expect(queries[name]); len(ids) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < len(queries)-8 {
			t.Fatalf("only %d of %d filters select anyone: the fixture does not exercise them", nonEmpty, len(queries))
		}
		// Spot checks that do not rely on the oracle.
		spot := func(what string, q store.UserQuery, want ...*store.User) {
			t.Helper()
			q.EnvID = d.env
			got, total, err := f.s.ListUsers(f.ctx, q)
			must(t, what, err)
			if total != len(want) {
				t.Errorf("%s: total %d, want %d", what, total, len(want))
			}
			equalIDs(t, what, ids(got, userID), ids(derefAll(want), userID))
		}
		spot("name prefix ann", store.UserQuery{NamePrefix: "ann", SortBy: store.SortUsersByName}, u[1], u[0])
		spot("approximate emile", store.UserQuery{Contains: []string{"emile"}, Approximate: true, SortBy: store.SortUsersByName}, u[4], u[5])
		spot("exact emile", store.UserQuery{Contains: []string{"emile"}}, u[4])
		spot("tenants t1 and t3 count each user once", store.UserQuery{TenantIDs: []string{d.t1, d.t3}, IDs: []string{u[0].ID}}, u[0])
		spot("short string", store.UserQuery{Contains: []string{"an"}})
	}},
	{"FollowsChanges", func(t *testing.T, f *fx) {
		d := f.queryFixture(t)
		u := clone(d.users[2])
		u.Name, u.Email, u.UpdatedAt = "Robert Tables", "robert@tables.example", at(time.Hour)
		must(t, "UpdateUser", f.s.UpdateUser(f.ctx, u))
		d.users[2] = u
		d.check(t, f, "new name found", store.UserQuery{Contains: []string{"tables"}})
		d.check(t, f, "old name gone", store.UserQuery{Contains: []string{"bobby"}, Excludes: []string{"robert"}})
		d.check(t, f, "name order after rename", store.UserQuery{SortBy: store.SortUsersByName})
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, d.env, u.ID))
		d.users = slices.Delete(d.users, 2, 3)
		for tid, members := range d.members {
			d.members[tid] = slices.DeleteFunc(members, func(id string) bool { return id == u.ID })
		}
		d.check(t, f, "deleted user not found", store.UserQuery{Contains: []string{"tables"}})
		d.check(t, f, "everyone after a delete", store.UserQuery{})
		d.check(t, f, "tenant after delete", store.UserQuery{TenantIDs: []string{d.t1}})
		// A membership removed or added moves the user between tenants.
		must(t, "DeleteMembership", f.s.DeleteMembership(f.ctx, d.users[0].ID, d.t3))
		d.members[d.t3] = slices.DeleteFunc(d.members[d.t3], func(id string) bool { return id == d.users[0].ID })
		d.check(t, f, "tenant after membership removal", store.UserQuery{TenantIDs: []string{d.t3}})
		// Deleting a tenant removes its members from the listing.
		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, d.env, d.t2))
		delete(d.members, d.t2)
		d.check(t, f, "deleted tenant", store.UserQuery{TenantIDs: []string{d.t2}})
		d.check(t, f, "tenant beside a deleted one", store.UserQuery{TenantIDs: []string{d.t1, d.t2}})
		// Members added back are counted again.
		must(t, "PutMembership", f.s.PutMembership(f.ctx, &store.Membership{UserID: d.users[0].ID, TenantID: d.t3,
			EnvID: d.env, CreatedAt: f.now(), UpdatedAt: f.now()}))
		d.members[d.t3] = append(d.members[d.t3], d.users[0].ID)
		// Replacing a membership does not count it twice.
		must(t, "PutMembership(replace)", f.s.PutMembership(f.ctx, &store.Membership{UserID: d.users[0].ID, TenantID: d.t3,
			EnvID: d.env, Disabled: true, CreatedAt: f.now(), UpdatedAt: f.now()}))
		d.check(t, f, "tenant after adding a member back", store.UserQuery{TenantIDs: []string{d.t3}})
	}},
}
