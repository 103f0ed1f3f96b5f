package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Outbox must satisfy both interfaces.
var (
	_ Mailer       = (*Outbox)(nil)
	_ SMSSender    = (*Outbox)(nil)
	_ Mailer       = (*SMTPMailer)(nil)
	_ SMSSender    = (*TwilioSender)(nil)
	_ http.Handler = (*Outbox)(nil)
)

// stepClock returns t0, t0+1s, t0+2s, …
func stepClock(t0 time.Time) func() time.Time {
	var mu sync.Mutex
	n := 0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		n++
		return t0.Add(time.Duration(n-1) * time.Second)
	}
}

func TestOutboxRecords(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	o := NewOutbox(WithOutboxClock(stepClock(t0)))
	ctx := context.Background()
	if err := o.SendEmail(ctx, Email{To: "ann@example.com", Subject: "Welcome", Text: "code 1", HTML: "<b>code 1</b>"}); err != nil {
		t.Fatal(err)
	}
	if err := o.SendSMS(ctx, SMS{To: "+14155550123", Body: "code 2"}); err != nil {
		t.Fatal(err)
	}
	if err := o.SendEmail(ctx, Email{To: "bob@example.com", Subject: "HTML only", HTML: "<b>code 3</b>"}); err != nil {
		t.Fatal(err)
	}
	got := o.Messages()
	want := []OutboxMessage{
		{Channel: "email", To: "ann@example.com", Subject: "Welcome", Body: "code 1", CreatedAt: t0.UTC()},
		{Channel: "sms", To: "+14155550123", Body: "code 2", CreatedAt: t0.Add(time.Second).UTC()},
		{Channel: "email", To: "bob@example.com", Subject: "HTML only", Body: "<b>code 3</b>", CreatedAt: t0.Add(2 * time.Second).UTC()},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("message %d = %+v, want %+v", i, got[i], want[i])
		}
		if got[i].CreatedAt.Location() != time.UTC {
			t.Errorf("message %d CreatedAt not UTC", i)
		}
	}

	// Messages returns a copy.
	got[0].Body = "tampered"
	if o.Messages()[0].Body != "code 1" {
		t.Error("Messages shares its slice with the Outbox")
	}
}

func TestOutboxEmpty(t *testing.T) {
	o := NewOutbox()
	if m := o.Messages(); m == nil || len(m) != 0 {
		t.Errorf("Messages() = %#v, want an empty non-nil slice", m)
	}
}

func TestOutboxLimitDropsOldest(t *testing.T) {
	o := NewOutbox(WithOutboxLimit(3))
	for i := range 5 {
		if err := o.SendSMS(context.Background(), SMS{To: "+14155550123", Body: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	var bodies []string
	for _, m := range o.Messages() {
		bodies = append(bodies, m.Body)
	}
	if got := strings.Join(bodies, ","); got != "2,3,4" {
		t.Errorf("bodies = %s, want 2,3,4", got)
	}

	o = NewOutbox(WithOutboxLimit(1))
	_ = o.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "a"})
	_ = o.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "b"})
	if m := o.Messages(); len(m) != 1 || m[0].Body != "b" {
		t.Errorf("limit 1: %+v", m)
	}
}

func TestOutboxDefaultLimit(t *testing.T) {
	for _, o := range []*Outbox{NewOutbox(), NewOutbox(WithOutboxLimit(0)), NewOutbox(WithOutboxLimit(-5), WithOutboxClock(nil))} {
		for i := range defaultOutboxLimit + 10 {
			if err := o.SendSMS(context.Background(), SMS{To: "+14155550123", Body: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		m := o.Messages()
		if len(m) != 1000 || m[0].Body != "10" || m[len(m)-1].Body != "1009" {
			t.Fatalf("len %d first %q last %q", len(m), m[0].Body, m[len(m)-1].Body)
		}
	}
}

func TestOutboxRejects(t *testing.T) {
	o := NewOutbox()
	ctx := context.Background()
	if err := o.SendEmail(ctx, Email{To: "ann@example.com\r\nBcc: eve@evil.test"}); !errors.Is(err, ErrInvalidRecipient) {
		t.Errorf("CRLF e-mail: %v", err)
	}
	if err := o.SendEmail(ctx, Email{To: ""}); !errors.Is(err, ErrInvalidRecipient) {
		t.Errorf("empty e-mail: %v", err)
	}
	if err := o.SendSMS(ctx, SMS{To: "0123"}); !errors.Is(err, ErrInvalidRecipient) {
		t.Errorf("bad phone: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := o.SendSMS(cancelled, SMS{To: "+14155550123"}); !errors.Is(err, ErrDelivery) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled SMS: %v", err)
	}
	if err := o.SendEmail(cancelled, Email{To: "ann@example.com"}); !errors.Is(err, ErrDelivery) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled e-mail: %v", err)
	}
	if n := len(o.Messages()); n != 0 {
		t.Errorf("%d messages recorded from refused sends", n)
	}
}

func TestOutboxConcurrent(t *testing.T) {
	o := NewOutbox()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				err = o.SendEmail(context.Background(), Email{To: fmt.Sprintf("u%d@example.com", i), Subject: "s", Text: "t"})
			} else {
				err = o.SendSMS(context.Background(), SMS{To: fmt.Sprintf("+1415555%04d", i), Body: "b"})
			}
			if err != nil {
				t.Error(err)
			}
			_ = o.Messages()
		}()
	}
	wg.Wait()
	msgs := o.Messages()
	if len(msgs) != 50 {
		t.Fatalf("got %d messages, want 50", len(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.To] = true
	}
	if len(seen) != 50 {
		t.Errorf("got %d distinct recipients, want 50", len(seen))
	}
}

func TestOutboxServeHTTP(t *testing.T) {
	t0 := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	o := NewOutbox(WithOutboxClock(func() time.Time { return t0 }))

	// Empty outbox: a JSON empty array, not null.
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/outbox", nil))
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Errorf("empty: %d %q", rec.Code, rec.Body.String())
	}

	_ = o.SendEmail(context.Background(), Email{To: "ann@example.com", Subject: "Reset", Text: "link"})
	_ = o.SendSMS(context.Background(), SMS{To: "+14155550123", Body: "123456"})
	rec = httptest.NewRecorder()
	o.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/outbox", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
	var raw []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 2 {
		t.Fatalf("got %d messages", len(raw))
	}
	wantFirst := map[string]any{"channel": "email", "to": "ann@example.com", "subject": "Reset", "body": "link", "createdAt": "2026-05-06T07:08:09Z"}
	for k, v := range wantFirst {
		if raw[0][k] != v {
			t.Errorf("first[%q] = %v, want %v", k, raw[0][k], v)
		}
	}
	if len(raw[0]) != len(wantFirst) {
		t.Errorf("first has fields %v", raw[0])
	}
	if raw[1]["channel"] != "sms" || raw[1]["body"] != "123456" {
		t.Errorf("second = %v", raw[1])
	}

	for _, method := range []string{http.MethodPost, http.MethodDelete, http.MethodPut} {
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, httptest.NewRequest(method, "/dev/outbox", nil))
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d", method, rec.Code)
		}
		if got := strings.TrimSpace(rec.Body.String()); got != `{"errors":["method not allowed"],"errorCode":"ER-405"}` {
			t.Errorf("%s: body %s", method, got)
		}
		if allow := rec.Header().Get("Allow"); allow != "GET, HEAD" {
			t.Errorf("%s: Allow %q", method, allow)
		}
	}
	if n := len(o.Messages()); n != 2 {
		t.Errorf("other methods changed the outbox: %d messages", n)
	}
}
