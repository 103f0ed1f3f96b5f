package identity_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/sqlite"
)

// sessionPolicy saves a session policy where p acts.
func (e *testEnv) sessionPolicy(t testing.TB, p *identity.Principal, in identity.SessionConfigurationInput) *identity.SessionConfiguration {
	t.Helper()
	c, err := e.id.SaveSessionConfiguration(context.Background(), p, in)
	if err != nil {
		t.Fatalf("SaveSessionConfiguration: %v", err)
	}
	return c
}

func idle(active bool, seconds int) identity.SessionConfigurationInput {
	return identity.SessionConfigurationInput{SessionIdleTimeoutConfiguration: &identity.SessionTimeoutInput{IsActive: &active, Timeout: &seconds}}
}

func absolute(active bool, seconds int) identity.SessionConfigurationInput {
	return identity.SessionConfigurationInput{SessionTimeoutConfiguration: &identity.SessionTimeoutInput{IsActive: &active, Timeout: &seconds}}
}

func concurrent(active bool, max int) identity.SessionConfigurationInput {
	return identity.SessionConfigurationInput{SessionConcurrentConfiguration: &identity.SessionConcurrentInput{IsActive: &active, MaxSessions: &max}}
}

// mustRefresh refreshes token and fails the test on an error.
func (e *testEnv) mustRefresh(t testing.TB, token string) *identity.AuthResponse {
	t.Helper()
	res, err := e.id.Refresh(context.Background(), token, "", identity.ClientInfo{})
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	return res
}

// refreshRefused fails unless refreshing token is refused with code.
func (e *testEnv) refreshRefused(t testing.TB, token, code string) {
	t.Helper()
	_, err := e.id.Refresh(context.Background(), token, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, code)
}

