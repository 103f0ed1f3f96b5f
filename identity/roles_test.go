package identity_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// vendorIn is the environment acting in tenantID.
func vendorIn(tenantID string) *identity.Principal {
	return &identity.Principal{Vendor: true, TenantID: tenantID}
}

// roleByKey returns the environment-wide role with key.
func (e *testEnv) roleByKey(t testing.TB, key string) identity.Role {
	t.Helper()
	rs, err := e.id.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Key == key && r.TenantID == "" {
			return r
		}
	}
	t.Fatalf("no role %q among %d roles", key, len(rs))
	return identity.Role{}
}

// permByKey returns the permission with key.
func (e *testEnv) permByKey(t testing.TB, key string) identity.Permission {
	t.Helper()
	ps, err := e.id.ListPermissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no permission %q", key)
	return identity.Permission{}
}

// customRole creates an environment-wide role (in tenantID when set) of
// level with new custom permissions of keys, and returns it.
func (e *testEnv) customRole(t testing.TB, tenantID, key string, level int, permKeys ...string) identity.Role {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for _, k := range permKeys {
		ps, err := e.id.CreatePermissions(ctx, []identity.CreatePermissionInput{{Key: k, Name: "Permission " + k}})
		if err != nil {
			t.Fatalf("CreatePermissions(%s): %v", k, err)
		}
		ids = append(ids, ps[0].ID)
	}
	rs, err := e.id.CreateRoles(ctx, tenantID, []identity.CreateRoleInput{{Key: key, Name: "Role " + key, Level: ptr(level)}})
	if err != nil {
		t.Fatalf("CreateRoles(%s): %v", key, err)
	}
	if ids == nil {
		ids = []string{}
	}
	r, err := e.id.SetRolePermissions(ctx, tenantID, rs[0].ID, ids)
	if err != nil {
		t.Fatalf("SetRolePermissions(%s): %v", key, err)
	}
	return *r
}

func roleKeys(rs []identity.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key
	}
	slices.Sort(out)
	return out
}

