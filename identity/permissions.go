package identity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// BuiltinPermissionPrefix starts the keys of the built-in permissions;
// custom permissions may not use it.
const BuiltinPermissionPrefix = "fe."

// assignmentTypes are the classifications of a permission, the first the
// default.
var assignmentTypes = []string{store.AssignmentAssignable, store.AssignmentNever, store.AssignmentAlways}

// permissionViews renders perms with the roles that grant each.
func (id *Identity) permissionViews(ctx context.Context, st store.Store, perms []store.Permission) ([]Permission, error) {
	out := make([]Permission, len(perms))
	if len(perms) == 0 {
		return out, nil
	}
	roles, err := st.ListRoles(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	holders := map[string][]string{}
	for _, r := range roles {
		for _, pid := range r.PermissionIDs {
			holders[pid] = append(holders[pid], r.ID)
		}
	}
	for i := range perms {
		p := &perms[i]
		roleIDs := holders[p.ID]
		if roleIDs == nil {
			roleIDs = []string{}
		}
		out[i] = Permission{
			ID: p.ID, Key: p.Key, Name: p.Name, Description: p.Description, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
			RoleIDs: roleIDs, CategoryID: p.CategoryID, FePermission: p.FePermission,
		}
	}
	return out, nil
}

func (id *Identity) permissionView(ctx context.Context, st store.Store, p *store.Permission) (*Permission, error) {
	vs, err := id.permissionViews(ctx, st, []store.Permission{*p})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// findPermissions returns the permissions of ids, refusing (as an error on
// field) any id that names no permission of the environment.
func (id *Identity) findPermissions(ctx context.Context, st store.Store, field string, ids []string) ([]store.Permission, error) {
	if len(ids) == 0 {
		return []store.Permission{}, nil
	}
	found, err := st.GetPermissionsByIDs(ctx, id.envID, ids)
	if err != nil {
		return nil, err
	}
	for _, pid := range ids {
		if !slices.ContainsFunc(found, func(p store.Permission) bool { return p.ID == pid }) {
			return nil, invalid(field, "permission %q does not exist", pid)
		}
	}
	return found, nil
}

// findRoles returns the roles of ids, refusing (as an error on field) any id
// that names no role of the environment, or, with a tenantID, no role usable
// in that tenant.
func (id *Identity) findRoles(ctx context.Context, st store.Store, field, tenantID string, ids []string) ([]store.Role, error) {
	if len(ids) == 0 {
		return []store.Role{}, nil
	}
	found, err := st.GetRolesByIDs(ctx, id.envID, ids)
	if err != nil {
		return nil, err
	}
	for _, rid := range ids {
		i := slices.IndexFunc(found, func(r store.Role) bool { return r.ID == rid })
		if i < 0 || (tenantID != "" && !usableIn(&found[i], tenantID)) {
			return nil, invalid(field, "role %q does not exist", rid)
		}
	}
	return found, nil
}

// checkPermissionKey accepts a custom permission key: a key (see checkKey)
// outside the built-in prefix, with "*" only as its last character.
func checkPermissionKey(field, key string) error {
	if err := checkKey(field, key); err != nil {
		return err
	}
	if strings.HasPrefix(key, BuiltinPermissionPrefix) {
		return invalid(field, "%s: keys starting with %q are reserved for the built-in permissions", field, BuiltinPermissionPrefix)
	}
	if i := strings.IndexByte(key, '*'); i >= 0 && i != len(key)-1 {
		return invalid(field, "%s may contain \"*\" only as its last character", field)
	}
	return nil
}

// ListPermissions returns every permission of the environment, oldest
// first, with the roles that grant it.
func (id *Identity) ListPermissions(ctx context.Context) ([]Permission, error) {
	perms, err := id.store.ListPermissions(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	return id.permissionViews(ctx, id.store, perms)
}

// CreatePermissionInput is a new permission (AddPermissionRequest). Key and
// Name are required; AssignmentType defaults to ASSIGNABLE.
type CreatePermissionInput struct {
	Key            string `json:"key"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	CategoryID     string `json:"categoryId"`
	AssignmentType string `json:"assignmentType"`
}

func (in *CreatePermissionInput) validate() error {
	if err := checkPermissionKey("key", in.Key); err != nil {
		return err
	}
	if err := checkName("name", &in.Name); err != nil {
		return err
	}
	if err := checkLen("description", in.Description, 1024); err != nil {
		return err
	}
	if in.AssignmentType == "" {
		in.AssignmentType = assignmentTypes[0]
	}
	return oneOf("assignmentType", &in.AssignmentType, assignmentTypes)
}

func permissionKeyConflict(key string) error {
	return conflict("", "a permission with key %q already exists", key)
}

// checkCategory refuses (as an error on field) a category id that names
// no category of the environment.
func (id *Identity) checkCategory(ctx context.Context, st store.Store, field, categoryID string) error {
	if categoryID == "" {
		return nil
	}
	_, err := st.GetPermissionCategory(ctx, id.envID, categoryID)
	if errors.Is(err, store.ErrNotFound) {
		return invalid(field, "category %q does not exist", categoryID)
	}
	return err
}

// CreatePermissions creates custom permissions, all or none. A key already
// used is ErrConflict; keys starting with "fe." are reserved.
func (id *Identity) CreatePermissions(ctx context.Context, ins []CreatePermissionInput) ([]Permission, error) {
	if len(ins) == 0 {
		return nil, invalid("permissions", "at least one permission is required")
	}
	for i := range ins {
		if err := ins[i].validate(); err != nil {
			return nil, itemErr(err, i, len(ins))
		}
	}
	var out []store.Permission
	var views []Permission
	err := id.store.InTx(ctx, func(tx store.Store) error {
		now := id.now()
		for i, in := range ins {
			if err := id.checkCategory(ctx, tx, "categoryId", in.CategoryID); err != nil {
				return itemErr(err, i, len(ins))
			}
			p := store.Permission{
				ID: id.newID(), EnvID: id.envID, Key: in.Key, Name: in.Name, Description: in.Description,
				CategoryID: in.CategoryID, AssignmentType: in.AssignmentType, CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.CreatePermission(ctx, &p); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return permissionKeyConflict(p.Key)
				}
				return err
			}
			out = append(out, p)
		}
		var err error
		views, err = id.permissionViews(ctx, tx, out)
		return err
	})
	if err != nil {
		return nil, err
	}
	return views, nil
}

// UpdatePermissionInput changes a permission (UpdatePermissionRequest); nil
// fields are kept, and an empty CategoryID removes the category.
type UpdatePermissionInput struct {
	Key         *string `json:"key"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	CategoryID  *string `json:"categoryId"`
}

func (in *UpdatePermissionInput) validate() error {
	if in.Key != nil {
		if err := checkPermissionKey("key", *in.Key); err != nil {
			return err
		}
	}
	if in.Name != nil {
		if err := checkName("name", in.Name); err != nil {
			return err
		}
	}
	if in.Description != nil {
		return checkLen("description", *in.Description, 1024)
	}
	return nil
}

func errBuiltinPermission(key string) error {
	return forbidden("", "%s is a built-in permission: it cannot be changed or deleted", key)
}

// getPermission returns permission permID, ErrNotFound when absent.
func (id *Identity) getPermission(ctx context.Context, st store.Store, permID string) (*store.Permission, error) {
	p, err := st.GetPermission(ctx, id.envID, permID)
	return p, storeErr(err, "permission "+permID)
}

// UpdatePermission applies the non-nil fields of in to permission permID.
// Built-in permissions cannot be changed (ErrForbidden).
func (id *Identity) UpdatePermission(ctx context.Context, permID string, in UpdatePermissionInput) (*Permission, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var view *Permission
	err := id.store.InTx(ctx, func(tx store.Store) error {
		p, err := id.getPermission(ctx, tx, permID)
		if err != nil {
			return err
		}
		if p.FePermission {
			return errBuiltinPermission(p.Key)
		}
		if in.CategoryID != nil {
			if err := id.checkCategory(ctx, tx, "categoryId", *in.CategoryID); err != nil {
				return err
			}
		}
		setStr(&p.Key, in.Key)
		setStr(&p.Name, in.Name)
		setStr(&p.Description, in.Description)
		setStr(&p.CategoryID, in.CategoryID)
		p.UpdatedAt = id.now()
		if err := tx.UpdatePermission(ctx, p); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return permissionKeyConflict(p.Key)
			}
			return err
		}
		view, err = id.permissionView(ctx, tx, p)
		return err
	})
	return view, err
}

// DeletePermission deletes custom permission permID and takes it out of
// every role, in one change. Built-in permissions cannot be deleted
// (ErrForbidden).
func (id *Identity) DeletePermission(ctx context.Context, permID string) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		p, err := id.getPermission(ctx, tx, permID)
		if err != nil {
			return err
		}
		if p.FePermission {
			return errBuiltinPermission(p.Key)
		}
		return storeErr(tx.DeletePermission(ctx, id.envID, permID), "permission "+permID)
	})
}

