package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

// storeEnv is an environment record for tests that write the store
// directly.
func storeEnv(id string) *store.Environment {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return &store.Environment{ID: id, ClientID: "client-" + id, SecretHash: []byte("h"), CreatedAt: now, UpdatedAt: now}
}

// userIn creates a verified user with testPassword in tenantID holding
// roleIDs (the tenant's default roles when none are given).
func (e *testEnv) userIn(t testing.TB, email, tenantID string, roleIDs ...string) *identity.User {
	t.Helper()
	u, err := e.id.CreateUser(context.Background(), identity.CreateUserInput{Email: email, Password: testPassword, TenantID: tenantID, RoleIDs: roleIDs})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// memberRoles returns the role ids stored on the membership of userID in
// tenantID.
func (e *testEnv) memberRoles(t testing.TB, userID, tenantID string) []string {
	t.Helper()
	m, err := e.st.GetMembership(context.Background(), userID, tenantID)
	if err != nil {
		t.Fatalf("GetMembership: %v", err)
	}
	return m.RoleIDs
}

// refreshClaims refreshes and returns the new token's principal.
func (e *testEnv) refreshClaims(t testing.TB, refresh string) (*identity.Principal, string) {
	t.Helper()
	res, err := e.id.Refresh(context.Background(), refresh, "", identity.ClientInfo{})
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	return e.principal(t, res.AccessToken), res.RefreshToken
}

// storeMembership is a membership record holding roleIDs.
func storeMembership(userID, tenantID, envID string, roleIDs ...string) *store.Membership {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return &store.Membership{UserID: userID, TenantID: tenantID, EnvID: envID, RoleIDs: roleIDs, CreatedAt: now, UpdatedAt: now}
}
