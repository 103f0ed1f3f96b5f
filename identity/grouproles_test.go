package identity_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// authzKeys returns the role keys and permission keys of the user's
// authorization.
func authzKeys(a *identity.Authorization) (roles, perms []string) {
	for _, r := range a.Roles {
		roles = append(roles, r.Key)
	}
	for _, p := range a.Permissions {
		perms = append(perms, p.Key)
	}
	return roles, perms
}

func TestGroupRolesCountLikeDirectRoles(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn, t2 := e.tenant(t, "Acme"), e.tenant(t, "Beta")
	e.userIn(t, "admin@example.com", tn.ID, e.roleByKey(t, identity.RoleAdmin).ID)
	bob := e.userIn(t, "bob@example.com", tn.ID, e.roleByKey(t, identity.RoleReadOnly).ID)
	if err := e.st.PutMembership(ctx, storeMembership(bob.ID, t2.ID, e.id.EnvironmentID())); err != nil {
		t.Fatal(err)
	}
	reporter := e.customRole(t, "", "reporter", 5, "reports.read")
	v := vendorPrincipal(tn.ID)
	g := e.group(t, tn.ID, "Reporting")
	if err := e.id.AddRolesToGroup(ctx, v, g.ID, []string{reporter.ID}); err != nil {
		t.Fatal(err)
	}

	login := e.login(t, "bob@example.com")
	p := e.principal(t, login.AccessToken)
	if slices.Contains(p.Claims.Roles, "reporter") || identity.Can(p, "reports.read") {
		t.Fatalf("bob holds the group's role before joining it: roles %v", p.Claims.Roles)
	}
	if !slices.Contains(p.Claims.Roles, identity.RoleReadOnly) {
		t.Fatalf("bob's direct roles = %v, want %s", p.Claims.Roles, identity.RoleReadOnly)
	}

	if err := e.id.AddUsersToGroup(ctx, v, g.ID, []string{bob.ID}); err != nil {
		t.Fatal(err)
	}
	// The token in hand is unchanged; the next one carries the group role.
	if identity.Can(p, "reports.read") {
		t.Fatal("an issued token changed")
	}
	p, refresh := e.refreshClaims(t, login.RefreshToken)
	if !slices.Contains(p.Claims.Roles, "reporter") || !slices.Contains(p.Claims.Roles, identity.RoleReadOnly) || !identity.Can(p, "reports.read") {
		t.Fatalf("after joining the group: roles %v, permissions %v", p.Claims.Roles, p.Claims.Permissions)
	}
	authz, err := e.id.MyAuthorization(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if roles, perms := authzKeys(authz); !slices.Contains(roles, "reporter") || !slices.Contains(perms, "reports.read") {
		t.Fatalf("users/v1/me/authorization: roles %v, permissions %v", roles, perms)
	}
	me, err := e.id.Me(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(me.Roles, func(r identity.Role) bool { return r.Key == "reporter" }) {
		t.Fatalf("users/v2/me roles = %v", me.Roles)
	}

	// Group roles count in the group's tenant only.
	other := e.group(t, t2.ID, "Beta admins")
	if err := e.id.AddRolesToGroup(ctx, vendorPrincipal(t2.ID), other.ID, []string{e.roleByKey(t, identity.RoleAdmin).ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.AddUsersToGroup(ctx, vendorPrincipal(t2.ID), other.ID, []string{bob.ID}); err != nil {
		t.Fatal(err)
	}
	p, refresh = e.refreshClaims(t, refresh)
	if slices.Contains(p.Claims.Roles, identity.RoleAdmin) {
		t.Fatalf("a group of another tenant granted %v in %s", p.Claims.Roles, p.TenantID)
	}
	res, err := e.id.Refresh(ctx, refresh, t2.ID, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	inT2 := e.principal(t, res.AccessToken)
	if inT2.TenantID != t2.ID || !slices.Contains(inT2.Claims.Roles, identity.RoleAdmin) || slices.Contains(inT2.Claims.Roles, "reporter") {
		t.Fatalf("in %s: roles %v", inT2.TenantID, inT2.Claims.Roles)
	}
	res, err = e.id.Refresh(ctx, res.RefreshToken, tn.ID, identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	refresh = res.RefreshToken

	// Disabling group roles takes them away; enabling gives them back.
	if _, err := e.id.UpdateGroupsConfig(ctx, identity.GroupsConfigInput{RolesEnabled: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	p, refresh = e.refreshClaims(t, refresh)
	if slices.Contains(p.Claims.Roles, "reporter") {
		t.Fatalf("group roles still count with rolesEnabled false: %v", p.Claims.Roles)
	}
	if _, err := e.id.UpdateGroupsConfig(ctx, identity.GroupsConfigInput{RolesEnabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	p, refresh = e.refreshClaims(t, refresh)
	if !slices.Contains(p.Claims.Roles, "reporter") {
		t.Fatalf("group roles do not count again: %v", p.Claims.Roles)
	}

	// Leaving the group takes its roles away at the next refresh.
	if err := e.id.RemoveUsersFromGroup(ctx, v, g.ID, []string{bob.ID}); err != nil {
		t.Fatal(err)
	}
	p, refresh = e.refreshClaims(t, refresh)
	if slices.Contains(p.Claims.Roles, "reporter") || identity.Can(p, "reports.read") {
		t.Fatalf("after leaving the group: roles %v", p.Claims.Roles)
	}

	// So does taking the role from the group, and deleting the role.
	if err := e.id.AddUsersToGroup(ctx, v, g.ID, []string{bob.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.RemoveRolesFromGroup(ctx, v, g.ID, []string{reporter.ID}); err != nil {
		t.Fatal(err)
	}
	p, refresh = e.refreshClaims(t, refresh)
	if slices.Contains(p.Claims.Roles, "reporter") {
		t.Fatalf("after removing the role from the group: roles %v", p.Claims.Roles)
	}
	if err := e.id.AddRolesToGroup(ctx, v, g.ID, []string{reporter.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.DeleteRole(ctx, "", reporter.ID); err != nil {
		t.Fatal(err)
	}
	p, _ = e.refreshClaims(t, refresh)
	if slices.Contains(p.Claims.Roles, "reporter") {
		t.Fatalf("a deleted role still counts: %v", p.Claims.Roles)
	}
	got, err := e.id.GetGroup(ctx, v, g.ID, identity.GroupRoles)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Roles) != 0 {
		t.Fatalf("the group still lists the deleted role: %+v", got.Roles)
	}
	if m, err := e.st.GetGroup(ctx, tn.ID, g.ID); err != nil || len(m.RoleIDs) != 0 {
		t.Fatalf("stored role ids after DeleteRole = %v, %v", m.RoleIDs, err)
	}
}

func TestGroupRolesValidationAndLevels(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn, t2 := e.tenant(t, "Acme"), e.tenant(t, "Beta")
	adminRole, readOnly := e.roleByKey(t, identity.RoleAdmin), e.roleByKey(t, identity.RoleReadOnly)
	admin := e.userIn(t, "admin@example.com", tn.ID, adminRole.ID)
	bob := e.userIn(t, "bob@example.com", tn.ID, readOnly.ID)
	betaRole := e.customRole(t, t2.ID, "beta-only", 3)
	mine := e.customRole(t, tn.ID, "acme-only", 3, "acme.x")
	v := vendorPrincipal(tn.ID)
	g := e.group(t, tn.ID, "Team")

	// Unknown roles, and roles of another tenant, do not exist here.
	wantField(t, e.id.AddRolesToGroup(ctx, v, g.ID, []string{"missing"}), "roleIds")
	wantField(t, e.id.AddRolesToGroup(ctx, v, g.ID, []string{mine.ID, betaRole.ID}), "roleIds")
	if err := e.id.AddRolesToGroup(ctx, v, g.ID, []string{mine.ID, readOnly.ID, mine.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.AddRolesToGroup(ctx, v, g.ID, []string{readOnly.ID}); err != nil {
		t.Fatal(err)
	}
	got, err := e.id.GetGroup(ctx, v, g.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for _, r := range got.Roles {
		keys = append(keys, r.Key)
		if r.ID == "" || r.Name == "" || r.VendorID != e.id.EnvironmentID() {
			t.Fatalf("group role = %+v", r)
		}
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{identity.RoleReadOnly, "acme-only"}) {
		t.Fatalf("group roles = %q", keys)
	}

	// A user gives groups only roles no stronger than its own, and adds
	// members only to groups whose roles are no stronger than its own.
	asBob := withPermissions(e.me(t, "bob@example.com"), "fe.secure.*")
	asAdmin := withPermissions(e.me(t, "admin@example.com"), "fe.secure.*")
	wantErr(t, e.id.AddRolesToGroup(ctx, asBob, g.ID, []string{adminRole.ID}), identity.ErrForbidden)
	if err := e.id.AddRolesToGroup(ctx, asBob, g.ID, []string{readOnly.ID}); err != nil {
		t.Fatalf("bob gives his own level: %v", err)
	}
	admins := e.group(t, tn.ID, "Admins")
	if err := e.id.AddRolesToGroup(ctx, asAdmin, admins.ID, []string{adminRole.ID}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.AddUsersToGroup(ctx, asBob, admins.ID, []string{bob.ID}), identity.ErrForbidden)
	if err := e.id.AddUsersToGroup(ctx, asBob, g.ID, []string{bob.ID, admin.ID}); err != nil {
		t.Fatalf("bob adds members to a group of his level: %v", err)
	}
	if err := e.id.AddUsersToGroup(ctx, asAdmin, admins.ID, []string{bob.ID}); err != nil {
		t.Fatal(err)
	}
	// Now bob holds Admin through the group, and may hand it out.
	if err := e.id.AddRolesToGroup(ctx, asBob, g.ID, []string{adminRole.ID}); err != nil {
		t.Fatalf("bob, an admin through a group: %v", err)
	}
	admins2, err := e.id.GetGroup(ctx, v, admins.ID, identity.GroupUsers)
	if err != nil || len(admins2.Users) != 1 {
		t.Fatalf("admins group = %+v, %v", admins2, err)
	}
}

// TestGroupConcurrentChanges: concurrent additions of roles and users to
// one group lose none of them.
func TestGroupConcurrentChanges(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tn := e.tenant(t, "Acme")
	v := vendorPrincipal(tn.ID)
	g := e.group(t, tn.ID, "Busy")
	const n = 8
	roleIDs, userIDs := make([]string, n), make([]string, n)
	for i := range n {
		roleIDs[i] = e.customRole(t, "", fmt.Sprintf("r%d", i), 5).ID
		userIDs[i] = e.member(t, fmt.Sprintf("u%d@example.com", i), tn.ID).ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() { errs <- e.id.AddRolesToGroup(ctx, v, g.ID, []string{roleIDs[i]}) })
		wg.Go(func() { errs <- e.id.AddUsersToGroup(ctx, v, g.ID, []string{userIDs[i]}) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.id.GetGroup(ctx, v, g.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Roles) != n || len(got.Users) != n {
		t.Fatalf("after concurrent additions: %d roles, %d users; want %d each", len(got.Roles), len(got.Users), n)
	}
}
