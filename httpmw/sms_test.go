package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

// twilioAPI is a Twilio-compatible Messages endpoint on loopback that
// records what it is sent.
type twilioAPI struct {
	mu   sync.Mutex
	sent []map[string]string
	srv  *httptest.Server
}

func newTwilioAPI(t *testing.T) *twilioAPI {
	a := &twilioAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "AC123" || pass != "twilio-secret" || !strings.HasSuffix(r.URL.Path, "/Accounts/AC123/Messages.json") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_ = r.ParseForm()
		a.mu.Lock()
		a.sent = append(a.sent, map[string]string{"To": r.PostForm.Get("To"), "From": r.PostForm.Get("From"), "Body": r.PostForm.Get("Body")})
		a.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"sid":"SM1"}`))
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *twilioAPI) last(t *testing.T) map[string]string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.sent) == 0 {
		t.Fatal("nothing was sent through the SMS provider")
	}
	return a.sent[len(a.sent)-1]
}

func TestSMSConfigRoutes(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	const path = "/resources/configurations/v1/sms"
	s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, path, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	api := newTwilioAPI(t)
	good := map[string]any{"provider": "twilio", "accountId": "AC123", "token": "twilio-secret", "senderName": "+15005550006", "baseUrl": api.srv.URL}
	for field, change := range map[string]map[string]any{
		"provider":   {"provider": "carrier-pigeon"},
		"accountId":  {"accountId": ""},
		"senderName": {"senderName": ""},
		"token":      {"token": ""},
		"channel":    {"channel": "whatsapp"},
		"baseUrl":    {"baseUrl": "http://203.0.113.7"},
	} {
		body := map[string]any{}
		for k, v := range good {
			body[k] = v
		}
		for k, v := range change {
			body[k] = v
		}
		msg, _ := s.do(t, http.MethodPost, path, body, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, field) {
			t.Errorf("refusal for %s does not name it: %s", field, msg)
		}
	}
	s.do(t, http.MethodPost, path, good, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, path, nil, bearer(token)).wantError(t, http.StatusForbidden)
	r := s.do(t, http.MethodPost, path, good, bearer(s.vendor)).want(t, http.StatusCreated)
	if strings.Contains(string(r.body), "twilio-secret") {
		t.Fatalf("the provider token is returned: %s", r.body)
	}
	cfg := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t)
	if cfg["accountId"] != "AC123" || cfg["senderName"] != "+15005550006" || cfg["hasToken"] != true || cfg["channel"] != "sms" {
		t.Fatalf("config: %v", cfg)
	}
	// An update may leave the token out.
	s.do(t, http.MethodPost, path, map[string]any{"accountId": "AC123", "senderName": "+15005550007", "baseUrl": api.srv.URL}, bearer(s.vendor)).want(t, http.StatusCreated)

	// SMS now goes through the provider, not the WithSMSSender outbox.
	s.strategy(t, identity.StrategySMS, true)
	before := len(s.outbox.Messages())
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": "+14155550100"}, bearer(token)).want(t, http.StatusOK)
	sms := api.last(t)
	if sms["To"] != "+14155550100" || sms["From"] != "+15005550007" || !codePattern.MatchString(sms["Body"]) {
		t.Fatalf("sent: %v", sms)
	}
	if len(s.outbox.Messages()) != before {
		t.Fatal("the SMS also went to the default sender")
	}
	s.do(t, http.MethodDelete, path, nil, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, path, nil, bearer(s.vendor)).want(t, http.StatusOK)
	s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": "+14155550100"}, bearer(token)).want(t, http.StatusOK)
	if len(s.outbox.Messages()) != before+1 {
		t.Fatal("without a provider the SMS does not go to the default sender")
	}
}

func TestSMSTemplateRoutes(t *testing.T) {
	s := newMFAServer(t, memory.New())
	token, _, _ := s.userToken(t, testUserEmail)
	const base = "/resources/configurations/v1/sms/templates"
	if r := s.do(t, http.MethodGet, base, nil, bearer(s.vendor)).want(t, http.StatusOK); strings.TrimSpace(string(r.body)) != "[]" {
		t.Fatalf("templates before any was set: %s", r.body)
	}
	defaults := s.do(t, http.MethodGet, base+"/default/all", nil, bearer(s.vendor)).want(t, http.StatusOK).array(t)
	if len(defaults) != 4 {
		t.Fatalf("default templates: %v", defaults)
	}
	d := s.do(t, http.MethodGet, base+"/MFA/default", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t)
	if d["isDefault"] != true || !strings.Contains(d["body"].(string), "{{code}}") {
		t.Fatalf("default MFA template: %v", d)
	}
	if g := s.do(t, http.MethodGet, base+"/MFA", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); g["isDefault"] != true {
		t.Fatalf("MFA template before one was set: %v", g)
	}
	for _, body := range []string{"", "Your code", "Code {{code}} for {{user}}", "Code {{code} now", "{{code}}" + strings.Repeat("x", 1600)} {
		msg, _ := s.do(t, http.MethodPost, base+"/MFA", map[string]string{"body": body}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "body") && !strings.Contains(msg, "placeholder") && !strings.Contains(msg, "{{code}}") {
			t.Errorf("refusal of %q does not say why: %s", body, msg)
		}
	}
	s.do(t, http.MethodPost, base+"/Unknown", map[string]string{"body": "{{code}}"}, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, base+"/Unknown", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodGet, base+"/Unknown/default", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, base+"/MFA", map[string]string{"body": "{{code}}"}, bearer(token)).wantError(t, http.StatusForbidden)
	set := s.do(t, http.MethodPost, base+"/MFA", map[string]string{"body": "Acme code: {{ code }} ({{minutes}} min)"}, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
	if set["isDefault"] != false || set["type"] != "MFA" {
		t.Fatalf("set template: %v", set)
	}
	if l := s.do(t, http.MethodGet, base, nil, bearer(s.vendor)).want(t, http.StatusOK).array(t); len(l) != 1 || l[0]["type"] != "MFA" {
		t.Fatalf("templates: %v", l)
	}
	// The MFA SMS uses it.
	s.strategy(t, identity.StrategySMS, true)
	s.do(t, http.MethodPost, "/resources/users/v1/mfa/sms/enroll", map[string]string{"phoneNumber": "+14155550100"}, bearer(token)).want(t, http.StatusOK)
	msgs := s.outbox.Messages()
	if body := msgs[len(msgs)-1].Body; !strings.HasPrefix(body, "Acme code: ") || !strings.HasSuffix(body, " (5 min)") || !codePattern.MatchString(body) {
		t.Fatalf("SMS body: %q", body)
	}
	s.do(t, http.MethodDelete, base+"/MFA", nil, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, base+"/MFA", nil, bearer(s.vendor)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, base+"/MFA", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
	if g := s.do(t, http.MethodGet, base+"/MFA", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); g["isDefault"] != true {
		t.Fatalf("MFA template after delete: %v", g)
	}
	s.do(t, http.MethodGet, base, nil, bearer(token)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodGet, base+"/default/all", nil).wantError(t, http.StatusUnauthorized)
}
