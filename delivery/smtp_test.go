package delivery

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost, and a
// pool that trusts it.
type testCert struct {
	cert tls.Certificate
	pool *x509.CertPool
}

func newTestCert(t *testing.T) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return testCert{
		cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		pool: pool,
	}
}

// fakeSMTPOptions shapes the fake server's behaviour.
type fakeSMTPOptions struct {
	cert          *testCert // needed for STARTTLS and implicit TLS
	noStartTLS    bool      // do not advertise STARTTLS
	implicitTLS   bool      // TLS from the first byte
	rejectRcpt    bool      // answer 550 to RCPT TO
	silent        bool      // accept connections but never greet
	user, pass    string    // expected AUTH PLAIN credentials
	advertiseAuth bool      // advertise AUTH PLAIN even without TLS
}

// fakeSession is what the fake server saw on one connection.
type fakeSession struct {
	tls       bool // the connection was encrypted when MAIL FROM arrived
	authUser  string
	authPass  string
	authTLS   bool // the credentials arrived over TLS
	mailFrom  string
	rcptTo    []string
	data      []byte // raw message, dot-unstuffed, CRLF preserved
	commands  []string
	completed bool // DATA finished
}

// fakeSMTP is a minimal SMTP server speaking just enough of RFC 5321, 3207
// and 4954 to exercise SMTPMailer.
type fakeSMTP struct {
	t    *testing.T
	ln   net.Listener
	opts fakeSMTPOptions

	mu       sync.Mutex
	sessions []*fakeSession
	wg       sync.WaitGroup
}

func newFakeSMTP(t *testing.T, opts fakeSMTPOptions) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.implicitTLS {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{opts.cert.cert}})
	}
	s := &fakeSMTP{t: t, ln: ln, opts: opts}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *fakeSMTP) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *fakeSMTP) snapshot() []fakeSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]fakeSession, len(s.sessions))
	for i, ss := range s.sessions {
		out[i] = *ss
		out[i].rcptTo = append([]string(nil), ss.rcptTo...)
		out[i].commands = append([]string(nil), ss.commands...)
	}
	return out
}

func (s *fakeSMTP) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			s.handle(conn)
		}()
	}
}

func (s *fakeSMTP) handle(conn net.Conn) {
	sess := &fakeSession{tls: s.opts.implicitTLS}
	s.mu.Lock()
	s.sessions = append(s.sessions, sess)
	s.mu.Unlock()
	update := func(f func()) {
		s.mu.Lock()
		defer s.mu.Unlock()
		f()
	}

	if s.opts.silent {
		_, _ = io.Copy(io.Discard, conn)
		return
	}
	r := bufio.NewReader(conn)
	w := bufio.NewWriter(conn)
	reply := func(lines ...string) {
		for _, l := range lines {
			_, _ = w.WriteString(l + "\r\n")
		}
		_ = w.Flush()
	}
	isTLS := s.opts.implicitTLS
	reply("220 fake.test ESMTP ready")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		update(func() { sess.commands = append(sess.commands, line) })
		switch {
		case strings.HasPrefix(verb, "EHLO "):
			lines := []string{"250-fake.test greets you"}
			if !isTLS && !s.opts.noStartTLS && s.opts.cert != nil {
				lines = append(lines, "250-STARTTLS")
			}
			if isTLS || s.opts.advertiseAuth {
				lines = append(lines, "250-AUTH PLAIN")
			}
			lines = append(lines, "250 HELP")
			reply(lines...)
		case strings.HasPrefix(verb, "HELO "):
			reply("250 fake.test")
		case verb == "STARTTLS":
			if isTLS || s.opts.noStartTLS || s.opts.cert == nil {
				reply("502 not available")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{s.opts.cert.cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			isTLS = true
			r, w = bufio.NewReader(tc), bufio.NewWriter(tc)
		case strings.HasPrefix(verb, "AUTH PLAIN"):
			enc := strings.TrimSpace(line[len("AUTH PLAIN"):])
			raw, err := base64.StdEncoding.DecodeString(enc)
			parts := strings.Split(string(raw), "\x00")
			if err != nil || len(parts) != 3 {
				reply("501 malformed")
				continue
			}
			update(func() { sess.authUser, sess.authPass, sess.authTLS = parts[1], parts[2], isTLS })
			if parts[1] != s.opts.user || parts[2] != s.opts.pass {
				reply("535 5.7.8 authentication failed")
				continue
			}
			reply("235 2.7.0 authenticated")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			update(func() { sess.mailFrom, sess.tls = line[len("MAIL FROM:"):], isTLS })
			reply("250 ok")
		case strings.HasPrefix(verb, "RCPT TO:"):
			if s.opts.rejectRcpt {
				reply("550 5.1.1 mailbox unavailable")
				continue
			}
			update(func() { sess.rcptTo = append(sess.rcptTo, line[len("RCPT TO:"):]) })
			reply("250 ok")
		case verb == "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var data bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				if strings.HasPrefix(l, ".") {
					l = l[1:]
				}
				data.WriteString(l)
			}
			update(func() { sess.data, sess.completed = data.Bytes(), true })
			reply("250 2.0.0 queued")
		case verb == "RSET", verb == "NOOP":
			reply("250 ok")
		case verb == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

func newTestMailer(t *testing.T, cfg SMTPConfig) *SMTPMailer {
	t.Helper()
	m, err := NewSMTPMailer(cfg)
	if err != nil {
		t.Fatalf("NewSMTPMailer: %v", err)
	}
	return m
}

func decodeQP(t *testing.T, s string) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(s)))
	if err != nil {
		t.Fatalf("quoted-printable: %v", err)
	}
	return string(b)
}

