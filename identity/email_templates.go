package identity

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
)

// E-mail templates let the environment replace the subject and add an
// HTML body to the e-mails the identity service sends (activation,
// invitation, password reset, unlock, magic link, sign-in code). A
// template's placeholders — {{name}}, {{email}}, {{redirectURL}} (the
// link), {{code}}, {{tenantName}}, {{expiresIn}} — are filled when the
// e-mail is sent; values are HTML-escaped in the body. A template with a
// redirectURL sends its links there (with the same query parameters)
// instead of to the login page. Inactive or absent templates leave the
// default message. Templates are stored together as the environment
// setting settingEmailTemplates.

const settingEmailTemplates = "email-templates"

// E-mail template types this server sends.
const (
	EmailTemplateActivateUser   = "ActivateUser"
	EmailTemplateInviteToTenant = "InviteToTenant"
	EmailTemplateResetPassword  = "ResetPassword"
	EmailTemplateUnlockUser     = "UnlockUser"
	EmailTemplateMagicLink      = "MagicLink"
	EmailTemplateOTC            = "OTC"
)

// emailTemplateTypes lists the supported types, in a stable order.
var emailTemplateTypes = []string{EmailTemplateActivateUser, EmailTemplateInviteToTenant, EmailTemplateResetPassword,
	EmailTemplateUnlockUser, EmailTemplateMagicLink, EmailTemplateOTC}

// emailPlaceholders are the placeholders a template may use.
var emailPlaceholders = []string{"name", "email", "redirectURL", "code", "tenantName", "expiresIn"}

var emailPlaceholderPattern = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// EmailTemplate is a stored or default e-mail template (GetTemplateResponseDto).
type EmailTemplate struct {
	ID                 string `json:"id,omitempty"`
	Type               string `json:"type"`
	SenderEmail        string `json:"senderEmail"`
	FromName           string `json:"fromName"`
	Subject            string `json:"subject"`
	HTMLTemplate       string `json:"htmlTemplate"`
	RedirectURL        string `json:"redirectURL"`
	SuccessRedirectURL string `json:"successRedirectUrl"`
	Active             bool   `json:"active"`
}

// EmailTemplateInput creates or updates the template of Type
// (CreateTemplateDto); Active defaults to true.
type EmailTemplateInput struct {
	Type               string `json:"type"`
	SenderEmail        string `json:"senderEmail"`
	FromName           string `json:"fromName"`
	Subject            string `json:"subject"`
	HTMLTemplate       string `json:"htmlTemplate"`
	RedirectURL        string `json:"redirectURL"`
	SuccessRedirectURL string `json:"successRedirectUrl"`
	Active             *bool  `json:"active"`
}

// defaultEmailTemplates are the templates GetDefaultEmailTemplate offers
// as a starting point.
var defaultEmailTemplates = map[string][2]string{
	EmailTemplateActivateUser:   {"Activate your account", `<p>Welcome {{name}}!</p><p><a href="{{redirectURL}}">Activate your account</a>. The link is valid for {{expiresIn}}.</p>`},
	EmailTemplateInviteToTenant: {"You have been invited to join {{tenantName}}", `<p>Hello {{name}},</p><p>You have been invited to join {{tenantName}}. <a href="{{redirectURL}}">Accept the invitation</a>. It is valid for {{expiresIn}}.</p>`},
	EmailTemplateResetPassword:  {"Reset your password", `<p>Hello {{name}},</p><p><a href="{{redirectURL}}">Choose a new password</a>. The link is valid for {{expiresIn}} and works once.</p>`},
	EmailTemplateUnlockUser:     {"Unlock your account", `<p>Hello {{name}},</p><p>Your account was locked. <a href="{{redirectURL}}">Unlock it</a>. The link is valid for {{expiresIn}}.</p>`},
	EmailTemplateMagicLink:      {"Your sign-in link", `<p>Hello {{name}},</p><p><a href="{{redirectURL}}">Sign in</a>. The link is valid for {{expiresIn}} and works once.</p>`},
	EmailTemplateOTC:            {"Your sign-in code", `<p>Hello {{name}},</p><p>Your sign-in code is <b>{{code}}</b>. It is valid for {{expiresIn}} and works once.</p>`},
}

func checkEmailTemplateType(field, typ string) error {
	if typ == "" {
		return invalid(field, "%s is required", field)
	}
	if !slices.Contains(emailTemplateTypes, typ) {
		return invalid(field, "%s must be one of %s", field, strings.Join(emailTemplateTypes, ", "))
	}
	return nil
}

// checkPlaceholders refuses unknown or malformed placeholders in s.
func checkEmailPlaceholders(field, s string) error {
	for _, m := range emailPlaceholderPattern.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(emailPlaceholders, m[1]) {
			return invalid(field, "unknown placeholder {{%s}}; use %s", m[1], strings.Join(emailPlaceholders, ", "))
		}
	}
	rest := emailPlaceholderPattern.ReplaceAllString(s, "")
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return invalid(field, "%s has an unbalanced {{ or }}", field)
	}
	return nil
}

func checkOptionalURL(field, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid(field, "%s must be an absolute http(s) URL", field)
	}
	return nil
}

func (id *Identity) emailTemplates(ctx context.Context, st store.Store) (map[string]EmailTemplate, error) {
	return loadSetting(ctx, id, st, "", settingEmailTemplates, map[string]EmailTemplate{})
}

