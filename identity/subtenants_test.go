package identity_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

// hierarchyEnv is root → a → b, root → c, and a separate top-level x.
func hierarchyEnv(t *testing.T) *testEnv {
	t.Helper()
	return seedHierarchy(t, newTestEnv(t))
}

// seedHierarchy creates hierarchyEnv's accounts in e.
func seedHierarchy(t *testing.T, e *testEnv) *testEnv {
	t.Helper()
	for _, tn := range []struct{ id, parent string }{{"root", ""}, {"a", "root"}, {"b", "a"}, {"c", "root"}, {"x", ""}} {
		e.account(t, identity.CreateTenantInput{TenantID: tn.id, Name: "Account " + tn.id, ParentTenantID: tn.parent})
		e.clock.Advance(1e9)
	}
	return e
}

func TestHierarchyReads(t *testing.T) { runHierarchyReads(t, hierarchyEnv(t)) }

func runHierarchyReads(t *testing.T, e *testEnv) {
	ctx := context.Background()
	subs, err := e.id.GetHierarchy(ctx, vendor("root"))
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, s := range subs {
		got += fmt.Sprintf("%s/%s/%d ", s.TenantID, s.ParentTenantID, s.Level)
	}
	if got != "a/root/1 c/root/1 b/a/2 " {
		t.Fatalf("sub-accounts of root: %s", got)
	}
	parents, err := e.id.GetTenantParents(ctx, vendor("b"))
	if err != nil || len(parents) != 2 || parents[0].TenantID != "a" || parents[0].Level != 1 || parents[1].TenantID != "root" || parents[1].Level != 2 {
		t.Fatalf("parents of b: %+v %v", parents, err)
	}
	if top, err := e.id.GetTenantParents(ctx, vendor("x")); err != nil || len(top) != 0 {
		t.Fatalf("parents of a top-level account: %+v %v", top, err)
	}
	tree, err := e.id.GetTenantTree(ctx, vendor("root"))
	if err != nil {
		t.Fatal(err)
	}
	if tree.TenantID != "root" || tree.TenantName != "Account root" || len(tree.Children) != 2 || tree.Children[0].TenantID != "a" ||
		len(tree.Children[0].Children) != 1 || tree.Children[0].Children[0].TenantID != "b" || tree.Children[1].TenantID != "c" ||
		tree.Children[1].Children == nil {
		t.Fatalf("tree: %+v", tree)
	}

	// A user reads from its own account and needs the permission.
	u := e.userIn(t, "reader@example.com", "a")
	_, err = e.id.GetHierarchy(ctx, userPrincipal(u.ID, "a"))
	wantErr(t, err, identity.ErrForbidden)
	subs, err = e.id.GetHierarchy(ctx, userPrincipal(u.ID, "a", identity.PermReadSubAccounts))
	if err != nil || len(subs) != 1 || subs[0].TenantID != "b" {
		t.Fatalf("a user's sub-accounts: %+v %v", subs, err)
	}
	// The environment names the account; an unknown one is not found.
	_, err = e.id.GetTenantTree(ctx, vendor(""))
	wantField(t, err, "frontegg-tenant-id")
	_, err = e.id.GetTenantParents(ctx, vendor("missing"))
	wantErr(t, err, identity.ErrNotFound)
}

func TestHierarchyRefusesCyclesAndDepth(t *testing.T) { runHierarchyRefusals(t, hierarchyEnv(t)) }

