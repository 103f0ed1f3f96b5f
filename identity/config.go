package identity

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/yolkauth/yolk/store"
)

// configTTL bounds how long a process serves a cached configuration, so a
// change made by another process sharing the store is picked up.
const configTTL = 5 * time.Second

// MaxRefreshTokenExpiration is the longest refresh-token lifetime the API
// accepts (180 days, in seconds).
const MaxRefreshTokenExpiration = 15552000

// DefaultConfig returns the configuration of a new environment.
func DefaultConfig(envID string) store.EnvConfig {
	return store.EnvConfig{
		EnvID:                              envID,
		DefaultTokenExpiration:             86400,
		DefaultRefreshTokenExpiration:      2592000,
		CookieSameSite:                     "LAX",
		MachineToMachineAuthStrategy:       "ClientCredentials",
		AllowSignups:                       true,
		APITokensEnabled:                   true,
		JWTAlgorithm:                       "RS256",
		AllowNotVerifiedUsersLogin:         false,
		AuthStrategy:                       "EmailAndPassword",
		DefaultPasswordlessTokenExpiration: 1800,
		RotateRefreshTokens:                true,
		AddRolesToJWT:                      true,
		AddPermissionsToJWT:                true,
	}
}

type configCache struct {
	mu      sync.Mutex
	cfg     *store.EnvConfig
	fetched time.Time
}

// config returns the environment configuration (defaults when never saved).
func (id *Identity) config(ctx context.Context) (store.EnvConfig, error) {
	c := id.cfgMemo
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.cfg != nil && now.Sub(c.fetched) < configTTL {
		return *c.cfg, nil
	}
	cfg, err := id.store.GetConfig(ctx, id.envID)
	if errors.Is(err, store.ErrNotFound) {
		d := DefaultConfig(id.envID)
		cfg, err = &d, nil
	}
	if err != nil {
		return store.EnvConfig{}, err
	}
	c.cfg, c.fetched = cfg, now
	return *cfg, nil
}

func (id *Identity) forgetConfig() {
	id.cfgMemo.mu.Lock()
	id.cfgMemo.cfg = nil
	id.cfgMemo.mu.Unlock()
}

// hs256Secret provides the HS256 secret to the token issuer, generating and
// storing it the first time it is needed. While neither the environment nor
// a JWT template signs with HS256 there is no secret, so HS256 tokens are
// refused (the algorithm is pinned) and an unauthenticated HS256 token
// cannot make the server write one.
func (id *Identity) hs256Secret(ctx context.Context) ([]byte, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.JWTAlgorithm != "HS256" {
		// JWT templates may sign with HS256 while the default is RS256.
		if uses, err := id.templatesUseHS256(ctx); err != nil || !uses {
			return nil, err
		}
	}
	if cfg.JWTSecret != "" {
		return []byte(cfg.JWTSecret), nil
	}
	var secret string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		cur, err := id.loadConfig(ctx, tx)
		if err != nil {
			return err
		}
		if cur.JWTSecret == "" {
			if cur.JWTSecret, err = id.newSecret(); err != nil {
				return err
			}
			cur.UpdatedAt = id.now()
			if err := tx.PutConfig(ctx, &cur); err != nil {
				return err
			}
		}
		secret = cur.JWTSecret
		return nil
	})
	id.forgetConfig()
	return []byte(secret), err
}

func (id *Identity) loadConfig(ctx context.Context, st store.Store) (store.EnvConfig, error) {
	cfg, err := st.GetConfig(ctx, id.envID)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultConfig(id.envID), nil
	}
	if err != nil {
		return store.EnvConfig{}, err
	}
	return *cfg, nil
}

