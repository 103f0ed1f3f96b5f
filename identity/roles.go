package identity

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/yolkauth/yolk/store"
)

// MaxRoleLevel is the weakest role level the API accepts. Levels run from
// 0, the strongest, to MaxRoleLevel.
const MaxRoleLevel = 32767

// Permission keys the account-roles and user-roles operations require of a
// user principal (the environment token holds every permission).
const (
	PermReadRoles        = "fe.secure.read.roles"
	PermWriteRoles       = "fe.secure.write.roles"
	PermWriteUsersRoles  = "fe.secure.write.usersRoles"
	PermDeleteUsersRoles = "fe.secure.delete.usersRoles"
)

func (id *Identity) roleView(r *store.Role) Role {
	return Role{
		ID: r.ID, VendorID: r.EnvID, TenantID: r.TenantID, Key: r.Key, Name: r.Name, Description: r.Description,
		IsDefault: r.IsDefault, FirstUserRole: r.FirstUserRole, Level: r.Level,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Permissions: slices.Clone(r.PermissionIDs),
	}
}

func (id *Identity) roleViews(rs []store.Role) []Role {
	out := make([]Role, len(rs))
	for i := range rs {
		out[i] = id.roleView(&rs[i])
	}
	return out
}

// checkKey accepts a role or permission key: 1 to 255 characters, no
// white space or control characters.
func checkKey(field, key string) error {
	if key == "" {
		return invalid(field, "%s is required", field)
	}
	if err := checkLen(field, key, 255); err != nil {
		return err
	}
	if strings.IndexFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return invalid(field, "%s must not contain spaces or control characters", field)
	}
	return nil
}

// checkName accepts a display name: 1 to 255 characters once trimmed.
func checkName(field string, name *string) error {
	*name = strings.TrimSpace(*name)
	if *name == "" {
		return invalid(field, "%s is required", field)
	}
	return checkLen(field, *name, 255)
}

func checkLevel(field string, level int) error {
	if level < 0 || level > MaxRoleLevel {
		return invalid(field, "%s must be between 0 and %d", field, MaxRoleLevel)
	}
	return nil
}

// checkIDs refuses empty ids in a list of references.
func checkIDs(field string, ids []string) error {
	for _, v := range ids {
		if strings.TrimSpace(v) == "" {
			return invalid(field, "%s must not contain empty ids", field)
		}
	}
	return nil
}

// itemErr prefixes an input error with the position of the item in a
// batch, keeping its field.
func itemErr(err error, i, n int) error {
	var ie *Error
	if n > 1 && errors.As(err, &ie) && errors.Is(err, ErrInvalidInput) {
		c := *ie
		c.Message = fmt.Sprintf("item %d: %s", i, ie.Message)
		return &c
	}
	return err
}

// keyTaken reports whether a role other than r whose scope overlaps r's
// (environment-wide roles overlap every tenant) already has r's key, so that
// no tenant ever sees two roles with one key.
func keyTaken(roles []store.Role, r *store.Role) bool {
	for i := range roles {
		o := &roles[i]
		if o.ID == r.ID || o.Key != r.Key {
			continue
		}
		if o.TenantID == "" || r.TenantID == "" || o.TenantID == r.TenantID {
			return true
		}
	}
	return false
}

func roleKeyConflict(key string) error {
	return conflict("", "a role with key %q already exists", key)
}

// getRoleIn returns role roleID; with a tenantID, the role must be usable
// in that tenant (environment-wide or its own).
func (id *Identity) getRoleIn(ctx context.Context, st store.Store, tenantID, roleID string) (*store.Role, error) {
	r, err := st.GetRole(ctx, id.envID, roleID)
	if err != nil {
		return nil, storeErr(err, "role "+roleID)
	}
	if tenantID != "" && !usableIn(r, tenantID) {
		return nil, notFound("role %s not found", roleID)
	}
	return r, nil
}

// checkTenant returns ErrNotFound unless tenantID (when set) exists.
func (id *Identity) checkTenant(ctx context.Context, st store.Store, tenantID string) error {
	if tenantID == "" {
		return nil
	}
	_, err := st.GetTenant(ctx, id.envID, tenantID)
	return storeErr(err, "tenant "+tenantID)
}

