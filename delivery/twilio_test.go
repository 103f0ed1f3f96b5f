package delivery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "tok-9f8e7d6c5b4a-secret"
)

// fakeTwilio records requests and answers with a fixed status and body.
type fakeTwilio struct {
	mu       sync.Mutex
	requests []recordedRequest
	status   int
	body     string
}

type recordedRequest struct {
	method, path, contentType string
	user, pass                string
	hasAuth                   bool
	to, from, body            string
}

func newFakeTwilio(t *testing.T, status int, body string) (*fakeTwilio, *httptest.Server) {
	t.Helper()
	f := &fakeTwilio{status: status, body: body}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recordedRequest{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type")}
		rec.user, rec.pass, rec.hasAuth = r.BasicAuth()
		if err := r.ParseForm(); err == nil {
			rec.to, rec.from, rec.body = r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("Body")
		}
		f.mu.Lock()
		f.requests = append(f.requests, rec)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, f.body)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeTwilio) recorded() []recordedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedRequest(nil), f.requests...)
}

func newTestTwilio(t *testing.T, baseURL string) *TwilioSender {
	t.Helper()
	s, err := NewTwilioSender(TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006", BaseURL: baseURL})
	if err != nil {
		t.Fatalf("NewTwilioSender: %v", err)
	}
	return s
}

func TestTwilioSendSMS(t *testing.T) {
	f, srv := newFakeTwilio(t, http.StatusCreated, `{"sid":"SM123","status":"queued"}`)
	s := newTestTwilio(t, srv.URL+"/")
	body := "Your code is 123456 & ünïcode ✓"
	if err := s.SendSMS(context.Background(), SMS{To: "+14155550123", Body: body}); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	reqs := f.recorded()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost {
		t.Errorf("method = %s", r.method)
	}
	if want := "/2010-04-01/Accounts/" + testSID + "/Messages.json"; r.path != want {
		t.Errorf("path = %q, want %q", r.path, want)
	}
	if r.contentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", r.contentType)
	}
	if !r.hasAuth || r.user != testSID || r.pass != testToken {
		t.Errorf("basic auth = %v %q %q", r.hasAuth, r.user, r.pass)
	}
	if r.to != "+14155550123" || r.from != "+15005550006" || r.body != body {
		t.Errorf("form = To %q From %q Body %q", r.to, r.from, r.body)
	}
}

func TestTwilioErrorResponse(t *testing.T) {
	_, srv := newFakeTwilio(t, http.StatusBadRequest,
		`{"code":21211,"message":"The 'To' number +14155550123 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}`)
	s := newTestTwilio(t, srv.URL)
	err := s.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	for _, want := range []string{"400", "21211", "is not a valid phone number"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %q, want it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the auth token: %v", err)
	}
}

func TestTwilioErrorNeverLeaksToken(t *testing.T) {
	_, srv := newFakeTwilio(t, http.StatusUnauthorized, `{"code":20003,"message":"Authenticate with `+testToken+`"}`)
	s := newTestTwilio(t, srv.URL)
	err := s.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the auth token: %v", err)
	}
	if !strings.Contains(err.Error(), "20003") {
		t.Errorf("err = %v, want the Twilio code", err)
	}
}

func TestTwilioNonJSONError(t *testing.T) {
	_, srv := newFakeTwilio(t, http.StatusBadGateway, `<html>bad gateway</html>`)
	s := newTestTwilio(t, srv.URL)
	err := s.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "hi"})
	if !errors.Is(err, ErrDelivery) || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v, want ErrDelivery with HTTP 502", err)
	}
}

func TestTwilioRedirectNotFollowed(t *testing.T) {
	var hits sync.Map
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store("target", true)
		w.WriteHeader(http.StatusCreated)
	}))
	defer target.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	s := newTestTwilio(t, redirector.URL)
	err := s.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "hi"})
	if !errors.Is(err, ErrDelivery) || !strings.Contains(err.Error(), "307") {
		t.Fatalf("err = %v, want ErrDelivery with HTTP 307", err)
	}
	if _, ok := hits.Load("target"); ok {
		t.Error("the default client followed a redirect with the credentials")
	}
}

