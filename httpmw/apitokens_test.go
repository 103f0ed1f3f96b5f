package httpmw_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

const (
	tenantAPITokensPath    = "/resources/tenants/api-tokens/v1"
	tenantAccessTokensPath = "/resources/tenants/access-tokens/v1"
	userAPITokensPath      = "/resources/users/api-tokens/v1"
	userAccessTokensPath   = "/resources/users/access-tokens/v1"
	apiTokenAuthPath       = "/resources/auth/v2/api-token"
)

func TestTenantAPITokensHTTP(t *testing.T) {
	s := newTestServer(t)
	admin, _, tenantID := s.userToken(t, testUserEmail)
	plain, _, _ := s.plainToken(t, "plain@example.com")
	readPerm := s.permissionID(t, "fe.secure.read.users")

	// Create (v2 and deprecated v1): the secret is shown once.
	body := map[string]any{"description": "ci", "permissionIds": []string{readPerm}, "metadata": map[string]any{"team": "ops"}, "expiresInMinutes": 60}
	created := s.do(t, http.MethodPost, tenantAPITokensPath[:len(tenantAPITokensPath)-1]+"2", body, bearer(admin)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "created token", created, "clientId", "description", "tenantId", "secret", "createdByUserId", "metadata", "createdAt")
	clientID, secret := wantString(t, created, "clientId"), wantString(t, created, "secret")
	if created["tenantId"] != tenantID || created["description"] != "ci" {
		t.Fatalf("created = %v", created)
	}
	v1 := s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{"description": "old"}, bearer(admin)).want(t, http.StatusCreated).object(t)
	wantString(t, v1, "secret")

	// List: both, no secrets.
	list := s.do(t, http.MethodGet, tenantAPITokensPath, nil, bearer(admin)).want(t, http.StatusOK).array(t)
	if len(list) != 2 || (list[0]["clientId"] != clientID && list[1]["clientId"] != clientID) {
		t.Fatalf("list = %v", list)
	}
	for _, tok := range list {
		if _, ok := tok["secret"]; ok {
			t.Fatalf("listed token shows its secret: %v", tok)
		}
	}

	// Authenticate with the credentials; the token acts in the tenant
	// with its permission.
	auth := s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": clientID, "secret": secret}).want(t, http.StatusOK).object(t)
	wantKeys(t, "api-token auth", auth, "access_token", "refresh_token", "expires_in", "expires")
	p, err := s.id.Authenticate(t.Context(), wantString(t, auth, "access_token"))
	if err != nil {
		t.Fatal(err)
	}
	if p.TenantID != tenantID || p.UserID != "" || p.Claims.Type != "tenantApiToken" || !identity.Can(p, "fe.secure.read.users") || identity.Can(p, "fe.secure.write.users") {
		t.Fatalf("principal = %+v claims %+v", p, p.Claims)
	}
	s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": clientID, "secret": secret + "x"}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": "missing", "secret": secret}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"secret": secret}).wantError(t, http.StatusBadRequest)

	// Refresh: once only.
	refresh := wantString(t, auth, "refresh_token")
	again := s.do(t, http.MethodPost, apiTokenAuthPath+"/token/refresh", map[string]string{"refreshToken": refresh}).want(t, http.StatusOK).object(t)
	wantString(t, again, "access_token")
	s.do(t, http.MethodPost, apiTokenAuthPath+"/token/refresh", map[string]string{"refreshToken": refresh}).wantError(t, http.StatusUnauthorized)

	// Update.
	upd := s.do(t, http.MethodPatch, tenantAPITokensPath+"/"+clientID, map[string]any{"description": "renamed"}, bearer(admin)).want(t, http.StatusOK).object(t)
	if upd["description"] != "renamed" || upd["metadata"].(map[string]any)["team"] != "ops" {
		t.Fatalf("updated = %v", upd)
	}
	s.do(t, http.MethodPatch, tenantAPITokensPath+"/"+clientID, map[string]any{"roleIds": []string{"missing"}}, bearer(admin)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPatch, tenantAPITokensPath+"/missing", map[string]any{"description": "x"}, bearer(admin)).wantError(t, http.StatusNotFound)

	// Refusals: no permission, no token, bad input, another tenant.
	s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{}, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, tenantAPITokensPath, nil, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, tenantAPITokensPath, nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{"expiresInMinutes": 0}, bearer(admin)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{"permissionIds": []string{"nope"}}, bearer(admin)).wantError(t, http.StatusBadRequest)
	other, _, _ := s.userToken(t, "other@example.com")
	s.do(t, http.MethodDelete, tenantAPITokensPath+"/"+clientID, nil, bearer(other)).wantError(t, http.StatusNotFound)
	if n := len(s.do(t, http.MethodGet, tenantAPITokensPath, nil, bearer(other)).want(t, http.StatusOK).array(t)); n != 0 {
		t.Fatalf("another tenant sees %d tokens", n)
	}

	// The environment token acts in the tenant it names.
	vt := s.vendorToken(t)
	if n := len(s.do(t, http.MethodGet, tenantAPITokensPath, nil, bearer(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).array(t)); n != 2 {
		t.Fatalf("vendor sees %d tokens", n)
	}
	s.do(t, http.MethodGet, tenantAPITokensPath, nil, bearer(vt)).wantError(t, http.StatusBadRequest)

	// Delete: the credentials stop working.
	s.do(t, http.MethodDelete, tenantAPITokensPath+"/"+clientID, nil, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, tenantAPITokensPath+"/"+clientID, nil, bearer(admin)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, tenantAPITokensPath+"/"+clientID, nil, bearer(admin)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": clientID, "secret": secret}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, apiTokenAuthPath+"/token/refresh", map[string]string{"refreshToken": wantString(t, again, "refresh_token")}).wantError(t, http.StatusUnauthorized)
}

func TestAPITokensDisabledHTTP(t *testing.T) {
	s := newTestServer(t)
	admin, _, _ := s.userToken(t, testUserEmail)
	created := s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{}, bearer(admin)).want(t, http.StatusCreated).object(t)
	s.setConfig(t, identity.VendorConfigUpdate{APITokensEnabled: ptr(false)})
	s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": wantString(t, created, "clientId"), "secret": wantString(t, created, "secret")}).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{}, bearer(admin)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, tenantAccessTokensPath, map[string]any{}, bearer(admin)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, userAPITokensPath, map[string]any{}, bearer(admin)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, userAccessTokensPath, map[string]any{}, bearer(admin)).wantError(t, http.StatusForbidden)
	// The M2M reads refuse with the message the official SDK recognises.
	vt := s.vendorToken(t)
	msg, _ := s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/active", nil, bearer(vt)).wantError(t, http.StatusForbidden)
	if msg != "Api tokens are disabled" {
		t.Fatalf("message = %q", msg)
	}
	s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/x", nil, bearer(vt)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/x", nil, bearer(vt)).wantError(t, http.StatusForbidden)
}