// ListRoles returns the roles of the environment, oldest first: every role
// (environment-wide and each tenant's) when tenantID is empty, else the
// roles usable in that tenant.
func (id *Identity) ListRoles(ctx context.Context, tenantID string) ([]Role, error) {
	if err := id.checkTenant(ctx, id.store, tenantID); err != nil {
		return nil, err
	}
	rs, err := id.store.ListRoles(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	if tenantID != "" {
		rs = slices.DeleteFunc(rs, func(r store.Role) bool { return !usableIn(&r, tenantID) })
	}
	return id.roleViews(rs), nil
}

// CreateRoleInput is a new role (AddRoleRequest). Key, Name and Level are
// required.
type CreateRoleInput struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// IsDefault roles are given to users added without explicit roles.
	IsDefault bool `json:"isDefault"`
	// MigrateRole, with IsDefault, also gives the role to every existing
	// user (of the role's tenant, for a tenant role).
	MigrateRole bool `json:"migrateRole"`
	// FirstUserRole roles are given to the first user of a tenant.
	FirstUserRole bool `json:"firstUserRole"`
	Level         *int `json:"level"`
}

func (in *CreateRoleInput) validate() error {
	if err := checkKey("key", in.Key); err != nil {
		return err
	}
	if err := checkName("name", &in.Name); err != nil {
		return err
	}
	if err := checkLen("description", in.Description, 1024); err != nil {
		return err
	}
	if in.Level == nil {
		return invalid("level", "level is required")
	}
	return checkLevel("level", *in.Level)
}

// CreateRoles creates roles without permissions (assign them with
// SetRolePermissions): environment-wide roles, or roles of tenantID when it
// is set. All are created or none; a key already used in an overlapping
// scope is ErrConflict.
func (id *Identity) CreateRoles(ctx context.Context, tenantID string, ins []CreateRoleInput) ([]Role, error) {
	if len(ins) == 0 {
		return nil, invalid("roles", "at least one role is required")
	}
	for i := range ins {
		if err := ins[i].validate(); err != nil {
			return nil, itemErr(err, i, len(ins))
		}
	}
	var out []store.Role
	err := id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		existing, err := tx.ListRoles(ctx, id.envID)
		if err != nil {
			return err
		}
		now := id.now()
		for _, in := range ins {
			r := store.Role{
				ID: id.newID(), EnvID: id.envID, TenantID: tenantID, Key: in.Key, Name: in.Name,
				Description: in.Description, Level: *in.Level, IsDefault: in.IsDefault, FirstUserRole: in.FirstUserRole,
				PermissionIDs: []string{}, CreatedAt: now, UpdatedAt: now,
			}
			if keyTaken(existing, &r) {
				return roleKeyConflict(r.Key)
			}
			if err := tx.CreateRole(ctx, &r); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return roleKeyConflict(r.Key)
				}
				return err
			}
			if in.IsDefault && in.MigrateRole {
				if err := id.giveRoleToAll(ctx, tx, &r); err != nil {
					return err
				}
			}
			existing = append(existing, r)
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return id.roleViews(out), nil
}