// VendorConfig is the environment's identity configuration as the API
// returns it (VendorConfigResponse).
type VendorConfig struct {
	ID                                  string `json:"id"`
	DefaultTokenExpiration              int    `json:"defaultTokenExpiration"`
	DefaultRefreshTokenExpiration       int    `json:"defaultRefreshTokenExpiration"`
	PublicKey                           string `json:"publicKey"`
	CookieSameSite                      string `json:"cookieSameSite"`
	AllowSignups                        bool   `json:"allowSignups"`
	APITokensEnabled                    bool   `json:"apiTokensEnabled"`
	AllowOverridePasswordComplexity     bool   `json:"allowOverridePasswordComplexity"`
	AllowOverridePasswordExpiration     bool   `json:"allowOverridePasswordExpiration"`
	AllowOverrideEnforcePasswordHistory bool   `json:"allowOverrideEnforcePasswordHistory"`
	JWTAlgorithm                        string `json:"jwtAlgorithm"`
	JWTSecret                           string `json:"jwtSecret"`
	AllowNotVerifiedUsersLogin          bool   `json:"allowNotVerifiedUsersLogin"`
	ForcePermissions                    bool   `json:"forcePermissions"`
	AuthStrategy                        string `json:"authStrategy"`
	DefaultPasswordlessTokenExpiration  int    `json:"defaultPasswordlessTokenExpiration"`
	ForceSameDeviceOnAuth               bool   `json:"forceSameDeviceOnAuth"`
	AllowTenantInvitations              bool   `json:"allowTenantInvitations"`
	RotateRefreshTokens                 bool   `json:"rotateRefreshTokens"`
	MachineToMachineAuthStrategy        string `json:"machineToMachineAuthStrategy"`
	AddRolesToJWT                       bool   `json:"addRolesToJwt"`
	AddPermissionsToJWT                 bool   `json:"addPermissionsToJwt"`
	RefreshTokensRotationLimit          int    `json:"refreshTokensRotationLimit"`
	AddSamlAttributesToJWT              bool   `json:"addSamlAttributesToJwt"`
	AllowCustomLoginTenantSwitch        bool   `json:"allowCustomLoginTenantSwitch"`
	SkipTenantValidation                bool   `json:"skipTenantValidation"`
}

// VendorConfigBasic is the short configuration view (VendorConfigBasicResponse).
type VendorConfigBasic struct {
	ForcePermissions             bool   `json:"forcePermissions"`
	MachineToMachineAuthStrategy string `json:"machineToMachineAuthStrategy"`
}

