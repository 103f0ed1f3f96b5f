// Package storetest is the conformance suite every store.Store backend must
// pass. A backend runs it from its own tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s := mybackend.Open(...)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite follows the doc comments of package store literally: not-found
// and conflict sentinels, round-trip of every field, copy semantics, ordering,
// UTC times with microsecond precision, cascading deletes, compare-and-set
// operations, transactions (commit, rollback, nesting, panics) and
// concurrency. Run it with -race.
package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// Run runs the whole conformance suite against the stores newStore returns.
// newStore is called once per subtest and must return a fresh, empty store;
// it registers its own cleanup (for example with t.Cleanup).
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	groups := []struct {
		name  string
		tests []test
	}{
		{"Environments", environmentTests},
		{"Config", configTests},
		{"Tenants", tenantTests},
		{"Accounts", accountTests},
		{"Users", userTests},
		{"Memberships", membershipTests},
		{"Passwords", passwordTests},
		{"Sessions", sessionTests},
		{"SessionManagement", sessionManagementTests},
		{"RefreshTokens", refreshTokenTests},
		{"SigningKeys", signingKeyTests},
		{"OneTimeTokens", oneTimeTokenTests},
		{"Settings", settingTests},
		{"Groups", groupTests},
		{"Applications", applicationTests},
		{"Tenancy", tenancyTests},
		{"UserQueries", userQueryTests},
		{"TenantInvites", inviteTests},
		{"Roles", roleTests},
		{"Permissions", permissionTests},
		{"PermissionCategories", permissionCategoryTests},
		{"UserEmails", userEmailTests},
		{"PhoneNumbers", phoneNumberTests},
		{"Usernames", usernameTests},
		{"MFADevices", mfaDeviceTests},
		{"Tasks", taskTests},
		{"APITokens", apiTokenTests},
		{"Transactions", transactionTests},
		{"Concurrency", concurrencyTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := newStore(t)
					if s == nil {
						t.Fatal("newStore returned nil")
					}
					// A store that deadlocks fails fast with a clear
					// message instead of hanging until go test's timeout.
					timer := time.AfterFunc(deadlockTimeout, func() {
						panic(fmt.Sprintf("storetest: %s did not finish within %v: is the store deadlocked?",
							t.Name(), deadlockTimeout))
					})
					defer timer.Stop()
					tc.fn(t, &fx{t: t, s: s, ctx: t.Context()})
				})
			}
		})
	}
}

// deadlockTimeout bounds every single test of the suite.
const deadlockTimeout = time.Minute

// test is one conformance check run against a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, f *fx)
}

// fx bundles a store with fixture constructors so tests stay short.
type fx struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
	// clock advances by a little more than a second on every fixture
	// record, so CreatedAt values are distinct and increasing. It is
	// atomic because concurrency tests build fixtures in goroutines.
	clock atomic.Int64
}

// seq makes ids unique across the whole suite run.
var seq atomic.Int64

// next returns a fresh id with the given prefix.
func next(prefix string) string {
	return fmt.Sprintf("%s-%06d", prefix, seq.Add(1))
}

// hashOf returns a 32-byte hash derived from s, standing in for the SHA-256
// of a secret.
func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// zone is a non-UTC location: every fixture time is passed to the store in
// it, and the store must hand it back in UTC.
var zone = time.FixedZone("UTC+05:30", 5*3600+30*60)

// base is the suite's epoch; it has no fractional second on purpose, so
// whole-second and fractional times mix (catching text-sorted timestamps).
var base = time.Date(2024, time.March, 10, 12, 0, 0, 0, time.UTC)

// at returns base+d in zone.
func at(d time.Duration) time.Time { return base.Add(d).In(zone) }

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// now returns the next fixture time: distinct, increasing, with a
// microsecond fraction.
func (f *fx) now() time.Time {
	n := f.clock.Add(1)
	return at(time.Duration(n)*time.Second + time.Duration(n*1111)*time.Microsecond)
}

// must fails the test if err is not nil.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// wantErr fails the test unless errors.Is(err, target).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: err = nil, want %v", what, target)
	}
	if !isErr(err, target) {
		t.Fatalf("%s: err = %v, want errors.Is(err, %v)", what, err, target)
	}
}

// newEnv returns an unsaved environment with every field set.
func (f *fx) newEnv() *store.Environment {
	id := next("env")
	now := f.now()
	return &store.Environment{
		ID:         id,
		ClientID:   "client-" + id,
		SecretHash: hashOf("secret-" + id),
		CreatedAt:  now,
		UpdatedAt:  now.Add(250 * time.Millisecond),
	}
}

// env creates and returns an environment.
func (f *fx) env() *store.Environment {
	f.t.Helper()
	e := f.newEnv()
	must(f.t, "CreateEnvironment", f.s.CreateEnvironment(f.ctx, e))
	return e
}