func runHierarchyRefusals(t *testing.T, e *testEnv) {
	ctx := context.Background()
	link := func(parent, child string) error {
		_, err := e.id.AddToHierarchy(ctx, identity.HierarchyLinkInput{ParentTenantID: parent, ChildTenantID: child})
		return err
	}
	parentOf := func(id string) string {
		t.Helper()
		tn, err := e.storedTenant(t, id)
		if err != nil {
			t.Fatal(err)
		}
		return tn.ParentID
	}
	wantField(t, link("a", "a"), "childTenantId")
	wantField(t, link("b", "root"), "childTenantId") // root is above b: a cycle
	wantField(t, link("x", "a"), "childTenantId")    // a already has a parent
	wantField(t, link("", "a"), "parentTenantId")
	wantErr(t, link("root", "missing"), identity.ErrNotFound)
	wantErr(t, link("missing", "x"), identity.ErrNotFound)
	if parentOf("root") != "" || parentOf("a") != "root" || parentOf("x") != "" {
		t.Fatal("refused links changed the hierarchy")
	}
	if err := link("root", "a"); err != nil {
		t.Fatalf("linking a child to the parent it has: %v", err)
	}
	node, err := e.id.AddToHierarchy(ctx, identity.HierarchyLinkInput{ParentTenantID: "c", ChildTenantID: "x"})
	if err != nil || node.TenantID != "x" || node.ParentID != "c" || parentOf("x") != "c" {
		t.Fatalf("AddToHierarchy: %+v %v", node, err)
	}

	// Removing needs the real parent; the child keeps its own sub-accounts.
	wantErr(t, e.id.RemoveFromHierarchy(ctx, identity.HierarchyLinkInput{ParentTenantID: "root", ChildTenantID: "b"}), identity.ErrNotFound)
	if err := e.id.RemoveFromHierarchy(ctx, identity.HierarchyLinkInput{ParentTenantID: "root", ChildTenantID: "a"}); err != nil {
		t.Fatal(err)
	}
	if parentOf("a") != "" || parentOf("b") != "a" {
		t.Fatalf("after removing a: a's parent %q, b's %q", parentOf("a"), parentOf("b"))
	}

	// A chain as deep as allowed, then one more level is refused, whether
	// created below it or linked in with its own sub-account.
	prev := ""
	for i := 0; i <= identity.MaxTenantDepth; i++ {
		id := fmt.Sprintf("d%d", i)
		e.account(t, identity.CreateTenantInput{TenantID: id, ParentTenantID: prev})
		prev = id
	}
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "too deep", ParentTenantID: prev})
	wantField(t, err, "parentTenantId")
	e.account(t, identity.CreateTenantInput{TenantID: "y"})
	e.account(t, identity.CreateTenantInput{TenantID: "y1", ParentTenantID: "y"})
	wantField(t, link(fmt.Sprintf("d%d", identity.MaxTenantDepth-1), "y"), "childTenantId")
	if err := link(fmt.Sprintf("d%d", identity.MaxTenantDepth-2), "y"); err != nil {
		t.Fatalf("linking y as deep as allowed: %v", err)
	}
}

func TestHierarchyReportsStoredCycles(t *testing.T) {
	e := hierarchyEnv(t)
	ctx := context.Background()
	// Only a direct store write can make a cycle: root under b.
	root, _ := e.storedTenant(t, "root")
	root.ParentID = "b"
	if err := e.id.Store().UpdateTenant(ctx, root); err != nil {
		t.Fatal(err)
	}
	_, err := e.id.GetTenantTree(ctx, vendor("a"))
	wantErr(t, err, identity.ErrInvalidInput)
	_, err = e.id.GetHierarchy(ctx, vendor("root"))
	wantErr(t, err, identity.ErrInvalidInput)
	_, err = e.id.GetTenantParents(ctx, vendor("b"))
	wantErr(t, err, identity.ErrInvalidInput)
	_, err = e.id.AddToHierarchy(ctx, identity.HierarchyLinkInput{ParentTenantID: "a", ChildTenantID: "x"})
	wantErr(t, err, identity.ErrInvalidInput)
}