// sessionIDs lists the ids of the sessions p sees as its own.
func (e *testEnv) mySessionIDs(t testing.TB, p *identity.Principal) []string {
	t.Helper()
	ss, err := e.id.ListMySessions(context.Background(), p)
	if err != nil {
		t.Fatalf("ListMySessions: %v", err)
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

// sid is the session id of an access token.
func (e *testEnv) sid(t testing.TB, res *identity.AuthResponse) string {
	t.Helper()
	return e.principal(t, res.AccessToken).Claims.SessionID
}

func TestSessionConfigurationDefaultsAndScopes(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	ann := e.user(t, "ann@example.com")
	p := e.principal(t, e.login(t, ann.Email).AccessToken)
	other := e.tenant(t, "Other")

	want := identity.SessionConfiguration{
		SessionIdleTimeoutConfiguration: identity.SessionTimeoutConfiguration{Timeout: identity.DefaultSessionIdleTimeout},
		SessionTimeoutConfiguration:     identity.SessionTimeoutConfiguration{Timeout: identity.DefaultSessionTimeout},
		SessionConcurrentConfiguration:  identity.SessionConcurrentConfiguration{MaxSessions: identity.DefaultMaxSessions},
	}
	for name, get := range map[string]func() (*identity.SessionConfiguration, error){
		"vendor": func() (*identity.SessionConfiguration, error) { return e.id.GetVendorSessionConfiguration(ctx) },
		"user":   func() (*identity.SessionConfiguration, error) { return e.id.GetSessionConfiguration(ctx, p) },
		"vendor, no tenant": func() (*identity.SessionConfiguration, error) {
			return e.id.GetSessionConfiguration(ctx, vendorPrincipal(""))
		},
		"vendor, for tenant": func() (*identity.SessionConfiguration, error) {
			return e.id.GetSessionConfiguration(ctx, vendorPrincipal(other.ID))
		},
	} {
		got, err := get()
		if err != nil || *got != want {
			t.Fatalf("%s: default policy = %+v, %v; want %+v", name, got, err, want)
		}
	}

	// The environment's default, set through the environment token.
	env := e.sessionPolicy(t, vendorPrincipal(""), identity.SessionConfigurationInput{
		SessionIdleTimeoutConfiguration: &identity.SessionTimeoutInput{IsActive: ptr(true), Timeout: ptr(900)},
		SessionConcurrentConfiguration:  &identity.SessionConcurrentInput{IsActive: ptr(true), MaxSessions: ptr(3)},
	})
	want.SessionIdleTimeoutConfiguration = identity.SessionTimeoutConfiguration{IsActive: true, Timeout: 900}
	want.SessionConcurrentConfiguration = identity.SessionConcurrentConfiguration{IsActive: true, MaxSessions: 3}
	if *env != want {
		t.Fatalf("saved environment policy = %+v, want %+v", env, want)
	}
	// A section left out keeps its value.
	env = e.sessionPolicy(t, vendorPrincipal(""), absolute(true, 7200))
	want.SessionTimeoutConfiguration = identity.SessionTimeoutConfiguration{IsActive: true, Timeout: 7200}
	if got, _ := e.id.GetVendorSessionConfiguration(ctx); *env != want || *got != want {
		t.Fatalf("environment policy after a partial update = %+v (read back %+v), want %+v", env, got, want)
	}

	// Ann's tenant overrides one section; the others are inherited, and
	// the environment and other tenants are unchanged.
	tenantView := e.sessionPolicy(t, p, idle(false, 120))
	wantTenant := want
	wantTenant.SessionIdleTimeoutConfiguration = identity.SessionTimeoutConfiguration{IsActive: false, Timeout: 120}
	if *tenantView != wantTenant {
		t.Fatalf("tenant policy = %+v, want %+v", tenantView, wantTenant)
	}
	if got, _ := e.id.GetSessionConfiguration(ctx, p); *got != wantTenant {
		t.Fatalf("tenant policy read back = %+v, want %+v", got, wantTenant)
	}
	if got, _ := e.id.GetSessionConfiguration(ctx, vendorPrincipal(p.TenantID)); *got != wantTenant {
		t.Fatalf("tenant policy read by the environment = %+v, want %+v", got, wantTenant)
	}
	if got, _ := e.id.GetVendorSessionConfiguration(ctx); *got != want {
		t.Fatalf("environment policy after a tenant override = %+v, want %+v", got, want)
	}
	if got, _ := e.id.GetSessionConfiguration(ctx, vendorPrincipal(other.ID)); *got != want {
		t.Fatalf("other tenant's policy = %+v, want the environment's %+v", got, want)
	}
	// A later change of the environment shows through the sections the
	// tenant did not set.
	e.sessionPolicy(t, vendorPrincipal(""), concurrent(false, 5))
	wantTenant.SessionConcurrentConfiguration = identity.SessionConcurrentConfiguration{MaxSessions: 5}
	if got, _ := e.id.GetSessionConfiguration(ctx, p); *got != wantTenant {
		t.Fatalf("tenant policy after an environment change = %+v, want %+v", got, wantTenant)
	}

	// Unknown tenant, no principal.
	_, err := e.id.GetSessionConfiguration(ctx, vendorPrincipal("missing"))
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.SaveSessionConfiguration(ctx, vendorPrincipal("missing"), idle(true, 600))
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetSessionConfiguration(ctx, nil)
	wantErr(t, err, identity.ErrUnauthorized)
	_, err = e.id.SaveSessionConfiguration(ctx, nil, idle(true, 600))
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestSessionConfigurationValidation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		in    identity.SessionConfigurationInput
		field string
	}{
		{"idle too short", idle(true, 59), "sessionIdleTimeoutConfiguration.timeout"},
		{"idle too long", idle(true, identity.MaxSessionIdleTimeout+1), "sessionIdleTimeoutConfiguration.timeout"},
		{"idle without isActive", identity.SessionConfigurationInput{SessionIdleTimeoutConfiguration: &identity.SessionTimeoutInput{Timeout: ptr(600)}}, "sessionIdleTimeoutConfiguration.isActive"},
		{"idle without timeout", identity.SessionConfigurationInput{SessionIdleTimeoutConfiguration: &identity.SessionTimeoutInput{IsActive: ptr(true)}}, "sessionIdleTimeoutConfiguration.timeout"},
		{"absolute too short", absolute(false, 0), "sessionTimeoutConfiguration.timeout"},
		{"absolute too long", absolute(true, identity.MaxSessionTimeout+1), "sessionTimeoutConfiguration.timeout"},
		{"absolute without timeout", identity.SessionConfigurationInput{SessionTimeoutConfiguration: &identity.SessionTimeoutInput{IsActive: ptr(true)}}, "sessionTimeoutConfiguration.timeout"},
		{"concurrent zero", concurrent(true, 0), "sessionConcurrentConfiguration.maxSessions"},
		{"concurrent without max", identity.SessionConfigurationInput{SessionConcurrentConfiguration: &identity.SessionConcurrentInput{IsActive: ptr(true)}}, "sessionConcurrentConfiguration.maxSessions"},
		{"concurrent without isActive", identity.SessionConfigurationInput{SessionConcurrentConfiguration: &identity.SessionConcurrentInput{MaxSessions: ptr(2)}}, "sessionConcurrentConfiguration.isActive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A valid section beside the bad one is not saved either.
			in := tc.in
			if in.SessionConcurrentConfiguration == nil {
				in.SessionConcurrentConfiguration = concurrent(true, 1).SessionConcurrentConfiguration
			}
			_, err := e.id.SaveSessionConfiguration(ctx, vendorPrincipal(""), in)
			wantField(t, err, tc.field)
			got, err := e.id.GetVendorSessionConfiguration(ctx)
			if err != nil || got.SessionConcurrentConfiguration.IsActive || got.SessionIdleTimeoutConfiguration.IsActive || got.SessionTimeoutConfiguration.IsActive {
				t.Fatalf("a refused policy changed the saved one: %+v, %v", got, err)
			}
		})
	}
	// The bounds themselves are accepted.
	for _, in := range []identity.SessionConfigurationInput{idle(true, identity.MinSessionTimeout), idle(true, identity.MaxSessionIdleTimeout), absolute(true, identity.MinSessionTimeout), absolute(true, identity.MaxSessionTimeout), concurrent(true, 1)} {
		e.sessionPolicy(t, vendorPrincipal(""), in)
	}
}

