package identity_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// fakeSMTP is a minimal plain-text SMTP server on loopback that records
// the DATA of every message.
type fakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	data []string
}

func newFakeSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(l string) { c.Write([]byte(l + "\r\n")) }
	say("220 fake")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.data = append(s.data, b.String())
			s.mu.Unlock()
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *fakeSMTP) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.data...)
}

func TestMailConfigSelectsSMTP(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "smtp@example.com")
	srv := newFakeSMTP(t)
	port := srv.ln.Addr().(*net.TCPAddr).Port

	_, err := e.id.GetMailConfig(ctx)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.SetMailConfig(ctx, identity.MailConfigInput{Provider: "pigeon"})
	wantField(t, err, "provider")
	_, err = e.id.SetMailConfig(ctx, identity.MailConfigInput{Provider: "smtp", From: "a@example.com"})
	wantField(t, err, "host")
	_, err = e.id.SetMailConfig(ctx, identity.MailConfigInput{Provider: "smtp", Host: "127.0.0.1", From: "not an address"})
	wantField(t, err, "host")
	_, err = e.id.SetMailConfig(ctx, identity.MailConfigInput{Provider: "mailgun", Secret: "k", Domain: "mg.example.com", Region: 1.0})
	wantField(t, err, "region")
	_, err = e.id.SetMailConfig(ctx, identity.MailConfigInput{Secret: ""})
	wantField(t, err, "secret")

	cfg, err := e.id.SetMailConfig(ctx, identity.MailConfigInput{Provider: "smtp", Host: "127.0.0.1", Port: port, From: "Acme <no-reply@acme.example>", TLSMode: "none"})
	if err != nil || cfg.Provider != "smtp" || cfg.HasSecret {
		t.Fatalf("SetMailConfig = %+v, %v", cfg, err)
	}
	before := len(e.outbox.Messages())
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if n := len(e.outbox.Messages()); n != before {
		t.Fatal("the e-mail went through the WithMailer outbox, not the configured SMTP server")
	}
	msgs := srv.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "Reset your password") {
		t.Fatalf("SMTP server got %q", msgs)
	}

	// An API provider is stored (its secret never shown) but e-mail goes
	// through the WithMailer mailer again.
	cfg, err = e.id.SetMailConfig(ctx, identity.MailConfigInput{Provider: "sendgrid", Secret: "SG.secret-key"})
	if err != nil || !cfg.HasSecret || cfg.Provider != "sendgrid" {
		t.Fatalf("sendgrid config = %+v, %v", cfg, err)
	}
	got, err := e.id.GetMailConfig(ctx)
	b, _ := json.Marshal(got)
	if err != nil || strings.Contains(string(b), "SG.secret") || !got.HasSecret {
		t.Fatalf("GetMailConfig = %+v, %v", got, err)
	}
	if err := e.id.DeleteMailConfig(ctx); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.id.DeleteMailConfig(ctx), identity.ErrNotFound)
	if err := e.id.RequestPasswordReset(ctx, identity.PasswordResetInput{Email: u.Email}); err != nil {
		t.Fatal(err)
	}
	e.drain(t)
	if n := len(e.outbox.Messages()); n != before+1 {
		t.Fatalf("%d outbox messages after deleting the configuration, want %d", n, before+1)
	}
}
