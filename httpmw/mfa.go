package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// Permissions of the MFA policy routes.
const (
	permReadSecurityPolicy  = "fe.secure.read.securityPolicy"
	permWriteSecurityPolicy = "fe.secure.write.securityPolicy"
)

// RememberDeviceCookie holds the remember-device token an MFA login hands
// to a browser that asked to be remembered. It is HttpOnly, and read back
// on every login.
const RememberDeviceCookie = "fe_mfa_device"

var mfaRoutes = []Route{
	// The MFA step of a login (public: the mfaToken is the credential).
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/recover", OperationID: "AuthenticationMFAControllerV1_recoverMfa", Auth: Public, handle: recoverMFA},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/verify", OperationID: "AuthenticationMFAControllerV1_verifyAuthenticatorMfaCode", Auth: Public, Status: http.StatusCreated, handle: verifyMFAAuthenticator},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/authenticator/{deviceId}/verify", OperationID: "AuthenticationMFAControllerV1_verifyAuthenticatorMfa", Auth: Public, Status: http.StatusCreated, handle: verifyMFAAuthenticator},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/emailcode", OperationID: "AuthenticationMFAControllerV1_preVerifyEmailOtcMfa", Auth: Public, Status: http.StatusCreated, handle: requestMFAEmailCode},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/emailcode/verify", OperationID: "AuthenticationMFAControllerV1_verifyEmailOtcMfa", Auth: Public, Status: http.StatusCreated, handle: verifyMFAEmailCode},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/sms/{deviceId}", OperationID: "AuthenticationMFAControllerV1_preVerifySmsMfa", Auth: Public, Status: http.StatusCreated, handle: requestMFASMSCode},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/sms/{deviceId}/verify", OperationID: "AuthenticationMFAControllerV1_verifySmsMfa", Auth: Public, Status: http.StatusCreated, handle: verifyMFASMSCode},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/webauthn/{deviceId}", OperationID: "AuthenticationMFAControllerV1_preVerifyWebauthnMfa", Auth: Public, Status: http.StatusCreated, handle: requestMFAWebAuthn},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/webauthn/{deviceId}/verify", OperationID: "AuthenticationMFAControllerV1_verifyWebauthnMfa", Auth: Public, Status: http.StatusCreated, handle: verifyMFAWebAuthn},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/authenticator/enroll", OperationID: "AuthenticationMFAControllerV1_preEnrollAuthenticatorMfa", Auth: Public, Status: http.StatusCreated, handle: preEnrollMFAAuthenticatorForLogin},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/authenticator/enroll/verify", OperationID: "AuthenticationMFAControllerV1_enrollAuthenticatorMfa", Auth: Public, Status: http.StatusCreated, handle: enrollMFAAuthenticatorForLogin},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/sms/enroll", OperationID: "AuthenticationMFAControllerV1_preEnrollSmsMfa", Auth: Public, Status: http.StatusCreated, handle: preEnrollMFASMSForLogin},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/sms/enroll/verify", OperationID: "AuthenticationMFAControllerV1_enrollSmsMfa", Auth: Public, Status: http.StatusCreated, handle: enrollMFASMSForLogin},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/webauthn/enroll", OperationID: "AuthenticationMFAControllerV1_preEnrollWebauthnMfa", Auth: Public, Status: http.StatusCreated, handle: preEnrollMFAWebAuthnForLogin},
	{Method: http.MethodPost, Path: "/resources/auth/v1/user/mfa/webauthn/enroll/verify", OperationID: "AuthenticationMFAControllerV1_enrollWebauthnMfa", Auth: Public, Status: http.StatusCreated, handle: enrollMFAWebAuthnForLogin},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/mfa-policy/allow-remember-device", OperationID: "SecurityPolicyController_checkIfAllowToRememberDevice", Auth: Public, handle: checkRememberDevice},

	// Self-service: the logged-in user's own factors.
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/enroll", OperationID: "UsersMfaControllerV1_enrollAuthAppMfa", Auth: User, handle: preEnrollAuthenticatorApp},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/authenticator/enroll", OperationID: "UsersMfaControllerV1_enrollAuthenticatorMfa", Auth: User, handle: preEnrollAuthenticatorApp},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/enroll/verify", OperationID: "UsersMfaControllerV1_verifyAuthAppMfaEnrollment", Auth: User, handle: enrollAuthenticatorApp},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/authenticator/enroll/verify", OperationID: "UsersMfaControllerV1_verifyAuthenticatorMfaEnrollment", Auth: User, handle: enrollAuthenticatorApp},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/sms/enroll", OperationID: "UsersMfaControllerV1_preEnrollSmsMfa", Auth: User, handle: preEnrollSMS},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/sms/enroll/verify", OperationID: "UsersMfaControllerV1_enrollSmsMfa", Auth: User, handle: enrollSMS},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/disable", OperationID: "UsersMfaControllerV1_disableAuthAppMfa", Auth: User, handle: disableAuthenticatorApp},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/authenticator/{deviceId}/disable/verify", OperationID: "UsersMfaControllerV1_disableAuthenticatorMfa", Auth: User, handle: disableAuthenticatorApp},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/sms/{deviceId}/disable", OperationID: "UsersMfaControllerV1_preDisableSMSMfa", Auth: User, handle: preDisableSMS},
	{Method: http.MethodPost, Path: "/resources/users/v1/mfa/sms/{deviceId}/disable/verify", OperationID: "UsersMfaControllerV1_disableSMSMfa", Auth: User, handle: disableSMS},
	{Method: http.MethodGet, Path: "/resources/users/v1/mfa/devices", OperationID: "users_mfa_devices", Auth: User, handle: myMFADevices},

	// Vendor: remove every factor of a user.
	{Method: http.MethodPost, Path: "/resources/vendor-only/users/v1/{userId}/mfa/unenroll", OperationID: "VendorOnlyUsers_MFAUnenroll", Auth: Vendor, handle: unenrollMFA},

	// MFA Settings: policy (per tenant, or environment-wide) and strategies.
	{Method: http.MethodGet, Path: "/resources/configurations/v1/mfa-policy", OperationID: "SecurityPolicyController_getSecurityPolicy", Auth: User, Perm: permReadSecurityPolicy, handle: getMFAPolicy},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/mfa-policy", OperationID: "SecurityPolicyController_createMfaPolicy", Auth: User, Perm: permWriteSecurityPolicy, Status: http.StatusCreated, handle: createMFAPolicy},
	{Method: http.MethodPatch, Path: "/resources/configurations/v1/mfa-policy", OperationID: "SecurityPolicyController_updateSecurityPolicy", Auth: User, Perm: permWriteSecurityPolicy, handle: updateMFAPolicy},
	{Method: http.MethodPut, Path: "/resources/configurations/v1/mfa-policy", OperationID: "SecurityPolicyController_upsertSecurityPolicy", Auth: User, Perm: permWriteSecurityPolicy, handle: upsertMFAPolicy},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/mfa/strategies", OperationID: "MFAStrategiesControllerV1_getMFAStrategies", Auth: Vendor, handle: getMFAStrategies},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/mfa/strategies", OperationID: "MFAStrategiesControllerV1_createOrUpdateMFAStrategy", Auth: Vendor, Status: http.StatusCreated, handle: setMFAStrategy},

	// MFA Configuration.
	{Method: http.MethodGet, Path: "/resources/configurations/v1/mfa", OperationID: "MfaController_getMfaConfig", Auth: Vendor, handle: getMFAConfig},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/mfa", OperationID: "MfaController_upsertMfaConfig", Auth: Vendor, Status: http.StatusCreated, handle: updateMFAConfig},
}

