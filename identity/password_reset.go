package identity

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Password reset: a user who forgot its password asks for a reset by
// e-mail (a link to the login page's /account/reset-password with a
// single-use token) or by SMS (a code that, verified, yields the same
// token); the token and a new password then set the password
// (ResetPassword). A login whose password expired under the expiration
// policy also answers with such a token. Tokens expire after
// PasswordResetTokenTTL, SMS codes after VerificationCodeTTL and
// MaxCodeAttempts wrong tries; a new request retires the earlier ones.
//
// Asking for a reset answers the same, at once, whether the account
// exists or not: finding the user, storing the token and sending the
// message run apart from the request (see Drain).

// kindPasswordResetCode is the one-time token of an SMS reset code; its id
// is the sessionId the client sends back with the code.
const kindPasswordResetCode = "password-reset-code"

// purposeResetPassword marks SMS reset codes.
const purposeResetPassword = "reset-password"

// Identifier types of a reset request (ResetPasswordDto.identifierType).
const (
	IdentifierEmail       = "email"
	IdentifierPhoneNumber = "phoneNumber"
	IdentifierUsername    = "username"
)

// backgroundTimeout bounds background work (a message delivery).
const backgroundTimeout = time.Minute

// maxBackground is how many background jobs run at once; more wait.
const maxBackground = 16

// backgroundWork counts background jobs in flight; idle is closed when the
// count drops to zero. Unlike a sync.WaitGroup it may be waited on while
// new jobs start.
type backgroundWork struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (b *backgroundWork) start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == 0 {
		b.idle = make(chan struct{})
	}
	b.n++
}

func (b *backgroundWork) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n--
	if b.n == 0 {
		close(b.idle)
	}
}

// wait returns once no job is in flight, or ctx ends.
func (b *backgroundWork) wait(ctx context.Context) error {
	for {
		b.mu.Lock()
		if b.n == 0 {
			b.mu.Unlock()
			return nil
		}
		idle := b.idle
		b.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// background runs fn apart from the request that asked for it — detached
// from its cancellation, bounded by backgroundTimeout — so that what fn
// finds and how long it takes stay out of the answer. Failures are logged.
func (id *Identity) background(ctx context.Context, what string, fn func(ctx context.Context) error) {
	id.bg.start()
	go func() {
		defer id.bg.done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), backgroundTimeout)
		defer cancel()
		select {
		case id.bgSem <- struct{}{}:
			defer func() { <-id.bgSem }()
		case <-ctx.Done():
			id.log.ErrorContext(ctx, what+" dropped: too much background work", "error", ctx.Err())
			return
		}
		if err := fn(ctx); err != nil {
			id.log.ErrorContext(ctx, what+" failed", "error", err)
		}
	}()
}

// Drain waits until the background work of earlier calls has finished, or
// ctx ends. Password-reset requests (RequestPasswordReset and its
// variants) and the unlock e-mail of a lockout find the user and deliver
// their message in the background, so that the answer does not reveal
// whether an account exists; tests call Drain before reading an outbox,
// and a server may call it on shutdown.
func (id *Identity) Drain(ctx context.Context) error { return id.bg.wait(ctx) }

// PasswordResetInput asks for a password reset (ResetPasswordDto). The
// user is named by Identifier of IdentifierType ("email", "phoneNumber",
// "username"), or by Email alone (what @frontegg/rest-api's forgotPassword
// sends). EmailMetadata is accepted for compatibility; the default
// templates do not use it.
type PasswordResetInput struct {
	Email          string         `json:"email"`
	Identifier     string         `json:"identifier"`
	IdentifierType string         `json:"identifierType"`
	EmailMetadata  map[string]any `json:"emailMetadata"`
}

// PasswordResetSession answers a reset request (ResetPasswordViaSmsResponseDto):
// SessionID names the request; an SMS reset sends it back with the code.
// Every request gets one, whether the account exists or not.
type PasswordResetSession struct {
	SessionID string `json:"sessionId"`
}

