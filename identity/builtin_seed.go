package identity

import (
	"context"
	"errors"

	"github.com/yolkauth/yolk/store"
)

// builtinRolesSetting records that an environment received the built-in
// roles, so that a vendor who deleted or changed them does not get them
// back on the next start.
const builtinRolesSetting = "builtin-roles-seeded"

// seedBuiltins gives the environment, in tx, whatever it lacks of the
// built-in permission categories and permissions, and, once in its life,
// the built-in roles. It is idempotent: EnsureEnvironment runs it on every
// start, so environments created by earlier releases catch up.
func (id *Identity) seedBuiltins(ctx context.Context, tx store.Store) error {
	now := id.now()
	cats, err := tx.ListPermissionCategories(ctx, id.envID)
	if err != nil {
		return err
	}
	catByName := map[string]string{}
	for _, c := range cats {
		if c.FeCategory {
			catByName[c.Name] = c.ID
		}
	}
	perms, err := tx.ListPermissions(ctx, id.envID)
	if err != nil {
		return err
	}
	permByKey := map[string]string{}
	for _, p := range perms {
		permByKey[p.Key] = p.ID
	}
	for _, b := range BuiltinPermissions {
		if _, ok := permByKey[b.Key]; ok {
			continue
		}
		catID, ok := catByName[b.Category]
		if !ok {
			c := &store.PermissionCategory{ID: id.newID(), EnvID: id.envID, Name: b.Category, FeCategory: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreatePermissionCategory(ctx, c); err != nil {
				return err
			}
			catID, catByName[b.Category] = c.ID, c.ID
		}
		p := &store.Permission{
			ID: id.newID(), EnvID: id.envID, Key: b.Key, Name: b.Name, Description: b.Description, CategoryID: catID,
			FePermission: true, AssignmentType: store.AssignmentAssignable, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.CreatePermission(ctx, p); err != nil {
			return err
		}
		permByKey[b.Key] = p.ID
	}

	if _, err := tx.GetSetting(ctx, id.envID, "", builtinRolesSetting); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	roles, err := tx.ListRoles(ctx, id.envID)
	if err != nil {
		return err
	}
	for _, b := range BuiltinRoles {
		r := &store.Role{
			ID: id.newID(), EnvID: id.envID, Key: b.Key, Name: b.Name, Description: b.Description, Level: b.Level,
			IsDefault: b.IsDefault, FirstUserRole: b.FirstUserRole, PermissionIDs: []string{}, CreatedAt: now, UpdatedAt: now,
		}
		if keyTaken(roles, r) {
			continue
		}
		for _, k := range b.Permissions {
			r.PermissionIDs = append(r.PermissionIDs, permByKey[k])
		}
		if err := tx.CreateRole(ctx, r); err != nil {
			return err
		}
	}
	return saveSetting(ctx, id, tx, "", builtinRolesSetting, map[string]int{"version": 1})
}
