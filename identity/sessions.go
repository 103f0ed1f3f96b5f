package identity

import (
	"context"
	"time"

	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
)

// settingSessionPolicy names the session policy document of the environment
// (tenant "") and of each tenant that overrides it.
const settingSessionPolicy = "session-policy"

// Bounds and defaults of the session policy, in seconds (the API's unit).
const (
	// MinSessionTimeout is the shortest idle or absolute timeout accepted.
	MinSessionTimeout = 60
	// MaxSessionIdleTimeout is the longest idle timeout accepted (24 days).
	MaxSessionIdleTimeout = 2073600
	// MaxSessionTimeout is the longest absolute timeout accepted (10
	// years): a bound only so that no value overflows a time.Duration.
	MaxSessionTimeout = 10 * 365 * 24 * 3600
	// DefaultSessionIdleTimeout is the idle timeout a policy shows before
	// one is set (30 minutes); it applies only once made active.
	DefaultSessionIdleTimeout = 1800
	// DefaultSessionTimeout is the absolute timeout a policy shows before
	// one is set (30 days); it applies only once made active.
	DefaultSessionTimeout = 30 * 24 * 3600
	// DefaultMaxSessions is the concurrent-session limit a policy shows
	// before one is set; it applies only once made active.
	DefaultMaxSessions = 10
)

// SessionTimeoutConfiguration is an idle or absolute session timeout
// (SessionIdleTimeoutConfigurationDto, SessionTimeoutConfigurationDto).
// Timeout is in seconds; it is enforced only while IsActive.
type SessionTimeoutConfiguration struct {
	IsActive bool `json:"isActive"`
	Timeout  int  `json:"timeout"`
}

// SessionConcurrentConfiguration caps how many sessions a user holds at once
// (SessionConcurrentConfigurationDto); enforced only while IsActive.
type SessionConcurrentConfiguration struct {
	IsActive    bool `json:"isActive"`
	MaxSessions int  `json:"maxSessions"`
}

// SessionConfiguration is a session policy (ISessionConfigurations of the
// official clients):
//
//   - SessionIdleTimeoutConfiguration ends a session that went unused for
//     Timeout seconds. A session is used when it is refreshed, so the idle
//     time is measured between refreshes (the access tokens a session has
//     already issued stay valid until they expire).
//   - SessionTimeoutConfiguration ends a session Timeout seconds after the
//     login that opened it, however active ("force re-login").
//   - SessionConcurrentConfiguration limits a user to MaxSessions live
//     sessions: a login beyond the limit ends the user's oldest sessions.
//
// A tenant's policy overrides the environment's section by section: a
// section the tenant never set is the environment's.
type SessionConfiguration struct {
	SessionIdleTimeoutConfiguration SessionTimeoutConfiguration    `json:"sessionIdleTimeoutConfiguration"`
	SessionTimeoutConfiguration     SessionTimeoutConfiguration    `json:"sessionTimeoutConfiguration"`
	SessionConcurrentConfiguration  SessionConcurrentConfiguration `json:"sessionConcurrentConfiguration"`
}

// SessionTimeoutInput sets an idle or absolute timeout; both fields are
// required.
type SessionTimeoutInput struct {
	IsActive *bool `json:"isActive"`
	Timeout  *int  `json:"timeout"`
}

// SessionConcurrentInput sets the concurrent-session limit; both fields
// are required.
type SessionConcurrentInput struct {
	IsActive    *bool `json:"isActive"`
	MaxSessions *int  `json:"maxSessions"`
}

// SessionConfigurationInput creates or changes a session policy
// (CreateSessionConfigurationRequest). A section left nil keeps its current
// value.
type SessionConfigurationInput struct {
	SessionIdleTimeoutConfiguration *SessionTimeoutInput    `json:"sessionIdleTimeoutConfiguration"`
	SessionTimeoutConfiguration     *SessionTimeoutInput    `json:"sessionTimeoutConfiguration"`
	SessionConcurrentConfiguration  *SessionConcurrentInput `json:"sessionConcurrentConfiguration"`
}

// sessionPolicyDoc is the stored policy of one scope: only the sections
// that scope set.
type sessionPolicyDoc struct {
	Idle       *SessionTimeoutConfiguration    `json:"idle,omitempty"`
	Absolute   *SessionTimeoutConfiguration    `json:"absolute,omitempty"`
	Concurrent *SessionConcurrentConfiguration `json:"concurrent,omitempty"`
}