// resetTarget is a validated reset request: how to find its user, and the
// phone number it named, if any.
type resetTarget struct {
	kind, value string
}

func (in *PasswordResetInput) target() (resetTarget, error) {
	typ, value := in.IdentifierType, in.Identifier
	if value == "" && in.Email != "" && (typ == "" || typ == IdentifierEmail) {
		typ, value = IdentifierEmail, in.Email
	}
	if strings.TrimSpace(value) == "" {
		return resetTarget{}, invalid("identifier", "identifier is required")
	}
	switch typ {
	case IdentifierEmail:
		e, err := normalizeEmail("identifier", value)
		return resetTarget{kind: typ, value: e}, err
	case IdentifierPhoneNumber:
		p, err := normalizePhone("identifier", value)
		return resetTarget{kind: typ, value: p}, err
	case IdentifierUsername:
		if err := checkLen("identifier", value, 255); err != nil {
			return resetTarget{}, err
		}
		return resetTarget{kind: typ, value: strings.TrimSpace(value)}, nil
	case "":
		return resetTarget{}, invalid("identifierType", "identifierType is required")
	}
	return resetTarget{}, invalid("identifierType", "identifierType must be email, phoneNumber or username")
}

// findResetUser returns the user t names, or nil when there is none (or,
// for a phone number, when it is not the verified number of exactly one
// user). Users who sign in through an external identity provider have no
// password to reset.
func (id *Identity) findResetUser(ctx context.Context, t resetTarget) (*store.User, error) {
	var u *store.User
	var err error
	switch t.kind {
	case IdentifierEmail:
		u, err = id.store.GetUserByEmail(ctx, id.envID, t.value)
	case IdentifierUsername:
		u, err = id.store.GetUserByUsername(ctx, id.envID, t.value)
	case IdentifierPhoneNumber:
		ps, lerr := id.store.ListPhoneNumbers(ctx, id.envID, store.PhoneNumberFilter{PhoneNumber: t.value})
		if lerr != nil {
			return nil, lerr
		}
		owner := ""
		for _, p := range ps {
			if !p.Verified {
				continue
			}
			if owner != "" && owner != p.UserID {
				id.log.WarnContext(ctx, "password reset by phone number: the number belongs to several users; nothing sent")
				return nil, nil
			}
			owner = p.UserID
		}
		if owner == "" {
			return nil, nil
		}
		u, err = id.store.GetUser(ctx, id.envID, owner)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.Provider != "" && u.Provider != "local" {
		return nil, nil
	}
	return u, nil
}

// issuePasswordReset creates a password-reset token with id tokenID for
// userID in tx, replacing the user's earlier ones, and returns its secret.
// Every reset token — e-mailed, obtained with an SMS code, generated by the
// environment or handed to a login whose password expired — comes from
// here and is used by ResetPassword.
func (id *Identity) issuePasswordReset(ctx context.Context, tx store.Store, userID, tokenID string) (string, error) {
	secret, err := id.newSecret()
	if err != nil {
		return "", err
	}
	if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, store.TokenPasswordReset); err != nil {
		return "", err
	}
	now := id.now()
	err = tx.CreateOneTimeToken(ctx, &store.OneTimeToken{
		ID: tokenID, EnvID: id.envID, Kind: store.TokenPasswordReset, UserID: userID,
		Hash: tokens.HashSecret(secret), CreatedAt: now, ExpiresAt: now.Add(PasswordResetTokenTTL),
	})
	return secret, err
}

// passwordResetLink is the login-page link that uses a reset token.
func (id *Identity) passwordResetLink(userID, secret string) string {
	return id.appLink(pathResetPassword, url.Values{"userId": {userID}, "token": {secret}})
}

// RequestPasswordReset e-mails the user a password-reset link
// (POST users/v1/passwords/reset). It answers nil whether or not the
// account exists, without waiting: the user is looked up and the e-mail
// sent in the background. Only a malformed request is an error.
func (id *Identity) RequestPasswordReset(ctx context.Context, in PasswordResetInput) error {
	_, err := id.RequestPasswordResetEmail(ctx, in)
	return err
}

