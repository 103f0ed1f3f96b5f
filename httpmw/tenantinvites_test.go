package httpmw_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// inviteDtoKeys are the required fields of InviteTokenDto.
var inviteDtoKeys = []string{"id", "vendorId", "tenantId", "token", "expires", "shouldSendEmail"}

func TestMyTenantInviteRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, tenantID := s.createUser(t, testUserEmail)
	as := asUser(vt, userID, tenantID)
	path := "/resources/tenants/invites/v1/user"
	body := map[string]any{"expiresInMinutes": 60, "shouldSendEmail": false}

	// Off until the environment allows tenant invitations.
	s.do(t, http.MethodPost, path, body, as...).wantError(t, http.StatusForbidden)
	s.setConfig(t, identity.VendorConfigUpdate{AllowTenantInvitations: ptr(true)})

	created := s.do(t, http.MethodPost, path, body, as...).want(t, http.StatusCreated).object(t)
	wantKeys(t, "invite", created, inviteDtoKeys...)
	token := wantString(t, created, "token")
	if created["userId"] != userID || created["tenantId"] != tenantID {
		t.Fatalf("invite = %v", created)
	}
	got := s.do(t, http.MethodGet, path, nil, as...).want(t, http.StatusOK).object(t)
	if got["id"] != created["id"] || got["token"] != "" {
		t.Fatalf("GET invite = %v (the token is shown once)", got)
	}
	// PATCH (environment token on behalf of the user).
	patched := s.do(t, http.MethodPatch, path, map[string]any{"shouldSendEmail": true}, as...).want(t, http.StatusOK).object(t)
	if patched["shouldSendEmail"] != true || patched["expires"] != created["expires"] {
		t.Fatalf("PATCH invite = %v", patched)
	}
	s.do(t, http.MethodPatch, path, map[string]any{"expiresInMinutes": 0}, as...).wantError(t, http.StatusBadRequest)
	// Verify.
	v := s.do(t, http.MethodPost, "/resources/tenants/invites/v1/verify", map[string]any{"token": token}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if v["id"] != created["id"] || v["name"] != testTenantName {
		t.Fatalf("verify = %v", v)
	}
	s.do(t, http.MethodPost, "/resources/tenants/invites/v1/verify", map[string]any{"token": "nope"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	// v2 with roles.
	v2 := s.do(t, http.MethodPost, "/resources/tenants/invites/v2/user", map[string]any{"expiresInMinutes": 5, "shouldSendEmail": false, "roleIds": []string{}}, as...).want(t, http.StatusCreated).object(t)
	wantKeys(t, "v2 invite", v2, inviteDtoKeys...)
	if v2["id"] == created["id"] {
		t.Fatal("v2 did not replace the link")
	}
	s.do(t, http.MethodPost, "/resources/tenants/invites/v2/user", body, as...).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]any{"shouldSendEmail": false}, as...).wantError(t, http.StatusBadRequest)
	// Delete.
	s.do(t, http.MethodDelete, path, nil, as...).want(t, http.StatusOK)
	s.do(t, http.MethodGet, path, nil, as...).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, path, nil, as...).wantError(t, http.StatusNotFound)

	// The tenant's admin, with a real user token, manages its own link.
	m, _ := s.login(t, testUserEmail)
	admin := bearer(wantString(t, m, "accessToken"))
	mine := s.do(t, http.MethodPost, path, body, admin).want(t, http.StatusCreated).object(t)
	if mine["userId"] != userID {
		t.Fatalf("admin's invite = %v", mine)
	}
	s.do(t, http.MethodGet, path, nil, admin).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, path, nil, admin).want(t, http.StatusOK)

	// A user token without the fe.secure.*.tenantInvites permissions.
	plain, _ := s.plainMemberToken(t, "plain@example.com", tenantID)
	ut := bearer(plain)
	s.do(t, http.MethodGet, path, nil, ut).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, path, body, ut).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/tenants/invites/v2/user", body, ut).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, path, nil, ut).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPatch, path, body, ut).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, "/resources/tenants/invites/v1/verify", map[string]any{"token": token}, ut).wantError(t, http.StatusForbidden)
	// The environment token without the user it acts for.
	s.do(t, http.MethodPost, path, body, accessToken(vt), header("frontegg-tenant-id", tenantID)).wantError(t, http.StatusBadRequest)
}

func TestInvitationConfigurationRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	path := "/resources/tenants/invites/v1/configuration"
	m := s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["tenantInvitationsAllowed"] != false || m["emailsEnabled"] != true {
		t.Fatalf("configuration = %v", m)
	}
	s.setConfig(t, identity.VendorConfigUpdate{AllowTenantInvitations: ptr(true)})
	if m = s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t); m["tenantInvitationsAllowed"] != true {
		t.Fatalf("configuration = %v", m)
	}
	ut, _, _ := s.userToken(t, testUserEmail)
	s.do(t, http.MethodGet, path, nil, bearer(ut)).wantError(t, http.StatusForbidden)
}

func TestTenantInviteSettingsRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	s.setConfig(t, identity.VendorConfigUpdate{AllowNotVerifiedUsersLogin: ptr(true)})
	_, tenantID := s.createUser(t, testUserEmail)

	created := s.do(t, http.MethodPost, "/resources/tenants/invites/v1", map[string]any{"tenantId": tenantID, "expiresInMinutes": 30}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "invite", created, inviteDtoKeys...)
	token := wantString(t, created, "token")

	// The link signs a new user up into the tenant, through the public
	// sign-up route the login box calls.
	up := s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]any{"email": "new@example.com", "password": testPassword, "invitationToken": token}).want(t, http.StatusCreated).object(t)
	if up["tenantId"] != tenantID {
		t.Fatalf("sign-up with invitation = %v", up)
	}
	s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]any{"email": "bad@example.com", "password": testPassword, "invitationToken": "nope"}).wantError(t, http.StatusBadRequest)

	// And joins an existing user at login.
	s.createUser(t, "other@example.com")
	login := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]any{"email": "other@example.com", "password": testPassword, "invitationToken": token}).want(t, http.StatusOK).object(t)
	if got := s.tokenTenant(t, wantString(t, login, "accessToken")); got != tenantID {
		t.Fatalf("login with invitation: token tenant %q, want %q", got, tenantID)
	}

	all := s.do(t, http.MethodGet, "/resources/tenants/invites/v1/all", nil, accessToken(vt)).want(t, http.StatusOK).array(t)
	if len(all) != 1 || all[0]["id"] != created["id"] || all[0]["token"] != "" {
		t.Fatalf("all invites = %v", all)
	}
	id := created["id"].(string)
	s.do(t, http.MethodDelete, "/resources/tenants/invites/v1/token/"+id, nil, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, "/resources/tenants/invites/v1/token/"+id, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/tenants/invites/v1/verify", map[string]any{"token": token}, accessToken(vt)).wantError(t, http.StatusBadRequest)

	s.do(t, http.MethodPost, "/resources/tenants/invites/v1", map[string]any{"expiresInMinutes": 30}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/tenants/invites/v1", map[string]any{"tenantId": "missing"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	ut, _, _ := s.userToken(t, "user@example.com")
	s.do(t, http.MethodPost, "/resources/tenants/invites/v1", map[string]any{"tenantId": tenantID}, bearer(ut)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/tenants/invites/v1/all", nil, bearer(ut)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, "/resources/tenants/invites/v1/token/"+id, nil, bearer(ut)).wantError(t, http.StatusForbidden)
}

func TestStrategyRoutes(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	ut, _, _ := s.userToken(t, testUserEmail)
	for _, kind := range []string{"activation", "invitation"} {
		path := "/resources/configurations/v1/" + kind + "/strategies"
		m := s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
		wantKeys(t, kind+" strategy", m, "strategy", "codeExpiration")
		if m["strategy"] != "link" {
			t.Fatalf("default %s strategy = %v", kind, m)
		}
		m = s.do(t, http.MethodPost, path, map[string]any{"strategy": "code", "codeExpiration": 300}, accessToken(vt)).want(t, http.StatusOK).object(t)
		if m["strategy"] != "code" || m["codeExpiration"] != 300.0 {
			t.Fatalf("saved %s strategy = %v", kind, m)
		}
		if m = s.do(t, http.MethodGet, path, nil, accessToken(vt)).want(t, http.StatusOK).object(t); m["codeExpiration"] != 300.0 {
			t.Fatalf("stored %s strategy = %v", kind, m)
		}
		msg, _ := s.do(t, http.MethodPost, path, map[string]any{"strategy": "code", "codeExpiration": 5}, accessToken(vt)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "codeExpiration") {
			t.Fatalf("message %q", msg)
		}
		s.do(t, http.MethodPost, path, map[string]any{"strategy": "smoke-signal"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodGet, path, nil, bearer(ut)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]any{"strategy": "link"}, bearer(ut)).wantError(t, http.StatusForbidden)
	}
	// strategy is required for activation only.
	s.do(t, http.MethodPost, "/resources/configurations/v1/activation/strategies", map[string]any{"codeExpiration": 600}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, "/resources/configurations/v1/invitation/strategies", map[string]any{"codeExpiration": 600}, accessToken(vt)).want(t, http.StatusOK)
}