func TestSessionFlows(t *testing.T) {
	t.Run("memory", func(t *testing.T) { runSessionFlows(t, newTestEnv(t)) })
	for _, dsn := range []string{":memory:", filepath.Join(t.TempDir(), "yolk.db")} {
		t.Run("sqlite "+filepath.Base(dsn), func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			e := &testEnv{clock: newFakeClock(), outbox: delivery.NewOutbox()}
			if e.id, err = identity.New(st, cheapOptions(e.clock, e.outbox)...); err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.id.EnsureEnvironment(ctx, "", ""); err != nil {
				t.Fatal(err)
			}
			runSessionFlows(t, e)
		})
	}
}

// runSessionFlows exercises the session policy and the user-sessions
// operations end to end on e's store; each step advances the fake clock.
func runSessionFlows(t *testing.T, e *testEnv) {
	ctx := context.Background()
	ann := e.user(t, "ann@example.com")
	e.user(t, "bob@example.com")

	// --- Listing: every live session, newest first, the caller's marked.
	first := e.login(t, ann.Email)
	e.clock.Advance(time.Minute)
	second := e.login(t, ann.Email)
	bobLogin := e.login(t, "bob@example.com")
	p := e.principal(t, second.AccessToken)
	ss, err := e.id.ListMySessions(ctx, p)
	if err != nil || len(ss) != 2 {
		t.Fatalf("ListMySessions = %+v, %v; want 2 sessions", ss, err)
	}
	s0 := ss[0]
	if s0.ID != e.sid(t, second) || !s0.Current || ss[1].ID != e.sid(t, first) || ss[1].Current {
		t.Fatalf("ListMySessions order/current = %+v", ss)
	}
	now := e.clock.Now().UTC()
	if s0.UserAgent != "test" || s0.IPAddress != "127.0.0.1" || !s0.CreatedAt.Equal(now) || !s0.LastActive.Equal(now) ||
		!s0.Expires.Equal(now.Add(30*24*time.Hour)) || s0.TenantID != p.TenantID {
		t.Fatalf("session fields = %+v (now %v)", s0, now)
	}
	// The environment token sees the named user's sessions, none current.
	vendorAnn := &identity.Principal{Vendor: true, UserID: ann.ID}
	ss, err = e.id.ListMySessions(ctx, vendorAnn)
	if err != nil || len(ss) != 2 || ss[0].Current || ss[1].Current {
		t.Fatalf("ListMySessions(vendor) = %+v, %v", ss, err)
	}
	_, err = e.id.ListMySessions(ctx, vendorPrincipal(""))
	wantField(t, err, "frontegg-user-id")
	_, err = e.id.ListMySessions(ctx, &identity.Principal{Vendor: true, UserID: "missing"})
	wantErr(t, err, identity.ErrNotFound)

	// --- Revoking one: only one's own, once.
	bobSession := e.sid(t, bobLogin)
	wantErr(t, e.id.RevokeMySession(ctx, p, bobSession), identity.ErrNotFound)
	bobLogin = e.mustRefresh(t, bobLogin.RefreshToken) // Bob's session is untouched
	wantErr(t, e.id.RevokeMySession(ctx, p, "missing"), identity.ErrNotFound)
	if err := e.id.RevokeMySession(ctx, p, e.sid(t, first)); err != nil {
		t.Fatalf("RevokeMySession: %v", err)
	}
	wantErr(t, e.id.RevokeMySession(ctx, p, e.sid(t, first)), identity.ErrNotFound)
	e.refreshRefused(t, first.RefreshToken, identity.CodeInvalidRefresh)
	if ids := e.mySessionIDs(t, p); len(ids) != 1 || ids[0] != e.sid(t, second) {
		t.Fatalf("sessions after revoking one = %v", ids)
	}

	// --- Revoking all: all but the caller's own.
	third, fourth := e.login(t, ann.Email), e.login(t, ann.Email)
	n, err := e.id.RevokeAllMySessions(ctx, p)
	if err != nil || n != 2 {
		t.Fatalf("RevokeAllMySessions = %d, %v; want 2", n, err)
	}
	e.refreshRefused(t, third.RefreshToken, identity.CodeInvalidRefresh)
	e.refreshRefused(t, fourth.RefreshToken, identity.CodeInvalidRefresh)
	second = e.mustRefresh(t, second.RefreshToken)
	e.mustRefresh(t, bobLogin.RefreshToken)
	// The environment token (no session of its own) ends them all.
	if n, err := e.id.RevokeAllMySessions(ctx, vendorAnn); err != nil || n != 1 {
		t.Fatalf("RevokeAllMySessions(vendor) = %d, %v; want 1", n, err)
	}
	e.refreshRefused(t, second.RefreshToken, identity.CodeInvalidRefresh)
	if ids := e.mySessionIDs(t, vendorAnn); len(ids) != 0 {
		t.Fatalf("sessions after revoking all = %v", ids)
	}

	// --- Idle timeout: measured from the last refresh.
	e.sessionPolicy(t, vendorPrincipal(""), idle(true, 600))
	s := e.login(t, ann.Email)
	for range 3 {
		e.clock.Advance(599 * time.Second)
		s = e.mustRefresh(t, s.RefreshToken)
	}
	// The listing shows when the session ends if left alone.
	ps := e.principal(t, s.AccessToken)
	ss, _ = e.id.ListMySessions(ctx, ps)
	if len(ss) != 1 || !ss[0].Expires.Equal(e.clock.Now().UTC().Add(600*time.Second)) || !ss[0].LastActive.Equal(e.clock.Now().UTC()) {
		t.Fatalf("idle session listing = %+v", ss)
	}
	e.clock.Advance(600 * time.Second)
	// An idle session is no longer listed, and refreshing it fails and
	// revokes it.
	if ids := e.mySessionIDs(t, ps); len(ids) != 0 {
		t.Fatalf("idle session still listed: %v", ids)
	}
	e.refreshRefused(t, s.RefreshToken, identity.CodeTokenExpired)
	if got, err := e.id.Store().GetSession(ctx, ps.Claims.SessionID); err != nil || got.RevokedAt == nil {
		t.Fatalf("idle session not revoked: %+v, %v", got, err)
	}
	// Turning the limit off stops enforcing it.
	e.sessionPolicy(t, vendorPrincipal(""), idle(false, 60))
	s = e.login(t, ann.Email)
	e.clock.Advance(24 * time.Hour)
	s = e.mustRefresh(t, s.RefreshToken)

	// --- Absolute timeout: however busy the session is.
	e.sessionPolicy(t, vendorPrincipal(""), absolute(true, 3600))
	// An older session that is already past it is refused at once.
	e.refreshRefused(t, s.RefreshToken, identity.CodeTokenExpired)
	s = e.login(t, ann.Email)
	for range 5 {
		e.clock.Advance(10 * time.Minute)
		s = e.mustRefresh(t, s.RefreshToken)
	}
	e.clock.Advance(9*time.Minute + 59*time.Second)
	s = e.mustRefresh(t, s.RefreshToken)
	e.clock.Advance(time.Second)
	e.refreshRefused(t, s.RefreshToken, identity.CodeTokenExpired)
	e.refreshRefused(t, s.RefreshToken, identity.CodeInvalidRefresh) // revoked now
	e.sessionPolicy(t, vendorPrincipal(""), absolute(false, 3600))

	// --- Concurrent sessions: a login beyond the limit ends the oldest.
	if _, err := e.id.RevokeAllMySessions(ctx, vendorAnn); err != nil {
		t.Fatal(err)
	}
	e.sessionPolicy(t, vendorPrincipal(""), concurrent(true, 2))
	a := e.login(t, ann.Email)
	e.clock.Advance(time.Second)
	b := e.login(t, ann.Email)
	e.clock.Advance(time.Second)
	// Refreshing does not make a session younger: the oldest login goes.
	a = e.mustRefresh(t, a.RefreshToken)
	c := e.login(t, ann.Email)
	e.refreshRefused(t, a.RefreshToken, identity.CodeInvalidRefresh)
	b = e.mustRefresh(t, b.RefreshToken)
	c = e.mustRefresh(t, c.RefreshToken)
	if ids := e.mySessionIDs(t, vendorAnn); len(ids) != 2 || ids[0] != e.sid(t, c) || ids[1] != e.sid(t, b) {
		t.Fatalf("sessions under a limit of 2 = %v", ids)
	}
	// Bob's sessions count for Bob only.
	e.login(t, "bob@example.com")
	b = e.mustRefresh(t, b.RefreshToken)
	// Lowering the limit to one leaves only the newest login.
	e.sessionPolicy(t, vendorPrincipal(""), concurrent(true, 1))
	d := e.login(t, ann.Email)
	e.refreshRefused(t, b.RefreshToken, identity.CodeInvalidRefresh)
	e.refreshRefused(t, c.RefreshToken, identity.CodeInvalidRefresh)
	e.mustRefresh(t, d.RefreshToken)
	// Inactive, the limit is not enforced.
	e.sessionPolicy(t, vendorPrincipal(""), concurrent(false, 1))
	e.login(t, ann.Email)
	e.login(t, ann.Email)
	if ids := e.mySessionIDs(t, vendorAnn); len(ids) != 3 {
		t.Fatalf("sessions without an active limit = %v, want 3", ids)
	}
}

