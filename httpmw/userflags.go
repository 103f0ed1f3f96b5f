package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// userFlagRoutes set a user's super-user and invisible modes.
var userFlagRoutes = []Route{
	{Method: http.MethodPut, Path: "/resources/users/v1/{userId}/superuser", OperationID: "UsersControllerV1_setUserSuperuserMode", Auth: Vendor, handle: setUserSuperUser},
	{Method: http.MethodPut, Path: "/resources/users/v1/{userId}/invisible", OperationID: "UsersControllerV1_setUserInvisibleMode", Auth: Vendor, handle: setUserInvisible},
}

func setUserSuperUser(c *call) (any, error) {
	var in identity.SuperUserInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetUserSuperUser(c.ctx(), c.param("userId"), in)
}

func setUserInvisible(c *call) (any, error) {
	var in identity.InvisibleInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetUserInvisible(c.ctx(), c.param("userId"), in)
}
