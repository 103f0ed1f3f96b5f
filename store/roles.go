package store

import (
	"context"
	"time"
)

// Role is a named set of permissions given to users per tenant (through
// Membership.RoleIDs). A role with an empty TenantID is environment-wide:
// every tenant may use it; a role with a TenantID exists only in that tenant.
// Key is unique per (EnvID, TenantID).
type Role struct {
	ID          string
	EnvID       string
	TenantID    string // "" for an environment-wide role
	Key         string
	Name        string
	Description string
	// Level orders roles for elevation: a lower level is a stronger role.
	Level int
	// IsDefault roles are given to new users of a tenant that are added
	// without explicit roles; FirstUserRole roles to the first user of a
	// tenant instead.
	IsDefault     bool
	FirstUserRole bool
	// PermissionIDs are the ids of the permissions the role grants. Stores
	// return them sorted ascending and without duplicates.
	PermissionIDs []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Permission assignment types (classification for self-service roles).
const (
	// AssignmentNever: tenants may not put the permission in their roles.
	AssignmentNever = "NEVER"
	// AssignmentAlways: every role a tenant creates gets the permission.
	AssignmentAlways = "ALWAYS"
	// AssignmentAssignable: tenants may choose the permission for their
	// roles.
	AssignmentAssignable = "ASSIGNABLE"
)

// Permission is one thing a user may do, named by Key (unique per
// environment), the string access tokens carry. A key ending in "*" is a
// wildcard that covers every key it prefixes.
type Permission struct {
	ID          string
	EnvID       string
	Key         string
	Name        string
	Description string
	// CategoryID names the PermissionCategory of the same environment the
	// permission is filed under; "" for none.
	CategoryID string
	// FePermission marks the built-in fe.* permissions.
	FePermission bool
	// AssignmentType is one of the Assignment* constants.
	AssignmentType string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// PermissionCategory groups permissions for display.
type PermissionCategory struct {
	ID          string
	EnvID       string
	Name        string
	Description string
	// FeCategory marks the categories of the built-in permissions.
	FeCategory bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// RoleStore keeps roles and their permission links.
type RoleStore interface {
	// CreateRole inserts r. ErrConflict if r.ID exists (in any
	// environment) or r.Key is taken in (r.EnvID, r.TenantID); ErrNotFound
	// if one of r.PermissionIDs is not a permission of r.EnvID.
	CreateRole(ctx context.Context, r *Role) error
	// GetRole returns role id of envID.
	GetRole(ctx context.Context, envID, id string) (*Role, error)
	// ListRoles returns every role of envID (environment-wide and
	// tenant-scoped), oldest first.
	ListRoles(ctx context.Context, envID string) ([]Role, error)
	// GetRolesByIDs returns the roles of envID whose ids are in ids, oldest
	// first; ids that name no role of envID are skipped.
	GetRolesByIDs(ctx context.Context, envID string, ids []string) ([]Role, error)
	// GetRolesWithPermissions is GetRolesByIDs together with the
	// permissions those roles grant (oldest first, each once), in one
	// read: what a user's authorization is computed from.
	GetRolesWithPermissions(ctx context.Context, envID string, ids []string) ([]Role, []Permission, error)
	// UpdateRole replaces the stored role (matched by ID and EnvID),
	// permission links included. ErrNotFound if it is absent or one of
	// r.PermissionIDs is not a permission of r.EnvID; ErrConflict if r.Key
	// is taken by another role in (r.EnvID, r.TenantID).
	UpdateRole(ctx context.Context, r *Role) error
	// DeleteRole removes the role, its permission links and its id from
	// every membership's and every group's RoleIDs, all together;
	// ErrNotFound if absent.
	DeleteRole(ctx context.Context, envID, id string) error
	// ListRoleMemberships returns the memberships of envID whose RoleIDs
	// hold roleID, oldest first.
	ListRoleMemberships(ctx context.Context, envID, roleID string) ([]Membership, error)
}

// PermissionStore keeps permissions.
type PermissionStore interface {
	// CreatePermission inserts p. ErrConflict if p.ID exists (in any
	// environment) or p.Key is taken in p.EnvID; ErrNotFound if
	// p.CategoryID is set and names no category of p.EnvID.
	CreatePermission(ctx context.Context, p *Permission) error
	// GetPermission returns permission id of envID.
	GetPermission(ctx context.Context, envID, id string) (*Permission, error)
	// ListPermissions returns the permissions of envID, oldest first.
	ListPermissions(ctx context.Context, envID string) ([]Permission, error)
	// GetPermissionsByIDs returns the permissions of envID whose ids are in
	// ids, oldest first; ids that name no permission of envID are skipped.
	GetPermissionsByIDs(ctx context.Context, envID string, ids []string) ([]Permission, error)
	// UpdatePermission replaces the stored permission (matched by ID and
	// EnvID). ErrNotFound if it is absent or p.CategoryID names no category
	// of p.EnvID; ErrConflict if p.Key is taken by another permission.
	UpdatePermission(ctx context.Context, p *Permission) error
	// DeletePermission removes the permission and takes it out of every
	// role, together; ErrNotFound if absent.
	DeletePermission(ctx context.Context, envID, id string) error
}

// PermissionCategoryStore keeps permission categories.
type PermissionCategoryStore interface {
	// CreatePermissionCategory inserts c; ErrConflict if c.ID exists (in
	// any environment).
	CreatePermissionCategory(ctx context.Context, c *PermissionCategory) error
	// GetPermissionCategory returns category id of envID.
	GetPermissionCategory(ctx context.Context, envID, id string) (*PermissionCategory, error)
	// ListPermissionCategories returns the categories of envID, oldest
	// first.
	ListPermissionCategories(ctx context.Context, envID string) ([]PermissionCategory, error)
	// UpdatePermissionCategory replaces the stored category (matched by ID
	// and EnvID); ErrNotFound if absent.
	UpdatePermissionCategory(ctx context.Context, c *PermissionCategory) error
	// DeletePermissionCategory removes the category; its permissions stay,
	// with no category (CategoryID ""), in the same change. ErrNotFound if
	// absent.
	DeletePermissionCategory(ctx context.Context, envID, id string) error
}
