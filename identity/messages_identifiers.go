package identity

import (
	"context"
	"fmt"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
)

// The messages of the identifier flows: e-mail and phone-number
// verification codes and the notice of an e-mail change. Codes appear only
// in the message bodies, never in logs.

func verificationCodeValidity() string {
	return fmt.Sprintf("%d minutes", int(VerificationCodeTTL.Minutes()))
}

// sendEmailVerificationCode sends the code that verifies an additional
// e-mail address of u.
func (id *Identity) sendEmailVerificationCode(ctx context.Context, u *store.User, to, code string) {
	id.sendEmail(ctx, delivery.Email{
		To:      to,
		Subject: "Verify your e-mail address",
		Text: "Hello" + greetingName(u) + ",\n\nUse this code to verify " + to + " as an e-mail address of your account:\n\n    " +
			code + "\n\nThe code is valid for " + verificationCodeValidity() + ". If you did not add this address, ignore this message.\n",
	})
}

// sendEmailChangeCode sends the code that confirms u's new primary e-mail
// address.
func (id *Identity) sendEmailChangeCode(ctx context.Context, u *store.User, to, code string) {
	id.sendEmail(ctx, delivery.Email{
		To:      to,
		Subject: "Confirm your new e-mail address",
		Text: "Hello" + greetingName(u) + ",\n\nUse this code to make " + to + " the e-mail address of your account:\n\n    " +
			code + "\n\nThe code is valid for " + verificationCodeValidity() + ". If you did not ask for this change, ignore this message.\n",
	})
}

// sendEmailChangedNotice tells the old address that the account's e-mail
// address changed.
func (id *Identity) sendEmailChangedNotice(ctx context.Context, u *store.User, oldEmail string) {
	id.sendEmail(ctx, delivery.Email{
		To:      oldEmail,
		Subject: "Your e-mail address was changed",
		Text: "Hello" + greetingName(u) + ",\n\nThe e-mail address of your account was changed from " + oldEmail + " to " +
			u.Email + ".\n\nIf you did not make this change, contact support at once.\n",
	})
}

// sendPhoneCode texts the code that proves phone, to add it or to remove it.
func (id *Identity) sendPhoneCode(ctx context.Context, phone, code, purpose string) {
	action := "verify this phone number"
	if purpose == purposeDeletePhone {
		action = "remove this phone number from your account"
	}
	id.sendPhoneSMS(ctx, delivery.SMS{To: phone, Body: "Your code to " + action + " is " + code + ". It is valid for " + verificationCodeValidity() + "."})
}

// sendPhoneSMS delivers m through the configured SMS sender; failures are logged
// (without the body, which holds a code).
func (id *Identity) sendPhoneSMS(ctx context.Context, m delivery.SMS) {
	if id.sms == nil {
		id.log.ErrorContext(ctx, "no SMS sender configured; SMS not sent")
		return
	}
	if err := id.sms.SendSMS(ctx, m); err != nil {
		id.log.ErrorContext(ctx, "sending SMS failed", "error", err)
	}
}
