package httpmw

// routeTable is the single list of mounted routes, assembled from the API
// areas. Mounting, authentication and the coverage report all read it.
// Routes that name no API belong to the identity API.
func routeTable() []Route {
	var all []Route
	for _, area := range [][]Route{
		environmentRoutes,
		authenticationRoutes,
		passwordlessRoutes,
		userEmailsPolicyRoutes,
		emailTemplateRoutes,
		mailConfigRoutes,
		activationRoutes,
		userRoutes,
		meRoutes,
		configurationRoutes,
		groupRoutes,
		applicationRoutes,
		roleRoutes,
		permissionRoutes,
		userRoleRoutes,
		emailRoutes,
		usernameRoutes,
		phoneNumberRoutes,
		userFlagRoutes,
		mfaRoutes,
		smsRoutes,
		userInviteRoutes,
		activationLinkRoutes,
		lifecycleRoutes,
		jwtTemplateRoutes,
		captchaRoutes,
		delegationRoutes,
		tenancyRoutes,
		userQueryRoutes,
		tenantInviteRoutes,
		sessionRoutes,
		apiTokenRoutes,
		passwordRoutes,
		lockoutRoutes,
		ipRestrictionRoutes,
		domainRestrictionRoutes,
		// The accounts API (NewAccounts).
		tenantRoutes,
		subTenantRoutes,
		accountSettingsRoutes,
		tenantMigrationRoutes,
	} {
		for _, r := range area {
			if r.API == "" {
				r.API = APIIdentity
			}
			all = append(all, r)
		}
	}
	return all
}

// ExtraRoutes are mounted routes of the identity API that are not
// operations of its specification but that the official clients call.
var ExtraRoutes = map[string]string{
	"POST /auth/vendor":                                          "environment authentication (spec/env-auth-openapi.json); @frontegg/client calls it",
	"GET /resources/users/v3/me/tenants":                         "@frontegg/rest-api's loginv2/refreshTokenV3 read it after login",
	"GET /.well-known/jwks.json":                                 "public keys for verifying access tokens",
	"GET /resources/configurations/v1/captcha-policy/public":     "@frontegg/rest-api's getCaptchaPolicy: the login box reads the site key (never the secret) to render the CAPTCHA",
	"GET /resources/vendor-only/tenants/access-tokens/v1/active": "@frontegg/client's TenantAccessTokenService lists the live tenant access tokens to check a tenantAccessToken is not revoked",
	"GET /resources/users/v1/mfa/devices":                        "@frontegg/rest-api's getMFADevices lists the user's MFA devices (ids the disable routes need)",
}