// assertCRLF checks that every line break in data is CRLF and that no line
// exceeds the SMTP limit of 998 characters.
func assertCRLF(t *testing.T, data []byte) {
	t.Helper()
	for i, b := range data {
		if b == '\n' && (i == 0 || data[i-1] != '\r') {
			t.Fatalf("bare LF at offset %d in message:\n%s", i, data)
		}
		if b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			t.Fatalf("bare CR at offset %d", i)
		}
	}
	for _, l := range strings.Split(string(data), "\r\n") {
		if len(l) > 998 {
			t.Fatalf("line of %d characters", len(l))
		}
	}
}

func TestSMTPStartTLSPlainText(t *testing.T) {
	cert := newTestCert(t)
	srv := newFakeSMTP(t, fakeSMTPOptions{cert: &cert, user: "mailer", pass: "s3cret"})
	m := newTestMailer(t, SMTPConfig{
		Host: "127.0.0.1", Port: srv.port(), Username: "mailer", Password: "s3cret",
		From: "Yolk Ünïcode <no-reply@yolk.test>", RootCAs: cert.pool,
	})

	subject := "Vérifiez votre adresse — ✓ " + strings.Repeat("long subject words ", 8)
	text := "Hello Ünïcode!\n.leading dot line\n" + strings.Repeat("x", 200) + "\nYour code is 123456.\n"
	err := m.SendEmail(context.Background(), Email{To: "Ann <ann@example.com>", Subject: subject, Text: text})
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}

	sessions := srv.snapshot()
	if len(sessions) != 1 {
		t.Fatalf("sessions = %d, want 1", len(sessions))
	}
	s := sessions[0]
	if !s.tls || !s.authTLS {
		t.Errorf("tls = %v, authTLS = %v; want both true", s.tls, s.authTLS)
	}
	if s.authUser != "mailer" || s.authPass != "s3cret" {
		t.Errorf("auth = %q/%q", s.authUser, s.authPass)
	}
	if s.mailFrom != "<no-reply@yolk.test>" {
		t.Errorf("MAIL FROM = %q", s.mailFrom)
	}
	if len(s.rcptTo) != 1 || s.rcptTo[0] != "<ann@example.com>" {
		t.Errorf("RCPT TO = %q", s.rcptTo)
	}
	if !s.completed {
		t.Fatal("DATA not completed")
	}
	// STARTTLS must precede AUTH and MAIL.
	var order []string
	for _, c := range s.commands {
		order = append(order, strings.Fields(c)[0])
	}
	if got := strings.Join(order, " "); got != "EHLO STARTTLS EHLO AUTH MAIL RCPT DATA QUIT" {
		t.Errorf("command order = %s", got)
	}

	assertCRLF(t, s.data)
	msg, err := mail.ReadMessage(bytes.NewReader(s.data))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, s.data)
	}
	var dec mime.WordDecoder
	gotSubject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if gotSubject != subject {
		t.Errorf("subject = %q, want %q", gotSubject, subject)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "no-reply@yolk.test" || from[0].Name != "Yolk Ünïcode" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "ann@example.com" || to[0].Name != "Ann" {
		t.Errorf("To = %v, %v", to, err)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@yolk.test>") {
		t.Errorf("Message-ID = %q", id)
	}
	if v := msg.Header.Get("Mime-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q", v)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "text/plain" || params["charset"] != "utf-8" {
		t.Errorf("Content-Type = %q", msg.Header.Get("Content-Type"))
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Errorf("Content-Transfer-Encoding = %q", cte)
	}
	raw, _ := io.ReadAll(msg.Body)
	for _, l := range strings.Split(string(raw), "\r\n") {
		if len(l) > 76 {
			t.Errorf("quoted-printable line of %d characters", len(l))
		}
	}
	body := strings.ReplaceAll(decodeQP(t, string(raw)), "\r\n", "\n")
	if body != text {
		t.Errorf("body = %q, want %q", body, text)
	}
}

