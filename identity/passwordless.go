package identity

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Passwordless login: a pre-login sends the user a magic link (an e-mailed
// link carrying a long single-use token), an e-mail code or an SMS code;
// the post-login exchanges it for a login that goes through the same state
// machine as a password login (account checks, MFA, session policy), with
// the "amr" claim ["email"] or ["sms"].
//
// Secrets are stored hashed, expire after the environment's
// defaultPasswordlessTokenExpiration, work once, and codes tolerate
// MaxCodeAttempts wrong guesses; a new pre-login retires the user's
// earlier ones of the same kind. A pre-login answers the same, at once,
// whether the user exists or not: the lookup and delivery run in the
// background (see Drain).

// Passwordless flow types: the path segment of the routes.
const (
	PasswordlessMagicLink = "magiclink"
	PasswordlessCode      = "code"
	PasswordlessSMSCode   = "smscode"
)

// One-time token kinds of the passwordless flows.
const (
	kindPasswordlessMagicLink = "passwordless-magiclink"
	kindPasswordlessCode      = "passwordless-code"
	kindPasswordlessSMS       = "passwordless-sms"
)

// purposePasswordless marks passwordless codes.
const purposePasswordless = "passwordless"

// pathMagicLink is the login-page path a magic link opens.
const pathMagicLink = "/account/login/magic-link"

// PasswordlessPreLoginInput asks for a passwordless login
// (PasswordlessAuthenticationPreloginDto,
// PasswordlessAuthenticationSmsOtcPreloginDto): exactly one of Email,
// UserID, Username or (SMS code only) PhoneNumber names the user.
// RecaptchaToken answers the captcha policy when it is enabled;
// InvitationToken is accepted for compatibility (the invitation is
// accepted at post-login).
type PasswordlessPreLoginInput struct {
	Email           string `json:"email"`
	UserID          string `json:"userId"`
	Username        string `json:"username"`
	PhoneNumber     string `json:"phoneNumber"`
	RecaptchaToken  string `json:"recaptchaToken"`
	InvitationToken string `json:"invitationToken"`
}

// PasswordlessPostLoginInput completes a passwordless login
// (AuthenticateUserPasswordlessDto). Token is the magic link's token or
// the code. A code is short, so a code login also names the user as the
// pre-login did (Email, UserID, Username or PhoneNumber); a magic-link
// token names its user by itself. InvitationToken, when set, joins the
// user to the inviting tenant.
type PasswordlessPostLoginInput struct {
	Token           string `json:"token"`
	Email           string `json:"email"`
	UserID          string `json:"userId"`
	Username        string `json:"username"`
	PhoneNumber     string `json:"phoneNumber"`
	RecaptchaToken  string `json:"recaptchaToken"`
	InvitationToken string `json:"invitationToken"`
}

// passwordlessKind returns the token kind and amr of flow typ.
func passwordlessKind(typ string) (kind, amr string, err error) {
	switch typ {
	case PasswordlessMagicLink:
		return kindPasswordlessMagicLink, amrEmail, nil
	case PasswordlessCode:
		return kindPasswordlessCode, amrEmail, nil
	case PasswordlessSMSCode:
		return kindPasswordlessSMS, AMRSMS, nil
	}
	return "", "", invalid("type", "type must be magiclink, code or smscode")
}

// passwordlessTarget validates the user-naming fields of a request.
func passwordlessTarget(typ, email, userID, username, phone string) (resetTarget, error) {
	var set []resetTarget
	if strings.TrimSpace(email) != "" {
		e, err := normalizeEmail("email", email)
		if err != nil {
			return resetTarget{}, err
		}
		set = append(set, resetTarget{kind: IdentifierEmail, value: e})
	}
	if strings.TrimSpace(userID) != "" {
		if err := checkLen("userId", userID, 255); err != nil {
			return resetTarget{}, err
		}
		set = append(set, resetTarget{kind: "userId", value: strings.TrimSpace(userID)})
	}
	if strings.TrimSpace(username) != "" {
		if err := checkLen("username", username, 255); err != nil {
			return resetTarget{}, err
		}
		set = append(set, resetTarget{kind: IdentifierUsername, value: strings.TrimSpace(username)})
	}
	if strings.TrimSpace(phone) != "" {
		if typ != PasswordlessSMSCode {
			return resetTarget{}, invalid("phoneNumber", "phoneNumber names the user of an SMS code login only")
		}
		p, err := normalizePhone("phoneNumber", phone)
		if err != nil {
			return resetTarget{}, err
		}
		set = append(set, resetTarget{kind: IdentifierPhoneNumber, value: p})
	}
	switch len(set) {
	case 0:
		if typ == PasswordlessSMSCode {
			return resetTarget{}, invalid("email", "one of email, userId, username or phoneNumber is required")
		}
		return resetTarget{}, invalid("email", "one of email, userId or username is required")
	case 1:
		return set[0], nil
	}
	return resetTarget{}, invalid("email", "name the user by one of email, userId, username or phoneNumber, not several")
}

// findPasswordlessUser returns the user t names, or nil when there is none.
func (id *Identity) findPasswordlessUser(ctx context.Context, t resetTarget) (*store.User, error) {
	if t.kind != "userId" {
		return id.findResetUser(ctx, t)
	}
	u, err := id.store.GetUser(ctx, id.envID, t.value)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// passwordlessTTL is the lifetime of passwordless tokens and codes.
func (id *Identity) passwordlessTTL(ctx context.Context) (time.Duration, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return 0, err
	}
	ttl := time.Duration(cfg.DefaultPasswordlessTokenExpiration) * time.Second
	if ttl <= 0 {
		ttl = 30 * time.Minute
	}
	return ttl, nil
}

// PasswordlessPreLogin starts a passwordless login of flow typ
// (PasswordlessMagicLink, PasswordlessCode, PasswordlessSMSCode): it
// e-mails a magic link or a code, or texts a code (POST
// auth/v1/passwordless/{type}/prelogin). It answers nil at once whether
// or not the user exists (or has an e-mail address or a verified phone);
// only a malformed request, or a refused captcha, is an error.
func (id *Identity) PasswordlessPreLogin(ctx context.Context, typ string, in PasswordlessPreLoginInput, client ClientInfo) error {
	kind, _, err := passwordlessKind(typ)
	if err != nil {
		return err
	}
	t, err := passwordlessTarget(typ, in.Email, in.UserID, in.Username, in.PhoneNumber)
	if err != nil {
		return err
	}
	if err := id.checkCaptcha(ctx, in.RecaptchaToken, in.Email, client.IP); err != nil {
		return err
	}
	ttl, err := id.passwordlessTTL(ctx)
	if err != nil {
		return err
	}
	id.background(ctx, "passwordless "+typ+" pre-login", func(ctx context.Context) error {
		u, err := id.findPasswordlessUser(ctx, t)
		if err != nil || u == nil || u.Locked {
			return err
		}
		switch typ {
		case PasswordlessMagicLink:
			if u.Email == "" {
				return nil
			}
			secret, err := id.newSecret()
			if err != nil {
				return err
			}
			err = id.store.InTx(ctx, func(tx store.Store) error {
				if _, err := tx.DeleteUserOneTimeTokens(ctx, u.ID, kind); err != nil {
					return err
				}
				now := id.now()
				return tx.CreateOneTimeToken(ctx, &store.OneTimeToken{
					ID: id.newID(), EnvID: id.envID, Kind: kind, UserID: u.ID,
					Hash: tokens.HashSecret(secret), CreatedAt: now, ExpiresAt: now.Add(ttl),
				})
			})
			if err != nil {
				return err
			}
			q := url.Values{"token": {secret}}
			link := id.appLink(pathMagicLink, q)
			return id.deliverEmail(ctx, id.customize(ctx, EmailTemplateMagicLink, magicLinkEmail(u, link, ttl),
				mailVars{name: u.Name, email: u.Email, link: link, ttl: ttl, query: q}))
		case PasswordlessCode:
			if u.Email == "" {
				return nil
			}
			code, err := id.newPasswordlessCode(ctx, kind, u.ID, verificationCodeData{Purpose: purposePasswordless, Email: u.Email}, ttl)
			if err != nil {
				return err
			}
			return id.deliverEmail(ctx, id.customize(ctx, EmailTemplateOTC, loginCodeEmail(u, code, ttl),
				mailVars{name: u.Name, email: u.Email, code: code, ttl: ttl}))
		default:
			phone, err := id.passwordlessPhone(ctx, u, t)
			if err != nil || phone == "" {
				return err
			}
			code, err := id.newPasswordlessCode(ctx, kind, u.ID, verificationCodeData{Purpose: purposePasswordless, Phone: phone}, ttl)
			if err != nil {
				return err
			}
			return id.sendSMSCode(ctx, "phoneNumber", phone, SMSTemplateOTC, code, ttl)
		}
	})
	return nil
}

// passwordlessPhone is the number an SMS code goes to: the one the
// request named, else the user's first verified number.
func (id *Identity) passwordlessPhone(ctx context.Context, u *store.User, t resetTarget) (string, error) {
	if t.kind == IdentifierPhoneNumber {
		return t.value, nil
	}
	ps, err := id.store.ListUserPhoneNumbers(ctx, id.envID, u.ID)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if p.Verified {
			return p.PhoneNumber, nil
		}
	}
	return "", nil
}

