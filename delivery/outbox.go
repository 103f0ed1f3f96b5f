package delivery

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// defaultOutboxLimit is how many messages an Outbox keeps by default.
const defaultOutboxLimit = 1000

// Channels recorded in OutboxMessage.Channel.
const (
	channelEmail = "email"
	channelSMS   = "sms"
)

// OutboxMessage is one message recorded by an Outbox.
type OutboxMessage struct {
	// Channel is "email" or "sms".
	Channel string `json:"channel"`
	// To is the recipient address or phone number.
	To string `json:"to"`
	// Subject is the e-mail subject; empty for SMS.
	Subject string `json:"subject"`
	// Body is the e-mail's plain text (its HTML when it has no plain text)
	// or the SMS body.
	Body string `json:"body"`
	// CreatedAt is when the message was recorded, in UTC.
	CreatedAt time.Time `json:"createdAt"`
}

// Outbox records every message instead of sending it. It implements both
// Mailer and SMSSender, and as an http.Handler it serves the recorded
// messages as JSON, for a development server's /dev/outbox. It keeps the
// most recent messages up to a limit, dropping the oldest. It is safe for
// concurrent use.
//
// Recipients are validated exactly as the real senders do, so a flow that
// works against an Outbox does not fail later on a malformed address.
type Outbox struct {
	mu       sync.Mutex
	messages []OutboxMessage
	limit    int
	now      func() time.Time
}

// OutboxOption configures an Outbox.
type OutboxOption func(*Outbox)

// WithOutboxClock sets the clock used for OutboxMessage.CreatedAt (default
// time.Now). A nil clock is ignored.
func WithOutboxClock(now func() time.Time) OutboxOption {
	return func(o *Outbox) {
		if now != nil {
			o.now = now
		}
	}
}

// WithOutboxLimit sets how many messages the Outbox keeps (default 1000);
// when full, the oldest message is dropped. Values below 1 are ignored.
func WithOutboxLimit(n int) OutboxOption {
	return func(o *Outbox) {
		if n > 0 {
			o.limit = n
		}
	}
}

// NewOutbox returns an empty Outbox.
func NewOutbox(opts ...OutboxOption) *Outbox {
	o := &Outbox{limit: defaultOutboxLimit, now: time.Now}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// SendEmail records m. It fails with ErrInvalidRecipient for a malformed
// address and with ErrDelivery when ctx is already done.
func (o *Outbox) SendEmail(ctx context.Context, m Email) error {
	if _, err := parseRecipientEmail(m.To); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return deliveryError(ctx, "outbox", err)
	}
	body := m.Text
	if body == "" {
		body = m.HTML
	}
	o.record(OutboxMessage{Channel: channelEmail, To: m.To, Subject: m.Subject, Body: body})
	return nil
}

// SendSMS records m. It fails with ErrInvalidRecipient for a number not in
// E.164 form and with ErrDelivery when ctx is already done.
func (o *Outbox) SendSMS(ctx context.Context, m SMS) error {
	if err := validatePhone(m.To); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return deliveryError(ctx, "outbox", err)
	}
	o.record(OutboxMessage{Channel: channelSMS, To: m.To, Body: m.Body})
	return nil
}

// record stamps msg and appends it, dropping the oldest message when full.
func (o *Outbox) record(msg OutboxMessage) {
	o.mu.Lock()
	defer o.mu.Unlock()
	msg.CreatedAt = o.now().UTC()
	if len(o.messages) >= o.limit {
		n := copy(o.messages, o.messages[len(o.messages)-o.limit+1:])
		clear(o.messages[n:])
		o.messages = o.messages[:n]
	}
	o.messages = append(o.messages, msg)
}

// Messages returns a copy of the recorded messages, oldest first and newest
// last. It never returns nil.
func (o *Outbox) Messages() []OutboxMessage {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]OutboxMessage, len(o.messages))
	copy(out, o.messages)
	return out
}

// ServeHTTP answers GET (and HEAD) with the JSON array of Messages. Any other
// method gets 405 with the JSON error
// {"errors":["method not allowed"],"errorCode":"ER-405"}.
func (o *Outbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// The outbox holds one-time codes and links; keep it out of caches.
	h.Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_ = json.NewEncoder(w).Encode(struct {
			Errors    []string `json:"errors"`
			ErrorCode string   `json:"errorCode"`
		}{[]string{"method not allowed"}, "ER-405"})
		return
	}
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(o.Messages())
}
