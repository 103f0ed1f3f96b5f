package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var tenancyRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/tenant", OperationID: "UsersControllerV1_addUserToTenantForVendor", Auth: Vendor, Status: http.StatusCreated, handle: addUserToTenant},
	{Method: http.MethodPut, Path: "/resources/users/v1/{userId}/tenant", OperationID: "UsersControllerV1_updateUserTenantForVendor", Auth: Vendor, handle: setUserActiveTenant},
	{Method: http.MethodPut, Path: "/resources/users/v1/tenant", OperationID: "UsersControllerV1_updateUserTenant", Auth: User, handle: switchTenant},
	{Method: http.MethodPut, Path: "/resources/users/v1/tenants/migrate", OperationID: "UsersControllerV1_moveAllUsersTenants", Auth: Vendor, handle: migrateTenantUsers},
	{Method: http.MethodPut, Path: "/resources/sub-tenants/users/v1/{userId}/access", OperationID: "UsersControllerV1_setUserRolesFromSubTenants", Auth: User, Perm: identity.PermSubAccountAccess, handle: setSubAccountAccess},
	{Method: http.MethodGet, Path: "/resources/users/v2/me/hierarchy", OperationID: "UsersControllerV2_getUserTenantsHierarchy", Auth: User, handle: getMyTenantsHierarchy},
	{Method: http.MethodGet, Path: "/resources/tenants/users/v1/statuses", OperationID: "get", Auth: Vendor, handle: getUserTenantStatuses},
}

func addUserToTenant(c *call) (any, error) {
	var in identity.UserTenantInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AddUserToTenant(c.ctx(), c.param("userId"), in)
}

func setUserActiveTenant(c *call) (any, error) {
	var in identity.UserTenantInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetUserActiveTenant(c.ctx(), c.param("userId"), in)
}

func switchTenant(c *call) (any, error) {
	var in struct {
		TenantID string `json:"tenantId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SwitchTenant(c.ctx(), c.principal, in.TenantID)
}

func migrateTenantUsers(c *call) (any, error) {
	var in identity.MigrateUsersInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	_, err := c.id().MigrateTenantUsers(c.ctx(), in)
	return struct{}{}, err
}

func setSubAccountAccess(c *call) (any, error) {
	var in struct {
		AllowAccess *bool `json:"allowAccess"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.AllowAccess == nil {
		return nil, badRequest("allowAccess is required")
	}
	return struct{}{}, c.id().SetSubAccountAccess(c.ctx(), c.principal, c.param("userId"), *in.AllowAccess)
}

func getMyTenantsHierarchy(c *call) (any, error) {
	return c.id().MyTenantsHierarchy(c.ctx(), c.principal)
}

func getUserTenantStatuses(c *call) (any, error) {
	return c.id().UserTenantStatuses(c.ctx(), c.queryList("userIds"), c.queryList("userTenantStatuses"))
}
