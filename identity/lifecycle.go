package identity

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// UnlockTokenTTL is how long a self-unlock link stays valid.
const UnlockTokenTTL = 24 * time.Hour

// VerifyUser marks the user's e-mail as verified (as activation would) and
// drops pending activation tokens.
func (id *Identity) VerifyUser(ctx context.Context, userID string) (*User, error) {
	return id.changeUser(ctx, userID, func(tx store.Store, rec *userRecord) error {
		rec.user.Verified = true
		_, err := tx.DeleteUserOneTimeTokens(ctx, userID, store.TokenActivation)
		return err
	})
}

// LockUser locks the user in every tenant: it can no longer log in or
// refresh, its open sessions are revoked, and pending self-unlock links
// stop working (a lock by the vendor is lifted only by UnlockUser).
func (id *Identity) LockUser(ctx context.Context, userID string) (*User, error) {
	return id.changeUser(ctx, userID, func(tx store.Store, rec *userRecord) error {
		rec.user.Locked = true
		if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, store.TokenUnlock); err != nil {
			return err
		}
		return id.revokeSessions(ctx, tx, userID, "")
	})
}

// UnlockUser unlocks a locked user.
func (id *Identity) UnlockUser(ctx context.Context, userID string) (*User, error) {
	return id.changeUser(ctx, userID, func(tx store.Store, rec *userRecord) error {
		rec.user.Locked = false
		_, err := tx.DeleteUserOneTimeTokens(ctx, userID, store.TokenUnlock)
		return err
	})
}

// changeUser loads the user, applies change and saves it, in one
// transaction.
func (id *Identity) changeUser(ctx context.Context, userID string, change func(tx store.Store, rec *userRecord) error) (*User, error) {
	var rec *userRecord
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		if err := change(tx, rec); err != nil {
			return err
		}
		rec.user.UpdatedAt = id.now()
		return tx.UpdateUser(ctx, rec.user)
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return id.userView(ctx, id.store, rec, "")
}

// revokeSessions revokes userID's open sessions (of tenantID only, when
// set).
func (id *Identity) revokeSessions(ctx context.Context, tx store.Store, userID, tenantID string) error {
	ss, err := tx.ListUserSessions(ctx, userID)
	if err != nil {
		return err
	}
	now := id.now()
	for _, s := range ss {
		if s.RevokedAt != nil || (tenantID != "" && s.TenantID != tenantID) {
			continue
		}
		if err := tx.RevokeSession(ctx, s.ID, now); err != nil {
			return err
		}
	}
	return nil
}

// SendUnlockEmail e-mails a locked user a single-use link to unlock the
// account by itself (POST users/v3/me/unlock), valid for UnlockTokenTTL.
// It is meant for automatic lockouts (for example after failed logins);
// a user that is not locked is ErrConflict.
func (id *Identity) SendUnlockEmail(ctx context.Context, userID string) error {
	var u *store.User
	var secret string
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if u, err = tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		if !u.Locked {
			return conflict("", "user %s is not locked", userID)
		}
		if u.Email == "" {
			return invalid("email", "user %s has no e-mail address to send the unlock link to", userID)
		}
		secret, err = id.newOneTimeToken(ctx, tx, store.TokenUnlock, userID, "", UnlockTokenTTL)
		return err
	})
	if err != nil {
		return err
	}
	q := url.Values{"token": {secret}}
	link := id.appLink(pathUnlock, q)
	id.sendEmail(ctx, id.customize(ctx, EmailTemplateUnlockUser, unlockEmail(u, link, UnlockTokenTTL),
		mailVars{name: u.Name, email: u.Email, link: link, ttl: UnlockTokenTTL, query: q}))
	return nil
}

// UnlockInput is a self-unlock (UnlockUserRequestDto).
type UnlockInput struct {
	Token string `json:"token"`
}

