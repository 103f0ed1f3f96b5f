package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var authenticationRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/auth/v1/user", OperationID: "AuthenticatioAuthenticationControllerV1_authenticateLocalUser", Auth: Public, handle: login},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/token/refresh", OperationID: "AuthenticatioAuthenticationControllerV1_refreshToken", Auth: Public, Status: http.StatusCreated, handle: refresh},
	{Method: http.MethodPost, Path: "/resources/auth/v1/logout", OperationID: "AuthenticatioAuthenticationControllerV1_logout", Auth: Public, Status: http.StatusCreated, handle: logout},
	{Method: http.MethodPost, Path: "/resources/users/v1/signUp", OperationID: "UsersControllerV1_signUpUser", Auth: Public, Status: http.StatusCreated, handle: signUp},
	{Method: http.MethodPost, Path: "/resources/users/v1/signUp/username", OperationID: "UsersSignUpControllerV1_signUpUserUsername", Auth: Public, Status: http.StatusCreated, handle: signUpUsername},
}

func login(c *call) (any, error) {
	var in identity.LoginInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.tokens(c.id().Login(c.ctx(), in, c.client()))
}

func refresh(c *call) (any, error) {
	var in struct {
		TenantID     string `json:"tenantId"`
		RefreshToken string `json:"refreshToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	token, err := c.h.refreshTokenOf(c, in.RefreshToken)
	if err != nil {
		return nil, err
	}
	return c.tokens(c.id().Refresh(c.ctx(), token, in.TenantID, c.client()))
}

func logout(c *call) (any, error) {
	var in struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	token, err := c.h.refreshTokenOf(c, in.RefreshToken)
	if err != nil {
		return nil, err
	}
	if err := c.id().Logout(c.ctx(), token); err != nil {
		return nil, err
	}
	return struct{}{}, c.h.clearRefreshCookie(c)
}

func signUp(c *call) (any, error) {
	var in identity.SignUpInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.signUpTokens(c.id().SignUp(c.ctx(), in, c.client()))
}

func signUpUsername(c *call) (any, error) {
	var in identity.SignUpInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.signUpTokens(c.id().SignUpWithUsername(c.ctx(), in, c.client()))
}

var activationRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/users/v1/activate/strategy", OperationID: "UsersActivationControllerV1_getActivationStrategy", Auth: Public, handle: activationStrategy},
	{Method: http.MethodPost, Path: "/resources/users/v1/activate", OperationID: "UsersActivationControllerV1_activateUser", Auth: Public, handle: activate},
}

func activationStrategy(c *call) (any, error) {
	return c.id().GetActivationStrategy(c.ctx(), c.query("userId"), c.query("token"))
}

func activate(c *call) (any, error) {
	var in identity.ActivateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.tokens(c.id().ActivateUser(c.ctx(), in, c.client()))
}