func TestAPITokenExpiryHTTP(t *testing.T) {
	s := newTestServer(t)
	admin, _, _ := s.userToken(t, testUserEmail)
	created := s.do(t, http.MethodPost, tenantAPITokensPath, map[string]any{"expiresInMinutes": 5}, bearer(admin)).want(t, http.StatusCreated).object(t)
	creds := map[string]string{"clientId": wantString(t, created, "clientId"), "secret": wantString(t, created, "secret")}
	auth := s.do(t, http.MethodPost, apiTokenAuthPath, creds).want(t, http.StatusOK).object(t)
	if n := auth["expires_in"].(float64); n <= 0 || n > 300 {
		t.Fatalf("expires_in = %v, want at most the token's 5 minutes", n)
	}
	s.clock.Advance(6 * time.Minute)
	s.do(t, http.MethodPost, apiTokenAuthPath, creds).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, apiTokenAuthPath+"/token/refresh", map[string]string{"refreshToken": wantString(t, auth, "refresh_token")}).wantError(t, http.StatusUnauthorized)
}

func TestTenantAccessTokensHTTP(t *testing.T) {
	s := newTestServer(t)
	admin, _, tenantID := s.userToken(t, testUserEmail)
	plain, _, _ := s.plainToken(t, "plain@example.com")
	roleID := s.roleID(t, identity.RoleReadOnly)
	created := s.do(t, http.MethodPost, tenantAccessTokensPath, map[string]any{"description": "bot", "roleIds": []string{roleID}}, bearer(admin)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "access token", created, "id", "createdAt", "roleIds", "createdByUserId", "secret")
	tokID, jwt := wantString(t, created, "id"), wantString(t, created, "secret")
	p, err := s.id.Authenticate(t.Context(), jwt)
	if err != nil {
		t.Fatal(err)
	}
	if p.TenantID != tenantID || p.Claims.Type != "tenantAccessToken" || p.Claims.Subject != tokID || !identity.Can(p, "fe.secure.read.users") || identity.Can(p, "fe.secure.write.users") {
		t.Fatalf("principal = %+v claims %+v", p, p.Claims)
	}
	m := s.do(t, http.MethodGet, tenantAccessTokensPath, nil, bearer(admin)).want(t, http.StatusOK).object(t)
	toks := m["accessTokens"].([]any)
	if len(toks) != 1 || toks[0].(map[string]any)["id"] != tokID || toks[0].(map[string]any)["secret"] != nil {
		t.Fatalf("list = %v", m)
	}
	// M2M: the environment reads it.
	vt := s.vendorToken(t)
	data := s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/"+tokID, nil, bearer(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "tenant access token data", data, "id", "tenantId", "permissions", "roles")
	if data["tenantId"] != tenantID || len(data["roles"].([]any)) != 1 {
		t.Fatalf("data = %v", data)
	}
	var active []string
	decodeJSON(t, s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/active", nil, bearer(vt)).want(t, http.StatusOK).body, &active)
	if len(active) != 1 || active[0] != tokID {
		t.Fatalf("active = %v", active)
	}
	s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/active", nil, bearer(admin)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/"+tokID, nil, bearer(admin)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/missing", nil, bearer(vt)).wantError(t, http.StatusNotFound)

	// Refusals.
	s.do(t, http.MethodPost, tenantAccessTokensPath, map[string]any{}, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, tenantAccessTokensPath, nil, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, tenantAccessTokensPath, map[string]any{"roleIds": []string{"missing"}}, bearer(admin)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodDelete, tenantAccessTokensPath+"/"+tokID, nil, bearer(plain)).wantError(t, http.StatusForbidden)

	// Revoke.
	s.do(t, http.MethodDelete, tenantAccessTokensPath+"/"+tokID, nil, bearer(admin)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, tenantAccessTokensPath+"/"+tokID, nil, bearer(admin)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/"+tokID, nil, bearer(vt)).wantError(t, http.StatusNotFound)
	decodeJSON(t, s.do(t, http.MethodGet, "/resources/vendor-only/tenants/access-tokens/v1/active", nil, bearer(vt)).want(t, http.StatusOK).body, &active)
	if len(active) != 0 {
		t.Fatalf("active after revocation = %v", active)
	}
}

func TestPersonalTokensHTTP(t *testing.T) {
	s := newTestServer(t)
	admin, userID, tenantID := s.userToken(t, testUserEmail)
	plain, _, _ := s.plainToken(t, "plain@example.com")

	// Client credentials of the user.
	created := s.do(t, http.MethodPost, userAPITokensPath, map[string]any{"description": "cli", "metadata": map[string]any{"a": 1}}, bearer(admin)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "user api token", created, "clientId", "description", "metadata", "createdAt", "secret")
	clientID, secret := wantString(t, created, "clientId"), wantString(t, created, "secret")
	list := s.do(t, http.MethodGet, userAPITokensPath, nil, bearer(admin)).want(t, http.StatusOK).array(t)
	if len(list) != 1 || list[0]["clientId"] != clientID || list[0]["secret"] != nil {
		t.Fatalf("list = %v", list)
	}
	auth := s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": clientID, "secret": secret}).want(t, http.StatusOK).object(t)
	p, err := s.id.Authenticate(t.Context(), wantString(t, auth, "access_token"))
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != userID || p.TenantID != tenantID || p.Claims.Type != "userApiToken" || !identity.Can(p, "fe.secure.write.users") {
		t.Fatalf("principal = %+v claims %+v", p, p.Claims)
	}
	s.do(t, http.MethodPost, userAPITokensPath, map[string]any{"expiresInMinutes": 5256001}, bearer(admin)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, userAPITokensPath, nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodDelete, userAPITokensPath+"/"+clientID, nil, bearer(plain)).wantError(t, http.StatusForbidden)
	other, _, _ := s.userToken(t, "other@example.com")
	s.do(t, http.MethodDelete, userAPITokensPath+"/"+clientID, nil, bearer(other)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, userAPITokensPath+"/"+clientID, nil, bearer(admin)).want(t, http.StatusOK)
	s.do(t, http.MethodPost, apiTokenAuthPath, map[string]string{"clientId": clientID, "secret": secret}).wantError(t, http.StatusUnauthorized)

	// Personal access tokens.
	acc := s.do(t, http.MethodPost, userAccessTokensPath, map[string]any{"description": "script", "expiresInMinutes": 10}, bearer(admin)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "user access token", acc, "id", "createdAt", "secret", "expires")
	accID := wantString(t, acc, "id")
	p, err = s.id.Authenticate(t.Context(), wantString(t, acc, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID != userID || p.TenantID != tenantID || p.Claims.Type != "userAccessToken" || p.Claims.Subject != accID {
		t.Fatalf("principal = %+v claims %+v", p, p.Claims)
	}
	m := s.do(t, http.MethodGet, userAccessTokensPath, nil, bearer(admin)).want(t, http.StatusOK).object(t)
	if toks := m["accessTokens"].([]any); len(toks) != 1 || toks[0].(map[string]any)["id"] != accID {
		t.Fatalf("list = %v", m)
	}
	s.do(t, http.MethodPost, userAccessTokensPath, map[string]any{"expiresInMinutes": -1}, bearer(admin)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, userAccessTokensPath, nil, bearer(plain)).wantError(t, http.StatusForbidden)

	// M2M: active listing and data.
	vt := s.vendorToken(t)
	ids := s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/active", nil, bearer(vt)).want(t, http.StatusOK)
	var active []string
	decodeJSON(t, ids.body, &active)
	if len(active) != 1 || active[0] != accID {
		t.Fatalf("active = %v", active)
	}
	s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/active", nil, bearer(admin)).wantError(t, http.StatusForbidden)
	data := s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/"+accID, nil, bearer(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "user access token data", data, "userId", "id", "tenantId", "permissions", "roles")
	if data["userId"] != userID || len(data["permissions"].([]any)) == 0 {
		t.Fatalf("data = %v", data)
	}
	s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/missing", nil, bearer(vt)).wantError(t, http.StatusNotFound)

	// Expired tokens leave the active listing; revoked ones too.
	s.clock.Advance(11 * time.Minute)
	decodeJSON(t, s.do(t, http.MethodGet, "/resources/vendor-only/users/access-tokens/v1/active", nil, bearer(vt)).want(t, http.StatusOK).body, &active)
	if len(active) != 0 {
		t.Fatalf("active after expiry = %v", active)
	}
	admin2, _ := s.login(t, testUserEmail)
	tok2 := wantString(t, admin2, "accessToken")
	s.do(t, http.MethodDelete, userAccessTokensPath+"/"+accID, nil, bearer(plain)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, userAccessTokensPath+"/"+accID, nil, bearer(tok2)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, userAccessTokensPath+"/"+accID, nil, bearer(tok2)).wantError(t, http.StatusNotFound)
}

func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}