func checkSessionTimeout(field string, in *SessionTimeoutInput, maxTimeout int) (*SessionTimeoutConfiguration, error) {
	if in == nil {
		return nil, nil
	}
	if in.IsActive == nil {
		return nil, invalid(field+".isActive", "%s.isActive is required", field)
	}
	if in.Timeout == nil {
		return nil, invalid(field+".timeout", "%s.timeout is required", field)
	}
	if *in.Timeout < MinSessionTimeout || *in.Timeout > maxTimeout {
		return nil, invalid(field+".timeout", "%s.timeout must be between %d and %d seconds", field, MinSessionTimeout, maxTimeout)
	}
	return &SessionTimeoutConfiguration{IsActive: *in.IsActive, Timeout: *in.Timeout}, nil
}

// validate checks in and returns the sections it sets.
func (in *SessionConfigurationInput) validate() (sessionPolicyDoc, error) {
	var d sessionPolicyDoc
	var err error
	if d.Idle, err = checkSessionTimeout("sessionIdleTimeoutConfiguration", in.SessionIdleTimeoutConfiguration, MaxSessionIdleTimeout); err != nil {
		return d, err
	}
	if d.Absolute, err = checkSessionTimeout("sessionTimeoutConfiguration", in.SessionTimeoutConfiguration, MaxSessionTimeout); err != nil {
		return d, err
	}
	if c := in.SessionConcurrentConfiguration; c != nil {
		const field = "sessionConcurrentConfiguration"
		if c.IsActive == nil {
			return d, invalid(field+".isActive", "%s.isActive is required", field)
		}
		if c.MaxSessions == nil {
			return d, invalid(field+".maxSessions", "%s.maxSessions is required", field)
		}
		if *c.MaxSessions < 1 {
			return d, invalid(field+".maxSessions", "%s.maxSessions must be at least 1", field)
		}
		d.Concurrent = &SessionConcurrentConfiguration{IsActive: *c.IsActive, MaxSessions: *c.MaxSessions}
	}
	return d, nil
}

// overlay returns d with the sections of top that are set replacing its
// own.
func (d sessionPolicyDoc) overlay(top sessionPolicyDoc) sessionPolicyDoc {
	if top.Idle != nil {
		d.Idle = top.Idle
	}
	if top.Absolute != nil {
		d.Absolute = top.Absolute
	}
	if top.Concurrent != nil {
		d.Concurrent = top.Concurrent
	}
	return d
}

// configuration is the API view of d, unset sections at their (inactive)
// defaults.
func (d sessionPolicyDoc) configuration() *SessionConfiguration {
	c := &SessionConfiguration{
		SessionIdleTimeoutConfiguration: SessionTimeoutConfiguration{Timeout: DefaultSessionIdleTimeout},
		SessionTimeoutConfiguration:     SessionTimeoutConfiguration{Timeout: DefaultSessionTimeout},
		SessionConcurrentConfiguration:  SessionConcurrentConfiguration{MaxSessions: DefaultMaxSessions},
	}
	if d.Idle != nil {
		c.SessionIdleTimeoutConfiguration = *d.Idle
	}
	if d.Absolute != nil {
		c.SessionTimeoutConfiguration = *d.Absolute
	}
	if d.Concurrent != nil {
		c.SessionConcurrentConfiguration = *d.Concurrent
	}
	return c
}

// engine is the decision engine's view of d: the active limits only.
func (d sessionPolicyDoc) engine() policy.SessionPolicy {
	var p policy.SessionPolicy
	if d.Idle != nil && d.Idle.IsActive {
		p.IdleTimeout = time.Duration(d.Idle.Timeout) * time.Second
	}
	if d.Absolute != nil && d.Absolute.IsActive {
		p.AbsoluteTimeout = time.Duration(d.Absolute.Timeout) * time.Second
	}
	if d.Concurrent != nil && d.Concurrent.IsActive {
		p.MaxConcurrent = d.Concurrent.MaxSessions
	}
	return p
}

// loadSessionPolicy returns the sections saved for tenantID ("" for the
// environment).
func (id *Identity) loadSessionPolicy(ctx context.Context, st store.Store, tenantID string) (sessionPolicyDoc, error) {
	return loadSetting(ctx, id, st, tenantID, settingSessionPolicy, sessionPolicyDoc{})
}

