package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var delegationRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/configurations/v1/delegation", OperationID: "DelegationConfigurationControllerV1_getDelegationConfiguration", Auth: Vendor, handle: getDelegationConfig},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/delegation", OperationID: "DelegationConfigurationControllerV1_createOrUpdateDelegationConfiguration", Auth: Vendor, handle: putDelegationConfig},
}

func getDelegationConfig(c *call) (any, error) { return c.id().GetDelegationConfig(c.ctx()) }

func putDelegationConfig(c *call) (any, error) {
	var in identity.DelegationConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PutDelegationConfig(c.ctx(), in)
}
