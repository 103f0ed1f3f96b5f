package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var userQueryRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/users/v3", OperationID: "UsersControllerV3_getUsers", Auth: User, Perm: identity.PermReadUsers, handle: listUsers},
	{Method: http.MethodGet, Path: "/resources/users/v1/query/phrase", OperationID: "UsersControllerV1_searchUsers", Auth: User, Perm: identity.PermReadUsers, handle: searchUsers},
}

// userQuery reads the filters users/v3 and the phrase search share.
func (c *call) userQuery() (identity.UserQuery, error) {
	include, err := c.queryBool("_includeSubTenants")
	if err != nil {
		return identity.UserQuery{}, err
	}
	return identity.UserQuery{
		TenantID: c.query("_tenantId"), IncludeSubTenants: include,
		IDs: c.queryList("ids"), ExternalIDs: c.queryList("_externalIds"),
		Email: c.query("_email"), NamePrefix: c.query("_namePrefix"),
		Identifier: c.query("_identifier"), IdentifierType: c.query("_identifierType"),
	}, nil
}

func listUsers(c *call) (any, error) {
	q, err := c.userQuery()
	if err != nil {
		return nil, err
	}
	page, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListUsers(c.ctx(), c.principal, q, page)
}

func searchUsers(c *call) (any, error) {
	q, err := c.userQuery()
	if err != nil {
		return nil, err
	}
	approx, err := c.queryBool("_phraseSearchApproximate")
	if err != nil {
		return nil, err
	}
	q.Contains, q.Optional, q.Excludes = c.queryList("_phraseSearchContains"), c.queryList("_phraseSearchOptional"), c.queryList("_phraseSearchExcludes")
	q.Approximate = approx != nil && *approx
	page, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().SearchUsers(c.ctx(), c.principal, q, page)
}
