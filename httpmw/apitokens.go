package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// Permissions of the API-token routes.
const (
	permReadTenantAPITokens   = "fe.secure.read.tenantApiTokens"
	permWriteTenantAPITokens  = "fe.secure.write.tenantApiTokens"
	permDeleteTenantAPITokens = "fe.secure.delete.tenantApiTokens"
	permReadUserAPITokens     = "fe.secure.read.userApiTokens"
	permWriteUserAPITokens    = "fe.secure.write.userApiTokens"
	permDeleteUserAPITokens   = "fe.secure.delete.userApiTokens"
)

var apiTokenRoutes = []Route{
	// API Tokens: the client-credentials and access tokens of the caller's
	// tenant.
	{Method: http.MethodPost, Path: "/resources/tenants/api-tokens/v1", OperationID: "TenantApiTokensV1Controller_createTenantApiToken", Auth: User, Perm: permWriteTenantAPITokens, Status: http.StatusCreated, handle: createTenantAPIToken},
	{Method: http.MethodPost, Path: "/resources/tenants/api-tokens/v2", OperationID: "TenantApiTokensV2Controller_createTenantApiToken", Auth: User, Perm: permWriteTenantAPITokens, Status: http.StatusCreated, handle: createTenantAPIToken},
	{Method: http.MethodGet, Path: "/resources/tenants/api-tokens/v1", OperationID: "TenantApiTokensV1Controller_getTenantsApiTokens", Auth: User, Perm: permReadTenantAPITokens, handle: listTenantAPITokens},
	{Method: http.MethodPatch, Path: "/resources/tenants/api-tokens/v1/{id}", OperationID: "TenantApiTokensV1Controller_updateTenantApiToken", Auth: User, Perm: permWriteTenantAPITokens, handle: updateTenantAPIToken},
	{Method: http.MethodDelete, Path: "/resources/tenants/api-tokens/v1/{id}", OperationID: "TenantApiTokensV1Controller_deleteTenantApiToken", Auth: User, Perm: permDeleteTenantAPITokens, handle: deleteTenantAPIToken},
	{Method: http.MethodPost, Path: "/resources/tenants/access-tokens/v1", OperationID: "TenantAccessTokensV1Controller_createTenantAccessToken", Auth: User, Perm: permWriteTenantAPITokens, Status: http.StatusCreated, handle: createTenantAccessToken},
	{Method: http.MethodGet, Path: "/resources/tenants/access-tokens/v1", OperationID: "TenantAccessTokensV1Controller_getTenantAccessTokens", Auth: User, Perm: permReadTenantAPITokens, handle: listTenantAccessTokens},
	{Method: http.MethodDelete, Path: "/resources/tenants/access-tokens/v1/{id}", OperationID: "TenantAccessTokensV1Controller_deleteTenantAccessToken", Auth: User, Perm: permDeleteTenantAPITokens, handle: deleteTenantAccessToken},

	// API Token: exchanging client credentials for an access token.
	{Method: http.MethodPost, Path: "/resources/auth/v2/api-token", OperationID: "AuthenticationApiTokenControllerV2_authApiToken", Auth: Public, handle: authAPIToken},
	{Method: http.MethodPost, Path: "/resources/auth/v2/api-token/token/refresh", OperationID: "AuthenticationApiTokenControllerV2_refreshToken", Auth: Public, handle: refreshAPIToken},

	// Personal Tokens: the caller's own tokens.
	{Method: http.MethodPost, Path: "/resources/users/api-tokens/v1", OperationID: "UserApiTokensV1Controller_createTenantApiToken", Auth: User, Perm: permWriteUserAPITokens, Status: http.StatusCreated, handle: createUserAPIToken},
	{Method: http.MethodGet, Path: "/resources/users/api-tokens/v1", OperationID: "UserApiTokensV1Controller_getApiTokens", Auth: User, Perm: permReadUserAPITokens, handle: listUserAPITokens},
	{Method: http.MethodDelete, Path: "/resources/users/api-tokens/v1/{id}", OperationID: "UserApiTokensV1Controller_deleteApiToken", Auth: User, Perm: permDeleteUserAPITokens, handle: deleteUserAPIToken},
	{Method: http.MethodPost, Path: "/resources/users/access-tokens/v1", OperationID: "UserAccessTokensV1Controller_createUserAccessToken", Auth: User, Perm: permWriteUserAPITokens, Status: http.StatusCreated, handle: createUserAccessToken},
	{Method: http.MethodGet, Path: "/resources/users/access-tokens/v1", OperationID: "UserAccessTokensV1Controller_getUserAccessTokens", Auth: User, Perm: permReadUserAPITokens, handle: listUserAccessTokens},
	{Method: http.MethodDelete, Path: "/resources/users/access-tokens/v1/{id}", OperationID: "UserAccessTokensV1Controller_deleteUserAccessToken", Auth: User, Perm: permDeleteUserAPITokens, handle: deleteUserAccessToken},

	// M2M Tokens: what the environment (and the official SDKs) read about
	// access tokens.
	{Method: http.MethodGet, Path: "/resources/vendor-only/users/access-tokens/v1/active", OperationID: "VendorOnlyUserAccessTokensV1Controller_getActiveAccessTokens", Auth: Vendor, handle: activeUserAccessTokens},
	{Method: http.MethodGet, Path: "/resources/vendor-only/users/access-tokens/v1/{id}", OperationID: "VendorOnlyUserAccessTokensV1Controller_getUserAccessTokenData", Auth: Vendor, handle: getUserAccessTokenData},
	{Method: http.MethodGet, Path: "/resources/vendor-only/tenants/access-tokens/v1/active", OperationID: "VendorOnlyTenantAccessTokensV1Controller_getActiveAccessTokens", Auth: Vendor, handle: activeTenantAccessTokens},
	{Method: http.MethodGet, Path: "/resources/vendor-only/tenants/access-tokens/v1/{id}", OperationID: "VendorOnlyTenantAccessTokensV1Controller_getTenantAccessTokenData", Auth: Vendor, handle: getTenantAccessTokenData},
}

