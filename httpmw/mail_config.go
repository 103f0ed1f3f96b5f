package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var mailConfigRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/mail/v1/configurations", OperationID: "MailConfigController_createOrUpdateMailConfig", Auth: Vendor, Status: http.StatusCreated, handle: setMailConfig},
	{Method: http.MethodGet, Path: "/resources/mail/v1/configurations", OperationID: "MailConfigController_getMailConfig", Auth: Vendor, handle: getMailConfig},
	{Method: http.MethodDelete, Path: "/resources/mail/v1/configurations", OperationID: "MailConfigController_deleteMailConfig", Auth: Vendor, handle: deleteMailConfig},
	{Method: http.MethodPost, Path: "/resources/mail/v2/configurations", OperationID: "MailConfigController_createOrUpdateMailConfigV2", Auth: Vendor, Status: http.StatusCreated, handle: setMailConfigV2},
}

func setMailConfig(c *call) (any, error) {
	var in identity.MailConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetMailConfig(c.ctx(), in)
}

// setMailConfigV2 takes the provider settings wrapped in "payload".
func setMailConfigV2(c *call) (any, error) {
	var in struct {
		Payload *identity.MailConfigInput `json:"payload"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Payload == nil {
		return nil, &identity.Error{Kind: identity.ErrInvalidInput, Code: identity.CodeInvalidInput, Field: "payload", Message: "payload is required"}
	}
	return c.id().SetMailConfig(c.ctx(), *in.Payload)
}

func getMailConfig(c *call) (any, error) { return c.id().GetMailConfig(c.ctx()) }

func deleteMailConfig(c *call) (any, error) { return struct{}{}, c.id().DeleteMailConfig(c.ctx()) }
