package identity

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// TokenTypeUser is the "type" claim of user access tokens.
const TokenTypeUser = "userToken"

// Authentication method references recorded in the "amr" claim.
const (
	AMRPassword = "pwd"
)

// AuthResponse is the answer to every login step (AuthenticationResponseDto).
// Either the tokens are set, or MFARequired is true and MFAToken carries the
// login on to the second-factor step.
type AuthResponse struct {
	TokenType     string `json:"tokenType"`
	MFARequired   bool   `json:"mfaRequired"`
	MFAToken      string `json:"mfaToken,omitempty"`
	MFAEnrolled   bool   `json:"mfaEnrolled,omitempty"`
	AccessToken   string `json:"accessToken"`
	RefreshToken  string `json:"refreshToken"`
	ExpiresIn     int    `json:"expiresIn"`
	Expires       string `json:"expires"`
	UserID        string `json:"userId,omitempty"`
	UserEmail     string `json:"userEmail,omitempty"`
	EmailVerified bool   `json:"emailVerified"`

	// --- MFA (identity/mfa.go) ---

	// MFADevices and MFAStrategies tell an MFA challenge which factors the
	// user can prove (or, when MFAEnrolled is false, enrol).
	MFADevices    *MFADevices `json:"mfaDevices,omitempty"`
	MFAStrategies []string    `json:"mfaStrategies,omitempty"`
	// RecoveryCode is shown once, when a login enrolled a first factor.
	RecoveryCode string `json:"recoveryCode,omitempty"`
	// RememberDevice is set when the user asked to skip MFA on this device
	// and the policy allows it; the HTTP layer hands it to the browser as
	// an HttpOnly cookie, a Go caller passes it back in
	// ClientInfo.RememberDeviceToken.
	RememberDevice *RememberedDevice `json:"-"`

	// --- Password expiration (identity/passwords.go) ---

	// ResetPasswordToken is set, instead of tokens, when the user's
	// password has expired: the login page asks for a new password and
	// sends it with this token to ResetPassword.
	ResetPasswordToken string `json:"resetPasswordToken,omitempty"`
	// PasswordExpiresIn, in minutes, is set when the password expires
	// within the notification period of the expiration policy
	// (NotificationPeriod minutes), or has expired (0).
	PasswordExpiresIn  *int `json:"passwordExpiresIn,omitempty"`
	NotificationPeriod int  `json:"notificationPeriod,omitempty"`
}

// ClientInfo describes where a request came from; it is recorded on the
// session.
type ClientInfo struct {
	UserAgent string
	IP        string
	// RememberDeviceToken is the remember-device token an earlier MFA
	// login handed to this device (AuthResponse.RememberDevice); it lets
	// the user skip MFA while the policy allows.
	RememberDeviceToken string
}

// LoginInput is a password login (AuthenticateUserPasswordDto). Either Email
// or Username identifies the user.
type LoginInput struct {
	Email           string `json:"email"`
	Username        string `json:"username"`
	Password        string `json:"password"`
	RecaptchaToken  string `json:"recaptchaToken"`
	InvitationToken string `json:"invitationToken"`
}

// errBadCredentials is the single answer for an unknown user and a wrong
// password, so that login does not reveal which e-mails exist.
func errBadCredentials() error {
	return unauthorized(CodeBadCredentials, "incorrect email or password")
}

// Login authenticates a user by password. It is the first state of the login
// state machine: a correct password leads either to tokens or, once the
// user has a second factor, to an MFA challenge (MFARequired, MFAToken).
func (id *Identity) Login(ctx context.Context, in LoginInput, client ClientInfo) (*AuthResponse, error) {
	if in.Password == "" {
		return nil, invalid("password", "password is required")
	}
	var find func() (*store.User, error)
	switch {
	case in.Email != "":
		email := lower(in.Email)
		find = func() (*store.User, error) { return id.store.GetUserByEmail(ctx, id.envID, email) }
	case in.Username != "":
		username := in.Username
		find = func() (*store.User, error) { return id.store.GetUserByUsername(ctx, id.envID, username) }
	default:
		return nil, invalid("email", "email or username is required")
	}
	if err := id.checkCaptcha(ctx, in.RecaptchaToken, in.Email, client.IP); err != nil {
		return nil, err
	}
	u, _, ok, err := id.checkPassword(ctx, find, in.Password)
	if err != nil {
		return nil, err
	}
	if !ok {
		if u != nil {
			// The lockout policy (lockout.go) counts the wrong password;
			// the one that locks the user answers like any other.
			if _, err := id.countPasswordFailure(ctx, u); err != nil {
				return nil, err
			}
		}
		return nil, errBadCredentials()
	}
	if err := id.resetPasswordFailures(ctx, id.store, u.ID); err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, u.ID)
	if err != nil {
		return nil, err
	}
	if in.InvitationToken != "" {
		// An invitation link joins the user to its tenant, which the
		// token is then issued for.
		if rec, err = id.joinWithInvite(ctx, u.ID, in.InvitationToken); err != nil {
			return nil, err
		}
	}
	return id.afterFirstFactor(ctx, rec, []string{AMRPassword}, client)
}

