package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var passwordlessRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/auth/v1/passwordless/smscode/prelogin", OperationID: "AuthenticationPasswordlessControllerV1_smsCodePreLogin", Auth: Public, Status: http.StatusCreated, handle: passwordlessPreLogin(identity.PasswordlessSMSCode)},
	{Method: http.MethodPost, Path: "/resources/auth/v1/passwordless/smscode/postlogin", OperationID: "AuthenticationPasswordlessControllerV1_smsCodePostLogin", Auth: Public, Status: http.StatusCreated, handle: passwordlessPostLogin(identity.PasswordlessSMSCode)},
	{Method: http.MethodPost, Path: "/resources/auth/v1/passwordless/magiclink/prelogin", OperationID: "AuthenticationPasswordlessControllerV1_magicLinkPrelogin", Auth: Public, handle: passwordlessPreLogin(identity.PasswordlessMagicLink)},
	{Method: http.MethodPost, Path: "/resources/auth/v1/passwordless/magiclink/postlogin", OperationID: "AuthenticationPasswordlessControllerV1_magicLinkPostLogin", Auth: Public, Status: http.StatusCreated, handle: passwordlessPostLogin(identity.PasswordlessMagicLink)},
	{Method: http.MethodPost, Path: "/resources/auth/v1/passwordless/code/prelogin", OperationID: "AuthenticationPasswordlessControllerV1_emailCodePrelogin", Auth: Public, Status: http.StatusCreated, handle: passwordlessPreLogin(identity.PasswordlessCode)},
	{Method: http.MethodPost, Path: "/resources/auth/v1/passwordless/code/postlogin", OperationID: "AuthenticationPasswordlessControllerV1_emailCodePostLogin", Auth: Public, Status: http.StatusCreated, handle: passwordlessPostLogin(identity.PasswordlessCode)},
}

// passwordlessPreLogin answers an empty object whether or not the user
// exists: the message goes out in the background.
func passwordlessPreLogin(typ string) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in identity.PasswordlessPreLoginInput
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		return struct{}{}, c.id().PasswordlessPreLogin(c.ctx(), typ, in, c.client())
	}
}

func passwordlessPostLogin(typ string) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		var in identity.PasswordlessPostLoginInput
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		return c.tokens(c.id().PasswordlessPostLogin(c.ctx(), typ, in, c.client()))
	}
}
