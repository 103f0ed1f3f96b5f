package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var tenantInviteRoutes = []Route{
	// Account Invitations (self-service: the acting user's own link).
	{Method: http.MethodGet, Path: "/resources/tenants/invites/v1/user", OperationID: "TenantInvitesController_getTenantInviteForUser", Auth: User, Perm: identity.PermWriteTenantInvites, handle: getMyTenantInvite},
	{Method: http.MethodPost, Path: "/resources/tenants/invites/v1/user", OperationID: "TenantInvitesController_createTenantInviteForUser", Auth: User, Perm: identity.PermWriteTenantInvites, Status: http.StatusCreated, handle: createMyTenantInvite},
	{Method: http.MethodDelete, Path: "/resources/tenants/invites/v1/user", OperationID: "TenantInvitesController_deleteTenantInviteForUser", Auth: User, Perm: identity.PermDeleteTenantInvites, handle: deleteMyTenantInvite},
	{Method: http.MethodPatch, Path: "/resources/tenants/invites/v1/user", OperationID: "TenantInvitesController_updateTenantInviteForUser", Auth: Vendor, handle: updateMyTenantInvite},
	{Method: http.MethodPost, Path: "/resources/tenants/invites/v1/verify", OperationID: "TenantInvitesController_verifyTenantInvite", Auth: Vendor, handle: verifyTenantInvite},
	{Method: http.MethodGet, Path: "/resources/tenants/invites/v1/configuration", OperationID: "getInvitationConfiguration", Auth: Vendor, handle: getInvitationConfiguration},
	{Method: http.MethodPost, Path: "/resources/tenants/invites/v2/user", OperationID: "TenantInvitesV2Controller_createTenantInviteForUser", Auth: User, Perm: identity.PermWriteTenantInvites, Status: http.StatusCreated, handle: createMyTenantInviteWithRoles},

	// Account Invitations Settings (the environment's links and strategies).
	{Method: http.MethodPost, Path: "/resources/tenants/invites/v1", OperationID: "TenantInvitesController_createTenantInvite", Auth: Vendor, Status: http.StatusCreated, handle: createTenantInvite},
	{Method: http.MethodGet, Path: "/resources/tenants/invites/v1/all", OperationID: "TenantInvitesController_getAllInvites", Auth: Vendor, handle: listTenantInvites},
	{Method: http.MethodDelete, Path: "/resources/tenants/invites/v1/token/{id}", OperationID: "TenantInvitesController_deleteTenantInvite", Auth: Vendor, handle: deleteTenantInvite},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/activation/strategies", OperationID: "ActivationStrategyControllerV1_getActivationStrategy", Auth: Vendor, handle: getActivationStrategies},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/activation/strategies", OperationID: "ActivationStrategyControllerV1_createOrUpdateActivationStrategy", Auth: Vendor, handle: setActivationStrategy},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/invitation/strategies", OperationID: "InvitationStrategyControllerV1_getInvitationStrategy", Auth: Vendor, handle: getInvitationStrategies},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/invitation/strategies", OperationID: "InvitationStrategyControllerV1_createOrUpdateInvitationStrategy", Auth: Vendor, handle: setInvitationStrategy},
}

func getMyTenantInvite(c *call) (any, error) { return c.id().GetMyTenantInvite(c.ctx(), c.principal) }

func createMyTenantInvite(c *call) (any, error) {
	var in identity.UserInviteInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateMyTenantInvite(c.ctx(), c.principal, in)
}

func createMyTenantInviteWithRoles(c *call) (any, error) {
	var in identity.UserInviteInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateMyTenantInviteWithRoles(c.ctx(), c.principal, in)
}

func updateMyTenantInvite(c *call) (any, error) {
	var in identity.UserInviteInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	in.RoleIDs = nil
	return c.id().UpdateMyTenantInvite(c.ctx(), c.principal, in)
}

func deleteMyTenantInvite(c *call) (any, error) {
	return struct{}{}, c.id().DeleteMyTenantInvite(c.ctx(), c.principal)
}

func verifyTenantInvite(c *call) (any, error) {
	var in struct {
		Token string `json:"token"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().VerifyTenantInvite(c.ctx(), in.Token)
}

func getInvitationConfiguration(c *call) (any, error) {
	return c.id().GetInvitationConfiguration(c.ctx())
}

func createTenantInvite(c *call) (any, error) {
	var in identity.CreateTenantInviteInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateTenantInvite(c.ctx(), in)
}

func listTenantInvites(c *call) (any, error) { return c.id().ListTenantInvites(c.ctx()) }

func deleteTenantInvite(c *call) (any, error) {
	return struct{}{}, c.id().DeleteTenantInvite(c.ctx(), c.param("id"))
}

func getActivationStrategies(c *call) (any, error) { return c.id().GetActivationStrategies(c.ctx()) }

func setActivationStrategy(c *call) (any, error) {
	var in identity.CodeStrategyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetActivationStrategy(c.ctx(), in)
}

func getInvitationStrategies(c *call) (any, error) { return c.id().GetInvitationStrategies(c.ctx()) }

func setInvitationStrategy(c *call) (any, error) {
	var in identity.CodeStrategyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetInvitationStrategy(c.ctx(), in)
}