func TestSMTPMultipartAlternative(t *testing.T) {
	cert := newTestCert(t)
	srv := newFakeSMTP(t, fakeSMTPOptions{cert: &cert})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "no-reply@yolk.test", RootCAs: cert.pool})

	text := "Click: https://app.test/activate?token=abc\n"
	html := "<p>Click <a href=\"https://app.test/activate?token=abc\">here</a> — ✓</p>\n"
	if err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "Activate", Text: text, HTML: html}); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	s := srv.snapshot()[0]
	if s.authUser != "" {
		t.Errorf("authenticated without a username: %q", s.authUser)
	}
	assertCRLF(t, s.data)
	msg, err := mail.ReadMessage(bytes.NewReader(s.data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Subject"); got != "Activate" {
		t.Errorf("ASCII subject = %q, want it unencoded", got)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" || params["boundary"] == "" {
		t.Fatalf("Content-Type = %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	want := []struct{ ctype, body string }{
		{"text/plain", text},
		{"text/html", html},
	}
	for i, w := range want {
		p, err := mr.NextRawPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		pt, pp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if pt != w.ctype || pp["charset"] != "utf-8" {
			t.Errorf("part %d Content-Type = %q", i, p.Header.Get("Content-Type"))
		}
		if cte := p.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("part %d Content-Transfer-Encoding = %q", i, cte)
		}
		raw, _ := io.ReadAll(p)
		if got := strings.ReplaceAll(decodeQP(t, string(raw)), "\r\n", "\n"); got != w.body {
			t.Errorf("part %d body = %q, want %q", i, got, w.body)
		}
	}
	if _, err := mr.NextRawPart(); !errors.Is(err, io.EOF) {
		t.Errorf("after two parts: %v, want EOF", err)
	}
}

func TestSMTPHTMLOnly(t *testing.T) {
	srv := newFakeSMTP(t, fakeSMTPOptions{})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "no-reply@yolk.test", TLSMode: "none"})
	html := "<b>only html</b>"
	if err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "x", HTML: html}); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	s := srv.snapshot()[0]
	msg, err := mail.ReadMessage(bytes.NewReader(s.data))
	if err != nil {
		t.Fatal(err)
	}
	if mt, _, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); mt != "text/html" {
		t.Errorf("Content-Type = %q", msg.Header.Get("Content-Type"))
	}
	raw, _ := io.ReadAll(msg.Body)
	if got := strings.TrimRight(decodeQP(t, string(raw)), "\r\n"); got != html {
		t.Errorf("body = %q", got)
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	cert := newTestCert(t)
	srv := newFakeSMTP(t, fakeSMTPOptions{cert: &cert, implicitTLS: true, user: "u", pass: "p"})
	m := newTestMailer(t, SMTPConfig{
		Host: "127.0.0.1", Port: srv.port(), Username: "u", Password: "p",
		From: "no-reply@yolk.test", TLSMode: "tls", RootCAs: cert.pool,
	})
	if err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"}); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	s := srv.snapshot()[0]
	if !s.tls || !s.authTLS || s.authUser != "u" || !s.completed {
		t.Errorf("session = %+v", s)
	}
	for _, c := range s.commands {
		if strings.EqualFold(c, "STARTTLS") {
			t.Error("STARTTLS sent on an implicit TLS connection")
		}
	}
}

func TestSMTPNoneModeLocalhost(t *testing.T) {
	srv := newFakeSMTP(t, fakeSMTPOptions{advertiseAuth: true, user: "u", pass: "p"})
	m := newTestMailer(t, SMTPConfig{
		Host: "127.0.0.1", Port: srv.port(), Username: "u", Password: "p",
		From: "no-reply@yolk.test", TLSMode: "none",
	})
	if err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"}); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	s := srv.snapshot()[0]
	if s.tls || s.authUser != "u" || !s.completed {
		t.Errorf("session = %+v", s)
	}
}

