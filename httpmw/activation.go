package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var activationLinkRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/users/v1/activate/code", OperationID: "UsersActivationControllerV1_activateUserWithCode", Auth: Public, handle: activateWithCode},
	{Method: http.MethodPost, Path: "/resources/users/v1/activate/reset", OperationID: "UsersActivationControllerV1_resetActivationToken", Auth: Public, Status: http.StatusCreated, handle: resendActivation},
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/links/generate-activation-token", OperationID: "UsersControllerV1_generateUserActivationLink", Auth: Vendor, Status: http.StatusCreated, handle: generateActivationLink},
	{Method: http.MethodPost, Path: "/resources/users/v1/{userId}/links/generate-password-reset-token", OperationID: "UsersControllerV1_generateUserPasswordResetLink", Auth: Vendor, Status: http.StatusCreated, handle: generatePasswordResetLink},
}

func activateWithCode(c *call) (any, error) {
	var in identity.ActivateWithCodeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.tokens(c.id().ActivateUserWithCode(c.ctx(), in, c.client()))
}

func resendActivation(c *call) (any, error) {
	var in identity.ResendActivationInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().ResendActivationEmail(c.ctx(), in)
}

func generateActivationLink(c *call) (any, error) {
	return c.id().GenerateActivationLink(c.ctx(), c.param("userId"))
}

func generatePasswordResetLink(c *call) (any, error) {
	return c.id().GeneratePasswordResetLink(c.ctx(), c.param("userId"))
}