// setAuthCookies sets the refresh cookie of a completed login and, when
// the user asked to be remembered, the remember-device cookie.
func (h *Handler) setAuthCookies(c *call, res *identity.AuthResponse) error {
	if res != nil && res.RememberDevice != nil {
		http.SetCookie(c.w, h.cookie(c, RememberDeviceCookie, res.RememberDevice.Token, res.RememberDevice.Lifetime, "LAX"))
	}
	return h.setRefreshCookie(c, res)
}

// authed answers a completed MFA step: the tokens, with their cookies.
func authed(c *call, res *identity.AuthResponse, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return res, c.h.setAuthCookies(c, res)
}

func recoverMFA(c *call) (any, error) {
	var in identity.RecoverMFAInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().RecoverMFA(c.ctx(), in, c.client())
	return authed(c, res, err)
}

func verifyMFAAuthenticator(c *call) (any, error) {
	var in identity.VerifyMFAInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().VerifyMFAAuthenticator(c.ctx(), c.param("deviceId"), in, c.client())
	return authed(c, res, err)
}

type mfaTokenBody struct {
	MFAToken string `json:"mfaToken"`
}

func requestMFAEmailCode(c *call) (any, error) {
	var in mfaTokenBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().RequestMFAEmailCode(c.ctx(), in.MFAToken)
}

func verifyMFAEmailCode(c *call) (any, error) {
	var in identity.VerifyMFACodeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().VerifyMFAEmailCode(c.ctx(), in, c.client())
	return authed(c, res, err)
}

func requestMFASMSCode(c *call) (any, error) {
	var in mfaTokenBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().RequestMFASMSCode(c.ctx(), c.param("deviceId"), in.MFAToken)
}

func verifyMFASMSCode(c *call) (any, error) {
	var in identity.VerifyMFACodeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().VerifyMFASMSCode(c.ctx(), c.param("deviceId"), in, c.client())
	return authed(c, res, err)
}