// afterFirstFactor is the state after a first factor succeeded: account
// checks, then the second-factor decision, then a session.
func (id *Identity) afterFirstFactor(ctx context.Context, rec *userRecord, amr []string, client ClientInfo) (*AuthResponse, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	tenantID, err := id.checkCanLogin(rec, cfg)
	if err != nil {
		return nil, err
	}
	// MFA step (identity/mfa.go): a challenge instead of tokens when a
	// second factor is due.
	if challenge, err := id.mfaChallenge(ctx, rec, tenantID, amr, client); challenge != nil || err != nil {
		return challenge, err
	}
	return id.startSession(ctx, rec, tenantID, amr, client)
}

// checkCanLogin applies the account rules every login and refresh obeys and
// returns the tenant the token is for.
func (id *Identity) checkCanLogin(rec *userRecord, cfg store.EnvConfig) (string, error) {
	if rec.user.Locked {
		return "", forbidden(CodeUserLocked, "user is locked")
	}
	if !rec.user.Verified && !cfg.AllowNotVerifiedUsersLogin {
		return "", forbidden(CodeUserNotVerified, "user is not verified; activate the account first")
	}
	now := id.now()
	usable := rec.memberships[:0:0]
	for _, m := range rec.memberships {
		if !m.Disabled && (m.ExpiresAt == nil || m.ExpiresAt.After(now)) {
			usable = append(usable, m)
		}
	}
	if len(usable) == 0 {
		return "", forbidden(CodeUserDisabled, "user has no active tenant")
	}
	active := &userRecord{user: rec.user, memberships: usable}
	return active.activeTenant(), nil
}