// SetEmailTemplate creates or replaces the template of in.Type (POST
// mail/v1/configs/templates).
func (id *Identity) SetEmailTemplate(ctx context.Context, in EmailTemplateInput) (*EmailTemplate, error) {
	if err := checkEmailTemplateType("type", in.Type); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"senderEmail", in.SenderEmail}, {"fromName", in.FromName}, {"subject", in.Subject}} {
		if err := checkLen(f.name, f.v, 512); err != nil {
			return nil, err
		}
		if strings.ContainsAny(f.v, "\r\n") {
			return nil, invalid(f.name, "%s must be one line", f.name)
		}
	}
	if in.SenderEmail != "" {
		if _, err := normalizeEmail("senderEmail", in.SenderEmail); err != nil {
			return nil, err
		}
	}
	if len(in.HTMLTemplate) > 1000000 {
		return nil, invalid("htmlTemplate", "htmlTemplate is longer than 1000000 characters")
	}
	if err := checkEmailPlaceholders("subject", in.Subject); err != nil {
		return nil, err
	}
	if err := checkEmailPlaceholders("htmlTemplate", in.HTMLTemplate); err != nil {
		return nil, err
	}
	if err := checkOptionalURL("redirectURL", in.RedirectURL); err != nil {
		return nil, err
	}
	if err := checkOptionalURL("successRedirectUrl", in.SuccessRedirectURL); err != nil {
		return nil, err
	}
	t := EmailTemplate{Type: in.Type, SenderEmail: strings.TrimSpace(in.SenderEmail), FromName: in.FromName, Subject: in.Subject,
		HTMLTemplate: in.HTMLTemplate, RedirectURL: in.RedirectURL, SuccessRedirectURL: in.SuccessRedirectURL, Active: true}
	if in.Active != nil {
		t.Active = *in.Active
	}
	err := id.store.InTx(ctx, func(tx store.Store) error {
		ts, err := id.emailTemplates(ctx, tx)
		if err != nil {
			return err
		}
		if old, ok := ts[in.Type]; ok {
			t.ID = old.ID
		} else {
			t.ID = id.newID()
		}
		ts[in.Type] = t
		return saveSetting(ctx, id, tx, "", settingEmailTemplates, ts)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ListEmailTemplates returns the stored templates, or only the one of typ
// when typ is set (GET mail/v1/configs/templates).
func (id *Identity) ListEmailTemplates(ctx context.Context, typ string) ([]EmailTemplate, error) {
	if typ != "" {
		if err := checkEmailTemplateType("type", typ); err != nil {
			return nil, err
		}
	}
	ts, err := id.emailTemplates(ctx, id.store)
	if err != nil {
		return nil, err
	}
	out := []EmailTemplate{}
	for _, k := range emailTemplateTypes {
		if t, ok := ts[k]; ok && (typ == "" || typ == k) {
			out = append(out, t)
		}
	}
	return out, nil
}

// DeleteEmailTemplate removes the template templateID; the type's
// default message is sent again (DELETE mail/v1/configs/templates/{templateId}).
func (id *Identity) DeleteEmailTemplate(ctx context.Context, templateID string) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		ts, err := id.emailTemplates(ctx, tx)
		if err != nil {
			return err
		}
		for k, t := range ts {
			if t.ID == templateID {
				delete(ts, k)
				return saveSetting(ctx, id, tx, "", settingEmailTemplates, ts)
			}
		}
		return notFound("template %s not found", templateID)
	})
}

// GetDefaultEmailTemplate returns the default template of typ (GET
// mail/v1/configs/{type}/default).
func (id *Identity) GetDefaultEmailTemplate(ctx context.Context, typ string) (*EmailTemplate, error) {
	d, ok := defaultEmailTemplates[typ]
	if !ok {
		return nil, notFound("no default template of type %q; the types are %s", typ, strings.Join(emailTemplateTypes, ", "))
	}
	return &EmailTemplate{Type: typ, Subject: d[0], HTMLTemplate: d[1], Active: true}, nil
}

// mailVars are the values of a message's placeholders, and how to rebuild
// its link for a template's redirectURL.
type mailVars struct {
	name, email, link, code, tenantName string
	ttl                                 time.Duration
	query                               url.Values
}

// customize applies the active template of typ, if any, to the default
// message m.
func (id *Identity) customize(ctx context.Context, typ string, m delivery.Email, v mailVars) delivery.Email {
	ts, err := id.emailTemplates(ctx, id.store)
	if err != nil {
		id.log.ErrorContext(ctx, "loading e-mail templates failed; sending the default message", "type", typ, "error", err)
		return m
	}
	t, ok := ts[typ]
	if !ok || !t.Active {
		return m
	}
	if t.RedirectURL != "" && v.link != "" && v.query != nil {
		sep := "?"
		if strings.Contains(t.RedirectURL, "?") {
			sep = "&"
		}
		link := t.RedirectURL + sep + v.query.Encode()
		m.Text = strings.ReplaceAll(m.Text, v.link, link)
		v.link = link
	}
	values := map[string]string{"name": v.name, "email": v.email, "redirectURL": v.link, "code": v.code,
		"tenantName": v.tenantName, "expiresIn": humanDuration(v.ttl)}
	fill := func(s string, esc func(string) string) string {
		return emailPlaceholderPattern.ReplaceAllStringFunc(s, func(p string) string {
			return esc(values[emailPlaceholderPattern.FindStringSubmatch(p)[1]])
		})
	}
	if t.Subject != "" {
		m.Subject = strings.NewReplacer("\r", " ", "\n", " ").Replace(fill(t.Subject, func(s string) string { return s }))
	}
	if t.HTMLTemplate != "" {
		m.HTML = fill(t.HTMLTemplate, html.EscapeString)
	}
	return m
}
