package identity_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestDefaultAndFirstUserRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	admin, ro := e.roleByKey(t, identity.RoleAdmin), e.roleByKey(t, identity.RoleReadOnly)
	tn, other := e.tenant(t, "Acme"), e.tenant(t, "Other")
	local := e.customRole(t, tn.ID, "local-default", 4)
	if _, err := e.id.UpdateRole(ctx, tn.ID, local.ID, identity.UpdateRoleInput{IsDefault: ptr(true)}); err != nil {
		t.Fatal(err)
	}

	first := e.userIn(t, "first@example.com", tn.ID)
	second := e.userIn(t, "second@example.com", tn.ID)
	if got := e.memberRoles(t, first.ID, tn.ID); !slices.Equal(got, []string{admin.ID}) {
		t.Fatalf("first user's roles = %v, want Admin", got)
	}
	if got := e.memberRoles(t, second.ID, tn.ID); len(got) != 2 || !slices.Contains(got, ro.ID) || !slices.Contains(got, local.ID) {
		t.Fatalf("second user's roles = %v, want ReadOnly and the tenant's default", got)
	}
	if second.Roles == nil || len(second.Roles) != 2 || len(second.Tenants[0].Roles) != 2 || len(second.Permissions) == 0 {
		t.Fatalf("second user's view: roles %v, tenant roles %v, %d permissions", second.Roles, second.Tenants[0].Roles, len(second.Permissions))
	}
	// Another tenant's default role is not given.
	e.userIn(t, "o1@example.com", other.ID)
	o2 := e.userIn(t, "o2@example.com", other.ID)
	if got := e.memberRoles(t, o2.ID, other.ID); !slices.Equal(got, []string{ro.ID}) {
		t.Fatalf("other tenant's second user = %v", got)
	}
	// Explicit roles replace the defaults; unknown and foreign ones are
	// refused and nothing is created.
	picked := e.userIn(t, "picked@example.com", tn.ID, local.ID, local.ID)
	if got := e.memberRoles(t, picked.ID, tn.ID); !slices.Equal(got, []string{local.ID}) {
		t.Fatalf("explicit roles = %v", got)
	}
	for _, ids := range [][]string{{"no-such-role"}, {local.ID, ""}} {
		_, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "bad@example.com", TenantID: tn.ID, RoleIDs: ids})
		wantField(t, err, "roleIds")
	}
	_, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "bad@example.com", TenantID: other.ID, RoleIDs: []string{local.ID}})
	wantField(t, err, "roleIds")
	if _, err := e.id.GetUserByEmail(ctx, "bad@example.com"); err == nil {
		t.Fatal("a refused CreateUser stored the user")
	}

	// Sign-up creates the tenant, so its user is the first one.
	e.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	res, err := e.id.SignUp(ctx, signUpInput("founder@example.com"), identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.memberRoles(t, res.UserID, res.TenantID); !slices.Equal(got, []string{admin.ID}) {
		t.Fatalf("signed-up user's roles = %v", got)
	}
	// Sign-up is public: nobody picks their own roles there.
	in := signUpInput("chooser@example.com")
	in.RoleIDs = []string{ro.ID}
	_, err = e.id.SignUp(ctx, in, identity.ClientInfo{})
	wantField(t, err, "roleIds")
}

func TestAssignAndUnassignUserRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	boss := e.user(t, "boss@example.com")
	tn := boss.TenantID
	ro := e.roleByKey(t, identity.RoleReadOnly)
	admin := e.roleByKey(t, identity.RoleAdmin)
	worker := e.userIn(t, "worker@example.com", tn)
	auditor := e.customRole(t, "", "auditor", 2, "audit.read")
	p := e.principal(t, e.login(t, "boss@example.com").AccessToken)

	got, err := e.id.AssignUserRoles(ctx, p, worker.ID, []string{auditor.ID, auditor.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got.TenantID != tn || got.UserID != worker.ID || !slices.Equal(roleKeys(got.Roles), []string{"ReadOnly", "auditor"}) {
		t.Fatalf("AssignUserRoles = %+v", got)
	}
	// Assigning again keeps one copy.
	if got, err = e.id.AssignUserRoles(ctx, p, worker.ID, []string{auditor.ID}); err != nil || len(got.Roles) != 2 {
		t.Fatalf("assigning again = %+v, %v", got, err)
	}
	got, err = e.id.UnassignUserRoles(ctx, p, worker.ID, []string{ro.ID})
	if err != nil || !slices.Equal(roleKeys(got.Roles), []string{"auditor"}) {
		t.Fatalf("UnassignUserRoles = %+v, %v", got, err)
	}

	// Refusals.
	outsider := e.user(t, "outsider@example.com")
	otherLocal := e.customRole(t, outsider.TenantID, "theirs", 5)
	_, err = e.id.AssignUserRoles(ctx, p, outsider.ID, []string{ro.ID})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.AssignUserRoles(ctx, p, worker.ID, []string{"no-such-role"})
	wantField(t, err, "roleIds")
	_, err = e.id.AssignUserRoles(ctx, p, worker.ID, []string{otherLocal.ID})
	wantField(t, err, "roleIds")
	_, err = e.id.AssignUserRoles(ctx, p, worker.ID, nil)
	wantField(t, err, "roleIds")
	_, err = e.id.AssignUserRoles(ctx, vendorIn(""), worker.ID, []string{ro.ID})
	wantField(t, err, "frontegg-tenant-id")

	// Without the permission a user may do neither.
	if _, err := e.id.AssignUserRoles(ctx, vendorIn(tn), worker.ID, []string{ro.ID}); err != nil {
		t.Fatal(err)
	}
	wp := e.principal(t, e.login(t, "worker@example.com").AccessToken)
	_, err = e.id.AssignUserRoles(ctx, wp, worker.ID, []string{ro.ID})
	wantErr(t, err, identity.ErrForbidden)
	// With it, a caller cannot give or take roles stronger than its own.
	manager := e.customRole(t, "", "user-manager", 1)
	if _, err := e.id.SetRolePermissions(ctx, "", manager.ID, []string{e.permByKey(t, identity.PermWriteUsersRoles).ID, e.permByKey(t, identity.PermDeleteUsersRoles).ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.id.AssignUserRoles(ctx, vendorIn(tn), worker.ID, []string{manager.ID}); err != nil {
		t.Fatal(err)
	}
	wp = e.principal(t, e.login(t, "worker@example.com").AccessToken)
	_, err = e.id.AssignUserRoles(ctx, wp, worker.ID, []string{admin.ID})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.UnassignUserRoles(ctx, wp, boss.ID, []string{admin.ID})
	wantErr(t, err, identity.ErrForbidden)
	if _, err := e.id.AssignUserRoles(ctx, wp, boss.ID, []string{auditor.ID}); err != nil {
		t.Fatalf("assigning a weaker role: %v", err)
	}
	if got := e.memberRoles(t, boss.ID, tn); !slices.Equal(got, []string{admin.ID, auditor.ID}) {
		t.Fatalf("the boss's roles after a refused unassign = %v", got)
	}
}

func TestConcurrentRoleAssignment(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "busy@example.com")
	const n = 8
	roles := make([]string, n)
	for i := range n {
		roles[i] = e.customRole(t, "", fmt.Sprintf("r%d", i), 5).ID
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = e.id.AssignUserRoles(ctx, vendorIn(u.TenantID), u.ID, []string{roles[i]})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := e.memberRoles(t, u.ID, u.TenantID)
	for _, r := range roles {
		if !slices.Contains(got, r) {
			t.Fatalf("role %s lost: membership holds %v", r, got)
		}
	}
}

func TestBulkUpdateUserRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "multi@example.com")
	t1 := u.TenantID
	t2, t3 := e.tenant(t, "Two"), e.tenant(t, "Three")
	ro := e.roleByKey(t, identity.RoleReadOnly)
	for _, tn := range []string{t2.ID} {
		if err := e.st.PutMembership(ctx, storeMembership(u.ID, tn, e.id.EnvironmentID(), ro.ID)); err != nil {
			t.Fatal(err)
		}
	}
	extra := e.customRole(t, "", "extra", 4)
	localToT2 := e.customRole(t, t2.ID, "t2-only", 4)

	res, err := e.id.BulkUpdateUserRoles(ctx, u.ID, identity.BulkRolesInput{AddRoleIDs: []string{extra.ID}, RemoveRoleIDs: []string{ro.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if res.TaskID == "" || res.UserID != u.ID || res.AffectedTenants != 2 || !slices.Equal(res.RolesAdded, []string{extra.ID}) || !slices.Equal(res.RolesRemoved, []string{ro.ID}) {
		t.Fatalf("BulkUpdateUserRoles = %+v", res)
	}
	if got := e.memberRoles(t, u.ID, t2.ID); !slices.Equal(got, []string{extra.ID}) {
		t.Fatalf("roles in t2 = %v", got)
	}
	if got := e.memberRoles(t, u.ID, t1); !slices.Contains(got, extra.ID) {
		t.Fatalf("roles in t1 = %v", got)
	}
	task, err := e.id.GetBulkRolesTask(ctx, res.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	if task.ID != res.TaskID || task.Status != identity.BulkRolesCompleted || task.TotalTenants != 2 || task.ProcessedTenants != 2 || len(task.Errors) != 0 {
		t.Fatalf("task = %+v", task)
	}

	// A tenant the user is not in, and a role of another tenant, are
	// errors of the task; the rest is done.
	res, err = e.id.BulkUpdateUserRoles(ctx, u.ID, identity.BulkRolesInput{AddRoleIDs: []string{localToT2.ID}, TenantIDs: []string{t1, t2.ID, t3.ID}})
	if err != nil {
		t.Fatal(err)
	}
	task, err = e.id.GetBulkRolesTask(ctx, res.TaskID)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != identity.BulkRolesCompletedWithErrors || len(task.Errors) != 2 || res.AffectedTenants != 1 || task.TotalTenants != 3 {
		t.Fatalf("task with errors = %+v, result %+v", task, res)
	}
	if !slices.Contains(e.memberRoles(t, u.ID, t2.ID), localToT2.ID) || slices.Contains(e.memberRoles(t, u.ID, t1), localToT2.ID) {
		t.Fatal("tenant role given in the wrong tenant")
	}

	for _, c := range []struct {
		in    identity.BulkRolesInput
		field string
	}{
		{identity.BulkRolesInput{}, "addRoleIds"},
		{identity.BulkRolesInput{AddRoleIDs: []string{"nope"}}, "addRoleIds"},
		{identity.BulkRolesInput{RemoveRoleIDs: []string{"nope"}}, "removeRoleIds"},
		{identity.BulkRolesInput{AddRoleIDs: []string{extra.ID}, RemoveRoleIDs: []string{extra.ID}}, "removeRoleIds"},
	} {
		_, err := e.id.BulkUpdateUserRoles(ctx, u.ID, c.in)
		wantField(t, err, c.field)
	}
	_, err = e.id.BulkUpdateUserRoles(ctx, "no-such-user", identity.BulkRolesInput{AddRoleIDs: []string{extra.ID}})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetBulkRolesTask(ctx, "no-such-task")
	wantErr(t, err, identity.ErrNotFound)
}

func TestListUsersRoles(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	a := e.user(t, "a@example.com")
	b := e.userIn(t, "b@example.com", a.TenantID)
	stranger := e.user(t, "c@example.com")
	p := e.principal(t, e.login(t, "a@example.com").AccessToken)
	got, err := e.id.ListUsersRoles(ctx, p, []string{b.ID, stranger.ID, a.ID, b.ID, "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UserID != b.ID || got[1].UserID != a.ID || got[0].TenantID != a.TenantID || got[0].VendorID != e.id.EnvironmentID() {
		t.Fatalf("ListUsersRoles = %+v", got)
	}
	if !slices.Equal(got[0].RoleIDs, []string{e.roleByKey(t, identity.RoleReadOnly).ID}) || !slices.Equal(got[1].RoleIDs, []string{e.roleByKey(t, identity.RoleAdmin).ID}) {
		t.Fatalf("role ids = %v / %v", got[0].RoleIDs, got[1].RoleIDs)
	}
	_, err = e.id.ListUsersRoles(ctx, p, nil)
	wantField(t, err, "ids")
}