// startSession opens a session for the user in tenantID and issues the
// first access and refresh tokens.
func (id *Identity) startSession(ctx context.Context, rec *userRecord, tenantID string, amr []string, client ClientInfo) (*AuthResponse, error) {
	// The tenant's IP restriction (restrictions.go) refuses disallowed addresses.
	if err := id.checkIPRestriction(ctx, id.store, tenantID, client.IP); err != nil {
		return nil, err
	}
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	// A password login under a password expiration policy: an expired
	// password gets a reset token instead of a session.
	var age policy.PasswordAge
	if slices.Contains(amr, AMRPassword) {
		if age, err = id.loginPasswordAge(ctx, rec); err != nil {
			return nil, err
		}
		if age.Expired {
			return id.expiredPasswordResponse(ctx, rec)
		}
	}
	now := id.now()
	refreshTTL := time.Duration(cfg.DefaultRefreshTokenExpiration) * time.Second
	sess := &store.Session{
		ID: id.newID(), EnvID: id.envID, UserID: rec.user.ID, TenantID: tenantID, AMR: amr, AuthTime: now,
		UserAgent: client.UserAgent, IP: client.IP, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(refreshTTL),
	}
	refresh, rt, err := id.newRefreshToken(sess, now, refreshTTL)
	if err != nil {
		return nil, err
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		// The concurrent-session limit (sessions.go) ends the oldest
		// sessions this one displaces.
		if err := id.evictSessions(ctx, tx, rec.user.ID, tenantID, now); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		if err := tx.CreateRefreshToken(ctx, rt); err != nil {
			return err
		}
		u, err := tx.GetUser(ctx, id.envID, rec.user.ID)
		if err != nil {
			return err
		}
		u.LastLogin, u.ActiveTenantID = &now, tenantID
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	rec.user.LastLogin, rec.user.ActiveTenantID = &now, tenantID
	res, err := id.tokenResponse(ctx, cfg, rec, sess, refresh)
	if err != nil {
		return nil, err
	}
	if age.Warn {
		minutes := int(age.ExpiresIn / time.Minute)
		res.PasswordExpiresIn, res.NotificationPeriod = &minutes, int(age.Notify/time.Minute)
	}
	return res, nil
}

func (id *Identity) newRefreshToken(sess *store.Session, now time.Time, ttl time.Duration) (string, *store.RefreshToken, error) {
	secret, err := id.newSecret()
	if err != nil {
		return "", nil, err
	}
	exp := now.Add(ttl)
	if exp.After(sess.ExpiresAt) {
		exp = sess.ExpiresAt
	}
	return secret, &store.RefreshToken{ID: id.newID(), SessionID: sess.ID, EnvID: id.envID, Hash: tokens.HashSecret(secret), CreatedAt: now, ExpiresAt: exp}, nil
}

// tokenResponse signs the access token for sess and wraps it with refresh.
func (id *Identity) tokenResponse(ctx context.Context, cfg store.EnvConfig, rec *userRecord, sess *store.Session, refresh string) (*AuthResponse, error) {
	c := id.accessClaims(rec, sess)
	if err := id.authzClaims(ctx, cfg, c, rec, sess.TenantID); err != nil {
		return nil, err
	}
	// JWT templates (jwt_templates.go) may set the algorithm, lifetime and
	// custom claims of the token.
	alg, ttl, err := id.shapeToken(ctx, cfg, rec, sess, c)
	if err != nil {
		return nil, err
	}
	access, exp, err := id.issuer.Sign(ctx, alg, c, ttl)
	if err != nil {
		return nil, err
	}
	return &AuthResponse{
		TokenType: "bearer", AccessToken: access, RefreshToken: refresh,
		ExpiresIn: int(ttl / time.Second), Expires: exp.UTC().Format(time.RFC1123),
		UserID: rec.user.ID, UserEmail: rec.user.Email, EmailVerified: rec.user.Verified,
	}, nil
}

// accessClaims builds the claims of a user access token.
func (id *Identity) accessClaims(rec *userRecord, sess *store.Session) *tokens.Claims {
	u := rec.user
	c := &tokens.Claims{
		TenantID: sess.TenantID, TenantIDs: rec.tenantIDs(), Type: TokenTypeUser,
		Roles: []string{}, Permissions: []string{},
		Email: u.Email, EmailVerified: u.Verified, Name: u.Name, Metadata: parseMetadata(u.Metadata),
		ProfilePictureURL: u.ProfilePictureURL, SuperUser: u.SuperUser,
		AMR: sess.AMR, AuthTime: sess.AuthTime.Unix(), SessionID: sess.ID,
	}
	c.Subject = u.ID
	return c
}

// errReuse marks a refresh token presented a second time.
var errReuse = errors.New("refresh token reused")

// Refresh exchanges a refresh token for a new access token and, when the
// environment rotates refresh tokens (the default), a new refresh token; the
// old one stops working. Presenting a refresh token that was already
// rotated revokes the whole session. tenantID, when non-empty, switches the
// session to another of the user's own tenants.
func (id *Identity) Refresh(ctx context.Context, refreshToken, tenantID string, client ClientInfo) (*AuthResponse, error) {
	if refreshToken == "" {
		return nil, unauthorized(CodeInvalidRefresh, "refresh token is required")
	}
	bad := unauthorized(CodeInvalidRefresh, "invalid refresh token")
	rt, err := id.store.GetRefreshTokenByHash(ctx, tokens.HashSecret(refreshToken))
	if errors.Is(err, store.ErrNotFound) || (err == nil && rt.EnvID != id.envID) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	sess, err := id.store.GetSession(ctx, rt.SessionID)
	if err != nil {
		return nil, storeErr(err, "session")
	}
	now := id.now()
	if sess.RevokedAt != nil {
		return nil, bad
	}
	if rt.UsedAt != nil {
		id.revokeReused(ctx, sess.ID)
		return nil, bad
	}
	if !now.Before(rt.ExpiresAt) || !now.Before(sess.ExpiresAt) {
		return nil, unauthorized(CodeTokenExpired, "refresh token expired")
	}
	// The session policy (sessions.go) ends idle and too old sessions.
	if err := id.checkSessionPolicy(ctx, sess, now, sess.TenantID); err != nil {
		return nil, err
	}
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, sess.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	target, err := id.refreshTenant(rec, cfg, sess.TenantID, tenantID)
	if err != nil {
		return nil, err
	}
	if target != sess.TenantID {
		// Switching tenants: the new tenant's session policy applies too.
		if err := id.checkSessionPolicy(ctx, sess, now, target); err != nil {
			return nil, err
		}
	}
	// The target tenant's IP restriction (restrictions.go) refuses
	// disallowed addresses.
	if err := id.checkIPRestriction(ctx, id.store, target, client.IP); err != nil {
		return nil, err
	}
	newRefresh, newRT := refreshToken, (*store.RefreshToken)(nil)
	if cfg.RotateRefreshTokens {
		// refreshTokensRotationLimit (config.go) caps the rotations of a session.
		if err := checkRotationLimit(cfg, rt); err != nil {
			return nil, err
		}
		if newRefresh, newRT, err = id.newRefreshToken(sess, now, time.Duration(cfg.DefaultRefreshTokenExpiration)*time.Second); err != nil {
			return nil, err
		}
		newRT.Rotation = rt.Rotation + 1
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if newRT != nil {
			if err := tx.UseRefreshToken(ctx, rt.ID, now); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return errReuse
				}
				return err
			}
			if err := tx.CreateRefreshToken(ctx, newRT); err != nil {
				return err
			}
		}
		if err := tx.TouchSession(ctx, sess.ID, target, now); err != nil {
			return err
		}
		if target != rec.user.ActiveTenantID {
			u, err := tx.GetUser(ctx, id.envID, rec.user.ID)
			if err != nil {
				return err
			}
			u.ActiveTenantID = target
			return tx.UpdateUser(ctx, u)
		}
		return nil
	})
	if errors.Is(err, errReuse) {
		id.revokeReused(ctx, sess.ID)
		return nil, bad
	}
	if err != nil {
		return nil, storeErr(err, "session")
	}
	sess.TenantID, rec.user.ActiveTenantID = target, target
	return id.tokenResponse(ctx, cfg, rec, sess, newRefresh)
}

