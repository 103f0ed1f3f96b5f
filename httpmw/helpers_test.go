package httpmw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

// Credentials of the test environment; the client id has dashes so that
// the cookie name shows they are dropped.
const (
	testClientID     = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	testSecret       = "test-environment-secret"
	testCookieName   = "fe_refresh_0a1b2c3d4e5f6789abcdef0123456789"
	testPassword     = "correct horse battery"
	testUserEmail    = "ann@example.com"
	testTenantName   = "Acme"
	staleBearerToken = "Bearer eyJhbGciOiJSUzI1NiJ9.stale.token"
)

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

// testServer is the handler over an Identity with a memory store, a fake
// clock, an outbox mailer and an environment with known credentials.
type testServer struct {
	id     *identity.Identity
	st     *memory.Store
	clock  *fakeClock
	outbox *delivery.Outbox
	h      http.Handler
}

// newTestIdentity returns a fast Identity with an ensured environment.
func newTestIdentity(t testing.TB) *identity.Identity {
	t.Helper()
	return newTestServer(t).id
}

func newTestServer(t testing.TB, opts ...httpmw.Option) *testServer {
	t.Helper()
	s := &testServer{st: memory.New(), clock: newFakeClock(), outbox: delivery.NewOutbox()}
	id, err := identity.New(s.st,
		identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		identity.WithSigningKeyBits(1024),
		identity.WithClock(s.clock.Now),
		identity.WithMailer(s.outbox),
		identity.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(context.Background(), testClientID, testSecret); err != nil {
		t.Fatal(err)
	}
	s.id = id
	s.h = httpmw.New(id, opts...)
	return s
}

// reqOpt adjusts a request.
type reqOpt func(*http.Request)

func bearer(token string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func accessToken(token string) reqOpt {
	return func(r *http.Request) { r.Header.Set("x-access-token", token) }
}

func header(k, v string) reqOpt {
	return func(r *http.Request) { r.Header.Set(k, v) }
}

func cookie(c *http.Cookie) reqOpt {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value}) }
}

// response is a recorded answer.
type response struct {
	code   int
	header http.Header
	body   []byte
	resp   *http.Response
}

// do serves one request. body is sent as is when it is a string or []byte,
// JSON-encoded otherwise, and omitted when nil.
func (s *testServer) do(t testing.TB, method, path string, body any, opts ...reqOpt) *response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	for _, o := range opts {
		o(req)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	res := w.Result()
	return &response{code: w.Code, header: w.Header(), body: w.Body.Bytes(), resp: res}
}

// want fails unless the status is code.
func (r *response) want(t testing.TB, code int) *response {
	t.Helper()
	if r.code != code {
		t.Fatalf("status = %d, want %d; body %s", r.code, code, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want JSON", ct)
	}
	return r
}

// object decodes the body as a JSON object.
func (r *response) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %s is not a JSON object: %v", r.body, err)
	}
	return m
}

// array decodes the body as a JSON array of objects.
func (r *response) array(t testing.TB) []map[string]any {
	t.Helper()
	var a []map[string]any
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("body %s is not a JSON array: %v", r.body, err)
	}
	return a
}

// wantError fails unless the answer is the API error format with status
// and returns its message and code.
func (r *response) wantError(t testing.TB, status int) (msg, code string) {
	t.Helper()
	r.want(t, status)
	var e struct {
		Errors    []string `json:"errors"`
		ErrorCode string   `json:"errorCode"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if len(e.Errors) == 0 || e.Errors[0] == "" || !strings.HasPrefix(e.ErrorCode, "ER-") {
		t.Fatalf("error body %s lacks errors/errorCode", r.body)
	}
	return strings.Join(e.Errors, ", "), e.ErrorCode
}

// cookie returns the Set-Cookie named name.
func (r *response) cookie(t testing.TB, name string) *http.Cookie {
	t.Helper()
	for _, c := range r.resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, r.header.Values("Set-Cookie"))
	return nil
}

func (r *response) hasCookie(name string) bool {
	for _, c := range r.resp.Cookies() {
		if c.Name == name {
			return true
		}
	}
	return false
}

// wantKeys fails unless m has every key.
func wantKeys(t testing.TB, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q: %v", what, k, m)
		}
	}
}

// wantString fails unless m[key] is a non-empty string, and returns it.
func wantString(t testing.TB, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok || s == "" {
		t.Fatalf("%q = %#v, want a non-empty string", key, m[key])
	}
	return s
}

// vendorToken authenticates the environment over HTTP.
func (s *testServer) vendorToken(t testing.TB) string {
	t.Helper()
	m := s.do(t, http.MethodPost, "/auth/vendor", map[string]string{"clientId": testClientID, "secret": testSecret}).want(t, http.StatusOK).object(t)
	return wantString(t, m, "token")
}

// createUser creates a verified user with testPassword in a new tenant and
// returns its id and tenant id.
func (s *testServer) createUser(t testing.TB, email string) (userID, tenantID string) {
	t.Helper()
	ctx := context.Background()
	tn, err := s.id.CreateTenant(ctx, identity.CreateTenantInput{Name: testTenantName})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.id.CreateUser(ctx, identity.CreateUserInput{Email: email, Name: "Ann", Password: testPassword, TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID, tn.ID
}

// login logs email in over HTTP and returns the JSON answer and the
// response.
func (s *testServer) login(t testing.TB, email string, opts ...reqOpt) (map[string]any, *response) {
	t.Helper()
	r := s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": email, "password": testPassword}, opts...)
	return r.want(t, http.StatusOK).object(t), r
}

// userToken creates a user and returns an access token for it.
func (s *testServer) userToken(t testing.TB, email string) (token, userID, tenantID string) {
	t.Helper()
	userID, tenantID = s.createUser(t, email)
	m, _ := s.login(t, email)
	return wantString(t, m, "accessToken"), userID, tenantID
}

func (s *testServer) setConfig(t testing.TB, in identity.VendorConfigUpdate) {
	t.Helper()
	if _, err := s.id.UpdateVendorConfig(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func (s *testServer) tenantCount(t testing.TB) int {
	t.Helper()
	ts, err := s.st.ListTenants(context.Background(), s.id.EnvironmentID())
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

func ptr[T any](v T) *T { return &v }
