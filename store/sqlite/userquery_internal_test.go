package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// seedUsers fills env with n users spread over tenants of 100, every other
// user also in tenant "big", in one transaction.
func seedUsers(t testing.TB, s *Store, env string, n int) {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err := s.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateEnvironment(ctx, &store.Environment{ID: env, ClientID: "client-" + env, CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		tenants := []string{env + "-big"}
		for i := 0; i < n/100+1; i++ {
			tenants = append(tenants, fmt.Sprintf("%s-t%04d", env, i))
		}
		for _, id := range tenants {
			if err := tx.CreateTenant(ctx, &store.Tenant{ID: id, EnvID: env, Name: id, CreatedAt: base, UpdatedAt: base}); err != nil {
				return err
			}
		}
		for i := range n {
			at := base.Add(time.Duration(i) * time.Second)
			u := &store.User{ID: fmt.Sprintf("%s-u%06d", env, (i*7919)%n), EnvID: env,
				Email: fmt.Sprintf("user%06d@example%d.com", i, i%10), Name: fmt.Sprintf("Name %06d", (i*31)%n),
				Username: fmt.Sprintf("login%06d", i), Provider: "local", Verified: i%3 == 0, Metadata: "{}", VendorMetadata: "{}",
				ActiveTenantID: tenants[1+i/100], CreatedAt: at, UpdatedAt: at}
			if i%5 == 0 {
				u.PhoneNumber = fmt.Sprintf("+1415555%04d", i)
			}
			if i%50 == 0 {
				u.ExternalID = fmt.Sprintf("ext-%d", i)
			}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: u.ActiveTenantID, EnvID: env, CreatedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
			if i%2 == 0 {
				if err := tx.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: tenants[0], EnvID: env, CreatedAt: at, UpdatedAt: at}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestListUsersQueryPlans checks, with EXPLAIN QUERY PLAN, that every
// statement ListUsers runs reads through an index: no full scan of a table,
// and no sort at all for unfiltered listings in any order.
func TestListUsersQueryPlans(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seedUsers(t, s, "env", 500)

	type tc struct {
		name string
		q    store.UserQuery
		// want are substrings the plan of the page query must contain.
		want []string
		// sorts says whether the page query may sort.
		sorts bool
	}
	var cases []tc
	for key, o := range userOrders {
		for _, desc := range []bool{false, true} {
			for _, offset := range []int{0, 400} {
				cases = append(cases, tc{name: fmt.Sprintf("order %s desc=%v offset %d", key, desc, offset),
					q: store.UserQuery{SortBy: key, Descending: desc, Limit: 50, Offset: offset}, want: []string{o.index}})
			}
		}
	}
	cases = append(cases,
		tc{"small tenant", store.UserQuery{TenantIDs: []string{"env-t0003"}, Limit: 50}, []string{"users_id_env", "memberships_tenant_user"}, true},
		tc{"big tenant, first page", store.UserQuery{TenantIDs: []string{"env-big"}, Limit: 10}, []string{"users_env_created", "sqlite_autoindex_memberships_1"}, false},
		tc{"big tenant, middle page", store.UserQuery{TenantIDs: []string{"env-big"}, Limit: 50, Offset: 150}, []string{"users_env_created", "memberships_tenant_user"}, false},
		tc{"two tenants, first page", store.UserQuery{TenantIDs: []string{"env-t0001", "env-t0002"}, SortBy: store.SortUsersByName, Limit: 50}, []string{"users_env_name", "memberships_tenant_user"}, false},
		tc{"two tenants, later page", store.UserQuery{TenantIDs: []string{"env-t0001", "env-t0002"}, SortBy: store.SortUsersByName, Limit: 50, Offset: 100}, []string{"users_id_env", "memberships_tenant_user"}, true},
		tc{"ids", store.UserQuery{IDs: []string{"env-u000001", "env-u000002"}, Limit: 50}, []string{"users_id_env"}, true},
		tc{"external ids", store.UserQuery{ExternalIDs: []string{"ext-0", "ext-50"}, Limit: 50}, []string{"users_env_external_id"}, true},
		tc{"email prefix", store.UserQuery{EmailPrefix: "user0001", Limit: 50}, []string{"users_env_email_order"}, true},
		tc{"email prefix matching all", store.UserQuery{EmailPrefix: "user", Limit: 50}, []string{"users_env_created"}, false},
		tc{"username prefix", store.UserQuery{UsernamePrefix: "LOGIN0001", Limit: 50}, []string{"users_env_username"}, true},
		tc{"phone prefix", store.UserQuery{PhonePrefix: "+1415", Limit: 50}, []string{"users_env_phone"}, true},
		tc{"name prefix", store.UserQuery{NamePrefix: "name 0001", SortBy: store.SortUsersByName, Limit: 50}, []string{"users_env_name"}, false},
		tc{"phrase", store.UserQuery{Contains: []string{"00123"}, Limit: 50}, []string{"users_search", "SEARCH k USING INTEGER PRIMARY KEY"}, true},
		tc{"phrase approximate", store.UserQuery{Optional: []string{"00123", "00124"}, Approximate: true, Limit: 50}, []string{"users_search_folded"}, true},
		tc{"excludes", store.UserQuery{Excludes: []string{"example3"}, Limit: 50}, []string{"users_env_created", "users_search"}, false},
		tc{"tenant and email", store.UserQuery{TenantIDs: []string{"env-t0003"}, EmailPrefix: "user0003", Limit: 50}, []string{"memberships_tenant_user"}, true},
	)
	fullScan := regexp.MustCompile(`^SCAN (u|m|t|k|users|memberships|tenants|user_search_keys)\b`)
	for _, c := range cases {
		c.q.EnvID = "env"
		var stmts []string
		var argss [][]any
		_, _, err := s.listUsers(ctx, c.q, func(query string, args []any) {
			stmts = append(stmts, query)
			argss = append(argss, args)
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.ContainsFunc(stmts, func(q string) bool { return strings.Contains(q, "SELECT u.id") }) {
			t.Fatalf("%s: no page was read (the query matched nothing): %q", c.name, stmts)
		}
		for i, query := range stmts {
			plan := explain(t, s, query, argss[i])
			for _, line := range plan {
				if fullScan.MatchString(line) {
					t.Errorf("%s: full scan %q in the plan %q of %s", c.name, line, plan, query)
				}
			}
			page := strings.Contains(query, "SELECT u.id")
			if !page {
				continue
			}
			joined := strings.Join(plan, "\n")
			for _, w := range c.want {
				if !strings.Contains(joined, w) {
					t.Errorf("%s: the plan %q does not use %s", c.name, plan, w)
				}
			}
			if !c.sorts && strings.Contains(joined, "TEMP B-TREE") {
				t.Errorf("%s: the plan %q sorts", c.name, plan)
			}
		}
	}
}

func explain(t *testing.T, s *Store, query string, args []any) []string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}
