package httpmw_test

import (
	"fmt"
	"net/http"
	"testing"
)

func TestSubTenantRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		adminTok, _, home := a.userToken(t, testUserEmail)
		roTok, _ := a.readOnlyToken(t, "ro@example.com")
		a.vendorCreate(t, "elsewhere", "")

		// The admin creates a sub-account of its own account.
		sub := a.call(t, http.MethodPost, "/resources/sub-tenants/v1", map[string]any{"tenantId": "sub", "name": "Sub", "parentTenantId": home,
			"status": "trial", "logoUrl": "https://cdn.example/logo.png"}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		if sub["tenantId"] != "sub" || sub["parentTenantId"] != home || sub["creatorEmail"] != testUserEmail || sub["logoUrl"] != "https://cdn.example/logo.png" {
			t.Fatalf("sub-account: %v", sub)
		}
		a.call(t, http.MethodPost, "/resources/sub-tenants/v1", map[string]any{"tenantId": "x", "name": "X", "parentTenantId": "elsewhere"}, bearer(adminTok)).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodPost, "/resources/sub-tenants/v1", map[string]any{"tenantId": "x", "name": "X", "parentTenantId": home}, bearer(roTok)).wantError(t, http.StatusForbidden)
		wantMessage(t, a.call(t, http.MethodPost, "/resources/sub-tenants/v1", map[string]any{"tenantId": "x", "name": "X"}, bearer(adminTok)), http.StatusBadRequest, "parentTenantId")
		a.call(t, http.MethodPost, "/resources/sub-tenants/v1", map[string]any{"tenantId": "x", "name": "X", "parentTenantId": home}).wantError(t, http.StatusUnauthorized)
		// The environment may create one anywhere.
		a.call(t, http.MethodPost, "/resources/sub-tenants/v1", map[string]any{"tenantId": "e-sub", "name": "E", "parentTenantId": "elsewhere"}, a.asVendor("")).want(t, http.StatusCreated)

		// Management: sub-accounts below the admin's account only.
		got := a.call(t, http.MethodPut, "/resources/sub-tenants/v1/sub/management", map[string]any{"isReseller": true}, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if got["isReseller"] != true {
			t.Fatalf("management: %v", got)
		}
		a.call(t, http.MethodPut, "/resources/sub-tenants/v1/"+home+"/management", map[string]any{"isReseller": true}, bearer(adminTok)).wantError(t, http.StatusNotFound)
		wantMessage(t, a.call(t, http.MethodPut, "/resources/sub-tenants/v1/sub/management", map[string]any{}, bearer(adminTok)), http.StatusBadRequest, "isReseller")
		a.call(t, http.MethodPut, "/resources/sub-tenants/v1/sub/management", map[string]any{"isReseller": false}, bearer(roTok)).wantError(t, http.StatusForbidden)

		// Hierarchy settings: the admin's account and those below it.
		hs := a.call(t, http.MethodPut, "/resources/sub-tenants/v1/"+home+"/hierarchy-settings", map[string]any{"subAccountAccessType": "defaultOn"}, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if hs["tenantId"] != home || hs["subAccountAccessType"] != "defaultOn" {
			t.Fatalf("hierarchy settings: %v", hs)
		}
		wantMessage(t, a.call(t, http.MethodPut, "/resources/sub-tenants/v1/sub/hierarchy-settings", map[string]any{"subAccountAccessType": "maybe"}, bearer(adminTok)), http.StatusBadRequest, "subAccountAccessType")
		a.call(t, http.MethodPut, "/resources/sub-tenants/v1/elsewhere/hierarchy-settings", map[string]any{"subAccountAccessType": "alwaysOn"}, bearer(adminTok)).wantError(t, http.StatusNotFound)
		if got := a.call(t, http.MethodGet, "/resources/tenants/v2/"+home, nil, a.asVendor("")).want(t, http.StatusOK).object(t); got["subAccountAccessType"] != "defaultOn" {
			t.Fatalf("account after hierarchy settings: %v", got)
		}

		// Delete: a sub-account below the admin's account, not the account
		// itself; a top-level account is no sub-account.
		a.call(t, http.MethodDelete, "/resources/sub-tenants/v1/sub", nil, bearer(roTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodDelete, "/resources/sub-tenants/v1/"+home, nil, bearer(adminTok)).wantError(t, http.StatusNotFound)
		wantMessage(t, a.call(t, http.MethodDelete, "/resources/sub-tenants/v1/elsewhere", nil, a.asVendor("")), http.StatusBadRequest, "not a sub-account")
		a.call(t, http.MethodDelete, "/resources/sub-tenants/v1/sub", nil, bearer(adminTok)).want(t, http.StatusOK)
		a.call(t, http.MethodDelete, "/resources/sub-tenants/v1/sub", nil, bearer(adminTok)).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodDelete, "/resources/sub-tenants/v1/e-sub", nil, a.asVendor("")).want(t, http.StatusOK)
	})
}

func TestHierarchyRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		adminTok, _, home := a.userToken(t, testUserEmail)
		plainTok, _, _ := a.plainToken(t, "plain@example.com")
		a.vendorCreate(t, "a", home)
		a.vendorCreate(t, "b", "a")
		a.vendorCreate(t, "loose", "")

		// The environment links and unlinks existing accounts.
		node := a.call(t, http.MethodPost, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "b", "childTenantId": "loose"}, a.asVendor("")).want(t, http.StatusCreated).object(t)
		if node["tenantId"] != "loose" || node["parentId"] != "b" {
			t.Fatalf("link: %v", node)
		}
		wantMessage(t, a.call(t, http.MethodPost, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "loose", "childTenantId": home}, a.asVendor("")), http.StatusBadRequest, "cycle")
		wantMessage(t, a.call(t, http.MethodPost, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "a", "childTenantId": "a"}, a.asVendor("")), http.StatusBadRequest, "own sub-account")
		wantMessage(t, a.call(t, http.MethodPost, "/resources/hierarchy/v1", map[string]any{"childTenantId": "a"}, a.asVendor("")), http.StatusBadRequest, "parentTenantId")
		a.call(t, http.MethodPost, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "a", "childTenantId": "missing"}, a.asVendor("")).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodPost, "/resources/hierarchy/v1", map[string]any{"parentTenantId": home, "childTenantId": "loose"}, bearer(adminTok)).wantError(t, http.StatusForbidden)

		// Reads, as the admin of the top account.
		subs := a.call(t, http.MethodGet, "/resources/hierarchy/v1", nil, bearer(adminTok)).want(t, http.StatusOK).array(t)
		got := ""
		for _, s := range subs {
			got += fmt.Sprintf("%s:%v ", s["tenantId"], s["level"])
		}
		if got != "a:1 b:2 loose:3 " {
			t.Fatalf("sub-accounts: %s", got)
		}
		wantKeys(t, "sub-account", subs[0], "tenantId", "tenantName", "level", "createdAt")
		parents := a.call(t, http.MethodGet, "/resources/hierarchy/v1/parents", nil, a.asVendor("loose")).want(t, http.StatusOK).array(t)
		if len(parents) != 3 || parents[0]["tenantId"] != "b" || parents[2]["tenantId"] != home || parents[2]["level"] != 3.0 {
			t.Fatalf("parents: %v", parents)
		}
		tree := a.call(t, http.MethodGet, "/resources/hierarchy/v1/tree", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		depth, node2 := 0, tree
		for {
			kids := node2["children"].([]any)
			if len(kids) == 0 {
				break
			}
			depth++
			node2 = kids[0].(map[string]any)
		}
		if tree["tenantId"] != home || depth != 3 || node2["tenantId"] != "loose" {
			t.Fatalf("tree: %v", tree)
		}
		for _, p := range []string{"/resources/hierarchy/v1", "/resources/hierarchy/v1/parents", "/resources/hierarchy/v1/tree"} {
			a.call(t, http.MethodGet, p, nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
			wantMessage(t, a.call(t, http.MethodGet, p, nil, a.asVendor("")), http.StatusBadRequest, "frontegg-tenant-id")
			a.call(t, http.MethodGet, p, nil).wantError(t, http.StatusUnauthorized)
		}

		// Unlinking needs the real parent.
		a.call(t, http.MethodDelete, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "a", "childTenantId": "loose"}, a.asVendor("")).wantError(t, http.StatusNotFound)
		wantMessage(t, a.call(t, http.MethodDelete, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "b"}, a.asVendor("")), http.StatusBadRequest, "childTenantId")
		a.call(t, http.MethodDelete, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "b", "childTenantId": "loose"}, bearer(adminTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodDelete, "/resources/hierarchy/v1", map[string]any{"parentTenantId": "b", "childTenantId": "loose"}, a.asVendor("")).want(t, http.StatusOK)
		if got := a.call(t, http.MethodGet, "/resources/hierarchy/v1/parents", nil, a.asVendor("loose")).want(t, http.StatusOK).array(t); len(got) != 0 {
			t.Fatalf("parents after unlinking: %v", got)
		}
	})
}
