package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
)

// The mail configuration names the environment's e-mail provider. With
// provider "smtp" (host, port, username, secret as the password, from,
// tlsMode) every e-mail goes through that SMTP server instead of the
// mailer given to New with WithMailer. The spec's API providers (sendgrid,
// mailgun, ses, ses-role) are stored and reported, but this server sends
// only through SMTP: with one of them configured, e-mail keeps going
// through the WithMailer mailer. The secret is kept for sending and is
// never returned or logged. The configuration is the environment setting
// settingMailConfig.

const settingMailConfig = "mail-config"

// Mail providers.
const (
	MailProviderSMTP     = "smtp"
	MailProviderSendGrid = "sendgrid"
	MailProviderMailgun  = "mailgun"
	MailProviderSES      = "ses"
	MailProviderSESRole  = "ses-role"
)

var mailProviders = []string{MailProviderSMTP, MailProviderSendGrid, MailProviderMailgun, MailProviderSES, MailProviderSESRole}

// MailConfigInput sets the mail provider (CreateOrUpdateMailConfigRequestDto,
// and the v2 payloads SendGridDto, MailgunDto, SesDto, SesRoleDto, plus
// SMTP). Provider defaults to sendgrid (the v1 body has a secret only).
// Secret is the provider's API key or, for SMTP, the password; on an
// update of the same provider an empty Secret keeps the stored one.
type MailConfigInput struct {
	Provider string `json:"provider"`
	Secret   string `json:"secret"`
	// ID is the SES access key id.
	ID string `json:"id"`
	// Region is the SES or Mailgun region ("us" or "eu" for Mailgun).
	Region any `json:"region"`
	// Domain is the Mailgun sending domain.
	Domain string `json:"domain"`
	// Host, Port, Username, From and TLSMode ("starttls", "tls", "none")
	// configure SMTP.
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Username string `json:"username"`
	From     string `json:"from"`
	TLSMode  string `json:"tlsMode"`
}

// MailConfig is the stored configuration as the API returns it
// (GetMailConfigResponseDto) — without the secret; HasSecret says whether
// one is stored. Extension lists the provider's non-secret settings.
type MailConfig struct {
	Provider  string           `json:"provider"`
	HasSecret bool             `json:"hasSecret"`
	Extension []map[string]any `json:"extension"`
	CreatedAt time.Time        `json:"createdAt"`
	UpdatedAt time.Time        `json:"updatedAt"`
}

