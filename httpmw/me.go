package httpmw

import "net/http"

var meRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/users/v2/me", OperationID: "UsersControllerV2_getUserProfile", Auth: User, handle: getMe},
	{Method: http.MethodGet, Path: "/resources/users/v3/me", OperationID: "UsersControllerV3_getUserProfile", Auth: User, handle: getMeV3},
	{Method: http.MethodGet, Path: "/resources/users/v1/me/tenants", OperationID: "UsersControllerV1_getUserTenants", Auth: User, handle: getMyTenants},
	{Method: http.MethodGet, Path: "/resources/users/v2/me/tenants", OperationID: "UsersControllerV2_getUserTenants", Auth: User, handle: getMyTenantsV2},
	{Method: http.MethodGet, Path: "/resources/users/v3/me/tenants", OperationID: "UsersControllerV3_getUserTenants", Auth: User, handle: getMyTenantsV3},
	{Method: http.MethodGet, Path: "/resources/users/v1/me/authorization", OperationID: "UsersControllerV1_getMeAuthorization", Auth: User, handle: getMyAuthorization},
}

func getMe(c *call) (any, error) { return c.id().Me(c.ctx(), c.principal) }

// getMeV3 serves UserV3Dto, the same profile as v2 (v3 drops nothing the
// clients read).
func getMeV3(c *call) (any, error)        { return c.id().Me(c.ctx(), c.principal) }
func getMyTenants(c *call) (any, error)   { return c.id().MyTenantsWithActive(c.ctx(), c.principal) }
func getMyTenantsV2(c *call) (any, error) { return c.id().MyTenants(c.ctx(), c.principal) }
func getMyTenantsV3(c *call) (any, error) { return c.id().MyTenantsWithActive(c.ctx(), c.principal) }
func getMyAuthorization(c *call) (any, error) {
	return c.id().MyAuthorization(c.ctx(), c.principal)
}
