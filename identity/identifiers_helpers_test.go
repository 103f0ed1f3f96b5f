package identity_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/tokens"
)

// newIdentifiersEnv is a testEnv whose Identity also texts through the
// outbox.
func newIdentifiersEnv(t testing.TB) *testEnv {
	t.Helper()
	e := newTestEnv(t)
	e.id = e.newIdentity(t, identity.WithSMSSender(e.outbox))
	return e
}

// me logs email in and returns its principal.
func (e *testEnv) me(t testing.TB, email string) *identity.Principal {
	t.Helper()
	return e.principal(t, e.login(t, email).AccessToken)
}

// member creates a verified user with testPassword in tenantID, holding
// only a role that grants nothing (not the tenant's first-user or default
// roles), so that tests give permissions explicitly (withPermissions).
func (e *testEnv) member(t testing.TB, email, tenantID string) *identity.User {
	t.Helper()
	u, err := e.id.CreateUser(context.Background(), identity.CreateUserInput{Email: email, Password: testPassword, TenantID: tenantID,
		RoleIDs: []string{e.plainRole(t)}})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// withPermissions is p as a user of the same tenant holding perms (the
// permissions a role would put in the access token).
func withPermissions(p *identity.Principal, perms ...string) *identity.Principal {
	c := *p.Claims
	c.Permissions = perms
	return &identity.Principal{UserID: p.UserID, TenantID: p.TenantID, Claims: &c}
}

// vendorPrincipal is the environment token's principal, naming tenantID
// when it is not empty.
func vendorPrincipal(tenantID string) *identity.Principal {
	return &identity.Principal{Vendor: true, TenantID: tenantID, Claims: &tokens.Claims{Type: "tenantAccessToken"}}
}

var identifierCodePattern = regexp.MustCompile(`\b[0-9]{6}\b`)

// lastCode returns the code of the newest message (e-mail or SMS) to to,
// and how many messages went to to.
func (e *testEnv) lastCode(t testing.TB, to string) string {
	t.Helper()
	msgs := e.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To != to {
			continue
		}
		code := identifierCodePattern.FindString(msgs[i].Body)
		if code == "" {
			t.Fatalf("message to %s has no code: %q", to, msgs[i].Body)
		}
		return code
	}
	t.Fatalf("no message to %s in the outbox", to)
	return ""
}

// sentTo counts the messages of channel ("email" or "sms") sent to to.
func (e *testEnv) sentTo(channel, to string) int {
	n := 0
	for _, m := range e.outbox.Messages() {
		if m.To == to && m.Channel == channel {
			n++
		}
	}
	return n
}

// wrongCode is a code that differs from code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// plainRole returns the id of an environment-wide role without permissions,
// creating it the first time.
func (e *testEnv) plainRole(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	rs, err := e.id.ListRoles(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Key == "plain-member" {
			return r.ID
		}
	}
	created, err := e.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "plain-member", Name: "Member", Level: ptr(10)}})
	if err != nil {
		t.Fatal(err)
	}
	return created[0].ID
}