type mailConfigDoc struct {
	Provider  string    `json:"provider"`
	Secret    string    `json:"secret"`
	ID        string    `json:"id,omitempty"`
	Region    string    `json:"region,omitempty"`
	Domain    string    `json:"domain,omitempty"`
	Host      string    `json:"host,omitempty"`
	Port      int       `json:"port,omitempty"`
	Username  string    `json:"username,omitempty"`
	From      string    `json:"from,omitempty"`
	TLSMode   string    `json:"tlsMode,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func (d *mailConfigDoc) view() *MailConfig {
	ext := map[string]any{}
	set := func(k string, v any) {
		if v != "" && v != 0 {
			ext[k] = v
		}
	}
	set("id", d.ID)
	set("region", d.Region)
	set("domain", d.Domain)
	set("host", d.Host)
	set("port", d.Port)
	set("username", d.Username)
	set("from", d.From)
	set("tlsMode", d.TLSMode)
	return &MailConfig{Provider: d.Provider, HasSecret: d.Secret != "", Extension: []map[string]any{ext}, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

func (d *mailConfigDoc) smtp() (*delivery.SMTPMailer, error) {
	return delivery.NewSMTPMailer(delivery.SMTPConfig{Host: d.Host, Port: d.Port, Username: d.Username, Password: d.Secret, From: d.From, TLSMode: d.TLSMode})
}

func (id *Identity) loadMailConfig(ctx context.Context, st store.Store) (*mailConfigDoc, error) {
	return loadSetting[*mailConfigDoc](ctx, id, st, "", settingMailConfig, nil)
}

// GetMailConfig returns the mail configuration; ErrNotFound when none is
// set (GET mail/v1/configurations).
func (id *Identity) GetMailConfig(ctx context.Context) (*MailConfig, error) {
	d, err := id.loadMailConfig(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, notFound("no mail configuration")
	}
	return d.view(), nil
}

// SetMailConfig creates or replaces the mail configuration (POST
// mail/v1/configurations and mail/v2/configurations).
func (id *Identity) SetMailConfig(ctx context.Context, in MailConfigInput) (*MailConfig, error) {
	if in.Provider == "" {
		in.Provider = MailProviderSendGrid
	}
	if !slices.Contains(mailProviders, in.Provider) {
		return nil, invalid("provider", "provider must be one of %s", strings.Join(mailProviders, ", "))
	}
	region := ""
	switch r := in.Region.(type) {
	case nil:
	case string:
		region = strings.TrimSpace(r)
	default:
		return nil, invalid("region", "region must be a string")
	}
	for _, f := range []struct{ name, v string }{{"secret", in.Secret}, {"id", in.ID}, {"region", region}, {"domain", in.Domain},
		{"host", in.Host}, {"username", in.Username}, {"from", in.From}} {
		if err := checkLen(f.name, f.v, 1024); err != nil {
			return nil, err
		}
	}
	var out *MailConfig
	err := id.store.InTx(ctx, func(tx store.Store) error {
		old, err := id.loadMailConfig(ctx, tx)
		if err != nil {
			return err
		}
		now := id.now()
		d := &mailConfigDoc{Provider: in.Provider, Secret: in.Secret, CreatedAt: now, UpdatedAt: now}
		if old != nil {
			d.CreatedAt = old.CreatedAt
			if d.Secret == "" && old.Provider == in.Provider {
				d.Secret = old.Secret
			}
		}
		switch in.Provider {
		case MailProviderSMTP:
			d.Host, d.Port, d.Username, d.From, d.TLSMode = strings.TrimSpace(in.Host), in.Port, in.Username, strings.TrimSpace(in.From), in.TLSMode
			if d.Host == "" {
				return invalid("host", "host is required for SMTP")
			}
			if d.From == "" {
				return invalid("from", "from is required for SMTP")
			}
			if d.Port < 0 || d.Port > 65535 {
				return invalid("port", "port must be between 1 and 65535")
			}
			if _, err := d.smtp(); err != nil {
				return invalid("host", "invalid SMTP settings: %s", strings.TrimPrefix(err.Error(), "delivery: "))
			}
		case MailProviderMailgun:
			if strings.TrimSpace(in.Domain) == "" {
				return invalid("domain", "domain is required for mailgun")
			}
			if region == "" {
				region = "us"
			}
			if region != "us" && region != "eu" {
				return invalid("region", "region must be us or eu")
			}
			d.Domain, d.Region = strings.TrimSpace(in.Domain), region
		case MailProviderSES:
			if strings.TrimSpace(in.ID) == "" {
				return invalid("id", "id is required for ses")
			}
			d.ID = strings.TrimSpace(in.ID)
			fallthrough
		case MailProviderSESRole:
			if region == "" {
				return invalid("region", "region is required for %s", in.Provider)
			}
			d.Region = region
		}
		if d.Secret == "" && (in.Provider != MailProviderSMTP || d.Username != "") {
			return invalid("secret", "secret is required")
		}
		out = d.view()
		return saveSetting(ctx, id, tx, "", settingMailConfig, d)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteMailConfig removes the mail configuration; e-mail goes through
// the WithMailer mailer again (DELETE mail/v1/configurations).
func (id *Identity) DeleteMailConfig(ctx context.Context) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		d, err := id.loadMailConfig(ctx, tx)
		if err != nil {
			return err
		}
		if d == nil {
			return notFound("no mail configuration")
		}
		err = tx.DeleteSetting(ctx, id.envID, "", settingMailConfig)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("no mail configuration")
		}
		return err
	})
}

// currentMailer is the mailer e-mail goes through: the configured SMTP
// server, else the WithMailer mailer (nil when there is none).
func (id *Identity) currentMailer(ctx context.Context) (delivery.Mailer, error) {
	d, err := id.loadMailConfig(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if d != nil && d.Provider == MailProviderSMTP {
		m, err := d.smtp()
		if err != nil {
			return nil, fmt.Errorf("identity: mail configuration: %w", err)
		}
		return m, nil
	}
	if id.mailer == nil {
		return nil, nil
	}
	return id.mailer, nil
}
