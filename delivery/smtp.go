package delivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// TLS modes accepted in SMTPConfig.TLSMode.
const (
	tlsModeStartTLS = "starttls"
	tlsModeImplicit = "tls"
	tlsModeNone     = "none"
)

// defaultSMTPTimeout bounds one SendEmail call when SMTPConfig.Timeout is 0.
const defaultSMTPTimeout = 30 * time.Second

// maxHeaderLine is the line length at which header values are folded.
const maxHeaderLine = 76

// SMTPConfig configures an SMTPMailer.
type SMTPConfig struct {
	// Host is the SMTP server's host name (required). It is also the name
	// the server's TLS certificate is verified against.
	Host string
	// Port is the server's port. Zero means 587 for "starttls", 465 for
	// "tls" and 25 for "none".
	Port int
	// Username, when set, makes the mailer authenticate with AUTH PLAIN.
	// net/smtp refuses to send credentials over an unencrypted connection
	// to anything but localhost.
	Username string
	// Password is the AUTH PLAIN password. It never appears in errors.
	Password string
	// From is the sender (required), for example
	// "Acme <no-reply@acme.example>". It is used for the From header and,
	// as a bare address, for MAIL FROM.
	From string
	// TLSMode is one of:
	//   - "starttls" (default): connect in plain text and upgrade with
	//     STARTTLS before anything else; if the server does not advertise
	//     STARTTLS the send fails and nothing (credentials included) is sent.
	//   - "tls": implicit TLS from the first byte (SMTPS, usually port 465).
	//   - "none": no encryption at all. Meant only for a test server on
	//     localhost (MailHog, Mailpit, a fake in tests).
	TLSMode string
	// Timeout bounds a whole SendEmail call, from dialing to QUIT.
	// Zero means 30 seconds. A shorter context deadline wins.
	Timeout time.Duration
	// InsecureSkipVerify disables verification of the server's certificate.
	// It exists for tests only: with it, anyone on the network path can read
	// the messages and the credentials. Prefer RootCAs.
	InsecureSkipVerify bool
	// RootCAs, when set, replaces the system roots used to verify the
	// server's certificate (for a private CA or a test certificate).
	RootCAs *x509.CertPool
}

// SMTPMailer sends e-mail through an SMTP server. Each SendEmail opens its
// own connection, so one SMTPMailer is safe for concurrent use.
type SMTPMailer struct {
	cfg  SMTPConfig
	addr string
	from *mail.Address
}

// NewSMTPMailer validates cfg, fills in defaults and returns a mailer.
// Host and From are required; From must be a valid address; TLSMode must be
// "", "starttls", "tls" or "none".
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, errors.New("delivery: SMTPConfig.Host is required")
	}
	if strings.ContainsAny(cfg.Host, "\r\n\t /") {
		return nil, errors.New("delivery: SMTPConfig.Host is not a host name")
	}
	switch cfg.TLSMode {
	case "":
		cfg.TLSMode = tlsModeStartTLS
	case tlsModeStartTLS, tlsModeImplicit, tlsModeNone:
	default:
		return nil, fmt.Errorf("delivery: SMTPConfig.TLSMode %q is not one of starttls, tls, none", cfg.TLSMode)
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("delivery: SMTPConfig.Port %d is out of range", cfg.Port)
	}
	if cfg.Port == 0 {
		switch cfg.TLSMode {
		case tlsModeImplicit:
			cfg.Port = 465
		case tlsModeNone:
			cfg.Port = 25
		default:
			cfg.Port = 587
		}
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("delivery: SMTPConfig.Timeout is negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultSMTPTimeout
	}
	if strings.TrimSpace(cfg.From) == "" {
		return nil, errors.New("delivery: SMTPConfig.From is required")
	}
	if strings.ContainsAny(cfg.From, "\r\n") {
		return nil, errors.New("delivery: SMTPConfig.From contains CR or LF")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("delivery: SMTPConfig.From: %w", err)
	}
	if strings.ContainsAny(cfg.Username, "\r\n\x00") || strings.ContainsAny(cfg.Password, "\r\n\x00") {
		return nil, errors.New("delivery: SMTPConfig.Username and Password must not contain CR, LF or NUL")
	}
	return &SMTPMailer{
		cfg:  cfg,
		addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		from: from,
	}, nil
}

// SendEmail sends m. It validates the recipient and subject first (an
// invalid recipient yields ErrInvalidRecipient; a subject containing CR or LF
// yields ErrDelivery), then dials the server, upgrades to TLS as configured,
// authenticates when a username is set and transmits the message. The whole
// exchange is bounded by ctx and SMTPConfig.Timeout.
func (s *SMTPMailer) SendEmail(ctx context.Context, m Email) error {
	to, err := parseRecipientEmail(m.To)
	if err != nil {
		return err
	}
	msg, err := s.buildMessage(to, m, time.Now())
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()

	conn, err := s.dial(ctx)
	if err != nil {
		return deliveryError(ctx, "smtp connect", err)
	}
	// Interrupt any blocked read or write as soon as ctx is done; the
	// context error is then reported by deliveryError.
	stop := context.AfterFunc(ctx, func() {
		_ = conn.SetDeadline(time.Unix(1, 0))
	})
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		_ = conn.Close()
		return deliveryError(ctx, "smtp greeting", err)
	}
	defer func() { _ = c.Close() }()

	if err := s.converse(c, to.Address, msg); err != nil {
		return deliveryError(ctx, err.step, err.err)
	}
	// The server accepted the message when DATA completed; a failing QUIT
	// must not make the caller retry and send a duplicate.
	_ = c.Quit()
	return nil
}