// giveRoleToAll adds role r to every membership it is usable in.
func (id *Identity) giveRoleToAll(ctx context.Context, tx store.Store, r *store.Role) error {
	tenants := []string{r.TenantID}
	if r.TenantID == "" {
		ts, err := tx.ListTenants(ctx, id.envID)
		if err != nil {
			return err
		}
		tenants = tenants[:0]
		for _, t := range ts {
			tenants = append(tenants, t.ID)
		}
	}
	now := id.now()
	for _, t := range tenants {
		ms, err := tx.ListTenantMemberships(ctx, t)
		if err != nil {
			return err
		}
		for i := range ms {
			m := &ms[i]
			if slices.Contains(m.RoleIDs, r.ID) {
				continue
			}
			m.RoleIDs, m.UpdatedAt = append(m.RoleIDs, r.ID), now
			if err := tx.PutMembership(ctx, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateRoleInput changes a role (UpdateRoleRequest); nil fields are kept.
type UpdateRoleInput struct {
	Key           *string `json:"key"`
	Name          *string `json:"name"`
	Description   *string `json:"description"`
	IsDefault     *bool   `json:"isDefault"`
	FirstUserRole *bool   `json:"firstUserRole"`
	// MigrateRole, with IsDefault true, gives the role to every existing
	// user it is usable for.
	MigrateRole *bool `json:"migrateRole"`
	Level       *int  `json:"level"`
}

func (in *UpdateRoleInput) validate() error {
	if in.Key != nil {
		if err := checkKey("key", *in.Key); err != nil {
			return err
		}
	}
	if in.Name != nil {
		if err := checkName("name", in.Name); err != nil {
			return err
		}
	}
	if in.Description != nil {
		if err := checkLen("description", *in.Description, 1024); err != nil {
			return err
		}
	}
	if in.Level != nil {
		return checkLevel("level", *in.Level)
	}
	return nil
}

// UpdateRole applies the non-nil fields of in to role roleID. With a
// tenantID the role must be usable in that tenant. Permissions are changed
// with SetRolePermissions.
func (id *Identity) UpdateRole(ctx context.Context, tenantID, roleID string, in UpdateRoleInput) (*Role, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var r *store.Role
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if r, err = id.getRoleIn(ctx, tx, tenantID, roleID); err != nil {
			return err
		}
		setStr(&r.Key, in.Key)
		setStr(&r.Name, in.Name)
		setStr(&r.Description, in.Description)
		setBool(&r.IsDefault, in.IsDefault)
		setBool(&r.FirstUserRole, in.FirstUserRole)
		setInt(&r.Level, in.Level)
		r.UpdatedAt = id.now()
		if in.Key != nil {
			if err := id.checkRoleKey(ctx, tx, r); err != nil {
				return err
			}
		}
		if err := tx.UpdateRole(ctx, r); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return roleKeyConflict(r.Key)
			}
			return storeErr(err, "role "+roleID)
		}
		if r.IsDefault && in.MigrateRole != nil && *in.MigrateRole {
			return id.giveRoleToAll(ctx, tx, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v := id.roleView(r)
	return &v, nil
}

// checkRoleKey refuses r's key when a role of an overlapping scope has it.
func (id *Identity) checkRoleKey(ctx context.Context, tx store.Store, r *store.Role) error {
	all, err := tx.ListRoles(ctx, id.envID)
	if err != nil {
		return err
	}
	if keyTaken(all, r) {
		return roleKeyConflict(r.Key)
	}
	return nil
}

// DeleteRole deletes role roleID (usable in tenantID, when set): the
// store's DeleteRole takes it from every membership holding it and drops its
// permission links, in the same change.
func (id *Identity) DeleteRole(ctx context.Context, tenantID, roleID string) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := id.getRoleIn(ctx, tx, tenantID, roleID); err != nil {
			return err
		}
		return storeErr(tx.DeleteRole(ctx, id.envID, roleID), "role "+roleID)
	})
}

// SetRolePermissions replaces the permissions of role roleID (usable in
// tenantID, when set) with permissionIDs. An unknown permission id is
// ErrInvalidInput; nil permissionIDs is refused (pass an empty slice to
// remove every permission).
func (id *Identity) SetRolePermissions(ctx context.Context, tenantID, roleID string, permissionIDs []string) (*Role, error) {
	if permissionIDs == nil {
		return nil, invalid("permissionIds", "permissionIds is required")
	}
	if err := checkIDs("permissionIds", permissionIDs); err != nil {
		return nil, err
	}
	var r *store.Role
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if r, err = id.getRoleIn(ctx, tx, tenantID, roleID); err != nil {
			return err
		}
		if _, err := id.findPermissions(ctx, tx, "permissionIds", permissionIDs); err != nil {
			return err
		}
		r.PermissionIDs, r.UpdatedAt = permissionIDs, id.now()
		if err := tx.UpdateRole(ctx, r); err != nil {
			return storeErr(err, "role "+roleID)
		}
		r, err = tx.GetRole(ctx, id.envID, roleID)
		return err
	})
	if err != nil {
		return nil, err
	}
	v := id.roleView(r)
	return &v, nil
}

