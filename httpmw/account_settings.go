package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// accountSettingsRoutes are the accounts API's Account settings operations
// (NewAccounts): the settings of the account a user token acts in, or the
// one the environment names with frontegg-tenant-id.
var accountSettingsRoutes = []Route{
	{API: APITenants, Method: http.MethodGet, Path: "/resources/account-settings/v1", OperationID: "AccountSettingsControllerV1_getSettings", Auth: User, Perm: identity.PermReadAccountSettings, handle: getAccountSettings},
	{API: APITenants, Method: http.MethodPut, Path: "/resources/account-settings/v1", OperationID: "AccountSettingsControllerV1_updateSettings", Auth: User, Perm: identity.PermWriteAccountSettings, handle: updateAccountSettings},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/account-settings/v1/public", OperationID: "AccountSettingsControllerV1_getPublicSettings", Auth: User, handle: getPublicAccountSettings},
}

func getAccountSettings(c *call) (any, error) {
	return c.id().GetAccountSettings(c.ctx(), c.principal)
}

func updateAccountSettings(c *call) (any, error) {
	var in identity.AccountSettingsUpdate
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateAccountSettings(c.ctx(), c.principal, in)
}

func getPublicAccountSettings(c *call) (any, error) {
	return c.id().GetPublicAccountSettings(c.ctx(), c.principal)
}
