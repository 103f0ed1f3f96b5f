package identity

import (
	"context"
	"errors"
	"time"

	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// settingLockoutPolicy names the lockout policy documents (store.Setting),
// kept per tenant and environment-wide.
const settingLockoutPolicy = "lockout-policy"

// kindPasswordFailures is the failure counter of a user's wrong passwords
// (see countFailure).
const kindPasswordFailures = "password-failures"

// PasswordFailureWindow is how long wrong passwords are remembered: the
// lockout policy counts the wrong passwords since the last correct one, up
// to this far back.
const PasswordFailureWindow = 24 * time.Hour

// maxLockoutAttempts bounds a lockout policy's maxAttempts.
const maxLockoutAttempts = 1000

// LockoutPolicy is a lockout policy (LockoutPolicyResponse): while
// enabled, MaxAttempts wrong passwords in a row (at login or when changing
// the password, within PasswordFailureWindow) lock the user, revoke its
// sessions and e-mail it a link to unlock the account (SendUnlockEmail).
// The login that reaches the limit answers like any wrong password, so the
// lockout reveals nothing about which e-mails exist. A user subject to
// several policies (a member of several tenants) follows the strictest.
type LockoutPolicy struct {
	ID          string    `json:"id"`
	Enabled     bool      `json:"enabled"`
	MaxAttempts int       `json:"maxAttempts"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// LockoutPolicyInput creates or changes a lockout policy
// (LockoutPolicyRequest). Both fields are required on creation; absent
// fields keep their value on update. MaxAttempts is 1 to 1000.
type LockoutPolicyInput struct {
	Enabled     *bool `json:"enabled"`
	MaxAttempts *int  `json:"maxAttempts"`
}

// GetLockoutPolicy returns the lockout policy in force where the principal
// acts (its tenant's own, else the environment's); ErrNotFound when there
// is none.
func (id *Identity) GetLockoutPolicy(ctx context.Context, p *Principal) (*LockoutPolicy, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	pol, err := effectiveScoped[LockoutPolicy](ctx, id, id.store, tenantID, settingLockoutPolicy)
	if err != nil {
		return nil, err
	}
	if pol == nil {
		return nil, notFound("no lockout policy is defined")
	}
	return pol, nil
}

// CreateLockoutPolicy saves a new lockout policy where the principal acts
// (its tenant, or the environment); ErrConflict if that scope has one
// already.
func (id *Identity) CreateLockoutPolicy(ctx context.Context, p *Principal, in LockoutPolicyInput) (*LockoutPolicy, error) {
	if in.Enabled == nil {
		return nil, invalid("enabled", "enabled is required")
	}
	if in.MaxAttempts == nil {
		return nil, invalid("maxAttempts", "maxAttempts is required")
	}
	return id.saveLockoutPolicy(ctx, p, in, true)
}

// UpdateLockoutPolicy changes the lockout policy where the principal acts;
// a tenant without its own starts from the environment's. ErrNotFound
// when neither exists.
func (id *Identity) UpdateLockoutPolicy(ctx context.Context, p *Principal, in LockoutPolicyInput) (*LockoutPolicy, error) {
	if in.Enabled == nil && in.MaxAttempts == nil {
		return nil, invalid("enabled", "nothing to update: give enabled or maxAttempts")
	}
	return id.saveLockoutPolicy(ctx, p, in, false)
}

func (id *Identity) saveLockoutPolicy(ctx context.Context, p *Principal, in LockoutPolicyInput, create bool) (*LockoutPolicy, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	if in.MaxAttempts != nil && (*in.MaxAttempts < 1 || *in.MaxAttempts > maxLockoutAttempts) {
		return nil, invalid("maxAttempts", "maxAttempts must be between 1 and %d", maxLockoutAttempts)
	}
	var out LockoutPolicy
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		cur, inherited, err := loadScoped[LockoutPolicy](ctx, id, tx, tenantID, settingLockoutPolicy)
		if err != nil {
			return err
		}
		if err := checkPolicyMode("lockout", create, cur != nil, inherited != nil); err != nil {
			return err
		}
		now := id.now()
		out = LockoutPolicy{ID: id.newID(), CreatedAt: now}
		switch {
		case cur != nil:
			out = *cur
		case inherited != nil:
			out.Enabled, out.MaxAttempts = inherited.Enabled, inherited.MaxAttempts
		}
		setBool(&out.Enabled, in.Enabled)
		setInt(&out.MaxAttempts, in.MaxAttempts)
		out.UpdatedAt = now
		return saveSetting(ctx, id, tx, tenantID, settingLockoutPolicy, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// lockoutFor is the strictest lockout policy in force for userID.
func (id *Identity) lockoutFor(ctx context.Context, userID string) (policy.Lockout, error) {
	tenantIDs, err := userTenantIDs(ctx, id.store, userID)
	if err != nil {
		return policy.Lockout{}, err
	}
	ps, _, err := effectiveForTenants[LockoutPolicy](ctx, id, id.store, tenantIDs, settingLockoutPolicy)
	if err != nil {
		return policy.Lockout{}, err
	}
	ls := make([]policy.Lockout, len(ps))
	for i, p := range ps {
		ls[i] = policy.Lockout{Enabled: p.Enabled, MaxAttempts: p.MaxAttempts}
	}
	return policy.StrictestLockout(ls...), nil
}

// countPasswordFailure records a wrong password of u under the lockout
// policy in force; the one that reaches the limit locks u (see
// lockForFailures) and e-mails it an unlock link. It reports whether u is
// now locked. Nothing is counted while no policy is enabled.
func (id *Identity) countPasswordFailure(ctx context.Context, u *store.User) (bool, error) {
	if u.Locked {
		return false, nil
	}
	pol, err := id.lockoutFor(ctx, u.ID)
	if err != nil || !pol.Enabled {
		return false, err
	}
	n, err := id.countFailure(ctx, kindPasswordFailures, u.ID, PasswordFailureWindow)
	if err != nil || !pol.Locks(n) {
		return false, err
	}
	if err := id.lockForFailures(ctx, u.ID, "too many wrong passwords"); err != nil {
		return false, err
	}
	if u.Email != "" {
		// In the background: the answer must not take longer for the
		// attempt that locks than for any other wrong password.
		userID := u.ID
		id.background(ctx, "unlock e-mail after a lockout", func(ctx context.Context) error {
			return id.SendUnlockEmail(ctx, userID)
		})
	}
	return true, nil
}

// resetPasswordFailures forgets the user's wrong passwords (after a correct
// one, or a new password).
func (id *Identity) resetPasswordFailures(ctx context.Context, st store.Store, userID string) error {
	_, err := st.DeleteUserOneTimeTokens(ctx, userID, kindPasswordFailures)
	return err
}

// countFailure records one failure of kind for userID and returns how many
// there were within window, this one included. A failure counter is a
// one-time token of kind, one per user, found by a hash of its owner,
// whose Attempts count the failures since it was created; once window has
// passed since then, the next failure starts a new count. Wrong MFA codes
// and wrong passwords are counted this way.
func (id *Identity) countFailure(ctx context.Context, kind, userID string, window time.Duration) (int, error) {
	now := id.now()
	hash := tokens.HashSecret(kind + "\x00" + id.envID + "\x00" + userID)
	n := 0
	for try := 0; try < 3 && n == 0; try++ {
		t, err := id.store.GetOneTimeTokenByHash(ctx, kind, hash)
		switch {
		case err == nil && now.Before(t.ExpiresAt):
			if n, err = id.store.IncrementOneTimeTokenAttempts(ctx, t.ID); err != nil {
				return 0, err
			}
		case err == nil || errors.Is(err, store.ErrNotFound):
			if err == nil {
				// The window passed: start a new one.
				if _, err := id.store.DeleteUserOneTimeTokens(ctx, userID, kind); err != nil {
					return 0, err
				}
			}
			err = id.store.CreateOneTimeToken(ctx, &store.OneTimeToken{
				ID: id.newID(), EnvID: id.envID, Kind: kind, UserID: userID, Hash: hash,
				Attempts: 1, CreatedAt: now, ExpiresAt: now.Add(window),
			})
			if err == nil {
				n = 1
			} else if !errors.Is(err, store.ErrConflict) {
				return 0, err
			}
		default:
			return 0, err
		}
	}
	return n, nil
}

// lockForFailures locks the user after too many failures, as LockUser
// does (sessions revoked too; a vendor, or the self-unlock link of
// SendUnlockEmail, lifts it), and forgets its failure counts and pending
// MFA steps.
func (id *Identity) lockForFailures(ctx context.Context, userID, reason string) error {
	_, err := id.changeUser(ctx, userID, func(tx store.Store, rec *userRecord) error {
		rec.user.Locked = true
		for _, k := range []string{kindMFAFailures, kindPasswordFailures, store.TokenMFA} {
			if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, k); err != nil {
				return err
			}
		}
		return id.revokeSessions(ctx, tx, userID, "")
	})
	if err != nil {
		return err
	}
	id.log.WarnContext(ctx, "user locked: "+reason, "userId", userID)
	return nil
}