// RequestPasswordResetEmail is RequestPasswordReset answering with the
// request's session id (POST users/v2/passwords/reset/email): the id the
// e-mailed token is stored under when the account exists.
func (id *Identity) RequestPasswordResetEmail(ctx context.Context, in PasswordResetInput) (*PasswordResetSession, error) {
	t, err := in.target()
	if err != nil {
		return nil, err
	}
	sessionID := id.newID()
	id.background(ctx, "password reset e-mail", func(ctx context.Context) error {
		u, err := id.findResetUser(ctx, t)
		if err != nil || u == nil || u.Email == "" {
			return err
		}
		var secret string
		err = id.store.InTx(ctx, func(tx store.Store) error {
			var err error
			secret, err = id.issuePasswordReset(ctx, tx, u.ID, sessionID)
			return err
		})
		if err != nil {
			return err
		}
		link := id.passwordResetLink(u.ID, secret)
		return id.deliverEmail(ctx, id.customize(ctx, EmailTemplateResetPassword, passwordResetEmail(u, link, PasswordResetTokenTTL),
			mailVars{name: u.Name, email: u.Email, link: link, ttl: PasswordResetTokenTTL,
				query: url.Values{"userId": {u.ID}, "token": {secret}}}))
	})
	return &PasswordResetSession{SessionID: sessionID}, nil
}

// RequestPasswordResetSMS texts the user a code that proves it may reset
// its password (POST users/v2/passwords/reset/sms), to the phone number
// the request names or, for an e-mail or username, to the user's first
// verified phone number. It answers a session id at once whether or not
// the account exists (or has a phone); VerifyPasswordResetSMS takes it
// back with the code.
func (id *Identity) RequestPasswordResetSMS(ctx context.Context, in PasswordResetInput) (*PasswordResetSession, error) {
	t, err := in.target()
	if err != nil {
		return nil, err
	}
	sessionID := id.newID()
	id.background(ctx, "password reset SMS", func(ctx context.Context) error {
		u, err := id.findResetUser(ctx, t)
		if err != nil || u == nil {
			return err
		}
		phone := ""
		if t.kind == IdentifierPhoneNumber {
			phone = t.value
		} else {
			ps, err := id.store.ListUserPhoneNumbers(ctx, id.envID, u.ID)
			if err != nil {
				return err
			}
			for _, p := range ps {
				if p.Verified {
					phone = p.PhoneNumber
					break
				}
			}
		}
		if phone == "" {
			return nil
		}
		var code string
		err = id.store.InTx(ctx, func(tx store.Store) error {
			var err error
			code, err = id.newVerificationCodeWithID(ctx, tx, sessionID, kindPasswordResetCode, u.ID, "",
				verificationCodeData{Purpose: purposeResetPassword, Phone: phone},
				func(verificationCodeData) bool { return true })
			return err
		})
		if err != nil {
			return err
		}
		return id.sendSMSCode(ctx, "phoneNumber", phone, SMSTemplateResetPassword, code, VerificationCodeTTL)
	})
	return &PasswordResetSession{SessionID: sessionID}, nil
}

// VerifyPasswordResetSMSInput is an SMS reset code
// (VerifyPasswordViaSmsRequestDto): OTCToken is the texted code,
// SessionID what RequestPasswordResetSMS answered.
type VerifyPasswordResetSMSInput struct {
	OTCToken  string `json:"otcToken"`
	SessionID string `json:"sessionId"`
}

// PasswordResetGrant is a password-reset token for a user
// (VerifyPasswordViaSmsResponseDto); ResetPassword takes both back.
type PasswordResetGrant struct {
	UserID string `json:"userId"`
	Token  string `json:"token"`
}

