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
	{"ListUsersMemberships", func(t *testing.T, f *fx) {
		e := f.env()
		t1, t2, t3 := f.tenant(e.ID), f.tenant(e.ID), f.tenant(e.ID)
		u, v, w := f.user(e.ID), f.user(e.ID), f.user(e.ID)
		u2 := f.membership(u, t2)
		u1 := f.membership(u, t1)
		v3 := f.membership(v, t3)
		f.membership(w, t1)

		got, err := f.s.ListUsersMemberships(f.ctx, []string{v.ID, u.ID, "missing", u.ID})
		must(t, "ListUsersMemberships", err)
		byUser := map[string][]store.Membership{}
		var order []string
		for _, m := range got {
			if len(byUser[m.UserID]) == 0 {
				order = append(order, m.UserID)
			} else if order[len(order)-1] != m.UserID {
				t.Fatalf("memberships of %s are not grouped: %v", m.UserID, got)
			}
			byUser[m.UserID] = append(byUser[m.UserID], m)
		}
		if len(got) != 3 || len(byUser) != 2 {
			t.Fatalf("ListUsersMemberships = %d memberships of %d users, want 3 of 2", len(got), len(byUser))
		}
		equal(t, "u's first membership", &byUser[u.ID][0], u2)
		equal(t, "u's second membership", &byUser[u.ID][1], u1)
		equal(t, "v's membership", &byUser[v.ID][0], v3)
		none, err := f.s.ListUsersMemberships(f.ctx, nil)
		must(t, "ListUsersMemberships(none)", err)
		if len(none) != 0 {
			t.Fatalf("no users: %d memberships", len(none))
		}
	}},
}