// VendorConfigUpdate changes the configuration; nil fields are left as they
// are (VendorConfigRequest). Where each field takes effect:
//
//   - DefaultTokenExpiration: lifetime (s) of user access tokens issued at
//     login and refresh (auth.go tokenResponse), unless a JWT template
//     picked by the targeting rules sets its own (jwt_templates.go).
//   - DefaultRefreshTokenExpiration: lifetime (s) of a login session and of
//     each refresh token (auth.go startSession, Refresh) and of the refresh
//     cookie (RefreshCookiePolicy).
//   - JWTAlgorithm: RS256 or HS256 for user access tokens (tokenResponse;
//     a JWT template may override it); HS256 uses the generated jwtSecret.
//   - RotateRefreshTokens: Refresh issues a new refresh token and retires
//     the presented one; reusing a retired one revokes the session.
//   - RefreshTokensRotationLimit (not in the published request schema, but
//     in the response; accepted here so it can be set): how many times one
//     session's refresh token may be rotated; 0 means no limit. Once
//     reached, Refresh refuses and the user must log in again.
//   - AllowSignups: SignUp and SignUpWithUsername are refused when false.
//   - AllowNotVerifiedUsersLogin: unverified users may log in and refresh;
//     sign-up with a password then logs in without activation.
//   - CookieSameSite: SameSite of the refresh-token cookie (httpmw, through
//     RefreshCookiePolicy).
//   - AddRolesToJWT, AddPermissionsToJWT: whether access tokens carry the
//     roles and permissions claims (the RBAC token helper).
//   - ForcePermissions, APITokensEnabled, AllowTenantInvitations,
//     MachineToMachineAuthStrategy, AuthStrategy,
//     DefaultPasswordlessTokenExpiration, ForceSameDeviceOnAuth,
//     AllowOverride*, AddSamlAttributesToJWT, SkipTenantValidation,
//     AllowCustomLoginTenantSwitch: stored and returned; the features they
//     govern (permission enforcement, API tokens, invitations, M2M,
//     passwordless, SSO, tenant switching) honour them as they arrive.
type VendorConfigUpdate struct {
	DefaultTokenExpiration              *int    `json:"defaultTokenExpiration"`
	DefaultRefreshTokenExpiration       *int    `json:"defaultRefreshTokenExpiration"`
	CookieSameSite                      *string `json:"cookieSameSite"`
	MachineToMachineAuthStrategy        *string `json:"machineToMachineAuthStrategy"`
	AllowSignups                        *bool   `json:"allowSignups"`
	APITokensEnabled                    *bool   `json:"apiTokensEnabled"`
	AllowOverridePasswordComplexity     *bool   `json:"allowOverridePasswordComplexity"`
	AllowOverridePasswordExpiration     *bool   `json:"allowOverridePasswordExpiration"`
	AllowOverrideEnforcePasswordHistory *bool   `json:"allowOverrideEnforcePasswordHistory"`
	JWTAlgorithm                        *string `json:"jwtAlgorithm"`
	AllowNotVerifiedUsersLogin          *bool   `json:"allowNotVerifiedUsersLogin"`
	ForcePermissions                    *bool   `json:"forcePermissions"`
	AddSamlAttributesToJWT              *bool   `json:"addSamlAttributesToJwt"`
	AuthStrategy                        *string `json:"authStrategy"`
	DefaultPasswordlessTokenExpiration  *int    `json:"defaultPasswordlessTokenExpiration"`
	ForceSameDeviceOnAuth               *bool   `json:"forceSameDeviceOnAuth"`
	AllowTenantInvitations              *bool   `json:"allowTenantInvitations"`
	RotateRefreshTokens                 *bool   `json:"rotateRefreshTokens"`
	SkipTenantValidation                *bool   `json:"skipTenantValidation"`
	AddRolesToJWT                       *bool   `json:"addRolesToJwt"`
	AddPermissionsToJWT                 *bool   `json:"addPermissionsToJwt"`
	AllowCustomLoginTenantSwitch        *bool   `json:"allowCustomLoginTenantSwitch"`
	RefreshTokensRotationLimit          *int    `json:"refreshTokensRotationLimit"`
}

// MaxRefreshTokensRotationLimit is the largest refreshTokensRotationLimit
// accepted.
const MaxRefreshTokensRotationLimit = 1000000

// checkRotationLimit refuses to rotate rt once its session's chain has been
// rotated refreshTokensRotationLimit times (0: no limit). It changes
// nothing: the session can still be ended, and the user logs in again.
func checkRotationLimit(cfg store.EnvConfig, rt *store.RefreshToken) error {
	if cfg.RefreshTokensRotationLimit > 0 && rt.Rotation >= cfg.RefreshTokensRotationLimit {
		return unauthorized(CodeInvalidRefresh, "this session's refresh token was rotated %d times, the environment's limit; log in again", rt.Rotation)
	}
	return nil
}

