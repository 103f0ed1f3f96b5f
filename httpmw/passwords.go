package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// passwordRoutes are the Password Settings operations: reset (by e-mail or
// SMS), change, the public password configuration, and the password
// policies (complexity, history, expiration).
var passwordRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/users/v1/passwords/reset", OperationID: "UsersPasswordControllerV1_resetPassword", Auth: Public, Status: http.StatusCreated, handle: requestPasswordReset},
	{Method: http.MethodPost, Path: "/resources/users/v1/passwords/reset/verify", OperationID: "UsersPasswordControllerV1_verifyResetPassword", Auth: Public, Status: http.StatusCreated, handle: resetPassword},
	{Method: http.MethodPost, Path: "/resources/users/v2/passwords/reset/email", OperationID: "UsersPasswordControllerV2_resetPasswordViaEmail", Auth: Public, handle: requestPasswordResetEmail},
	{Method: http.MethodPost, Path: "/resources/users/v2/passwords/reset/sms", OperationID: "UsersPasswordControllerV2_resetPasswordViaSms", Auth: Public, handle: requestPasswordResetSMS},
	{Method: http.MethodPost, Path: "/resources/users/v2/passwords/reset/sms/verify", OperationID: "UsersPasswordControllerV2_verifyResetPasswordViaSmsOtc", Auth: Public, handle: verifyPasswordResetSMS},
	{Method: http.MethodPost, Path: "/resources/users/v1/passwords/change", OperationID: "UsersPasswordControllerV1_changePassword", Auth: User, Status: http.StatusCreated, handle: changePassword},
	{Method: http.MethodGet, Path: "/resources/users/v1/passwords/config", OperationID: "UsersPasswordControllerV1_getUserPasswordConfig", Auth: Public, handle: getUserPasswordConfig},

	{Method: http.MethodPost, Path: "/resources/configurations/v1/password", OperationID: "PasswordPolicyController_addOrUpdatePasswordConfig", Auth: User, Perm: permWriteSecurityPolicy, Status: http.StatusCreated, handle: savePasswordConfig},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/password", OperationID: "PasswordPolicyController_getPasswordConfig", Auth: User, Perm: permReadSecurityPolicy, handle: getPasswordConfig},

	{Method: http.MethodPost, Path: "/resources/configurations/v1/password-history-policy", OperationID: "PasswordHistoryPolicyController_createPolicy", Auth: User, Perm: permWriteSecurityPolicy, Status: http.StatusCreated, handle: createPasswordHistoryPolicy},
	{Method: http.MethodPatch, Path: "/resources/configurations/v1/password-history-policy", OperationID: "PasswordHistoryPolicyController_updatePolicy", Auth: User, Perm: permWriteSecurityPolicy, handle: updatePasswordHistoryPolicy},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/password-history-policy", OperationID: "PasswordHistoryPolicyController_getPolicy", Auth: User, Perm: permReadSecurityPolicy, handle: getPasswordHistoryPolicy},

	{Method: http.MethodGet, Path: "/resources/configurations/v1/password-rotation", OperationID: "PasswordRotationConfigControllerV1_getPasswordRotationConfiguration", Auth: Vendor, handle: getPasswordRotation},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/password-rotation", OperationID: "PasswordRotationConfigControllerV1_upsertPasswordRotationConfiguration", Auth: Vendor, handle: savePasswordRotation},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/password-rotation/vendor", OperationID: "PasswordRotationConfigControllerV1_getVendorPasswordRotationConfiguration", Auth: Vendor, handle: getEnvironmentPasswordRotation},
}

func passwordResetInput(c *call) (identity.PasswordResetInput, error) {
	var in identity.PasswordResetInput
	return in, c.decode(&in)
}

func requestPasswordReset(c *call) (any, error) {
	in, err := passwordResetInput(c)
	if err != nil {
		return nil, err
	}
	return struct{}{}, c.id().RequestPasswordReset(c.ctx(), in)
}

func requestPasswordResetEmail(c *call) (any, error) {
	in, err := passwordResetInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().RequestPasswordResetEmail(c.ctx(), in)
}

func requestPasswordResetSMS(c *call) (any, error) {
	in, err := passwordResetInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().RequestPasswordResetSMS(c.ctx(), in)
}

func verifyPasswordResetSMS(c *call) (any, error) {
	var in identity.VerifyPasswordResetSMSInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().VerifyPasswordResetSMS(c.ctx(), in)
}

func resetPassword(c *call) (any, error) {
	var in identity.ResetPasswordInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().ResetPassword(c.ctx(), in)
}

func changePassword(c *call) (any, error) {
	var in identity.ChangePasswordInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().ChangePassword(c.ctx(), c.principal, in)
}

func getUserPasswordConfig(c *call) (any, error) {
	return c.id().GetUserPasswordConfig(c.ctx(), c.query("userId"))
}

func savePasswordConfig(c *call) (any, error) {
	var in identity.PasswordConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SavePasswordConfig(c.ctx(), c.principal, in)
}

func getPasswordConfig(c *call) (any, error) { return c.id().GetPasswordConfig(c.ctx(), c.principal) }

func passwordHistoryInput(c *call) (identity.PasswordHistoryPolicyInput, error) {
	var in identity.PasswordHistoryPolicyInput
	return in, c.decode(&in)
}

func createPasswordHistoryPolicy(c *call) (any, error) {
	in, err := passwordHistoryInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().CreatePasswordHistoryPolicy(c.ctx(), c.principal, in)
}

func updatePasswordHistoryPolicy(c *call) (any, error) {
	in, err := passwordHistoryInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().UpdatePasswordHistoryPolicy(c.ctx(), c.principal, in)
}

func getPasswordHistoryPolicy(c *call) (any, error) {
	return c.id().GetPasswordHistoryPolicy(c.ctx(), c.principal)
}

func getPasswordRotation(c *call) (any, error) {
	return c.id().GetPasswordRotationConfig(c.ctx(), c.principal)
}

func savePasswordRotation(c *call) (any, error) {
	var in identity.PasswordRotationInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SavePasswordRotationConfig(c.ctx(), c.principal, in)
}

func getEnvironmentPasswordRotation(c *call) (any, error) {
	return c.id().GetEnvironmentPasswordRotationConfig(c.ctx())
}
