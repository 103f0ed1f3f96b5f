package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/tokens"
)

// jwtTemplateKeys are the required fields of JwtTemplateResponseDto.
var jwtTemplateKeys = []string{"id", "vendorId", "key", "name", "expiration", "algorithm", "templateSchema", "createdAt", "updatedAt"}

func templateBody(key string) map[string]any {
	return map[string]any{
		"key": key, "name": "Template " + key, "description": "for tests", "expiration": 300, "algorithm": "RS256",
		"templateSchema": map[string]any{"claims": map[string]any{"sub": "{{sub}}", "https://example.com/email": "{{user.email}}", "static": "yes"}},
	}
}

// vendorRefusals checks the auth refusals every vendor route shares: no
// token and a stale token are 401, userTok (a user's access token) is 403.
func (s *testServer) vendorRefusals(t *testing.T, userTok, method, path string, body any) {
	t.Helper()
	s.do(t, method, path, body).wantError(t, http.StatusUnauthorized)
	s.do(t, method, path, body, bearer(strings.TrimPrefix(staleBearerToken, "Bearer "))).wantError(t, http.StatusUnauthorized)
	s.do(t, method, path, body, bearer(userTok)).wantError(t, http.StatusForbidden)
}

func TestCreateJWTTemplateRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "someone@example.com")
	m := s.do(t, http.MethodPost, "/resources/jwt-templates/v1", templateBody("partner"), accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "template", m, jwtTemplateKeys...)
	if m["key"] != "partner" || m["expiration"] != float64(300) || m["algorithm"] != "RS256" || m["description"] != "for tests" {
		t.Fatalf("created template = %v", m)
	}
	claims := m["templateSchema"].(map[string]any)["claims"].(map[string]any)
	if claims["static"] != "yes" || claims["https://example.com/email"] != "{{user.email}}" {
		t.Fatalf("templateSchema = %v", m["templateSchema"])
	}

	s.do(t, http.MethodPost, "/resources/jwt-templates/v1", templateBody("partner"), accessToken(vt)).wantError(t, http.StatusConflict)
	for field, body := range map[string]map[string]any{
		"expiration":     func() map[string]any { b := templateBody("x"); b["expiration"] = 9; return b }(),
		"algorithm":      func() map[string]any { b := templateBody("x"); b["algorithm"] = "none"; return b }(),
		"key":            func() map[string]any { b := templateBody("x"); delete(b, "key"); return b }(),
		"templateSchema": func() map[string]any { b := templateBody("x"); delete(b, "templateSchema"); return b }(),
		"claims.email": func() map[string]any {
			b := templateBody("x")
			b["templateSchema"] = map[string]any{"claims": map[string]any{"email": "{{user.name}}"}}
			return b
		}(),
	} {
		msg, _ := s.do(t, http.MethodPost, "/resources/jwt-templates/v1", body, accessToken(vt)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, strings.TrimPrefix(field, "claims.")) {
			t.Errorf("%s: message %q does not name the field", field, msg)
		}
	}
	msg, _ := s.do(t, http.MethodPost, "/resources/jwt-templates/v1", `{"key":"x","name":"x","expiration":"long","algorithm":"RS256","templateSchema":{"claims":{}}}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "expiration") {
		t.Errorf("message %q does not name expiration", msg)
	}
	s.vendorRefusals(t, userTok, http.MethodPost, "/resources/jwt-templates/v1", templateBody("y"))
	page := s.do(t, http.MethodGet, "/resources/jwt-templates/v1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if n := len(page["items"].([]any)); n != 1 {
		t.Fatalf("refused creations stored templates: %d", n)
	}
}

func TestListJWTTemplatesRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "someone@example.com")
	ids := map[string]string{}
	for _, k := range []string{"b", "c", "a"} {
		m := s.do(t, http.MethodPost, "/resources/jwt-templates/v1", templateBody(k), accessToken(vt)).want(t, http.StatusCreated).object(t)
		ids[k] = m["id"].(string)
		s.clock.Advance(time.Second)
	}
	keysOf := func(m map[string]any) string {
		var ks []string
		for _, it := range m["items"].([]any) {
			ks = append(ks, it.(map[string]any)["key"].(string))
		}
		return strings.Join(ks, ",")
	}
	for q, want := range map[string]string{
		"":                               "b,c,a",
		"?_sortBy=key":                   "a,b,c",
		"?_sortBy=createdAt&_order=DESC": "a,c,b",
		"?keys=a&keys=c":                 "c,a",
		"?keys=a,b":                      "b,a",
		"?ids=" + ids["c"]:               "c",
		"?_limit=1&_offset=1":            "c",
	} {
		m := s.do(t, http.MethodGet, "/resources/jwt-templates/v1"+q, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
		wantKeys(t, "page", m, "items", "_links", "_metadata")
		if got := keysOf(m); got != want {
			t.Errorf("GET %s = %s, want %s", q, got, want)
		}
	}
	m := s.do(t, http.MethodGet, "/resources/jwt-templates/v1?_limit=1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if meta := m["_metadata"].(map[string]any); meta["totalItems"] != float64(3) || meta["totalPages"] != float64(3) {
		t.Fatalf("_metadata = %v", meta)
	}
	if links := m["_links"].(map[string]any); !strings.Contains(links["next"].(string), "_offset=1") {
		t.Fatalf("_links = %v", links)
	}
	s.do(t, http.MethodGet, "/resources/jwt-templates/v1?_sortBy=expiration", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/jwt-templates/v1?_limit=x", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.vendorRefusals(t, userTok, http.MethodGet, "/resources/jwt-templates/v1", nil)
}

func TestGetUpdateDeleteJWTTemplateRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "someone@example.com")
	created := s.do(t, http.MethodPost, "/resources/jwt-templates/v1", templateBody("partner"), accessToken(vt)).want(t, http.StatusCreated).object(t)
	id := created["id"].(string)
	path := "/resources/jwt-templates/v1/" + id

	m := s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "template", m, jwtTemplateKeys...)
	if m["id"] != id || m["key"] != "partner" {
		t.Fatalf("GET template = %v", m)
	}
	s.do(t, http.MethodGet, "/resources/jwt-templates/v1/missing", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.vendorRefusals(t, userTok, http.MethodGet, path, nil)

	up := s.do(t, http.MethodPut, path, map[string]any{"expiration": 900, "name": "Renamed"}, bearer(vt)).want(t, http.StatusOK).object(t)
	if up["expiration"] != float64(900) || up["name"] != "Renamed" || up["key"] != "partner" || up["algorithm"] != "RS256" {
		t.Fatalf("PUT template = %v", up)
	}
	msg, _ := s.do(t, http.MethodPut, path, map[string]any{"expiration": 15552001}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "expiration") {
		t.Errorf("message %q does not name expiration", msg)
	}
	s.do(t, http.MethodPut, "/resources/jwt-templates/v1/missing", map[string]any{"name": "x"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.vendorRefusals(t, userTok, http.MethodPut, path, map[string]any{"name": "x"})

	s.vendorRefusals(t, userTok, http.MethodDelete, path, nil)
	r := s.do(t, http.MethodDelete, path, nil, accessToken(vt))
	if r.code != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("DELETE = %d %s, want 204 and no body", r.code, r.body)
	}
	s.do(t, http.MethodGet, path, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, path, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
}

func targetingBody(treatment string, userIDs ...string) map[string]any {
	return map[string]any{"rules": []any{map[string]any{
		"conditionLogic": "and", "treatment": treatment,
		"conditions": []any{map[string]any{"attribute": "userId", "op": "in_list", "negate": false, "value": map[string]any{"list": userIDs}}},
	}}}
}

func TestJWTTemplateTargetingRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "someone@example.com")
	const path = "/resources/configurations/v1/jwt-template-targeting"
	s.do(t, http.MethodPost, "/resources/jwt-templates/v1", templateBody("a"), accessToken(vt)).want(t, http.StatusCreated)
	s.do(t, http.MethodPost, "/resources/jwt-templates/v1", templateBody("b"), accessToken(vt)).want(t, http.StatusCreated)

	s.do(t, http.MethodGet, path, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	msg, _ := s.do(t, http.MethodPost, path, targetingBody("nope", "u-1"), accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "rules[0].treatment") {
		t.Errorf("message %q does not name the treatment", msg)
	}
	bad := targetingBody("a", "u-1")
	bad["rules"].([]any)[0].(map[string]any)["conditions"].([]any)[0].(map[string]any)["op"] = "starts_with"
	msg, _ = s.do(t, http.MethodPost, path, bad, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "rules[0].conditions[0].op") {
		t.Errorf("message %q does not name the op", msg)
	}
	s.do(t, http.MethodPost, path, `{"rules": [{"conditionLogic": "and", "treatment": "a", "conditions": [{"attribute": "userId", "op": "in_list", "negate": false, "value": "u-1"}]}]}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.vendorRefusals(t, userTok, http.MethodPost, path, targetingBody("a", "u-1"))

	created := s.do(t, http.MethodPost, path, targetingBody("a", "u-1"), accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "targeting", created, "id", "createdAt", "updatedAt", "targeting")
	id := created["id"].(string)
	rules := created["targeting"].(map[string]any)["rules"].([]any)
	cond := rules[0].(map[string]any)["conditions"].([]any)[0].(map[string]any)
	if len(rules) != 1 || rules[0].(map[string]any)["treatment"] != "a" || cond["attribute"] != "userId" || cond["op"] != "in_list" || cond["negate"] != false {
		t.Fatalf("created targeting = %v", created)
	}
	s.do(t, http.MethodPost, path, targetingBody("a", "u-1"), accessToken(vt)).wantError(t, http.StatusConflict)

	got := s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if got["id"] != id {
		t.Fatalf("GET targeting = %v", got)
	}
	s.vendorRefusals(t, userTok, http.MethodGet, path, nil)

	put := s.do(t, http.MethodPut, path, targetingBody("b", "u-2"), accessToken(vt)).want(t, http.StatusOK).object(t)
	if put["id"] != id || put["targeting"].(map[string]any)["rules"].([]any)[0].(map[string]any)["treatment"] != "b" {
		t.Fatalf("PUT targeting = %v", put)
	}
	s.do(t, http.MethodPut, path, map[string]any{"rules": []any{map[string]any{"treatment": "b", "conditions": []any{}}}}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.vendorRefusals(t, userTok, http.MethodPut, path, targetingBody("b", "u-2"))

	patched := s.do(t, http.MethodPatch, path+"/"+id, targetingBody("a", "u-3"), accessToken(vt)).want(t, http.StatusOK).object(t)
	if patched["targeting"].(map[string]any)["rules"].([]any)[0].(map[string]any)["treatment"] != "a" {
		t.Fatalf("PATCH targeting = %v", patched)
	}
	s.do(t, http.MethodPatch, path+"/other", targetingBody("a", "u-3"), accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPatch, path+"/"+id, targetingBody("zzz", "u-3"), accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.vendorRefusals(t, userTok, http.MethodPatch, path+"/"+id, targetingBody("a", "u-3"))

	s.vendorRefusals(t, userTok, http.MethodDelete, path+"/"+id, nil)
	s.do(t, http.MethodDelete, path+"/other", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, path+"/"+id, nil, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodGet, path, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, path+"/"+id, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
}

// TestJWTTemplateLoginRoute: over HTTP, a targeted user's login answer
// carries a token with the template's claims, algorithm and lifetime.
func TestJWTTemplateLoginRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.createUser(t, testUserEmail)
	body := templateBody("hmac")
	body["algorithm"], body["expiration"] = "HS256", 45
	s.do(t, http.MethodPost, "/resources/jwt-templates/v1", body, accessToken(vt)).want(t, http.StatusCreated)
	s.do(t, http.MethodPut, "/resources/configurations/v1/jwt-template-targeting", targetingBody("hmac", userID), accessToken(vt)).want(t, http.StatusOK)

	m, _ := s.login(t, testUserEmail)
	if m["expiresIn"] != float64(45) {
		t.Fatalf("expiresIn = %v, want 45", m["expiresIn"])
	}
	cfg := s.do(t, http.MethodGet, "/resources/configurations/v1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	secret := wantString(t, cfg, "jwtSecret")
	var c tokens.Claims
	tok, err := jwt.ParseWithClaims(wantString(t, m, "accessToken"), &c, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(s.clock.Now))
	if err != nil || !tok.Valid {
		t.Fatalf("verifying the template token with jwtSecret: %v", err)
	}
	if c.Extra["https://example.com/email"] != testUserEmail || c.Extra["static"] != "yes" || c.ExpiresAt.Sub(c.IssuedAt.Time) != 45*time.Second {
		t.Fatalf("template token claims = %+v", c)
	}
	// The token authenticates the user's own routes.
	s.do(t, http.MethodGet, "/resources/users/v2/me", nil, bearer(wantString(t, m, "accessToken"))).want(t, http.StatusOK)
}