// SetPermissionRoles adds permission permID to each role of roleIDs; the
// roles that had it keep it. An unknown role id is ErrInvalidInput.
func (id *Identity) SetPermissionRoles(ctx context.Context, permID string, roleIDs []string) (*Permission, error) {
	if roleIDs == nil {
		return nil, invalid("roleIds", "roleIds is required")
	}
	if err := checkIDs("roleIds", roleIDs); err != nil {
		return nil, err
	}
	var view *Permission
	err := id.store.InTx(ctx, func(tx store.Store) error {
		p, err := id.getPermission(ctx, tx, permID)
		if err != nil {
			return err
		}
		roles, err := id.findRoles(ctx, tx, "roleIds", "", roleIDs)
		if err != nil {
			return err
		}
		now := id.now()
		for i := range roles {
			r := &roles[i]
			if slices.Contains(r.PermissionIDs, permID) {
				continue
			}
			r.PermissionIDs, r.UpdatedAt = append(r.PermissionIDs, permID), now
			if err := tx.UpdateRole(ctx, r); err != nil {
				return err
			}
		}
		view, err = id.permissionView(ctx, tx, p)
		return err
	})
	return view, err
}

// SetPermissionsClassification sets the assignment type (NEVER, ALWAYS or
// ASSIGNABLE: whether accounts may put the permission in the roles they
// create, and whether it is added to them all) of each permission of
// permIDs, built-in ones included, and returns them.
func (id *Identity) SetPermissionsClassification(ctx context.Context, permIDs []string, assignmentType string) ([]Permission, error) {
	if permIDs == nil {
		return nil, invalid("permissionIds", "permissionIds is required")
	}
	if err := checkIDs("permissionIds", permIDs); err != nil {
		return nil, err
	}
	if assignmentType == "" {
		return nil, invalid("type", "type is required")
	}
	if err := oneOf("type", &assignmentType, assignmentTypes); err != nil {
		return nil, err
	}
	var views []Permission
	err := id.store.InTx(ctx, func(tx store.Store) error {
		perms, err := id.findPermissions(ctx, tx, "permissionIds", permIDs)
		if err != nil {
			return err
		}
		now := id.now()
		for i := range perms {
			p := &perms[i]
			if p.AssignmentType == assignmentType {
				continue
			}
			p.AssignmentType, p.UpdatedAt = assignmentType, now
			if err := tx.UpdatePermission(ctx, p); err != nil {
				return err
			}
		}
		views, err = id.permissionViews(ctx, tx, perms)
		return err
	})
	return views, err
}

