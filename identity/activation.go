package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// CodeDigits is the length of the short codes e-mailed beside activation
// and invitation links.
const CodeDigits = 6

// MaxCodeAttempts is how many wrong codes a token tolerates: the wrong code
// that reaches it burns the token, and a new e-mail must be requested.
const MaxCodeAttempts = 5

// PasswordResetTokenTTL is how long a password-reset token stays valid.
const PasswordResetTokenTTL = time.Hour

// issuedToken is a one-time token just created: the values to hand out
// (never stored) and its lifetime.
type issuedToken struct {
	secret    string
	code      string
	ttl       time.Duration
	expiresAt time.Time
}

// tokenData is the Data of tokens that carry a short code: the code's
// hash, salted with the token id so equal codes of different tokens differ.
type tokenData struct {
	CodeHash []byte `json:"codeHash,omitempty"`
}

func codeHash(tokenID, code string) []byte { return tokens.HashSecret(tokenID + ":" + code) }

// issueToken creates a single-use secret of kind for userID in tenantID,
// together with a CodeDigits code bound to it, stored only as hashes. It
// replaces the user's unused tokens of the same kind: every one of them,
// or, when perTenant is set, only those of tenantID (a user may hold
// invitations to several tenants at once). Under the "code" activation or
// invitation strategy, the strategy's code expiration replaces ttl.
func (id *Identity) issueToken(ctx context.Context, tx store.Store, kind, userID, tenantID string, ttl time.Duration, perTenant bool) (*issuedToken, error) {
	// The activation and invitation strategies may set the lifetime.
	if strategyTTL, ok, err := id.strategyTTL(ctx, tx, kind); err != nil {
		return nil, err
	} else if ok {
		ttl = strategyTTL
	}
	if perTenant {
		old, err := tx.ListUserOneTimeTokens(ctx, userID, kind)
		if err != nil {
			return nil, err
		}
		for _, o := range old {
			if o.UsedAt == nil && o.TenantID == tenantID && o.EnvID == id.envID {
				if err := tx.DeleteOneTimeToken(ctx, o.ID); err != nil {
					return nil, err
				}
			}
		}
	} else if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, kind); err != nil {
		return nil, err
	}
	secret, err := id.newSecret()
	if err != nil {
		return nil, err
	}
	code, err := tokens.NewCode(id.rand, CodeDigits)
	if err != nil {
		return nil, fmt.Errorf("identity: generating code: %w", err)
	}
	now := id.now()
	t := &store.OneTimeToken{
		ID: id.newID(), EnvID: id.envID, Kind: kind, UserID: userID, TenantID: tenantID,
		Hash: tokens.HashSecret(secret), CreatedAt: now, ExpiresAt: now.Add(ttl),
	}
	data, err := json.Marshal(tokenData{CodeHash: codeHash(t.ID, code)})
	if err != nil {
		return nil, err
	}
	t.Data = string(data)
	if err := tx.CreateOneTimeToken(ctx, t); err != nil {
		return nil, err
	}
	return &issuedToken{secret: secret, code: code, ttl: ttl, expiresAt: t.ExpiresAt}, nil
}

// checkCode compares code with the code bound to t. A wrong code counts as
// a failed attempt; the one that reaches MaxCodeAttempts burns the token.
func (id *Identity) checkCode(ctx context.Context, t *store.OneTimeToken, code string) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return invalid("code", "code is required")
	}
	tooMany := &Error{Kind: ErrTooManyAttempts, Code: CodeTooMany, Field: "code",
		Message: "too many wrong codes; request a new e-mail"}
	if t.Attempts >= MaxCodeAttempts {
		return tooMany
	}
	var d tokenData
	if t.Data != "" {
		if err := json.Unmarshal([]byte(t.Data), &d); err != nil {
			return fmt.Errorf("identity: token %s data is corrupt: %w", t.ID, err)
		}
	}
	if tokens.EqualHash(d.CodeHash, codeHash(t.ID, code)) {
		return nil
	}
	n, err := id.store.IncrementOneTimeTokenAttempts(ctx, t.ID)
	if err != nil {
		return storeErr(err, "token")
	}
	if n >= MaxCodeAttempts {
		if err := id.store.ConsumeOneTimeToken(ctx, t.ID, id.now()); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		return tooMany
	}
	return &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: "code", Message: "invalid code"}
}

