package httpmw

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/yolkauth/yolk/identity"
)

var roleRoutes = []Route{
	// Roles (environment management).
	{Method: http.MethodGet, Path: "/resources/roles/v1", OperationID: "PermissionsControllerV1_getAllRoles", Auth: Vendor, handle: listRoles},
	{Method: http.MethodPost, Path: "/resources/roles/v1", OperationID: "PermissionsControllerV1_addRoles", Auth: Vendor, Status: http.StatusCreated, handle: createRoles},
	{Method: http.MethodDelete, Path: "/resources/roles/v1/{roleId}", OperationID: "PermissionsControllerV1_deleteRole", Auth: Vendor, Status: http.StatusNoContent, handle: deleteRole},
	{Method: http.MethodPatch, Path: "/resources/roles/v1/{roleId}", OperationID: "PermissionsControllerV1_updateRole", Auth: Vendor, handle: updateRole},
	{Method: http.MethodPut, Path: "/resources/roles/v1/{roleId}/permissions", OperationID: "PermissionsControllerV1_setPermissionsToRole", Auth: Vendor, handle: setRolePermissions},
	{Method: http.MethodPut, Path: "/resources/roles/v1/{roleId}/tenant", OperationID: "PermissionsControllerV1_updateRoleTenant", Auth: Vendor, handle: setRoleTenant},

	// Account roles (self-service, in the caller's tenant).
	{Method: http.MethodGet, Path: "/resources/roles/v2", OperationID: "PermissionsControllerV2_getAllRoles", Auth: User, Perm: identity.PermReadRoles, handle: listTenantRoles},
	{Method: http.MethodPost, Path: "/resources/roles/v2", OperationID: "RolesControllerV2_addRole", Auth: User, Perm: identity.PermWriteRoles, handle: createTenantRole},
	{Method: http.MethodGet, Path: "/resources/roles/v2/distinct-levels", OperationID: "RolesControllerV2_getDistinctLevels", Auth: User, Perm: identity.PermReadRoles, handle: distinctRoleLevels},
	{Method: http.MethodGet, Path: "/resources/roles/v2/distinct-tenants", OperationID: "RolesControllerV2_getDistinctTenants", Auth: Vendor, handle: distinctRoleTenants},
}

// queryInts reads a list query parameter of integers.
func (c *call) queryInts(name string) ([]int, error) {
	var out []int
	for _, v := range c.queryList(name) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, badRequest("query parameter %s must hold integers", name)
		}
		out = append(out, n)
	}
	return out, nil
}

// tenant is the tenant a vendor call names with the frontegg-tenant-id
// header ("" when none).
func (c *call) tenant() string { return c.principal.TenantID }

func listRoles(c *call) (any, error) { return c.id().ListRoles(c.ctx(), c.tenant()) }

func createRoles(c *call) (any, error) {
	var in []identity.CreateRoleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateRoles(c.ctx(), c.tenant(), in)
}

func deleteRole(c *call) (any, error) {
	return nil, c.id().DeleteRole(c.ctx(), c.tenant(), c.param("roleId"))
}

func updateRole(c *call) (any, error) {
	var in identity.UpdateRoleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateRole(c.ctx(), c.tenant(), c.param("roleId"), in)
}

func setRolePermissions(c *call) (any, error) {
	var in struct {
		PermissionIDs []string `json:"permissionIds"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetRolePermissions(c.ctx(), c.tenant(), c.param("roleId"), in.PermissionIDs)
}

func setRoleTenant(c *call) (any, error) {
	var in struct {
		TenantID json.RawMessage `json:"tenantId"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.TenantID) == 0 {
		return nil, badRequest("tenantId is required (null makes the role environment-wide)")
	}
	var tenantID *string
	if err := json.Unmarshal(in.TenantID, &tenantID); err != nil {
		return nil, badRequest("field \"tenantId\" must be a string or null")
	}
	if tenantID == nil {
		tenantID = new(string)
	}
	return c.id().SetRoleTenant(c.ctx(), c.param("roleId"), *tenantID)
}

func listTenantRoles(c *call) (any, error) {
	page, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	levels, err := c.queryInts("_levels")
	if err != nil {
		return nil, err
	}
	q := identity.RoleQuery{Page: page, Levels: levels, TenantIDs: c.queryList("_tenantIds"), Filter: c.query("_filter")}
	return c.id().ListTenantRoles(c.ctx(), c.principal, q)
}

func createTenantRole(c *call) (any, error) {
	var in identity.CreateTenantRoleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateTenantRole(c.ctx(), c.principal, in)
}

func distinctRoleLevels(c *call) (any, error) {
	return c.id().DistinctRoleLevels(c.ctx(), c.principal)
}

func distinctRoleTenants(c *call) (any, error) { return c.id().DistinctRoleTenants(c.ctx()) }