func TestTwilioTransportError(t *testing.T) {
	_, srv := newFakeTwilio(t, http.StatusCreated, `{}`)
	s := newTestTwilio(t, srv.URL)
	srv.Close()
	err := s.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "hi"})
	if !errors.Is(err, ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the auth token: %v", err)
	}
}

func TestTwilioContextCancelled(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	s := newTestTwilio(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := s.SendSMS(ctx, SMS{To: "+14155550123", Body: "hi"})
	if !errors.Is(err, ErrDelivery) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrDelivery and context.DeadlineExceeded", err)
	}
}

func TestTwilioInvalidRecipient(t *testing.T) {
	f, srv := newFakeTwilio(t, http.StatusCreated, `{}`)
	s := newTestTwilio(t, srv.URL)
	for _, to := range []string{"", "4155550123", "+04155550123", "+1415", "+1415555012345678", "+1 415 555 0123", "+14155550123\r\n", "tel:+14155550123"} {
		err := s.SendSMS(context.Background(), SMS{To: to, Body: "hi"})
		if !errors.Is(err, ErrInvalidRecipient) {
			t.Errorf("To %q: err = %v, want ErrInvalidRecipient", to, err)
		}
		if errors.Is(err, ErrDelivery) {
			t.Errorf("To %q: invalid recipient also matches ErrDelivery", to)
		}
	}
	if n := len(f.recorded()); n != 0 {
		t.Errorf("%d requests sent for invalid recipients", n)
	}
}

func TestNewTwilioSenderConfig(t *testing.T) {
	valid := TwilioConfig{AccountSID: testSID, AuthToken: testToken, From: "+15005550006"}
	for _, tc := range []struct {
		name   string
		mutate func(*TwilioConfig)
	}{
		{"no sid", func(c *TwilioConfig) { c.AccountSID = "" }},
		{"sid with path", func(c *TwilioConfig) { c.AccountSID = "AC1/../x" }},
		{"no token", func(c *TwilioConfig) { c.AuthToken = "" }},
		{"no from", func(c *TwilioConfig) { c.From = " " }},
		{"http remote", func(c *TwilioConfig) { c.BaseURL = "http://api.twilio.com" }},
		{"ftp", func(c *TwilioConfig) { c.BaseURL = "ftp://127.0.0.1" }},
		{"relative", func(c *TwilioConfig) { c.BaseURL = "/api" }},
		{"userinfo", func(c *TwilioConfig) { c.BaseURL = "https://u:p@api.twilio.com" }},
		{"query", func(c *TwilioConfig) { c.BaseURL = "https://api.twilio.com?x=1" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.mutate(&cfg)
			if _, err := NewTwilioSender(cfg); err == nil {
				t.Fatal("accepted an invalid config")
			}
		})
	}

	s, err := NewTwilioSender(valid)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://api.twilio.com/2010-04-01/Accounts/" + testSID + "/Messages.json"; s.endpoint != want {
		t.Errorf("endpoint = %q, want %q", s.endpoint, want)
	}
	if s.client == nil || s.client.Timeout == 0 || s.client.CheckRedirect == nil {
		t.Errorf("default client = %+v, want a timeout and no redirects", s.client)
	}
	for _, base := range []string{"http://localhost:8080", "http://127.0.0.1:1234/prefix", "http://[::1]:99"} {
		cfg := valid
		cfg.BaseURL = base
		if _, err := NewTwilioSender(cfg); err != nil {
			t.Errorf("BaseURL %q: %v", base, err)
		}
	}
	custom := &http.Client{}
	cfg := valid
	cfg.HTTPClient = custom
	if s, err := NewTwilioSender(cfg); err != nil || s.client != custom {
		t.Errorf("custom HTTPClient not used: %v", err)
	}
}
