package identity_test

import (
	"context"
	"slices"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestPermissionsCRUD(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	cat, err := e.id.CreatePermissionCategory(ctx, identity.CreateCategoryInput{Name: "Reports", Description: "Reporting"})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := e.id.CreatePermissions(ctx, []identity.CreatePermissionInput{
		{Key: "reports.read", Name: "Read reports", CategoryID: cat.ID},
		{Key: "reports.*", Name: "All reports", Description: "Everything", AssignmentType: "NEVER"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Key != "reports.read" || ps[0].CategoryID != cat.ID || ps[0].FePermission || ps[0].RoleIDs == nil || ps[1].Description != "Everything" {
		t.Fatalf("CreatePermissions = %+v", ps)
	}
	for _, c := range []struct {
		name  string
		in    []identity.CreatePermissionInput
		field string
	}{
		{"none", nil, "permissions"},
		{"no key", []identity.CreatePermissionInput{{Name: "N"}}, "key"},
		{"reserved key", []identity.CreatePermissionInput{{Key: "fe.mine", Name: "N"}}, "key"},
		{"inner wildcard", []identity.CreatePermissionInput{{Key: "a.*.b", Name: "N"}}, "key"},
		{"no name", []identity.CreatePermissionInput{{Key: "k"}}, "name"},
		{"bad type", []identity.CreatePermissionInput{{Key: "k", Name: "N", AssignmentType: "SOMETIMES"}}, "assignmentType"},
		{"unknown category", []identity.CreatePermissionInput{{Key: "k", Name: "N", CategoryID: "nope"}}, "categoryId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.id.CreatePermissions(ctx, c.in)
			wantField(t, err, c.field)
		})
	}
	_, err = e.id.CreatePermissions(ctx, []identity.CreatePermissionInput{{Key: "fresh.one", Name: "F"}, {Key: "reports.read", Name: "Dup"}})
	wantErr(t, err, identity.ErrConflict)
	all, _ := e.id.ListPermissions(ctx)
	if len(all) != len(identity.BuiltinPermissions)+2 {
		t.Fatalf("%d permissions after a refused batch", len(all))
	}

	up, err := e.id.UpdatePermission(ctx, ps[0].ID, identity.UpdatePermissionInput{Name: ptr("Read all reports"), CategoryID: ptr("")})
	if err != nil || up.Name != "Read all reports" || up.CategoryID != "" || up.Key != "reports.read" {
		t.Fatalf("UpdatePermission = %+v, %v", up, err)
	}
	_, err = e.id.UpdatePermission(ctx, ps[0].ID, identity.UpdatePermissionInput{Key: ptr("reports.*")})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.UpdatePermission(ctx, ps[0].ID, identity.UpdatePermissionInput{CategoryID: ptr("nope")})
	wantField(t, err, "categoryId")
	_, err = e.id.UpdatePermission(ctx, "nope", identity.UpdatePermissionInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)

	// Classification.
	cl, err := e.id.SetPermissionsClassification(ctx, []string{ps[0].ID, ps[1].ID}, "ALWAYS")
	if err != nil || len(cl) != 2 {
		t.Fatalf("SetPermissionsClassification = %+v, %v", cl, err)
	}
	_, err = e.id.SetPermissionsClassification(ctx, []string{ps[0].ID}, "MAYBE")
	wantField(t, err, "type")
	_, err = e.id.SetPermissionsClassification(ctx, []string{"nope"}, "NEVER")
	wantField(t, err, "permissionIds")
	_, err = e.id.SetPermissionsClassification(ctx, nil, "NEVER")
	wantField(t, err, "permissionIds")

	// Roles of a permission are added to, never replaced.
	r1, r2 := e.customRole(t, "", "one", 3), e.customRole(t, "", "two", 3)
	if _, err := e.id.SetPermissionRoles(ctx, ps[0].ID, []string{r1.ID}); err != nil {
		t.Fatal(err)
	}
	got, err := e.id.SetPermissionRoles(ctx, ps[0].ID, []string{r2.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{r1.ID, r2.ID}
	gotIDs := slices.Clone(got.RoleIDs)
	slices.Sort(gotIDs)
	slices.Sort(want)
	if !slices.Equal(gotIDs, want) {
		t.Fatalf("roleIds = %v, want %v", got.RoleIDs, want)
	}
	_, err = e.id.SetPermissionRoles(ctx, ps[0].ID, []string{"nope"})
	wantField(t, err, "roleIds")
	_, err = e.id.SetPermissionRoles(ctx, "nope", []string{r1.ID})
	wantErr(t, err, identity.ErrNotFound)
}

func TestDeletePermissionCascades(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "pat@example.com")
	r1 := e.customRole(t, "", "r1", 3, "docs.read", "docs.write")
	r2 := e.customRole(t, "", "r2", 3)
	docsRead := e.permByKey(t, "docs.read")
	if _, err := e.id.SetPermissionRoles(ctx, docsRead.ID, []string{r2.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AssignUserRoles(ctx, vendorIn(u.TenantID), u.ID, []string{r1.ID}); err != nil {
		t.Fatal(err)
	}
	login := e.login(t, "pat@example.com")
	if !slices.Contains(e.principal(t, login.AccessToken).Claims.Permissions, "docs.read") {
		t.Fatal("token lacks docs.read before the delete")
	}
	if err := e.id.DeletePermission(ctx, docsRead.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeletePermission(ctx, docsRead.ID), identity.ErrNotFound)
	for _, key := range []string{"r1", "r2"} {
		if slices.Contains(e.roleByKey(t, key).Permissions, docsRead.ID) {
			t.Fatalf("role %s still lists the deleted permission", key)
		}
	}
	p, _ := e.refreshClaims(t, login.RefreshToken)
	if slices.Contains(p.Claims.Permissions, "docs.read") || !slices.Contains(p.Claims.Permissions, "docs.write") {
		t.Fatalf("permissions after delete and refresh = %v", p.Claims.Permissions)
	}
}

func TestPermissionCategories(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	c, err := e.id.CreatePermissionCategory(ctx, identity.CreateCategoryInput{ID: "cat-reports", Name: "Reports"})
	if err != nil || c.ID != "cat-reports" || c.FeCategory || c.PermissionIDs == nil {
		t.Fatalf("CreatePermissionCategory = %+v, %v", c, err)
	}
	_, err = e.id.CreatePermissionCategory(ctx, identity.CreateCategoryInput{ID: "cat-reports", Name: "Again"})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.CreatePermissionCategory(ctx, identity.CreateCategoryInput{Name: " "})
	wantField(t, err, "name")
	ps, err := e.id.CreatePermissions(ctx, []identity.CreatePermissionInput{{Key: "r.a", Name: "A", CategoryID: c.ID}, {Key: "r.b", Name: "B", CategoryID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	up, err := e.id.UpdatePermissionCategory(ctx, c.ID, identity.UpdateCategoryInput{Name: ptr("Reporting"), Description: ptr("All reports")})
	if err != nil || up.Name != "Reporting" || up.Description != "All reports" || len(up.PermissionIDs) != 2 {
		t.Fatalf("UpdatePermissionCategory = %+v, %v", up, err)
	}
	_, err = e.id.UpdatePermissionCategory(ctx, "nope", identity.UpdateCategoryInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)

	// Deleting a category keeps its permissions, without a category.
	if err := e.id.DeletePermissionCategory(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeletePermissionCategory(ctx, c.ID), identity.ErrNotFound)
	for _, p := range ps {
		if got := e.permByKey(t, p.Key); got.CategoryID != "" {
			t.Fatalf("permission %s kept category %q", p.Key, got.CategoryID)
		}
	}
	cats, _ := e.id.ListPermissionCategories(ctx)
	for _, cc := range cats {
		if cc.ID == c.ID {
			t.Fatal("deleted category still listed")
		}
	}
}
