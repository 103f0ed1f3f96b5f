package httpmw_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

// tenantKeys are the ITenantsResponse fields the browser client reads.
var tenantKeys = []string{"id", "name", "tenantId", "vendorId", "metadata", "isReseller", "deletedAt", "createdAt", "updatedAt"}

func TestMeRoutes(t *testing.T) {
	s := newTestServer(t)
	tok, userID, tenantID := s.userToken(t, testUserEmail)

	for _, path := range []string{"/resources/users/v2/me", "/resources/users/v3/me"} {
		t.Run(path, func(t *testing.T) {
			m := s.do(t, http.MethodGet, path, nil, bearer(tok)).want(t, http.StatusOK).object(t)
			wantKeys(t, path, m, userDtoKeys...)
			if m["id"] != userID || m["email"] != testUserEmail || m["tenantId"] != tenantID {
				t.Fatalf("me = %v", m)
			}
			if _, ok := m["roles"].([]any); !ok {
				t.Errorf("roles = %#v, want an array", m["roles"])
			}
			if _, ok := m["permissions"].([]any); !ok {
				t.Errorf("permissions = %#v, want an array", m["permissions"])
			}
			if ids, ok := m["tenantIds"].([]any); !ok || len(ids) != 1 || ids[0] != tenantID {
				t.Errorf("tenantIds = %#v", m["tenantIds"])
			}
			s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
			s.do(t, http.MethodGet, path, nil, bearer("garbage")).wantError(t, http.StatusUnauthorized)
		})
	}
	// getProfile adds ?addRoles=true; unknown query parameters are ignored.
	s.do(t, http.MethodGet, "/resources/users/v2/me?addRoles=true", nil, bearer(tok)).want(t, http.StatusOK)
}

func TestMeExpiredToken(t *testing.T) {
	s := newTestServer(t)
	tok, _, _ := s.userToken(t, testUserEmail)
	s.clock.Advance(25 * time.Hour)
	_, code := s.do(t, http.MethodGet, "/resources/users/v2/me", nil, bearer(tok)).wantError(t, http.StatusUnauthorized)
	if code != "ER-01010" {
		t.Errorf("expired token errorCode = %s, want ER-01010", code)
	}
}

// TestMeAsVendor: the environment token acts for the user named by
// frontegg-user-id, in the tenant named by frontegg-tenant-id.
func TestMeAsVendor(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	userID, tenantID := s.createUser(t, testUserEmail)
	_, otherTenant := s.createUser(t, "other@example.com")

	for _, auth := range []reqOpt{accessToken(vt), bearer(vt)} {
		m := s.do(t, http.MethodGet, "/resources/users/v2/me", nil, auth, header("frontegg-user-id", userID), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t)
		if m["id"] != userID || m["tenantId"] != tenantID {
			t.Fatalf("me as vendor = %v", m)
		}
	}
	msg, _ := s.do(t, http.MethodGet, "/resources/users/v2/me", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if msg == "" {
		t.Fatal("no message")
	}
	s.do(t, http.MethodGet, "/resources/users/v2/me", nil, accessToken(vt), header("frontegg-user-id", userID), header("frontegg-tenant-id", otherTenant)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, "/resources/users/v2/me", nil, accessToken(vt), header("frontegg-user-id", "no-such-user")).wantError(t, http.StatusNotFound)
}

// TestUserTokenIgnoresIdentityHeaders: a user token cannot act as another
// user or in another tenant through the vendor headers.
func TestUserTokenIgnoresIdentityHeaders(t *testing.T) {
	s := newTestServer(t)
	tok, userID, tenantID := s.userToken(t, testUserEmail)
	otherUser, otherTenant := s.createUser(t, "other@example.com")
	m := s.do(t, http.MethodGet, "/resources/users/v2/me", nil, bearer(tok), header("frontegg-user-id", otherUser), header("frontegg-tenant-id", otherTenant)).want(t, http.StatusOK).object(t)
	if m["id"] != userID || m["tenantId"] != tenantID {
		t.Fatalf("me with foreign headers = %v; want the token's own user and tenant", m)
	}
}

func TestMyTenantsRoutes(t *testing.T) {
	s := newTestServer(t)
	tok, userID, tenantID := s.userToken(t, testUserEmail)
	// A second tenant of the user, not the active one.
	second, err := s.id.CreateTenant(context.Background(), identity.CreateTenantInput{Name: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	now := s.clock.Now()
	if err := s.st.PutMembership(context.Background(), &store.Membership{UserID: userID, TenantID: second.ID, EnvID: s.id.EnvironmentID(), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/resources/users/v1/me/tenants", "/resources/users/v3/me/tenants"} {
		t.Run(path, func(t *testing.T) {
			m := s.do(t, http.MethodGet, path, nil, bearer(tok)).want(t, http.StatusOK).object(t)
			wantKeys(t, path, m, "tenants", "activeTenant")
			ts, ok := m["tenants"].([]any)
			if !ok || len(ts) != 2 {
				t.Fatalf("tenants = %#v, want two", m["tenants"])
			}
			names := map[any]bool{}
			for _, x := range ts {
				tm, ok := x.(map[string]any)
				if !ok {
					t.Fatalf("tenant %#v is not an object", x)
				}
				wantKeys(t, "tenant", tm, tenantKeys...)
				names[tm["name"]] = true
			}
			if !names[testTenantName] || !names["Second"] {
				t.Errorf("tenant names = %v", names)
			}
			active, ok := m["activeTenant"].(map[string]any)
			if !ok || active["tenantId"] != tenantID || active["name"] != testTenantName {
				t.Fatalf("activeTenant = %#v, want %s", m["activeTenant"], tenantID)
			}
			s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
		})
	}

	a := s.do(t, http.MethodGet, "/resources/users/v2/me/tenants", nil, bearer(tok)).want(t, http.StatusOK).array(t)
	if len(a) != 2 {
		t.Fatalf("v2 tenants = %v", a)
	}
	for _, tm := range a {
		wantKeys(t, "v2 tenant", tm, tenantKeys...)
	}
	s.do(t, http.MethodGet, "/resources/users/v2/me/tenants", nil).wantError(t, http.StatusUnauthorized)
}

func TestMyAuthorizationRoute(t *testing.T) {
	s := newTestServer(t)
	tok, _, _ := s.userToken(t, testUserEmail)
	m := s.do(t, http.MethodGet, "/resources/users/v1/me/authorization", nil, bearer(tok)).want(t, http.StatusOK).object(t)
	if r, ok := m["roles"].([]any); !ok || r == nil {
		t.Errorf("roles = %#v, want an array", m["roles"])
	}
	if p, ok := m["permissions"].([]any); !ok || p == nil {
		t.Errorf("permissions = %#v, want an array", m["permissions"])
	}
	s.do(t, http.MethodGet, "/resources/users/v1/me/authorization", nil).wantError(t, http.StatusUnauthorized)
}
