package httpmw

import (
	"net/http"
)

var environmentRoutes = []Route{
	{Method: http.MethodPost, Path: "/auth/vendor", OperationID: "authenticate_vendor", Auth: Public, handle: authenticateVendor},
	{Method: http.MethodGet, Path: "/.well-known/jwks.json", OperationID: "jwks", Auth: Public, handle: getJWKS},
}

func authenticateVendor(c *call) (any, error) {
	var in struct {
		ClientID string `json:"clientId"`
		Secret   string `json:"secret"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AuthenticateVendor(c.ctx(), in.ClientID, in.Secret)
}

func getJWKS(c *call) (any, error) { return c.id().JWKS(c.ctx()) }
