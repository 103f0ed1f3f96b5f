package httpmw_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

func stringsOf(t *testing.T, r *response) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("body %s is not a JSON array of strings: %v", r.body, err)
	}
	return out
}

func TestApplicationUsersHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	v := accessToken(f.vendor)
	bob := f.member(t, "bob@example.com", f.tenantID)
	outsider := f.member(t, "out@example.com", f.otherTenantID)

	a := f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{f.userID}}, v).want(t, http.StatusCreated).array(t)
	if len(a) != 1 || a[0]["appId"] != "crm" || a[0]["userTenantId"] != f.tenantID+":"+f.userID {
		t.Fatalf("assign = %v", a)
	}
	wantKeys(t, "ApplicationUserTenantsResponseDto", a[0], "appId", "userTenantId", "createdAt")
	f.clock.Advance(time.Second)
	// Idempotent.
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{f.userID, bob}}, v).want(t, http.StatusCreated)
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.otherTenantID, "userIds": []string{outsider}}, v).want(t, http.StatusCreated)
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "wiki", "tenantId": f.tenantID, "userIds": []string{f.userID}}, v).want(t, http.StatusCreated)
	// Refusals.
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{"missing"}}, v).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{outsider}}, v).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"tenantId": f.tenantID, "userIds": []string{bob}}, v).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{bob}}).wantError(t, http.StatusUnauthorized)
	f.do(t, http.MethodPost, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{bob}}, bearer(f.userToken)).wantError(t, http.StatusForbidden)

	users := stringsOf(t, f.do(t, http.MethodGet, "/resources/applications/v1/crm/users", nil, v).want(t, http.StatusOK))
	if len(users) != 3 || !slices.Contains(users, bob) || !slices.Contains(users, outsider) || users[0] != f.userID {
		t.Fatalf("crm users = %q", users)
	}
	users = stringsOf(t, f.do(t, http.MethodGet, "/resources/applications/v1/crm/users", nil, f.asVendor(f.otherTenantID)...).want(t, http.StatusOK))
	if !slices.Equal(users, []string{outsider}) {
		t.Fatalf("crm users in the other tenant = %q", users)
	}
	if got := stringsOf(t, f.do(t, http.MethodGet, "/resources/applications/v1/none/users", nil, v).want(t, http.StatusOK)); len(got) != 0 {
		t.Fatalf("users of an unassigned application = %q", got)
	}
	f.do(t, http.MethodGet, "/resources/applications/v1/crm/users", nil, bearer(f.userToken)).wantError(t, http.StatusForbidden)
	f.do(t, http.MethodGet, "/resources/applications/v1/crm/users", nil).wantError(t, http.StatusUnauthorized)

	apps := stringsOf(t, f.do(t, http.MethodGet, "/resources/applications/v1/"+f.userID+"/apps", nil, v).want(t, http.StatusOK))
	if !slices.Equal(apps, []string{"crm", "wiki"}) {
		t.Fatalf("apps of the user = %q", apps)
	}
	f.do(t, http.MethodGet, "/resources/applications/v1/missing/apps", nil, v).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodGet, "/resources/applications/v1/"+f.userID+"/apps", nil, bearer(f.userToken)).wantError(t, http.StatusForbidden)

	f.do(t, http.MethodDelete, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{f.userID}}, v).want(t, http.StatusOK)
	f.do(t, http.MethodDelete, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{"missing"}}, v).wantError(t, http.StatusNotFound)
	f.do(t, http.MethodDelete, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID}, v).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodDelete, "/resources/applications/v1",
		map[string]any{"appId": "crm", "tenantId": f.tenantID, "userIds": []string{bob}}, bearer(f.userToken)).wantError(t, http.StatusForbidden)
	apps = stringsOf(t, f.do(t, http.MethodGet, "/resources/applications/v1/"+f.userID+"/apps", nil, v).want(t, http.StatusOK))
	if !slices.Equal(apps, []string{"wiki"}) {
		t.Fatalf("apps after unassigning crm = %q", apps)
	}
}

func TestApplicationActiveTenantsHTTP(t *testing.T) {
	f := newGroupsFixture(t)
	ctx := context.Background()
	now := f.clock.Now()
	second, err := f.st.GetTenant(ctx, f.id.EnvironmentID(), f.otherTenantID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.PutMembership(ctx, &store.Membership{UserID: f.userID, TenantID: second.ID, EnvID: f.id.EnvironmentID(), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	path := "/resources/applications/user-tenants/active/v1"
	u := bearer(f.userToken)

	m := f.do(t, http.MethodGet, path, nil, u).want(t, http.StatusOK).object(t)
	if list, ok := m["applicationActiveTenants"].([]any); !ok || len(list) != 0 {
		t.Fatalf("before any switch = %v", m)
	}
	f.do(t, http.MethodPut, path, map[string]any{"activeApplicationTenants": []map[string]string{
		{"applicationId": "crm", "tenantId": second.ID},
	}}, u).want(t, http.StatusOK)
	m = f.do(t, http.MethodGet, path, nil, u).want(t, http.StatusOK).object(t)
	list, _ := m["applicationActiveTenants"].([]any)
	if len(list) != 1 {
		t.Fatalf("after switch = %v", m)
	}
	entry, _ := list[0].(map[string]any)
	if entry["applicationId"] != "crm" || entry["tenantId"] != second.ID {
		t.Fatalf("entry = %v", entry)
	}

	// Only among the user's own tenants.
	stranger, err := f.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Stranger"})
	if err != nil {
		t.Fatal(err)
	}
	f.do(t, http.MethodPut, path, map[string]any{"activeApplicationTenants": []map[string]string{
		{"applicationId": "crm", "tenantId": stranger.ID},
	}}, u).wantError(t, http.StatusForbidden)
	f.do(t, http.MethodPut, path, map[string]any{"activeApplicationTenants": []map[string]string{}}, u).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPut, path, map[string]any{"activeApplicationTenants": "crm"}, u).wantError(t, http.StatusBadRequest)
	f.do(t, http.MethodPut, path, map[string]any{"activeApplicationTenants": []map[string]string{
		{"applicationId": "crm", "tenantId": f.tenantID},
	}}).wantError(t, http.StatusUnauthorized)
	m = f.do(t, http.MethodGet, path, nil, u).want(t, http.StatusOK).object(t)
	if list, _ := m["applicationActiveTenants"].([]any); len(list) != 1 || list[0].(map[string]any)["tenantId"] != second.ID {
		t.Fatalf("refusals changed the choice: %v", m)
	}

	// The environment acts for the user it names.
	v := accessToken(f.vendor)
	f.do(t, http.MethodGet, path, nil, v).wantError(t, http.StatusBadRequest)
	m = f.do(t, http.MethodGet, path, nil, v, header("frontegg-user-id", f.userID)).want(t, http.StatusOK).object(t)
	if list, _ := m["applicationActiveTenants"].([]any); len(list) != 1 {
		t.Fatalf("vendor view = %v", m)
	}
	f.do(t, http.MethodPut, path, map[string]any{"activeApplicationTenants": []map[string]string{
		{"applicationId": "crm", "tenantId": f.tenantID},
	}}, v, header("frontegg-user-id", f.userID)).want(t, http.StatusOK)
	f.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
}
