package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
)

// vendorConfigKeys are the required fields of the spec's
// VendorConfigResponse.
var vendorConfigKeys = []string{"id", "defaultTokenExpiration", "defaultRefreshTokenExpiration", "publicKey", "cookieSameSite", "allowSignups", "apiTokensEnabled", "allowOverridePasswordComplexity", "allowOverridePasswordExpiration", "allowOverrideEnforcePasswordHistory", "jwtAlgorithm", "jwtSecret", "allowNotVerifiedUsersLogin", "forcePermissions", "authStrategy", "defaultPasswordlessTokenExpiration", "forceSameDeviceOnAuth", "allowTenantInvitations", "rotateRefreshTokens", "machineToMachineAuthStrategy", "addRolesToJwt", "addPermissionsToJwt", "refreshTokensRotationLimit", "addSamlAttributesToJwt", "allowCustomLoginTenantSwitch"}

func TestGetVendorConfigRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)

	// The Node SDK sends only x-access-token.
	m := s.do(t, http.MethodGet, "/resources/configurations/v1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "vendor config", m, vendorConfigKeys...)
	pem := wantString(t, m, "publicKey")
	if !strings.HasPrefix(pem, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("publicKey = %q, want an SPKI PEM", pem)
	}
	if m["defaultTokenExpiration"] != float64(86400) || m["jwtAlgorithm"] != "RS256" || m["rotateRefreshTokens"] != true || m["cookieSameSite"] != "LAX" {
		t.Fatalf("defaults = %v", m)
	}
	s.do(t, http.MethodGet, "/resources/configurations/v1", nil, bearer(vt)).want(t, http.StatusOK)

	s.do(t, http.MethodGet, "/resources/configurations/v1", nil).wantError(t, http.StatusUnauthorized)
	userTok, _, _ := s.userToken(t, testUserEmail)
	s.do(t, http.MethodGet, "/resources/configurations/v1", nil, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/configurations/v1", nil, accessToken(userTok)).wantError(t, http.StatusForbidden)
}

func TestUpdateVendorConfigRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)

	m := s.do(t, http.MethodPost, "/resources/configurations/v1", map[string]any{"defaultTokenExpiration": 900, "allowSignups": false, "cookieSameSite": "STRICT"}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "updated config", m, vendorConfigKeys...)
	if m["defaultTokenExpiration"] != float64(900) || m["allowSignups"] != false || m["cookieSameSite"] != "STRICT" || m["rotateRefreshTokens"] != true {
		t.Fatalf("updated config = %v", m)
	}
	// The change takes effect: sign-up is now refused.
	s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]any{"email": "a@example.com", "password": testPassword, "companyName": "C"}).wantError(t, http.StatusForbidden)

	msg, _ := s.do(t, http.MethodPost, "/resources/configurations/v1", map[string]any{"cookieSameSite": "sometimes"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "cookieSameSite") {
		t.Errorf("message %q does not name the field", msg)
	}
	msg, _ = s.do(t, http.MethodPost, "/resources/configurations/v1", `{"defaultTokenExpiration": "long"}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "defaultTokenExpiration") {
		t.Errorf("message %q does not name the field", msg)
	}
	s.do(t, http.MethodPost, "/resources/configurations/v1", map[string]any{"allowSignups": true}).wantError(t, http.StatusUnauthorized)
	userTok, _, _ := s.userToken(t, testUserEmail)
	s.do(t, http.MethodPost, "/resources/configurations/v1", map[string]any{"allowSignups": true}, bearer(userTok)).wantError(t, http.StatusForbidden)

	cfg := s.do(t, http.MethodGet, "/resources/configurations/v1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if cfg["defaultTokenExpiration"] != float64(900) || cfg["cookieSameSite"] != "STRICT" {
		t.Fatalf("refused updates changed the config: %v", cfg)
	}
}

func TestVendorConfigBasicRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	m := s.do(t, http.MethodGet, "/resources/configurations/v1/basic", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "basic config", m, "forcePermissions", "machineToMachineAuthStrategy")
	if m["machineToMachineAuthStrategy"] != "ClientCredentials" || m["forcePermissions"] != false {
		t.Fatalf("basic config = %v", m)
	}
	s.do(t, http.MethodGet, "/resources/configurations/v1/basic", nil).wantError(t, http.StatusUnauthorized)
	userTok, _, _ := s.userToken(t, testUserEmail)
	s.do(t, http.MethodGet, "/resources/configurations/v1/basic", nil, bearer(userTok)).wantError(t, http.StatusForbidden)
}
