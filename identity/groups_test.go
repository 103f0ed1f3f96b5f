package identity_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

// group creates a group in tenantID.
func (e *testEnv) group(t testing.TB, tenantID, name string) *identity.Group {
	t.Helper()
	g, err := e.id.CreateGroup(context.Background(), vendorPrincipal(tenantID), identity.CreateGroupInput{Name: name})
	if err != nil {
		t.Fatalf("CreateGroup(%q): %v", name, err)
	}
	return g
}

func groupNames(gs []identity.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func userIDsOf(us []identity.GroupUser) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func TestGroupLifecycle(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn := e.tenant(t, "Acme")
	p := vendorPrincipal(tn.ID)

	g, err := e.id.CreateGroup(ctx, p, identity.CreateGroupInput{Name: "  Engineers ", Color: "#00ff00",
		Description: "The builders", Metadata: `{"floor":3}`})
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == "" || g.Name != "Engineers" || g.Color != "#00ff00" || g.Description != "The builders" ||
		g.Metadata != `{"floor":3}` || g.ManagedBy != "frontegg" || !g.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("created group = %+v", g)
	}
	if g.Roles == nil || g.Users == nil || len(g.Roles)+len(g.Users) != 0 {
		t.Fatalf("a new group has roles %v and users %v, want both empty", g.Roles, g.Users)
	}

	// Names are unique per tenant, case-insensitively.
	_, err = e.id.CreateGroup(ctx, p, identity.CreateGroupInput{Name: "ENGINEERS"})
	wantErr(t, err, identity.ErrConflict)
	other := e.tenant(t, "Other")
	if _, err := e.id.CreateGroup(ctx, vendorPrincipal(other.ID), identity.CreateGroupInput{Name: "Engineers"}); err != nil {
		t.Fatalf("same name in another tenant: %v", err)
	}

	e.clock.Advance(time.Minute)
	upd, err := e.id.UpdateGroup(ctx, p, g.ID, identity.UpdateGroupInput{Name: ptr("Builders"), Metadata: ptr(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Name != "Builders" || upd.Color != "#00ff00" || upd.Metadata != "{}" || !upd.UpdatedAt.Equal(e.clock.Now()) || !upd.CreatedAt.Equal(g.CreatedAt) {
		t.Fatalf("updated group = %+v", upd)
	}
	got, err := e.id.GetGroup(ctx, p, g.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Builders" || got.Roles == nil || got.Users == nil {
		t.Fatalf("GetGroup = %+v", got)
	}

	second := e.group(t, tn.ID, "Sales")
	_, err = e.id.UpdateGroup(ctx, p, second.ID, identity.UpdateGroupInput{Name: ptr("builders")})
	wantErr(t, err, identity.ErrConflict)

	list, err := e.id.ListGroups(ctx, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if names := groupNames(list.Groups); !slices.Equal(names, []string{"Builders", "Sales"}) {
		t.Fatalf("ListGroups = %q", names)
	}

	if err := e.id.DeleteGroup(ctx, p, g.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetGroup(ctx, p, g.ID, "")
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.DeleteGroup(ctx, p, g.ID), identity.ErrNotFound)
}

func TestGroupValidation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn := e.tenant(t, "Acme")
	p := vendorPrincipal(tn.ID)
	g := e.group(t, tn.ID, "Team")
	long := string(make([]byte, 256))
	for _, c := range []struct {
		in    identity.CreateGroupInput
		field string
	}{
		{identity.CreateGroupInput{Name: "  "}, "name"},
		{identity.CreateGroupInput{Name: "x" + long}, "name"},
		{identity.CreateGroupInput{Name: "ok", Metadata: "[1]"}, "metadata"},
		{identity.CreateGroupInput{Name: "ok", Metadata: "{"}, "metadata"},
		{identity.CreateGroupInput{Name: "ok", Color: "c" + long}, "color"},
	} {
		_, err := e.id.CreateGroup(ctx, p, c.in)
		wantField(t, err, c.field)
	}
	_, err := e.id.UpdateGroup(ctx, p, g.ID, identity.UpdateGroupInput{Name: ptr("")})
	wantField(t, err, "name")
	_, err = e.id.UpdateGroup(ctx, p, g.ID, identity.UpdateGroupInput{Metadata: ptr("nope")})
	wantField(t, err, "metadata")
	_, err = e.id.ListGroups(ctx, p, "everything")
	wantField(t, err, "_groupsRelations")
	wantField(t, e.id.AddUsersToGroup(ctx, p, g.ID, nil), "userIds")
	wantField(t, e.id.AddUsersToGroup(ctx, p, g.ID, []string{""}), "userIds")
	wantField(t, e.id.RemoveRolesFromGroup(ctx, p, g.ID, []string{}), "roleIds")
	_, err = e.id.GetGroupsByIDs(ctx, p, nil, "")
	wantField(t, err, "groupsIds")
	_, err = e.id.ListUsersGroups(ctx, p, nil)
	wantField(t, err, "ids")

	// The environment must name the tenant; the tenant must exist.
	_, err = e.id.ListGroups(ctx, &identity.Principal{Vendor: true}, "")
	wantField(t, err, "frontegg-tenant-id")
	_, err = e.id.CreateGroup(ctx, vendorPrincipal("missing"), identity.CreateGroupInput{Name: "x"})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.ListGroups(ctx, nil, "")
	wantErr(t, err, identity.ErrUnauthorized)

	got, err := e.id.GetGroup(ctx, p, g.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Team" || !got.UpdatedAt.Equal(g.UpdatedAt) {
		t.Fatalf("rejected changes changed the group: %+v", got)
	}
}

func TestGroupMembers(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn, other := e.tenant(t, "Acme"), e.tenant(t, "Other")
	p := vendorPrincipal(tn.ID)
	ann := e.member(t, "ann@example.com", tn.ID)
	bob := e.member(t, "bob@example.com", tn.ID)
	outsider := e.member(t, "out@example.com", other.ID)
	g := e.group(t, tn.ID, "Team")
	h := e.group(t, tn.ID, "Other team")

	if err := e.id.AddUsersToGroup(ctx, p, g.ID, []string{ann.ID, bob.ID, ann.ID}); err != nil {
		t.Fatal(err)
	}
	// Twice is no change.
	if err := e.id.AddUsersToGroup(ctx, p, g.ID, []string{bob.ID}); err != nil {
		t.Fatal(err)
	}
	// A user of another tenant is not found, and nobody is added.
	err := e.id.AddUsersToGroup(ctx, p, h.ID, []string{ann.ID, outsider.ID})
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.AddUsersToGroup(ctx, p, h.ID, []string{"missing"}), identity.ErrNotFound)

	got, err := e.id.GetGroup(ctx, p, g.ID, identity.GroupUsers)
	if err != nil {
		t.Fatal(err)
	}
	if ids := userIDsOf(got.Users); len(ids) != 2 || !slices.Contains(ids, ann.ID) || !slices.Contains(ids, bob.ID) {
		t.Fatalf("members = %q, want ann and bob", ids)
	}
	if got.Roles != nil {
		t.Fatalf("users relation also rendered roles %v", got.Roles)
	}
	for _, u := range got.Users {
		if u.Email == "" || !u.ActivatedForTenant || u.CreatedAt.IsZero() {
			t.Fatalf("group user = %+v", u)
		}
	}
	hg, err := e.id.GetGroup(ctx, p, h.ID, identity.GroupRoles)
	if err != nil {
		t.Fatal(err)
	}
	if hg.Users != nil || hg.Roles == nil {
		t.Fatalf("roles relation: users %v, roles %v", hg.Users, hg.Roles)
	}
	if ms, _ := e.id.GetGroup(ctx, p, h.ID, ""); len(ms.Users) != 0 {
		t.Fatalf("rejected adds left members %v", ms.Users)
	}

	ugs, err := e.id.ListUsersGroups(ctx, p, []string{ann.ID, outsider.ID, "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ugs) != 1 || ugs[0].UserID != ann.ID || ugs[0].TenantID != tn.ID || ugs[0].VendorID != e.id.EnvironmentID() ||
		!slices.Equal(ugs[0].GroupIDs, []string{g.ID}) {
		t.Fatalf("ListUsersGroups = %+v", ugs)
	}

	if err := e.id.RemoveUsersFromGroup(ctx, p, g.ID, []string{ann.ID, outsider.ID}); err != nil {
		t.Fatal(err)
	}
	got, err = e.id.GetGroup(ctx, p, g.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if ids := userIDsOf(got.Users); !slices.Equal(ids, []string{bob.ID}) {
		t.Fatalf("members after removal = %q", ids)
	}
	wantErr(t, e.id.RemoveUsersFromGroup(ctx, p, "missing", []string{bob.ID}), identity.ErrNotFound)

	// Deleting a group leaves its users in the tenant.
	if err := e.id.DeleteGroup(ctx, p, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.GetTenantUser(ctx, tn.ID, bob.ID); err != nil {
		t.Fatalf("member of a deleted group: %v", err)
	}
}

func TestGroupsTenantIsolation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	mine, theirs := e.tenant(t, "Mine"), e.tenant(t, "Theirs")
	me := e.member(t, "me@example.com", mine.ID)
	them := e.member(t, "them@example.com", theirs.ID)
	g := e.group(t, theirs.ID, "Secret")
	if err := e.id.AddUsersToGroup(ctx, vendorPrincipal(theirs.ID), g.ID, []string{them.ID}); err != nil {
		t.Fatal(err)
	}
	// The user may do everything with groups, in its own tenant.
	p := withPermissions(e.me(t, "me@example.com"), "fe.secure.*")
	if p.TenantID != mine.ID {
		t.Fatalf("token tenant = %s, want %s", p.TenantID, mine.ID)
	}

	list, err := e.id.ListGroups(ctx, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Groups) != 0 {
		t.Fatalf("user sees another tenant's groups: %v", groupNames(list.Groups))
	}
	_, err = e.id.GetGroup(ctx, p, g.ID, "")
	wantErr(t, err, identity.ErrNotFound)
	byIDs, err := e.id.GetGroupsByIDs(ctx, p, []string{g.ID}, "")
	if err != nil || len(byIDs.Groups) != 0 {
		t.Fatalf("GetGroupsByIDs(other tenant's group) = %v, %v", byIDs, err)
	}
	page, err := e.id.ListGroupsPage(ctx, p, identity.PageQuery{}, "")
	if err != nil || page.Metadata.TotalItems != 0 {
		t.Fatalf("ListGroupsPage = %+v, %v", page, err)
	}
	_, err = e.id.UpdateGroup(ctx, p, g.ID, identity.UpdateGroupInput{Name: ptr("Mine now")})
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.DeleteGroup(ctx, p, g.ID), identity.ErrNotFound)
	wantErr(t, e.id.AddUsersToGroup(ctx, p, g.ID, []string{me.ID}), identity.ErrNotFound)
	wantErr(t, e.id.RemoveUsersFromGroup(ctx, p, g.ID, []string{them.ID}), identity.ErrNotFound)
	wantErr(t, e.id.AddRolesToGroup(ctx, p, g.ID, []string{"role"}), identity.ErrNotFound)
	wantErr(t, e.id.RemoveRolesFromGroup(ctx, p, g.ID, []string{"role"}), identity.ErrNotFound)
	ugs, err := e.id.ListUsersGroups(ctx, p, []string{them.ID})
	if err != nil || len(ugs) != 0 {
		t.Fatalf("ListUsersGroups(user of another tenant) = %+v, %v", ugs, err)
	}
	// Groups the user creates land in its own tenant.
	mg, err := e.id.CreateGroup(ctx, p, identity.CreateGroupInput{Name: "Secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.GetGroup(ctx, vendorPrincipal(theirs.ID), mg.ID, ""); err == nil {
		t.Fatal("a group created by a user of one tenant is visible in another")
	}

	got, err := e.id.GetGroup(ctx, vendorPrincipal(theirs.ID), g.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Secret" || len(got.Users) != 1 {
		t.Fatalf("the other tenant's group changed: %+v", got)
	}

	// The Go API checks the permissions the routes declare.
	reader := withPermissions(p, identity.PermReadGroups)
	if _, err := e.id.ListGroups(ctx, reader, ""); err != nil {
		t.Fatalf("ListGroups with %s: %v", identity.PermReadGroups, err)
	}
	_, err = e.id.CreateGroup(ctx, reader, identity.CreateGroupInput{Name: "Not allowed"})
	wantErr(t, err, identity.ErrForbidden)
	wantErr(t, e.id.DeleteGroup(ctx, reader, mg.ID), identity.ErrForbidden)
	wantErr(t, e.id.AddUsersToGroup(ctx, reader, mg.ID, []string{me.ID}), identity.ErrForbidden)
	wantErr(t, e.id.RemoveUsersFromGroup(ctx, withPermissions(p, identity.PermWriteGroupsUsers), mg.ID, []string{me.ID}), identity.ErrForbidden)

	// A user removed from its tenant can no longer act there, even with a
	// token that has not expired yet.
	if err := e.st.DeleteMembership(ctx, me.ID, mine.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.ListGroups(ctx, p, "")
	wantErr(t, err, identity.ErrForbidden)
}

func TestGroupsPage(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn := e.tenant(t, "Acme")
	p := vendorPrincipal(tn.ID)
	names := []string{"delta", "Alpha", "charlie", "Bravo", "echo"}
	ids := map[string]string{}
	for _, n := range names {
		ids[n] = e.group(t, tn.ID, n).ID
		e.clock.Advance(time.Second)
	}
	// Touch "Alpha" last, so updatedAt orders it last.
	if _, err := e.id.UpdateGroup(ctx, p, ids["Alpha"], identity.UpdateGroupInput{Color: ptr("red")}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		q    identity.PageQuery
		want []string
	}{
		{identity.PageQuery{}, names},
		{identity.PageQuery{Limit: 2}, names[:2]},
		{identity.PageQuery{Limit: 2, Offset: 4}, names[4:]},
		{identity.PageQuery{SortBy: "name"}, []string{"Alpha", "Bravo", "charlie", "delta", "echo"}},
		{identity.PageQuery{SortBy: "name", Order: "desc", Limit: 3, Offset: 1}, []string{"delta", "charlie", "Bravo"}},
		{identity.PageQuery{SortBy: "updatedAt", Order: "DESC", Limit: 1}, []string{"Alpha"}},
		{identity.PageQuery{SortBy: "createdAt", Order: "DESC", Limit: 2}, []string{"echo", "Bravo"}},
	} {
		page, err := e.id.ListGroupsPage(ctx, p, c.q, identity.GroupRoles)
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		if got := groupNames(page.Items); !slices.Equal(got, c.want) {
			t.Errorf("%+v: items %q, want %q", c.q, got, c.want)
		}
		limit := c.q.Limit
		if limit == 0 {
			limit = identity.DefaultPageLimit
		}
		if page.Metadata.TotalItems != 5 || page.Metadata.TotalPages != (5+limit-1)/limit {
			t.Errorf("%+v: metadata %+v", c.q, page.Metadata)
		}
	}
	page, err := e.id.ListGroupsPage(ctx, p, identity.PageQuery{SortBy: "id"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(page.Items); i++ {
		if page.Items[i-1].ID >= page.Items[i].ID {
			t.Fatalf("sorted by id: %s before %s", page.Items[i-1].ID, page.Items[i].ID)
		}
	}
	for _, q := range []identity.PageQuery{{SortBy: "color"}, {Order: "sideways"}, {Limit: -1}, {Offset: -1}} {
		_, err := e.id.ListGroupsPage(ctx, p, q, "")
		wantErr(t, err, identity.ErrInvalidInput)
	}
}

func TestGroupsConfig(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	cfg, err := e.id.GetGroupsConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Enabled || !cfg.RolesEnabled {
		t.Fatalf("default config = %+v, want both enabled", cfg)
	}
	cfg, err = e.id.UpdateGroupsConfig(ctx, identity.GroupsConfigInput{RolesEnabled: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Enabled || cfg.RolesEnabled {
		t.Fatalf("after disabling roles = %+v", cfg)
	}
	tn := e.tenant(t, "Acme")
	p := vendorPrincipal(tn.ID)
	g := e.group(t, tn.ID, "Team")
	wantErr(t, e.id.AddRolesToGroup(ctx, p, g.ID, []string{"any"}), identity.ErrForbidden)

	if _, err := e.id.UpdateGroupsConfig(ctx, identity.GroupsConfigInput{Enabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	cfg, err = e.id.GetGroupsConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Enabled || cfg.RolesEnabled {
		t.Fatalf("stored config = %+v, want both disabled", cfg)
	}
	_, err = e.id.CreateGroup(ctx, p, identity.CreateGroupInput{Name: "New"})
	wantErr(t, err, identity.ErrForbidden)
	u := e.member(t, "ann@example.com", tn.ID)
	wantErr(t, e.id.AddUsersToGroup(ctx, p, g.ID, []string{u.ID}), identity.ErrForbidden)
	// Reading and cleaning up still work.
	if _, err := e.id.ListGroups(ctx, p, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.id.DeleteGroup(ctx, p, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.UpdateGroupsConfig(ctx, identity.GroupsConfigInput{Enabled: ptr(true), RolesEnabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.CreateGroup(ctx, p, identity.CreateGroupInput{Name: "New"}); err != nil {
		t.Fatalf("CreateGroup after re-enabling: %v", err)
	}
}

func TestGroupsLeaveWithTheUser(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn := e.tenant(t, "Acme")
	p := vendorPrincipal(tn.ID)
	g := e.group(t, tn.ID, "Team")
	var ids []string
	for i := range 3 {
		ids = append(ids, e.member(t, fmt.Sprintf("u%d@example.com", i), tn.ID).ID)
	}
	if err := e.id.AddUsersToGroup(ctx, p, g.ID, ids); err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteUser(ctx, e.id.EnvironmentID(), ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteMembership(ctx, ids[1], tn.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.id.GetGroup(ctx, p, g.ID, identity.GroupUsers)
	if err != nil {
		t.Fatal(err)
	}
	if members := userIDsOf(got.Users); !slices.Equal(members, ids[2:]) {
		t.Fatalf("members = %q, want %q", members, ids[2:])
	}
}