// VerifyPasswordResetSMS checks an SMS reset code and, when it is right,
// uses it up and answers a password-reset token. Wrong codes count: the
// MaxCodeAttempts-th ends the code. An unknown session answers like a
// wrong code.
func (id *Identity) VerifyPasswordResetSMS(ctx context.Context, in VerifyPasswordResetSMSInput) (*PasswordResetGrant, error) {
	if in.SessionID == "" {
		return nil, invalid("sessionId", "sessionId is required")
	}
	if strings.TrimSpace(in.OTCToken) == "" {
		return nil, invalid("otcToken", "otcToken (the code) is required")
	}
	bad := invalid("otcToken", "invalid or expired code")
	t, err := id.store.GetOneTimeToken(ctx, in.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if t.Kind != kindPasswordResetCode || t.EnvID != id.envID || decodeVerificationCodeData(t).Purpose != purposeResetPassword {
		return nil, bad
	}
	if err := id.checkVerificationCode(ctx, t, in.OTCToken); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Field == "code" {
			c := *e
			c.Field = "otcToken"
			return nil, &c
		}
		return nil, err
	}
	var secret string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.consumeVerificationCode(ctx, tx, t); err != nil {
			return bad
		}
		var err error
		secret, err = id.issuePasswordReset(ctx, tx, t.UserID, id.newID())
		return err
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return &PasswordResetGrant{UserID: t.UserID, Token: secret}, nil
}

// ResetPasswordInput sets a new password with a reset token
// (VerifyPasswordDto).
type ResetPasswordInput struct {
	UserID   string `json:"userId"`
	Token    string `json:"token"`
	Password string `json:"password"`
}

// ResetPassword sets the user's password with a password-reset token
// (POST users/v1/passwords/reset/verify). The token works once; the new
// password must satisfy the password configurations and history policies
// in force for the user. Every session of the user is revoked and its
// count of wrong passwords forgotten; a locked user stays locked (the
// unlock link, or the environment, lifts a lock).
func (id *Identity) ResetPassword(ctx context.Context, in ResetPasswordInput) error {
	if in.UserID == "" {
		return invalid("userId", "userId is required")
	}
	if in.Password == "" {
		return invalid("password", "password is required")
	}
	t, err := id.findOneTimeToken(ctx, store.TokenPasswordReset, in.UserID, in.Token, "token")
	if err != nil {
		return err
	}
	hash, size, err := id.newPasswordHash(ctx, in.UserID, "password", in.Password)
	if err != nil {
		return err
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := tx.ConsumeOneTimeToken(ctx, t.ID, id.now()); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: "token", Message: "invalid or expired token"}
			}
			return err
		}
		if err := id.setPassword(ctx, tx, in.UserID, hash, size); err != nil {
			return err
		}
		if _, err := tx.DeleteUserOneTimeTokens(ctx, in.UserID, store.TokenPasswordReset); err != nil {
			return err
		}
		if err := id.resetPasswordFailures(ctx, tx, in.UserID); err != nil {
			return err
		}
		return id.revokeSessions(ctx, tx, in.UserID, "")
	})
	if err != nil {
		return storeErr(err, "user")
	}
	id.log.InfoContext(ctx, "password reset", "userId", in.UserID)
	return nil
}

// newPasswordHash checks a new password of userID against the rules and
// the history in force for it and returns its hash, with the history size
// to keep.
func (id *Identity) newPasswordHash(ctx context.Context, userID, field, password string) (hash string, size int, err error) {
	tenantIDs, err := userTenantIDs(ctx, id.store, userID)
	if err != nil {
		return "", 0, err
	}
	if err := id.checkPasswordRules(ctx, id.store, field, password, tenantIDs); err != nil {
		return "", 0, err
	}
	if size, err = id.historySize(ctx, id.store, tenantIDs); err != nil {
		return "", 0, err
	}
	cred, err := id.store.GetPassword(ctx, userID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", 0, err
	}
	if err := id.checkPasswordHistory(ctx, field, password, cred, size); err != nil {
		return "", 0, err
	}
	hash, err = id.hasher.hash(ctx, password)
	return hash, size, err
}

// ChangePasswordInput changes the caller's password
// (UpdateUserPasswordDto): Password is the current one.
type ChangePasswordInput struct {
	Password    string `json:"password"`
	NewPassword string `json:"newPassword"`
}

