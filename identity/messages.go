package identity

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
)

// This file holds the default templates of every e-mail the identity
// service sends, and the paths of the login pages their links open (the
// paths the official login box serves, below WithAppURL). Each template
// returns a complete delivery.Email: a subject and a plain-text body with
// the link and, where the flow accepts one, the short code.

// Login-page paths that e-mailed links point to.
const (
	pathActivate      = "/account/activate"
	pathInvitation    = "/account/invitation"
	pathResetPassword = "/account/reset-password"
	pathUnlock        = "/account/unlock"
)

// appLink returns the absolute URL of a login page with query parameters.
func (id *Identity) appLink(path string, q url.Values) string {
	return id.appURL + path + "?" + q.Encode()
}

// activationEmail asks a new user to activate the account with link, or
// with code when the flow asks for one.
func activationEmail(u *store.User, link, code string, ttl time.Duration) delivery.Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Welcome%s!\n\nActivate your account by opening this link:\n\n%s\n\n", greetingName(u), link)
	if code != "" {
		fmt.Fprintf(&b, "If you are asked for an activation code, enter: %s\n\n", code)
	}
	fmt.Fprintf(&b, "The link is valid for %s. If you did not sign up, ignore this message.\n", humanDuration(ttl))
	return delivery.Email{To: u.Email, Subject: "Activate your account", Text: b.String()}
}

// invitationEmail invites a user to join tenantName.
func invitationEmail(u *store.User, tenantName, link, code string, ttl time.Duration) delivery.Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello%s,\n\nYou have been invited to join %s. Accept the invitation by opening this link:\n\n%s\n\n",
		greetingName(u), tenantName, link)
	if code != "" {
		fmt.Fprintf(&b, "If you are asked for an invitation code, enter: %s\n\n", code)
	}
	fmt.Fprintf(&b, "The invitation is valid for %s. If you did not expect it, ignore this message.\n", humanDuration(ttl))
	return delivery.Email{To: u.Email, Subject: "You have been invited to join " + tenantName, Text: b.String()}
}

// unlockEmail lets a locked user unlock the account.
func unlockEmail(u *store.User, link string, ttl time.Duration) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nYour account was locked. If it was you, unlock it by opening this link:\n\n%s\n\n"+
		"The link is valid for %s. If you did not try to sign in, someone else may have: change your password after unlocking.\n",
		greetingName(u), link, humanDuration(ttl))
	return delivery.Email{To: u.Email, Subject: "Unlock your account", Text: text}
}

// passwordResetEmail carries the link that lets u choose a new password.
func passwordResetEmail(u *store.User, link string, ttl time.Duration) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nWe received a request to reset the password of your account. Choose a new password by opening this link:\n\n%s\n\n"+
		"The link is valid for %s and works once. If you did not ask for a reset, ignore this message: your password stays as it is.\n",
		greetingName(u), link, humanDuration(ttl))
	return delivery.Email{To: u.Email, Subject: "Reset your password", Text: text}
}

// sendActivation e-mails the activation link (and code) to u.
func (id *Identity) sendActivation(ctx context.Context, u *store.User, tok *issuedToken) {
	q := url.Values{"userId": {u.ID}, "token": {tok.secret}}
	link := id.appLink(pathActivate, q)
	id.sendEmail(ctx, id.customize(ctx, EmailTemplateActivateUser, activationEmail(u, link, tok.code, tok.ttl),
		mailVars{name: u.Name, email: u.Email, link: link, code: tok.code, ttl: tok.ttl, query: q}))
}

// sendInvitation e-mails the invitation link (and code) to join tenantName.
func (id *Identity) sendInvitation(ctx context.Context, u *store.User, tenantName string, tok *issuedToken) {
	link := id.invitationLink(u.ID, tok.secret)
	id.sendEmail(ctx, id.customize(ctx, EmailTemplateInviteToTenant, invitationEmail(u, tenantName, link, tok.code, tok.ttl),
		mailVars{name: u.Name, email: u.Email, link: link, code: tok.code, tenantName: tenantName, ttl: tok.ttl,
			query: url.Values{"userId": {u.ID}, "token": {tok.secret}}}))
}

func (id *Identity) invitationLink(userID, token string) string {
	return id.appLink(pathInvitation, url.Values{"userId": {userID}, "token": {token}})
}