// GetVendorConfig returns the environment's configuration, including the
// PEM public key the official Node SDK verifies user tokens with.
func (id *Identity) GetVendorConfig(ctx context.Context) (*VendorConfig, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	pem, err := id.keys.PublicKeyPEM(ctx)
	if err != nil {
		return nil, err
	}
	return &VendorConfig{
		ID:                                  cfg.EnvID,
		DefaultTokenExpiration:              cfg.DefaultTokenExpiration,
		DefaultRefreshTokenExpiration:       cfg.DefaultRefreshTokenExpiration,
		PublicKey:                           pem,
		CookieSameSite:                      cfg.CookieSameSite,
		AllowSignups:                        cfg.AllowSignups,
		APITokensEnabled:                    cfg.APITokensEnabled,
		AllowOverridePasswordComplexity:     cfg.AllowOverridePasswordComplexity,
		AllowOverridePasswordExpiration:     cfg.AllowOverridePasswordExpiration,
		AllowOverrideEnforcePasswordHistory: cfg.AllowOverrideEnforcePasswordHistory,
		JWTAlgorithm:                        cfg.JWTAlgorithm,
		JWTSecret:                           cfg.JWTSecret,
		AllowNotVerifiedUsersLogin:          cfg.AllowNotVerifiedUsersLogin,
		ForcePermissions:                    cfg.ForcePermissions,
		AuthStrategy:                        cfg.AuthStrategy,
		DefaultPasswordlessTokenExpiration:  cfg.DefaultPasswordlessTokenExpiration,
		ForceSameDeviceOnAuth:               cfg.ForceSameDeviceOnAuth,
		AllowTenantInvitations:              cfg.AllowTenantInvitations,
		RotateRefreshTokens:                 cfg.RotateRefreshTokens,
		MachineToMachineAuthStrategy:        cfg.MachineToMachineAuthStrategy,
		AddRolesToJWT:                       cfg.AddRolesToJWT,
		AddPermissionsToJWT:                 cfg.AddPermissionsToJWT,
		RefreshTokensRotationLimit:          cfg.RefreshTokensRotationLimit,
		AddSamlAttributesToJWT:              cfg.AddSamlAttributesToJWT,
		AllowCustomLoginTenantSwitch:        cfg.AllowCustomLoginTenantSwitch,
		SkipTenantValidation:                cfg.SkipTenantValidation,
	}, nil
}

// GetVendorConfigBasic returns the short configuration view.
func (id *Identity) GetVendorConfigBasic(ctx context.Context) (*VendorConfigBasic, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	return &VendorConfigBasic{ForcePermissions: cfg.ForcePermissions, MachineToMachineAuthStrategy: cfg.MachineToMachineAuthStrategy}, nil
}

// UpdateVendorConfig applies the non-nil fields of in and returns the new
// configuration. Invalid values are refused and nothing changes.
func (id *Identity) UpdateVendorConfig(ctx context.Context, in VendorConfigUpdate) (*VendorConfig, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	err := id.store.InTx(ctx, func(tx store.Store) error {
		cfg, err := id.loadConfig(ctx, tx)
		if err != nil {
			return err
		}
		in.apply(&cfg)
		cfg.UpdatedAt = id.now()
		return tx.PutConfig(ctx, &cfg)
	})
	id.forgetConfig()
	if err != nil {
		return nil, err
	}
	return id.GetVendorConfig(ctx)
}

func (in VendorConfigUpdate) validate() error {
	if v := in.DefaultTokenExpiration; v != nil && (*v < 10 || *v > MaxRefreshTokenExpiration) {
		return invalid("defaultTokenExpiration", "defaultTokenExpiration must be between 10 and %d seconds", MaxRefreshTokenExpiration)
	}
	if v := in.DefaultRefreshTokenExpiration; v != nil && (*v < 60 || *v > MaxRefreshTokenExpiration) {
		return invalid("defaultRefreshTokenExpiration", "defaultRefreshTokenExpiration must be between 60 and %d seconds", MaxRefreshTokenExpiration)
	}
	if v := in.RefreshTokensRotationLimit; v != nil && (*v < 0 || *v > MaxRefreshTokensRotationLimit) {
		return invalid("refreshTokensRotationLimit", "refreshTokensRotationLimit must be between 0 (no limit) and %d", MaxRefreshTokensRotationLimit)
	}
	if v := in.DefaultPasswordlessTokenExpiration; v != nil && (*v < 60 || *v > MaxRefreshTokenExpiration) {
		return invalid("defaultPasswordlessTokenExpiration", "defaultPasswordlessTokenExpiration must be between 60 and %d seconds", MaxRefreshTokenExpiration)
	}
	for _, e := range []struct {
		field string
		v     *string
		allow []string
	}{
		{"cookieSameSite", in.CookieSameSite, []string{"STRICT", "LAX", "NONE"}},
		{"machineToMachineAuthStrategy", in.MachineToMachineAuthStrategy, []string{"ClientCredentials", "AccessToken"}},
		{"jwtAlgorithm", in.JWTAlgorithm, []string{"RS256", "HS256"}},
		{"authStrategy", in.AuthStrategy, []string{"Code", "EmailAndPassword", "MagicLink", "NoLocalAuthentication", "SmsCode"}},
	} {
		if err := oneOf(e.field, e.v, e.allow); err != nil {
			return err
		}
	}
	return nil
}

