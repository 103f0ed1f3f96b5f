package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// usernameRoutes are users' usernames, which sign in in place of an e-mail.
var usernameRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/usernames/v1", OperationID: "UsernamesControllerV1_getUsersUsernames", Auth: User, Perm: identity.PermReadUsers, handle: listUsernames},
	{Method: http.MethodPost, Path: "/resources/usernames/v1", OperationID: "UsernamesControllerV1_createUsername", Auth: User, Status: http.StatusCreated, handle: setMyUsername},
	{Method: http.MethodDelete, Path: "/resources/usernames/v1/{username}", OperationID: "UsernamesControllerV1_deleteUsername", Auth: User, handle: deleteUsername},
	{Method: http.MethodGet, Path: "/resources/usernames/v1/me", OperationID: "UsernamesControllerV1_getMeUsernames", Auth: User, handle: myUsername},
}

func listUsernames(c *call) (any, error) {
	pq, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListUsernames(c.ctx(), c.principal, identity.UsernameQuery{PageQuery: pq,
		Prefix: c.query("_usernamePrefix"), UserIDs: c.queryList("userIds"), Usernames: c.queryList("usernames")})
}

func setMyUsername(c *call) (any, error) {
	var in struct {
		Username string `json:"username"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetMyUsername(c.ctx(), c.principal, in.Username)
}

func deleteUsername(c *call) (any, error) {
	return emptyBody, c.id().DeleteUsername(c.ctx(), c.principal, c.param("username"))
}

func myUsername(c *call) (any, error) { return c.id().MyUsername(c.ctx(), c.principal) }
