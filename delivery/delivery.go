// Package delivery is how yolk's e-mails and SMS messages leave the process.
//
// The identity core depends only on the two small interfaces defined here,
// [Mailer] and [SMSSender]. This package ships three implementations:
//
//   - [SMTPMailer] sends e-mail through an SMTP submission server using only
//     the standard library. STARTTLS is the default and is required: when the
//     server does not offer it the send fails instead of falling back to
//     plain text.
//   - [TwilioSender] sends SMS through Twilio's REST API.
//   - [Outbox] sends nothing; it records every message in memory and serves
//     them as JSON, which is what a development server mounts at /dev/outbox.
//
// Errors: a message whose recipient is empty or malformed is refused before
// any network traffic with an error wrapping [ErrInvalidRecipient]. Every
// other failure to send wraps [ErrDelivery] together with its cause, so
// callers can use errors.Is for both the category and, for example,
// context.DeadlineExceeded. Errors never contain passwords or auth tokens.
//
// All implementations are safe for concurrent use.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// Email is one e-mail message to a single recipient.
type Email struct {
	// To is the recipient, an RFC 5322 address as accepted by
	// net/mail.ParseAddress ("ann@example.com" or "Ann <ann@example.com>").
	To string
	// Subject is the subject line; any UTF-8 text without CR or LF.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is an optional HTML body. When set, SMTP sends the message as
	// multipart/alternative with Text as the plain-text alternative (or as
	// text/html alone when Text is empty).
	HTML string
}

// SMS is one text message to a single phone number.
type SMS struct {
	// To is the recipient phone number in E.164 form, for example
	// "+14155550123".
	To string
	// Body is the message text.
	Body string
}

// Mailer sends e-mail.
type Mailer interface {
	// SendEmail delivers m or returns an error wrapping ErrInvalidRecipient
	// (m.To is empty or malformed; nothing was attempted) or ErrDelivery
	// (the attempt failed; the cause is wrapped too).
	SendEmail(ctx context.Context, m Email) error
}

// SMSSender sends SMS messages.
type SMSSender interface {
	// SendSMS delivers m or returns an error wrapping ErrInvalidRecipient
	// (m.To is not an E.164 number; nothing was attempted) or ErrDelivery
	// (the attempt failed; the cause is wrapped too).
	SendSMS(ctx context.Context, m SMS) error
}

// Sentinel errors; test with errors.Is.
var (
	// ErrDelivery is wrapped by every failure to send a message, together
	// with the underlying cause (network error, server refusal, cancelled
	// context, …).
	ErrDelivery = errors.New("delivery: message not delivered")
	// ErrInvalidRecipient reports an empty or malformed e-mail address or
	// phone number. It is returned before anything is sent and does not
	// wrap ErrDelivery.
	ErrInvalidRecipient = errors.New("delivery: invalid recipient")
)

// e164 matches an E.164 phone number: a plus sign, a non-zero country code
// digit and 7 to 15 digits in total.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// parseRecipientEmail validates an e-mail recipient and returns its parsed
// form. CR and LF are refused explicitly so that no header can be injected.
func parseRecipientEmail(s string) (*mail.Address, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty e-mail address", ErrInvalidRecipient)
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%w: e-mail address contains CR or LF", ErrInvalidRecipient)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRecipient, err)
	}
	return addr, nil
}

// validatePhone checks that s is an E.164 phone number.
func validatePhone(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty phone number", ErrInvalidRecipient)
	}
	if !e164.MatchString(s) {
		return fmt.Errorf("%w: phone number is not in E.164 form (+ followed by 7 to 15 digits)", ErrInvalidRecipient)
	}
	return nil
}

// deliveryError wraps cause in ErrDelivery with a short description of the
// step that failed. When ctx is done its error is wrapped as well, so callers
// can recognise cancellation and deadlines with errors.Is.
func deliveryError(ctx context.Context, step string, cause error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(cause, ctxErr) {
		return fmt.Errorf("%w: %s: %w (%w)", ErrDelivery, step, ctxErr, cause)
	}
	return fmt.Errorf("%w: %s: %w", ErrDelivery, step, cause)
}
