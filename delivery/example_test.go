package delivery_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/yolkauth/yolk/delivery"
)

// An Outbox records messages instead of sending them. A development server
// hands it to identity as both the Mailer and the SMS sender and mounts it
// at /dev/outbox to show what would have been sent.
func ExampleOutbox() {
	clock := func() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }
	outbox := delivery.NewOutbox(delivery.WithOutboxClock(clock), delivery.WithOutboxLimit(100))

	var mailer delivery.Mailer = outbox
	var sms delivery.SMSSender = outbox
	ctx := context.Background()
	if err := mailer.SendEmail(ctx, delivery.Email{To: "ann@example.com", Subject: "Your code", Text: "123456"}); err != nil {
		log.Fatal(err)
	}
	if err := sms.SendSMS(ctx, delivery.SMS{To: "+14155550123", Body: "Your code is 654321"}); err != nil {
		log.Fatal(err)
	}

	for _, m := range outbox.Messages() {
		fmt.Printf("%s to %s: %q\n", m.Channel, m.To, m.Body)
	}

	mux := http.NewServeMux()
	mux.Handle("/dev/outbox", outbox)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/outbox", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// email to ann@example.com: "123456"
	// sms to +14155550123: "Your code is 654321"
	// [{"channel":"email","to":"ann@example.com","subject":"Your code","body":"123456","createdAt":"2026-01-01T12:00:00Z"},{"channel":"sms","to":"+14155550123","subject":"","body":"Your code is 654321","createdAt":"2026-01-01T12:00:00Z"}]
}

// Configuring an SMTPMailer for a submission server on port 587 with
// STARTTLS (the default) and AUTH PLAIN. Nothing is sent here.
func ExampleNewSMTPMailer() {
	mailer, err := delivery.NewSMTPMailer(delivery.SMTPConfig{
		Host:     "smtp.example.com",
		Username: "apikey",
		Password: os.Getenv("SMTP_PASSWORD"),
		From:     "Acme <no-reply@acme.example>",
		Timeout:  10 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Hand mailer to identity as its delivery.Mailer; then, for example:
	//   err = mailer.SendEmail(ctx, delivery.Email{To: "ann@example.com", Subject: "Welcome", Text: "…", HTML: "…"})
	var _ delivery.Mailer = mailer
}

// Configuring a TwilioSender. Nothing is sent here.
func ExampleNewTwilioSender() {
	sender, err := delivery.NewTwilioSender(delivery.TwilioConfig{
		AccountSID: os.Getenv("TWILIO_ACCOUNT_SID"),
		AuthToken:  os.Getenv("TWILIO_AUTH_TOKEN"),
		From:       "+15005550006",
	})
	if err != nil {
		log.Fatal(err)
	}
	var _ delivery.SMSSender = sender
}