// newPasswordlessCode retires userID's earlier codes of kind and stores a
// new one, hashed, expiring after ttl; it returns the code.
func (id *Identity) newPasswordlessCode(ctx context.Context, kind, userID string, data verificationCodeData, ttl time.Duration) (string, error) {
	code, err := tokens.NewCode(id.rand, CodeDigits)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.retireVerificationCodes(ctx, tx, kind, userID, func(verificationCodeData) bool { return true }); err != nil {
			return err
		}
		now := id.now()
		tokenID := id.newID()
		return tx.CreateOneTimeToken(ctx, &store.OneTimeToken{
			ID: tokenID, EnvID: id.envID, Kind: kind, UserID: userID,
			Hash: verificationCodeHash(tokenID, code), Data: string(b), CreatedAt: now, ExpiresAt: now.Add(ttl),
		})
	})
	return code, err
}

// errBadPasswordlessToken is the single answer for an unknown user, a
// wrong, used or expired token or code.
func errBadPasswordlessToken() error {
	return unauthorized(CodeBadCredentials, "invalid or expired token")
}

// PasswordlessPostLogin completes a passwordless login of flow typ (POST
// auth/v1/passwordless/{type}/postlogin): a valid token or code is used up
// and leads, like a correct password, to tokens or an MFA challenge.
func (id *Identity) PasswordlessPostLogin(ctx context.Context, typ string, in PasswordlessPostLoginInput, client ClientInfo) (*AuthResponse, error) {
	kind, amr, err := passwordlessKind(typ)
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(in.Token)
	if token == "" {
		return nil, invalid("token", "token is required")
	}
	if len(token) > 512 {
		return nil, invalid("token", "token is too long")
	}
	var tok *store.OneTimeToken
	if typ == PasswordlessMagicLink {
		tok, err = id.store.GetOneTimeTokenByHash(ctx, kind, tokens.HashSecret(token))
		if errors.Is(err, store.ErrNotFound) || (err == nil && (tok.EnvID != id.envID || tok.UsedAt != nil || !id.now().Before(tok.ExpiresAt))) {
			return nil, errBadPasswordlessToken()
		}
		if err != nil {
			return nil, err
		}
	} else {
		t, err := passwordlessTarget(typ, in.Email, in.UserID, in.Username, in.PhoneNumber)
		if err != nil {
			return nil, err
		}
		u, err := id.findPasswordlessUser(ctx, t)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, errBadPasswordlessToken()
		}
		tok, _, err = id.findVerificationCode(ctx, kind, u.ID, func(d verificationCodeData) bool {
			return d.Purpose == purposePasswordless
		})
		if err != nil {
			return nil, errBadPasswordlessToken()
		}
		if err := id.checkVerificationCode(ctx, tok, token); err != nil {
			// A wrong code counts as a failed sign-in under the lockout
			// policy (lockout.go), so that asking for new codes does not
			// give unlimited guesses.
			if errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrTooManyAttempts) {
				if _, lerr := id.countPasswordFailure(ctx, u); lerr != nil {
					return nil, lerr
				}
			}
			var ie *Error
			if errors.As(err, &ie) && ie.Kind == ErrTooManyAttempts {
				ie.Field = "token"
				return nil, ie
			}
			if errors.Is(err, ErrInvalidInput) {
				return nil, errBadPasswordlessToken()
			}
			return nil, err
		}
	}
	err = id.store.ConsumeOneTimeToken(ctx, tok.ID, id.now())
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return nil, errBadPasswordlessToken()
	}
	if err != nil {
		return nil, err
	}
	if err := id.resetPasswordFailures(ctx, id.store, tok.UserID); err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, tok.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, errBadPasswordlessToken()
	}
	if err != nil {
		return nil, err
	}
	if in.InvitationToken != "" {
		if rec, err = id.joinWithInvite(ctx, rec.user.ID, in.InvitationToken); err != nil {
			return nil, err
		}
	}
	return id.afterFirstFactor(ctx, rec, []string{amr}, client)
}
