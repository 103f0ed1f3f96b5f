package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// ActivationTokenTTL is how long an activation link stays valid.
const ActivationTokenTTL = 24 * time.Hour

// SignUpInput is a self-service sign-up (SignUpUserEmailDto /
// SignUpUserUsernameDto). CompanyName names the tenant created for the user.
type SignUpInput struct {
	Provider          string   `json:"provider"`
	Email             string   `json:"email"`
	Username          string   `json:"username"`
	Name              string   `json:"name"`
	Password          string   `json:"password"`
	PhoneNumber       string   `json:"phoneNumber"`
	ProfilePictureURL string   `json:"profilePictureUrl"`
	Metadata          string   `json:"metadata"`
	CompanyName       string   `json:"companyName"`
	RoleIDs           []string `json:"roleIds"`
	SkipInviteEmail   bool     `json:"skipInviteEmail"`
	RecaptchaToken    string   `json:"recaptchaToken"`
	InvitationToken   string   `json:"invitationToken"`
}

// SignUpResult is the answer to a sign-up (SignUpResponseDto). When
// ShouldActivate is true an activation e-mail was sent and AuthResponse is
// nil; otherwise the user is logged in.
type SignUpResult struct {
	ShouldActivate bool          `json:"shouldActivate"`
	UserID         string        `json:"userId"`
	TenantID       string        `json:"tenantId"`
	AuthResponse   *AuthResponse `json:"authResponse,omitempty"`
}

// SignUp creates a tenant named CompanyName and its first user. Unless the
// environment lets unverified users log in (and a password was given), the
// user must activate the account through the e-mailed link first.
func (id *Identity) SignUp(ctx context.Context, in SignUpInput, client ClientInfo) (*SignUpResult, error) {
	return id.signUp(ctx, in, false, client)
}

// SignUpWithUsername is SignUp identified by username; e-mail is optional.
func (id *Identity) SignUpWithUsername(ctx context.Context, in SignUpInput, client ClientInfo) (*SignUpResult, error) {
	return id.signUp(ctx, in, true, client)
}