func TestSMTPRefusesWithoutStartTLS(t *testing.T) {
	srv := newFakeSMTP(t, fakeSMTPOptions{noStartTLS: true, advertiseAuth: true, user: "u", pass: "p"})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), Username: "u", Password: "p", From: "no-reply@yolk.test"})
	err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	if !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Errorf("err = %v, want it to say the server does not offer STARTTLS", err)
	}
	s := srv.snapshot()[0]
	for _, c := range s.commands {
		if verb := strings.ToUpper(strings.Fields(c)[0]); verb != "EHLO" && verb != "QUIT" {
			t.Errorf("client sent %q to a server without STARTTLS", c)
		}
	}
	if s.authUser != "" || s.authPass != "" || s.mailFrom != "" || len(s.rcptTo) != 0 || s.completed {
		t.Errorf("something was sent without TLS: %+v", s)
	}
}

func TestSMTPUntrustedCertificate(t *testing.T) {
	cert := newTestCert(t)
	srv := newFakeSMTP(t, fakeSMTPOptions{cert: &cert, user: "u", pass: "p"})
	// No RootCAs: the self-signed certificate must not be trusted.
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), Username: "u", Password: "p", From: "no-reply@yolk.test"})
	err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Errorf("err = %v, want a certificate verification error in the chain", err)
	}
	if s := srv.snapshot()[0]; s.authPass != "" || s.completed {
		t.Errorf("credentials or message sent despite an untrusted certificate: %+v", s)
	}

	// The documented test-only switch accepts it.
	m = newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), Username: "u", Password: "p", From: "no-reply@yolk.test", InsecureSkipVerify: true})
	if err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"}); err != nil {
		t.Fatalf("InsecureSkipVerify: %v", err)
	}
}

func TestSMTPRecipientRejected(t *testing.T) {
	cert := newTestCert(t)
	srv := newFakeSMTP(t, fakeSMTPOptions{cert: &cert, rejectRcpt: true})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "no-reply@yolk.test", RootCAs: cert.pool})
	err := m.SendEmail(context.Background(), Email{To: "nobody@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	if errors.Is(err, ErrInvalidRecipient) {
		t.Errorf("a server refusal must not be ErrInvalidRecipient: %v", err)
	}
	if !strings.Contains(err.Error(), "550") {
		t.Errorf("err = %v, want the server's 550 in it", err)
	}
	if s := srv.snapshot()[0]; s.completed {
		t.Error("DATA sent after RCPT was refused")
	}
}

func TestSMTPAuthFailure(t *testing.T) {
	cert := newTestCert(t)
	srv := newFakeSMTP(t, fakeSMTPOptions{cert: &cert, user: "u", pass: "right"})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), Username: "u", Password: "wrong-password-xyz", From: "no-reply@yolk.test", RootCAs: cert.pool})
	err := m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	if strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Errorf("error leaks the password: %v", err)
	}
	if s := srv.snapshot()[0]; s.mailFrom != "" {
		t.Error("MAIL FROM sent after failed AUTH")
	}
}

func TestSMTPInvalidInputSendsNothing(t *testing.T) {
	srv := newFakeSMTP(t, fakeSMTPOptions{advertiseAuth: true})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "no-reply@yolk.test", TLSMode: "none"})
	for _, tc := range []struct {
		name string
		mail Email
		want error
	}{
		{"empty to", Email{To: "", Subject: "s"}, ErrInvalidRecipient},
		{"blank to", Email{To: "  ", Subject: "s"}, ErrInvalidRecipient},
		{"crlf to", Email{To: "ann@example.com\r\nBcc: eve@evil.test", Subject: "s"}, ErrInvalidRecipient},
		{"lf to", Email{To: "ann@example.com\nBcc: eve@evil.test", Subject: "s"}, ErrInvalidRecipient},
		{"not an address", Email{To: "ann at example.com", Subject: "s"}, ErrInvalidRecipient},
		{"two addresses", Email{To: "ann@example.com, bob@example.com", Subject: "s"}, ErrInvalidRecipient},
		{"crlf subject", Email{To: "ann@example.com", Subject: "hi\r\nBcc: eve@evil.test"}, ErrDelivery},
		{"lf subject", Email{To: "ann@example.com", Subject: "hi\nBcc: eve@evil.test"}, ErrDelivery},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := m.SendEmail(context.Background(), tc.mail)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.want == ErrInvalidRecipient && errors.Is(err, ErrDelivery) {
				t.Errorf("invalid recipient also matches ErrDelivery: %v", err)
			}
		})
	}
	if n := len(srv.snapshot()); n != 0 {
		t.Errorf("server saw %d connections, want 0", n)
	}
}

