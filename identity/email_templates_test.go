package identity_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
)

// captureMailer keeps every e-mail whole (the outbox keeps the text only).
type captureMailer struct {
	mu   sync.Mutex
	sent []delivery.Email
}

func (c *captureMailer) SendEmail(_ context.Context, m delivery.Email) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, m)
	return nil
}

func (c *captureMailer) last(t testing.TB) delivery.Email {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sent) == 0 {
		t.Fatal("no e-mail sent")
	}
	return c.sent[len(c.sent)-1]
}

func TestEmailTemplates(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	mailer := &captureMailer{}
	e.id = e.newIdentity(t, identity.WithMailer(mailer))
	u := e.user(t, "tpl@example.com")

	// Refusals: unknown type, unknown placeholder, unbalanced braces, bad URL.
	_, err := e.id.SetEmailTemplate(ctx, identity.EmailTemplateInput{Type: "Fax"})
	wantField(t, err, "type")
	_, err = e.id.SetEmailTemplate(ctx, identity.EmailTemplateInput{Type: identity.EmailTemplateResetPassword, HTMLTemplate: "{{password}}"})
	wantField(t, err, "htmlTemplate")
	_, err = e.id.SetEmailTemplate(ctx, identity.EmailTemplateInput{Type: identity.EmailTemplateResetPassword, Subject: "Hi {{name"})
	wantField(t, err, "subject")
	_, err = e.id.SetEmailTemplate(ctx, identity.EmailTemplateInput{Type: identity.EmailTemplateResetPassword, RedirectURL: "javascript:alert(1)"})
	wantField(t, err, "redirectURL")
	if ts, _ := e.id.ListEmailTemplates(ctx, ""); len(ts) != 0 {
		t.Fatalf("a refused template was stored: %+v", ts)
	}

	// Without a template the default message goes out.
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if m := mailer.last(t); m.Subject != "Reset your password" || m.HTML != "" {
		t.Fatalf("default reset e-mail: %+v", m)
	}

	tpl, err := e.id.SetEmailTemplate(ctx, identity.EmailTemplateInput{Type: identity.EmailTemplateResetPassword,
		Subject: "Reset for {{ email }}", HTMLTemplate: `<a href="{{redirectURL}}">reset</a> {{name}}`,
		RedirectURL: "https://app.example.com/reset"})
	if err != nil || tpl.ID == "" || !tpl.Active {
		t.Fatalf("SetEmailTemplate = %+v, %v", tpl, err)
	}
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	m := mailer.last(t)
	if m.Subject != "Reset for tpl@example.com" || !strings.Contains(m.HTML, `<a href="https://app.example.com/reset?token=`) ||
		!strings.HasSuffix(m.HTML, "Test User") || !strings.Contains(m.Text, "https://app.example.com/reset?token=") {
		t.Fatalf("customised reset e-mail: %+v", m)
	}

	// The magic link uses its template too; the list filters by type.
	if _, err := e.id.SetEmailTemplate(ctx, identity.EmailTemplateInput{Type: identity.EmailTemplateOTC, Subject: "Code {{code}}"}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.PasswordlessPreLogin(ctx, identity.PasswordlessCode, identity.PasswordlessPreLoginInput{Email: u.Email}, identity.ClientInfo{}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if m := mailer.last(t); !strings.HasPrefix(m.Subject, "Code ") || !strings.Contains(m.Text, strings.TrimPrefix(m.Subject, "Code ")) {
		t.Fatalf("customised code e-mail: %+v", m)
	}
	ts, err := e.id.ListEmailTemplates(ctx, identity.EmailTemplateOTC)
	if err != nil || len(ts) != 1 || ts[0].Type != identity.EmailTemplateOTC {
		t.Fatalf("ListEmailTemplates(OTC) = %+v, %v", ts, err)
	}
	if all, _ := e.id.ListEmailTemplates(ctx, ""); len(all) != 2 {
		t.Fatalf("%d templates, want 2", len(all))
	}

	// Deleting brings the default back.
	wantErr(t, e.id.DeleteEmailTemplate(ctx, "nope"), identity.ErrNotFound)
	if err := e.id.DeleteEmailTemplate(ctx, tpl.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if m := mailer.last(t); m.Subject != "Reset your password" || m.HTML != "" {
		t.Fatalf("reset e-mail after delete: %+v", m)
	}

	d, err := e.id.GetDefaultEmailTemplate(ctx, identity.EmailTemplateMagicLink)
	if err != nil || d.Subject == "" || !strings.Contains(d.HTMLTemplate, "{{redirectURL}}") {
		t.Fatalf("default magic-link template = %+v, %v", d, err)
	}
	_, err = e.id.GetDefaultEmailTemplate(ctx, "Fax")
	wantErr(t, err, identity.ErrNotFound)
}
