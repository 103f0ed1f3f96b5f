package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var emailTemplateRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/mail/v1/configs/templates", OperationID: "MailV1Controller_addOrUpdateTemplate", Auth: Vendor, Status: http.StatusCreated, handle: setEmailTemplate},
	{Method: http.MethodGet, Path: "/resources/mail/v1/configs/templates", OperationID: "MailV1Controller_getTemplateConfiguration", Auth: Vendor, handle: listEmailTemplates},
	{Method: http.MethodDelete, Path: "/resources/mail/v1/configs/templates/{templateId}", OperationID: "MailV1Controller_deleteTemplate", Auth: Vendor, handle: deleteEmailTemplate},
	{Method: http.MethodGet, Path: "/resources/mail/v1/configs/{type}/default", OperationID: "MailV1Controller_getDefaultTemplateConfiguration", Auth: Vendor, handle: getDefaultEmailTemplate},
}

func setEmailTemplate(c *call) (any, error) {
	var in identity.EmailTemplateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetEmailTemplate(c.ctx(), in)
}

func listEmailTemplates(c *call) (any, error) {
	return c.id().ListEmailTemplates(c.ctx(), c.query("type"))
}

func deleteEmailTemplate(c *call) (any, error) {
	return struct{}{}, c.id().DeleteEmailTemplate(c.ctx(), c.param("templateId"))
}

func getDefaultEmailTemplate(c *call) (any, error) {
	return c.id().GetDefaultEmailTemplate(c.ctx(), c.param("type"))
}