func createTenantAPIToken(c *call) (any, error) {
	var in identity.CreateTenantAPITokenInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateTenantAPIToken(c.ctx(), c.principal, in)
}

func listTenantAPITokens(c *call) (any, error) {
	return c.id().ListTenantAPITokens(c.ctx(), c.principal)
}

func updateTenantAPIToken(c *call) (any, error) {
	var in identity.UpdateTenantAPITokenInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateTenantAPIToken(c.ctx(), c.principal, c.param("id"), in)
}

func deleteTenantAPIToken(c *call) (any, error) {
	return nil, c.id().DeleteTenantAPIToken(c.ctx(), c.principal, c.param("id"))
}

func createTenantAccessToken(c *call) (any, error) {
	var in identity.CreateAccessTokenInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateTenantAccessToken(c.ctx(), c.principal, in)
}

func listTenantAccessTokens(c *call) (any, error) {
	return c.id().ListTenantAccessTokens(c.ctx(), c.principal)
}

func deleteTenantAccessToken(c *call) (any, error) {
	return nil, c.id().DeleteTenantAccessToken(c.ctx(), c.principal, c.param("id"))
}

type apiTokenAuthBody struct {
	ClientID string `json:"clientId"`
	Secret   string `json:"secret"`
}

func authAPIToken(c *call) (any, error) {
	var in apiTokenAuthBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AuthenticateAPIToken(c.ctx(), in.ClientID, in.Secret)
}

type apiTokenRefreshBody struct {
	RefreshToken string `json:"refreshToken"`
}

func refreshAPIToken(c *call) (any, error) {
	var in apiTokenRefreshBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().RefreshAPIToken(c.ctx(), in.RefreshToken)
}

func createUserAPIToken(c *call) (any, error) {
	var in identity.CreateUserAPITokenInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateUserAPIToken(c.ctx(), c.principal, in)
}

func listUserAPITokens(c *call) (any, error) {
	return c.id().ListUserAPITokens(c.ctx(), c.principal)
}

func deleteUserAPIToken(c *call) (any, error) {
	return nil, c.id().DeleteUserAPIToken(c.ctx(), c.principal, c.param("id"))
}

func createUserAccessToken(c *call) (any, error) {
	var in identity.CreateAccessTokenInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateUserAccessToken(c.ctx(), c.principal, in)
}

func listUserAccessTokens(c *call) (any, error) {
	return c.id().ListUserAccessTokens(c.ctx(), c.principal)
}

func deleteUserAccessToken(c *call) (any, error) {
	return nil, c.id().DeleteUserAccessToken(c.ctx(), c.principal, c.param("id"))
}

func activeUserAccessTokens(c *call) (any, error) {
	return c.id().ActiveUserAccessTokenIDs(c.ctx(), c.principal.TenantID)
}

func activeTenantAccessTokens(c *call) (any, error) {
	return c.id().ActiveTenantAccessTokenIDs(c.ctx(), c.principal.TenantID)
}

func getUserAccessTokenData(c *call) (any, error) {
	return c.id().GetUserAccessTokenData(c.ctx(), c.principal.TenantID, c.param("id"))
}

func getTenantAccessTokenData(c *call) (any, error) {
	return c.id().GetTenantAccessTokenData(c.ctx(), c.principal.TenantID, c.param("id"))
}