func TestSMTPContextDeadline(t *testing.T) {
	srv := newFakeSMTP(t, fakeSMTPOptions{silent: true})
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "no-reply@yolk.test", TLSMode: "none"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.SendEmail(ctx, Email{To: "ann@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrDelivery and context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to honour the deadline", d)
	}

	// SMTPConfig.Timeout bounds the exchange the same way.
	m = newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "no-reply@yolk.test", TLSMode: "none", Timeout: 100 * time.Millisecond})
	err = m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Timeout: err = %v, want ErrDelivery and context.DeadlineExceeded", err)
	}
}

func TestSMTPConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	m := newTestMailer(t, SMTPConfig{Host: "127.0.0.1", Port: port, From: "no-reply@yolk.test"})
	err = m.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "hi", Text: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("err = %v, want the dial error wrapped", err)
	}
}

func TestNewSMTPMailerConfig(t *testing.T) {
	valid := SMTPConfig{Host: "smtp.example.com", From: "no-reply@example.com"}
	for _, tc := range []struct {
		name   string
		mutate func(*SMTPConfig)
	}{
		{"no host", func(c *SMTPConfig) { c.Host = "" }},
		{"bad host", func(c *SMTPConfig) { c.Host = "smtp.example.com\r\n" }},
		{"no from", func(c *SMTPConfig) { c.From = "" }},
		{"bad from", func(c *SMTPConfig) { c.From = "not an address" }},
		{"crlf from", func(c *SMTPConfig) { c.From = "a@example.com\r\nBcc: eve@evil.test" }},
		{"bad mode", func(c *SMTPConfig) { c.TLSMode = "ssl" }},
		{"bad port", func(c *SMTPConfig) { c.Port = 70000 }},
		{"negative timeout", func(c *SMTPConfig) { c.Timeout = -time.Second }},
		{"crlf password", func(c *SMTPConfig) { c.Password = "a\r\nb" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.mutate(&cfg)
			if _, err := NewSMTPMailer(cfg); err == nil {
				t.Fatal("accepted an invalid config")
			}
		})
	}

	for _, tc := range []struct {
		mode     string
		wantPort int
		wantMode string
	}{
		{"", 587, "starttls"},
		{"starttls", 587, "starttls"},
		{"tls", 465, "tls"},
		{"none", 25, "none"},
	} {
		cfg := valid
		cfg.TLSMode = tc.mode
		m, err := NewSMTPMailer(cfg)
		if err != nil {
			t.Fatalf("mode %q: %v", tc.mode, err)
		}
		if m.cfg.Port != tc.wantPort || m.cfg.TLSMode != tc.wantMode || m.addr != "smtp.example.com:"+strconv.Itoa(tc.wantPort) {
			t.Errorf("mode %q: port %d mode %q addr %q", tc.mode, m.cfg.Port, m.cfg.TLSMode, m.addr)
		}
		if m.cfg.Timeout != defaultSMTPTimeout {
			t.Errorf("mode %q: timeout %v", tc.mode, m.cfg.Timeout)
		}
	}
}

func TestWriteHeaderFolding(t *testing.T) {
	var b bytes.Buffer
	value := strings.Repeat("word ", 40) + strings.Repeat("y", 100)
	writeHeader(&b, "Subject", value)
	out := b.String()
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("not folded: %q", out)
	}
	for i, l := range lines {
		if i > 0 && !strings.HasPrefix(l, " ") {
			t.Errorf("continuation line %d does not start with a space: %q", i, l)
		}
		if strings.TrimSpace(l) == "" {
			t.Errorf("whitespace-only line %d", i)
		}
		if len(l) > maxHeaderLine && !strings.Contains(l, strings.Repeat("y", 100)) {
			t.Errorf("line %d too long (%d): %q", i, len(l), l)
		}
	}
	msg, err := mail.ReadMessage(strings.NewReader(out + "\r\nbody"))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Subject"); got != strings.TrimSpace(value) {
		t.Errorf("unfolded = %q, want %q", got, value)
	}
}
