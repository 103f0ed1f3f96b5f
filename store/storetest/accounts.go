package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// aliasedTenant creates a tenant of envID with alias.
func (f *fx) aliasedTenant(envID, alias string) *store.Tenant {
	f.t.Helper()
	tn := f.newTenant(envID)
	tn.Alias = alias
	must(f.t, "CreateTenant(alias "+alias+")", f.s.CreateTenant(f.ctx, tn))
	return tn
}

func tenantIDOf(t *store.Tenant) string { return t.ID }

// accountTests cover what the accounts API adds to tenants: aliases, the
// paged query, and deleting a tenant's settings.
var accountTests = []test{
	{"AliasLookup", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn := f.aliasedTenant(e.ID, "acme")
		f.tenant(e.ID) // no alias
		got, err := f.s.GetTenantByAlias(f.ctx, e.ID, "acme")
		must(t, "GetTenantByAlias", err)
		equal(t, "tenant by alias", got, tn)
		_, err = f.s.GetTenantByAlias(f.ctx, e.ID, "ACME")
		wantErr(t, "GetTenantByAlias(other case)", err, store.ErrNotFound)
		_, err = f.s.GetTenantByAlias(f.ctx, other.ID, "acme")
		wantErr(t, "GetTenantByAlias(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetTenantByAlias(f.ctx, e.ID, "")
		wantErr(t, "GetTenantByAlias(empty)", err, store.ErrNotFound)
		_, err = f.s.GetTenantByAlias(f.ctx, e.ID, "missing")
		wantErr(t, "GetTenantByAlias(missing)", err, store.ErrNotFound)
	}},
	{"AliasUnique", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		owner := f.aliasedTenant(e.ID, "acme")
		want := clone(owner)
		dup := f.newTenant(e.ID)
		dup.Alias = "acme"
		wantErr(t, "CreateTenant(taken alias)", f.s.CreateTenant(f.ctx, dup), store.ErrConflict)
		_, err := f.s.GetTenant(f.ctx, e.ID, dup.ID)
		wantErr(t, "GetTenant(rejected create)", err, store.ErrNotFound)
		// Another environment has its own aliases; tenants without one
		// never clash.
		f.aliasedTenant(other.ID, "acme")
		f.tenant(e.ID)
		f.tenant(e.ID)

		second := f.aliasedTenant(e.ID, "globex")
		taking := clone(second)
		taking.Alias = "acme"
		wantErr(t, "UpdateTenant(taken alias)", f.s.UpdateTenant(f.ctx, taking), store.ErrConflict)
		got, err := f.s.GetTenant(f.ctx, e.ID, second.ID)
		must(t, "GetTenant", err)
		equal(t, "tenant after a rejected alias change", got, second)
		got, err = f.s.GetTenantByAlias(f.ctx, e.ID, "acme")
		must(t, "GetTenantByAlias", err)
		equal(t, "alias owner after rejected writes", got, want)

		// Keeping one's own alias is no conflict.
		same := clone(owner)
		same.Name = "Acme renamed"
		must(t, "UpdateTenant(same alias)", f.s.UpdateTenant(f.ctx, same))

		// A changed alias frees the old one; a deleted tenant frees its own.
		moved := clone(same)
		moved.Alias = "acme-2"
		must(t, "UpdateTenant(new alias)", f.s.UpdateTenant(f.ctx, moved))
		_, err = f.s.GetTenantByAlias(f.ctx, e.ID, "acme")
		wantErr(t, "GetTenantByAlias(old alias)", err, store.ErrNotFound)
		got, err = f.s.GetTenantByAlias(f.ctx, e.ID, "acme-2")
		must(t, "GetTenantByAlias(new alias)", err)
		equal(t, "tenant by its new alias", got, moved)
		taking.Alias = "acme"
		must(t, "UpdateTenant(freed alias)", f.s.UpdateTenant(f.ctx, taking))
		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, moved.ID))
		_, err = f.s.GetTenantByAlias(f.ctx, e.ID, "acme-2")
		wantErr(t, "GetTenantByAlias(deleted tenant)", err, store.ErrNotFound)
		f.aliasedTenant(e.ID, "acme-2")

		// Clearing an alias frees it too.
		cleared := clone(taking)
		cleared.Alias = ""
		must(t, "UpdateTenant(no alias)", f.s.UpdateTenant(f.ctx, cleared))
		f.aliasedTenant(e.ID, "acme")
	}},
	{"AliasRollback", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.aliasedTenant(e.ID, "kept")
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			moved := clone(tn)
			moved.Alias = "moved"
			if err := tx.UpdateTenant(f.ctx, moved); err != nil {
				return err
			}
			return fmt.Errorf("roll back")
		})
		if err == nil {
			t.Fatal("InTx returned nil for a failing fn")
		}
		got, err := f.s.GetTenantByAlias(f.ctx, e.ID, "kept")
		must(t, "GetTenantByAlias(after rollback)", err)
		equal(t, "tenant after rollback", got, tn)
		_, err = f.s.GetTenantByAlias(f.ctx, e.ID, "moved")
		wantErr(t, "GetTenantByAlias(rolled-back alias)", err, store.ErrNotFound)
	}},
	{"Query", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		mk := func(id, name string, d time.Duration) *store.Tenant {
			tn := f.newTenant(e.ID)
			tn.ID, tn.Name, tn.CreatedAt = id+"-"+next("q"), name, at(d)
			must(t, "CreateTenant", f.s.CreateTenant(f.ctx, tn))
			return tn
		}
		a := mk("c", "beta Corp", 3*time.Second)
		b := mk("a", "Alpha", 1*time.Second)
		c := mk("b", "alpha two", 2*time.Second)
		d := mk("d", "Gamma 100%", 2*time.Second) // same time as c: ties by id
		x := mk("x_y", "Delta", 5*time.Second)
		f.tenant(other.ID)
		query := func(q store.TenantQuery) ([]string, int) {
			t.Helper()
			q.EnvID = e.ID
			got, total, err := f.s.QueryTenants(f.ctx, q)
			must(t, "QueryTenants", err)
			return ids(got, tenantIDOf), total
		}
		check := func(what string, q store.TenantQuery, want []string, wantTotal int) {
			t.Helper()
			got, total := query(q)
			equalIDs(t, what, got, want)
			if total != wantTotal {
				t.Fatalf("%s: total %d, want %d", what, total, wantTotal)
			}
		}
		check("default order (createdAt, then id)", store.TenantQuery{},
			[]string{b.ID, c.ID, d.ID, a.ID, x.ID}, 5)
		check("createdAt descending", store.TenantQuery{Sort: store.SortTenantsByCreatedAt, Desc: true},
			[]string{x.ID, a.ID, d.ID, c.ID, b.ID}, 5)
		check("name, case-insensitively", store.TenantQuery{Sort: store.SortTenantsByName},
			[]string{b.ID, c.ID, a.ID, x.ID, d.ID}, 5)
		check("name descending", store.TenantQuery{Sort: store.SortTenantsByName, Desc: true},
			[]string{d.ID, x.ID, a.ID, c.ID, b.ID}, 5)
		check("id", store.TenantQuery{Sort: store.SortTenantsByID},
			[]string{b.ID, c.ID, a.ID, d.ID, x.ID}, 5)
		check("page", store.TenantQuery{Sort: store.SortTenantsByID, Limit: 2, Offset: 1},
			[]string{c.ID, a.ID}, 5)
		check("page past the end", store.TenantQuery{Limit: 2, Offset: 10}, []string{}, 5)
		check("search in names, ASCII-case-insensitively", store.TenantQuery{Search: "ALPHA"},
			[]string{b.ID, c.ID}, 2)
		check("search in ids", store.TenantQuery{Search: "x_y-"}, []string{x.ID}, 1)
		check("wildcards are literal", store.TenantQuery{Search: "100%"}, []string{d.ID}, 1)
		check("underscore is literal", store.TenantQuery{Search: "a_"}, []string{}, 0)
		check("ids", store.TenantQuery{IDs: []string{x.ID, b.ID, "missing", b.ID}},
			[]string{b.ID, x.ID}, 2)
		check("no ids", store.TenantQuery{IDs: []string{}}, []string{}, 0)
		check("ids and search", store.TenantQuery{IDs: []string{a.ID, b.ID, c.ID}, Search: "alpha", Limit: 1},
			[]string{b.ID}, 2)
		check("another environment's tenant by id", store.TenantQuery{IDs: []string{f.tenant(other.ID).ID}},
			[]string{}, 0)

		got, _, err := f.s.QueryTenants(f.ctx, store.TenantQuery{EnvID: e.ID, IDs: []string{a.ID}})
		must(t, "QueryTenants", err)
		equal(t, "queried tenant", &got[0], a)
		scramble(&got[0])
		again, err := f.s.GetTenant(f.ctx, e.ID, a.ID)
		must(t, "GetTenant", err)
		equal(t, "tenant after changing a queried copy", again, a)

		_, total, err := f.s.QueryTenants(f.ctx, store.TenantQuery{EnvID: f.env().ID})
		must(t, "QueryTenants(empty environment)", err)
		if total != 0 {
			t.Fatalf("empty environment: total %d", total)
		}
	}},
	{"DeleteTenantSettings", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn, keep := f.tenant(e.ID), f.tenant(e.ID)
		f.setting(e.ID, tn.ID, "profile")
		f.setting(e.ID, tn.ID, "lockout")
		envWide := f.setting(e.ID, "", "lockout")
		kept := f.setting(e.ID, keep.ID, "profile")
		otherEnv := f.setting(other.ID, tn.ID, "profile")

		n, err := f.s.DeleteTenantSettings(f.ctx, e.ID, tn.ID)
		must(t, "DeleteTenantSettings", err)
		if n != 2 {
			t.Fatalf("DeleteTenantSettings removed %d settings, want 2", n)
		}
		for _, name := range []string{"profile", "lockout"} {
			_, err := f.s.GetSetting(f.ctx, e.ID, tn.ID, name)
			wantErr(t, "GetSetting(deleted "+name+")", err, store.ErrNotFound)
		}
		for _, s := range []*store.Setting{envWide, kept, otherEnv} {
			got, err := f.s.GetSetting(f.ctx, s.EnvID, s.TenantID, s.Name)
			must(t, "GetSetting(kept)", err)
			equal(t, "kept setting", got, s)
		}
		n, err = f.s.DeleteTenantSettings(f.ctx, e.ID, tn.ID)
		must(t, "DeleteTenantSettings(again)", err)
		if n != 0 {
			t.Fatalf("second DeleteTenantSettings removed %d", n)
		}
		n, err = f.s.DeleteTenantSettings(f.ctx, e.ID, "")
		must(t, "DeleteTenantSettings(\"\")", err)
		if n != 0 {
			t.Fatalf("DeleteTenantSettings(\"\") removed %d", n)
		}
		_, err = f.s.GetSetting(f.ctx, e.ID, "", "lockout")
		must(t, "GetSetting(environment-wide after DeleteTenantSettings(\"\"))", err)
	}},
}