func requestMFAWebAuthn(c *call) (any, error) {
	var in mfaTokenBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().RequestMFAWebAuthn(c.ctx(), c.param("deviceId"), in.MFAToken)
}

func verifyMFAWebAuthn(c *call) (any, error) {
	var in identity.VerifyMFAWebAuthnInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().VerifyMFAWebAuthn(c.ctx(), c.param("deviceId"), in, c.client())
	return authed(c, res, err)
}

func preEnrollMFAAuthenticatorForLogin(c *call) (any, error) {
	var in mfaTokenBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PreEnrollMFAAuthenticatorForLogin(c.ctx(), in.MFAToken)
}

func enrollMFAAuthenticatorForLogin(c *call) (any, error) {
	var in identity.EnrollMFAInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().EnrollMFAAuthenticatorForLogin(c.ctx(), in, c.client())
	return authed(c, res, err)
}

func preEnrollMFASMSForLogin(c *call) (any, error) {
	var in identity.PreEnrollSMSInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PreEnrollMFASMSForLogin(c.ctx(), in)
}

func enrollMFASMSForLogin(c *call) (any, error) {
	var in identity.VerifyMFACodeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().EnrollMFASMSForLogin(c.ctx(), in, c.client())
	return authed(c, res, err)
}

func preEnrollMFAWebAuthnForLogin(c *call) (any, error) {
	var in mfaTokenBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PreEnrollMFAWebAuthnForLogin(c.ctx(), in.MFAToken)
}

func enrollMFAWebAuthnForLogin(c *call) (any, error) {
	var in identity.EnrollMFAWebAuthnInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	res, err := c.id().EnrollMFAWebAuthnForLogin(c.ctx(), in, c.client())
	return authed(c, res, err)
}

func checkRememberDevice(c *call) (any, error) {
	return c.id().CheckRememberDevice(c.ctx(), c.query("mfaToken"))
}

func preEnrollAuthenticatorApp(c *call) (any, error) {
	return c.id().PreEnrollAuthenticatorApp(c.ctx(), c.principal)
}

func enrollAuthenticatorApp(c *call) (any, error) {
	var in struct {
		Token string `json:"token"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().EnrollAuthenticatorApp(c.ctx(), c.principal, in.Token)
}

func preEnrollSMS(c *call) (any, error) {
	var in identity.PreEnrollSMSInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PreEnrollSMS(c.ctx(), c.principal, in.PhoneNumber)
}

type codeBody struct {
	OTCToken string `json:"otcToken"`
	Code     string `json:"code"`
}

func enrollSMS(c *call) (any, error) {
	var in codeBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().EnrollSMS(c.ctx(), c.principal, in.OTCToken, in.Code)
}

func disableAuthenticatorApp(c *call) (any, error) {
	var in struct {
		Token string `json:"token"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().DisableAuthenticatorApp(c.ctx(), c.principal, c.param("deviceId"), in.Token)
}

func preDisableSMS(c *call) (any, error) {
	return c.id().PreDisableSMS(c.ctx(), c.principal, c.param("deviceId"))
}

func disableSMS(c *call) (any, error) {
	var in codeBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().DisableSMS(c.ctx(), c.principal, c.param("deviceId"), in.OTCToken, in.Code)
}

func myMFADevices(c *call) (any, error) { return c.id().MyMFADevices(c.ctx(), c.principal) }

func unenrollMFA(c *call) (any, error) {
	return struct{}{}, c.id().UnenrollMFA(c.ctx(), c.param("userId"))
}

func getMFAPolicy(c *call) (any, error) { return c.id().GetMFAPolicy(c.ctx(), c.principal) }

func mfaPolicyInput(c *call) (identity.MFAPolicyInput, error) {
	var in identity.MFAPolicyInput
	return in, c.decode(&in)
}

func createMFAPolicy(c *call) (any, error) {
	in, err := mfaPolicyInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().CreateMFAPolicy(c.ctx(), c.principal, in)
}

func updateMFAPolicy(c *call) (any, error) {
	in, err := mfaPolicyInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().UpdateMFAPolicy(c.ctx(), c.principal, in)
}

func upsertMFAPolicy(c *call) (any, error) {
	in, err := mfaPolicyInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().UpsertMFAPolicy(c.ctx(), c.principal, in)
}

func getMFAStrategies(c *call) (any, error) { return c.id().GetMFAStrategies(c.ctx()) }

func setMFAStrategy(c *call) (any, error) {
	var in identity.MFAStrategyInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetMFAStrategy(c.ctx(), in)
}

func getMFAConfig(c *call) (any, error) { return c.id().GetMFAConfig(c.ctx()) }

func updateMFAConfig(c *call) (any, error) {
	var in identity.MFAConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateMFAConfig(c.ctx(), in)
}
