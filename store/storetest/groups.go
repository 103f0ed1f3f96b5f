package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newGroup returns an unsaved group of tn with every field set.
func (f *fx) newGroup(tn *store.Tenant) *store.Group {
	id := next("group")
	now := f.now()
	return &store.Group{
		ID:          id,
		EnvID:       tn.EnvID,
		TenantID:    tn.ID,
		Name:        "Group " + id,
		Description: "Description of " + id,
		Color:       "#ff8800",
		Metadata:    `{"team":"` + id + `"}`,
		RoleIDs:     []string{"role-b", "role-a"},
		CreatedAt:   now,
		UpdatedAt:   now.Add(time.Millisecond),
	}
}

// group creates and returns a group of tn.
func (f *fx) group(tn *store.Tenant) *store.Group {
	f.t.Helper()
	g := f.newGroup(tn)
	must(f.t, "CreateGroup", f.s.CreateGroup(f.ctx, g))
	return g
}

// member creates a user of tn's environment who is a member of tn.
func (f *fx) member(tn *store.Tenant) *store.User {
	f.t.Helper()
	u := f.user(tn.EnvID)
	f.membership(u, tn)
	return u
}

// groupMemberIDs returns the user ids of group g's members, in listed order.
func (f *fx) groupMemberIDs(t *testing.T, g *store.Group) []string {
	t.Helper()
	ms, err := f.s.ListGroupMembers(f.ctx, g.TenantID, g.ID)
	must(t, "ListGroupMembers", err)
	return ids(ms, func(m *store.GroupMember) string { return m.UserID })
}

// userGroupIDs returns the ids of the groups of tenantID u belongs to.
func (f *fx) userGroupIDs(t *testing.T, tenantID string, u *store.User) []string {
	t.Helper()
	gs, err := f.s.ListUserGroups(f.ctx, tenantID, u.ID)
	must(t, "ListUserGroups", err)
	return ids(gs, func(g *store.Group) string { return g.ID })
}

func groupIDOf(g *store.Group) string { return g.ID }

var groupTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		g := f.newGroup(tn)
		g.CreatedAt = at(3*time.Second + 33*time.Microsecond)
		g.UpdatedAt = at(4 * time.Second)
		allSet(t, g)
		want := clone(g)
		must(t, "CreateGroup", f.s.CreateGroup(f.ctx, g))
		got, err := f.s.GetGroup(f.ctx, tn.ID, g.ID)
		must(t, "GetGroup", err)
		equal(t, "GetGroup", got, want)

		// Optional fields empty, no roles.
		bare := &store.Group{ID: next("group"), EnvID: e.ID, TenantID: tn.ID, Name: "bare",
			CreatedAt: f.now(), UpdatedAt: f.now()}
		must(t, "CreateGroup(bare)", f.s.CreateGroup(f.ctx, bare))
		got, err = f.s.GetGroup(f.ctx, tn.ID, bare.ID)
		must(t, "GetGroup(bare)", err)
		equal(t, "GetGroup(bare)", got, bare)
	}},
	{"Update", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		g, other := f.group(tn), f.group(tn)
		u := f.member(tn)
		must(t, "AddGroupMembers", f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{u.ID}, f.now()))
		upd := clone(g)
		upd.Name = "Renamed"
		upd.Description = ""
		upd.Color = "blue"
		upd.Metadata = `{"x":1}`
		upd.RoleIDs = []string{"role-z"}
		upd.UpdatedAt = at(time.Hour)
		must(t, "UpdateGroup", f.s.UpdateGroup(f.ctx, upd))
		got, err := f.s.GetGroup(f.ctx, tn.ID, g.ID)
		must(t, "GetGroup", err)
		equal(t, "after UpdateGroup", got, upd)
		equalIDs(t, "members kept by UpdateGroup", f.groupMemberIDs(t, g), []string{u.ID})
		got, err = f.s.GetGroup(f.ctx, tn.ID, other.ID)
		must(t, "GetGroup(other)", err)
		equal(t, "untouched group", got, other)

		// The old name is free again; the new one is taken.
		freed := f.newGroup(tn)
		freed.Name = strings.ToUpper(g.Name)
		must(t, "CreateGroup(old name)", f.s.CreateGroup(f.ctx, freed))
		dup := f.newGroup(tn)
		dup.Name = "RENAMED"
		wantErr(t, "CreateGroup(new name)", f.s.CreateGroup(f.ctx, dup), store.ErrConflict)

		// Renaming onto another group's name conflicts and changes nothing.
		clash := clone(other)
		clash.Name = "renamed"
		clash.Color = "red"
		wantErr(t, "UpdateGroup(taken name)", f.s.UpdateGroup(f.ctx, clash), store.ErrConflict)
		got, err = f.s.GetGroup(f.ctx, tn.ID, other.ID)
		must(t, "GetGroup(other)", err)
		equal(t, "group after rejected update", got, other)

		// Keeping one's own name (in another case) is no conflict.
		same := clone(upd)
		same.Name = "RENAMED"
		must(t, "UpdateGroup(own name, other case)", f.s.UpdateGroup(f.ctx, same))
	}},
	{"ConflictAndNotFound", func(t *testing.T, f *fx) {
		e := f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		g := f.group(t1)

		dupID := f.newGroup(t1)
		dupID.ID = g.ID
		wantErr(t, "CreateGroup(same id)", f.s.CreateGroup(f.ctx, dupID), store.ErrConflict)
		dupName := f.newGroup(t1)
		dupName.Name = strings.ToLower(g.Name)
		wantErr(t, "CreateGroup(same name, other case)", f.s.CreateGroup(f.ctx, dupName), store.ErrConflict)
		// Names are unique per tenant only.
		sameNameElsewhere := f.newGroup(t2)
		sameNameElsewhere.Name = g.Name
		must(t, "CreateGroup(same name, other tenant)", f.s.CreateGroup(f.ctx, sameNameElsewhere))

		missingTenant := f.newGroup(t1)
		missingTenant.TenantID = "missing"
		wantErr(t, "CreateGroup(unknown tenant)", f.s.CreateGroup(f.ctx, missingTenant), store.ErrNotFound)
		foreign := f.tenant(f.env().ID)
		wrongEnv := f.newGroup(foreign)
		wrongEnv.EnvID = e.ID
		wantErr(t, "CreateGroup(tenant of another environment)", f.s.CreateGroup(f.ctx, wrongEnv), store.ErrNotFound)

		// A group is reached only through its own tenant.
		_, err := f.s.GetGroup(f.ctx, t2.ID, g.ID)
		wantErr(t, "GetGroup(other tenant)", err, store.ErrNotFound)
		_, err = f.s.GetGroup(f.ctx, t1.ID, "missing")
		wantErr(t, "GetGroup(missing)", err, store.ErrNotFound)
		moved := clone(g)
		moved.TenantID = t2.ID
		wantErr(t, "UpdateGroup(other tenant)", f.s.UpdateGroup(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeleteGroup(other tenant)", f.s.DeleteGroup(f.ctx, t2.ID, g.ID), store.ErrNotFound)
		wantErr(t, "DeleteGroup(missing)", f.s.DeleteGroup(f.ctx, t1.ID, "missing"), store.ErrNotFound)
		u := f.member(t2)
		wantErr(t, "AddGroupMembers(other tenant)",
			f.s.AddGroupMembers(f.ctx, t2.ID, g.ID, []string{u.ID}, f.now()), store.ErrNotFound)
		wantErr(t, "AddGroupMembers(missing group)",
			f.s.AddGroupMembers(f.ctx, t1.ID, "missing", nil, f.now()), store.ErrNotFound)
		wantErr(t, "RemoveGroupMembers(other tenant)",
			f.s.RemoveGroupMembers(f.ctx, t2.ID, g.ID, []string{u.ID}), store.ErrNotFound)
		got, err := f.s.GetGroup(f.ctx, t1.ID, g.ID)
		must(t, "GetGroup", err)
		equal(t, "group after rejected calls", got, g)
		if ms := f.groupMemberIDs(t, g); len(ms) != 0 {
			t.Fatalf("rejected calls left members %q", ms)
		}
	}},
	{"List", func(t *testing.T, f *fx) {
		e := f.env()
		tn, other, empty := f.tenant(e.ID), f.tenant(e.ID), f.tenant(e.ID)
		offsets := []time.Duration{3 * time.Second, time.Second, 2500 * time.Millisecond, 2 * time.Second}
		gs := make([]*store.Group, len(offsets))
		for i, d := range offsets {
			gs[i] = f.newGroup(tn)
			gs[i].CreatedAt = at(d)
			must(t, "CreateGroup", f.s.CreateGroup(f.ctx, gs[i]))
			f.group(other)
		}
		// Equal creation times are ordered by id.
		twin := f.newGroup(tn)
		twin.ID = gs[1].ID + "-twin"
		twin.CreatedAt = gs[1].CreatedAt
		must(t, "CreateGroup(twin)", f.s.CreateGroup(f.ctx, twin))

		got, err := f.s.ListGroups(f.ctx, tn.ID)
		must(t, "ListGroups", err)
		want := []*store.Group{gs[1], twin, gs[3], gs[2], gs[0]}
		equalIDs(t, "ListGroups order (oldest first)", ids(got, groupIDOf), ids(derefAll(want), groupIDOf))
		for i := range want {
			equal(t, "ListGroups item", &got[i], want[i])
		}
		got, err = f.s.ListGroups(f.ctx, empty.ID)
		must(t, "ListGroups(no groups)", err)
		if len(got) != 0 {
			t.Fatalf("tenant without groups listed %d", len(got))
		}
	}},
	{"Members", func(t *testing.T, f *fx) {
		e := f.env()
		tn, other := f.tenant(e.ID), f.tenant(e.ID)
		g, h := f.group(tn), f.group(tn)
		u, v, w := f.member(tn), f.member(tn), f.member(tn)
		outsider := f.member(other)

		first := at(time.Hour + 11*time.Microsecond)
		must(t, "AddGroupMembers", f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{v.ID, u.ID}, first))
		// Adding again is no change: the first CreatedAt stays.
		later := first.Add(time.Minute)
		must(t, "AddGroupMembers(again, with a new one)",
			f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{u.ID, w.ID, w.ID}, later))
		ms, err := f.s.ListGroupMembers(f.ctx, tn.ID, g.ID)
		must(t, "ListGroupMembers", err)
		wantMembers := []store.GroupMember{
			{GroupID: g.ID, UserID: u.ID, TenantID: tn.ID, CreatedAt: first},
			{GroupID: g.ID, UserID: v.ID, TenantID: tn.ID, CreatedAt: first},
			{GroupID: g.ID, UserID: w.ID, TenantID: tn.ID, CreatedAt: later},
		}
		if u.ID > v.ID {
			wantMembers[0], wantMembers[1] = wantMembers[1], wantMembers[0]
		}
		equal(t, "ListGroupMembers (oldest first, ties by user id)", ms, wantMembers)

		// All or nothing: one user outside the tenant adds nobody.
		wantErr(t, "AddGroupMembers(user of another tenant)",
			f.s.AddGroupMembers(f.ctx, tn.ID, h.ID, []string{u.ID, outsider.ID}, f.now()), store.ErrNotFound)
		wantErr(t, "AddGroupMembers(unknown user)",
			f.s.AddGroupMembers(f.ctx, tn.ID, h.ID, []string{v.ID, "missing"}, f.now()), store.ErrNotFound)
		if got := f.groupMemberIDs(t, h); len(got) != 0 {
			t.Fatalf("rejected AddGroupMembers left members %q", got)
		}
		must(t, "AddGroupMembers(h)", f.s.AddGroupMembers(f.ctx, tn.ID, h.ID, []string{u.ID}, f.now()))

		equalIDs(t, "ListUserGroups(u)", f.userGroupIDs(t, tn.ID, u), []string{g.ID, h.ID})
		equalIDs(t, "ListUserGroups(w)", f.userGroupIDs(t, tn.ID, w), []string{g.ID})
		if got := f.userGroupIDs(t, other.ID, u); len(got) != 0 {
			t.Fatalf("ListUserGroups in a tenant where the user has no groups: %q", got)
		}
		if got := f.userGroupIDs(t, other.ID, outsider); len(got) != 0 {
			t.Fatalf("ListUserGroups(outsider): %q", got)
		}
		gs, err := f.s.ListUserGroups(f.ctx, tn.ID, u.ID)
		must(t, "ListUserGroups", err)
		equal(t, "ListUserGroups item", &gs[0], g)
		// Members are listed only under the group's tenant.
		ms, err = f.s.ListGroupMembers(f.ctx, other.ID, g.ID)
		must(t, "ListGroupMembers(other tenant)", err)
		if len(ms) != 0 {
			t.Fatalf("ListGroupMembers under another tenant listed %d", len(ms))
		}
		ms, err = f.s.ListGroupMembers(f.ctx, tn.ID, "missing")
		must(t, "ListGroupMembers(missing group)", err)
		if len(ms) != 0 {
			t.Fatalf("ListGroupMembers(missing group) listed %d", len(ms))
		}

		// Remove skips users not in the group.
		must(t, "RemoveGroupMembers", f.s.RemoveGroupMembers(f.ctx, tn.ID, g.ID, []string{u.ID, outsider.ID, "missing"}))
		want := []string{v.ID, w.ID} // added at first and at later
		equalIDs(t, "members after RemoveGroupMembers", f.groupMemberIDs(t, g), want)
		equalIDs(t, "ListUserGroups(u) after removal", f.userGroupIDs(t, tn.ID, u), []string{h.ID})
		must(t, "RemoveGroupMembers(none)", f.s.RemoveGroupMembers(f.ctx, tn.ID, g.ID, nil))
		equalIDs(t, "members after removing nobody", f.groupMemberIDs(t, g), want)
		wantErr(t, "RemoveGroupMembers(missing group)",
			f.s.RemoveGroupMembers(f.ctx, tn.ID, "missing", []string{u.ID}), store.ErrNotFound)
		// The memberships themselves remain.
		_, err = f.s.GetMembership(f.ctx, u.ID, tn.ID)
		must(t, "GetMembership after RemoveGroupMembers", err)
	}},
	{"Delete", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		g, keep := f.group(tn), f.group(tn)
		u := f.member(tn)
		must(t, "AddGroupMembers", f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{u.ID}, f.now()))
		must(t, "AddGroupMembers(keep)", f.s.AddGroupMembers(f.ctx, tn.ID, keep.ID, []string{u.ID}, f.now()))
		must(t, "DeleteGroup", f.s.DeleteGroup(f.ctx, tn.ID, g.ID))
		_, err := f.s.GetGroup(f.ctx, tn.ID, g.ID)
		wantErr(t, "GetGroup(deleted)", err, store.ErrNotFound)
		wantErr(t, "DeleteGroup(deleted)", f.s.DeleteGroup(f.ctx, tn.ID, g.ID), store.ErrNotFound)
		if ms := f.groupMemberIDs(t, g); len(ms) != 0 {
			t.Fatalf("deleted group still lists members %q", ms)
		}
		equalIDs(t, "ListUserGroups after DeleteGroup", f.userGroupIDs(t, tn.ID, u), []string{keep.ID})
		got, err := f.s.ListGroups(f.ctx, tn.ID)
		must(t, "ListGroups", err)
		equalIDs(t, "ListGroups after DeleteGroup", ids(got, groupIDOf), []string{keep.ID})
		// Its name is free again.
		again := f.newGroup(tn)
		again.Name = g.Name
		must(t, "CreateGroup(name of a deleted group)", f.s.CreateGroup(f.ctx, again))
		// Re-created under the same id, the group starts empty.
		reborn := f.newGroup(tn)
		reborn.ID = g.ID
		must(t, "CreateGroup(id of a deleted group)", f.s.CreateGroup(f.ctx, reborn))
		if ms := f.groupMemberIDs(t, reborn); len(ms) != 0 {
			t.Fatalf("re-created group inherited members %q", ms)
		}
	}},
	{"CascadeMembership", func(t *testing.T, f *fx) {
		e := f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		g1, g2 := f.group(t1), f.group(t2)
		u := f.user(e.ID)
		f.membership(u, t1)
		f.membership(u, t2)
		v := f.member(t1)
		must(t, "AddGroupMembers(g1)", f.s.AddGroupMembers(f.ctx, t1.ID, g1.ID, []string{u.ID, v.ID}, f.now()))
		must(t, "AddGroupMembers(g2)", f.s.AddGroupMembers(f.ctx, t2.ID, g2.ID, []string{u.ID}, f.now()))

		// Replacing a membership keeps the user's groups.
		m, err := f.s.GetMembership(f.ctx, u.ID, t1.ID)
		must(t, "GetMembership", err)
		m.RoleIDs, m.UpdatedAt = []string{"other"}, f.now()
		must(t, "PutMembership(replace)", f.s.PutMembership(f.ctx, m))
		equalIDs(t, "groups after replacing the membership", f.userGroupIDs(t, t1.ID, u), []string{g1.ID})

		// Leaving a tenant leaves its groups, and only its groups.
		must(t, "DeleteMembership", f.s.DeleteMembership(f.ctx, u.ID, t1.ID))
		equalIDs(t, "g1 members after DeleteMembership", f.groupMemberIDs(t, g1), []string{v.ID})
		if got := f.userGroupIDs(t, t1.ID, u); len(got) != 0 {
			t.Fatalf("user still in groups %q of a tenant it left", got)
		}
		equalIDs(t, "g2 members after DeleteMembership in t1", f.groupMemberIDs(t, g2), []string{u.ID})

		// Joining the tenant again does not bring the groups back.
		f.membership(u, t1)
		if got := f.userGroupIDs(t, t1.ID, u); len(got) != 0 {
			t.Fatalf("re-joining the tenant restored groups %q", got)
		}
	}},
	{"CascadeUser", func(t *testing.T, f *fx) {
		e := f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		g1, g2 := f.group(t1), f.group(t2)
		u, v := f.user(e.ID), f.member(t1)
		f.membership(u, t1)
		f.membership(u, t2)
		must(t, "AddGroupMembers(g1)", f.s.AddGroupMembers(f.ctx, t1.ID, g1.ID, []string{u.ID, v.ID}, f.now()))
		must(t, "AddGroupMembers(g2)", f.s.AddGroupMembers(f.ctx, t2.ID, g2.ID, []string{u.ID}, f.now()))
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		equalIDs(t, "g1 members after DeleteUser", f.groupMemberIDs(t, g1), []string{v.ID})
		if got := f.groupMemberIDs(t, g2); len(got) != 0 {
			t.Fatalf("g2 still lists %q after its only member was deleted", got)
		}
		// The groups themselves remain.
		_, err := f.s.GetGroup(f.ctx, t2.ID, g2.ID)
		must(t, "GetGroup after DeleteUser", err)
	}},
	{"CascadeTenant", func(t *testing.T, f *fx) {
		e := f.env()
		tn, keep := f.tenant(e.ID), f.tenant(e.ID)
		g, kg := f.group(tn), f.group(keep)
		u := f.user(e.ID)
		f.membership(u, tn)
		f.membership(u, keep)
		must(t, "AddGroupMembers", f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{u.ID}, f.now()))
		must(t, "AddGroupMembers(keep)", f.s.AddGroupMembers(f.ctx, keep.ID, kg.ID, []string{u.ID}, f.now()))
		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, tn.ID))
		_, err := f.s.GetGroup(f.ctx, tn.ID, g.ID)
		wantErr(t, "GetGroup(group of a deleted tenant)", err, store.ErrNotFound)
		gs, err := f.s.ListGroups(f.ctx, tn.ID)
		must(t, "ListGroups(deleted tenant)", err)
		if len(gs) != 0 {
			t.Fatalf("deleted tenant still lists %d groups", len(gs))
		}
		equalIDs(t, "groups in the other tenant", f.userGroupIDs(t, keep.ID, u), []string{kg.ID})
		// A tenant re-created under the same id starts without groups.
		tn.CreatedAt = f.now()
		must(t, "CreateTenant(same id)", f.s.CreateTenant(f.ctx, tn))
		gs, err = f.s.ListGroups(f.ctx, tn.ID)
		must(t, "ListGroups(re-created tenant)", err)
		if len(gs) != 0 {
			t.Fatalf("re-created tenant inherited %d groups", len(gs))
		}
	}},
	{"DeleteRoleCascade", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn, otn := f.tenant(e.ID), f.tenant(other.ID)
		doomed, kept := f.role(e.ID), f.role(e.ID)
		g, h, bare := f.newGroup(tn), f.newGroup(tn), f.newGroup(tn)
		g.RoleIDs = []string{kept.ID, doomed.ID, "dangling"}
		h.RoleIDs = []string{doomed.ID}
		bare.RoleIDs = nil
		for _, x := range []*store.Group{g, h, bare} {
			must(t, "CreateGroup", f.s.CreateGroup(f.ctx, x))
		}
		// A group of another environment naming the same id is left alone.
		foreign := f.newGroup(otn)
		foreign.RoleIDs = []string{doomed.ID}
		must(t, "CreateGroup(other environment)", f.s.CreateGroup(f.ctx, foreign))

		must(t, "DeleteRole", f.s.DeleteRole(f.ctx, e.ID, doomed.ID))
		for _, c := range []struct {
			g    *store.Group
			want []string
		}{
			{g, []string{kept.ID, "dangling"}},
			{h, []string{}},
			{bare, nil},
			{foreign, []string{doomed.ID}},
		} {
			got, err := f.s.GetGroup(f.ctx, c.g.TenantID, c.g.ID)
			must(t, "GetGroup", err)
			want := clone(c.g)
			want.RoleIDs = c.want
			equal(t, "group after DeleteRole", got, want)
		}
	}},
	{"Transaction", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		g := f.group(tn)
		u, v := f.member(tn), f.member(tn)
		boom := fmt.Errorf("storetest: rollback")
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := tx.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{u.ID}, f.now()); err != nil {
				return err
			}
			// A failing add inside the transaction adds nobody, and the
			// transaction goes on.
			if err := tx.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{v.ID, "missing"}, f.now()); !isErr(err, store.ErrNotFound) {
				return fmt.Errorf("AddGroupMembers(unknown user) in a transaction: err = %v, want ErrNotFound", err)
			}
			ms, err := tx.ListGroupMembers(f.ctx, tn.ID, g.ID)
			if err != nil {
				return err
			}
			if len(ms) != 1 || ms[0].UserID != u.ID {
				return fmt.Errorf("members inside the transaction = %v, want only %s", ms, u.ID)
			}
			upd := clone(g)
			upd.Name = "inside"
			if err := tx.UpdateGroup(f.ctx, upd); err != nil {
				return err
			}
			return boom
		})
		wantErr(t, "InTx", err, boom)
		if ms := f.groupMemberIDs(t, g); len(ms) != 0 {
			t.Fatalf("rolled-back transaction left members %q", ms)
		}
		got, err := f.s.GetGroup(f.ctx, tn.ID, g.ID)
		must(t, "GetGroup", err)
		equal(t, "group after rollback", got, g)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		g := f.newGroup(tn)
		id := g.ID
		checkCopies(t, "Group", g,
			func(x *store.Group) error { return f.s.CreateGroup(f.ctx, x) },
			func() (*store.Group, error) { return f.s.GetGroup(f.ctx, tn.ID, id) })
		want, err := f.s.GetGroup(f.ctx, tn.ID, id)
		must(t, "GetGroup", err)
		u := f.member(tn)
		userIDs := []string{u.ID}
		must(t, "AddGroupMembers", f.s.AddGroupMembers(f.ctx, tn.ID, id, userIDs, f.now()))
		userIDs[0] = "scrambled"
		equalIDs(t, "members after changing the ids passed in", f.groupMemberIDs(t, want), []string{u.ID})
		listed, err := f.s.ListGroups(f.ctx, tn.ID)
		must(t, "ListGroups", err)
		scramble(&listed[0])
		byUser, err := f.s.ListUserGroups(f.ctx, tn.ID, u.ID)
		must(t, "ListUserGroups", err)
		scramble(&byUser[0])
		got, err := f.s.GetGroup(f.ctx, tn.ID, id)
		must(t, "GetGroup", err)
		equal(t, "group after changing listed copies", got, want)
	}},
	{"ConcurrentAddMembers", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		g := f.group(tn)
		const workers, each = 16, 5
		users := make([][]string, workers)
		var all []string
		for w := range users {
			for range each {
				u := f.member(tn)
				users[w] = append(users[w], u.ID)
				all = append(all, u.ID)
			}
		}
		errs := race(workers, func(w int) error {
			// One call with the worker's users, then each user again on
			// its own, interleaving with the other workers' writes.
			if err := f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, users[w], f.now()); err != nil {
				return err
			}
			for _, id := range users[w] {
				if err := f.s.AddGroupMembers(f.ctx, tn.ID, g.ID, []string{id, all[0]}, f.now()); err != nil {
					return err
				}
			}
			return nil
		})
		for w, err := range errs {
			must(t, fmt.Sprintf("worker %d", w), err)
		}
		got := map[string]bool{}
		for _, id := range f.groupMemberIDs(t, g) {
			if got[id] {
				t.Fatalf("user %s listed twice", id)
			}
			got[id] = true
		}
		if len(got) != len(all) {
			t.Fatalf("%d members after concurrent adds, want %d", len(got), len(all))
		}
		for _, id := range all {
			if !got[id] {
				t.Fatalf("member %s lost by concurrent AddGroupMembers", id)
			}
		}
	}},
	{"ConcurrentSameName", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		const n = 12
		gs := make([]*store.Group, n)
		for i := range gs {
			gs[i] = f.newGroup(tn)
			gs[i].Name = "Racers"
			if i%2 == 1 {
				gs[i].Name = "RACERS"
			}
		}
		errs := race(n, func(i int) error { return f.s.CreateGroup(f.ctx, gs[i]) })
		w := exactlyOne(t, "CreateGroup with the same name", errs)
		got, err := f.s.ListGroups(f.ctx, tn.ID)
		must(t, "ListGroups", err)
		if len(got) != 1 {
			t.Fatalf("%d groups stored, want 1", len(got))
		}
		equal(t, "winner", &got[0], gs[w])
	}},
}
