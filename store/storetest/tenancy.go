package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// childTenant creates a tenant of envID under parentID.
func (f *fx) childTenant(envID, parentID string) *store.Tenant {
	f.t.Helper()
	tn := f.newTenant(envID)
	tn.ParentID = parentID
	must(f.t, "CreateTenant(child)", f.s.CreateTenant(f.ctx, tn))
	return tn
}

func tenantID(t *store.Tenant) string { return t.ID }

var tenancyTests = []test{
	{"ChildTenants", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		root := f.tenant(e.ID)
		second := f.tenant(e.ID)
		a := f.childTenant(e.ID, root.ID)
		b := f.childTenant(e.ID, root.ID)
		grand := f.childTenant(e.ID, a.ID)
		// A tenant of another environment with the same parent id is not a
		// child: parents are looked up within the environment.
		f.childTenant(other.ID, root.ID)

		list := func(parent string) []string {
			t.Helper()
			ts, err := f.s.ListChildTenants(f.ctx, e.ID, parent)
			must(t, "ListChildTenants("+parent+")", err)
			return ids(ts, tenantID)
		}
		equalIDs(t, "children of root", list(root.ID), []string{a.ID, b.ID})
		equalIDs(t, "children of a", list(a.ID), []string{grand.ID})
		equalIDs(t, "children of a leaf", list(grand.ID), []string{})
		equalIDs(t, "children of an unknown tenant", list("missing"), []string{})
		equalIDs(t, "top-level tenants", list(""), []string{root.ID, second.ID})

		// Records come back whole.
		ts, err := f.s.ListChildTenants(f.ctx, e.ID, a.ID)
		must(t, "ListChildTenants", err)
		equal(t, "listed child", &ts[0], grand)

		// Moving a tenant moves it between parents.
		moved := clone(b)
		moved.ParentID = second.ID
		moved.UpdatedAt = at(time.Hour)
		must(t, "UpdateTenant(new parent)", f.s.UpdateTenant(f.ctx, moved))
		equalIDs(t, "children of root after the move", list(root.ID), []string{a.ID})
		equalIDs(t, "children of second after the move", list(second.ID), []string{b.ID})

		// A deleted tenant is no one's child.
		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, grand.ID))
		equalIDs(t, "children of a after deleting its child", list(a.ID), []string{})
	}},
}