// effectiveSessionPolicy is the policy in force for tenantID: the
// environment's sections overridden by the tenant's own.
func (id *Identity) effectiveSessionPolicy(ctx context.Context, st store.Store, tenantID string) (sessionPolicyDoc, error) {
	env, err := id.loadSessionPolicy(ctx, st, "")
	if err != nil || tenantID == "" {
		return env, err
	}
	own, err := id.loadSessionPolicy(ctx, st, tenantID)
	if err != nil {
		return env, err
	}
	return env.overlay(own), nil
}

// sessionPolicyFor returns the engine's view of the policy in force for
// tenantID.
func (id *Identity) sessionPolicyFor(ctx context.Context, st store.Store, tenantID string) (policy.SessionPolicy, error) {
	d, err := id.effectiveSessionPolicy(ctx, st, tenantID)
	if err != nil {
		return policy.SessionPolicy{}, err
	}
	return d.engine(), nil
}

// GetVendorSessionConfiguration returns the environment's session policy,
// the default every tenant inherits.
func (id *Identity) GetVendorSessionConfiguration(ctx context.Context) (*SessionConfiguration, error) {
	d, err := id.loadSessionPolicy(ctx, id.store, "")
	if err != nil {
		return nil, err
	}
	return d.configuration(), nil
}

