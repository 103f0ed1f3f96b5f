package identity

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
)

// Names of the MFA settings documents (store.Setting).
const (
	settingMFAPolicy     = "mfa-policy"
	settingMFAStrategies = "mfa-strategies"
	settingMFAConfig     = "mfa-config"
)

// MFA strategies (MFAStrategyEnum).
const (
	StrategyAuthenticatorApp      = "AuthenticatorApp"
	StrategyWebAuthnPlatform      = "WebAuthnPlatform"
	StrategyWebAuthnCrossPlatform = "WebAuthnCrossPlatform"
	StrategySMS                   = "SMS"
	StrategyEmailCode             = "EmailCode"
)

// allStrategies lists the strategies in the order the API shows them.
var allStrategies = []string{StrategyAuthenticatorApp, StrategyWebAuthnPlatform, StrategyWebAuthnCrossPlatform, StrategySMS, StrategyEmailCode}

// defaultStrategies is what a new environment allows: authenticator apps
// and WebAuthn, which need nothing configured. SMS needs an SMS provider
// and e-mail codes are weaker than a device; the vendor turns them on.
var defaultStrategies = map[string]bool{
	StrategyAuthenticatorApp: true, StrategyWebAuthnPlatform: true, StrategyWebAuthnCrossPlatform: true,
	StrategySMS: false, StrategyEmailCode: false,
}

// Bounds of the MFA settings, in seconds.
const (
	// DefaultMFACodeLifetime is how long an SMS or e-mail code is valid
	// unless the MFA configuration says otherwise (and the least it may
	// say).
	DefaultMFACodeLifetime = 300
	maxMFACodeLifetime     = 86400
	minMFADeviceExpiration = 60
	maxMFADeviceExpiration = 365 * 86400
)

// --- WebAuthn relying party ---

// WithWebAuthn sets the WebAuthn relying party: rpID is the domain
// credentials are bound to (for example "example.com"; never an IP
// address), rpName the name browsers show, origins the page origins that
// run the ceremonies ("https://app.example.com"). Without it the relying
// party is derived from WithAppURL: its host ("localhost" for a loopback
// address) and its origin.
func WithWebAuthn(rpID, rpName string, origins ...string) Option {
	return func(id *Identity) error {
		if rpID == "" || len(origins) == 0 {
			return errors.New("identity: WithWebAuthn: an RP id and at least one origin are required")
		}
		id.webauthnCfg = &mfa.WebAuthnConfig{RPID: rpID, RPName: rpName, Origins: origins}
		return nil
	}
}

// initWebAuthn builds the relying party from WithWebAuthn, or from the app
// URL. A configuration given explicitly must be valid; a derived one that
// is not (an app URL on a bare IP address other than loopback) leaves
// WebAuthn off, and its routes say so.
func (id *Identity) initWebAuthn() error {
	cfg := id.webauthnCfg
	explicit := cfg != nil
	if !explicit {
		cfg = DefaultWebAuthnConfig(id.appURL)
	}
	if cfg == nil {
		return nil
	}
	w, err := mfa.NewWebAuthn(*cfg)
	if err == nil {
		// go-webauthn checks the RP id only when a ceremony begins.
		_, _, err = w.BeginRegistration(mfa.WebAuthnUser{ID: "check"}, nil)
	}
	if err != nil {
		if explicit {
			return fmt.Errorf("identity: WithWebAuthn: %w", err)
		}
		id.log.Warn("WebAuthn is off: cannot derive a relying party from the app URL; use WithWebAuthn", "appUrl", id.appURL, "error", err)
		return nil
	}
	id.webauthn = w
	return nil
}

// DefaultWebAuthnConfig derives a WebAuthn relying party from the public
// URL of the login pages: the RP id is its host name ("localhost" for a
// loopback address, since an RP id cannot be an IP address), the origin is
// the URL's origin (plus the same origin on "localhost" for a loopback
// address). It returns nil when appURL does not name a usable host.
func DefaultWebAuthnConfig(appURL string) *mfa.WebAuthnConfig {
	u, err := url.Parse(appURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil
	}
	host := u.Hostname()
	origin := u.Scheme + "://" + u.Host
	cfg := &mfa.WebAuthnConfig{RPID: host, RPName: host, Origins: []string{origin}}
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return nil
		}
		cfg.RPID, cfg.RPName = "localhost", "localhost"
		local := u.Scheme + "://localhost"
		if p := u.Port(); p != "" {
			local += ":" + p
		}
		cfg.Origins = append(cfg.Origins, local)
	}
	return cfg
}

