package identity_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

// cheapArgon2 keeps password hashing fast in tests.
var cheapArgon2 = argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// testPassword satisfies the password rules.
const testPassword = "correct horse battery"

// fakeClock is a settable time source.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Now returns the current fake time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// testEnv is an Identity over a fresh memory store with a fake clock and an
// outbox mailer, and an environment already ensured.
type testEnv struct {
	id     *identity.Identity
	st     *memory.Store
	clock  *fakeClock
	outbox *delivery.Outbox
	creds  identity.Credentials
}

// cheapOptions are the options every test Identity uses, before extra ones.
func cheapOptions(clock *fakeClock, outbox *delivery.Outbox) []identity.Option {
	return []identity.Option{
		identity.WithArgon2Params(cheapArgon2),
		identity.WithSigningKeyBits(1024),
		identity.WithClock(clock.Now),
		identity.WithMailer(outbox),
		identity.WithLogger(slog.New(slog.DiscardHandler)),
	}
}

func newTestEnv(t testing.TB, extra ...identity.Option) *testEnv {
	t.Helper()
	e := &testEnv{st: memory.New(), clock: newFakeClock(), outbox: delivery.NewOutbox()}
	e.id = e.newIdentity(t, extra...)
	creds, _, err := e.id.EnsureEnvironment(context.Background(), "", "")
	if err != nil {
		t.Fatalf("EnsureEnvironment: %v", err)
	}
	e.creds = creds
	return e
}

// newIdentity returns another Identity over the same store, clock and outbox.
func (e *testEnv) newIdentity(t testing.TB, extra ...identity.Option) *identity.Identity {
	t.Helper()
	id, err := identity.New(e.st, append(cheapOptions(e.clock, e.outbox), extra...)...)
	if err != nil {
		t.Fatalf("identity.New: %v", err)
	}
	return id
}

func (e *testEnv) tenant(t testing.TB, name string) *identity.Tenant {
	t.Helper()
	tn, err := e.id.CreateTenant(context.Background(), identity.CreateTenantInput{Name: name})
	if err != nil {
		t.Fatalf("CreateTenant(%q): %v", name, err)
	}
	return tn
}

// user creates a verified user with testPassword in a new tenant.
func (e *testEnv) user(t testing.TB, email string) *identity.User {
	t.Helper()
	tn := e.tenant(t, "Tenant of "+email)
	u, err := e.id.CreateUser(context.Background(), identity.CreateUserInput{Email: email, Password: testPassword, TenantID: tn.ID, Name: "Test User"})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

func (e *testEnv) login(t testing.TB, email string) *identity.AuthResponse {
	t.Helper()
	res, err := e.id.Login(context.Background(), identity.LoginInput{Email: email, Password: testPassword}, identity.ClientInfo{UserAgent: "test", IP: "127.0.0.1"})
	if err != nil {
		t.Fatalf("Login(%q): %v", email, err)
	}
	return res
}

func (e *testEnv) setConfig(t testing.TB, in identity.VendorConfigUpdate) {
	t.Helper()
	if _, err := e.id.UpdateVendorConfig(context.Background(), in); err != nil {
		t.Fatalf("UpdateVendorConfig: %v", err)
	}
}

// principal verifies an access token.
func (e *testEnv) principal(t testing.TB, token string) *identity.Principal {
	t.Helper()
	p, err := e.id.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return p
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// activationLink returns userId and token of the newest activation e-mail
// sent to email.
func (e *testEnv) activationLink(t testing.TB, email string) (userID, token string) {
	t.Helper()
	msgs := e.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.To != email {
			continue
		}
		link := linkPattern.FindString(m.Body)
		if link == "" {
			t.Fatalf("activation e-mail without a link: %q", m.Body)
		}
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("activation link %q: %v", link, err)
		}
		return u.Query().Get("userId"), u.Query().Get("token")
	}
	t.Fatalf("no e-mail to %s in the outbox (%d messages)", email, len(msgs))
	return "", ""
}

func ptr[T any](v T) *T { return &v }

// wantErr fails unless err wraps kind; it returns the *identity.Error when
// there is one.
func wantErr(t testing.TB, err, kind error) *identity.Error {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want %v", err, kind)
	}
	var ie *identity.Error
	if errors.As(err, &ie) {
		return ie
	}
	return nil
}

// wantField fails unless err is an ErrInvalidInput naming field.
func wantField(t testing.TB, err error, field string) {
	t.Helper()
	ie := wantErr(t, err, identity.ErrInvalidInput)
	if ie == nil {
		t.Fatalf("error %v is not an *identity.Error", err)
	}
	if ie.Field != field {
		t.Fatalf("error field = %q, want %q (%v)", ie.Field, field, err)
	}
}

// wantCode fails unless err is an *identity.Error with code.
func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	var ie *identity.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *identity.Error", err)
	}
	if ie.Code != code {
		t.Fatalf("error code = %q, want %q (%v)", ie.Code, code, err)
	}
}
