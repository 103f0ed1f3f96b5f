package identity_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

func TestMigrateTenants(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "exists"})
	var in identity.MigrateTenantsInput
	if err := json.Unmarshal([]byte(`{"tenants":["plain",{"tenantId":"rich","name":"Rich","metadata":{"tier":2}},"exists",{"name":"no id"},"bad id"]}`), &in); err != nil {
		t.Fatal(err)
	}
	m, err := e.id.MigrateTenants(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if m.MigrationID == "" || m.Status != identity.TaskCompleted || m.Total != 5 || m.Succeeded != 3 || m.Failed != 2 || len(m.Results) != 5 {
		t.Fatalf("migration: %+v", m)
	}
	for i, want := range []string{identity.BulkItemSucceeded, identity.BulkItemSucceeded, identity.BulkItemFailed, identity.BulkItemSucceeded, identity.BulkItemFailed} {
		if r := m.Results[i]; r.Index != i || r.Status != want || (want == identity.BulkItemFailed) != (r.Error != "") {
			t.Fatalf("result %d: %+v, want %s", i, r, want)
		}
	}
	if m.Results[3].TenantID == "" {
		t.Fatal("the generated id of a migrated account is not reported")
	}
	if tn, err := e.id.GetTenant(ctx, "plain"); err != nil || tn.Name != "plain" {
		t.Fatalf("account from an id: %+v %v", tn, err)
	}
	if tn, err := e.id.GetTenant(ctx, "rich"); err != nil || tn.Name != "Rich" || tn.Metadata != `{"tier":2}` {
		t.Fatalf("account from an object: %+v %v", tn, err)
	}
	status, err := e.id.GetTenantMigrationStatus(ctx, m.MigrationID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(status)
	b, _ := json.Marshal(m)
	if string(a) != string(b) {
		t.Fatalf("status\n%s\nwant\n%s", a, b)
	}

	_, err = e.id.GetTenantMigrationStatus(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
	bulk, err := e.id.BulkInviteUsers(ctx, "exists", identity.BulkInviteInput{Users: []identity.BulkInviteUser{{InviteUserInput: identity.InviteUserInput{Email: "x@example.com", SkipInviteEmail: true}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetTenantMigrationStatus(ctx, bulk.ID)
	wantErr(t, err, identity.ErrNotFound) // another kind of task
	_, err = e.id.MigrateTenants(ctx, identity.MigrateTenantsInput{})
	wantField(t, err, "tenants")
	_, err = e.id.MigrateTenants(ctx, identity.MigrateTenantsInput{Tenants: make([]identity.MigrateTenant, identity.MaxMigrateTenants+1)})
	wantField(t, err, "tenants")
	if err := json.Unmarshal([]byte(`{"tenants":[42]}`), &in); err == nil {
		t.Fatal("a number was taken for a tenant")
	}
}
