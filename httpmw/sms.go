package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var smsRoutes = []Route{
	// SMS Configuration.
	{Method: http.MethodGet, Path: "/resources/configurations/v1/sms", OperationID: "VendorSmsController_getSmsVendorConfig", Auth: Vendor, handle: getSMSConfig},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/sms", OperationID: "VendorSmsController_createSmsVendorConfig", Auth: Vendor, Status: http.StatusCreated, handle: setSMSConfig},
	{Method: http.MethodDelete, Path: "/resources/configurations/v1/sms", OperationID: "VendorSmsController_deleteSmsVendorConfig", Auth: Vendor, handle: deleteSMSConfig},
	// SMS Templates.
	{Method: http.MethodGet, Path: "/resources/configurations/v1/sms/templates", OperationID: "VendorSmsController_getAllSmsTemplates", Auth: Vendor, handle: listSMSTemplates},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/sms/templates/default/all", OperationID: "VendorSmsController_getAllSmsDefaultTemplates", Auth: Vendor, handle: listDefaultSMSTemplates},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/sms/templates/{type}", OperationID: "VendorSmsController_getSmsTemplate", Auth: Vendor, handle: getSMSTemplate},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/sms/templates/{type}", OperationID: "VendorSmsController_createSmsTemplate", Auth: Vendor, Status: http.StatusCreated, handle: setSMSTemplate},
	{Method: http.MethodDelete, Path: "/resources/configurations/v1/sms/templates/{type}", OperationID: "VendorSmsController_deleteSmsTemplate", Auth: Vendor, handle: deleteSMSTemplate},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/sms/templates/{type}/default", OperationID: "VendorSmsController_getSmsDefaultTemplate", Auth: Vendor, handle: getDefaultSMSTemplate},
}

func getSMSConfig(c *call) (any, error) { return c.id().GetSMSConfig(c.ctx()) }

func setSMSConfig(c *call) (any, error) {
	var in identity.SMSConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetSMSConfig(c.ctx(), in)
}

func deleteSMSConfig(c *call) (any, error) { return struct{}{}, c.id().DeleteSMSConfig(c.ctx()) }

func listSMSTemplates(c *call) (any, error) { return c.id().ListSMSTemplates(c.ctx()) }

func listDefaultSMSTemplates(c *call) (any, error) { return c.id().ListDefaultSMSTemplates(c.ctx()) }

func getSMSTemplate(c *call) (any, error) { return c.id().GetSMSTemplate(c.ctx(), c.param("type")) }

func setSMSTemplate(c *call) (any, error) {
	var in identity.SMSTemplateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetSMSTemplate(c.ctx(), c.param("type"), in)
}

func deleteSMSTemplate(c *call) (any, error) {
	return struct{}{}, c.id().DeleteSMSTemplate(c.ctx(), c.param("type"))
}

func getDefaultSMSTemplate(c *call) (any, error) {
	return c.id().GetDefaultSMSTemplate(c.ctx(), c.param("type"))
}
