package identity

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
)

// Names of the SMS settings documents (store.Setting).
const (
	settingSMSConfig    = "sms-config"
	settingSMSTemplates = "sms-templates"
)

// SMS template types.
const (
	// SMSTemplateMFA carries MFA codes (enrolment, login, removal).
	SMSTemplateMFA = "MFA"
	// SMSTemplateOTC carries passwordless login codes.
	SMSTemplateOTC = "OTC"
	// SMSTemplateResetPassword carries password-reset codes.
	SMSTemplateResetPassword = "ResetPassword"
	// SMSTemplateVerifyPhoneNumber carries phone-number verification codes.
	SMSTemplateVerifyPhoneNumber = "VerifyPhoneNumber"
)

// defaultSMSTemplates are the bodies used until the vendor sets its own.
var defaultSMSTemplates = map[string]string{
	SMSTemplateMFA:               "Your {{serviceName}} verification code is {{code}}. It expires in {{minutes}} minutes.",
	SMSTemplateOTC:               "Your {{serviceName}} login code is {{code}}. It expires in {{minutes}} minutes.",
	SMSTemplateResetPassword:     "Your {{serviceName}} password reset code is {{code}}. It expires in {{minutes}} minutes.",
	SMSTemplateVerifyPhoneNumber: "Your {{serviceName}} phone verification code is {{code}}. It expires in {{minutes}} minutes.",
}

// smsPlaceholders are the names a template may use.
var smsPlaceholders = map[string]bool{"code": true, "minutes": true, "serviceName": true}

// maxSMSTemplateLength bounds a template body (ten SMS segments).
const maxSMSTemplateLength = 1600

var placeholderPattern = regexp.MustCompile(`\{\{\s*([A-Za-z]+)\s*\}\}`)

// --- SMS configuration ---