func TestSessionPolicyTenantOverride(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	ann := e.user(t, "ann@example.com")
	bob := e.user(t, "bob@example.com")
	annLogin, bobLogin := e.login(t, ann.Email), e.login(t, bob.Email)
	annTenant := e.principal(t, annLogin.AccessToken).TenantID
	bobTenant := e.principal(t, bobLogin.AccessToken).TenantID

	// The environment lets sessions idle an hour; Ann's tenant two minutes.
	e.sessionPolicy(t, vendorPrincipal(""), idle(true, 3600))
	e.sessionPolicy(t, vendorPrincipal(annTenant), idle(true, 120))
	e.clock.Advance(2 * time.Minute)
	e.refreshRefused(t, annLogin.RefreshToken, identity.CodeTokenExpired)
	bobLogin = e.mustRefresh(t, bobLogin.RefreshToken)

	// Bob joins Ann's tenant: switching into it with a session idle longer
	// than its limit is refused, but the session stays good in Bob's own
	// tenant.
	if err := e.id.Store().PutMembership(ctx, &store.Membership{UserID: bob.ID, TenantID: annTenant, EnvID: e.id.EnvironmentID(), CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Minute)
	_, err := e.id.Refresh(ctx, bobLogin.RefreshToken, annTenant, identity.ClientInfo{})
	wantCode(t, err, identity.CodeTokenExpired)
	bobLogin, err = e.id.Refresh(ctx, bobLogin.RefreshToken, bobTenant, identity.ClientInfo{})
	if err != nil {
		t.Fatalf("refresh in Bob's own tenant after a refused switch: %v", err)
	}
	// Fresh, the switch works.
	if bobLogin, err = e.id.Refresh(ctx, bobLogin.RefreshToken, annTenant, identity.ClientInfo{}); err != nil {
		t.Fatalf("switching with a fresh session: %v", err)
	}
	// From then on Ann's tenant's limit governs the session.
	e.clock.Advance(2 * time.Minute)
	e.refreshRefused(t, bobLogin.RefreshToken, identity.CodeTokenExpired)

	// The concurrent limit of the tenant a login enters applies.
	e.sessionPolicy(t, vendorPrincipal(annTenant), concurrent(true, 1))
	first := e.login(t, ann.Email)
	e.login(t, ann.Email)
	e.refreshRefused(t, first.RefreshToken, identity.CodeInvalidRefresh)
}