// newTenant returns an unsaved top-level tenant of envID.
func (f *fx) newTenant(envID string) *store.Tenant {
	id := next("tenant")
	now := f.now()
	return &store.Tenant{
		ID:        id,
		EnvID:     envID,
		Name:      "Tenant " + id,
		Metadata:  `{"plan":"pro"}`,
		CreatedAt: now,
		UpdatedAt: now.Add(time.Millisecond),
	}
}

// tenant creates and returns a tenant of envID.
func (f *fx) tenant(envID string) *store.Tenant {
	f.t.Helper()
	tn := f.newTenant(envID)
	must(f.t, "CreateTenant", f.s.CreateTenant(f.ctx, tn))
	return tn
}

// newUser returns an unsaved user of envID with a unique mixed-case e-mail
// and username.
func (f *fx) newUser(envID string) *store.User {
	id := next("user")
	now := f.now()
	return &store.User{
		ID:             id,
		EnvID:          envID,
		Email:          "User." + id + "@Example.COM",
		Username:       "Name_" + id,
		Name:           "User " + id,
		Provider:       "local",
		Metadata:       "{}",
		VendorMetadata: "{}",
		CreatedAt:      now,
		UpdatedAt:      now,
	}
}

// user creates and returns a user of envID.
func (f *fx) user(envID string) *store.User {
	f.t.Helper()
	u := f.newUser(envID)
	must(f.t, "CreateUser", f.s.CreateUser(f.ctx, u))
	return u
}

// membership puts and returns a membership of u in tn.
func (f *fx) membership(u *store.User, tn *store.Tenant) *store.Membership {
	f.t.Helper()
	now := f.now()
	m := &store.Membership{
		UserID:    u.ID,
		TenantID:  tn.ID,
		EnvID:     u.EnvID,
		RoleIDs:   []string{"role-admin", "role-viewer"},
		CreatedAt: now,
		UpdatedAt: now,
	}
	must(f.t, "PutMembership", f.s.PutMembership(f.ctx, m))
	return m
}

// newSession returns an unsaved session of u in tenantID.
func (f *fx) newSession(u *store.User, tenantID string) *store.Session {
	id := next("session")
	now := f.now()
	return &store.Session{
		ID:         id,
		EnvID:      u.EnvID,
		UserID:     u.ID,
		TenantID:   tenantID,
		AMR:        []string{"pwd"},
		AuthTime:   now,
		UserAgent:  "storetest/1.0",
		IP:         "192.0.2.1",
		CreatedAt:  now,
		LastUsedAt: now,
		ExpiresAt:  now.Add(30 * 24 * time.Hour),
	}
}

// session creates and returns a session of u in tenantID.
func (f *fx) session(u *store.User, tenantID string) *store.Session {
	f.t.Helper()
	s := f.newSession(u, tenantID)
	must(f.t, "CreateSession", f.s.CreateSession(f.ctx, s))
	return s
}

// newRefreshToken returns an unsaved, unused refresh token of sess.
func (f *fx) newRefreshToken(sess *store.Session) *store.RefreshToken {
	id := next("rt")
	now := f.now()
	return &store.RefreshToken{
		ID:        id,
		SessionID: sess.ID,
		EnvID:     sess.EnvID,
		Hash:      hashOf("refresh-" + id),
		CreatedAt: now,
		ExpiresAt: now.Add(24 * time.Hour),
	}
}

// refreshToken creates and returns an unused refresh token of sess.
func (f *fx) refreshToken(sess *store.Session) *store.RefreshToken {
	f.t.Helper()
	rt := f.newRefreshToken(sess)
	must(f.t, "CreateRefreshToken", f.s.CreateRefreshToken(f.ctx, rt))
	return rt
}

// newSigningKey returns an unsaved, active signing key of envID.
func (f *fx) newSigningKey(envID string) *store.SigningKey {
	id := next("kid")
	return &store.SigningKey{
		ID:         id,
		EnvID:      envID,
		Algorithm:  "RS256",
		PrivateKey: append([]byte{0x30, 0x82, 0x00, 0x00}, hashOf("key-"+id)...),
		CreatedAt:  f.now(),
	}
}

// newOneTimeToken returns an unsaved, unused one-time token of kind for u.
func (f *fx) newOneTimeToken(u *store.User, kind string) *store.OneTimeToken {
	id := next("ott")
	now := f.now()
	return &store.OneTimeToken{
		ID:        id,
		EnvID:     u.EnvID,
		Kind:      kind,
		UserID:    u.ID,
		Hash:      hashOf("ott-" + id),
		Data:      `{"redirect":"/home"}`,
		CreatedAt: now,
		ExpiresAt: now.Add(time.Hour),
	}
}

// oneTimeToken creates and returns an unused one-time token of kind for u.
func (f *fx) oneTimeToken(u *store.User, kind string) *store.OneTimeToken {
	f.t.Helper()
	o := f.newOneTimeToken(u, kind)
	must(f.t, "CreateOneTimeToken", f.s.CreateOneTimeToken(f.ctx, o))
	return o
}
