package identity

import (
	"context"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// Tenant is an account as the API returns it.
type Tenant struct {
	ID             string     `json:"id"`
	TenantID       string     `json:"tenantId"`
	VendorID       string     `json:"vendorId"`
	Name           string     `json:"name"`
	ParentTenantID string     `json:"parentTenantId,omitempty"`
	Metadata       string     `json:"metadata"`
	IsReseller     bool       `json:"isReseller"`
	DeletedAt      *time.Time `json:"deletedAt"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
}

func tenantView(t *store.Tenant) *Tenant {
	return &Tenant{ID: t.ID, TenantID: t.ID, VendorID: t.EnvID, Name: t.Name, ParentTenantID: t.ParentID, Metadata: t.Metadata, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// CreateTenantInput describes a new tenant. TenantID is generated when empty.
type CreateTenantInput struct {
	TenantID       string `json:"tenantId"`
	Name           string `json:"name"`
	ParentTenantID string `json:"parentTenantId"`
	Metadata       string `json:"metadata"`
}

func (in *CreateTenantInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return invalid("name", "name is required")
	}
	if err := checkLen("name", in.Name, 255); err != nil {
		return err
	}
	if err := checkLen("tenantId", in.TenantID, 255); err != nil {
		return err
	}
	return checkJSONObject("metadata", in.Metadata)
}

// CreateTenant creates an account (a sub-account when ParentTenantID is
// set). A taken tenant id is ErrConflict; an unknown parent ErrNotFound.
func (id *Identity) CreateTenant(ctx context.Context, in CreateTenantInput) (*Tenant, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var t *store.Tenant
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		t, err = id.createTenant(ctx, tx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return tenantView(t), nil
}

func (id *Identity) createTenant(ctx context.Context, tx store.Store, in CreateTenantInput) (*store.Tenant, error) {
	if in.ParentTenantID != "" {
		if _, err := tx.GetTenant(ctx, id.envID, in.ParentTenantID); err != nil {
			return nil, storeErr(err, "parent tenant "+in.ParentTenantID)
		}
	}
	now := id.now()
	t := &store.Tenant{ID: in.TenantID, EnvID: id.envID, Name: in.Name, ParentID: in.ParentTenantID, Metadata: in.Metadata, CreatedAt: now, UpdatedAt: now}
	if t.ID == "" {
		t.ID = id.newID()
	}
	if err := tx.CreateTenant(ctx, t); err != nil {
		return nil, storeErr(err, "tenant "+t.ID)
	}
	return t, nil
}

// GetTenant returns an account by id.
func (id *Identity) GetTenant(ctx context.Context, tenantID string) (*Tenant, error) {
	t, err := id.store.GetTenant(ctx, id.envID, tenantID)
	if err != nil {
		return nil, storeErr(err, "tenant "+tenantID)
	}
	return tenantView(t), nil
}