// PermissionCategory is a permission category as the API returns it
// (PermissionCategoryResponseDto, with the ids of its permissions).
type PermissionCategory struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	FeCategory    bool      `json:"feCategory"`
	PermissionIDs []string  `json:"permissionIds"`
}

// categoryViews renders cats with the ids of their permissions.
func (id *Identity) categoryViews(ctx context.Context, st store.Store, cats []store.PermissionCategory) ([]PermissionCategory, error) {
	perms, err := st.ListPermissions(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	out := make([]PermissionCategory, len(cats))
	for i := range cats {
		c := &cats[i]
		ids := []string{}
		for _, p := range perms {
			if p.CategoryID == c.ID {
				ids = append(ids, p.ID)
			}
		}
		out[i] = PermissionCategory{ID: c.ID, Name: c.Name, Description: c.Description, CreatedAt: c.CreatedAt,
			UpdatedAt: c.UpdatedAt, FeCategory: c.FeCategory, PermissionIDs: ids}
	}
	return out, nil
}

// ListPermissionCategories returns the environment's permission
// categories, oldest first, each with its permissions' ids.
func (id *Identity) ListPermissionCategories(ctx context.Context) ([]PermissionCategory, error) {
	cats, err := id.store.ListPermissionCategories(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	return id.categoryViews(ctx, id.store, cats)
}

// CreateCategoryInput is a new permission category (CreateCategoryDto). ID
// is generated when empty.
type CreateCategoryInput struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// CreatePermissionCategory creates a category; a taken id is ErrConflict.
// Permissions join it through CreatePermissions and UpdatePermission.
func (id *Identity) CreatePermissionCategory(ctx context.Context, in CreateCategoryInput) (*PermissionCategory, error) {
	if in.ID != "" {
		if err := checkKey("id", in.ID); err != nil {
			return nil, err
		}
	}
	if err := checkName("name", &in.Name); err != nil {
		return nil, err
	}
	if err := checkLen("description", in.Description, 1024); err != nil {
		return nil, err
	}
	now := id.now()
	c := store.PermissionCategory{ID: in.ID, EnvID: id.envID, Name: in.Name, Description: in.Description, CreatedAt: now, UpdatedAt: now}
	if c.ID == "" {
		c.ID = id.newID()
	}
	if err := id.store.CreatePermissionCategory(ctx, &c); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, conflict("", "a category with id %q already exists", c.ID)
		}
		return nil, err
	}
	vs, err := id.categoryViews(ctx, id.store, []store.PermissionCategory{c})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// UpdateCategoryInput changes a category (UpdateCategoryDto); nil fields
// are kept.
type UpdateCategoryInput struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func errBuiltinCategory(name string) error {
	return forbidden("", "%s is a category of the built-in permissions: it cannot be changed or deleted", name)
}

// UpdatePermissionCategory applies the non-nil fields of in to category
// categoryID. The categories of the built-in permissions cannot be changed
// (ErrForbidden).
func (id *Identity) UpdatePermissionCategory(ctx context.Context, categoryID string, in UpdateCategoryInput) (*PermissionCategory, error) {
	if in.Name != nil {
		if err := checkName("name", in.Name); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		if err := checkLen("description", *in.Description, 1024); err != nil {
			return nil, err
		}
	}
	var view *PermissionCategory
	err := id.store.InTx(ctx, func(tx store.Store) error {
		c, err := tx.GetPermissionCategory(ctx, id.envID, categoryID)
		if err != nil {
			return storeErr(err, "category "+categoryID)
		}
		if c.FeCategory {
			return errBuiltinCategory(c.Name)
		}
		setStr(&c.Name, in.Name)
		setStr(&c.Description, in.Description)
		c.UpdatedAt = id.now()
		if err := tx.UpdatePermissionCategory(ctx, c); err != nil {
			return err
		}
		vs, err := id.categoryViews(ctx, tx, []store.PermissionCategory{*c})
		if err == nil {
			view = &vs[0]
		}
		return err
	})
	return view, err
}

// DeletePermissionCategory deletes category categoryID; its permissions
// stay, without a category. The categories of the built-in permissions
// cannot be deleted (ErrForbidden).
func (id *Identity) DeletePermissionCategory(ctx context.Context, categoryID string) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		c, err := tx.GetPermissionCategory(ctx, id.envID, categoryID)
		if err != nil {
			return storeErr(err, "category "+categoryID)
		}
		if c.FeCategory {
			return errBuiltinCategory(c.Name)
		}
		return tx.DeletePermissionCategory(ctx, id.envID, categoryID)
	})
}