// GetSessionConfiguration returns the session policy in force where the
// principal acts: for a user, its tenant's (the environment's sections
// where the tenant set none); for the environment token, the tenant named
// by the frontegg-tenant-id header, or without one the environment's.
func (id *Identity) GetSessionConfiguration(ctx context.Context, p *Principal) (*SessionConfiguration, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	if tenantID != "" {
		if _, err := id.store.GetTenant(ctx, id.envID, tenantID); err != nil {
			return nil, storeErr(err, "tenant "+tenantID)
		}
	}
	d, err := id.effectiveSessionPolicy(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	return d.configuration(), nil
}

// SaveSessionConfiguration creates or changes the session policy where the
// principal acts (its tenant, or for the environment token without a
// tenant the environment's default) and returns the policy now in force
// there. Sections left out keep their value. The new policy applies from
// the next login or refresh of every session it governs.
func (id *Identity) SaveSessionConfiguration(ctx context.Context, p *Principal, in SessionConfigurationInput) (*SessionConfiguration, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	set, err := in.validate()
	if err != nil {
		return nil, err
	}
	var out *SessionConfiguration
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if tenantID != "" {
			if _, err := tx.GetTenant(ctx, id.envID, tenantID); err != nil {
				return storeErr(err, "tenant "+tenantID)
			}
		}
		cur, err := id.loadSessionPolicy(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		next := cur.overlay(set)
		if err := saveSetting(ctx, id, tx, tenantID, settingSessionPolicy, next); err != nil {
			return err
		}
		eff := next
		if tenantID != "" {
			env, err := id.loadSessionPolicy(ctx, tx, "")
			if err != nil {
				return err
			}
			eff = env.overlay(next)
		}
		out = eff.configuration()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// --- enforcement (called from auth.go) ---

// checkSessionPolicy refuses a refresh of sess at now that the session
// policy of tenantID ends (idle or absolute timeout). When tenantID is the
// session's own tenant the session is revoked, so it cannot be tried
// again; a refresh that switches into another tenant whose policy the
// session does not meet is refused, and the session stays usable where it
// is.
func (id *Identity) checkSessionPolicy(ctx context.Context, sess *store.Session, now time.Time, tenantID string) error {
	p, err := id.sessionPolicyFor(ctx, id.store, tenantID)
	if err != nil {
		return err
	}
	var msg string
	switch policy.CheckSession(p, *sess, now) {
	case policy.SessionIdle:
		msg = "session expired after being idle too long; log in again"
	case policy.SessionTimedOut:
		msg = "session reached its maximum lifetime; log in again"
	default:
		return nil
	}
	if tenantID == sess.TenantID {
		if err := id.store.RevokeSession(ctx, sess.ID, now); err != nil {
			id.log.ErrorContext(ctx, "revoking session ended by the session policy", "sessionId", sess.ID, "error", err)
		}
	}
	return unauthorized(CodeTokenExpired, "%s", msg)
}

// evictSessions ends, inside tx, the oldest live sessions of userID that a
// new login into tenantID must displace under the concurrent-session limit
// of tenantID's policy.
func (id *Identity) evictSessions(ctx context.Context, tx store.Store, userID, tenantID string, now time.Time) error {
	p, err := id.sessionPolicyFor(ctx, tx, tenantID)
	if err != nil || p.MaxConcurrent == 0 {
		return err
	}
	live, err := tx.ListActiveUserSessions(ctx, userID, now)
	if err != nil {
		return err
	}
	for _, sid := range policy.SessionsToEvict(p, live, now) {
		if err := tx.RevokeSession(ctx, sid, now); err != nil {
			return err
		}
	}
	return nil
}

// --- User Sessions: a user's own sessions ---

// UserSession is one of a user's live login sessions (ISessionResponse of
// the official clients).
type UserSession struct {
	ID        string `json:"id"`
	UserAgent string `json:"userAgent"`
	IPAddress string `json:"ipAddress"`
	// TenantID is the tenant the session's tokens are issued for.
	TenantID  string    `json:"tenantId"`
	CreatedAt time.Time `json:"createdAt"`
	// LastActive is the session's last login or refresh.
	LastActive time.Time `json:"lastActive"`
	// Expires is when the session ends unless used again: the earliest of
	// its refresh lifetime and the policy's idle and absolute timeouts.
	Expires time.Time `json:"expires"`
	// Current marks the session of the access token making the request.
	Current bool `json:"current"`
}

// sessionOwner returns the user whose sessions p manages: the user of a
// user token, or the user a vendor token names (frontegg-user-id). It
// checks the user exists.
func (id *Identity) sessionOwner(ctx context.Context, p *Principal) (string, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return "", err
	}
	if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
		return "", storeErr(err, "user "+userID)
	}
	return userID, nil
}

// currentSession is the session of p's access token ("" for the
// environment token).
func currentSession(p *Principal) string {
	if p == nil || p.Vendor || p.Claims == nil {
		return ""
	}
	return p.Claims.SessionID
}

// ListMySessions returns the live sessions of the principal's user, newest
// first: sessions neither revoked nor ended by their lifetime or by the
// session policy of their tenant. The session of the principal's own
// access token is marked Current.
func (id *Identity) ListMySessions(ctx context.Context, p *Principal) ([]UserSession, error) {
	userID, err := id.sessionOwner(ctx, p)
	if err != nil {
		return nil, err
	}
	now := id.now()
	ss, err := id.store.ListActiveUserSessions(ctx, userID, now)
	if err != nil {
		return nil, err
	}
	policies := map[string]policy.SessionPolicy{}
	current := currentSession(p)
	out := make([]UserSession, 0, len(ss))
	for _, s := range ss {
		if s.EnvID != id.envID {
			continue
		}
		pol, ok := policies[s.TenantID]
		if !ok {
			if pol, err = id.sessionPolicyFor(ctx, id.store, s.TenantID); err != nil {
				return nil, err
			}
			policies[s.TenantID] = pol
		}
		if policy.CheckSession(pol, s, now) != policy.SessionActive {
			continue
		}
		out = append(out, UserSession{
			ID: s.ID, UserAgent: s.UserAgent, IPAddress: s.IP, TenantID: s.TenantID,
			CreatedAt: s.CreatedAt, LastActive: s.LastUsedAt, Expires: policy.SessionExpiry(pol, s),
			Current: s.ID == current,
		})
	}
	return out, nil
}

// RevokeMySession ends one session of the principal's user (its current
// one included: its refresh token stops working, the access tokens it
// issued live until they expire). A session of another user, or one
// already ended, is ErrNotFound.
func (id *Identity) RevokeMySession(ctx context.Context, p *Principal, sessionID string) error {
	userID, err := id.sessionOwner(ctx, p)
	if err != nil {
		return err
	}
	if sessionID == "" {
		return invalid("id", "session id is required")
	}
	s, err := id.store.GetSession(ctx, sessionID)
	if err != nil {
		return storeErr(err, "session "+sessionID)
	}
	if s.EnvID != id.envID || s.UserID != userID || s.RevokedAt != nil {
		return notFound("session %s not found", sessionID)
	}
	return storeErr(id.store.RevokeSession(ctx, s.ID, id.now()), "session "+sessionID)
}

// RevokeAllMySessions ends every session of the principal's user except
// the one of the principal's own access token, so that "sign out of all
// sessions" does not sign out the device asking; with the environment
// token (no session of its own) it ends them all. It returns how many
// sessions it ended.
func (id *Identity) RevokeAllMySessions(ctx context.Context, p *Principal) (int, error) {
	userID, err := id.sessionOwner(ctx, p)
	if err != nil {
		return 0, err
	}
	return id.store.RevokeUserSessions(ctx, userID, currentSession(p), id.now())
}
