package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newCategory returns an unsaved permission category of envID.
func (f *fx) newCategory(envID string) *store.PermissionCategory {
	id := next("cat")
	now := f.now()
	return &store.PermissionCategory{
		ID: id, EnvID: envID, Name: "Category " + id, Description: "About " + id,
		CreatedAt: now, UpdatedAt: now.Add(time.Millisecond),
	}
}

// category creates and returns a permission category of envID.
func (f *fx) category(envID string) *store.PermissionCategory {
	f.t.Helper()
	c := f.newCategory(envID)
	must(f.t, "CreatePermissionCategory", f.s.CreatePermissionCategory(f.ctx, c))
	return c
}

// newPermission returns an unsaved permission of envID without a category.
func (f *fx) newPermission(envID string) *store.Permission {
	id := next("perm")
	now := f.now()
	return &store.Permission{
		ID: id, EnvID: envID, Key: "app.read." + id, Name: "Read " + id, Description: "Reads " + id,
		AssignmentType: store.AssignmentAssignable, CreatedAt: now, UpdatedAt: now.Add(time.Millisecond),
	}
}

// permission creates and returns a permission of envID.
func (f *fx) permission(envID string) *store.Permission {
	f.t.Helper()
	p := f.newPermission(envID)
	must(f.t, "CreatePermission", f.s.CreatePermission(f.ctx, p))
	return p
}

// newRole returns an unsaved environment-wide role of envID granting perms.
func (f *fx) newRole(envID string, perms ...*store.Permission) *store.Role {
	id := next("role")
	now := f.now()
	r := &store.Role{
		ID: id, EnvID: envID, Key: "key-" + id, Name: "Role " + id, Description: "Does " + id, Level: 3,
		PermissionIDs: []string{}, CreatedAt: now, UpdatedAt: now.Add(time.Millisecond),
	}
	for _, p := range perms {
		r.PermissionIDs = append(r.PermissionIDs, p.ID)
	}
	return r
}

// role creates and returns an environment-wide role of envID.
func (f *fx) role(envID string, perms ...*store.Permission) *store.Role {
	f.t.Helper()
	r := f.newRole(envID, perms...)
	must(f.t, "CreateRole", f.s.CreateRole(f.ctx, r))
	return r
}

// memberWithRoles puts a membership of u in tn holding roleIDs.
func (f *fx) memberWithRoles(u *store.User, tn *store.Tenant, roleIDs ...string) *store.Membership {
	f.t.Helper()
	now := f.now()
	m := &store.Membership{UserID: u.ID, TenantID: tn.ID, EnvID: u.EnvID, RoleIDs: roleIDs, CreatedAt: now, UpdatedAt: now}
	must(f.t, "PutMembership", f.s.PutMembership(f.ctx, m))
	return m
}