func TestBuiltinsSeeded(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	perms, err := e.id.ListPermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(perms) != len(identity.BuiltinPermissions) {
		t.Fatalf("%d permissions, want the %d built-in ones", len(perms), len(identity.BuiltinPermissions))
	}
	cats, err := e.id.ListPermissionCategories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	catName := map[string]string{}
	for _, c := range cats {
		if !c.FeCategory || len(c.PermissionIDs) == 0 {
			t.Fatalf("category %+v: want a built-in category with permissions", c)
		}
		catName[c.ID] = c.Name
	}
	for _, b := range identity.BuiltinPermissions {
		p := e.permByKey(t, b.Key)
		if !p.FePermission || p.Name != b.Name || catName[p.CategoryID] != b.Category {
			t.Fatalf("built-in %s = %+v (category %q), want fePermission in %q", b.Key, p, catName[p.CategoryID], b.Category)
		}
	}
	admin, ro := e.roleByKey(t, identity.RoleAdmin), e.roleByKey(t, identity.RoleReadOnly)
	if !admin.FirstUserRole || admin.IsDefault || admin.Level != 0 || !ro.IsDefault || ro.FirstUserRole || ro.Level != 1 {
		t.Fatalf("built-in roles = %+v / %+v", admin, ro)
	}
	if !slices.Contains(admin.Permissions, e.permByKey(t, "fe.secure.*").ID) || !slices.Contains(ro.Permissions, e.permByKey(t, "fe.secure.read.*").ID) {
		t.Fatalf("built-in role permissions: admin %v, read-only %v", admin.Permissions, ro.Permissions)
	}
	if len(admin.Permissions) != len(identity.BuiltinRoles[0].Permissions) {
		t.Fatalf("Admin has %d permissions, want %d", len(admin.Permissions), len(identity.BuiltinRoles[0].Permissions))
	}

	// Running again adds nothing; a deleted built-in role stays deleted.
	if err := e.id.DeleteRole(ctx, "", ro.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.id.EnsureEnvironment(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	again, _ := e.id.ListPermissions(ctx)
	roles, _ := e.id.ListRoles(ctx, "")
	cats2, _ := e.id.ListPermissionCategories(ctx)
	if len(again) != len(perms) || len(roles) != 1 || len(cats2) != len(cats) {
		t.Fatalf("after a second EnsureEnvironment: %d permissions, %d roles, %d categories", len(again), len(roles), len(cats2))
	}
}

func TestBuiltinsSeededForExistingEnvironment(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	// An environment whose store predates the built-ins: another
	// environment id, created straight in the store.
	st := e.st
	if err := st.CreateEnvironment(ctx, storeEnv("legacy")); err != nil {
		t.Fatal(err)
	}
	legacy := e.newIdentity(t, identity.WithEnvironmentID("legacy"))
	if ps, _ := legacy.ListPermissions(ctx); len(ps) != 0 {
		t.Fatalf("legacy environment starts with %d permissions", len(ps))
	}
	if _, created, err := legacy.EnsureEnvironment(ctx, "", ""); err != nil || created {
		t.Fatalf("EnsureEnvironment(existing) = created %v, %v", created, err)
	}
	ps, _ := legacy.ListPermissions(ctx)
	rs, _ := legacy.ListRoles(ctx, "")
	if len(ps) != len(identity.BuiltinPermissions) || len(rs) != len(identity.BuiltinRoles) {
		t.Fatalf("legacy environment after EnsureEnvironment: %d permissions, %d roles", len(ps), len(rs))
	}
}

func TestBuiltinPermissionsAreFixed(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	p := e.permByKey(t, "fe.secure.read.users")
	wantErr(t, e.id.DeletePermission(ctx, p.ID), identity.ErrForbidden)
	_, err := e.id.UpdatePermission(ctx, p.ID, identity.UpdatePermissionInput{Name: ptr("Renamed")})
	wantErr(t, err, identity.ErrForbidden)
	if !strings.Contains(err.Error(), "built-in") {
		t.Fatalf("message %q does not say why", err)
	}
	_, err = e.id.CreatePermissions(ctx, []identity.CreatePermissionInput{{Key: "fe.secure.custom", Name: "Shadow"}})
	wantField(t, err, "key")
	cats, _ := e.id.ListPermissionCategories(ctx)
	wantErr(t, e.id.DeletePermissionCategory(ctx, cats[0].ID), identity.ErrForbidden)
	_, err = e.id.UpdatePermissionCategory(ctx, cats[0].ID, identity.UpdateCategoryInput{Name: ptr("Other")})
	wantErr(t, err, identity.ErrForbidden)
	// Their classification and role links may change.
	if _, err := e.id.SetPermissionsClassification(ctx, []string{p.ID}, "NEVER"); err != nil {
		t.Fatal(err)
	}
	if e.permByKey(t, "fe.secure.read.users").Name != p.Name {
		t.Fatal("built-in permission renamed")
	}
}

func TestCreateRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Acme")
	rs, err := e.id.CreateRoles(ctx, "", []identity.CreateRoleInput{
		{Key: "editor", Name: " Editor ", Description: "Edits", Level: ptr(2), IsDefault: true},
		{Key: "viewer", Name: "Viewer", Level: ptr(5), FirstUserRole: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Key != "editor" || rs[0].Name != "Editor" || rs[0].Level != 2 || !rs[0].IsDefault || rs[0].TenantID != "" ||
		rs[0].VendorID != e.id.EnvironmentID() || rs[0].Permissions == nil || !rs[1].FirstUserRole || rs[0].ID == "" {
		t.Fatalf("CreateRoles = %+v", rs)
	}
	inTenant, err := e.id.CreateRoles(ctx, tn.ID, []identity.CreateRoleInput{{Key: "local", Name: "Local", Level: ptr(3)}})
	if err != nil || inTenant[0].TenantID != tn.ID {
		t.Fatalf("CreateRoles(tenant) = %+v, %v", inTenant, err)
	}
	_, err = e.id.CreateRoles(ctx, "no-such-tenant", []identity.CreateRoleInput{{Key: "x", Name: "X", Level: ptr(1)}})
	wantErr(t, err, identity.ErrNotFound)

	for _, c := range []struct {
		name  string
		in    []identity.CreateRoleInput
		field string
	}{
		{"none", nil, "roles"},
		{"no key", []identity.CreateRoleInput{{Name: "N", Level: ptr(1)}}, "key"},
		{"spaced key", []identity.CreateRoleInput{{Key: "a b", Name: "N", Level: ptr(1)}}, "key"},
		{"no name", []identity.CreateRoleInput{{Key: "k", Name: "  ", Level: ptr(1)}}, "name"},
		{"no level", []identity.CreateRoleInput{{Key: "k", Name: "N"}}, "level"},
		{"negative level", []identity.CreateRoleInput{{Key: "k", Name: "N", Level: ptr(-1)}}, "level"},
		{"level too high", []identity.CreateRoleInput{{Key: "k", Name: "N", Level: ptr(identity.MaxRoleLevel + 1)}}, "level"},
		{"second item", []identity.CreateRoleInput{{Key: "ok", Name: "N", Level: ptr(1)}, {Key: "", Name: "N", Level: ptr(1)}}, "key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.id.CreateRoles(ctx, "", c.in)
			wantField(t, err, c.field)
		})
	}
	// A key used in an overlapping scope is a conflict, and a batch is
	// all or nothing.
	for _, c := range []struct {
		tenant string
		key    string
	}{{"", "editor"}, {tn.ID, "editor"}, {"", "local"}, {tn.ID, "local"}} {
		_, err := e.id.CreateRoles(ctx, c.tenant, []identity.CreateRoleInput{{Key: "fresh-" + c.key + c.tenant, Name: "F", Level: ptr(1)}, {Key: c.key, Name: "Dup", Level: ptr(1)}})
		wantErr(t, err, identity.ErrConflict)
	}
	other := e.tenant(t, "Other")
	if _, err := e.id.CreateRoles(ctx, other.ID, []identity.CreateRoleInput{{Key: "local", Name: "Theirs", Level: ptr(3)}}); err != nil {
		t.Fatalf("the same key in another tenant: %v", err)
	}
	all, _ := e.id.ListRoles(ctx, "")
	if len(all) != 2+2+1+1 {
		t.Fatalf("%d roles after refused batches, want 6: %v", len(all), roleKeys(all))
	}
	scoped, err := e.id.ListRoles(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := roleKeys(scoped); !slices.Equal(got, []string{"Admin", "ReadOnly", "editor", "local", "viewer"}) {
		t.Fatalf("roles usable in the tenant = %v", got)
	}
	for _, r := range scoped {
		if r.Key == "local" && r.TenantID != tn.ID {
			t.Fatalf("another tenant's role is listed: %+v", r)
		}
	}
	_, err = e.id.ListRoles(ctx, "no-such-tenant")
	wantErr(t, err, identity.ErrNotFound)
}

func TestUpdateAndDeleteRole(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn, other := e.tenant(t, "Acme"), e.tenant(t, "Other")
	r := e.customRole(t, "", "editor", 3, "docs.edit")
	local := e.customRole(t, tn.ID, "local", 4)

	up, err := e.id.UpdateRole(ctx, "", r.ID, identity.UpdateRoleInput{Name: ptr("Writer"), Level: ptr(2), IsDefault: ptr(true), Key: ptr("writer")})
	if err != nil {
		t.Fatal(err)
	}
	if up.Name != "Writer" || up.Level != 2 || !up.IsDefault || up.Key != "writer" || up.Description != r.Description ||
		!slices.Equal(up.Permissions, r.Permissions) || !up.CreatedAt.Equal(r.CreatedAt) {
		t.Fatalf("UpdateRole = %+v", up)
	}
	_, err = e.id.UpdateRole(ctx, "", r.ID, identity.UpdateRoleInput{Key: ptr(identity.RoleAdmin)})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.UpdateRole(ctx, "", local.ID, identity.UpdateRoleInput{Key: ptr("writer")})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.UpdateRole(ctx, "", r.ID, identity.UpdateRoleInput{Level: ptr(40000)})
	wantField(t, err, "level")
	_, err = e.id.UpdateRole(ctx, "", "no-such-role", identity.UpdateRoleInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)
	// Scoped to a tenant, another tenant's role is not there.
	_, err = e.id.UpdateRole(ctx, other.ID, local.ID, identity.UpdateRoleInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.DeleteRole(ctx, other.ID, local.ID), identity.ErrNotFound)
	if _, err := e.id.UpdateRole(ctx, tn.ID, local.ID, identity.UpdateRoleInput{Name: ptr("Mine")}); err != nil {
		t.Fatal(err)
	}

	wantErr(t, e.id.DeleteRole(ctx, "", "no-such-role"), identity.ErrNotFound)
	if err := e.id.DeleteRole(ctx, "", r.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteRole(ctx, "", r.ID), identity.ErrNotFound)
	// Its permission remains, linked to no role.
	if p := e.permByKey(t, "docs.edit"); len(p.RoleIDs) != 0 {
		t.Fatalf("permission of a deleted role still lists roles %v", p.RoleIDs)
	}
}

func TestSetRolePermissions(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	r := e.customRole(t, "", "editor", 3)
	ps, err := e.id.CreatePermissions(ctx, []identity.CreatePermissionInput{{Key: "a.read", Name: "A"}, {Key: "b.read", Name: "B"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.id.SetRolePermissions(ctx, "", r.ID, []string{ps[1].ID, ps[0].ID, ps[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ps[0].ID, ps[1].ID}
	slices.Sort(want)
	if !slices.Equal(got.Permissions, want) {
		t.Fatalf("permissions = %v, want %v", got.Permissions, want)
	}
	if p := e.permByKey(t, "a.read"); !slices.Equal(p.RoleIDs, []string{r.ID}) {
		t.Fatalf("permission roleIds = %v", p.RoleIDs)
	}
	_, err = e.id.SetRolePermissions(ctx, "", r.ID, []string{ps[0].ID, "no-such-permission"})
	wantField(t, err, "permissionIds")
	_, err = e.id.SetRolePermissions(ctx, "", r.ID, nil)
	wantField(t, err, "permissionIds")
	_, err = e.id.SetRolePermissions(ctx, "", "no-such-role", []string{})
	wantErr(t, err, identity.ErrNotFound)
	// A refused call changed nothing; an empty list clears.
	if cur := e.roleByKey(t, "editor"); !slices.Equal(cur.Permissions, want) {
		t.Fatalf("permissions after refusals = %v", cur.Permissions)
	}
	cleared, err := e.id.SetRolePermissions(ctx, "", r.ID, []string{})
	if err != nil || len(cleared.Permissions) != 0 {
		t.Fatalf("clear = %+v, %v", cleared, err)
	}
}

func TestSetRoleTenant(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	a, b := e.tenant(t, "A"), e.tenant(t, "B")
	r := e.customRole(t, "", "auditor", 3, "audit.read")
	ua := e.userIn(t, "ua@example.com", a.ID, r.ID)
	ub := e.userIn(t, "ub@example.com", b.ID, r.ID)

	moved, err := e.id.SetRoleTenant(ctx, r.ID, a.ID)
	if err != nil || moved.TenantID != a.ID {
		t.Fatalf("SetRoleTenant = %+v, %v", moved, err)
	}
	// The users of other tenants lose it; the tenant's own keep it.
	if got := e.memberRoles(t, ua.ID, a.ID); !slices.Equal(got, []string{r.ID}) {
		t.Fatalf("roles in the role's tenant = %v", got)
	}
	if got := e.memberRoles(t, ub.ID, b.ID); len(got) != 0 {
		t.Fatalf("roles in another tenant = %v", got)
	}
	if rs, _ := e.id.ListRoles(ctx, b.ID); slices.Contains(roleKeys(rs), "auditor") {
		t.Fatal("a moved role is still usable in another tenant")
	}
	back, err := e.id.SetRoleTenant(ctx, r.ID, "")
	if err != nil || back.TenantID != "" {
		t.Fatalf("SetRoleTenant(environment-wide) = %+v, %v", back, err)
	}
	_, err = e.id.SetRoleTenant(ctx, r.ID, "no-such-tenant")
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.SetRoleTenant(ctx, "no-such-role", a.ID)
	wantErr(t, err, identity.ErrNotFound)
	// Moving a tenant role out to the environment clashes with an
	// environment-wide key.
	clash := e.customRole(t, b.ID, "twin", 3)
	e.customRole(t, a.ID, "twin", 3)
	_, err = e.id.SetRoleTenant(ctx, clash.ID, "")
	wantErr(t, err, identity.ErrConflict)
}

func TestMigrateRole(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u1, u2 := e.user(t, "m1@example.com"), e.user(t, "m2@example.com")
	rs, err := e.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "everyone", Name: "Everyone", Level: ptr(9), IsDefault: true, MigrateRole: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*identity.User{u1, u2} {
		if got := e.memberRoles(t, u.ID, u.TenantID); !slices.Contains(got, rs[0].ID) {
			t.Fatalf("migrateRole did not give the role to %s: %v", u.Email, got)
		}
	}
	// Without migrateRole existing users are left alone.
	plain, err := e.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "later", Name: "Later", Level: ptr(9), IsDefault: true}})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(e.memberRoles(t, u1.ID, u1.TenantID), plain[0].ID) {
		t.Fatal("a default role without migrateRole was given to an existing user")
	}
	if _, err := e.id.UpdateRole(ctx, "", plain[0].ID, identity.UpdateRoleInput{MigrateRole: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(e.memberRoles(t, u1.ID, u1.TenantID), plain[0].ID) {
		t.Fatal("UpdateRole with migrateRole did not give the default role")
	}
}

func TestTenantRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin := e.user(t, "boss@example.com")
	tn := admin.TenantID
	other := e.user(t, "other@example.com")
	p := e.principal(t, e.login(t, "boss@example.com").AccessToken)
	ro := e.roleByKey(t, identity.RoleReadOnly)
	readUsers, writeUsers := e.permByKey(t, "fe.secure.read.users"), e.permByKey(t, "fe.secure.write.users")

	r, err := e.id.CreateTenantRole(ctx, p, identity.CreateTenantRoleInput{Key: "helpdesk", Name: "Helpdesk", BaseRoleID: ro.ID, PermissionIDs: []string{readUsers.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if r.TenantID != tn || r.Level != ro.Level || !slices.Equal(r.Permissions, []string{readUsers.ID}) {
		t.Fatalf("CreateTenantRole = %+v", r)
	}
	// ALWAYS permissions join every account role; NEVER ones are refused.
	if _, err := e.id.SetPermissionsClassification(ctx, []string{writeUsers.ID}, "ALWAYS"); err != nil {
		t.Fatal(err)
	}
	r2, err := e.id.CreateTenantRole(ctx, p, identity.CreateTenantRoleInput{Key: "support", Name: "Support", BaseRoleID: ro.ID, PermissionIDs: []string{}})
	if err != nil || !slices.Equal(r2.Permissions, []string{writeUsers.ID}) {
		t.Fatalf("role with an ALWAYS permission = %+v, %v", r2, err)
	}
	if _, err := e.id.SetPermissionsClassification(ctx, []string{readUsers.ID}, "NEVER"); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.CreateTenantRole(ctx, p, identity.CreateTenantRoleInput{Key: "x", Name: "X", BaseRoleID: ro.ID, PermissionIDs: []string{readUsers.ID}})
	wantField(t, err, "permissionIds")
	// A permission the caller does not hold cannot be granted.
	custom := e.customRole(t, "", "reporter", 5, "reports.read")
	_, err = e.id.CreateTenantRole(ctx, p, identity.CreateTenantRoleInput{Key: "y", Name: "Y", BaseRoleID: ro.ID, PermissionIDs: custom.Permissions})
	wantErr(t, err, identity.ErrForbidden)
	// The environment may grant anything.
	if _, err := e.id.CreateTenantRole(ctx, vendorIn(tn), identity.CreateTenantRoleInput{Key: "y", Name: "Y", BaseRoleID: ro.ID, PermissionIDs: custom.Permissions}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   identity.CreateTenantRoleInput
		kind error
	}{
		{"unknown base role", identity.CreateTenantRoleInput{Key: "z", Name: "Z", BaseRoleID: "nope", PermissionIDs: []string{}}, identity.ErrInvalidInput},
		{"no base role", identity.CreateTenantRoleInput{Key: "z", Name: "Z", PermissionIDs: []string{}}, identity.ErrInvalidInput},
		{"no permission ids", identity.CreateTenantRoleInput{Key: "z", Name: "Z", BaseRoleID: ro.ID}, identity.ErrInvalidInput},
		{"key of an environment role", identity.CreateTenantRoleInput{Key: identity.RoleAdmin, Name: "Z", BaseRoleID: ro.ID, PermissionIDs: []string{}}, identity.ErrConflict},
		{"key of a tenant role", identity.CreateTenantRoleInput{Key: "helpdesk", Name: "Z", BaseRoleID: ro.ID, PermissionIDs: []string{}}, identity.ErrConflict},
	} {
		_, err := e.id.CreateTenantRole(ctx, p, c.in)
		if err == nil {
			t.Fatalf("%s: created", c.name)
		}
		wantErr(t, err, c.kind)
	}
	// A user may create account roles with fe.secure.write.roles, and only
	// on a base role no stronger than its own strongest (here level 1).
	e.userIn(t, "reader@example.com", tn, ro.ID)
	rp := e.principal(t, e.login(t, "reader@example.com").AccessToken)
	_, err = e.id.CreateTenantRole(ctx, rp, identity.CreateTenantRoleInput{Key: "w", Name: "W", BaseRoleID: ro.ID, PermissionIDs: []string{}})
	wantErr(t, err, identity.ErrForbidden)
	editor, err := e.id.CreateRoles(ctx, tn, []identity.CreateRoleInput{{Key: "roles-editor", Name: "Roles editor", Level: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.SetRolePermissions(ctx, tn, editor[0].ID, []string{e.permByKey(t, identity.PermWriteRoles).ID}); err != nil {
		t.Fatal(err)
	}
	e.userIn(t, "weak@example.com", tn, editor[0].ID)
	wp := e.principal(t, e.login(t, "weak@example.com").AccessToken)
	_, err = e.id.CreateTenantRole(ctx, wp, identity.CreateTenantRoleInput{Key: "w", Name: "W", BaseRoleID: e.roleByKey(t, identity.RoleAdmin).ID, PermissionIDs: []string{}})
	wantErr(t, err, identity.ErrForbidden)
	weakRole, err := e.id.CreateTenantRole(ctx, wp, identity.CreateTenantRoleInput{Key: "w", Name: "W", BaseRoleID: ro.ID, PermissionIDs: []string{}})
	if err != nil || weakRole.Level != 1 {
		t.Fatalf("role on an equal base = %+v, %v", weakRole, err)
	}

	// Listing: the tenant sees environment roles and its own, never
	// another tenant's.
	otherP := e.principal(t, e.login(t, "other@example.com").AccessToken)
	if _, err := e.id.CreateTenantRole(ctx, otherP, identity.CreateTenantRoleInput{Key: "theirs", Name: "Theirs", BaseRoleID: ro.ID, PermissionIDs: []string{}}); err != nil {
		t.Fatal(err)
	}
	page, err := e.id.ListTenantRoles(ctx, p, identity.RoleQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := roleKeys(page.Items); !slices.Equal(got, []string{"Admin", "ReadOnly", "helpdesk", "reporter", "roles-editor", "support", "w", "y"}) {
		t.Fatalf("tenant roles = %v", got)
	}
	if page.Metadata.TotalItems != 8 || page.Metadata.TotalPages != 1 {
		t.Fatalf("metadata = %+v", page.Metadata)
	}
	otherPage, _ := e.id.ListTenantRoles(ctx, otherP, identity.RoleQuery{})
	if got := roleKeys(otherPage.Items); !slices.Equal(got, []string{"Admin", "ReadOnly", "reporter", "theirs"}) {
		t.Fatalf("other tenant's roles = %v", got)
	}
	all, _ := e.id.ListTenantRoles(ctx, vendorIn(""), identity.RoleQuery{Page: identity.PageQuery{Limit: 100}})
	if all.Metadata.TotalItems != 9 {
		t.Fatalf("the environment sees %d roles, want 9", all.Metadata.TotalItems)
	}

	// Filters, sorting, paging.
	for _, c := range []struct {
		name string
		q    identity.RoleQuery
		want []string
	}{
		{"levels", identity.RoleQuery{Levels: []int{0, 5}, Page: identity.PageQuery{SortBy: "key"}}, []string{"Admin", "reporter"}},
		{"tenant ids", identity.RoleQuery{TenantIDs: []string{tn}, Page: identity.PageQuery{SortBy: "key"}}, []string{"helpdesk", "roles-editor", "support", "w", "y"}},
		{"filter", identity.RoleQuery{Filter: "HELP", Page: identity.PageQuery{SortBy: "key"}}, []string{"helpdesk"}},
		{"level desc", identity.RoleQuery{Page: identity.PageQuery{SortBy: "level", Order: "desc", Limit: 2}}, []string{"reporter"}},
		{"permissions", identity.RoleQuery{Page: identity.PageQuery{SortBy: "permissions", Order: "DESC", Limit: 1}}, []string{"Admin"}},
		{"second page", identity.RoleQuery{Page: identity.PageQuery{SortBy: "key", Limit: 2, Offset: 2}}, []string{"helpdesk", "reporter"}},
		{"last page", identity.RoleQuery{Page: identity.PageQuery{SortBy: "key", Limit: 3, Offset: 6}}, []string{"w", "y"}},
	} {
		pg, err := e.id.ListTenantRoles(ctx, p, c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := make([]string, 0, len(pg.Items))
		for _, r := range pg.Items {
			got = append(got, r.Key)
		}
		if c.name == "level desc" {
			got = got[:1]
		}
		if !slices.Equal(got, c.want) {
			t.Fatalf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// userTenants counts the tenant's holders: ReadOnly has two here (the
	// other tenant's holders do not count), every other role at most one.
	e.userIn(t, "reader2@example.com", tn, ro.ID)
	e.userIn(t, "reader3@example.com", other.TenantID, e.roleByKey(t, "reporter").ID)
	e.userIn(t, "reader4@example.com", other.TenantID, e.roleByKey(t, "reporter").ID)
	byHolders, err := e.id.ListTenantRoles(ctx, p, identity.RoleQuery{Page: identity.PageQuery{SortBy: "userTenants", Order: "DESC", Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got := roleKeys(byHolders.Items); !slices.Equal(got, []string{"ReadOnly"}) {
		t.Fatalf("most held role = %v", got)
	}
	_, err = e.id.ListTenantRoles(ctx, p, identity.RoleQuery{Page: identity.PageQuery{SortBy: "nonsense"}})
	wantField(t, err, "_sortBy")

	levels, err := e.id.DistinctRoleLevels(ctx, p)
	if err != nil || !slices.Equal(levels, []int{0, 1, 5}) {
		t.Fatalf("DistinctRoleLevels = %v, %v", levels, err)
	}
	tenants, err := e.id.DistinctRoleTenants(ctx)
	want := []string{tn, other.TenantID}
	slices.Sort(want)
	if err != nil || !slices.Equal(tenants, want) {
		t.Fatalf("DistinctRoleTenants = %v, %v; want %v", tenants, err, want)
	}
	// The environment must name a tenant to create account roles.
	_, err = e.id.CreateTenantRole(ctx, vendorIn(""), identity.CreateTenantRoleInput{Key: "q", Name: "Q", BaseRoleID: ro.ID, PermissionIDs: []string{}})
	wantField(t, err, "frontegg-tenant-id")
}
