package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// subTenantRoutes are the accounts API's Sub-accounts and hierarchy
// operations (NewAccounts). The self-service ones take a user token (acting
// in the token's account) or the environment token.
var subTenantRoutes = []Route{
	{API: APITenants, Method: http.MethodPost, Path: "/resources/sub-tenants/v1", OperationID: "SubTenantControllerV1_createSubTenant", Auth: User, Perm: identity.PermWriteSubAccounts, Status: http.StatusCreated, handle: createSubTenant},
	{API: APITenants, Method: http.MethodDelete, Path: "/resources/sub-tenants/v1/{tenantId}", OperationID: "SubTenantControllerV1_deleteSubTenant", Auth: User, Perm: identity.PermDeleteSubAccounts, handle: deleteSubTenant},
	{API: APITenants, Method: http.MethodPut, Path: "/resources/sub-tenants/v1/{tenantId}/management", OperationID: "SubTenantControllerV1_updateSubTenantManagement", Auth: User, Perm: identity.PermWriteSubAccounts, handle: updateSubTenantManagement},
	{API: APITenants, Method: http.MethodPut, Path: "/resources/sub-tenants/v1/{tenantId}/hierarchy-settings", OperationID: "SubTenantControllerV1_updateSubTenantHierarchySettings", Auth: User, Perm: identity.PermWriteSubAccounts, handle: updateSubTenantHierarchySettings},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/hierarchy/v1", OperationID: "TenantHierarchyControllerV1_getSubTenants", Auth: User, Perm: identity.PermReadSubAccounts, handle: getSubTenants},
	{API: APITenants, Method: http.MethodPost, Path: "/resources/hierarchy/v1", OperationID: "TenantHierarchyControllerV1_createSubTenants", Auth: Vendor, Status: http.StatusCreated, handle: addToHierarchy},
	{API: APITenants, Method: http.MethodDelete, Path: "/resources/hierarchy/v1", OperationID: "TenantHierarchyControllerV1_deleteSubTenant", Auth: Vendor, handle: removeFromHierarchy},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/hierarchy/v1/parents", OperationID: "TenantHierarchyControllerV1_getParentTenants", Auth: User, Perm: identity.PermReadSubAccounts, handle: getParentTenants},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/hierarchy/v1/tree", OperationID: "TenantHierarchyControllerV1_getSubTenantsTree", Auth: User, Perm: identity.PermReadSubAccounts, handle: getSubTenantsTree},
}

func createSubTenant(c *call) (any, error) {
	var in identity.CreateTenantInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateSubTenant(c.ctx(), c.principal, in)
}

func deleteSubTenant(c *call) (any, error) {
	return nil, c.id().DeleteSubTenant(c.ctx(), c.principal, c.param("tenantId"))
}

func updateSubTenantManagement(c *call) (any, error) {
	var in identity.SubTenantManagementInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateSubTenantManagement(c.ctx(), c.principal, c.param("tenantId"), in)
}

func updateSubTenantHierarchySettings(c *call) (any, error) {
	var in identity.HierarchySettingsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateSubTenantHierarchySettings(c.ctx(), c.principal, c.param("tenantId"), in)
}

func getSubTenants(c *call) (any, error) { return c.id().GetHierarchy(c.ctx(), c.principal) }

func addToHierarchy(c *call) (any, error) {
	var in identity.HierarchyLinkInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AddToHierarchy(c.ctx(), in)
}

func removeFromHierarchy(c *call) (any, error) {
	var in identity.HierarchyLinkInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, c.id().RemoveFromHierarchy(c.ctx(), in)
}

func getParentTenants(c *call) (any, error) { return c.id().GetTenantParents(c.ctx(), c.principal) }

func getSubTenantsTree(c *call) (any, error) { return c.id().GetTenantTree(c.ctx(), c.principal) }
