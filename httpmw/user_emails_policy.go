package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var userEmailsPolicyRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/configurations/v1/user-emails-policy", OperationID: "UserEmailsPolicyControllerV1_getUserEmailsPolicy", Auth: Vendor, handle: getUserEmailsPolicy},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/user-emails-policy", OperationID: "UserEmailsPolicyControllerV1_createOrUpdateUserEmailsPolicy", Auth: Vendor, handle: setUserEmailsPolicy},
}

func getUserEmailsPolicy(c *call) (any, error) { return c.id().GetUserEmailsPolicy(c.ctx()) }

func setUserEmailsPolicy(c *call) (any, error) {
	var in identity.UserEmailsPolicyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetUserEmailsPolicy(c.ctx(), in)
}
