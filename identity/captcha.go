package identity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/yolkauth/yolk/captcha"
	"github.com/yolkauth/yolk/store"
)

// CodeCaptchaFailed is the error code of a login, sign-up or activation
// refused because its CAPTCHA token did not pass.
const CodeCaptchaFailed = "ER-01201"

// settingCaptchaPolicy names the environment's captcha policy document.
const settingCaptchaPolicy = "captcha-policy"

// CaptchaVerifier checks a CAPTCHA token a browser obtained from the
// widget configured with the policy's site key. Verify returns the score the
// verification service gave the token (1 when the service gives none); an
// error wrapping captcha.ErrRejected when the token is not valid; any other
// error when the service could not be asked. secretKey is the policy's
// secret key and remoteIP the client's address ("" when unknown).
// Implementations must never log secretKey. Package captcha provides an
// HTTP verifier for reCAPTCHA-compatible services and a static verifier for
// tests.
type CaptchaVerifier interface {
	Verify(ctx context.Context, token, secretKey, remoteIP string) (score float64, err error)
}

// WithCaptchaVerifier sets how CAPTCHA tokens are checked while the
// environment's captcha policy is enabled. Without a verifier, enabling the
// policy is refused, and logins fail if a policy stored by another process
// is enabled.
func WithCaptchaVerifier(v CaptchaVerifier) Option {
	return func(id *Identity) error {
		if v == nil {
			return errors.New("identity: WithCaptchaVerifier: nil verifier")
		}
		id.captcha = v
		return nil
	}
}

// CaptchaPolicy is the environment's CAPTCHA policy (CaptchaPolicyResponse).
// While it is enabled, Login, SignUp, SignUpWithUsername and ActivateUser
// require a recaptchaToken that the configured CaptchaVerifier accepts with
// at least MinScore, except for the e-mail addresses in IgnoredEmails.
type CaptchaPolicy struct {
	ID            string    `json:"id"`
	SiteKey       string    `json:"siteKey"`
	SecretKey     string    `json:"secretKey"`
	Enabled       bool      `json:"enabled"`
	MinScore      float64   `json:"minScore"`
	IgnoredEmails []string  `json:"ignoredEmails"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// PublicCaptchaPolicy is what the login box reads to render the CAPTCHA
// widget: the policy without its secret key.
type PublicCaptchaPolicy struct {
	ID        string    `json:"id"`
	SiteKey   string    `json:"siteKey"`
	Enabled   bool      `json:"enabled"`
	MinScore  float64   `json:"minScore"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// CaptchaPolicyInput creates or replaces the captcha policy
// (CaptchaPolicyRequest). Enabled and MinScore are required; SiteKey and
// SecretKey are required to enable the policy. On update an absent
// SecretKey keeps the stored one.
type CaptchaPolicyInput struct {
	Enabled       *bool    `json:"enabled"`
	SiteKey       *string  `json:"siteKey"`
	SecretKey     *string  `json:"secretKey"`
	MinScore      *float64 `json:"minScore"`
	IgnoredEmails []string `json:"ignoredEmails"`
}

// maxIgnoredEmails bounds the policy's exemption list.
const maxIgnoredEmails = 1000

// validateCaptchaInput checks in against the stored policy cur (nil on
// create) and returns the normalised ignored e-mails.
func (id *Identity) validateCaptchaInput(in CaptchaPolicyInput, cur *CaptchaPolicy) ([]string, error) {
	if in.Enabled == nil {
		return nil, invalid("enabled", "enabled is required")
	}
	if in.MinScore == nil {
		return nil, invalid("minScore", "minScore is required")
	}
	if s := *in.MinScore; math.IsNaN(s) || s < 0 || s > 1 {
		return nil, invalid("minScore", "minScore must be between 0 and 1")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"siteKey", in.SiteKey}, {"secretKey", in.SecretKey}} {
		if f.v != nil && len(*f.v) > 1000 {
			return nil, invalid(f.name, "%s must be at most 1000 characters", f.name)
		}
	}
	if *in.Enabled {
		if in.SiteKey == nil || *in.SiteKey == "" {
			return nil, invalid("siteKey", "siteKey is required to enable the captcha policy")
		}
		if (in.SecretKey == nil || *in.SecretKey == "") && (cur == nil || cur.SecretKey == "") {
			return nil, invalid("secretKey", "secretKey is required to enable the captcha policy")
		}
		if id.captcha == nil {
			return nil, invalid("enabled", "the captcha policy cannot be enabled: this server has no CAPTCHA verifier configured")
		}
	}
	if len(in.IgnoredEmails) > maxIgnoredEmails {
		return nil, invalid("ignoredEmails", "ignoredEmails holds at most %d addresses", maxIgnoredEmails)
	}
	emails := make([]string, 0, len(in.IgnoredEmails))
	for i, e := range in.IgnoredEmails {
		field := fmt.Sprintf("ignoredEmails[%d]", i)
		n, err := normalizeEmail(field, e)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(emails, n) {
			emails = append(emails, n)
		}
	}
	return emails, nil
}

// GetCaptchaPolicy returns the environment's captcha policy, secret key
// included (the vendor set it); ErrNotFound when none was created.
func (id *Identity) GetCaptchaPolicy(ctx context.Context) (*CaptchaPolicy, error) {
	p, err := id.loadCaptchaPolicy(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, notFound("no captcha policy is configured")
	}
	return p, nil
}

