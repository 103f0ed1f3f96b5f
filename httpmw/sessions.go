package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var sessionRoutes = []Route{
	// User Sessions: the caller's own login sessions.
	{Method: http.MethodGet, Path: "/resources/users/sessions/v1/me", OperationID: "UserSessionsControllerV1_getActiveSessions", Auth: User, handle: listMySessions},
	{Method: http.MethodDelete, Path: "/resources/users/sessions/v1/me/all", OperationID: "UserSessionsControllerV1_deleteAllUserActiveSessions", Auth: User, handle: revokeAllMySessions},
	{Method: http.MethodDelete, Path: "/resources/users/sessions/v1/me/{id}", OperationID: "UserSessionsControllerV1_deleteUserSession", Auth: User, handle: revokeMySession},

	// Sessions Management: the session policy of the caller's tenant (or,
	// for the environment token, of the tenant it names or the
	// environment's default).
	{Method: http.MethodGet, Path: "/resources/configurations/sessions/v1", OperationID: "SessionConfigurationControllerV1_getSessionConfiguration", Auth: User, Perm: permReadSecurityPolicy, handle: getSessionConfiguration},
	{Method: http.MethodPost, Path: "/resources/configurations/sessions/v1", OperationID: "SessionConfigurationControllerV1_createSessionConfiguration", Auth: User, Perm: permWriteSecurityPolicy, Status: http.StatusCreated, handle: saveSessionConfiguration},

	// Sessions Configuration: the environment's default policy.
	{Method: http.MethodGet, Path: "/resources/configurations/sessions/v1/vendor", OperationID: "SessionConfigurationControllerV1_getVendorSessionConfiguration", Auth: Vendor, handle: getVendorSessionConfiguration},
}

func listMySessions(c *call) (any, error) { return c.id().ListMySessions(c.ctx(), c.principal) }

func revokeMySession(c *call) (any, error) {
	return nil, c.id().RevokeMySession(c.ctx(), c.principal, c.param("id"))
}

func revokeAllMySessions(c *call) (any, error) {
	_, err := c.id().RevokeAllMySessions(c.ctx(), c.principal)
	return nil, err
}

func getSessionConfiguration(c *call) (any, error) {
	return c.id().GetSessionConfiguration(c.ctx(), c.principal)
}

func saveSessionConfiguration(c *call) (any, error) {
	var in identity.SessionConfigurationInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SaveSessionConfiguration(c.ctx(), c.principal, in)
}

func getVendorSessionConfiguration(c *call) (any, error) {
	return c.id().GetVendorSessionConfiguration(c.ctx())
}
