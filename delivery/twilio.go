package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// defaultTwilioBaseURL is Twilio's REST API endpoint.
const defaultTwilioBaseURL = "https://api.twilio.com"

// maxTwilioResponse bounds how much of a Twilio response body is read.
const maxTwilioResponse = 64 << 10

// TwilioConfig configures a TwilioSender.
type TwilioConfig struct {
	// AccountSID is the Twilio account SID ("AC…"); required, letters and
	// digits only.
	AccountSID string
	// AuthToken is the account's auth token; required. It is sent only in
	// the Authorization header and never appears in errors.
	AuthToken string
	// From is the sending number (E.164) or alphanumeric sender id;
	// required.
	From string
	// BaseURL is the API root; default https://api.twilio.com. Plain http is
	// accepted only for a loopback host (a test server), so the auth token
	// never crosses the network in clear.
	BaseURL string
	// HTTPClient sends the requests. Nil means a client with a 30 second
	// timeout that does not follow redirects.
	HTTPClient *http.Client
}

// TwilioSender sends SMS through Twilio's Messages API. It is safe for
// concurrent use.
type TwilioSender struct {
	endpoint  string
	sid       string
	authToken string
	from      string
	client    *http.Client
}

// NewTwilioSender validates cfg, fills in defaults and returns a sender.
func NewTwilioSender(cfg TwilioConfig) (*TwilioSender, error) {
	if cfg.AccountSID == "" {
		return nil, errors.New("delivery: TwilioConfig.AccountSID is required")
	}
	for _, r := range cfg.AccountSID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return nil, errors.New("delivery: TwilioConfig.AccountSID must contain only letters and digits")
		}
	}
	if cfg.AuthToken == "" {
		return nil, errors.New("delivery: TwilioConfig.AuthToken is required")
	}
	if strings.TrimSpace(cfg.From) == "" {
		return nil, errors.New("delivery: TwilioConfig.From is required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = defaultTwilioBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, errors.New("delivery: TwilioConfig.BaseURL is not a valid URL")
	}
	if u.User != nil {
		return nil, errors.New("delivery: TwilioConfig.BaseURL must not contain credentials")
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("delivery: TwilioConfig.BaseURL must be an absolute URL without query or fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, errors.New("delivery: TwilioConfig.BaseURL must use https (http is allowed only for a loopback host)")
		}
	default:
		return nil, errors.New("delivery: TwilioConfig.BaseURL must use https")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{
			Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	return &TwilioSender{
		endpoint:  strings.TrimSuffix(u.String(), "/") + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json",
		sid:       cfg.AccountSID,
		authToken: cfg.AuthToken,
		from:      cfg.From,
		client:    client,
	}, nil
}

// twilioError is the JSON error body Twilio returns on failure.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// SendSMS posts m to Twilio. m.To must be an E.164 number
// (ErrInvalidRecipient otherwise). A non-2xx answer yields an ErrDelivery
// error carrying the HTTP status and Twilio's error code and message.
func (t *TwilioSender) SendSMS(ctx context.Context, m SMS) error {
	if err := validatePhone(m.To); err != nil {
		return err
	}
	form := url.Values{"To": {m.To}, "From": {t.from}, "Body": {m.Body}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return deliveryError(ctx, "twilio request", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(t.sid, t.authToken)

	resp, err := t.client.Do(req)
	if err != nil {
		return deliveryError(ctx, "twilio request", t.redactErr(err))
	}
	defer func() { _ = resp.Body.Close() }()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxTwilioResponse))

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	status := "HTTP " + strconv.Itoa(resp.StatusCode)
	var te twilioError
	if readErr == nil && json.Unmarshal(body, &te) == nil && (te.Message != "" || te.Code != 0) {
		msg := t.redact(te.Message)
		if te.Code != 0 {
			msg += " (code " + strconv.Itoa(te.Code) + ")"
		}
		return fmt.Errorf("%w: twilio: %s: %s", ErrDelivery, status, msg)
	}
	return fmt.Errorf("%w: twilio: %s", ErrDelivery, status)
}

// redact removes the auth token from s, in case a server or proxy echoes it.
func (t *TwilioSender) redact(s string) string {
	return strings.ReplaceAll(s, t.authToken, "[redacted]")
}

// redactErr returns err unchanged unless its text contains the auth token,
// in which case the text is redacted (the chain is then reduced to the
// context error, if any, which deliveryError adds back).
func (t *TwilioSender) redactErr(err error) error {
	if !strings.Contains(err.Error(), t.authToken) {
		return err
	}
	return errors.New(t.redact(err.Error()))
}

// isLoopbackHost reports whether host is "localhost" or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