// SetRoleTenant moves role roleID to tenantID, or makes it
// environment-wide when tenantID is empty. Moving it into a tenant takes it
// from the users of every other tenant, in the same change.
func (id *Identity) SetRoleTenant(ctx context.Context, roleID, tenantID string) (*Role, error) {
	tenantID = strings.TrimSpace(tenantID)
	var r *store.Role
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if r, err = id.getRoleIn(ctx, tx, "", roleID); err != nil {
			return err
		}
		if err := id.checkTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		r.TenantID, r.UpdatedAt = tenantID, id.now()
		if err := id.checkRoleKey(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.UpdateRole(ctx, r); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return roleKeyConflict(r.Key)
			}
			return err
		}
		if tenantID == "" {
			return nil
		}
		holders, err := tx.ListRoleMemberships(ctx, id.envID, roleID)
		if err != nil {
			return err
		}
		for i := range holders {
			m := &holders[i]
			if m.TenantID == tenantID {
				continue
			}
			m.RoleIDs = slices.DeleteFunc(m.RoleIDs, func(v string) bool { return v == roleID })
			m.UpdatedAt = r.UpdatedAt
			if err := tx.PutMembership(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v := id.roleView(r)
	return &v, nil
}

// RoleQuery is a self-service role listing: paging and sorting (SortBy one
// of createdAt, key, name, description, isDefault, firstUserRole, level,
// updatedAt, permissions, userTenants), the levels and tenants to keep, and
// a case-insensitive text filter on key, name and description.
type RoleQuery struct {
	Page      PageQuery
	Levels    []int
	TenantIDs []string
	Filter    string
}

var roleSortFields = []string{"createdAt", "key", "name", "description", "isDefault", "firstUserRole", "level", "updatedAt", "permissions", "userTenants"}

// rolesScope returns the roles a principal may see with the account-roles
// routes: a user holding fe.secure.read.roles (or the environment naming a
// tenant) sees the roles usable in its tenant; the environment without a
// tenant sees every role.
func (id *Identity) rolesScope(ctx context.Context, p *Principal) (tenantID string, roles []store.Role, err error) {
	if p == nil {
		return "", nil, unauthorized("", "authentication required")
	}
	if !p.Vendor || p.TenantID != "" {
		if tenantID, err = id.actingTenant(ctx, p, PermReadRoles); err != nil {
			return "", nil, err
		}
		if err := id.checkTenant(ctx, id.store, tenantID); err != nil {
			return "", nil, err
		}
	}
	roles, err = id.store.ListRoles(ctx, id.envID)
	if err != nil {
		return "", nil, err
	}
	if tenantID != "" {
		roles = slices.DeleteFunc(roles, func(r store.Role) bool { return !usableIn(&r, tenantID) })
	}
	return tenantID, roles, nil
}

// ListTenantRoles lists, a page at a time, the roles usable in the
// principal's tenant (GET roles/v2); a user principal needs
// fe.secure.read.roles.
func (id *Identity) ListTenantRoles(ctx context.Context, p *Principal, q RoleQuery) (*Page[Role], error) {
	pq, err := q.Page.normalize(roleSortFields...)
	if err != nil {
		return nil, err
	}
	tenantID, roles, err := id.rolesScope(ctx, p)
	if err != nil {
		return nil, err
	}
	filter := strings.ToLower(strings.TrimSpace(q.Filter))
	roles = slices.DeleteFunc(roles, func(r store.Role) bool {
		if len(q.Levels) > 0 && !slices.Contains(q.Levels, r.Level) {
			return true
		}
		if len(q.TenantIDs) > 0 && !slices.Contains(q.TenantIDs, r.TenantID) {
			return true
		}
		return filter != "" && !strings.Contains(strings.ToLower(r.Key+"\x00"+r.Name+"\x00"+r.Description), filter)
	})
	var holders map[string]int
	if pq.SortBy == "userTenants" {
		if holders, err = id.countHolders(ctx, roles, tenantID); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(roles, func(a, b store.Role) int {
		c := compareRoles(&a, &b, pq.SortBy, holders)
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if pq.Order == "DESC" {
			return -c
		}
		return c
	})
	return pageOf(id.roleViews(roles), pq), nil
}

// countHolders counts, per role, the memberships holding it (in tenantID
// only, when set).
func (id *Identity) countHolders(ctx context.Context, roles []store.Role, tenantID string) (map[string]int, error) {
	out := make(map[string]int, len(roles))
	for _, r := range roles {
		ms, err := id.store.ListRoleMemberships(ctx, id.envID, r.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if tenantID == "" || m.TenantID == tenantID {
				out[r.ID]++
			}
		}
	}
	return out, nil
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func compareRoles(a, b *store.Role, by string, holders map[string]int) int {
	switch by {
	case "key":
		return cmp.Compare(a.Key, b.Key)
	case "name":
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	case "description":
		return cmp.Compare(strings.ToLower(a.Description), strings.ToLower(b.Description))
	case "isDefault":
		return compareBool(a.IsDefault, b.IsDefault)
	case "firstUserRole":
		return compareBool(a.FirstUserRole, b.FirstUserRole)
	case "level":
		return cmp.Compare(a.Level, b.Level)
	case "updatedAt":
		return a.UpdatedAt.Compare(b.UpdatedAt)
	case "permissions":
		return cmp.Compare(len(a.PermissionIDs), len(b.PermissionIDs))
	case "userTenants":
		return cmp.Compare(holders[a.ID], holders[b.ID])
	}
	return a.CreatedAt.Compare(b.CreatedAt)
}

// CreateTenantRoleInput is a role an account creates for itself
// (AddRoleWithPermissionsRequest). The role gets the level of BaseRoleID.
type CreateTenantRoleInput struct {
	Key           string   `json:"key"`
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	IsDefault     bool     `json:"isDefault"`
	BaseRoleID    string   `json:"baseRoleId"`
	PermissionIDs []string `json:"permissionIds"`
}

func (in *CreateTenantRoleInput) validate() error {
	if err := checkKey("key", in.Key); err != nil {
		return err
	}
	if err := checkName("name", &in.Name); err != nil {
		return err
	}
	if err := checkLen("description", in.Description, 1024); err != nil {
		return err
	}
	if in.BaseRoleID == "" {
		return invalid("baseRoleId", "baseRoleId is required")
	}
	if in.PermissionIDs == nil {
		return invalid("permissionIds", "permissionIds is required")
	}
	return checkIDs("permissionIds", in.PermissionIDs)
}

// CreateTenantRole creates a role of the principal's tenant (POST
// roles/v2); a user principal needs fe.secure.write.roles. Its level is the base role's, which must be usable in the
// tenant and no stronger than the caller's strongest role. Its permissions
// are permissionIds, each classified NEVER refused and each one the caller
// does not hold itself refused, plus every permission classified ALWAYS.
func (id *Identity) CreateTenantRole(ctx context.Context, p *Principal, in CreateTenantRoleInput) (*Role, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	tenantID, err := id.actingTenant(ctx, p, PermWriteRoles)
	if err != nil {
		return nil, err
	}
	var r store.Role
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		base, err := tx.GetRole(ctx, id.envID, in.BaseRoleID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !usableIn(base, tenantID)) {
			return invalid("baseRoleId", "role %q does not exist", in.BaseRoleID)
		}
		if err != nil {
			return err
		}
		level, limited, err := id.callerLevel(ctx, tx, p, tenantID)
		if err != nil {
			return err
		}
		if limited && base.Level < level {
			return forbidden("", "the base role %s is stronger than your own roles", base.Key)
		}
		chosen, err := id.findPermissions(ctx, tx, "permissionIds", in.PermissionIDs)
		if err != nil {
			return err
		}
		permIDs := []string{}
		for _, perm := range chosen {
			switch {
			case perm.AssignmentType == store.AssignmentNever:
				return invalid("permissionIds", "permission %s cannot be given to account roles", perm.Key)
			case !Can(p, perm.Key):
				return forbidden("", "you cannot grant permission %s, which you do not hold", perm.Key)
			}
			permIDs = append(permIDs, perm.ID)
		}
		all, err := tx.ListPermissions(ctx, id.envID)
		if err != nil {
			return err
		}
		for _, perm := range all {
			if perm.AssignmentType == store.AssignmentAlways {
				permIDs = append(permIDs, perm.ID)
			}
		}
		now := id.now()
		r = store.Role{
			ID: id.newID(), EnvID: id.envID, TenantID: tenantID, Key: in.Key, Name: in.Name, Description: in.Description,
			Level: base.Level, IsDefault: in.IsDefault, PermissionIDs: permIDs, CreatedAt: now, UpdatedAt: now,
		}
		if err := id.checkRoleKey(ctx, tx, &r); err != nil {
			return err
		}
		if err := tx.CreateRole(ctx, &r); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return roleKeyConflict(r.Key)
			}
			return err
		}
		created, err := tx.GetRole(ctx, id.envID, r.ID)
		if err == nil {
			r = *created
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	v := id.roleView(&r)
	return &v, nil
}

// DistinctRoleLevels returns, ascending, the levels of the roles the
// principal sees with the account-roles routes.
func (id *Identity) DistinctRoleLevels(ctx context.Context, p *Principal) ([]int, error) {
	_, roles, err := id.rolesScope(ctx, p)
	if err != nil {
		return nil, err
	}
	levels := make([]int, 0, len(roles))
	for _, r := range roles {
		levels = append(levels, r.Level)
	}
	slices.Sort(levels)
	return slices.Compact(levels), nil
}

// DistinctRoleTenants returns, sorted, the ids of the tenants that have
// roles of their own.
func (id *Identity) DistinctRoleTenants(ctx context.Context) ([]string, error) {
	roles, err := id.store.ListRoles(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, r := range roles {
		if r.TenantID != "" {
			out = append(out, r.TenantID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