// sortedCopy returns ids sorted, as stores return Role.PermissionIDs.
func sortedCopy(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// wantRoleIDs fails unless the membership of (userID, tenantID) holds
// exactly want, in that order.
func (f *fx) wantRoleIDs(t *testing.T, what, userID, tenantID string, want ...string) {
	t.Helper()
	m, err := f.s.GetMembership(f.ctx, userID, tenantID)
	must(t, what+": GetMembership", err)
	if want == nil {
		want = []string{}
	}
	equalIDs(t, what, m.RoleIDs, want)
}

// roleMembers returns "user/tenant" of every membership of envID holding
// roleID, in the store's order.
func (f *fx) roleMembers(t *testing.T, envID, roleID string) []string {
	t.Helper()
	ms, err := f.s.ListRoleMemberships(f.ctx, envID, roleID)
	must(t, "ListRoleMemberships", err)
	return ids(ms, func(m *store.Membership) string { return m.UserID + "/" + m.TenantID })
}

var roleTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		p1, p2, p3 := f.permission(e.ID), f.permission(e.ID), f.permission(e.ID)
		r := &store.Role{
			ID: next("role"), EnvID: e.ID, TenantID: tn.ID, Key: "editor", Name: "Editor", Description: "Edits things",
			Level: 7, IsDefault: true, FirstUserRole: true,
			PermissionIDs: []string{p1.ID, p2.ID, p3.ID},
			CreatedAt:     at(3*time.Second + 3*time.Microsecond), UpdatedAt: at(4 * time.Second),
		}
		allSet(t, r)
		want := clone(r)
		checkCopies(t, "role", r, func(r *store.Role) error { return f.s.CreateRole(f.ctx, r) },
			func() (*store.Role, error) { return f.s.GetRole(f.ctx, e.ID, want.ID) })
		got, err := f.s.GetRole(f.ctx, e.ID, want.ID)
		must(t, "GetRole", err)
		equal(t, "GetRole", got, want)
		list, err := f.s.ListRoles(f.ctx, e.ID)
		must(t, "ListRoles", err)
		if len(list) != 1 {
			t.Fatalf("ListRoles returned %d roles, want 1", len(list))
		}
		equal(t, "listed role", &list[0], want)
		byID, err := f.s.GetRolesByIDs(f.ctx, e.ID, []string{want.ID})
		must(t, "GetRolesByIDs", err)
		if len(byID) != 1 {
			t.Fatalf("GetRolesByIDs returned %d roles, want 1", len(byID))
		}
		equal(t, "role by id", &byID[0], want)

		// Permission ids given unsorted and with a duplicate are stored
		// sorted and unique.
		messy := f.newRole(e.ID, p3, p1, p3, p2)
		must(t, "CreateRole(unsorted permissions)", f.s.CreateRole(f.ctx, messy))
		got, err = f.s.GetRole(f.ctx, e.ID, messy.ID)
		must(t, "GetRole", err)
		equalIDs(t, "permission ids", got.PermissionIDs, []string{p1.ID, p2.ID, p3.ID})

		// A role without permissions reads back with none.
		bare := f.newRole(e.ID)
		bare.PermissionIDs = nil
		must(t, "CreateRole(no permissions)", f.s.CreateRole(f.ctx, bare))
		got, err = f.s.GetRole(f.ctx, e.ID, bare.ID)
		must(t, "GetRole(no permissions)", err)
		equal(t, "role without permissions", got, bare)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		r := f.role(e.ID)
		_, err := f.s.GetRole(f.ctx, e.ID, "missing")
		wantErr(t, "GetRole(unknown)", err, store.ErrNotFound)
		_, err = f.s.GetRole(f.ctx, other.ID, r.ID)
		wantErr(t, "GetRole(other environment)", err, store.ErrNotFound)
		ghost := f.newRole(e.ID)
		wantErr(t, "UpdateRole(unknown)", f.s.UpdateRole(f.ctx, ghost), store.ErrNotFound)
		foreign := clone(r)
		foreign.EnvID = other.ID
		wantErr(t, "UpdateRole(other environment)", f.s.UpdateRole(f.ctx, foreign), store.ErrNotFound)
		wantErr(t, "DeleteRole(unknown)", f.s.DeleteRole(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeleteRole(other environment)", f.s.DeleteRole(f.ctx, other.ID, r.ID), store.ErrNotFound)

		// A link to a permission the environment lacks is refused, and
		// nothing is stored.
		otherPerm := f.permission(other.ID)
		for name, pid := range map[string]string{"unknown": "missing", "other environment": otherPerm.ID} {
			bad := f.newRole(e.ID, f.permission(e.ID))
			bad.PermissionIDs = append(bad.PermissionIDs, pid)
			wantErr(t, "CreateRole(permission of "+name+")", f.s.CreateRole(f.ctx, bad), store.ErrNotFound)
			_, err = f.s.GetRole(f.ctx, e.ID, bad.ID)
			wantErr(t, "GetRole after refused CreateRole", err, store.ErrNotFound)
			upd := clone(r)
			upd.Name = "changed"
			upd.PermissionIDs = []string{pid}
			wantErr(t, "UpdateRole(permission of "+name+")", f.s.UpdateRole(f.ctx, upd), store.ErrNotFound)
			got, err := f.s.GetRole(f.ctx, e.ID, r.ID)
			must(t, "GetRole after refused UpdateRole", err)
			equal(t, "role after refused UpdateRole", got, r)
		}
		list, err := f.s.ListRoles(f.ctx, e.ID)
		must(t, "ListRoles", err)
		equalIDs(t, "roles after refused writes", ids(list, func(r *store.Role) string { return r.ID }), []string{r.ID})
	}},
	{"KeyUniqueness", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		envWide := f.role(e.ID)
		dup := f.newRole(e.ID)
		dup.Key = envWide.Key
		wantErr(t, "CreateRole(same key, environment-wide)", f.s.CreateRole(f.ctx, dup), store.ErrConflict)
		// The same key in a tenant scope, in two tenants and in another
		// environment is free.
		for _, scope := range []struct{ env, tenant string }{{e.ID, t1.ID}, {e.ID, t2.ID}, {other.ID, ""}} {
			r := f.newRole(scope.env)
			r.TenantID, r.Key = scope.tenant, envWide.Key
			must(t, "CreateRole(same key, other scope)", f.s.CreateRole(f.ctx, r))
		}
		inT1 := f.newRole(e.ID)
		inT1.TenantID, inT1.Key = t1.ID, envWide.Key
		wantErr(t, "CreateRole(same key, same tenant)", f.s.CreateRole(f.ctx, inT1), store.ErrConflict)
		// Ids are unique across environments.
		sameID := f.newRole(other.ID)
		sameID.ID = envWide.ID
		wantErr(t, "CreateRole(id of another environment's role)", f.s.CreateRole(f.ctx, sameID), store.ErrConflict)

		// Renaming onto a taken key is refused and changes nothing;
		// moving into a scope where the key is taken too.
		second := f.role(e.ID)
		upd := clone(second)
		upd.Key, upd.Name = envWide.Key, "renamed"
		wantErr(t, "UpdateRole(taken key)", f.s.UpdateRole(f.ctx, upd), store.ErrConflict)
		got, err := f.s.GetRole(f.ctx, e.ID, second.ID)
		must(t, "GetRole", err)
		equal(t, "role after refused rename", got, second)
		upd = clone(envWide)
		upd.TenantID = t1.ID
		wantErr(t, "UpdateRole(move into a scope holding the key)", f.s.UpdateRole(f.ctx, upd), store.ErrConflict)
		// A role keeps its own key on update, and a freed key is reusable.
		upd = clone(second)
		upd.Name = "same key"
		must(t, "UpdateRole(own key)", f.s.UpdateRole(f.ctx, upd))
		upd.Key = "fresh-key"
		must(t, "UpdateRole(new key)", f.s.UpdateRole(f.ctx, upd))
		reuse := f.newRole(e.ID)
		reuse.Key = second.Key
		must(t, "CreateRole(freed key)", f.s.CreateRole(f.ctx, reuse))
		must(t, "DeleteRole", f.s.DeleteRole(f.ctx, e.ID, envWide.ID))
		again := f.newRole(e.ID)
		again.Key = envWide.Key
		must(t, "CreateRole(key of a deleted role)", f.s.CreateRole(f.ctx, again))
	}},
	{"List", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn := f.tenant(e.ID)
		offsets := []time.Duration{3 * time.Second, time.Second, 2500 * time.Millisecond, 2 * time.Second}
		rs := make([]*store.Role, len(offsets))
		for i, d := range offsets {
			r := f.newRole(e.ID)
			if i%2 == 1 {
				r.TenantID = tn.ID
			}
			r.CreatedAt = at(d)
			must(t, "CreateRole", f.s.CreateRole(f.ctx, r))
			rs[i] = r
		}
		foreign := f.role(other.ID)
		list, err := f.s.ListRoles(f.ctx, e.ID)
		must(t, "ListRoles", err)
		roleIDs := func(l []store.Role) []string { return ids(l, func(r *store.Role) string { return r.ID }) }
		equalIDs(t, "ListRoles oldest first", roleIDs(list), []string{rs[1].ID, rs[3].ID, rs[2].ID, rs[0].ID})
		byID, err := f.s.GetRolesByIDs(f.ctx, e.ID, []string{rs[0].ID, "missing", foreign.ID, rs[1].ID, rs[0].ID})
		must(t, "GetRolesByIDs", err)
		equalIDs(t, "GetRolesByIDs", roleIDs(byID), []string{rs[1].ID, rs[0].ID})
		for _, in := range [][]string{nil, {}} {
			none, err := f.s.GetRolesByIDs(f.ctx, e.ID, in)
			must(t, "GetRolesByIDs(none)", err)
			if len(none) != 0 {
				t.Fatalf("GetRolesByIDs(%v) = %d roles", in, len(none))
			}
		}
		empty, err := f.s.ListRoles(f.ctx, f.env().ID)
		must(t, "ListRoles(empty environment)", err)
		if empty == nil || len(empty) != 0 {
			t.Fatalf("ListRoles(empty environment) = %#v, want an empty slice", empty)
		}
	}},
	{"WithPermissions", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		cat := f.category(e.ID)
		p1, p2, p3 := f.permission(e.ID), f.newPermission(e.ID), f.permission(e.ID)
		p2.CategoryID, p2.FePermission, p2.AssignmentType = cat.ID, true, store.AssignmentAlways
		must(t, "CreatePermission", f.s.CreatePermission(f.ctx, p2))
		unused := f.permission(e.ID)
		r1, r2, bare := f.role(e.ID, p2, p1), f.role(e.ID, p3, p2), f.role(e.ID)
		foreign := f.role(other.ID, f.permission(other.ID))
		roles, perms, err := f.s.GetRolesWithPermissions(f.ctx, e.ID, []string{r2.ID, "missing", foreign.ID, bare.ID, r1.ID, r2.ID})
		must(t, "GetRolesWithPermissions", err)
		if len(roles) != 3 {
			t.Fatalf("GetRolesWithPermissions returned %d roles, want 3", len(roles))
		}
		for i, want := range []*store.Role{r1, r2, bare} {
			w := clone(want)
			w.PermissionIDs = sortedCopy(w.PermissionIDs)
			equal(t, "role "+w.Key, &roles[i], w)
		}
		if len(perms) != 3 {
			t.Fatalf("GetRolesWithPermissions returned %d permissions, want 3 (each once, not %s)", len(perms), unused.Key)
		}
		for i, want := range []*store.Permission{p1, p2, p3} {
			equal(t, "permission "+want.Key, &perms[i], want)
		}
		roles, perms, err = f.s.GetRolesWithPermissions(f.ctx, e.ID, nil)
		must(t, "GetRolesWithPermissions(none)", err)
		if len(roles) != 0 || len(perms) != 0 {
			t.Fatalf("GetRolesWithPermissions(none) = %d roles, %d permissions", len(roles), len(perms))
		}
		must(t, "DeletePermission", f.s.DeletePermission(f.ctx, e.ID, p2.ID))
		roles, perms, err = f.s.GetRolesWithPermissions(f.ctx, e.ID, []string{r1.ID})
		must(t, "GetRolesWithPermissions after DeletePermission", err)
		if len(roles) != 1 || len(perms) != 1 || perms[0].ID != p1.ID {
			t.Fatalf("after DeletePermission: roles %v, permissions %v", roles, perms)
		}
		equalIDs(t, "role permissions after DeletePermission", roles[0].PermissionIDs, []string{p1.ID})
	}},
	{"UpdateReplacesPermissions", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		p1, p2, p3 := f.permission(e.ID), f.permission(e.ID), f.permission(e.ID)
		r := f.role(e.ID, p1, p2)
		upd := &store.Role{
			ID: r.ID, EnvID: e.ID, TenantID: tn.ID, Key: "moved", Name: "Moved", Description: "New", Level: 0,
			IsDefault: true, FirstUserRole: true, PermissionIDs: []string{p3.ID, p2.ID},
			CreatedAt: r.CreatedAt, UpdatedAt: at(time.Hour),
		}
		must(t, "UpdateRole", f.s.UpdateRole(f.ctx, upd))
		got, err := f.s.GetRole(f.ctx, e.ID, r.ID)
		must(t, "GetRole", err)
		want := clone(upd)
		want.PermissionIDs = sortedCopy(upd.PermissionIDs)
		equal(t, "updated role", got, want)
		upd.PermissionIDs = nil
		must(t, "UpdateRole(no permissions)", f.s.UpdateRole(f.ctx, upd))
		got, err = f.s.GetRole(f.ctx, e.ID, r.ID)
		must(t, "GetRole", err)
		if len(got.PermissionIDs) != 0 {
			t.Fatalf("permissions after clearing = %v", got.PermissionIDs)
		}
	}},
	{"DeleteCascades", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		u, v := f.user(e.ID), f.user(e.ID)
		p1, p2 := f.permission(e.ID), f.permission(e.ID)
		doomed, kept := f.role(e.ID, p1, p2), f.role(e.ID, p1)
		f.memberWithRoles(u, t1, kept.ID, doomed.ID, "role-x")
		f.memberWithRoles(u, t2, doomed.ID)
		f.memberWithRoles(v, t1, kept.ID)
		// A membership of another environment naming the same id is not
		// touched: roles belong to one environment.
		ou, ot := f.user(other.ID), f.tenant(other.ID)
		f.memberWithRoles(ou, ot, doomed.ID)

		equalIDs(t, "ListRoleMemberships before", f.roleMembers(t, e.ID, doomed.ID),
			[]string{u.ID + "/" + t1.ID, u.ID + "/" + t2.ID})

		// Rolled back, the delete leaves everything as it was.
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := tx.DeleteRole(f.ctx, e.ID, doomed.ID); err != nil {
				return err
			}
			return errRollback
		})
		wantErr(t, "InTx(DeleteRole, rollback)", err, errRollback)
		_, err = f.s.GetRole(f.ctx, e.ID, doomed.ID)
		must(t, "GetRole after rolled-back delete", err)
		f.wantRoleIDs(t, "membership after rolled-back delete", u.ID, t1.ID, kept.ID, doomed.ID, "role-x")
		f.wantRoleIDs(t, "membership after rolled-back delete", u.ID, t2.ID, doomed.ID)

		must(t, "DeleteRole", f.s.DeleteRole(f.ctx, e.ID, doomed.ID))
		_, err = f.s.GetRole(f.ctx, e.ID, doomed.ID)
		wantErr(t, "GetRole(deleted)", err, store.ErrNotFound)
		f.wantRoleIDs(t, "membership after delete", u.ID, t1.ID, kept.ID, "role-x")
		f.wantRoleIDs(t, "membership after delete", u.ID, t2.ID)
		f.wantRoleIDs(t, "unrelated membership", v.ID, t1.ID, kept.ID)
		f.wantRoleIDs(t, "other environment's membership", ou.ID, ot.ID, doomed.ID)
		if got := f.roleMembers(t, e.ID, doomed.ID); len(got) != 0 {
			t.Fatalf("ListRoleMemberships after delete = %v", got)
		}
		// The permissions remain, and so does the other role's link.
		for _, p := range []*store.Permission{p1, p2} {
			_, err := f.s.GetPermission(f.ctx, e.ID, p.ID)
			must(t, "GetPermission after DeleteRole", err)
		}
		got, err := f.s.GetRole(f.ctx, e.ID, kept.ID)
		must(t, "GetRole(kept)", err)
		equal(t, "kept role", got, kept)
		wantErr(t, "DeleteRole(again)", f.s.DeleteRole(f.ctx, e.ID, doomed.ID), store.ErrNotFound)
	}},
	{"ListRoleMemberships", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		u, v, w := f.user(e.ID), f.user(e.ID), f.user(e.ID)
		r := f.role(e.ID)
		f.memberWithRoles(v, t1, r.ID)
		f.memberWithRoles(u, t2, "other", r.ID)
		f.memberWithRoles(w, t1, "other")
		f.memberWithRoles(u, t1, r.ID)
		equalIDs(t, "oldest first", f.roleMembers(t, e.ID, r.ID),
			[]string{v.ID + "/" + t1.ID, u.ID + "/" + t2.ID, u.ID + "/" + t1.ID})
		if got := f.roleMembers(t, other.ID, r.ID); len(got) != 0 {
			t.Fatalf("ListRoleMemberships(other environment) = %v", got)
		}
		// Every way a membership changes keeps the listing right.
		m, err := f.s.GetMembership(f.ctx, v.ID, t1.ID)
		must(t, "GetMembership", err)
		m.RoleIDs = []string{"other"}
		must(t, "PutMembership(role removed)", f.s.PutMembership(f.ctx, m))
		m, err = f.s.GetMembership(f.ctx, w.ID, t1.ID)
		must(t, "GetMembership", err)
		m.RoleIDs = append(m.RoleIDs, r.ID)
		must(t, "PutMembership(role added)", f.s.PutMembership(f.ctx, m))
		must(t, "DeleteMembership", f.s.DeleteMembership(f.ctx, u.ID, t1.ID))
		got := f.roleMembers(t, e.ID, r.ID)
		slices.Sort(got)
		want := []string{u.ID + "/" + t2.ID, w.ID + "/" + t1.ID}
		slices.Sort(want)
		equalIDs(t, "after membership changes", got, want)
		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, t2.ID))
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, w.ID))
		if got := f.roleMembers(t, e.ID, r.ID); len(got) != 0 {
			t.Fatalf("ListRoleMemberships after deleting the tenant and the user = %v", got)
		}
		m2, err := f.s.ListRoleMemberships(f.ctx, e.ID, r.ID)
		must(t, "ListRoleMemberships", err)
		if m2 == nil {
			t.Fatal("ListRoleMemberships returned nil, want an empty slice")
		}
	}},
	{"ConcurrentAssignment", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		u := f.user(e.ID)
		f.memberWithRoles(u, tn)
		const n = 8
		roles := make([]string, n)
		for i := range n {
			roles[i] = f.role(e.ID).ID
		}
		// Each racer adds its role with a read-modify-write transaction;
		// none may lose another's update.
		errs := race(n, func(i int) error {
			return f.s.InTx(f.ctx, func(tx store.Store) error {
				m, err := tx.GetMembership(f.ctx, u.ID, tn.ID)
				if err != nil {
					return err
				}
				time.Sleep(time.Millisecond)
				m.RoleIDs = append(m.RoleIDs, roles[i])
				return tx.PutMembership(f.ctx, m)
			})
		})
		for i, err := range errs {
			must(t, fmt.Sprintf("racer %d", i), err)
		}
		m, err := f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership", err)
		got := sortedCopy(m.RoleIDs)
		if len(m.RoleIDs) != n {
			t.Fatalf("membership holds %d roles after %d concurrent assignments: %v", len(m.RoleIDs), n, m.RoleIDs)
		}
		equalIDs(t, "assigned roles", got, sortedCopy(roles))
		for _, r := range roles {
			if members := f.roleMembers(t, e.ID, r); len(members) != 1 {
				t.Fatalf("ListRoleMemberships(%s) = %v, want the one membership", r, members)
			}
		}
	}},
	{"ConcurrentSameKey", func(t *testing.T, f *fx) {
		e := f.env()
		rs := make([]*store.Role, 6)
		for i := range rs {
			rs[i] = f.newRole(e.ID)
			rs[i].Key = "contested"
		}
		exactlyOne(t, "concurrent CreateRole with one key", race(len(rs), func(i int) error {
			return f.s.CreateRole(f.ctx, rs[i])
		}))
		list, err := f.s.ListRoles(f.ctx, e.ID)
		must(t, "ListRoles", err)
		if len(list) != 1 {
			t.Fatalf("%d roles stored, want 1", len(list))
		}
	}},
}

var permissionTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		cat := f.category(e.ID)
		p := &store.Permission{
			ID: next("perm"), EnvID: e.ID, Key: "reports.export", Name: "Export reports", Description: "Exports",
			CategoryID: cat.ID, FePermission: true, AssignmentType: store.AssignmentNever,
			CreatedAt: at(5*time.Second + 55*time.Microsecond), UpdatedAt: at(6 * time.Second),
		}
		allSet(t, p)
		want := clone(p)
		checkCopies(t, "permission", p, func(p *store.Permission) error { return f.s.CreatePermission(f.ctx, p) },
			func() (*store.Permission, error) { return f.s.GetPermission(f.ctx, e.ID, want.ID) })
		list, err := f.s.ListPermissions(f.ctx, e.ID)
		must(t, "ListPermissions", err)
		if len(list) != 1 {
			t.Fatalf("ListPermissions returned %d, want 1", len(list))
		}
		equal(t, "listed permission", &list[0], want)
		byID, err := f.s.GetPermissionsByIDs(f.ctx, e.ID, []string{want.ID})
		must(t, "GetPermissionsByIDs", err)
		if len(byID) != 1 {
			t.Fatalf("GetPermissionsByIDs returned %d, want 1", len(byID))
		}
		equal(t, "permission by id", &byID[0], want)
		// Without a category.
		bare := f.newPermission(e.ID)
		must(t, "CreatePermission(no category)", f.s.CreatePermission(f.ctx, bare))
		got, err := f.s.GetPermission(f.ctx, e.ID, bare.ID)
		must(t, "GetPermission", err)
		equal(t, "permission without category", got, bare)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		p := f.permission(e.ID)
		_, err := f.s.GetPermission(f.ctx, e.ID, "missing")
		wantErr(t, "GetPermission(unknown)", err, store.ErrNotFound)
		_, err = f.s.GetPermission(f.ctx, other.ID, p.ID)
		wantErr(t, "GetPermission(other environment)", err, store.ErrNotFound)
		wantErr(t, "UpdatePermission(unknown)", f.s.UpdatePermission(f.ctx, f.newPermission(e.ID)), store.ErrNotFound)
		wantErr(t, "DeletePermission(unknown)", f.s.DeletePermission(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeletePermission(other environment)", f.s.DeletePermission(f.ctx, other.ID, p.ID), store.ErrNotFound)
		otherCat := f.category(other.ID)
		for name, cid := range map[string]string{"unknown": "missing", "other environment": otherCat.ID} {
			bad := f.newPermission(e.ID)
			bad.CategoryID = cid
			wantErr(t, "CreatePermission(category of "+name+")", f.s.CreatePermission(f.ctx, bad), store.ErrNotFound)
			_, err := f.s.GetPermission(f.ctx, e.ID, bad.ID)
			wantErr(t, "GetPermission after refused create", err, store.ErrNotFound)
			upd := clone(p)
			upd.CategoryID = cid
			wantErr(t, "UpdatePermission(category of "+name+")", f.s.UpdatePermission(f.ctx, upd), store.ErrNotFound)
			got, err := f.s.GetPermission(f.ctx, e.ID, p.ID)
			must(t, "GetPermission", err)
			equal(t, "permission after refused update", got, p)
		}
	}},
	{"KeyUniqueness", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		p := f.permission(e.ID)
		dup := f.newPermission(e.ID)
		dup.Key = p.Key
		wantErr(t, "CreatePermission(taken key)", f.s.CreatePermission(f.ctx, dup), store.ErrConflict)
		elsewhere := f.newPermission(other.ID)
		elsewhere.Key = p.Key
		must(t, "CreatePermission(same key, other environment)", f.s.CreatePermission(f.ctx, elsewhere))
		sameID := f.newPermission(other.ID)
		sameID.ID = p.ID
		wantErr(t, "CreatePermission(id of another environment's permission)", f.s.CreatePermission(f.ctx, sameID), store.ErrConflict)
		q := f.permission(e.ID)
		upd := clone(q)
		upd.Key = p.Key
		wantErr(t, "UpdatePermission(taken key)", f.s.UpdatePermission(f.ctx, upd), store.ErrConflict)
		got, err := f.s.GetPermission(f.ctx, e.ID, q.ID)
		must(t, "GetPermission", err)
		equal(t, "permission after refused rename", got, q)
		upd.Key = "renamed.key"
		must(t, "UpdatePermission(new key)", f.s.UpdatePermission(f.ctx, upd))
		reuse := f.newPermission(e.ID)
		reuse.Key = q.Key
		must(t, "CreatePermission(freed key)", f.s.CreatePermission(f.ctx, reuse))
		exactlyOne(t, "concurrent CreatePermission with one key", race(5, func(i int) error {
			c := f.newPermission(e.ID)
			c.Key = "contested"
			return f.s.CreatePermission(f.ctx, c)
		}))
	}},
	{"ListAndUpdate", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		offsets := []time.Duration{2 * time.Second, time.Second, 3 * time.Second}
		ps := make([]*store.Permission, len(offsets))
		for i, d := range offsets {
			ps[i] = f.newPermission(e.ID)
			ps[i].CreatedAt = at(d)
			must(t, "CreatePermission", f.s.CreatePermission(f.ctx, ps[i]))
		}
		foreign := f.permission(other.ID)
		permIDs := func(l []store.Permission) []string { return ids(l, func(p *store.Permission) string { return p.ID }) }
		list, err := f.s.ListPermissions(f.ctx, e.ID)
		must(t, "ListPermissions", err)
		equalIDs(t, "ListPermissions oldest first", permIDs(list), []string{ps[1].ID, ps[0].ID, ps[2].ID})
		byID, err := f.s.GetPermissionsByIDs(f.ctx, e.ID, []string{ps[2].ID, foreign.ID, "missing", ps[1].ID})
		must(t, "GetPermissionsByIDs", err)
		equalIDs(t, "GetPermissionsByIDs", permIDs(byID), []string{ps[1].ID, ps[2].ID})
		none, err := f.s.GetPermissionsByIDs(f.ctx, e.ID, nil)
		must(t, "GetPermissionsByIDs(nil)", err)
		if len(none) != 0 {
			t.Fatalf("GetPermissionsByIDs(nil) = %v", none)
		}

		cat := f.category(e.ID)
		upd := &store.Permission{ID: ps[0].ID, EnvID: e.ID, Key: "new.key", Name: "New", Description: "Changed",
			CategoryID: cat.ID, FePermission: true, AssignmentType: store.AssignmentAlways,
			CreatedAt: ps[0].CreatedAt, UpdatedAt: at(time.Hour)}
		must(t, "UpdatePermission", f.s.UpdatePermission(f.ctx, upd))
		got, err := f.s.GetPermission(f.ctx, e.ID, upd.ID)
		must(t, "GetPermission", err)
		equal(t, "updated permission", got, upd)
		upd.CategoryID = ""
		must(t, "UpdatePermission(clear category)", f.s.UpdatePermission(f.ctx, upd))
		got, err = f.s.GetPermission(f.ctx, e.ID, upd.ID)
		must(t, "GetPermission", err)
		equal(t, "permission with category cleared", got, upd)
	}},
	{"DeleteCascades", func(t *testing.T, f *fx) {
		e := f.env()
		doomed, kept := f.permission(e.ID), f.permission(e.ID)
		r1, r2, r3 := f.role(e.ID, doomed, kept), f.role(e.ID, doomed), f.role(e.ID, kept)

		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := tx.DeletePermission(f.ctx, e.ID, doomed.ID); err != nil {
				return err
			}
			return errRollback
		})
		wantErr(t, "InTx(DeletePermission, rollback)", err, errRollback)
		got, err := f.s.GetRole(f.ctx, e.ID, r2.ID)
		must(t, "GetRole", err)
		equal(t, "role after rolled-back delete", got, r2)

		must(t, "DeletePermission", f.s.DeletePermission(f.ctx, e.ID, doomed.ID))
		_, err = f.s.GetPermission(f.ctx, e.ID, doomed.ID)
		wantErr(t, "GetPermission(deleted)", err, store.ErrNotFound)
		for _, c := range []struct {
			r    *store.Role
			want []string
		}{{r1, []string{kept.ID}}, {r2, []string{}}, {r3, []string{kept.ID}}} {
			got, err := f.s.GetRole(f.ctx, e.ID, c.r.ID)
			must(t, "GetRole", err)
			equalIDs(t, "permissions of "+c.r.Key+" after DeletePermission", got.PermissionIDs, c.want)
		}
		// The key is free again.
		reuse := f.newPermission(e.ID)
		reuse.Key = doomed.Key
		must(t, "CreatePermission(key of a deleted permission)", f.s.CreatePermission(f.ctx, reuse))
		got, err = f.s.GetRole(f.ctx, e.ID, r2.ID)
		must(t, "GetRole", err)
		if len(got.PermissionIDs) != 0 {
			t.Fatalf("a new permission with a deleted one's key came back into its roles: %v", got.PermissionIDs)
		}
	}},
}

var permissionCategoryTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		c := &store.PermissionCategory{ID: next("cat"), EnvID: e.ID, Name: "Reports", Description: "Reporting",
			FeCategory: true, CreatedAt: at(7*time.Second + 7*time.Microsecond), UpdatedAt: at(8 * time.Second)}
		allSet(t, c)
		want := clone(c)
		checkCopies(t, "category", c, func(c *store.PermissionCategory) error { return f.s.CreatePermissionCategory(f.ctx, c) },
			func() (*store.PermissionCategory, error) { return f.s.GetPermissionCategory(f.ctx, e.ID, want.ID) })
		list, err := f.s.ListPermissionCategories(f.ctx, e.ID)
		must(t, "ListPermissionCategories", err)
		if len(list) != 1 {
			t.Fatalf("ListPermissionCategories returned %d, want 1", len(list))
		}
		equal(t, "listed category", &list[0], want)
	}},
	{"NotFoundAndConflict", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		c := f.category(e.ID)
		_, err := f.s.GetPermissionCategory(f.ctx, e.ID, "missing")
		wantErr(t, "GetPermissionCategory(unknown)", err, store.ErrNotFound)
		_, err = f.s.GetPermissionCategory(f.ctx, other.ID, c.ID)
		wantErr(t, "GetPermissionCategory(other environment)", err, store.ErrNotFound)
		wantErr(t, "UpdatePermissionCategory(unknown)", f.s.UpdatePermissionCategory(f.ctx, f.newCategory(e.ID)), store.ErrNotFound)
		foreign := clone(c)
		foreign.EnvID = other.ID
		wantErr(t, "UpdatePermissionCategory(other environment)", f.s.UpdatePermissionCategory(f.ctx, foreign), store.ErrNotFound)
		wantErr(t, "DeletePermissionCategory(unknown)", f.s.DeletePermissionCategory(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeletePermissionCategory(other environment)", f.s.DeletePermissionCategory(f.ctx, other.ID, c.ID), store.ErrNotFound)
		dup := f.newCategory(other.ID)
		dup.ID = c.ID
		wantErr(t, "CreatePermissionCategory(taken id)", f.s.CreatePermissionCategory(f.ctx, dup), store.ErrConflict)
		got, err := f.s.GetPermissionCategory(f.ctx, e.ID, c.ID)
		must(t, "GetPermissionCategory", err)
		equal(t, "category after refused writes", got, c)
	}},
	{"ListAndUpdate", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		offsets := []time.Duration{2 * time.Second, 3 * time.Second, time.Second}
		cs := make([]*store.PermissionCategory, len(offsets))
		for i, d := range offsets {
			cs[i] = f.newCategory(e.ID)
			cs[i].CreatedAt = at(d)
			must(t, "CreatePermissionCategory", f.s.CreatePermissionCategory(f.ctx, cs[i]))
		}
		f.category(other.ID)
		list, err := f.s.ListPermissionCategories(f.ctx, e.ID)
		must(t, "ListPermissionCategories", err)
		equalIDs(t, "ListPermissionCategories oldest first",
			ids(list, func(c *store.PermissionCategory) string { return c.ID }), []string{cs[2].ID, cs[0].ID, cs[1].ID})
		upd := &store.PermissionCategory{ID: cs[0].ID, EnvID: e.ID, Name: "Renamed", Description: "",
			FeCategory: true, CreatedAt: cs[0].CreatedAt, UpdatedAt: at(time.Hour)}
		must(t, "UpdatePermissionCategory", f.s.UpdatePermissionCategory(f.ctx, upd))
		got, err := f.s.GetPermissionCategory(f.ctx, e.ID, upd.ID)
		must(t, "GetPermissionCategory", err)
		equal(t, "updated category", got, upd)
	}},
	{"DeleteLeavesPermissionsWithoutCategory", func(t *testing.T, f *fx) {
		e := f.env()
		doomed, kept := f.category(e.ID), f.category(e.ID)
		in1, in2, elsewhere := f.newPermission(e.ID), f.newPermission(e.ID), f.newPermission(e.ID)
		in1.CategoryID, in2.CategoryID, elsewhere.CategoryID = doomed.ID, doomed.ID, kept.ID
		for _, p := range []*store.Permission{in1, in2, elsewhere} {
			must(t, "CreatePermission", f.s.CreatePermission(f.ctx, p))
		}
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := tx.DeletePermissionCategory(f.ctx, e.ID, doomed.ID); err != nil {
				return err
			}
			return errRollback
		})
		wantErr(t, "InTx(DeletePermissionCategory, rollback)", err, errRollback)
		got, err := f.s.GetPermission(f.ctx, e.ID, in1.ID)
		must(t, "GetPermission", err)
		equal(t, "permission after rolled-back category delete", got, in1)

		must(t, "DeletePermissionCategory", f.s.DeletePermissionCategory(f.ctx, e.ID, doomed.ID))
		_, err = f.s.GetPermissionCategory(f.ctx, e.ID, doomed.ID)
		wantErr(t, "GetPermissionCategory(deleted)", err, store.ErrNotFound)
		for _, p := range []*store.Permission{in1, in2} {
			got, err := f.s.GetPermission(f.ctx, e.ID, p.ID)
			must(t, "GetPermission after category delete", err)
			want := clone(p)
			want.CategoryID = ""
			equal(t, "permission of a deleted category", got, want)
		}
		got, err = f.s.GetPermission(f.ctx, e.ID, elsewhere.ID)
		must(t, "GetPermission", err)
		equal(t, "permission of another category", got, elsewhere)
	}},
}
