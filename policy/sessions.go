package policy

import (
	"cmp"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

// SessionPolicy is the session policy in force for a tenant: how long a
// login session may sit unused, how long it may live at all, and how many
// a user may hold at once. A zero field imposes no limit.
type SessionPolicy struct {
	// IdleTimeout ends a session that has not been used (refreshed) for
	// this long, counted from its LastUsedAt.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after it was created,
	// however active it is (the user must log in again).
	AbsoluteTimeout time.Duration
	// MaxConcurrent caps a user's live sessions: a login beyond it ends the
	// user's oldest sessions (see SessionsToEvict).
	MaxConcurrent int
}

// SessionState is what a session is worth at a given instant.
type SessionState int

const (
	// SessionActive: the session may be refreshed.
	SessionActive SessionState = iota
	// SessionRevoked: the session was ended (logout, revocation).
	SessionRevoked
	// SessionExpired: the session outlived its own lifetime (ExpiresAt,
	// the refresh-token lifetime it was created with).
	SessionExpired
	// SessionIdle: the session was unused for longer than the policy's
	// IdleTimeout.
	SessionIdle
	// SessionTimedOut: the session is older than the policy's
	// AbsoluteTimeout.
	SessionTimedOut
)

// String names the state.
func (s SessionState) String() string {
	switch s {
	case SessionRevoked:
		return "revoked"
	case SessionExpired:
		return "expired"
	case SessionIdle:
		return "idle"
	case SessionTimedOut:
		return "timed out"
	}
	return "active"
}

// SessionExpiry is the instant s stops being usable under p if it is not
// used again: the earliest of its own ExpiresAt, its LastUsedAt plus the
// idle timeout and its CreatedAt plus the absolute timeout.
func SessionExpiry(p SessionPolicy, s store.Session) time.Time {
	exp := s.ExpiresAt
	if p.IdleTimeout > 0 {
		if t := s.LastUsedAt.Add(p.IdleTimeout); t.Before(exp) {
			exp = t
		}
	}
	if p.AbsoluteTimeout > 0 {
		if t := s.CreatedAt.Add(p.AbsoluteTimeout); t.Before(exp) {
			exp = t
		}
	}
	return exp
}

// CheckSession says whether s may still be used at now under p. Revocation
// is reported first, then the absolute timeout, the idle timeout and the
// session's own expiry, so a caller can tell the user why it must log in
// again. A limit is reached at its instant: a session idle for exactly
// IdleTimeout is idle.
func CheckSession(p SessionPolicy, s store.Session, now time.Time) SessionState {
	switch {
	case s.RevokedAt != nil:
		return SessionRevoked
	case p.AbsoluteTimeout > 0 && !now.Before(s.CreatedAt.Add(p.AbsoluteTimeout)):
		return SessionTimedOut
	case p.IdleTimeout > 0 && !now.Before(s.LastUsedAt.Add(p.IdleTimeout)):
		return SessionIdle
	case !now.Before(s.ExpiresAt):
		return SessionExpired
	}
	return SessionActive
}

// SessionsToEvict returns the ids of the sessions a new login must end so
// that, once it opens its own, the user holds no more than p.MaxConcurrent
// live sessions: the oldest live ones (by CreatedAt, then id). Sessions that
// are no longer active at now (revoked, expired, idle, timed out) neither
// count nor are returned. Without a limit it returns nil.
func SessionsToEvict(p SessionPolicy, sessions []store.Session, now time.Time) []string {
	if p.MaxConcurrent <= 0 {
		return nil
	}
	live := make([]*store.Session, 0, len(sessions))
	for i := range sessions {
		if CheckSession(p, sessions[i], now) == SessionActive {
			live = append(live, &sessions[i])
		}
	}
	excess := len(live) - (p.MaxConcurrent - 1)
	if excess <= 0 {
		return nil
	}
	slices.SortFunc(live, func(a, b *store.Session) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]string, excess)
	for i := range out {
		out[i] = live[i].ID
	}
	return out
}
