package policy_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
)

var sessionNow = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// sess is a session created created ago, last used used ago, expiring in
// expiresIn.
func sess(id string, created, used, expiresIn time.Duration) store.Session {
	return store.Session{
		ID: id, CreatedAt: sessionNow.Add(-created), LastUsedAt: sessionNow.Add(-used),
		ExpiresAt: sessionNow.Add(expiresIn),
	}
}

func TestCheckSession(t *testing.T) {
	none := policy.SessionPolicy{}
	idle := policy.SessionPolicy{IdleTimeout: 30 * time.Minute}
	absolute := policy.SessionPolicy{AbsoluteTimeout: 8 * time.Hour}
	both := policy.SessionPolicy{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 8 * time.Hour}
	revoked := sess("r", time.Hour, time.Minute, time.Hour)
	revoked.RevokedAt = &sessionNow
	tests := []struct {
		name string
		p    policy.SessionPolicy
		s    store.Session
		want policy.SessionState
	}{
		{"no policy, fresh", none, sess("a", time.Hour, time.Hour, time.Hour), policy.SessionActive},
		{"no policy, long idle and old", none, sess("a", 100*24*time.Hour, 90*24*time.Hour, time.Hour), policy.SessionActive},
		{"no policy, past its own expiry", none, sess("a", time.Hour, time.Minute, -time.Second), policy.SessionExpired},
		{"no policy, at its own expiry", none, sess("a", time.Hour, time.Minute, 0), policy.SessionExpired},
		{"revoked", none, revoked, policy.SessionRevoked},
		{"revoked beats timeouts", both, func() store.Session {
			s := sess("a", 9*time.Hour, time.Hour, -time.Hour)
			s.RevokedAt = &sessionNow
			return s
		}(), policy.SessionRevoked},
		{"idle, used recently", idle, sess("a", 10*time.Hour, 29*time.Minute, time.Hour), policy.SessionActive},
		{"idle, exactly at the limit", idle, sess("a", 10*time.Hour, 30*time.Minute, time.Hour), policy.SessionIdle},
		{"idle, past the limit", idle, sess("a", 10*time.Hour, 31*time.Minute, time.Hour), policy.SessionIdle},
		{"absolute, young", absolute, sess("a", 7*time.Hour, 5*time.Hour, time.Hour), policy.SessionActive},
		{"absolute, exactly at the limit", absolute, sess("a", 8*time.Hour, 0, time.Hour), policy.SessionTimedOut},
		{"absolute, old but busy", absolute, sess("a", 9*time.Hour, 0, time.Hour), policy.SessionTimedOut},
		{"both, absolute reported first", both, sess("a", 9*time.Hour, time.Hour, time.Hour), policy.SessionTimedOut},
		{"both, idle only", both, sess("a", time.Hour, 45*time.Minute, time.Hour), policy.SessionIdle},
		{"both, idle beats own expiry", both, sess("a", time.Hour, 45*time.Minute, -time.Minute), policy.SessionIdle},
		{"both, fine", both, sess("a", time.Hour, time.Minute, time.Hour), policy.SessionActive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := policy.CheckSession(tc.p, tc.s, sessionNow); got != tc.want {
				t.Fatalf("CheckSession = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	s := sess("a", 2*time.Hour, 10*time.Minute, 24*time.Hour)
	tests := []struct {
		name string
		p    policy.SessionPolicy
		want time.Time
	}{
		{"own expiry", policy.SessionPolicy{}, sessionNow.Add(24 * time.Hour)},
		{"idle", policy.SessionPolicy{IdleTimeout: time.Hour}, sessionNow.Add(50 * time.Minute)},
		{"absolute", policy.SessionPolicy{AbsoluteTimeout: 3 * time.Hour}, sessionNow.Add(time.Hour)},
		{"earliest of idle and absolute", policy.SessionPolicy{IdleTimeout: time.Hour, AbsoluteTimeout: 150 * time.Minute}, sessionNow.Add(30 * time.Minute)},
		{"limits beyond own expiry", policy.SessionPolicy{IdleTimeout: 48 * time.Hour, AbsoluteTimeout: 72 * time.Hour}, sessionNow.Add(24 * time.Hour)},
		{"concurrency does not matter", policy.SessionPolicy{MaxConcurrent: 1}, sessionNow.Add(24 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := policy.SessionExpiry(tc.p, s); !got.Equal(tc.want) {
				t.Fatalf("SessionExpiry = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSessionsToEvict(t *testing.T) {
	// Newest first, as the store lists them.
	three := []store.Session{
		sess("c", 1*time.Hour, 0, time.Hour),
		sess("b", 2*time.Hour, 0, time.Hour),
		sess("a", 3*time.Hour, 0, time.Hour),
	}
	idleOld := sess("idle", 4*time.Hour, 2*time.Hour, time.Hour)
	expired := sess("expired", 5*time.Hour, 0, -time.Minute)
	revoked := sess("revoked", 6*time.Hour, 0, time.Hour)
	revoked.RevokedAt = &sessionNow
	withDead := append(slices.Clone(three), idleOld, expired, revoked)
	sameTime := []store.Session{sess("y", time.Hour, 0, time.Hour), sess("x", time.Hour, 0, time.Hour)}
	tests := []struct {
		name     string
		p        policy.SessionPolicy
		sessions []store.Session
		want     []string
	}{
		{"no limit", policy.SessionPolicy{}, three, nil},
		{"room left", policy.SessionPolicy{MaxConcurrent: 4}, three, nil},
		{"at the limit: the oldest goes", policy.SessionPolicy{MaxConcurrent: 3}, three, []string{"a"}},
		{"over the limit: the oldest two go", policy.SessionPolicy{MaxConcurrent: 2}, three, []string{"a", "b"}},
		{"limit one: all go", policy.SessionPolicy{MaxConcurrent: 1}, three, []string{"a", "b", "c"}},
		{"no sessions", policy.SessionPolicy{MaxConcurrent: 1}, nil, nil},
		{"dead sessions do not count", policy.SessionPolicy{MaxConcurrent: 4, IdleTimeout: time.Hour}, withDead, nil},
		{"dead sessions are not evicted", policy.SessionPolicy{MaxConcurrent: 3, IdleTimeout: time.Hour}, withDead, []string{"a"}},
		{"same creation time: by id", policy.SessionPolicy{MaxConcurrent: 2}, sameTime, []string{"x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.sessions)
			got := policy.SessionsToEvict(tc.p, in, sessionNow)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("SessionsToEvict = %v, want %v", got, tc.want)
			}
			for i := range in {
				if in[i].ID != tc.sessions[i].ID {
					t.Fatalf("SessionsToEvict reordered its input")
				}
			}
		})
	}
}

func TestSessionStateString(t *testing.T) {
	for s, want := range map[policy.SessionState]string{
		policy.SessionActive: "active", policy.SessionRevoked: "revoked", policy.SessionExpired: "expired",
		policy.SessionIdle: "idle", policy.SessionTimedOut: "timed out",
	} {
		if s.String() != want {
			t.Fatalf("%d.String() = %q, want %q", s, s.String(), want)
		}
	}
}