// stepError names the SMTP step that failed.
type stepError struct {
	step string
	err  error
}

// converse runs the SMTP dialogue after the greeting.
func (s *SMTPMailer) converse(c *smtp.Client, rcpt string, msg []byte) *stepError {
	// An explicit EHLO surfaces a broken connection as such instead of as a
	// missing extension.
	if err := c.Hello("localhost"); err != nil {
		return &stepError{"smtp EHLO", err}
	}
	if s.cfg.TLSMode == tlsModeStartTLS {
		ok, _ := c.Extension("STARTTLS")
		if !ok {
			return &stepError{"smtp STARTTLS", errors.New("server does not offer STARTTLS; refusing to continue without TLS")}
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return &stepError{"smtp STARTTLS", err}
		}
	}
	if s.cfg.Username != "" {
		auth := smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
		if err := c.Auth(auth); err != nil {
			return &stepError{"smtp AUTH", err}
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return &stepError{"smtp MAIL FROM", err}
	}
	if err := c.Rcpt(rcpt); err != nil {
		return &stepError{"smtp RCPT TO", err}
	}
	w, err := c.Data()
	if err != nil {
		return &stepError{"smtp DATA", err}
	}
	if _, err := w.Write(msg); err != nil {
		_ = w.Close()
		return &stepError{"smtp DATA", err}
	}
	if err := w.Close(); err != nil {
		return &stepError{"smtp DATA", err}
	}
	return nil
}

// dial opens the TCP connection, wrapped in TLS for implicit-TLS mode.
func (s *SMTPMailer) dial(ctx context.Context) (net.Conn, error) {
	nd := &net.Dialer{}
	if s.cfg.TLSMode == tlsModeImplicit {
		td := &tls.Dialer{NetDialer: nd, Config: s.tlsConfig()}
		return td.DialContext(ctx, "tcp", s.addr)
	}
	return nd.DialContext(ctx, "tcp", s.addr)
}

// tlsConfig is the client TLS configuration for both STARTTLS and implicit
// TLS.
func (s *SMTPMailer) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         s.cfg.Host,
		RootCAs:            s.cfg.RootCAs,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify,
		MinVersion:         tls.VersionTLS12,
	}
}

// buildMessage renders the RFC 5322 message with CRLF line endings.
func (s *SMTPMailer) buildMessage(to *mail.Address, m Email, now time.Time) ([]byte, error) {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: subject contains CR or LF", ErrDelivery)
	}
	var b bytes.Buffer
	writeHeader(&b, "From", s.from.String())
	writeHeader(&b, "To", to.String())
	writeHeader(&b, "Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	writeHeader(&b, "Date", now.Format(time.RFC1123Z))
	writeHeader(&b, "Message-ID", "<"+rand.Text()+"@"+messageIDDomain(s.from.Address)+">")
	writeHeader(&b, "MIME-Version", "1.0")

	switch {
	case m.HTML == "":
		writeHeader(&b, "Content-Type", "text/plain; charset=utf-8")
		writeHeader(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQuotedPrintable(&b, m.Text); err != nil {
			return nil, fmt.Errorf("%w: encoding body: %w", ErrDelivery, err)
		}
	case m.Text == "":
		writeHeader(&b, "Content-Type", "text/html; charset=utf-8")
		writeHeader(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQuotedPrintable(&b, m.HTML); err != nil {
			return nil, fmt.Errorf("%w: encoding body: %w", ErrDelivery, err)
		}
	default:
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, p := range []struct{ ctype, content string }{
			{"text/plain; charset=utf-8", m.Text},
			{"text/html; charset=utf-8", m.HTML},
		} {
			pw, err := mw.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {p.ctype},
				"Content-Transfer-Encoding": {"quoted-printable"},
			})
			if err != nil {
				return nil, fmt.Errorf("%w: encoding body: %w", ErrDelivery, err)
			}
			var part bytes.Buffer
			if err := writeQuotedPrintable(&part, p.content); err != nil {
				return nil, fmt.Errorf("%w: encoding body: %w", ErrDelivery, err)
			}
			if _, err := pw.Write(part.Bytes()); err != nil {
				return nil, fmt.Errorf("%w: encoding body: %w", ErrDelivery, err)
			}
		}
		if err := mw.Close(); err != nil {
			return nil, fmt.Errorf("%w: encoding body: %w", ErrDelivery, err)
		}
		writeHeader(&b, "Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
		b.WriteString("\r\n")
		b.Write(body.Bytes())
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// writeHeader writes "name: value" CRLF, folding the value at spaces so
// that lines stay near maxHeaderLine characters. Values must already be free
// of CR and LF.
func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	col := len(name) + 1
	for i, word := range strings.Split(value, " ") {
		// Fold only when the current line holds more than the folding
		// space, so that no continuation line is whitespace only.
		if i > 0 && col+1+len(word) > maxHeaderLine && col > 1 {
			b.WriteString("\r\n")
			col = 0
		}
		b.WriteByte(' ')
		b.WriteString(word)
		col += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// writeQuotedPrintable writes s as quoted-printable text with CRLF line
// breaks, whatever line endings s uses.
func writeQuotedPrintable(b *bytes.Buffer, s string) error {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	w := quotedprintable.NewWriter(b)
	if _, err := w.Write([]byte(s)); err != nil {
		return err
	}
	return w.Close()
}

// messageIDDomain returns the right-hand side for a Message-ID, taken from
// the sender address.
func messageIDDomain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i+1 < len(addr) {
		return addr[i+1:]
	}
	return "localhost"
}