// ActivateWithCodeInput activates an account with the token and the code
// of the activation e-mail (ActivateUserWithCodeDto).
type ActivateWithCodeInput struct {
	ActivateInput
	Code string `json:"code"`
}

// ActivateUserWithCode is ActivateUser that also requires the short code
// e-mailed with the activation link. Wrong codes are counted; after
// MaxCodeAttempts the token is burnt.
func (id *Identity) ActivateUserWithCode(ctx context.Context, in ActivateWithCodeInput, client ClientInfo) (*AuthResponse, error) {
	if in.UserID == "" {
		return nil, invalid("userId", "userId is required")
	}
	if strings.TrimSpace(in.Code) == "" {
		return nil, invalid("code", "code is required")
	}
	if err := id.checkCaptcha(ctx, in.RecaptchaToken, id.userEmail(ctx, in.UserID), client.IP); err != nil {
		return nil, err
	}
	t, err := id.findOneTimeToken(ctx, store.TokenActivation, in.UserID, in.Token, "token")
	if err != nil {
		return nil, err
	}
	if err := id.checkCode(ctx, t, in.Code); err != nil {
		return nil, err
	}
	return id.activate(ctx, t, in.ActivateInput, client)
}

// ResendActivationInput asks for a new activation e-mail
// (ResetActivationTokenDto). EmailMetadata is accepted for compatibility;
// the default templates do not use it.
type ResendActivationInput struct {
	Email         string         `json:"email"`
	EmailMetadata map[string]any `json:"emailMetadata"`
}

// ResendActivationEmail issues a new activation token (and code) for the
// unverified user with the e-mail and sends it; earlier activation tokens
// stop working. It answers the same (nil) for unknown and already verified
// e-mails, so it does not reveal which accounts exist.
func (id *Identity) ResendActivationEmail(ctx context.Context, in ResendActivationInput) error {
	email, err := normalizeEmail("email", in.Email)
	if err != nil {
		return err
	}
	u, err := id.store.GetUserByEmail(ctx, id.envID, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Verified {
		return nil
	}
	var tok *issuedToken
	err = id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := id.loadUser(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		tok, err = id.issueToken(ctx, tx, store.TokenActivation, u.ID, rec.activeTenant(), ActivationTokenTTL, false)
		return err
	})
	if err != nil {
		return err
	}
	id.sendActivation(ctx, u, tok)
	return nil
}

// GeneratedLink is a token the vendor delivers itself, with the login-page
// link that uses it (GenerateUserActivationLinkResponseDto,
// GenerateUserResetPasswordLinkResponseDto).
type GeneratedLink struct {
	Link   string `json:"link"`
	Token  string `json:"token"`
	UserID string `json:"userId"`
}

// GenerateActivationLink issues a new activation token for an unverified
// user and returns it with its link, without sending an e-mail. Earlier
// activation tokens stop working. A verified user is ErrConflict.
func (id *Identity) GenerateActivationLink(ctx context.Context, userID string) (*GeneratedLink, error) {
	var tok *issuedToken
	err := id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := id.loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if rec.user.Verified {
			return conflict("", "user %s is already activated", userID)
		}
		tok, err = id.issueToken(ctx, tx, store.TokenActivation, userID, rec.activeTenant(), ActivationTokenTTL, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	link := id.appLink(pathActivate, url.Values{"userId": {userID}, "token": {tok.secret}})
	return &GeneratedLink{Link: link, Token: tok.secret, UserID: userID}, nil
}

// GeneratePasswordResetLink issues a password-reset token for the user and
// returns it with its link, without sending an e-mail. Earlier reset tokens
// stop working; the token expires after PasswordResetTokenTTL and is used
// with ResetPassword.
func (id *Identity) GeneratePasswordResetLink(ctx context.Context, userID string) (*GeneratedLink, error) {
	var secret string
	err := id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		var err error
		secret, err = id.issuePasswordReset(ctx, tx, userID, id.newID())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GeneratedLink{Link: id.passwordResetLink(userID, secret), Token: secret, UserID: userID}, nil
}