// ChangePassword changes the acting user's password (POST
// users/v1/passwords/change; the environment acts for the user of
// frontegg-user-id). The current password must be right — a wrong one
// counts toward the lockout policy like a wrong login — and the new one
// must satisfy the password configurations and history policies in force
// and differ from the current one. The user's other sessions are revoked.
func (id *Identity) ChangePassword(ctx context.Context, p *Principal, in ChangePasswordInput) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if in.Password == "" {
		return invalid("password", "password (the current one) is required")
	}
	if in.NewPassword == "" {
		return invalid("newPassword", "newPassword is required")
	}
	u, cred, ok, err := id.checkPassword(ctx, func() (*store.User, error) { return id.store.GetUser(ctx, id.envID, userID) }, in.Password)
	if err != nil {
		return storeErr(err, "user "+userID)
	}
	if u == nil {
		if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		return invalid("password", "the user has no password; set one with a password reset")
	}
	if u.Locked {
		return forbidden(CodeUserLocked, "user is locked")
	}
	if !ok {
		locked, err := id.countPasswordFailure(ctx, u)
		if err != nil {
			return err
		}
		if locked {
			return forbidden(CodeUserLocked, "too many wrong passwords; the user is locked")
		}
		return &Error{Kind: ErrInvalidInput, Code: CodeBadCredentials, Field: "password", Message: "the current password is incorrect"}
	}
	if err := id.resetPasswordFailures(ctx, id.store, userID); err != nil {
		return err
	}
	if in.NewPassword == in.Password {
		return errWeakPassword("newPassword", "newPassword must differ from the current password")
	}
	hash, size, err := id.newPasswordHash(ctx, userID, "newPassword", in.NewPassword)
	if err != nil {
		return err
	}
	keep := ""
	if !p.Vendor && p.Claims != nil {
		keep = p.Claims.SessionID
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		// The password may have changed since it was checked; a lost race
		// must not overwrite the winner's history.
		if now, err := tx.GetPassword(ctx, userID); err != nil || now.Hash != cred.Hash {
			if err == nil || errors.Is(err, store.ErrNotFound) {
				return conflict("", "the password changed meanwhile; try again")
			}
			return err
		}
		if err := id.setPassword(ctx, tx, userID, hash, size); err != nil {
			return err
		}
		if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, store.TokenPasswordReset); err != nil {
			return err
		}
		_, err := tx.RevokeUserSessions(ctx, userID, keep, id.now())
		return err
	})
	if err != nil {
		return storeErr(err, "user")
	}
	id.log.InfoContext(ctx, "password changed", "userId", userID)
	return nil
}

// loginPasswordAge is the expiry decision for the password of a user
// logging in with it.
func (id *Identity) loginPasswordAge(ctx context.Context, rec *userRecord) (policy.PasswordAge, error) {
	cred, err := id.store.GetPassword(ctx, rec.user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return policy.PasswordAge{}, nil
	}
	if err != nil {
		return policy.PasswordAge{}, err
	}
	return id.passwordAge(ctx, id.store, rec.tenantIDs(), cred.UpdatedAt)
}

// expiredPasswordResponse answers a login whose password expired: no
// tokens, a password-reset token instead.
func (id *Identity) expiredPasswordResponse(ctx context.Context, rec *userRecord) (*AuthResponse, error) {
	var secret string
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		secret, err = id.issuePasswordReset(ctx, tx, rec.user.ID, id.newID())
		return err
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	zero := 0
	return &AuthResponse{
		ResetPasswordToken: secret, PasswordExpiresIn: &zero,
		UserID: rec.user.ID, UserEmail: rec.user.Email, EmailVerified: rec.user.Verified,
	}, nil
}

// deliverEmail sends m through the configured mailer and reports a failure
// (background work logs it).
func (id *Identity) deliverEmail(ctx context.Context, m delivery.Email) error {
	mailer, err := id.currentMailer(ctx)
	if err != nil {
		return err
	}
	if mailer == nil {
		return errors.New("identity: no mailer configured; e-mail not sent")
	}
	return mailer.SendEmail(ctx, m)
}