// refreshTenant decides the tenant of a refreshed token: the requested one
// if it is among the user's usable tenants, else the session's.
func (id *Identity) refreshTenant(rec *userRecord, cfg store.EnvConfig, current, requested string) (string, error) {
	if _, err := id.checkCanLogin(rec, cfg); err != nil {
		return "", err
	}
	now := id.now()
	usable := func(t string) bool {
		m := rec.membership(t)
		return m != nil && !m.Disabled && (m.ExpiresAt == nil || m.ExpiresAt.After(now))
	}
	if requested != "" {
		if !usable(requested) {
			return "", forbidden("", "user is not a member of tenant %s", requested)
		}
		return requested, nil
	}
	// The user's active tenant (switched by SwitchTenant or set by the
	// environment) wins over the session's.
	if usable(rec.user.ActiveTenantID) {
		return rec.user.ActiveTenantID, nil
	}
	if usable(current) {
		return current, nil
	}
	t, _ := id.checkCanLogin(rec, cfg)
	return t, nil
}

func (id *Identity) revokeReused(ctx context.Context, sessionID string) {
	if err := id.store.RevokeSession(ctx, sessionID, id.now()); err != nil {
		id.log.ErrorContext(ctx, "revoking session after refresh-token reuse", "sessionId", sessionID, "error", err)
		return
	}
	id.log.WarnContext(ctx, "refresh token reused; session revoked", "sessionId", sessionID)
}

// Logout ends the session the refresh token belongs to. An empty or unknown
// token is not an error: logging out is idempotent.
func (id *Identity) Logout(ctx context.Context, refreshToken string) error {
	if refreshToken == "" {
		return nil
	}
	rt, err := id.store.GetRefreshTokenByHash(ctx, tokens.HashSecret(refreshToken))
	if errors.Is(err, store.ErrNotFound) || (err == nil && rt.EnvID != id.envID) {
		return nil
	}
	if err != nil {
		return err
	}
	err = id.store.RevokeSession(ctx, rt.SessionID, id.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