func (id *Identity) signUp(ctx context.Context, in SignUpInput, byUsername bool, client ClientInfo) (*SignUpResult, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	// An invitation link (InvitationToken) signs the user up into its
	// tenant, with its roles, even while open sign-up is disabled.
	var inv *store.TenantInvite
	if in.InvitationToken != "" {
		if inv, err = id.findInvite(ctx, in.InvitationToken, "invitationToken"); err != nil {
			return nil, err
		}
	}
	if !cfg.AllowSignups && inv == nil {
		return nil, forbidden(CodeSignupsDisabled, "sign-up is disabled for this environment")
	}
	if in.Provider != "" && in.Provider != "local" {
		return nil, invalid("provider", "provider %q cannot sign up with a password; use \"local\"", in.Provider)
	}
	if len(in.RoleIDs) > 0 {
		// Sign-up is public: letting the caller pick roles would let anyone
		// give themselves any environment-wide role. The new tenant's first
		// user gets the first-user roles instead.
		return nil, invalid("roleIds", "roleIds cannot be chosen at sign-up")
	}
	if byUsername && in.Username == "" {
		return nil, invalid("username", "username is required")
	}
	if !byUsername && in.Email == "" {
		return nil, invalid("email", "email is required")
	}
	tenantIn := CreateTenantInput{Name: in.CompanyName}
	if inv == nil {
		if strings.TrimSpace(in.CompanyName) == "" {
			return nil, invalid("companyName", "companyName is required")
		}
		if err := tenantIn.validate(); err != nil {
			return nil, err
		}
	}
	userIn := CreateUserInput{
		Email: in.Email, Username: in.Username, Name: in.Name, Password: in.Password, PhoneNumber: in.PhoneNumber,
		ProfilePictureURL: in.ProfilePictureURL, Metadata: in.Metadata, TenantID: "pending",
	}
	if err := userIn.validate(); err != nil {
		return nil, err
	}
	if in.Password != "" {
		// The password configuration of the tenant an invitation link
		// joins, else (a new tenant) the environment's.
		var tenantIDs []string
		if inv != nil {
			tenantIDs = []string{inv.TenantID}
		}
		if err := id.checkPasswordRules(ctx, id.store, "password", in.Password, tenantIDs); err != nil {
			return nil, err
		}
	}
	shouldActivate := !cfg.AllowNotVerifiedUsersLogin || in.Password == ""
	if shouldActivate && userIn.Email == "" {
		return nil, invalid("email", "email is required to activate the account")
	}
	if err := id.checkCaptcha(ctx, in.RecaptchaToken, userIn.Email, client.IP); err != nil {
		return nil, err
	}
	hash, err := id.hashIfSet(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	var rec *userRecord
	var activation *issuedToken
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if inv != nil {
			userIn.TenantID, userIn.RoleIDs = inv.TenantID, inv.RoleIDs
		} else {
			t, err := id.createTenant(ctx, tx, tenantIn)
			if err != nil {
				return err
			}
			userIn.TenantID = t.ID
		}
		var err error
		if rec, err = id.createUser(ctx, tx, userIn, hash); err != nil {
			return err
		}
		if shouldActivate {
			activation, err = id.issueToken(ctx, tx, store.TokenActivation, rec.user.ID, userIn.TenantID, ActivationTokenTTL, false)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if inv != nil {
		id.notifyInviteUsed(ctx, inv, rec.user)
	}
	res := &SignUpResult{ShouldActivate: shouldActivate, UserID: rec.user.ID, TenantID: userIn.TenantID}
	if shouldActivate {
		if !in.SkipInviteEmail {
			id.sendActivation(ctx, rec.user, activation)
		}
		return res, nil
	}
	if res.AuthResponse, err = id.afterFirstFactor(ctx, rec, []string{AMRPassword}, client); err != nil {
		return nil, err
	}
	return res, nil
}

// newOneTimeToken creates a single-use secret of kind for userID, replacing
// the user's earlier unused ones of the same kind, and returns its value.
func (id *Identity) newOneTimeToken(ctx context.Context, tx store.Store, kind, userID, tenantID string, ttl time.Duration) (string, error) {
	secret, err := id.newSecret()
	if err != nil {
		return "", err
	}
	if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, kind); err != nil {
		return "", err
	}
	now := id.now()
	err = tx.CreateOneTimeToken(ctx, &store.OneTimeToken{
		ID: id.newID(), EnvID: id.envID, Kind: kind, UserID: userID, TenantID: tenantID,
		Hash: tokens.HashSecret(secret), CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	return secret, err
}

// findOneTimeToken returns the unused, unexpired token of kind with value
// secret that belongs to userID.
func (id *Identity) findOneTimeToken(ctx context.Context, kind, userID, secret, field string) (*store.OneTimeToken, error) {
	bad := &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: field, Message: "invalid or expired " + field}
	if secret == "" {
		return nil, invalid(field, "%s is required", field)
	}
	t, err := id.store.GetOneTimeTokenByHash(ctx, kind, tokens.HashSecret(secret))
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if t.EnvID != id.envID || t.UserID != userID || t.UsedAt != nil || !id.now().Before(t.ExpiresAt) {
		return nil, bad
	}
	return t, nil
}

// ActivationStrategy tells the activation page whether to ask for a
// password (GetActivateStrategyResponseDto).
type ActivationStrategy struct {
	ShouldSetPassword bool `json:"shouldSetPassword"`
}

// GetActivationStrategy checks an activation token and says whether the
// user still has to choose a password.
func (id *Identity) GetActivationStrategy(ctx context.Context, userID, token string) (*ActivationStrategy, error) {
	if userID == "" {
		return nil, invalid("userId", "userId is required")
	}
	if _, err := id.findOneTimeToken(ctx, store.TokenActivation, userID, token, "token"); err != nil {
		return nil, err
	}
	_, err := id.store.GetPassword(ctx, userID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &ActivationStrategy{ShouldSetPassword: errors.Is(err, store.ErrNotFound)}, nil
}

// ActivateInput activates an account (ActivateUserDto).
type ActivateInput struct {
	UserID         string `json:"userId"`
	Token          string `json:"token"`
	Password       string `json:"password"`
	RecaptchaToken string `json:"recaptchaToken"`
	LastTermsCheck string `json:"lastTermsCheck"`
}

// ActivateUser consumes the activation token, marks the user verified, sets
// the password when the user has none (it is then required), and logs the
// user in. The token works once.
func (id *Identity) ActivateUser(ctx context.Context, in ActivateInput, client ClientInfo) (*AuthResponse, error) {
	if in.UserID == "" {
		return nil, invalid("userId", "userId is required")
	}
	if err := id.checkCaptcha(ctx, in.RecaptchaToken, id.userEmail(ctx, in.UserID), client.IP); err != nil {
		return nil, err
	}
	t, err := id.findOneTimeToken(ctx, store.TokenActivation, in.UserID, in.Token, "token")
	if err != nil {
		return nil, err
	}
	return id.activate(ctx, t, in, client)
}

// activate completes an activation whose token t was checked: it sets the
// password when the user has none, consumes t, verifies the user and logs
// the user in.
func (id *Identity) activate(ctx context.Context, t *store.OneTimeToken, in ActivateInput, client ClientInfo) (*AuthResponse, error) {
	_, err := id.store.GetPassword(ctx, in.UserID)
	hasPassword := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var hash string
	if !hasPassword {
		if in.Password == "" {
			return nil, invalid("password", "password is required to activate this account")
		}
		tenantIDs, err := userTenantIDs(ctx, id.store, in.UserID)
		if err != nil {
			return nil, err
		}
		if err := id.checkPasswordRules(ctx, id.store, "password", in.Password, tenantIDs); err != nil {
			return nil, err
		}
		if hash, err = id.hasher.hash(ctx, in.Password); err != nil {
			return nil, err
		}
	}
	rec, err := id.redeemVerification(ctx, t, in.UserID, hash, "")
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return id.afterFirstFactor(ctx, rec, []string{AMRPassword}, client)
}

// redeemVerification consumes the one-time token t that proved the user's
// mailbox (activation, invitation) and marks the user verified, in one
// transaction. A non-empty passwordHash becomes the user's password; a
// non-empty tenantID becomes the active tenant. A token redeemed
// concurrently by another request is refused.
func (id *Identity) redeemVerification(ctx context.Context, t *store.OneTimeToken, userID, passwordHash, tenantID string) (*userRecord, error) {
	var rec *userRecord
	err := id.store.InTx(ctx, func(tx store.Store) error {
		now := id.now()
		if err := tx.ConsumeOneTimeToken(ctx, t.ID, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: "token", Message: "invalid or expired token"}
			}
			return err
		}
		if passwordHash != "" {
			if err := tx.PutPassword(ctx, &store.PasswordCredential{UserID: userID, Hash: passwordHash, UpdatedAt: now}); err != nil {
				return err
			}
		}
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		rec.user.Verified, rec.user.UpdatedAt = true, now
		if tenantID != "" {
			rec.user.ActiveTenantID = tenantID
		}
		return tx.UpdateUser(ctx, rec.user)
	})
	return rec, err
}
