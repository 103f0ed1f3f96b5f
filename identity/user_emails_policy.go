package identity

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

// The user e-mails policy says whether users may change their own e-mail
// address (RequestMyEmailChange, ConfirmMyEmailChange, SetMyPrimaryEmail).
// The environment changes addresses regardless. It is stored as the
// environment setting settingUserEmailsPolicy; without one, changes are
// allowed.

const settingUserEmailsPolicy = "user-emails-policy"

// UserEmailsPolicy is the user e-mails policy (GetUserEmailsPolicyResponseDto).
type UserEmailsPolicy struct {
	AllowEmailChange bool `json:"allowEmailChange"`
}

// UserEmailsPolicyInput updates the policy (CreateUserEmailsPolicyRequestDto);
// a nil field keeps its value.
type UserEmailsPolicyInput struct {
	AllowEmailChange *bool `json:"allowEmailChange"`
}

func defaultUserEmailsPolicy() UserEmailsPolicy { return UserEmailsPolicy{AllowEmailChange: true} }

// GetUserEmailsPolicy returns the user e-mails policy (GET
// configurations/v1/user-emails-policy).
func (id *Identity) GetUserEmailsPolicy(ctx context.Context) (*UserEmailsPolicy, error) {
	p, err := loadSetting(ctx, id, id.store, "", settingUserEmailsPolicy, defaultUserEmailsPolicy())
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// SetUserEmailsPolicy creates or updates the user e-mails policy (POST
// configurations/v1/user-emails-policy).
func (id *Identity) SetUserEmailsPolicy(ctx context.Context, in UserEmailsPolicyInput) (*UserEmailsPolicy, error) {
	var out UserEmailsPolicy
	err := id.store.InTx(ctx, func(tx store.Store) error {
		p, err := loadSetting(ctx, id, tx, "", settingUserEmailsPolicy, defaultUserEmailsPolicy())
		if err != nil {
			return err
		}
		if in.AllowEmailChange != nil {
			p.AllowEmailChange = *in.AllowEmailChange
		}
		out = p
		return saveSetting(ctx, id, tx, "", settingUserEmailsPolicy, p)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkEmailChangeAllowed refuses a user's own e-mail change when the
// policy forbids it.
func (id *Identity) checkEmailChangeAllowed(ctx context.Context) error {
	p, err := id.GetUserEmailsPolicy(ctx)
	if err != nil {
		return err
	}
	if !p.AllowEmailChange {
		return forbidden("", "changing the e-mail address is not allowed")
	}
	return nil
}
