package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var userRoleRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/roles", OperationID: "UsersControllerV1_addRolesToUser", Auth: User, Perm: identity.PermWriteUsersRoles, Status: http.StatusCreated, handle: assignUserRoles},
	{Method: http.MethodDelete, Path: "/resources/users/v1/{userId}/roles", OperationID: "UsersControllerV1_deleteRolesFromUser", Auth: User, Perm: identity.PermDeleteUsersRoles, handle: unassignUserRoles},
	{Method: http.MethodGet, Path: "/resources/users/v3/roles", OperationID: "UsersControllerV3_getUsersRoles", Auth: User, Perm: identity.PermReadUsers, handle: listUsersRoles},
	{Method: http.MethodPatch, Path: "/resources/vendor-only/users/v1/{userId}/roles/bulk", OperationID: "VendorOnlyUsers_bulkUpdateRolesAcrossAllTenants", Auth: Vendor, handle: bulkUpdateUserRoles},
	{Method: http.MethodGet, Path: "/resources/vendor-only/users/v1/bulk-roles/status/{taskId}", OperationID: "VendorOnlyUsers_getBulkRolesTaskStatus", Auth: Vendor, handle: getBulkRolesTask},
}

func decodeRoleIDs(c *call) ([]string, error) {
	var in struct {
		RoleIDs []string `json:"roleIds"`
	}
	err := c.decode(&in)
	return in.RoleIDs, err
}

func assignUserRoles(c *call) (any, error) {
	ids, err := decodeRoleIDs(c)
	if err != nil {
		return nil, err
	}
	return c.id().AssignUserRoles(c.ctx(), c.principal, c.param("userId"), ids)
}

func unassignUserRoles(c *call) (any, error) {
	ids, err := decodeRoleIDs(c)
	if err != nil {
		return nil, err
	}
	return c.id().UnassignUserRoles(c.ctx(), c.principal, c.param("userId"), ids)
}

func listUsersRoles(c *call) (any, error) {
	return c.id().ListUsersRoles(c.ctx(), c.principal, c.queryList("ids"))
}

func bulkUpdateUserRoles(c *call) (any, error) {
	var in identity.BulkRolesInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().BulkUpdateUserRoles(c.ctx(), c.param("userId"), in)
}

func getBulkRolesTask(c *call) (any, error) {
	return c.id().GetBulkRolesTask(c.ctx(), c.param("taskId"))
}
