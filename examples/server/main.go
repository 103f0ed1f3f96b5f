// Command server is yolk's example identity server: the identity API served
// from an embedded SQLite file, ready for the official Frontegg clients.
//
//	go run ./examples/server                 # 127.0.0.1:8080, yolk.db
//	go run ./examples/server -dev -db :memory:
//
// The identity API is served at /identity and at /frontegg/identity (where
// the browser client looks by default), the accounts API at /tenants and
// /frontegg/tenants; environment authentication at /auth/vendor and the
// public keys at /.well-known/jwks.json. YOLK_CLIENT_ID
// and YOLK_SECRET set the environment credentials; when unset they are
// generated on first start, stored, and printed once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/yolkauth/yolk/captcha"
	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/pwned"
	"github.com/yolkauth/yolk/store/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// config is everything the server reads from flags and the environment.
type config struct {
	addr, db, appURL string
	rpID, rpName     string
	captchaURL       string
	pwnedURL         string
	dev              bool
	smtp             delivery.SMTPConfig
	twilio           delivery.TwilioConfig
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	port, _ := strconv.Atoi(env("YOLK_SMTP_PORT", "587"))
	c := &config{}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", env("YOLK_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&c.db, "db", env("YOLK_DB", "yolk.db"), "SQLite file path, or :memory:")
	fs.BoolVar(&c.dev, "dev", false, "development mode: record e-mails and SMS at GET /dev/outbox instead of sending them")
	fs.StringVar(&c.appURL, "app-url", env("YOLK_APP_URL", ""), "public URL of the login pages, for links in e-mails (default http://<addr>)")
	fs.StringVar(&c.rpID, "webauthn-rp-id", env("YOLK_WEBAUTHN_RP_ID", ""), "WebAuthn relying-party id, the domain security keys are bound to (default: the -app-url host, localhost for a loopback address)")
	fs.StringVar(&c.rpName, "webauthn-rp-name", env("YOLK_WEBAUTHN_RP_NAME", "yolk"), "WebAuthn relying-party name browsers show")
	fs.StringVar(&c.smtp.Host, "smtp-host", env("YOLK_SMTP_HOST", ""), "SMTP server host (e-mail is not sent when empty, unless -dev)")
	fs.IntVar(&c.smtp.Port, "smtp-port", port, "SMTP server port")
	fs.StringVar(&c.smtp.Username, "smtp-user", env("YOLK_SMTP_USER", ""), "SMTP user name")
	fs.StringVar(&c.smtp.From, "smtp-from", env("YOLK_SMTP_FROM", ""), "sender address of e-mails")
	fs.StringVar(&c.smtp.TLSMode, "smtp-tls", env("YOLK_SMTP_TLS", "starttls"), "SMTP TLS mode: starttls, tls or none")
	fs.StringVar(&c.twilio.AccountSID, "twilio-sid", env("YOLK_TWILIO_SID", ""), "Twilio account SID (SMS is not sent when empty, unless -dev)")
	fs.StringVar(&c.twilio.From, "twilio-from", env("YOLK_TWILIO_FROM", ""), "SMS sender number")
	fs.StringVar(&c.twilio.BaseURL, "twilio-url", env("YOLK_TWILIO_URL", "https://api.twilio.com"), "base URL of the Twilio-compatible API")
	fs.StringVar(&c.captchaURL, "captcha-verify-url", env("YOLK_CAPTCHA_VERIFY_URL", captcha.DefaultVerifyURL), "siteverify URL of the reCAPTCHA-compatible service checking tokens while the captcha policy is enabled")
	fs.StringVar(&c.pwnedURL, "pwned-range-url", env("YOLK_PWNED_RANGE_URL", pwned.DefaultRangeURL), "Pwned Passwords range API checking new passwords while a password configuration has blockPwnedPasswords")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// Secrets come only from the environment, never from flags (which
	// show up in process listings).
	c.smtp.Password = getenv("YOLK_SMTP_PASSWORD")
	c.twilio.AuthToken = getenv("YOLK_TWILIO_TOKEN")
	if c.appURL == "" {
		c.appURL = "http://" + c.addr
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := sqlite.Open(ctx, cfg.db)
	if err != nil {
		return fmt.Errorf("opening %s: %w", cfg.db, err)
	}
	defer st.Close()

	opts := []identity.Option{
		identity.WithLogger(log), identity.WithAppURL(cfg.appURL),
		identity.WithCaptchaVerifier(captcha.NewHTTPVerifier(captcha.WithVerifyURL(cfg.captchaURL))),
		identity.WithBreachedPasswordChecker(pwned.NewRangeChecker(pwned.WithRangeURL(cfg.pwnedURL))),
	}
	// WebAuthn (MFA with security keys): the login pages' origin, and the
	// relying-party id derived from it unless -webauthn-rp-id says otherwise.
	if rp := identity.DefaultWebAuthnConfig(cfg.appURL); rp != nil || cfg.rpID != "" {
		rpID, origins := cfg.rpID, []string{}
		if rp != nil {
			origins = rp.Origins
			if rpID == "" {
				rpID = rp.RPID
			}
		}
		if len(origins) == 0 {
			origins = []string{cfg.appURL}
		}
		opts = append(opts, identity.WithWebAuthn(rpID, cfg.rpName, origins...))
	}
	var outbox *delivery.Outbox
	switch {
	case cfg.dev:
		outbox = delivery.NewOutbox()
		opts = append(opts, identity.WithMailer(outbox), identity.WithSMSSender(outbox))
	default:
		if cfg.smtp.Host != "" {
			m, err := delivery.NewSMTPMailer(cfg.smtp)
			if err != nil {
				return err
			}
			opts = append(opts, identity.WithMailer(m))
		} else {
			log.Warn("no SMTP server configured (-smtp-host); e-mails will not be sent")
		}
		if cfg.twilio.AccountSID != "" {
			s, err := delivery.NewTwilioSender(cfg.twilio)
			if err != nil {
				return err
			}
			opts = append(opts, identity.WithSMSSender(s))
		}
	}
	id, err := identity.New(st, opts...)
	if err != nil {
		return err
	}
	creds, created, err := id.EnsureEnvironment(ctx, getenv("YOLK_CLIENT_ID"), getenv("YOLK_SECRET"))
	if err != nil {
		return err
	}
	if created && getenv("YOLK_SECRET") == "" {
		// Printed once, on purpose: the store keeps only its hash.
		fmt.Fprintf(stdout, "Environment created. Save these credentials; the secret is not shown again.\n  YOLK_CLIENT_ID=%s\n  YOLK_SECRET=%s\n", creds.ClientID, creds.Secret)
	} else {
		fmt.Fprintf(stdout, "Environment client id: %s\n", creds.ClientID)
	}

	srv := &http.Server{Handler: newMux(id, outbox, log), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "yolk identity API on http://%s/identity (and /frontegg/identity), accounts API on /tenants\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	// Let password-reset messages queued by the last requests go out.
	if err := id.Drain(shutdownCtx); err != nil {
		log.Warn("background deliveries still running at exit", "error", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newMux mounts the identity and accounts APIs, the environment routes at
// the root, the health check and, in dev mode, the outbox.
func newMux(id *identity.Identity, outbox *delivery.Outbox, log *slog.Logger) http.Handler {
	api := httpmw.New(id, httpmw.WithLogger(log))
	accounts := httpmw.NewAccounts(id, httpmw.WithLogger(log))
	mux := http.NewServeMux()
	mux.Handle("/identity/", http.StripPrefix("/identity", api))
	mux.Handle("/frontegg/identity/", http.StripPrefix("/frontegg/identity", api))
	mux.Handle("/tenants/", http.StripPrefix("/tenants", accounts))
	mux.Handle("/frontegg/tenants/", http.StripPrefix("/frontegg/tenants", accounts))
	mux.Handle("/auth/vendor", api)
	mux.Handle("/.well-known/jwks.json", api)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := id.ClientID(r.Context()); err != nil {
			http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	if outbox != nil {
		mux.Handle("/dev/outbox", outbox)
	}
	// Everything else answers in the API's error format.
	mux.Handle("/", httpmw.NotFound)
	return mux
}
