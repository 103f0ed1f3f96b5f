package httpmw

import (
	"errors"
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// tenantRoutes are the accounts API's Accounts operations (NewAccounts).
var tenantRoutes = []Route{
	{API: APITenants, Method: http.MethodPost, Path: "/resources/tenants/v1", OperationID: "TenantControllerV1_createTenant", Auth: Vendor, Status: http.StatusCreated, handle: createTenant},
	{API: APITenants, Method: http.MethodDelete, Path: "/resources/tenants/v1", OperationID: "TenantControllerV1_deleteCurrentTenant", Auth: User, Perm: identity.PermDeleteAccount, handle: deleteCurrentTenant},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/tenants/v1/{tenantId}", OperationID: "TenantControllerV1_getTenant", Auth: Vendor, handle: getTenant},
	{API: APITenants, Method: http.MethodPut, Path: "/resources/tenants/v1/{tenantId}", OperationID: "TenantControllerV1_updateTenant", Auth: Vendor, handle: updateTenant},
	{API: APITenants, Method: http.MethodDelete, Path: "/resources/tenants/v1/{tenantId}", OperationID: "TenantControllerV1_deleteTenant", Auth: Vendor, handle: deleteTenant},
	{API: APITenants, Method: http.MethodPost, Path: "/resources/tenants/v1/{tenantId}/metadata", OperationID: "TenantControllerV1_addTenantMetadata", Auth: Vendor, Status: http.StatusCreated, handle: addTenantMetadata},
	{API: APITenants, Method: http.MethodDelete, Path: "/resources/tenants/v1/{tenantId}/metadata/{key}", OperationID: "TenantControllerV1_deleteTenantMetadata", Auth: Vendor, handle: deleteTenantMetadata},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/tenants/v2", OperationID: "TenantControllerV2_getTenants", Auth: Vendor, handle: listTenants},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/tenants/v2/alias/{alias}", OperationID: "TenantControllerV2_getTenantByAlias", Auth: Vendor, handle: getTenantByAlias},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/tenants/v2/{tenantId}", OperationID: "TenantControllerV2_getTenant", Auth: Vendor, handle: getTenantV2},
	{API: APITenants, Method: http.MethodPut, Path: "/resources/tenants/v2/{tenantId}", OperationID: "TenantControllerV2_updateTenant", Auth: Vendor, handle: updateTenant},
}

func createTenant(c *call) (any, error) {
	var in identity.CreateTenantInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateTenant(c.ctx(), in)
}

func deleteCurrentTenant(c *call) (any, error) {
	return nil, c.id().DeleteCurrentTenant(c.ctx(), c.principal)
}

func getTenant(c *call) (any, error) { return c.id().GetTenant(c.ctx(), c.param("tenantId")) }

// getTenantV2 answers an unknown account with an empty array, as the
// specification says of this route.
func getTenantV2(c *call) (any, error) {
	t, err := c.id().GetTenant(c.ctx(), c.param("tenantId"))
	if errors.Is(err, identity.ErrNotFound) {
		return []identity.Tenant{}, nil
	}
	return t, err
}

func updateTenant(c *call) (any, error) {
	var in identity.UpdateTenantInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateTenant(c.ctx(), c.param("tenantId"), in)
}

func deleteTenant(c *call) (any, error) {
	return nil, c.id().DeleteTenant(c.ctx(), c.param("tenantId"))
}

func addTenantMetadata(c *call) (any, error) {
	var in struct {
		Metadata identity.JSONObject `json:"metadata"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetTenantMetadata(c.ctx(), c.param("tenantId"), in.Metadata)
}

func deleteTenantMetadata(c *call) (any, error) {
	return c.id().DeleteTenantMetadata(c.ctx(), c.param("tenantId"), c.param("key"))
}

func listTenants(c *call) (any, error) {
	page, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	q := identity.TenantQuery{Page: page, Filter: c.query("_filter"), TenantIDs: c.queryList("_tenantIds")}
	return c.id().ListTenants(c.ctx(), q)
}

func getTenantByAlias(c *call) (any, error) {
	return c.id().GetTenantByAlias(c.ctx(), c.param("alias"))
}