// UnlockWithToken unlocks the account the e-mailed unlock token belongs
// to. The token works once; an unknown, used or expired token is
// ErrInvalidInput.
func (id *Identity) UnlockWithToken(ctx context.Context, in UnlockInput) error {
	if in.Token == "" {
		return invalid("token", "token is required")
	}
	bad := &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: "token", Message: "invalid or expired token"}
	t, err := id.store.GetOneTimeTokenByHash(ctx, store.TokenUnlock, tokens.HashSecret(in.Token))
	if errors.Is(err, store.ErrNotFound) {
		return bad
	}
	if err != nil {
		return err
	}
	if t.EnvID != id.envID || t.UsedAt != nil || !id.now().Before(t.ExpiresAt) {
		return bad
	}
	_, err = id.changeUser(ctx, t.UserID, func(tx store.Store, rec *userRecord) error {
		if err := tx.ConsumeOneTimeToken(ctx, t.ID, id.now()); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return bad
			}
			return err
		}
		rec.user.Locked = false
		return nil
	})
	return err
}

// RemoveUser removes the user from tenantID: its membership and its
// sessions in that tenant go, and a user left without any tenant is
// deleted. With tenantID empty the user is deleted from the environment.
// A user who is not a member of tenantID is ErrNotFound.
func (id *Identity) RemoveUser(ctx context.Context, tenantID, userID string) error {
	err := id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := id.loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if tenantID != "" {
			if rec.membership(tenantID) == nil {
				return notFound("user %s not found in tenant %s", userID, tenantID)
			}
			if len(rec.memberships) > 1 {
				if err := tx.DeleteMembership(ctx, userID, tenantID); err != nil {
					return err
				}
				if err := id.dropTenantInvitations(ctx, tx, userID, tenantID); err != nil {
					return err
				}
				return id.revokeSessions(ctx, tx, userID, tenantID)
			}
		}
		if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, ""); err != nil {
			return err
		}
		return tx.DeleteUser(ctx, id.envID, userID)
	})
	return storeErr(err, "user")
}

// dropTenantInvitations deletes userID's unused invitations to tenantID.
func (id *Identity) dropTenantInvitations(ctx context.Context, tx store.Store, userID, tenantID string) error {
	ts, err := tx.ListUserOneTimeTokens(ctx, userID, store.TokenInvitation)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.UsedAt == nil && t.TenantID == tenantID {
			if err := tx.DeleteOneTimeToken(ctx, t.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// DisableTenantUser disables the user in the tenant the principal acts in
// (a user principal needs PermEnableDisable): it can no longer log in to
// or refresh into that tenant, and its sessions there are revoked. Its
// other tenants are unaffected. Disabling oneself is refused.
func (id *Identity) DisableTenantUser(ctx context.Context, p *Principal, userID string) (*User, error) {
	return id.setTenantUserDisabled(ctx, p, userID, true)
}

// EnableTenantUser re-enables a user disabled in the tenant the principal
// acts in (a user principal needs PermEnableDisable).
func (id *Identity) EnableTenantUser(ctx context.Context, p *Principal, userID string) (*User, error) {
	return id.setTenantUserDisabled(ctx, p, userID, false)
}

func (id *Identity) setTenantUserDisabled(ctx context.Context, p *Principal, userID string, disabled bool) (*User, error) {
	tenantID, err := id.actingTenant(ctx, p, PermEnableDisable)
	if err != nil {
		return nil, err
	}
	if disabled && p.UserID == userID {
		return nil, forbidden("", "you cannot disable yourself")
	}
	var rec *userRecord
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		m := rec.membership(tenantID)
		if m == nil {
			return notFound("user %s not found in tenant %s", userID, tenantID)
		}
		m.Disabled, m.UpdatedAt = disabled, id.now()
		if err := tx.PutMembership(ctx, m); err != nil {
			return err
		}
		if disabled {
			return id.revokeSessions(ctx, tx, userID, tenantID)
		}
		return nil
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return id.userView(ctx, id.store, rec, tenantID)
}
