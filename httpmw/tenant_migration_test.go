package httpmw_test

import (
	"net/http"
	"testing"
)

func TestTenantMigrationRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		a.vendorCreate(t, "exists", "")
		m := a.call(t, http.MethodPost, "/resources/migrations/v1/tenants", map[string]any{"tenants": []any{"one", map[string]any{"tenantId": "two", "name": "Two"}, "exists"}},
			a.asVendor("")).want(t, http.StatusAccepted).object(t)
		id := wantString(t, m, "migrationId")
		if m["status"] != "COMPLETED" || m["succeeded"] != 2.0 || m["failed"] != 1.0 {
			t.Fatalf("migration: %v", m)
		}
		status := a.call(t, http.MethodGet, "/resources/migrations/v1/tenants/status/"+id, nil, a.asVendor("")).want(t, http.StatusOK).object(t)
		results := status["results"].([]any)
		if status["migrationId"] != id || len(results) != 3 || results[2].(map[string]any)["status"] != "FAILED" {
			t.Fatalf("status: %v", status)
		}
		if got := a.call(t, http.MethodGet, "/resources/tenants/v2/two", nil, a.asVendor("")).want(t, http.StatusOK).object(t); got["name"] != "Two" {
			t.Fatalf("migrated account: %v", got)
		}

		wantMessage(t, a.call(t, http.MethodPost, "/resources/migrations/v1/tenants", map[string]any{}, a.asVendor("")), http.StatusBadRequest, "tenants")
		wantMessage(t, a.call(t, http.MethodPost, "/resources/migrations/v1/tenants", map[string]any{"tenants": []any{7}}, a.asVendor("")), http.StatusBadRequest, "tenant id or a tenant object")
		a.call(t, http.MethodGet, "/resources/migrations/v1/tenants/status/missing", nil, a.asVendor("")).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodPost, "/resources/migrations/v1/tenants", map[string]any{"tenants": []any{"x"}}).wantError(t, http.StatusUnauthorized)
		userTok, _, _ := a.userToken(t, testUserEmail)
		a.call(t, http.MethodPost, "/resources/migrations/v1/tenants", map[string]any{"tenants": []any{"x"}}, bearer(userTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodGet, "/resources/migrations/v1/tenants/status/"+id, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
	})
}
