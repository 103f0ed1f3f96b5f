package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var lifecycleRoutes = []Route{
	{Method: http.MethodPut, Path: "/resources/users/v1", OperationID: "UsersControllerV1_updateUser", Auth: User, handle: updateMe},
	{Method: http.MethodPut, Path: "/resources/users/v2/me", OperationID: "UsersControllerV2_updateUserProfile", Auth: User, handle: updateMe},
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/verify", OperationID: "UsersControllerV1_verifyUser", Auth: Vendor, handle: verifyUser},
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/lock", OperationID: "UsersControllerV1_lockUser", Auth: Vendor, handle: lockUser},
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/unlock", OperationID: "UsersControllerV1_unlockUser", Auth: Vendor, handle: unlockUser},
	{Method: http.MethodPost, Path: "/resources/users/v3/me/unlock", OperationID: "UsersControllerV3_unlock", Auth: Public, handle: unlockMe},
	{Method: http.MethodDelete, Path: "/resources/users/v1/{userId}", OperationID: "UsersControllerV1_removeUserFromTenant", Auth: Vendor, handle: removeUser},
	{Method: http.MethodPost, Path: "/resources/tenants/users/v1/{userId}/disable", OperationID: "UsersTenantsControllerV1_disableUserTenant", Auth: User, Perm: identity.PermEnableDisable, handle: disableTenantUser},
	{Method: http.MethodPost, Path: "/resources/tenants/users/v1/{userId}/enable", OperationID: "UsersTenantsControllerV1_enableUserTenant", Auth: User, Perm: identity.PermEnableDisable, handle: enableTenantUser},
	{Method: http.MethodPut, Path: "/resources/users/temporary/v1/{userId}", OperationID: "TemporaryUsersV1Controller_editTimeLimit", Auth: Vendor, Status: http.StatusCreated, handle: setUserTemporary},
	{Method: http.MethodDelete, Path: "/resources/users/temporary/v1/{userId}", OperationID: "TemporaryUsersV1Controller_setUserPermanent", Auth: Vendor, handle: setUserPermanent},
	{Method: http.MethodGet, Path: "/resources/users/temporary/v1/configuration", OperationID: "TemporaryUsersV1Controller_getConfiguration", Auth: Vendor, handle: getTemporaryUsersConfig},
	{Method: http.MethodPut, Path: "/resources/users/temporary/v1/configuration", OperationID: "TemporaryUsersV1Controller_updateConfiguration", Auth: Vendor, handle: updateTemporaryUsersConfig},
}

func updateMe(c *call) (any, error) {
	var in identity.UpdateProfileInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateMe(c.ctx(), c.principal, in)
}

func verifyUser(c *call) (any, error) { return c.id().VerifyUser(c.ctx(), c.param("userId")) }
func lockUser(c *call) (any, error)   { return c.id().LockUser(c.ctx(), c.param("userId")) }
func unlockUser(c *call) (any, error) { return c.id().UnlockUser(c.ctx(), c.param("userId")) }

func unlockMe(c *call) (any, error) {
	var in identity.UnlockInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().UnlockWithToken(c.ctx(), in)
}

func removeUser(c *call) (any, error) {
	return struct{}{}, c.id().RemoveUser(c.ctx(), c.principal.TenantID, c.param("userId"))
}

func disableTenantUser(c *call) (any, error) {
	return c.id().DisableTenantUser(c.ctx(), c.principal, c.param("userId"))
}

func enableTenantUser(c *call) (any, error) {
	return c.id().EnableTenantUser(c.ctx(), c.principal, c.param("userId"))
}

func setUserTemporary(c *call) (any, error) {
	var in identity.TemporaryUserInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetUserTemporary(c.ctx(), c.principal.TenantID, c.param("userId"), in)
}

func setUserPermanent(c *call) (any, error) {
	return struct{}{}, c.id().SetUserPermanent(c.ctx(), c.principal.TenantID, c.param("userId"))
}

func getTemporaryUsersConfig(c *call) (any, error) { return c.id().GetTemporaryUsersConfig(c.ctx()) }

func updateTemporaryUsersConfig(c *call) (any, error) {
	var in identity.TemporaryUsersConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateTemporaryUsersConfig(c.ctx(), in)
}
