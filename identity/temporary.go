package identity

import (
	"context"
	"time"

	"github.com/yolkauth/yolk/store"
)

// settingTemporaryUsers names the environment's temporary-users
// configuration in the setting store.
const settingTemporaryUsers = "temporary-users"

// TemporaryUsersConfig says whether users may be made temporary
// (TemporaryUsersConfigurationDto). It is off until enabled.
type TemporaryUsersConfig struct {
	Enabled bool `json:"enabled"`
}

// TemporaryUsersConfigInput changes the configuration; Enabled is
// required.
type TemporaryUsersConfigInput struct {
	Enabled *bool `json:"enabled"`
}

// GetTemporaryUsersConfig returns the environment's temporary-users
// configuration.
func (id *Identity) GetTemporaryUsersConfig(ctx context.Context) (*TemporaryUsersConfig, error) {
	c, err := loadSetting(ctx, id, id.store, "", settingTemporaryUsers, TemporaryUsersConfig{})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// UpdateTemporaryUsersConfig enables or disables temporary users. Users
// already temporary stay so until they are made permanent or expire.
func (id *Identity) UpdateTemporaryUsersConfig(ctx context.Context, in TemporaryUsersConfigInput) (*TemporaryUsersConfig, error) {
	if in.Enabled == nil {
		return nil, invalid("enabled", "enabled is required")
	}
	c := TemporaryUsersConfig{Enabled: *in.Enabled}
	if err := saveSetting(ctx, id, id.store, "", settingTemporaryUsers, c); err != nil {
		return nil, err
	}
	return &c, nil
}

// checkTemporaryExpiration validates a temporary user's lifetime in
// seconds: between MinTemporaryUserExpiration and
// MaxTemporaryUserExpiration, and only while temporary users are enabled.
// Zero means permanent and passes when zeroOK is set.
func (id *Identity) checkTemporaryExpiration(ctx context.Context, field string, seconds int, zeroOK bool) error {
	if seconds == 0 && zeroOK {
		return nil
	}
	if seconds < MinTemporaryUserExpiration || seconds > MaxTemporaryUserExpiration {
		return invalid(field, "%s must be between %d and %d seconds", field, MinTemporaryUserExpiration, MaxTemporaryUserExpiration)
	}
	c, err := id.GetTemporaryUsersConfig(ctx)
	if err != nil {
		return err
	}
	if !c.Enabled {
		return forbidden("", "temporary users are disabled in this environment; enable them in the temporary users configuration")
	}
	return nil
}

// TemporaryUser is a user's remaining time as a temporary user
// (TemporaryUserDto).
type TemporaryUser struct {
	ExpirationInSeconds int `json:"expirationInSeconds"`
}

// TemporaryUserInput makes a user temporary; ExpirationInSeconds is
// required.
type TemporaryUserInput struct {
	ExpirationInSeconds *int `json:"expirationInSeconds"`
}

// SetUserTemporary makes the user temporary: after ExpirationInSeconds it
// can no longer log in or refresh. With tenantID set only the membership
// in that tenant expires (ErrNotFound when the user is not a member);
// otherwise every membership does. Temporary users must be enabled.
func (id *Identity) SetUserTemporary(ctx context.Context, tenantID, userID string, in TemporaryUserInput) (*TemporaryUser, error) {
	if in.ExpirationInSeconds == nil {
		return nil, invalid("expirationInSeconds", "expirationInSeconds is required")
	}
	secs := *in.ExpirationInSeconds
	if err := id.checkTemporaryExpiration(ctx, "expirationInSeconds", secs, false); err != nil {
		return nil, err
	}
	exp := id.now().Add(time.Duration(secs) * time.Second)
	if err := id.setMembershipExpiry(ctx, tenantID, userID, &exp); err != nil {
		return nil, err
	}
	return &TemporaryUser{ExpirationInSeconds: secs}, nil
}

// SetUserPermanent makes a temporary user permanent again (in tenantID
// only, when set).
func (id *Identity) SetUserPermanent(ctx context.Context, tenantID, userID string) error {
	return id.setMembershipExpiry(ctx, tenantID, userID, nil)
}

func (id *Identity) setMembershipExpiry(ctx context.Context, tenantID, userID string, exp *time.Time) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := id.loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if tenantID != "" && rec.membership(tenantID) == nil {
			return notFound("user %s not found in tenant %s", userID, tenantID)
		}
		now := id.now()
		for _, m := range rec.memberships {
			if tenantID != "" && m.TenantID != tenantID {
				continue
			}
			m.ExpiresAt, m.UpdatedAt = exp, now
			if err := tx.PutMembership(ctx, &m); err != nil {
				return storeErr(err, "membership")
			}
		}
		return nil
	})
}
