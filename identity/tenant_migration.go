package identity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

// MaxMigrateTenants is the most accounts one migration may hold.
const MaxMigrateTenants = 1000

// taskKindTenantMigration is the Task kind of MigrateTenants.
const taskKindTenantMigration = "tenant-migration"

// MigrateTenantsInput lists the accounts to bring into the environment
// (MigrateTenantsRequest).
type MigrateTenantsInput struct {
	Tenants []MigrateTenant `json:"tenants"`
}

// MigrateTenant is one account of a migration: in JSON either its id alone
// (a string; the account is named after it) or a whole account
// (CreateTenantRequest), whose name defaults to its id.
type MigrateTenant struct {
	CreateTenantInput
}

// UnmarshalJSON accepts a tenant id or a tenant object.
func (m *MigrateTenant) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		m.CreateTenantInput = CreateTenantInput{TenantID: s, Name: s}
		return nil
	}
	if len(b) == 0 || b[0] != '{' {
		return errors.New("each of tenants must be a tenant id or a tenant object")
	}
	return json.Unmarshal(b, &m.CreateTenantInput)
}

// TenantMigrationResult is the outcome for one account of a migration, in
// the order of the request: Status is BulkItemSucceeded or BulkItemFailed
// (with Error saying why).
type TenantMigrationResult struct {
	Index    int    `json:"index"`
	TenantID string `json:"tenantId,omitempty"`
	Status   string `json:"status"`
	Error    string `json:"error,omitempty"`
}

// TenantMigration is a migration as the API reports it: its id, status
// (TaskInProgress, then TaskCompleted), counts and per-account results.
type TenantMigration struct {
	MigrationID string                  `json:"migrationId"`
	Status      string                  `json:"status"`
	Total       int                     `json:"total"`
	Succeeded   int                     `json:"succeeded"`
	Failed      int                     `json:"failed"`
	Results     []TenantMigrationResult `json:"results"`
	CreatedAt   time.Time               `json:"createdAt"`
	UpdatedAt   time.Time               `json:"updatedAt"`
}

// tenantMigrationData is the stored Data of a migration task.
type tenantMigrationData struct {
	Total     int                     `json:"total"`
	Succeeded int                     `json:"succeeded"`
	Failed    int                     `json:"failed"`
	Results   []TenantMigrationResult `json:"results"`
}

func tenantMigrationView(t *store.Task, d tenantMigrationData) *TenantMigration {
	if d.Results == nil {
		d.Results = []TenantMigrationResult{}
	}
	return &TenantMigration{MigrationID: t.ID, Status: t.Status, Total: d.Total, Succeeded: d.Succeeded, Failed: d.Failed,
		Results: d.Results, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// MigrateTenants creates up to MaxMigrateTenants accounts, each as
// CreateTenant would and each on its own: an account whose id is taken, or
// whose input is invalid, fails alone. The work is recorded as a task
// whose status GetTenantMigrationStatus reports; the answer is the
// finished task. A caller that goes away does not stop it.
func (id *Identity) MigrateTenants(ctx context.Context, in MigrateTenantsInput) (*TenantMigration, error) {
	if len(in.Tenants) == 0 {
		return nil, invalid("tenants", "tenants must list at least one account")
	}
	if len(in.Tenants) > MaxMigrateTenants {
		return nil, invalid("tenants", "tenants may list at most %d accounts", MaxMigrateTenants)
	}
	ctx = context.WithoutCancel(ctx)
	now := id.now()
	data := tenantMigrationData{Total: len(in.Tenants), Results: make([]TenantMigrationResult, 0, len(in.Tenants))}
	task := &store.Task{ID: id.newID(), EnvID: id.envID, Kind: taskKindTenantMigration, Status: TaskInProgress, CreatedAt: now, UpdatedAt: now}
	if err := saveTaskData(ctx, id, task, data, true); err != nil {
		return nil, err
	}
	for i, m := range in.Tenants {
		tin := m.CreateTenantInput
		if tin.Name == "" {
			tin.Name = tin.TenantID
		}
		r := TenantMigrationResult{Index: i, TenantID: tin.TenantID, Status: BulkItemSucceeded}
		t, err := id.CreateTenant(ctx, tin)
		switch {
		case err == nil:
			r.TenantID = t.TenantID
			data.Succeeded++
		default:
			r.Status = BulkItemFailed
			r.Error = id.itemError(ctx, err, "migrating one account failed", "migrationId", task.ID, "index", i)
			data.Failed++
		}
		data.Results = append(data.Results, r)
	}
	task.Status, task.UpdatedAt = TaskCompleted, id.now()
	if err := saveTaskData(ctx, id, task, data, false); err != nil {
		return nil, err
	}
	return tenantMigrationView(task, data), nil
}

// GetTenantMigrationStatus returns migration migrationID.
func (id *Identity) GetTenantMigrationStatus(ctx context.Context, migrationID string) (*TenantMigration, error) {
	if migrationID == "" {
		return nil, invalid("migrationId", "migrationId is required")
	}
	t, err := id.store.GetTask(ctx, id.envID, migrationID)
	if err == nil && t.Kind != taskKindTenantMigration {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, storeErr(err, "tenant migration "+migrationID)
	}
	var d tenantMigrationData
	if err := json.Unmarshal([]byte(t.Data), &d); err != nil {
		return nil, fmt.Errorf("identity: task %s is corrupt: %w", t.ID, err)
	}
	return tenantMigrationView(t, d), nil
}
