package httpmw_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// userDtoKeys are the required fields of the spec's UserDto.
var userDtoKeys = []string{"id", "email", "name", "profilePictureUrl", "sub", "verified", "mfaEnrolled", "roles", "permissions", "provider", "tenantId", "tenantIds", "tenants", "metadata", "vendorMetadata", "createdAt", "lastLogin", "subAccountAccessAllowed"}

func TestCreateUserRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	_, tenantID := s.createUser(t, testUserEmail)

	body := map[string]any{"email": "Bob@Example.com", "name": "Bob", "password": testPassword, "tenantId": tenantID, "metadata": `{"a":1}`, "phoneNumber": "", "unknownField": 1}
	m := s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", body, accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "created user", m, userDtoKeys...)
	if m["email"] != "bob@example.com" || m["tenantId"] != tenantID || m["verified"] != true || m["metadata"] != `{"a":1}` {
		t.Fatalf("created user = %v", m)
	}
	// The new user can log in.
	s.login(t, "bob@example.com")

	// Authorization: Bearer works for the vendor token as well.
	body["email"] = "carl@example.com"
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", body, bearer(vt)).want(t, http.StatusCreated)

	userTok, _, _ := s.userToken(t, "user@example.com")
	body["email"] = "dan@example.com"
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", body).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", body, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", body, accessToken("garbage")).wantError(t, http.StatusUnauthorized)

	bad := map[string]any{"email": "dan@example.com", "tenantId": tenantID, "metadata": "{not json"}
	msg, _ := s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", bad, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "metadata") {
		t.Errorf("message %q does not name metadata", msg)
	}
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", map[string]any{"email": "dan@example.com", "tenantId": "no-such-tenant"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", map[string]any{"email": "BOB@example.com", "tenantId": tenantID}, accessToken(vt)).wantError(t, http.StatusConflict)
}

func TestGetUserVendorOnlyRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, tenantID := s.createUser(t, testUserEmail)

	m := s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/"+userID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "vendor-only user", m, userDtoKeys...)
	if m["id"] != userID || m["tenantId"] != tenantID {
		t.Fatalf("user = %v", m)
	}
	s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/no-such-user", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/"+userID, nil).wantError(t, http.StatusUnauthorized)
}

func TestVerifyPasswordRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.createUser(t, testUserEmail)
	path := "/resources/vendor-only/users/v1/passwords/verify"

	m := s.do(t, http.MethodPost, path, map[string]string{"email": testUserEmail, "password": testPassword}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["valid"] != true || m["userId"] != userID {
		t.Fatalf("verify = %v", m)
	}
	for _, body := range []map[string]string{
		{"email": testUserEmail, "password": "wrong password"},
		{"email": "nobody@example.com", "password": testPassword},
	} {
		m := s.do(t, http.MethodPost, path, body, accessToken(vt)).want(t, http.StatusOK).object(t)
		if m["valid"] != false {
			t.Fatalf("verify %v = %v, want valid false", body, m)
		}
		if _, ok := m["userId"]; ok {
			t.Fatalf("verify %v leaks a userId: %v", body, m)
		}
	}
	s.do(t, http.MethodPost, path, map[string]string{"email": "bad", "password": testPassword}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]string{"email": testUserEmail, "password": testPassword}).wantError(t, http.StatusUnauthorized)
	// The route is not captured by vendor-only/users/v1/{userId}.
	s.do(t, http.MethodGet, path, nil, accessToken(vt)).wantError(t, http.StatusMethodNotAllowed)
}

func TestUpdateUserRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.createUser(t, testUserEmail)
	path := "/resources/users/v1/" + userID

	m := s.do(t, http.MethodPut, path, map[string]any{"name": "Ann B", "metadata": `{"k":"v"}`, "phoneNumber": "+14155550100"}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["name"] != "Ann B" || m["metadata"] != `{"k":"v"}` || m["phoneNumber"] != "+14155550100" {
		t.Fatalf("updated user = %v", m)
	}
	// Empty strings for optional fields are accepted and leave them as they
	// are.
	m = s.do(t, http.MethodPut, path, map[string]any{"name": "Ann C", "metadata": "", "phoneNumber": "", "profilePictureUrl": ""}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["name"] != "Ann C" || m["metadata"] != `{"k":"v"}` || m["phoneNumber"] != "+14155550100" {
		t.Fatalf("update with empty strings = %v", m)
	}

	s.do(t, http.MethodPut, "/resources/users/v1/no-such-user", map[string]any{"name": "x"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	msg, _ := s.do(t, http.MethodPut, path, `{"mfaBypass": "yes"}`, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "mfaBypass") {
		t.Errorf("message %q does not name mfaBypass", msg)
	}
	s.do(t, http.MethodPut, path, map[string]any{"metadata": "[]"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, path, map[string]any{"name": "x"}).wantError(t, http.StatusUnauthorized)
	userTok, _, _ := s.userToken(t, "other@example.com")
	s.do(t, http.MethodPut, path, map[string]any{"name": "x"}, bearer(userTok)).wantError(t, http.StatusForbidden)
	got, err := s.id.GetUser(t.Context(), userID)
	if err != nil || got.Name != "Ann C" {
		t.Fatalf("refused updates changed the user: %+v, %v", got, err)
	}
}

func TestGetTenantUserRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, tenantID := s.createUser(t, testUserEmail)
	_, otherTenant := s.createUser(t, "other@example.com")
	path := "/resources/users/v1/" + userID

	m := s.do(t, http.MethodGet, path, nil, accessToken(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t)
	wantKeys(t, "tenant user", m, userDtoKeys...)
	if m["id"] != userID || m["tenantId"] != tenantID {
		t.Fatalf("user = %v", m)
	}
	msg, _ := s.do(t, http.MethodGet, path, nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "frontegg-tenant-id") {
		t.Errorf("message %q does not name the header", msg)
	}
	s.do(t, http.MethodGet, path, nil, accessToken(vt), header("frontegg-tenant-id", otherTenant)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, "/resources/users/v1/no-such-user", nil, accessToken(vt), header("frontegg-tenant-id", tenantID)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, path, nil, header("frontegg-tenant-id", tenantID)).wantError(t, http.StatusUnauthorized)
}

func TestGetUserByEmailRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.createUser(t, testUserEmail)

	// /users/v1/email is its own route, not /users/v1/{id} with id "email"
	// (which would demand frontegg-tenant-id).
	m := s.do(t, http.MethodGet, "/resources/users/v1/email?email="+url.QueryEscape("ANN@example.com"), nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "user by e-mail", m, "id", "email", "name", "sub", "verified", "tenantId", "tenantIds", "tenants", "metadata", "createdAt")
	if m["id"] != userID {
		t.Fatalf("user = %v", m)
	}
	s.do(t, http.MethodGet, "/resources/users/v1/email?email=nobody%40example.com", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, "/resources/users/v1/email", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/resources/users/v1/email?email=ann%40example.com", nil).wantError(t, http.StatusUnauthorized)
}
