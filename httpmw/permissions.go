package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var permissionRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/permissions/v1", OperationID: "PermissionsControllerV1_getAllPermissions", Auth: Vendor, handle: listPermissions},
	{Method: http.MethodPost, Path: "/resources/permissions/v1", OperationID: "PermissionsControllerV1_addPermissions", Auth: Vendor, Status: http.StatusCreated, handle: createPermissions},
	{Method: http.MethodDelete, Path: "/resources/permissions/v1/{permissionId}", OperationID: "PermissionsControllerV1_deletePermission", Auth: Vendor, Status: http.StatusNoContent, handle: deletePermission},
	{Method: http.MethodPatch, Path: "/resources/permissions/v1/{permissionId}", OperationID: "PermissionsControllerV1_updatePermission", Auth: Vendor, handle: updatePermission},
	{Method: http.MethodPut, Path: "/resources/permissions/v1/{permissionId}/roles", OperationID: "PermissionsControllerV1_setRolesToPermission", Auth: Vendor, handle: setPermissionRoles},
	{Method: http.MethodPut, Path: "/resources/permissions/v1/classification", OperationID: "PermissionsControllerV1_updatePermissionsAssignmentType", Auth: Vendor, handle: classifyPermissions},

	// Permission categories.
	{Method: http.MethodGet, Path: "/resources/permissions/v1/categories", OperationID: "PermissionsCategoriesController_getAllCategoriesWithPermissions", Auth: Vendor, handle: listPermissionCategories},
	{Method: http.MethodPost, Path: "/resources/permissions/v1/categories", OperationID: "PermissionsCategoriesController_createPermissionCategory", Auth: Vendor, Status: http.StatusCreated, handle: createPermissionCategory},
	{Method: http.MethodPatch, Path: "/resources/permissions/v1/categories/{categoryId}", OperationID: "PermissionsCategoriesController_updateCategory", Auth: Vendor, handle: updatePermissionCategory},
	{Method: http.MethodDelete, Path: "/resources/permissions/v1/categories/{categoryId}", OperationID: "PermissionsCategoriesController_deleteCategory", Auth: Vendor, handle: deletePermissionCategory},
}

func listPermissions(c *call) (any, error) { return c.id().ListPermissions(c.ctx()) }

func createPermissions(c *call) (any, error) {
	var in []identity.CreatePermissionInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreatePermissions(c.ctx(), in)
}

func deletePermission(c *call) (any, error) {
	return nil, c.id().DeletePermission(c.ctx(), c.param("permissionId"))
}

func updatePermission(c *call) (any, error) {
	var in identity.UpdatePermissionInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdatePermission(c.ctx(), c.param("permissionId"), in)
}

func setPermissionRoles(c *call) (any, error) {
	var in struct {
		RoleIDs []string `json:"roleIds"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetPermissionRoles(c.ctx(), c.param("permissionId"), in.RoleIDs)
}

// classifyPermissions answers with every permission it classified.
func classifyPermissions(c *call) (any, error) {
	var in struct {
		PermissionIDs []string `json:"permissionIds"`
		Type          string   `json:"type"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetPermissionsClassification(c.ctx(), in.PermissionIDs, in.Type)
}

func listPermissionCategories(c *call) (any, error) { return c.id().ListPermissionCategories(c.ctx()) }

func createPermissionCategory(c *call) (any, error) {
	var in identity.CreateCategoryInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreatePermissionCategory(c.ctx(), in)
}

func updatePermissionCategory(c *call) (any, error) {
	var in identity.UpdateCategoryInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdatePermissionCategory(c.ctx(), c.param("categoryId"), in)
}

func deletePermissionCategory(c *call) (any, error) {
	return nil, c.id().DeletePermissionCategory(c.ctx(), c.param("categoryId"))
}
