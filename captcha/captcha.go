// Package captcha verifies CAPTCHA tokens that browsers obtain from a
// reCAPTCHA-compatible widget. Its verifiers satisfy
// identity.CaptchaVerifier: the identity layer asks one to check the
// recaptchaToken sent with a login, a sign-up or an account activation when
// the environment's captcha policy is enabled.
//
// HTTPVerifier asks a siteverify endpoint (Google reCAPTCHA's by default,
// or any service speaking the same protocol, such as hCaptcha or Cloudflare
// Turnstile); StaticVerifier accepts one fixed token and is meant for tests
// and local development.
package captcha

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultVerifyURL is Google reCAPTCHA's siteverify endpoint.
const DefaultVerifyURL = "https://www.google.com/recaptcha/api/siteverify"

// ErrRejected reports that the verification service (or the static
// verifier) refused the token: it is missing, malformed, expired, already
// used, or was issued for another site. Errors about reaching the service
// do not wrap it.
var ErrRejected = errors.New("captcha: token rejected")

// maxResponseBytes bounds how much of a siteverify answer is read.
const maxResponseBytes = 64 << 10

// HTTPOption configures an HTTPVerifier.
type HTTPOption func(*HTTPVerifier)

// WithVerifyURL sets the siteverify endpoint (default DefaultVerifyURL).
func WithVerifyURL(u string) HTTPOption {
	return func(v *HTTPVerifier) { v.url = u }
}

// WithHTTPClient sets the HTTP client (default: a client with a 10 s
// timeout).
func WithHTTPClient(c *http.Client) HTTPOption {
	return func(v *HTTPVerifier) { v.client = c }
}

// HTTPVerifier checks tokens with a reCAPTCHA-compatible siteverify
// endpoint: it POSTs the form fields secret, response and remoteip and reads
// the JSON answer's success and score. It is safe for concurrent use.
type HTTPVerifier struct {
	url    string
	client *http.Client
}

// NewHTTPVerifier returns a verifier for DefaultVerifyURL unless an option
// says otherwise.
func NewHTTPVerifier(opts ...HTTPOption) *HTTPVerifier {
	v := &HTTPVerifier{url: DefaultVerifyURL, client: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		o(v)
	}
	return v
}

// siteVerifyResponse is the siteverify answer.
type siteVerifyResponse struct {
	Success    bool     `json:"success"`
	Score      *float64 `json:"score"`
	ErrorCodes []string `json:"error-codes"`
}

// Verify asks the endpoint about token. It returns the score the service
// gave (1 when it gives none, as reCAPTCHA v2 and most other services do),
// an error wrapping ErrRejected when the service says the token is not
// valid, and any other error when the service could not be asked or
// answered something unreadable. secretKey is sent to the service and
// appears in no error.
func (v *HTTPVerifier) Verify(ctx context.Context, token, secretKey, remoteIP string) (float64, error) {
	if token == "" {
		return 0, fmt.Errorf("%w: empty token", ErrRejected)
	}
	form := url.Values{"secret": {secretKey}, "response": {token}}
	if remoteIP != "" {
		form.Set("remoteip", remoteIP)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.url, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("captcha: building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		// The *url.Error names the URL only, never the form body.
		return 0, fmt.Errorf("captcha: siteverify request failed: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return 0, fmt.Errorf("captcha: reading siteverify answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("captcha: siteverify answered HTTP %d", resp.StatusCode)
	}
	var r siteVerifyResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, fmt.Errorf("captcha: siteverify answer is not JSON: %w", err)
	}
	if !r.Success {
		if len(r.ErrorCodes) > 0 {
			return 0, fmt.Errorf("%w: %s", ErrRejected, strings.Join(r.ErrorCodes, ", "))
		}
		return 0, ErrRejected
	}
	if r.Score == nil {
		return 1, nil
	}
	return *r.Score, nil
}

// StaticVerifier accepts exactly one token and gives it a fixed score. Use
// it in tests and local development, never in production: anyone who knows
// the token passes.
type StaticVerifier struct {
	token string
	score float64
}

// NewStaticVerifier returns a verifier that accepts token with score.
func NewStaticVerifier(token string, score float64) *StaticVerifier {
	return &StaticVerifier{token: token, score: score}
}

// Verify accepts the configured token (compared in constant time) and
// rejects anything else with ErrRejected. secretKey and remoteIP are
// ignored.
func (v *StaticVerifier) Verify(_ context.Context, token, _, _ string) (float64, error) {
	if v.token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(v.token)) != 1 {
		return 0, ErrRejected
	}
	return v.score, nil
}