func oneOf(field string, v *string, allow []string) error {
	if v == nil {
		return nil
	}
	for _, a := range allow {
		if *v == a {
			return nil
		}
	}
	return invalid(field, "%s must be one of %v", field, allow)
}

func (in VendorConfigUpdate) apply(c *store.EnvConfig) {
	setInt(&c.DefaultTokenExpiration, in.DefaultTokenExpiration)
	setInt(&c.DefaultRefreshTokenExpiration, in.DefaultRefreshTokenExpiration)
	setInt(&c.DefaultPasswordlessTokenExpiration, in.DefaultPasswordlessTokenExpiration)
	setInt(&c.RefreshTokensRotationLimit, in.RefreshTokensRotationLimit)
	setStr(&c.CookieSameSite, in.CookieSameSite)
	setStr(&c.MachineToMachineAuthStrategy, in.MachineToMachineAuthStrategy)
	setStr(&c.JWTAlgorithm, in.JWTAlgorithm)
	setStr(&c.AuthStrategy, in.AuthStrategy)
	setBool(&c.AllowSignups, in.AllowSignups)
	setBool(&c.APITokensEnabled, in.APITokensEnabled)
	setBool(&c.AllowOverridePasswordComplexity, in.AllowOverridePasswordComplexity)
	setBool(&c.AllowOverridePasswordExpiration, in.AllowOverridePasswordExpiration)
	setBool(&c.AllowOverrideEnforcePasswordHistory, in.AllowOverrideEnforcePasswordHistory)
	setBool(&c.AllowNotVerifiedUsersLogin, in.AllowNotVerifiedUsersLogin)
	setBool(&c.ForcePermissions, in.ForcePermissions)
	setBool(&c.AddSamlAttributesToJWT, in.AddSamlAttributesToJWT)
	setBool(&c.ForceSameDeviceOnAuth, in.ForceSameDeviceOnAuth)
	setBool(&c.AllowTenantInvitations, in.AllowTenantInvitations)
	setBool(&c.RotateRefreshTokens, in.RotateRefreshTokens)
	setBool(&c.SkipTenantValidation, in.SkipTenantValidation)
	setBool(&c.AddRolesToJWT, in.AddRolesToJWT)
	setBool(&c.AddPermissionsToJWT, in.AddPermissionsToJWT)
	setBool(&c.AllowCustomLoginTenantSwitch, in.AllowCustomLoginTenantSwitch)
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// CookiePolicy is how the HTTP layer should set the refresh-token cookie.
type CookiePolicy struct {
	// SameSite is STRICT, LAX or NONE.
	SameSite string
	// Lifetime is the refresh-token lifetime.
	Lifetime time.Duration
}

// RefreshCookiePolicy returns the cookie settings of the configuration.
func (id *Identity) RefreshCookiePolicy(ctx context.Context) (CookiePolicy, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return CookiePolicy{}, err
	}
	return CookiePolicy{SameSite: cfg.CookieSameSite, Lifetime: time.Duration(cfg.DefaultRefreshTokenExpiration) * time.Second}, nil
}
