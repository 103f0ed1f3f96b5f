package httpmw_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

func TestUpdateMeRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	for i, path := range []string{"/resources/users/v1", "/resources/users/v2/me"} {
		email := []string{"a@example.com", "b@example.com"}[i]
		tok, userID, tenantID := s.userToken(t, email)
		m := s.do(t, http.MethodPut, path, map[string]any{"name": "New Name", "metadata": `{"k":"v"}`, "phoneNumber": ""}, bearer(tok)).want(t, http.StatusOK).object(t)
		wantKeys(t, path, m, userDtoKeys...)
		if m["id"] != userID || m["name"] != "New Name" || m["metadata"] != `{"k":"v"}` || m["tenantId"] != tenantID {
			t.Fatalf("%s answered %v", path, m)
		}
		// The environment acting for the user.
		m = s.do(t, http.MethodPut, path, map[string]any{"name": "By Vendor"}, vendorIn(vt, tenantID, userID)...).want(t, http.StatusOK).object(t)
		if m["name"] != "By Vendor" {
			t.Fatalf("%s by the vendor answered %v", path, m)
		}
		msg, _ := s.do(t, http.MethodPut, path, map[string]any{"metadata": "[]"}, bearer(tok)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "metadata") {
			t.Errorf("message %q does not name metadata", msg)
		}
		s.do(t, http.MethodPut, path, map[string]any{"name": 7}, bearer(tok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPut, path, map[string]any{"name": "x"}).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPut, path, map[string]any{"name": "x"}, vendorIn(vt, tenantID, "")...).wantError(t, http.StatusBadRequest)
	}
}

func TestVerifyUserRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.signUpHTTP(t, "ann@example.com")
	m := s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/verify", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["verified"] != true {
		t.Fatalf("verify answered %v", m)
	}
	s.login(t, "ann@example.com")
	s.do(t, http.MethodPost, "/resources/users/v1/missing/verify", nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	userTok, _, _ := s.userToken(t, "user@example.com")
	s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/verify", nil, bearer(userTok)).wantError(t, http.StatusForbidden)
}

func TestLockUnlockRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, _ := s.createUser(t, testUserEmail)
	_, sess := s.login(t, testUserEmail)

	m := s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/lock", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["isLocked"] != true {
		t.Fatalf("lock answered %v", m)
	}
	_, code := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail, "password": testPassword}).wantError(t, http.StatusForbidden)
	if code != identity.CodeUserLocked {
		t.Fatalf("login of a locked user: %s", code)
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", nil, cookie(sess.cookie(t, testCookieName))).wantError(t, http.StatusUnauthorized)

	m = s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/unlock", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["isLocked"] != false {
		t.Fatalf("unlock answered %v", m)
	}
	s.login(t, testUserEmail)

	userTok, _, _ := s.userToken(t, "user@example.com")
	for _, op := range []string{"lock", "unlock"} {
		s.do(t, http.MethodPost, "/resources/users/v1/missing/"+op, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/"+op, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, "/resources/users/v1/"+userID+"/"+op, nil).wantError(t, http.StatusUnauthorized)
	}
}

func TestSelfUnlockRoute(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	userID, _ := s.createUser(t, testUserEmail)
	if _, err := s.id.LockUser(ctx, userID); err != nil {
		t.Fatal(err)
	}
	if err := s.id.SendUnlockEmail(ctx, userID); err != nil {
		t.Fatal(err)
	}
	ml := s.lastMail(t, testUserEmail)
	if ml.path != "/account/unlock" || ml.token == "" {
		t.Fatalf("unlock e-mail %+v", ml)
	}
	s.do(t, http.MethodPost, "/resources/users/v3/me/unlock", map[string]string{"token": "made-up"}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v3/me/unlock", map[string]string{}).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/users/v3/me/unlock", map[string]string{"token": ml.token}).want(t, http.StatusOK)
	s.login(t, testUserEmail)
	s.do(t, http.MethodPost, "/resources/users/v3/me/unlock", map[string]string{"token": ml.token}).wantError(t, http.StatusBadRequest)
}

func TestRemoveUserRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	ctx := context.Background()
	userID, home := s.createUser(t, testUserEmail)
	other, err := s.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.id.InviteUser(ctx, &identity.Principal{Vendor: true, TenantID: other.ID}, identity.InviteUserInput{Email: testUserEmail}); err != nil {
		t.Fatal(err)
	}
	s.do(t, http.MethodDelete, "/resources/users/v1/"+userID, nil, vendorIn(vt, other.ID, "")...).want(t, http.StatusOK)
	if _, err := s.id.GetTenantUser(ctx, other.ID, userID); err == nil {
		t.Fatal("still a member of the tenant")
	}
	s.do(t, http.MethodDelete, "/resources/users/v1/"+userID, nil, vendorIn(vt, other.ID, "")...).wantError(t, http.StatusNotFound)
	s.login(t, testUserEmail) // still a user of its home tenant

	userTok, _, _ := s.userToken(t, "user@example.com")
	s.do(t, http.MethodDelete, "/resources/users/v1/"+userID, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
	// Without a tenant: deleted from the environment.
	s.do(t, http.MethodDelete, "/resources/users/v1/"+userID, nil, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodGet, "/resources/users/v1/"+userID, nil, vendorIn(vt, home, "")...).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, "/resources/users/v1/"+userID, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
}

func TestDisableEnableRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	adminID, tenantID := s.createUser(t, testUserEmail)
	bobID, ml := s.inviteHTTP(t, vt, tenantID, map[string]any{"email": "bob@example.com", "password": testPassword})
	s.do(t, http.MethodPost, "/resources/users/v1/invitation/accept", map[string]string{"userId": bobID, "token": ml.token}).want(t, http.StatusOK)
	_, bobSession := s.login(t, "bob@example.com")

	m := s.do(t, http.MethodPost, "/resources/tenants/users/v1/"+bobID+"/disable", nil, vendorIn(vt, tenantID, adminID)...).want(t, http.StatusOK).object(t)
	if m["activatedForTenant"] != false {
		t.Fatalf("disable answered %v", m)
	}
	_, code := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": "bob@example.com", "password": testPassword}).wantError(t, http.StatusForbidden)
	if code != identity.CodeUserDisabled {
		t.Fatalf("login of a disabled user: %s", code)
	}
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", nil, cookie(bobSession.cookie(t, testCookieName))).wantError(t, http.StatusUnauthorized)

	m = s.do(t, http.MethodPost, "/resources/tenants/users/v1/"+bobID+"/enable", nil, vendorIn(vt, tenantID, adminID)...).want(t, http.StatusOK).object(t)
	if m["activatedForTenant"] != true {
		t.Fatalf("enable answered %v", m)
	}
	s.login(t, "bob@example.com")

	userTok, _ := s.readOnlyToken(t, "user@example.com")
	strangerID, _ := s.createUser(t, "stranger@example.com")
	for _, op := range []string{"disable", "enable"} {
		path := "/resources/tenants/users/v1/" + bobID + "/" + op
		msg, _ := s.do(t, http.MethodPost, path, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
		if !strings.Contains(msg, identity.PermEnableDisable) {
			t.Errorf("403 message %q does not name the permission", msg)
		}
		s.do(t, http.MethodPost, path, nil).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPost, path, nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, "/resources/tenants/users/v1/"+strangerID+"/"+op, nil, vendorIn(vt, tenantID, adminID)...).wantError(t, http.StatusNotFound)
	}
	s.do(t, http.MethodPost, "/resources/tenants/users/v1/"+adminID+"/disable", nil, vendorIn(vt, tenantID, adminID)...).wantError(t, http.StatusForbidden)
}

func TestTemporaryUserRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, tenantID := s.createUser(t, testUserEmail)
	cfgPath := "/resources/users/temporary/v1/configuration"
	userPath := "/resources/users/temporary/v1/" + userID

	m := s.do(t, http.MethodGet, cfgPath, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["enabled"] != false {
		t.Fatalf("default configuration %v", m)
	}
	s.do(t, http.MethodPut, userPath, map[string]any{"expirationInSeconds": 600}, accessToken(vt)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPut, cfgPath, map[string]any{}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPut, cfgPath, map[string]any{"enabled": "yes"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	m = s.do(t, http.MethodPut, cfgPath, map[string]any{"enabled": true}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["enabled"] != true {
		t.Fatalf("updated configuration %v", m)
	}
	if m := s.do(t, http.MethodGet, cfgPath, nil, accessToken(vt)).want(t, http.StatusOK).object(t); m["enabled"] != true {
		t.Fatalf("configuration after update %v", m)
	}

	msg, _ := s.do(t, http.MethodPut, userPath, map[string]any{"expirationInSeconds": 5}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "expirationInSeconds") {
		t.Errorf("message %q does not name expirationInSeconds", msg)
	}
	s.do(t, http.MethodPut, "/resources/users/temporary/v1/missing", map[string]any{"expirationInSeconds": 600}, accessToken(vt)).wantError(t, http.StatusNotFound)
	m = s.do(t, http.MethodPut, userPath, map[string]any{"expirationInSeconds": 600}, vendorIn(vt, tenantID, "")...).want(t, http.StatusCreated).object(t)
	if m["expirationInSeconds"] != float64(600) {
		t.Fatalf("temporary answered %v", m)
	}
	_, sess := s.login(t, testUserEmail)
	s.clock.Advance(600 * time.Second)
	s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": testUserEmail, "password": testPassword}).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", nil, cookie(sess.cookie(t, testCookieName))).wantError(t, http.StatusForbidden)

	s.do(t, http.MethodDelete, userPath, nil, accessToken(vt)).want(t, http.StatusOK)
	s.login(t, testUserEmail)
	s.do(t, http.MethodDelete, "/resources/users/temporary/v1/missing", nil, accessToken(vt)).wantError(t, http.StatusNotFound)

	userTok, _, _ := s.userToken(t, "user@example.com")
	for _, r := range []struct{ method, path string }{{http.MethodGet, cfgPath}, {http.MethodPut, cfgPath}, {http.MethodPut, userPath}, {http.MethodDelete, userPath}} {
		s.do(t, r.method, r.path, map[string]any{"enabled": false, "expirationInSeconds": 600}, bearer(userTok)).wantError(t, http.StatusForbidden)
		s.do(t, r.method, r.path, map[string]any{"enabled": false, "expirationInSeconds": 600}).wantError(t, http.StatusUnauthorized)
	}
}