func greetingName(u *store.User) string {
	if u.Name == "" {
		return ""
	}
	return " " + u.Name
}

// humanDuration renders a token lifetime for a message ("24 hours",
// "7 days", "30 minutes").
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	default:
		return plural(max(1, int64(d/time.Minute)), "minute")
	}
}

// sendEmail delivers m through the configured mailer; failures are logged
// (without the message body, which may hold a secret link).
func (id *Identity) sendEmail(ctx context.Context, m delivery.Email) {
	mailer, err := id.currentMailer(ctx)
	if err != nil {
		id.log.ErrorContext(ctx, "e-mail not sent", "subject", m.Subject, "error", err)
		return
	}
	if mailer == nil {
		id.log.ErrorContext(ctx, "no mailer configured; e-mail not sent", "subject", m.Subject)
		return
	}
	if err := mailer.SendEmail(ctx, m); err != nil {
		id.log.ErrorContext(ctx, "sending e-mail failed", "subject", m.Subject, "error", err)
	}
}

// emailVerificationEmail carries the code that verifies to as an
// additional e-mail address of u.
func emailVerificationEmail(u *store.User, to, code string, ttl time.Duration) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nUse this code to verify %s as an e-mail address of your account:\n\n    %s\n\n"+
		"The code is valid for %s. If you did not add this address, ignore this message.\n",
		greetingName(u), to, code, humanDuration(ttl))
	return delivery.Email{To: to, Subject: "Verify your e-mail address", Text: text}
}

// emailChangeEmail carries the code that makes to the primary e-mail
// address of u.
func emailChangeEmail(u *store.User, to, code string, ttl time.Duration) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nUse this code to make %s the e-mail address of your account:\n\n    %s\n\n"+
		"The code is valid for %s. If you did not ask for this change, ignore this message.\n",
		greetingName(u), to, code, humanDuration(ttl))
	return delivery.Email{To: to, Subject: "Confirm your new e-mail address", Text: text}
}

// emailChangedEmail tells the old address that u's e-mail address changed.
func emailChangedEmail(u *store.User, oldEmail string) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nThe e-mail address of your account was changed from %s to %s.\n\n"+
		"If you did not make this change, contact support at once.\n", greetingName(u), oldEmail, u.Email)
	return delivery.Email{To: oldEmail, Subject: "Your e-mail address was changed", Text: text}
}

// phoneCodeSMS carries the code that proves phone, to add it to an account
// or (remove) to take it off.
func phoneCodeSMS(phone, code string, remove bool, ttl time.Duration) delivery.SMS {
	action := "verify this phone number"
	if remove {
		action = "remove this phone number from your account"
	}
	return delivery.SMS{To: phone, Body: fmt.Sprintf("Your code to %s is %s. It is valid for %s.", action, code, humanDuration(ttl))}
}

// sendPhoneSMS delivers m through the configured SMS sender; failures are
// logged (without the body, which holds a code).
func (id *Identity) sendPhoneSMS(ctx context.Context, m delivery.SMS) {
	if id.sms == nil {
		id.log.ErrorContext(ctx, "no SMS sender configured; SMS not sent")
		return
	}
	if err := id.sms.SendSMS(ctx, m); err != nil {
		id.log.ErrorContext(ctx, "sending SMS failed", "error", err)
	}
}

// magicLinkEmail carries the link that signs u in.
func magicLinkEmail(u *store.User, link string, ttl time.Duration) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nSign in to your account by opening this link:\n\n%s\n\n"+
		"The link is valid for %s and works once. If you did not try to sign in, ignore this message.\n",
		greetingName(u), link, humanDuration(ttl))
	return delivery.Email{To: u.Email, Subject: "Your sign-in link", Text: text}
}

// loginCodeEmail carries the code that signs u in.
func loginCodeEmail(u *store.User, code string, ttl time.Duration) delivery.Email {
	text := fmt.Sprintf("Hello%s,\n\nYour sign-in code is:\n\n    %s\n\n"+
		"The code is valid for %s and works once. If you did not try to sign in, ignore this message.\n",
		greetingName(u), code, humanDuration(ttl))
	return delivery.Email{To: u.Email, Subject: "Your sign-in code", Text: text}
}
