package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

var tenantTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		parent := f.tenant(e.ID)
		child := f.newTenant(e.ID)
		child.ParentID = parent.ID
		child.Alias = "alias-" + child.ID
		child.Status = "trial"
		child.IsReseller = true
		child.CreatorName = "Ann Creator"
		child.CreatorEmail = "ann@example.com"
		child.CreatedAt = at(3*time.Second + 3*time.Microsecond)
		child.UpdatedAt = at(4*time.Second + 999999*time.Microsecond)
		allSet(t, child)
		want := clone(child)
		must(t, "CreateTenant", f.s.CreateTenant(f.ctx, child))
		got, err := f.s.GetTenant(f.ctx, e.ID, child.ID)
		must(t, "GetTenant", err)
		equal(t, "GetTenant", got, want)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn := f.tenant(e.ID)
		want := clone(tn)
		_, err := f.s.GetTenant(f.ctx, e.ID, "missing")
		wantErr(t, "GetTenant(missing)", err, store.ErrNotFound)
		_, err = f.s.GetTenant(f.ctx, other.ID, tn.ID)
		wantErr(t, "GetTenant(other environment)", err, store.ErrNotFound)
		wantErr(t, "UpdateTenant(missing)", f.s.UpdateTenant(f.ctx, f.newTenant(e.ID)), store.ErrNotFound)
		wantErr(t, "DeleteTenant(missing)", f.s.DeleteTenant(f.ctx, e.ID, "missing"), store.ErrNotFound)

		// A tenant is reached only through its own environment.
		moved := clone(tn)
		moved.EnvID = other.ID
		moved.Name = "moved"
		wantErr(t, "UpdateTenant(other environment)", f.s.UpdateTenant(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeleteTenant(other environment)", f.s.DeleteTenant(f.ctx, other.ID, tn.ID), store.ErrNotFound)
		got, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		must(t, "GetTenant", err)
		equal(t, "tenant after calls through another environment", got, want)
	}},
	{"Conflict", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn := f.tenant(e.ID)
		want := clone(tn)
		dup := f.newTenant(e.ID)
		dup.ID = tn.ID
		dup.Name = "duplicate"
		wantErr(t, "CreateTenant(same id)", f.s.CreateTenant(f.ctx, dup), store.ErrConflict)
		// Tenant ids are unique across environments.
		dup.EnvID = other.ID
		wantErr(t, "CreateTenant(same id, other environment)", f.s.CreateTenant(f.ctx, dup), store.ErrConflict)
		_, err := f.s.GetTenant(f.ctx, other.ID, tn.ID)
		wantErr(t, "GetTenant(other environment)", err, store.ErrNotFound)
		got, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		must(t, "GetTenant", err)
		equal(t, "tenant after rejected creates", got, want)
	}},
	{"Update", func(t *testing.T, f *fx) {
		e := f.env()
		parent := f.tenant(e.ID)
		tn := f.newTenant(e.ID)
		tn.ParentID = parent.ID
		must(t, "CreateTenant", f.s.CreateTenant(f.ctx, tn))

		upd := clone(tn)
		upd.Name = "Renamed"
		upd.ParentID = ""
		upd.Metadata = ""
		upd.Alias = "renamed"
		upd.Status = "active"
		upd.IsReseller = true
		upd.CreatorName = "Creator"
		upd.CreatorEmail = "creator@example.com"
		upd.UpdatedAt = at(time.Hour + 5*time.Microsecond)
		want := clone(upd)
		must(t, "UpdateTenant", f.s.UpdateTenant(f.ctx, upd))
		scramble(upd)
		got, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		must(t, "GetTenant", err)
		equal(t, "after UpdateTenant", got, want)
		got, err = f.s.GetTenant(f.ctx, e.ID, parent.ID)
		must(t, "GetTenant(parent)", err)
		equal(t, "untouched tenant", got, parent)
	}},
	{"DeleteCascades", func(t *testing.T, f *fx) {
		e := f.env()
		tn, keep := f.tenant(e.ID), f.tenant(e.ID)
		u1, u2 := f.user(e.ID), f.user(e.ID)
		f.membership(u1, tn)
		f.membership(u2, tn)
		m1keep := f.membership(u1, keep)

		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, tn.ID))
		_, err := f.s.GetTenant(f.ctx, e.ID, tn.ID)
		wantErr(t, "GetTenant(deleted)", err, store.ErrNotFound)
		wantErr(t, "DeleteTenant(deleted)", f.s.DeleteTenant(f.ctx, e.ID, tn.ID), store.ErrNotFound)
		for _, u := range []*store.User{u1, u2} {
			_, err = f.s.GetMembership(f.ctx, u.ID, tn.ID)
			wantErr(t, "GetMembership(deleted tenant)", err, store.ErrNotFound)
		}
		ms, err := f.s.ListTenantMemberships(f.ctx, tn.ID)
		must(t, "ListTenantMemberships(deleted tenant)", err)
		if len(ms) != 0 {
			t.Fatalf("deleted tenant still has %d memberships", len(ms))
		}
		ms, err = f.s.ListUserMemberships(f.ctx, u1.ID)
		must(t, "ListUserMemberships", err)
		if len(ms) != 1 {
			t.Fatalf("ListUserMemberships after DeleteTenant returned %d memberships, want 1", len(ms))
		}
		equal(t, "remaining membership", &ms[0], m1keep)
		// Users and other tenants survive.
		for _, u := range []*store.User{u1, u2} {
			got, err := f.s.GetUser(f.ctx, e.ID, u.ID)
			must(t, "GetUser after DeleteTenant", err)
			equal(t, "user after DeleteTenant", got, u)
		}
		got, err := f.s.GetTenant(f.ctx, e.ID, keep.ID)
		must(t, "GetTenant(kept)", err)
		equal(t, "kept tenant", got, keep)
	}},
	{"List", func(t *testing.T, f *fx) {
		e, other, empty := f.env(), f.env(), f.env()
		offsets := []time.Duration{time.Second, 2500 * time.Millisecond, 0, 2 * time.Second, 1001 * time.Millisecond}
		recs := make([]*store.Tenant, len(offsets))
		for i, d := range offsets {
			recs[i] = f.newTenant(e.ID)
			recs[i].CreatedAt = at(d)
			must(t, "CreateTenant", f.s.CreateTenant(f.ctx, recs[i]))
			if i == 2 {
				f.tenant(other.ID)
			}
		}
		got, err := f.s.ListTenants(f.ctx, e.ID)
		must(t, "ListTenants", err)
		equalIDs(t, "ListTenants order (oldest first)",
			ids(got, func(x *store.Tenant) string { return x.ID }),
			[]string{recs[2].ID, recs[0].ID, recs[4].ID, recs[3].ID, recs[1].ID})
		for i, want := range []*store.Tenant{recs[2], recs[0], recs[4], recs[3], recs[1]} {
			equal(t, "ListTenants item", &got[i], want)
		}
		got, err = f.s.ListTenants(f.ctx, empty.ID)
		must(t, "ListTenants(no tenants)", err)
		if len(got) != 0 {
			t.Fatalf("ListTenants of an environment without tenants returned %d", len(got))
		}
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.newTenant(e.ID)
		id := tn.ID
		checkCopies(t, "Tenant", tn,
			func(x *store.Tenant) error { return f.s.CreateTenant(f.ctx, x) },
			func() (*store.Tenant, error) { return f.s.GetTenant(f.ctx, e.ID, id) })
		want, err := f.s.GetTenant(f.ctx, e.ID, id)
		must(t, "GetTenant", err)
		list, err := f.s.ListTenants(f.ctx, e.ID)
		must(t, "ListTenants", err)
		scramble(&list[0])
		got, err := f.s.GetTenant(f.ctx, e.ID, id)
		must(t, "GetTenant", err)
		equal(t, "tenant after changing a listed copy", got, want)
	}},
}
