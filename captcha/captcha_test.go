package captcha_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/captcha"
)

// siteverify is a fake siteverify endpoint: it records the form it got and
// answers with the body (and status) of the token's entry in answers.
type siteverify struct {
	mu      sync.Mutex
	got     []map[string]string
	answers map[string]string
	status  int
}

func (s *siteverify) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.got = append(s.got, map[string]string{"secret": r.PostForm.Get("secret"), "response": r.PostForm.Get("response"), "remoteip": r.PostForm.Get("remoteip")})
	s.mu.Unlock()
	if s.status != 0 {
		w.WriteHeader(s.status)
		return
	}
	body, ok := s.answers[r.PostForm.Get("response")]
	if !ok {
		body = `{"success": false, "error-codes": ["invalid-input-response"]}`
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}

func newSiteverify(t *testing.T) (*siteverify, *captcha.HTTPVerifier) {
	t.Helper()
	sv := &siteverify{answers: map[string]string{
		"good":     `{"success": true, "score": 0.9, "action": "login", "hostname": "example.com"}`,
		"low":      `{"success": true, "score": 0.1}`,
		"v2":       `{"success": true}`,
		"garbage":  `not json`,
		"timeout":  `{"success": false, "error-codes": ["timeout-or-duplicate"]}`,
		"no-codes": `{"success": false}`,
	}}
	srv := httptest.NewServer(sv)
	t.Cleanup(srv.Close)
	return sv, captcha.NewHTTPVerifier(captcha.WithVerifyURL(srv.URL), captcha.WithHTTPClient(srv.Client()))
}

func TestHTTPVerifierSuccess(t *testing.T) {
	sv, v := newSiteverify(t)
	score, err := v.Verify(context.Background(), "good", "s3cret", "203.0.113.7")
	if err != nil || score != 0.9 {
		t.Fatalf("Verify(good) = %v, %v; want 0.9", score, err)
	}
	want := map[string]string{"secret": "s3cret", "response": "good", "remoteip": "203.0.113.7"}
	if len(sv.got) != 1 || sv.got[0]["secret"] != want["secret"] || sv.got[0]["response"] != want["response"] || sv.got[0]["remoteip"] != want["remoteip"] {
		t.Fatalf("form sent = %v, want %v", sv.got, want)
	}
	// Without a score (reCAPTCHA v2, hCaptcha, Turnstile) the token is
	// fully trusted.
	if score, err := v.Verify(context.Background(), "v2", "s3cret", ""); err != nil || score != 1 {
		t.Fatalf("Verify(v2) = %v, %v; want 1", score, err)
	}
	if sv.got[1]["remoteip"] != "" {
		t.Fatalf("remoteip sent without an address: %v", sv.got[1])
	}
}

func TestHTTPVerifierLowScore(t *testing.T) {
	_, v := newSiteverify(t)
	// The verifier reports the score; the policy's minimum decides.
	score, err := v.Verify(context.Background(), "low", "s3cret", "")
	if err != nil || score != 0.1 {
		t.Fatalf("Verify(low) = %v, %v; want 0.1", score, err)
	}
}

func TestHTTPVerifierFailure(t *testing.T) {
	sv, v := newSiteverify(t)
	for _, tok := range []string{"forged", "timeout", "no-codes"} {
		_, err := v.Verify(context.Background(), tok, "s3cret", "")
		if !errors.Is(err, captcha.ErrRejected) {
			t.Errorf("Verify(%s) error = %v, want ErrRejected", tok, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %q reveals the secret", err)
		}
	}
	// An empty token is refused without asking the service.
	n := len(sv.got)
	if _, err := v.Verify(context.Background(), "", "s3cret", ""); !errors.Is(err, captcha.ErrRejected) {
		t.Errorf("Verify(\"\") error = %v, want ErrRejected", err)
	}
	if len(sv.got) != n {
		t.Error("an empty token was sent to the service")
	}
}

func TestHTTPVerifierServiceFaults(t *testing.T) {
	sv, v := newSiteverify(t)
	_, err := v.Verify(context.Background(), "garbage", "s3cret", "")
	if err == nil || errors.Is(err, captcha.ErrRejected) {
		t.Fatalf("unreadable answer: error = %v, want a service error", err)
	}
	sv.status = http.StatusServiceUnavailable
	_, err = v.Verify(context.Background(), "good", "s3cret", "")
	if err == nil || errors.Is(err, captcha.ErrRejected) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("HTTP 503: error = %v, want a service error naming the status", err)
	}
	unreachable := captcha.NewHTTPVerifier(captcha.WithVerifyURL("http://127.0.0.1:1/siteverify"))
	_, err = unreachable.Verify(context.Background(), "good", "s3cret", "")
	if err == nil || errors.Is(err, captcha.ErrRejected) || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("unreachable service: error = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sv.status = 0
	if _, err := v.Verify(ctx, "good", "s3cret", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: error = %v", err)
	}
}

func TestStaticVerifier(t *testing.T) {
	v := captcha.NewStaticVerifier("pass", 0.7)
	if score, err := v.Verify(context.Background(), "pass", "any", "1.2.3.4"); err != nil || score != 0.7 {
		t.Fatalf("Verify(pass) = %v, %v", score, err)
	}
	for _, tok := range []string{"", "Pass", "pass ", "fail"} {
		if _, err := v.Verify(context.Background(), tok, "any", ""); !errors.Is(err, captcha.ErrRejected) {
			t.Errorf("Verify(%q) error = %v, want ErrRejected", tok, err)
		}
	}
	if _, err := captcha.NewStaticVerifier("", 1).Verify(context.Background(), "", "", ""); !errors.Is(err, captcha.ErrRejected) {
		t.Errorf("a verifier without a token accepted the empty token: %v", err)
	}
}
