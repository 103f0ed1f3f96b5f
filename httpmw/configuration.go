package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var configurationRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/configurations/v1", OperationID: "VendorConfigController_getVendorConfig", Auth: Vendor, handle: getVendorConfig},
	{Method: http.MethodPost, Path: "/resources/configurations/v1", OperationID: "VendorConfigController_addOrUpdateConfig", Auth: Vendor, Status: http.StatusCreated, handle: updateVendorConfig},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/basic", OperationID: "VendorConfigController_getVendorConfigBasic", Auth: Vendor, handle: getVendorConfigBasic},
}

func getVendorConfig(c *call) (any, error)      { return c.id().GetVendorConfig(c.ctx()) }
func getVendorConfigBasic(c *call) (any, error) { return c.id().GetVendorConfigBasic(c.ctx()) }

func updateVendorConfig(c *call) (any, error) {
	var in identity.VendorConfigUpdate
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateVendorConfig(c.ctx(), in)
}
