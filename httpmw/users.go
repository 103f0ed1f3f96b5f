package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var userRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/vendor-only/users/v1", OperationID: "VendorOnlyUsers_createUser", Auth: Vendor, Status: http.StatusCreated, handle: createUser},
	{Method: http.MethodGet, Path: "/resources/vendor-only/users/v1/{userId}", OperationID: "VendorOnlyUsers_getUserById", Auth: Vendor, handle: getUserVendorOnly},
	{Method: http.MethodPost, Path: "/resources/vendor-only/users/v1/passwords/verify", OperationID: "VendorOnlyUsers_verifyUserPassword", Auth: Vendor, handle: verifyUserPassword},
	{Method: http.MethodPut, Path: "/resources/users/v1/{userId}", OperationID: "UsersControllerV1_updateUserForVendor", Auth: Vendor, handle: updateUser},
	{Method: http.MethodGet, Path: "/resources/users/v1/{id}", OperationID: "UsersControllerV1_getUserById", Auth: Vendor, handle: getTenantUser},
	{Method: http.MethodGet, Path: "/resources/users/v1/email", OperationID: "UsersControllerV1_getUserByEmail", Auth: Vendor, handle: getUserByEmail},
}

func createUser(c *call) (any, error) {
	var in identity.CreateUserInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateUser(c.ctx(), in)
}

func getUserVendorOnly(c *call) (any, error) { return c.id().GetUser(c.ctx(), c.param("userId")) }

func verifyUserPassword(c *call) (any, error) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().VerifyUserPassword(c.ctx(), in.Email, in.Password)
}

func updateUser(c *call) (any, error) {
	var in identity.UpdateUserInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateUser(c.ctx(), c.param("userId"), in)
}

func getTenantUser(c *call) (any, error) {
	return c.id().GetTenantUser(c.ctx(), c.principal.TenantID, c.param("id"))
}

func getUserByEmail(c *call) (any, error) { return c.id().GetUserByEmail(c.ctx(), c.query("email")) }