func (id *Identity) relyingParty() (*mfa.WebAuthn, error) {
	if id.webauthn == nil {
		return nil, forbidden(CodeMFAStrategyOff, "WebAuthn is not configured on this server (identity.WithWebAuthn)")
	}
	return id.webauthn, nil
}

// --- MFA policy (MFA Settings) ---

// MFAPolicy is an MFA policy of the environment or of a tenant
// (MfaPolicyResponse).
type MFAPolicy struct {
	ID                    string    `json:"id"`
	EnforceMFAType        string    `json:"enforceMFAType"`
	AllowRememberMyDevice bool      `json:"allowRememberMyDevice"`
	MFADeviceExpiration   int       `json:"mfaDeviceExpiration"`
	CreatedAt             time.Time `json:"createdAt"`
	UpdatedAt             time.Time `json:"updatedAt"`
}

// MFAPolicyInput creates or changes an MFA policy (MfaPolicyRequest); nil
// fields take their default on creation and are kept on update.
type MFAPolicyInput struct {
	EnforceMFAType        *string `json:"enforceMFAType"`
	AllowRememberMyDevice *bool   `json:"allowRememberMyDevice"`
	MFADeviceExpiration   *int    `json:"mfaDeviceExpiration"`
}

func (in *MFAPolicyInput) empty() bool {
	return in.EnforceMFAType == nil && in.AllowRememberMyDevice == nil && in.MFADeviceExpiration == nil
}

func (in *MFAPolicyInput) validate() error {
	if in.EnforceMFAType != nil && !policy.EnforceMFA(*in.EnforceMFAType).Valid() {
		return invalid("enforceMFAType", "enforceMFAType must be DontForce, Force or ForceExceptSAML")
	}
	if in.MFADeviceExpiration != nil && (*in.MFADeviceExpiration < minMFADeviceExpiration || *in.MFADeviceExpiration > maxMFADeviceExpiration) {
		return invalid("mfaDeviceExpiration", "mfaDeviceExpiration must be between %d and %d seconds", minMFADeviceExpiration, maxMFADeviceExpiration)
	}
	return nil
}

func (in *MFAPolicyInput) apply(p *MFAPolicy) {
	if in.EnforceMFAType != nil {
		p.EnforceMFAType = *in.EnforceMFAType
	}
	if in.AllowRememberMyDevice != nil {
		p.AllowRememberMyDevice = *in.AllowRememberMyDevice
	}
	if in.MFADeviceExpiration != nil {
		p.MFADeviceExpiration = *in.MFADeviceExpiration
	}
}

// policyScope is the tenant whose MFA policy the principal manages: a
// user's own tenant, or for the environment token the tenant named by the
// frontegg-tenant-id header ("" for the environment-wide policy).
func policyScope(p *Principal) (string, error) {
	if p == nil {
		return "", unauthorized("", "authentication required")
	}
	return p.TenantID, nil
}

// loadMFAPolicy returns the policy saved for tenantID (nil if none).
func (id *Identity) loadMFAPolicy(ctx context.Context, st store.Store, tenantID string) (*MFAPolicy, error) {
	return loadSetting[*MFAPolicy](ctx, id, st, tenantID, settingMFAPolicy, nil)
}

// effectiveMFAPolicy is the policy in force for tenantID: the tenant's
// own, else the environment's, else nil.
func (id *Identity) effectiveMFAPolicy(ctx context.Context, st store.Store, tenantID string) (*MFAPolicy, error) {
	if tenantID != "" {
		p, err := id.loadMFAPolicy(ctx, st, tenantID)
		if err != nil || p != nil {
			return p, err
		}
	}
	return id.loadMFAPolicy(ctx, st, "")
}

// mfaPolicyFor returns the decision engine's view of the policy in force
// for tenantID; without any saved policy MFA is not forced.
func (id *Identity) mfaPolicyFor(ctx context.Context, tenantID string) (policy.MFAPolicy, error) {
	p, err := id.effectiveMFAPolicy(ctx, id.store, tenantID)
	if err != nil || p == nil {
		return policy.MFAPolicy{Enforce: policy.DontForce}, err
	}
	return policy.MFAPolicy{
		Enforce:             policy.EnforceMFA(p.EnforceMFAType),
		AllowRememberDevice: p.AllowRememberMyDevice,
		DeviceExpiration:    time.Duration(p.MFADeviceExpiration) * time.Second,
	}, nil
}