func TestCreateSubTenant(t *testing.T) {
	e := hierarchyEnv(t)
	ctx := context.Background()
	u := e.userIn(t, "admin@example.com", "a")
	p := userPrincipal(u.ID, "a", identity.PermWriteSubAccounts)

	sub, err := e.id.CreateSubTenant(ctx, p, identity.CreateTenantInput{TenantID: "a2", Name: "A2", ParentTenantID: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if sub.ParentTenantID != "b" || sub.CreatorEmail != "admin@example.com" {
		t.Fatalf("sub-account: %+v", sub)
	}
	if _, err := e.id.CreateSubTenant(ctx, p, identity.CreateTenantInput{TenantID: "a3", Name: "A3", ParentTenantID: "a"}); err != nil {
		t.Fatalf("below the user's own account: %v", err)
	}
	_, err = e.id.CreateSubTenant(ctx, p, identity.CreateTenantInput{TenantID: "c2", Name: "C2", ParentTenantID: "c"})
	wantErr(t, err, identity.ErrNotFound) // c is not below a
	_, err = e.id.CreateSubTenant(ctx, userPrincipal(u.ID, "a"), identity.CreateTenantInput{TenantID: "n", Name: "N", ParentTenantID: "a"})
	wantErr(t, err, identity.ErrForbidden)
	_, err = e.id.CreateSubTenant(ctx, vendor(""), identity.CreateTenantInput{TenantID: "n", Name: "N"})
	wantField(t, err, "parentTenantId")
	_, err = e.id.CreateSubTenant(ctx, vendor(""), identity.CreateTenantInput{TenantID: "a2", Name: "again", ParentTenantID: "c"})
	wantErr(t, err, identity.ErrConflict)
	vs, err := e.id.CreateSubTenant(ctx, vendor(""), identity.CreateTenantInput{TenantID: "c2", Name: "C2", ParentTenantID: "c"})
	if err != nil || vs.CreatorEmail != "" {
		t.Fatalf("the environment's sub-account: %+v %v", vs, err)
	}
	for _, id := range []string{"n"} {
		if _, err := e.storedTenant(t, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("refused sub-account %s exists: %v", id, err)
		}
	}
}

func TestSubTenantManagementAndSettings(t *testing.T) {
	e := hierarchyEnv(t)
	ctx := context.Background()
	u := e.userIn(t, "admin@example.com", "a")
	p := userPrincipal(u.ID, "a", identity.PermWriteSubAccounts)

	got, err := e.id.UpdateSubTenantManagement(ctx, p, "b", identity.SubTenantManagementInput{IsReseller: ptr(true)})
	if err != nil || !got.IsReseller {
		t.Fatalf("management: %+v %v", got, err)
	}
	_, err = e.id.UpdateSubTenantManagement(ctx, p, "a", identity.SubTenantManagementInput{IsReseller: ptr(true)})
	wantErr(t, err, identity.ErrNotFound) // a user cannot make its own account a reseller
	_, err = e.id.UpdateSubTenantManagement(ctx, p, "c", identity.SubTenantManagementInput{IsReseller: ptr(true)})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UpdateSubTenantManagement(ctx, p, "b", identity.SubTenantManagementInput{})
	wantField(t, err, "isReseller")
	if a, _ := e.storedTenant(t, "a"); a.IsReseller {
		t.Fatal("a refused update made a a reseller")
	}

	hs, err := e.id.UpdateSubTenantHierarchySettings(ctx, p, "a", identity.HierarchySettingsInput{SubAccountAccessType: identity.SubAccountAccessAlwaysOn})
	if err != nil || hs.TenantID != "a" || hs.SubAccountAccessType != "alwaysOn" {
		t.Fatalf("hierarchy settings: %+v %v", hs, err)
	}
	if tn, _ := e.id.GetTenant(ctx, "a"); tn.SubAccountAccessType != "alwaysOn" {
		t.Fatalf("tenant view: %q", tn.SubAccountAccessType)
	}
	_, err = e.id.UpdateSubTenantHierarchySettings(ctx, p, "a", identity.HierarchySettingsInput{SubAccountAccessType: "sometimes"})
	wantField(t, err, "subAccountAccessType")
	_, err = e.id.UpdateSubTenantHierarchySettings(ctx, p, "root", identity.HierarchySettingsInput{SubAccountAccessType: "defaultOn"})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.UpdateSubTenantHierarchySettings(ctx, userPrincipal(u.ID, "a"), "a", identity.HierarchySettingsInput{SubAccountAccessType: "defaultOn"})
	wantErr(t, err, identity.ErrForbidden)
	if tn, _ := e.id.GetTenant(ctx, "a"); tn.SubAccountAccessType != "alwaysOn" {
		t.Fatalf("refusals changed the setting: %q", tn.SubAccountAccessType)
	}
}

func TestDeleteSubTenant(t *testing.T) {
	e := hierarchyEnv(t)
	ctx := context.Background()
	u := e.userIn(t, "admin@example.com", "root")
	p := userPrincipal(u.ID, "root", identity.PermDeleteSubAccounts)

	wantErr(t, e.id.DeleteSubTenant(ctx, p, "root"), identity.ErrNotFound) // its own account is not below it
	wantErr(t, e.id.DeleteSubTenant(ctx, p, "x"), identity.ErrNotFound)
	wantErr(t, e.id.DeleteSubTenant(ctx, userPrincipal(u.ID, "root"), "a"), identity.ErrForbidden)
	wantField(t, e.id.DeleteSubTenant(ctx, vendor(""), "x"), "tenantId") // top-level
	if err := e.id.DeleteSubTenant(ctx, p, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.storedTenant(t, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted sub-account: %v", err)
	}
	if b, _ := e.storedTenant(t, "b"); b.ParentID != "root" {
		t.Fatalf("b moved to %q, want root", b.ParentID)
	}
	if err := e.id.DeleteSubTenant(ctx, vendor(""), "b"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteSubTenant(ctx, vendor(""), "b"), identity.ErrNotFound)
}
