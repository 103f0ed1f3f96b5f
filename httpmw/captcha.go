package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var captchaRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/configurations/v1/captcha-policy", OperationID: "CaptchaPolicyController_createCaptchaPolicy", Auth: Vendor, Status: http.StatusCreated, handle: createCaptchaPolicy},
	{Method: http.MethodPut, Path: "/resources/configurations/v1/captcha-policy", OperationID: "CaptchaPolicyController_updateCaptchaPolicy", Auth: Vendor, handle: updateCaptchaPolicy},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/captcha-policy", OperationID: "CaptchaPolicyController_getCaptchaPolicy", Auth: Vendor, handle: getCaptchaPolicy},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/captcha-policy/public", OperationID: "captcha_policy_public", Auth: Public, handle: getPublicCaptchaPolicy},
}

func createCaptchaPolicy(c *call) (any, error) {
	var in identity.CaptchaPolicyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateCaptchaPolicy(c.ctx(), in)
}

func updateCaptchaPolicy(c *call) (any, error) {
	var in identity.CaptchaPolicyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateCaptchaPolicy(c.ctx(), in)
}

func getCaptchaPolicy(c *call) (any, error) { return c.id().GetCaptchaPolicy(c.ctx()) }

func getPublicCaptchaPolicy(c *call) (any, error) { return c.id().GetPublicCaptchaPolicy(c.ctx()) }
