package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var userInviteRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/users/v2", OperationID: "UsersControllerV2_createUser", Auth: User, Perm: identity.PermWriteUsers, Status: http.StatusCreated, handle: inviteUser},
	{Method: http.MethodPost, Path: "/resources/users/v1", OperationID: "UsersControllerV1_createUser", Auth: User, Perm: identity.PermWriteUsers, Status: http.StatusCreated, handle: inviteUser},
	{Method: http.MethodPost, Path: "/resources/users/v1/invitation/accept", OperationID: "UsersTenantManagementControllerV1_acceptInvitation", Auth: Public, handle: acceptInvitation},
	{Method: http.MethodPost, Path: "/resources/users/v1/invitation/accept/code", OperationID: "UsersTenantManagementControllerV1_acceptInvitationWithCode", Auth: Public, handle: acceptInvitationWithCode},
	{Method: http.MethodPost, Path: "/resources/users/v1/invitation/reset", OperationID: "UsersTenantManagementControllerV1_resetTenantInvitationToken", Auth: User, Perm: identity.PermWriteUsers, handle: resetInvitation},
	{Method: http.MethodPost, Path: "/resources/users/v1/invitation/reset/all", OperationID: "UsersTenantManagementControllerV1_resetAllTenantsInvitationToken", Auth: User, Perm: identity.PermWriteUsers, handle: resetAllInvitations},
	{Method: http.MethodPost, Path: "/resources/users/bulk/v1/invite", OperationID: "UsersBulkControllerV1_bulkInviteUsers", Auth: Vendor, Status: http.StatusAccepted, handle: bulkInvite},
	{Method: http.MethodGet, Path: "/resources/users/bulk/v1/status/{id}", OperationID: "UsersBulkControllerV1_getBulkInviteStatus", Auth: Vendor, handle: bulkInviteStatus},
}

func inviteUser(c *call) (any, error) {
	var in identity.InviteUserInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().InviteUser(c.ctx(), c.principal, in)
}

func acceptInvitation(c *call) (any, error) {
	var in identity.AcceptInvitationInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.tokens(c.id().AcceptInvitation(c.ctx(), in, c.client()))
}

func acceptInvitationWithCode(c *call) (any, error) {
	var in identity.AcceptInvitationWithCodeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.tokens(c.id().AcceptInvitationWithCode(c.ctx(), in, c.client()))
}

// resetInvitationBody is ResetTenantInvitationDto.
type resetInvitationBody struct {
	Email string `json:"email"`
}

func resetInvitation(c *call) (any, error) {
	var in resetInvitationBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().ResetInvitation(c.ctx(), c.principal, in.Email)
}

func resetAllInvitations(c *call) (any, error) {
	var in resetInvitationBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().ResetAllInvitations(c.ctx(), c.principal, in.Email)
}

func bulkInvite(c *call) (any, error) {
	var in identity.BulkInviteInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().BulkInviteUsers(c.ctx(), c.principal.TenantID, in)
}

func bulkInviteStatus(c *call) (any, error) {
	return c.id().GetBulkInviteStatus(c.ctx(), c.param("id"))
}