// GetPublicCaptchaPolicy returns what the login box needs to render the
// CAPTCHA widget, without the secret key; ErrNotFound when no policy was
// created.
func (id *Identity) GetPublicCaptchaPolicy(ctx context.Context) (*PublicCaptchaPolicy, error) {
	p, err := id.GetCaptchaPolicy(ctx)
	if err != nil {
		return nil, err
	}
	return &PublicCaptchaPolicy{ID: p.ID, SiteKey: p.SiteKey, Enabled: p.Enabled, MinScore: p.MinScore, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}, nil
}

// CreateCaptchaPolicy creates the environment's captcha policy; ErrConflict
// when one exists (change it with UpdateCaptchaPolicy).
func (id *Identity) CreateCaptchaPolicy(ctx context.Context, in CaptchaPolicyInput) (*CaptchaPolicy, error) {
	return id.saveCaptchaPolicy(ctx, in, true)
}

// UpdateCaptchaPolicy replaces the environment's captcha policy;
// ErrNotFound when none was created. An absent secretKey keeps the stored
// one.
func (id *Identity) UpdateCaptchaPolicy(ctx context.Context, in CaptchaPolicyInput) (*CaptchaPolicy, error) {
	return id.saveCaptchaPolicy(ctx, in, false)
}

func (id *Identity) saveCaptchaPolicy(ctx context.Context, in CaptchaPolicyInput, create bool) (*CaptchaPolicy, error) {
	var out *CaptchaPolicy
	err := id.store.InTx(ctx, func(tx store.Store) error {
		cur, err := id.loadCaptchaPolicy(ctx, tx)
		if err != nil {
			return err
		}
		switch {
		case create && cur != nil:
			return conflict("", "a captcha policy already exists; update it instead")
		case !create && cur == nil:
			return notFound("no captcha policy is configured; create it first")
		}
		emails, err := id.validateCaptchaInput(in, cur)
		if err != nil {
			return err
		}
		now := id.now()
		p := &CaptchaPolicy{ID: id.newID(), CreatedAt: now}
		if cur != nil {
			p.ID, p.CreatedAt, p.SecretKey = cur.ID, cur.CreatedAt, cur.SecretKey
		}
		p.Enabled, p.MinScore, p.IgnoredEmails, p.UpdatedAt = *in.Enabled, *in.MinScore, emails, now
		if in.SiteKey != nil {
			p.SiteKey = *in.SiteKey
		}
		if in.SecretKey != nil {
			p.SecretKey = *in.SecretKey
		}
		out = p
		return saveSetting(ctx, id, tx, "", settingCaptchaPolicy, p)
	})
	if err != nil {
		return nil, err
	}
	id.log.InfoContext(ctx, "captcha policy saved", "enabled", out.Enabled, "minScore", out.MinScore)
	return out, nil
}

// loadCaptchaPolicy returns the stored policy, nil when there is none.
func (id *Identity) loadCaptchaPolicy(ctx context.Context, st store.Store) (*CaptchaPolicy, error) {
	p, err := loadSetting(ctx, id, st, "", settingCaptchaPolicy, CaptchaPolicy{})
	if err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, nil
	}
	if p.IgnoredEmails == nil {
		p.IgnoredEmails = []string{}
	}
	return &p, nil
}

// checkCaptcha enforces the captcha policy on a login, sign-up or
// activation by email (lower-cased; "" when the request names no e-mail)
// from remoteIP. It changes nothing: callers run it before any write.
func (id *Identity) checkCaptcha(ctx context.Context, token, email, remoteIP string) error {
	p, err := id.loadCaptchaPolicy(ctx, id.store)
	if err != nil || p == nil || !p.Enabled {
		return err
	}
	if email != "" && slices.Contains(p.IgnoredEmails, lower(email)) {
		return nil
	}
	if id.captcha == nil {
		return errors.New("identity: the captcha policy is enabled but no CaptchaVerifier is configured (identity.WithCaptchaVerifier)")
	}
	if token == "" {
		return &Error{Kind: ErrInvalidInput, Code: CodeCaptchaFailed, Field: "recaptchaToken", Message: "recaptchaToken is required: this environment requires a CAPTCHA"}
	}
	score, err := id.captcha.Verify(ctx, token, p.SecretKey, remoteIP)
	if errors.Is(err, captcha.ErrRejected) {
		return &Error{Kind: ErrUnauthorized, Code: CodeCaptchaFailed, Field: "recaptchaToken", Message: "CAPTCHA verification failed", Err: err}
	}
	if err != nil {
		return fmt.Errorf("identity: CAPTCHA verification service: %w", err)
	}
	if score < p.MinScore {
		return &Error{Kind: ErrUnauthorized, Code: CodeCaptchaFailed, Field: "recaptchaToken", Message: "CAPTCHA verification failed: the score is below the required minimum"}
	}
	return nil
}

// userEmail returns the e-mail of user userID, "" when it has none or does
// not exist (the captcha exemption list is matched against it).
func (id *Identity) userEmail(ctx context.Context, userID string) string {
	u, err := id.store.GetUser(ctx, id.envID, userID)
	if err != nil {
		return ""
	}
	return u.Email
}