// GetMFAPolicy returns the MFA policy in force where the principal acts:
// its tenant's own policy, else the environment's. ErrNotFound when no
// policy was ever saved (MFA is then not forced).
func (id *Identity) GetMFAPolicy(ctx context.Context, p *Principal) (*MFAPolicy, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	pol, err := id.effectiveMFAPolicy(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	if pol == nil {
		return nil, notFound("no MFA policy; MFA is not forced")
	}
	return pol, nil
}

// CreateMFAPolicy saves a new MFA policy where the principal acts (its
// tenant, or the environment). ErrConflict if that scope has one already.
func (id *Identity) CreateMFAPolicy(ctx context.Context, p *Principal, in MFAPolicyInput) (*MFAPolicy, error) {
	return id.saveMFAPolicy(ctx, p, in, func(cur *MFAPolicy, _ *MFAPolicy) error {
		if cur != nil {
			return conflict("", "an MFA policy exists already; update it instead")
		}
		return nil
	})
}

// UpdateMFAPolicy changes the MFA policy where the principal acts. A tenant
// without a policy of its own gets one, starting from the environment's.
// ErrNotFound when neither exists; ErrInvalidInput when in changes nothing.
func (id *Identity) UpdateMFAPolicy(ctx context.Context, p *Principal, in MFAPolicyInput) (*MFAPolicy, error) {
	if in.empty() {
		return nil, invalid("enforceMFAType", "nothing to update: give enforceMFAType, allowRememberMyDevice or mfaDeviceExpiration")
	}
	return id.saveMFAPolicy(ctx, p, in, func(cur, inherited *MFAPolicy) error {
		if cur == nil && inherited == nil {
			return notFound("no MFA policy to update; create one first")
		}
		return nil
	})
}

// UpsertMFAPolicy creates or changes the MFA policy where the principal
// acts.
func (id *Identity) UpsertMFAPolicy(ctx context.Context, p *Principal, in MFAPolicyInput) (*MFAPolicy, error) {
	return id.saveMFAPolicy(ctx, p, in, func(*MFAPolicy, *MFAPolicy) error { return nil })
}

// saveMFAPolicy applies in to the policy of the principal's scope after
// check approves the current state (cur: the scope's own policy;
// inherited: the environment's, for a tenant).
func (id *Identity) saveMFAPolicy(ctx context.Context, p *Principal, in MFAPolicyInput, check func(cur, inherited *MFAPolicy) error) (*MFAPolicy, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *MFAPolicy
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if tenantID != "" {
			if _, err := tx.GetTenant(ctx, id.envID, tenantID); err != nil {
				return storeErr(err, "tenant "+tenantID)
			}
		}
		cur, err := id.loadMFAPolicy(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		var inherited *MFAPolicy
		if cur == nil && tenantID != "" {
			if inherited, err = id.loadMFAPolicy(ctx, tx, ""); err != nil {
				return err
			}
		}
		if err := check(cur, inherited); err != nil {
			return err
		}
		now := id.now()
		next := MFAPolicy{
			ID: id.newID(), EnforceMFAType: string(policy.Force), MFADeviceExpiration: int(policy.DefaultMFADeviceExpiration / time.Second),
			CreatedAt: now,
		}
		switch {
		case cur != nil:
			next = *cur
		case inherited != nil:
			next.EnforceMFAType, next.AllowRememberMyDevice, next.MFADeviceExpiration =
				inherited.EnforceMFAType, inherited.AllowRememberMyDevice, inherited.MFADeviceExpiration
		}
		in.apply(&next)
		next.UpdatedAt = now
		out = &next
		return saveSetting(ctx, id, tx, tenantID, settingMFAPolicy, &next)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RememberDevicePolicy says whether the MFA step may offer to remember the
// device (IAllowedToRememberMfaDevice).
type RememberDevicePolicy struct {
	IsAllowedToRemember bool `json:"isAllowedToRemember"`
	// MFADeviceExpiration is in seconds.
	MFADeviceExpiration int `json:"mfaDeviceExpiration"`
}

// CheckRememberDevice tells the MFA step of a login (identified by its
// mfaToken) whether the policy of the user's tenant lets it remember the
// device.
func (id *Identity) CheckRememberDevice(ctx context.Context, mfaToken string) (*RememberDevicePolicy, error) {
	step, err := id.openMFAStep(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	pol, err := id.mfaPolicyFor(ctx, step.tok.TenantID)
	if err != nil {
		return nil, err
	}
	return &RememberDevicePolicy{IsAllowedToRemember: pol.AllowRememberDevice, MFADeviceExpiration: int(pol.DeviceExpiration / time.Second)}, nil
}

// --- MFA strategies (MFA Settings) ---

// MFAStrategy is one strategy and whether users may use it
// (MFAStrategyResponse).
type MFAStrategy struct {
	Strategy string `json:"strategy"`
	IsActive bool   `json:"isActive"`
}

// MFAStrategies is the environment's strategies (MFAStrategiesResponse).
type MFAStrategies struct {
	Strategies []MFAStrategy `json:"strategies"`
}

func (id *Identity) strategies(ctx context.Context, st store.Store) (map[string]bool, error) {
	m, err := loadSetting(ctx, id, st, "", settingMFAStrategies, map[string]bool{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(allStrategies))
	for _, s := range allStrategies {
		v, ok := m[s]
		if !ok {
			v = defaultStrategies[s]
		}
		out[s] = v
	}
	return out, nil
}

// activeStrategies lists the strategies users may use, in API order.
func activeStrategies(m map[string]bool) []string {
	out := []string{}
	for _, s := range allStrategies {
		if m[s] {
			out = append(out, s)
		}
	}
	return out
}

// GetMFAStrategies returns every MFA strategy and whether it is active.
func (id *Identity) GetMFAStrategies(ctx context.Context) (*MFAStrategies, error) {
	m, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	out := &MFAStrategies{Strategies: make([]MFAStrategy, 0, len(allStrategies))}
	for _, s := range allStrategies {
		out.Strategies = append(out.Strategies, MFAStrategy{Strategy: s, IsActive: m[s]})
	}
	return out, nil
}

// MFAStrategyInput turns a strategy on or off
// (CreateOrUpdateMFAStrategyRequest).
type MFAStrategyInput struct {
	Strategy string `json:"strategy"`
	IsActive *bool  `json:"isActive"`
}

func validStrategy(s string) bool {
	for _, v := range allStrategies {
		if v == s {
			return true
		}
	}
	return false
}

// SetMFAStrategy turns one strategy on or off. Devices of a strategy that
// is off stop counting as second factors until it is on again.
func (id *Identity) SetMFAStrategy(ctx context.Context, in MFAStrategyInput) (*MFAStrategies, error) {
	if !validStrategy(in.Strategy) {
		return nil, invalid("strategy", "strategy must be one of AuthenticatorApp, WebAuthnPlatform, WebAuthnCrossPlatform, SMS, EmailCode")
	}
	if in.IsActive == nil {
		return nil, invalid("isActive", "isActive is required")
	}
	err := id.store.InTx(ctx, func(tx store.Store) error {
		return id.setStrategies(ctx, tx, map[string]bool{in.Strategy: *in.IsActive})
	})
	if err != nil {
		return nil, err
	}
	return id.GetMFAStrategies(ctx)
}

func (id *Identity) setStrategies(ctx context.Context, tx store.Store, changes map[string]bool) error {
	m, err := id.strategies(ctx, tx)
	if err != nil {
		return err
	}
	for k, v := range changes {
		m[k] = v
	}
	return saveSetting(ctx, id, tx, "", settingMFAStrategies, m)
}

// --- MFA configuration (MFA Configuration) ---

// mfaConfigDoc is the stored MFA configuration; the active flags live in
// the strategies document, the one place they are kept.
type mfaConfigDoc struct {
	ServiceName               string `json:"serviceName"`
	SMSTokenLifetimeSeconds   int    `json:"smsTokenLifetimeSeconds"`
	EmailTokenLifetimeSeconds int    `json:"emailTokenLifetimeSeconds"`
	EmailSender               string `json:"emailSender"`
}

var defaultMFAConfig = mfaConfigDoc{ServiceName: "yolk", SMSTokenLifetimeSeconds: DefaultMFACodeLifetime, EmailTokenLifetimeSeconds: DefaultMFACodeLifetime}

func (id *Identity) mfaConfig(ctx context.Context, st store.Store) (mfaConfigDoc, error) {
	return loadSetting(ctx, id, st, "", settingMFAConfig, defaultMFAConfig)
}

// MFAConfig is the environment's MFA configuration (MfaConfigResponse).
type MFAConfig struct {
	AuthenticationApp MFAAuthAppConfig `json:"authenticationApp"`
	SMS               MFASMSConfig     `json:"sms"`
	Email             MFAEmailConfig   `json:"email"`
}

// MFAAuthAppConfig configures authenticator apps: ServiceName is the
// issuer the app shows beside the code.
type MFAAuthAppConfig struct {
	Active      bool   `json:"active"`
	ServiceName string `json:"serviceName"`
}

// MFASMSConfig configures SMS codes; TokenLifetimeSeconds is how long a
// code is valid.
type MFASMSConfig struct {
	Active               bool `json:"active"`
	TokenLifetimeSeconds int  `json:"tokenLifetimeSeconds"`
}

// MFAEmailConfig configures e-mail codes; Sender names the service in the
// e-mail.
type MFAEmailConfig struct {
	Active               bool   `json:"active"`
	TokenLifetimeSeconds int    `json:"tokenLifetimeSeconds"`
	Sender               string `json:"sender"`
}

// MFAConfigInput changes the MFA configuration (MfaConfigRequest); absent
// sections and fields are kept.
type MFAConfigInput struct {
	AuthenticationApp *struct {
		Active      *bool   `json:"active"`
		ServiceName *string `json:"serviceName"`
	} `json:"authenticationApp"`
	SMS *struct {
		Active               *bool `json:"active"`
		TokenLifetimeSeconds *int  `json:"tokenLifetimeSeconds"`
	} `json:"sms"`
	Email *struct {
		Active               *bool   `json:"active"`
		TokenLifetimeSeconds *int    `json:"tokenLifetimeSeconds"`
		Sender               *string `json:"sender"`
	} `json:"email"`
}

func checkLifetime(field string, v *int) error {
	if v != nil && (*v < DefaultMFACodeLifetime || *v > maxMFACodeLifetime) {
		return invalid(field, "%s must be between %d and %d seconds", field, DefaultMFACodeLifetime, maxMFACodeLifetime)
	}
	return nil
}

func (in *MFAConfigInput) validate() error {
	if a := in.AuthenticationApp; a != nil && a.ServiceName != nil {
		if *a.ServiceName == "" {
			return invalid("authenticationApp.serviceName", "authenticationApp.serviceName must not be empty")
		}
		if err := checkLen("authenticationApp.serviceName", *a.ServiceName, 100); err != nil {
			return err
		}
	}
	if s := in.SMS; s != nil {
		if err := checkLifetime("sms.tokenLifetimeSeconds", s.TokenLifetimeSeconds); err != nil {
			return err
		}
	}
	if e := in.Email; e != nil {
		if err := checkLifetime("email.tokenLifetimeSeconds", e.TokenLifetimeSeconds); err != nil {
			return err
		}
		if e.Sender != nil {
			if err := checkLen("email.sender", *e.Sender, 255); err != nil {
				return err
			}
		}
	}
	return nil
}

// GetMFAConfig returns the environment's MFA configuration.
func (id *Identity) GetMFAConfig(ctx context.Context) (*MFAConfig, error) {
	return id.readMFAConfig(ctx, id.store)
}

func (id *Identity) readMFAConfig(ctx context.Context, st store.Store) (*MFAConfig, error) {
	doc, err := id.mfaConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	m, err := id.strategies(ctx, st)
	if err != nil {
		return nil, err
	}
	return &MFAConfig{
		AuthenticationApp: MFAAuthAppConfig{Active: m[StrategyAuthenticatorApp], ServiceName: doc.ServiceName},
		SMS:               MFASMSConfig{Active: m[StrategySMS], TokenLifetimeSeconds: doc.SMSTokenLifetimeSeconds},
		Email:             MFAEmailConfig{Active: m[StrategyEmailCode], TokenLifetimeSeconds: doc.EmailTokenLifetimeSeconds, Sender: doc.EmailSender},
	}, nil
}

// UpdateMFAConfig changes the MFA configuration. The active flags are the
// AuthenticatorApp, SMS and EmailCode strategies.
func (id *Identity) UpdateMFAConfig(ctx context.Context, in MFAConfigInput) (*MFAConfig, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *MFAConfig
	err := id.store.InTx(ctx, func(tx store.Store) error {
		doc, err := id.mfaConfig(ctx, tx)
		if err != nil {
			return err
		}
		changes := map[string]bool{}
		if a := in.AuthenticationApp; a != nil {
			setStr(&doc.ServiceName, a.ServiceName)
			if a.Active != nil {
				changes[StrategyAuthenticatorApp] = *a.Active
			}
		}
		if s := in.SMS; s != nil {
			if s.TokenLifetimeSeconds != nil {
				doc.SMSTokenLifetimeSeconds = *s.TokenLifetimeSeconds
			}
			if s.Active != nil {
				changes[StrategySMS] = *s.Active
			}
		}
		if e := in.Email; e != nil {
			if e.TokenLifetimeSeconds != nil {
				doc.EmailTokenLifetimeSeconds = *e.TokenLifetimeSeconds
			}
			setStr(&doc.EmailSender, e.Sender)
			if e.Active != nil {
				changes[StrategyEmailCode] = *e.Active
			}
		}
		if err := saveSetting(ctx, id, tx, "", settingMFAConfig, doc); err != nil {
			return err
		}
		if err := id.setStrategies(ctx, tx, changes); err != nil {
			return err
		}
		out, err = id.readMFAConfig(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