// smsConfigDoc is the stored SMS provider configuration. Token is the
// provider's API secret: it must be sent to the provider, so it is kept as
// is and never returned by the API.
type smsConfigDoc struct {
	ID         string    `json:"id"`
	Provider   string    `json:"provider"`
	AccountID  string    `json:"accountId"`
	Token      string    `json:"token"`
	SenderName string    `json:"senderName"`
	ServiceID  string    `json:"serviceId"`
	Channel    string    `json:"channel"`
	BaseURL    string    `json:"baseUrl"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// SMSConfig is the environment's SMS provider configuration as the API
// returns it (SmsVendorConfigResponse); the provider token is never
// returned.
type SMSConfig struct {
	ID         string    `json:"id"`
	Provider   string    `json:"provider"`
	AccountID  string    `json:"accountId"`
	SenderName string    `json:"senderName"`
	ServiceID  string    `json:"serviceId"`
	Channel    string    `json:"channel"`
	BaseURL    string    `json:"baseUrl,omitempty"`
	HasToken   bool      `json:"hasToken"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// SMSConfigInput sets the SMS provider (CreateSmsVendorConfigRequest).
// Provider is "twilio" (the default), AccountID the account SID, Token the
// auth token (kept when omitted on an update), SenderName the sending
// number or alphanumeric sender, Channel "sms". BaseURL points at a
// Twilio-compatible API instead of Twilio's (https, or http on loopback).
type SMSConfigInput struct {
	Provider   string `json:"provider"`
	AccountID  string `json:"accountId"`
	Token      string `json:"token"`
	SenderName string `json:"senderName"`
	ServiceID  string `json:"serviceId"`
	Channel    string `json:"channel"`
	BaseURL    string `json:"baseUrl"`
}

func (d *smsConfigDoc) view() *SMSConfig {
	return &SMSConfig{
		ID: d.ID, Provider: d.Provider, AccountID: d.AccountID, SenderName: d.SenderName, ServiceID: d.ServiceID,
		Channel: d.Channel, BaseURL: d.BaseURL, HasToken: d.Token != "", CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// sender builds the provider's sender.
func (d *smsConfigDoc) sender() (delivery.SMSSender, error) {
	return delivery.NewTwilioSender(delivery.TwilioConfig{AccountSID: d.AccountID, AuthToken: d.Token, From: d.SenderName, BaseURL: d.BaseURL})
}

func (id *Identity) loadSMSConfig(ctx context.Context, st store.Store) (*smsConfigDoc, error) {
	return loadSetting[*smsConfigDoc](ctx, id, st, "", settingSMSConfig, nil)
}

// GetSMSConfig returns the SMS provider configuration; ErrNotFound when
// none is set (SMS then goes through the sender given to New with
// WithSMSSender).
func (id *Identity) GetSMSConfig(ctx context.Context) (*SMSConfig, error) {
	d, err := id.loadSMSConfig(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, notFound("no SMS configuration")
	}
	return d.view(), nil
}

// SetSMSConfig creates or replaces the SMS provider configuration. From
// then on every SMS goes through that provider.
func (id *Identity) SetSMSConfig(ctx context.Context, in SMSConfigInput) (*SMSConfig, error) {
	provider := strings.ToLower(strings.TrimSpace(in.Provider))
	if provider == "" {
		provider = "twilio"
	}
	if provider != "twilio" {
		return nil, invalid("provider", "provider must be twilio")
	}
	channel := strings.ToLower(strings.TrimSpace(in.Channel))
	if channel == "" {
		channel = "sms"
	}
	if channel != "sms" {
		return nil, invalid("channel", "channel must be sms")
	}
	if strings.TrimSpace(in.AccountID) == "" {
		return nil, invalid("accountId", "accountId is required")
	}
	if strings.TrimSpace(in.SenderName) == "" {
		return nil, invalid("senderName", "senderName (the sending number or sender id) is required")
	}
	var out *SMSConfig
	err := id.store.InTx(ctx, func(tx store.Store) error {
		cur, err := id.loadSMSConfig(ctx, tx)
		if err != nil {
			return err
		}
		now := id.now()
		d := &smsConfigDoc{ID: id.newID(), CreatedAt: now}
		if cur != nil {
			d.ID, d.CreatedAt, d.Token = cur.ID, cur.CreatedAt, cur.Token
		}
		if in.Token != "" {
			d.Token = in.Token
		}
		if d.Token == "" {
			return invalid("token", "token is required")
		}
		d.Provider, d.AccountID, d.SenderName, d.ServiceID, d.Channel, d.BaseURL, d.UpdatedAt =
			provider, strings.TrimSpace(in.AccountID), strings.TrimSpace(in.SenderName), in.ServiceID, channel, strings.TrimSpace(in.BaseURL), now
		if _, err := d.sender(); err != nil {
			field := "accountId"
			if strings.Contains(err.Error(), "BaseURL") {
				field = "baseUrl"
			}
			return invalid(field, "%s: unusable SMS configuration: %s", field, strings.TrimPrefix(err.Error(), "delivery: "))
		}
		out = d.view()
		return saveSetting(ctx, id, tx, "", settingSMSConfig, d)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteSMSConfig removes the SMS provider configuration; SMS goes back to
// the sender given to New. ErrNotFound when none is set.
func (id *Identity) DeleteSMSConfig(ctx context.Context) error {
	err := id.store.DeleteSetting(ctx, id.envID, "", settingSMSConfig)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no SMS configuration")
	}
	return err
}

// --- SMS templates ---

// SMSTemplate is an SMS template (SmsTemplateResponse). IsDefault marks
// the built-in body, in force while the vendor has not set one.
type SMSTemplate struct {
	Type      string     `json:"type"`
	Body      string     `json:"body"`
	IsDefault bool       `json:"isDefault"`
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
}

// SMSTemplateInput sets an SMS template (CreateSmsTemplateRequest). Body
// may use {{code}} (required), {{minutes}} (the code's lifetime) and
// {{serviceName}}.
type SMSTemplateInput struct {
	Body string `json:"body"`
}

type smsTemplateDoc struct {
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func smsTemplateTypes() []string {
	out := make([]string, 0, len(defaultSMSTemplates))
	for t := range defaultSMSTemplates {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func checkSMSTemplateType(typ string) error {
	if _, ok := defaultSMSTemplates[typ]; !ok {
		return notFound("unknown SMS template type %q; the types are %s", typ, strings.Join(smsTemplateTypes(), ", "))
	}
	return nil
}

// checkSMSTemplate validates a template body: {{code}} present, every
// placeholder known, no stray braces, at most maxSMSTemplateLength
// characters.
func checkSMSTemplate(body string) error {
	if strings.TrimSpace(body) == "" {
		return invalid("body", "body is required")
	}
	if err := checkLen("body", body, maxSMSTemplateLength); err != nil {
		return err
	}
	hasCode := false
	for _, m := range placeholderPattern.FindAllStringSubmatch(body, -1) {
		if !smsPlaceholders[m[1]] {
			return invalid("body", "unknown placeholder {{%s}}; use {{code}}, {{minutes}} or {{serviceName}}", m[1])
		}
		hasCode = hasCode || m[1] == "code"
	}
	if rest := placeholderPattern.ReplaceAllString(body, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return invalid("body", "body has a malformed placeholder; write {{code}}")
	}
	if !hasCode {
		return invalid("body", "body must contain {{code}}")
	}
	return nil
}

func (id *Identity) smsTemplates(ctx context.Context, st store.Store) (map[string]smsTemplateDoc, error) {
	return loadSetting(ctx, id, st, "", settingSMSTemplates, map[string]smsTemplateDoc{})
}

func customTemplate(typ string, d smsTemplateDoc) SMSTemplate {
	c, u := d.CreatedAt, d.UpdatedAt
	return SMSTemplate{Type: typ, Body: d.Body, CreatedAt: &c, UpdatedAt: &u}
}

// ListSMSTemplates returns the templates the vendor set, by type.
func (id *Identity) ListSMSTemplates(ctx context.Context) ([]SMSTemplate, error) {
	m, err := id.smsTemplates(ctx, id.store)
	if err != nil {
		return nil, err
	}
	out := []SMSTemplate{}
	for _, t := range smsTemplateTypes() {
		if d, ok := m[t]; ok {
			out = append(out, customTemplate(t, d))
		}
	}
	return out, nil
}

// GetSMSTemplate returns the template in force for typ: the vendor's, else
// the default.
func (id *Identity) GetSMSTemplate(ctx context.Context, typ string) (*SMSTemplate, error) {
	if err := checkSMSTemplateType(typ); err != nil {
		return nil, err
	}
	m, err := id.smsTemplates(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if d, ok := m[typ]; ok {
		t := customTemplate(typ, d)
		return &t, nil
	}
	return id.GetDefaultSMSTemplate(ctx, typ)
}

// GetDefaultSMSTemplate returns the built-in template of typ.
func (id *Identity) GetDefaultSMSTemplate(ctx context.Context, typ string) (*SMSTemplate, error) {
	if err := checkSMSTemplateType(typ); err != nil {
		return nil, err
	}
	return &SMSTemplate{Type: typ, Body: defaultSMSTemplates[typ], IsDefault: true}, nil
}

// ListDefaultSMSTemplates returns every built-in template.
func (id *Identity) ListDefaultSMSTemplates(ctx context.Context) ([]SMSTemplate, error) {
	out := []SMSTemplate{}
	for _, t := range smsTemplateTypes() {
		out = append(out, SMSTemplate{Type: t, Body: defaultSMSTemplates[t], IsDefault: true})
	}
	return out, nil
}

// SetSMSTemplate creates or replaces the vendor's template of typ.
func (id *Identity) SetSMSTemplate(ctx context.Context, typ string, in SMSTemplateInput) (*SMSTemplate, error) {
	if err := checkSMSTemplateType(typ); err != nil {
		return nil, err
	}
	if err := checkSMSTemplate(in.Body); err != nil {
		return nil, err
	}
	var out SMSTemplate
	err := id.store.InTx(ctx, func(tx store.Store) error {
		m, err := id.smsTemplates(ctx, tx)
		if err != nil {
			return err
		}
		now := id.now()
		d, ok := m[typ]
		if !ok {
			d.CreatedAt = now
		}
		d.Body, d.UpdatedAt = in.Body, now
		m[typ] = d
		out = customTemplate(typ, d)
		return saveSetting(ctx, id, tx, "", settingSMSTemplates, m)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSMSTemplate removes the vendor's template of typ; the default is in
// force again. ErrNotFound when the vendor had none.
func (id *Identity) DeleteSMSTemplate(ctx context.Context, typ string) error {
	if err := checkSMSTemplateType(typ); err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		m, err := id.smsTemplates(ctx, tx)
		if err != nil {
			return err
		}
		if _, ok := m[typ]; !ok {
			return notFound("no %s SMS template was set", typ)
		}
		delete(m, typ)
		return saveSetting(ctx, id, tx, "", settingSMSTemplates, m)
	})
}

// renderSMS fills the template in force for typ.
func (id *Identity) renderSMS(ctx context.Context, typ, code string, ttl time.Duration) (string, error) {
	t, err := id.GetSMSTemplate(ctx, typ)
	if err != nil {
		return "", err
	}
	cfg, err := id.mfaConfig(ctx, id.store)
	if err != nil {
		return "", err
	}
	vars := map[string]string{"code": code, "minutes": strconv.Itoa(int((ttl + time.Minute - 1) / time.Minute)), "serviceName": cfg.ServiceName}
	return placeholderPattern.ReplaceAllStringFunc(t.Body, func(m string) string {
		return vars[placeholderPattern.FindStringSubmatch(m)[1]]
	}), nil
}

// errNoSMSSender is returned when SMS must be sent and no way is set up.
var errNoSMSSender = errors.New("identity: no SMS sender: configure an SMS provider (configurations/v1/sms) or pass WithSMSSender")

// sendSMSCode sends code to phone with the template of typ, through the
// configured SMS provider, else the WithSMSSender sender. A number the
// provider refuses as a recipient is ErrInvalidInput on field.
func (id *Identity) sendSMSCode(ctx context.Context, field, phone, typ, code string, ttl time.Duration) error {
	body, err := id.renderSMS(ctx, typ, code, ttl)
	if err != nil {
		return err
	}
	sender := id.sms
	cfg, err := id.loadSMSConfig(ctx, id.store)
	if err != nil {
		return err
	}
	if cfg != nil {
		if sender, err = cfg.sender(); err != nil {
			return fmt.Errorf("identity: SMS configuration: %w", err)
		}
	}
	if sender == nil {
		return errNoSMSSender
	}
	err = sender.SendSMS(ctx, delivery.SMS{To: phone, Body: body})
	if errors.Is(err, delivery.ErrInvalidRecipient) {
		return invalid(field, "%s cannot receive SMS", field)
	}
	if err != nil {
		id.log.ErrorContext(ctx, "sending SMS failed", "template", typ, "error", err)
		return fmt.Errorf("identity: sending SMS: %w", err)
	}
	return nil
}
