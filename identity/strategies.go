package identity

import (
	"context"
	"time"

	"github.com/yolkauth/yolk/store"
)

// Settings names of the activation and invitation strategies.
const (
	settingActivationStrategy = "activationStrategy"
	settingInvitationStrategy = "invitationStrategy"
)

// How activation and invitation e-mails let the user in.
const (
	// StrategyLink: the user opens the e-mailed link (which also carries
	// a code). Tokens last ActivationTokenTTL / InvitationTokenTTL.
	StrategyLink = "link"
	// StrategyCode: the user types the e-mailed code; the token and its
	// code last CodeExpiration seconds.
	StrategyCode = "code"
)

// Bounds of CodeExpiration, in seconds: from a minute to 30 days.
const (
	MinCodeExpiration = 60
	MaxCodeExpiration = 30 * 24 * 3600
)

// CodeStrategy is an activation or invitation strategy
// (ActivationStrategyResponse, InvitationStrategyResponse).
// CodeExpiration is in seconds.
type CodeStrategy struct {
	Strategy       string `json:"strategy"`
	CodeExpiration int    `json:"codeExpiration"`
}

// CodeStrategyInput changes a strategy
// (CreateOrUpdateActivationStrategyRequest,
// CreateOrUpdateInvitationStrategyRequest); nil fields are kept.
type CodeStrategyInput struct {
	Strategy       *string `json:"strategy"`
	CodeExpiration *int    `json:"codeExpiration"`
}

func defaultActivationStrategy() CodeStrategy {
	return CodeStrategy{Strategy: StrategyLink, CodeExpiration: int(ActivationTokenTTL / time.Second)}
}

func defaultInvitationStrategy() CodeStrategy {
	return CodeStrategy{Strategy: StrategyLink, CodeExpiration: int(InvitationTokenTTL / time.Second)}
}

// GetActivationStrategies returns how activation e-mails work.
func (id *Identity) GetActivationStrategies(ctx context.Context) (*CodeStrategy, error) {
	s, err := loadSetting(ctx, id, id.store, "", settingActivationStrategy, defaultActivationStrategy())
	return &s, err
}

// SetActivationStrategy changes how activation e-mails work. strategy
// (link or code) is required; codeExpiration is in seconds, at least
// MinCodeExpiration.
func (id *Identity) SetActivationStrategy(ctx context.Context, in CodeStrategyInput) (*CodeStrategy, error) {
	if in.Strategy == nil {
		return nil, invalid("strategy", "strategy is required")
	}
	return id.setStrategy(ctx, settingActivationStrategy, defaultActivationStrategy(), in)
}

// GetInvitationStrategies returns how invitation e-mails work.
func (id *Identity) GetInvitationStrategies(ctx context.Context) (*CodeStrategy, error) {
	s, err := loadSetting(ctx, id, id.store, "", settingInvitationStrategy, defaultInvitationStrategy())
	return &s, err
}

// SetInvitationStrategy changes how invitation e-mails work; both fields
// are optional.
func (id *Identity) SetInvitationStrategy(ctx context.Context, in CodeStrategyInput) (*CodeStrategy, error) {
	return id.setStrategy(ctx, settingInvitationStrategy, defaultInvitationStrategy(), in)
}

func (id *Identity) setStrategy(ctx context.Context, name string, def CodeStrategy, in CodeStrategyInput) (*CodeStrategy, error) {
	if in.Strategy != nil {
		if err := oneOf("strategy", in.Strategy, []string{StrategyLink, StrategyCode}); err != nil {
			return nil, err
		}
	}
	if in.CodeExpiration != nil && (*in.CodeExpiration < MinCodeExpiration || *in.CodeExpiration > MaxCodeExpiration) {
		return nil, invalid("codeExpiration", "codeExpiration must be between %d and %d seconds", MinCodeExpiration, MaxCodeExpiration)
	}
	var out CodeStrategy
	err := id.store.InTx(ctx, func(tx store.Store) error {
		cur, err := loadSetting(ctx, id, tx, "", name, def)
		if err != nil {
			return err
		}
		setStr(&cur.Strategy, in.Strategy)
		if in.CodeExpiration != nil {
			cur.CodeExpiration = *in.CodeExpiration
		}
		out = cur
		return saveSetting(ctx, id, tx, "", name, cur)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// strategyTTL returns how long a new token of kind lasts when its
// strategy sets it: the code expiration of the activation or invitation
// strategy while that strategy is "code". ok is false otherwise, and the
// caller's default lifetime applies.
func (id *Identity) strategyTTL(ctx context.Context, st store.Store, kind string) (ttl time.Duration, ok bool, err error) {
	var name string
	var def CodeStrategy
	switch kind {
	case store.TokenActivation:
		name, def = settingActivationStrategy, defaultActivationStrategy()
	case store.TokenInvitation:
		name, def = settingInvitationStrategy, defaultInvitationStrategy()
	default:
		return 0, false, nil
	}
	s, err := loadSetting(ctx, id, st, "", name, def)
	if err != nil || s.Strategy != StrategyCode {
		return 0, false, err
	}
	return time.Duration(s.CodeExpiration) * time.Second, true, nil
}
