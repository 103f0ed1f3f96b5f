package identity

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
)

// DefaultArgon2Params are the production argon2id parameters: 19 MiB, two
// passes, one lane (OWASP's recommended minimum). They are pinned rather than
// taken from argon2id.DefaultParams, whose parallelism follows the host's CPU
// count and would make the cost differ between machines.
var DefaultArgon2Params = argon2id.Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Password length limits: the defaults of the password configuration
// (PasswordConfig), and the bounds it may set. MaxPasswordLength also keeps
// a hostile request from making the server hash megabytes.
const (
	MinPasswordLength = 6
	MaxPasswordLength = 128
)

// passwordHasher hashes and checks passwords with argon2id, bounding the
// number of concurrent hashes to the CPU count so a login storm queues
// instead of exhausting memory.
type passwordHasher struct {
	params argon2id.Params
	sem    chan struct{}
	// dummy is a hash of a random password with the current parameters,
	// verified when the user does not exist so that unknown and known users
	// take the same time.
	dummyOnce sync.Once
	dummy     string
}

func newPasswordHasher(p argon2id.Params) *passwordHasher {
	return &passwordHasher{params: p, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

func (h *passwordHasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *passwordHasher) release() { <-h.sem }

// hash returns the encoded argon2id hash of password.
func (h *passwordHasher) hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	s, err := argon2id.CreateHash(password, &p)
	if err != nil {
		return "", fmt.Errorf("identity: hashing password: %w", err)
	}
	return s, nil
}

// verify reports whether password matches encoded, and whether encoded was
// made with other parameters than the current ones (so it should be
// rehashed).
func (h *passwordHasher) verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	ok, p, err := argon2id.CheckHash(password, encoded)
	if err != nil {
		return false, false, fmt.Errorf("identity: checking password hash: %w", err)
	}
	if ok {
		cur := h.params
		rehash = p.Memory != cur.Memory || p.Iterations != cur.Iterations ||
			p.Parallelism != cur.Parallelism || p.KeyLength != cur.KeyLength || p.SaltLength != cur.SaltLength
	}
	return ok, rehash, nil
}

// burn spends the time of one verification on a throwaway hash.
func (h *passwordHasher) burn(ctx context.Context, password string) {
	h.dummyOnce.Do(func() {
		p := h.params
		h.dummy, _ = argon2id.CreateHash("yolk-dummy-password", &p)
	})
	if h.dummy != "" {
		_, _, _ = h.verify(ctx, password, h.dummy)
	}
}

// Names of the password policy documents (store.Setting), each kept per
// tenant and environment-wide.
const (
	settingPasswordConfig   = "password-config"
	settingPasswordHistory  = "password-history-policy"
	settingPasswordRotation = "password-rotation"
)

// Bounds of the password policies.
const (
	// MaxPasswordHistorySize is the most earlier passwords the history
	// policy may remember.
	MaxPasswordHistorySize = 10
	// maxRotationMinutes bounds the expiration and notification periods
	// (five years, in minutes).
	maxRotationMinutes = 2628000
	// Defaults of the password expiration policy, in minutes: 90 days,
	// notified 7 days ahead.
	defaultRotationPeriod      = 129600
	defaultNotificationPeriod  = 10080
	defaultMinPhraseLength     = 20
	maxOptionalPasswordTests   = 4
	defaultPasswordHistorySize = 1
)

// BreachedPasswordChecker tells whether a password is known from data
// breaches. While a password configuration in force has
// blockPwnedPasswords set, new passwords it reports breached are refused.
// Package pwned provides one for the Have I Been Pwned range API.
type BreachedPasswordChecker interface {
	Breached(ctx context.Context, password string) (bool, error)
}

// WithBreachedPasswordChecker sets the checker behind the password
// configuration's blockPwnedPasswords. Without one, turning
// blockPwnedPasswords on is refused. When the checker fails (its service is
// unreachable) the password is accepted and the failure logged, so that an
// outage elsewhere does not stop sign-ups and resets.
func WithBreachedPasswordChecker(c BreachedPasswordChecker) Option {
	return func(id *Identity) error {
		if c == nil {
			return errors.New("identity: WithBreachedPasswordChecker: nil checker")
		}
		id.breached = c
		return nil
	}
}

// --- Password complexity (PasswordConfig) ---

// PasswordOptionalTests are the character classes a password configuration
// counts (OptionalTestsConfig).
type PasswordOptionalTests struct {
	RequireLowercase    bool `json:"requireLowercase"`
	RequireUppercase    bool `json:"requireUppercase"`
	RequireNumbers      bool `json:"requireNumbers"`
	RequireSpecialChars bool `json:"requireSpecialChars"`
}

// PasswordRequiredTests are the extra tests every password must pass
// (RequiredTestsConfig).
type PasswordRequiredTests struct {
	CheckThreeRepeatedChars bool `json:"checkThreeRepeatedChars"`
}

// PasswordConfig is a password complexity policy (PasswordConfigResponse):
// every new password — at sign-up, activation, invitation acceptance,
// creation by the environment, reset and change — must be MinLength to
// MaxLength characters long and pass the required tests, and, unless
// passphrases are allowed and it has at least MinPhraseLength characters,
// pass MinOptionalTestsToPass of the enabled optional tests. With
// BlockPwnedPasswords, passwords known from data breaches are refused
// (WithBreachedPasswordChecker). A tenant may have its own; a user subject
// to several (a member of several tenants) must satisfy each.
type PasswordConfig struct {
	AllowPassphrases       bool                  `json:"allowPassphrases"`
	MaxLength              int                   `json:"maxLength"`
	MinLength              int                   `json:"minLength"`
	MinPhraseLength        int                   `json:"minPhraseLength"`
	MinOptionalTestsToPass int                   `json:"minOptionalTestsToPass"`
	BlockPwnedPasswords    bool                  `json:"blockPwnedPasswords"`
	OptionalTests          PasswordOptionalTests `json:"optionalTests"`
	RequiredTests          PasswordRequiredTests `json:"requiredTests"`
}

// DefaultPasswordConfig is the configuration in force until one is saved:
// MinPasswordLength to MaxPasswordLength characters, nothing else
// required.
func DefaultPasswordConfig() PasswordConfig {
	return PasswordConfig{MinLength: MinPasswordLength, MaxLength: MaxPasswordLength, MinPhraseLength: defaultMinPhraseLength}
}

func (c *PasswordConfig) rules() policy.PasswordRules {
	return policy.PasswordRules{
		MinLength: c.MinLength, MaxLength: c.MaxLength,
		AllowPassphrases: c.AllowPassphrases, MinPhraseLength: c.MinPhraseLength,
		MinOptionalTestsToPass:  c.MinOptionalTestsToPass,
		RequireLowercase:        c.OptionalTests.RequireLowercase,
		RequireUppercase:        c.OptionalTests.RequireUppercase,
		RequireNumbers:          c.OptionalTests.RequireNumbers,
		RequireSpecialChars:     c.OptionalTests.RequireSpecialChars,
		CheckThreeRepeatedChars: c.RequiredTests.CheckThreeRepeatedChars,
	}
}

func configOfRules(r policy.PasswordRules, blockPwned bool) PasswordConfig {
	return PasswordConfig{
		AllowPassphrases: r.AllowPassphrases, MaxLength: r.MaxLength, MinLength: r.MinLength,
		MinPhraseLength: r.MinPhraseLength, MinOptionalTestsToPass: r.MinOptionalTestsToPass, BlockPwnedPasswords: blockPwned,
		OptionalTests: PasswordOptionalTests{RequireLowercase: r.RequireLowercase, RequireUppercase: r.RequireUppercase,
			RequireNumbers: r.RequireNumbers, RequireSpecialChars: r.RequireSpecialChars},
		RequiredTests: PasswordRequiredTests{CheckThreeRepeatedChars: r.CheckThreeRepeatedChars},
	}
}

// PasswordConfigInput creates or changes a password configuration
// (PasswordConfigRequest). Absent fields keep their current value (the
// default, or for a tenant without its own configuration, the
// environment's).
type PasswordConfigInput struct {
	AllowPassphrases       *bool                       `json:"allowPassphrases"`
	MaxLength              *int                        `json:"maxLength"`
	MinLength              *int                        `json:"minLength"`
	MinPhraseLength        *int                        `json:"minPhraseLength"`
	MinOptionalTestsToPass *int                        `json:"minOptionalTestsToPass"`
	BlockPwnedPasswords    *bool                       `json:"blockPwnedPasswords"`
	OptionalTests          *PasswordOptionalTestsInput `json:"optionalTests"`
	RequiredTests          *PasswordRequiredTestsInput `json:"requiredTests"`
}

// PasswordOptionalTestsInput changes the optional tests; absent fields keep
// their value.
type PasswordOptionalTestsInput struct {
	RequireLowercase    *bool `json:"requireLowercase"`
	RequireUppercase    *bool `json:"requireUppercase"`
	RequireNumbers      *bool `json:"requireNumbers"`
	RequireSpecialChars *bool `json:"requireSpecialChars"`
}

// PasswordRequiredTestsInput changes the required tests; absent fields keep
// their value.
type PasswordRequiredTestsInput struct {
	CheckThreeRepeatedChars *bool `json:"checkThreeRepeatedChars"`
}

func (in *PasswordConfigInput) apply(c *PasswordConfig) {
	setBool(&c.AllowPassphrases, in.AllowPassphrases)
	setInt(&c.MaxLength, in.MaxLength)
	setInt(&c.MinLength, in.MinLength)
	setInt(&c.MinPhraseLength, in.MinPhraseLength)
	setInt(&c.MinOptionalTestsToPass, in.MinOptionalTestsToPass)
	setBool(&c.BlockPwnedPasswords, in.BlockPwnedPasswords)
	if o := in.OptionalTests; o != nil {
		setBool(&c.OptionalTests.RequireLowercase, o.RequireLowercase)
		setBool(&c.OptionalTests.RequireUppercase, o.RequireUppercase)
		setBool(&c.OptionalTests.RequireNumbers, o.RequireNumbers)
		setBool(&c.OptionalTests.RequireSpecialChars, o.RequireSpecialChars)
	}
	if r := in.RequiredTests; r != nil {
		setBool(&c.RequiredTests.CheckThreeRepeatedChars, r.CheckThreeRepeatedChars)
	}
}

// validate checks a configuration after the input was applied.
func (id *Identity) validatePasswordConfig(c *PasswordConfig) error {
	switch {
	case c.MinLength < 1 || c.MinLength > MaxPasswordLength:
		return invalid("minLength", "minLength must be between 1 and %d", MaxPasswordLength)
	case c.MaxLength < c.MinLength || c.MaxLength > MaxPasswordLength:
		return invalid("maxLength", "maxLength must be between minLength (%d) and %d", c.MinLength, MaxPasswordLength)
	case c.MinPhraseLength < 1 || c.MinPhraseLength > MaxPasswordLength:
		return invalid("minPhraseLength", "minPhraseLength must be between 1 and %d", MaxPasswordLength)
	case c.AllowPassphrases && (c.MinPhraseLength < c.MinLength || c.MinPhraseLength > c.MaxLength):
		return invalid("minPhraseLength", "minPhraseLength must be between minLength (%d) and maxLength (%d) when passphrases are allowed", c.MinLength, c.MaxLength)
	case c.MinOptionalTestsToPass < 0 || c.MinOptionalTestsToPass > maxOptionalPasswordTests:
		return invalid("minOptionalTestsToPass", "minOptionalTestsToPass must be between 0 and %d", maxOptionalPasswordTests)
	}
	if n := c.rules().OptionalTests(); c.MinOptionalTestsToPass > n {
		return invalid("minOptionalTestsToPass", "minOptionalTestsToPass (%d) is more than the optional tests enabled (%d); enable them in optionalTests", c.MinOptionalTestsToPass, n)
	}
	if c.BlockPwnedPasswords && id.breached == nil {
		return invalid("blockPwnedPasswords", "blockPwnedPasswords cannot be enabled: this server has no breached-password checker configured")
	}
	return nil
}

// loadScoped reads, in st, the policy document name of tenantID ("" for the
// environment) and, for a tenant without one of its own, the environment's
// (inherited).
func loadScoped[T any](ctx context.Context, id *Identity, st store.Store, tenantID, name string) (cur, inherited *T, err error) {
	if cur, err = loadSetting[*T](ctx, id, st, tenantID, name, nil); err != nil || cur != nil || tenantID == "" {
		return cur, nil, err
	}
	inherited, err = loadSetting[*T](ctx, id, st, "", name, nil)
	return nil, inherited, err
}

// effectiveScoped is the policy document in force for tenantID: its own,
// else the environment's, else nil.
func effectiveScoped[T any](ctx context.Context, id *Identity, st store.Store, tenantID, name string) (*T, error) {
	cur, inherited, err := loadScoped[T](ctx, id, st, tenantID, name)
	if cur != nil || err != nil {
		return cur, err
	}
	return inherited, nil
}

// effectiveForTenants returns the policy documents in force for tenantIDs
// (the environment alone when there are none): each tenant's own, else the
// environment's (once). missing reports that some scope has neither.
func effectiveForTenants[T any](ctx context.Context, id *Identity, st store.Store, tenantIDs []string, name string) (docs []*T, missing bool, err error) {
	env, err := loadSetting[*T](ctx, id, st, "", name, nil)
	if err != nil {
		return nil, false, err
	}
	if len(tenantIDs) == 0 {
		if env == nil {
			return nil, true, nil
		}
		return []*T{env}, false, nil
	}
	envAdded := false
	for _, t := range tenantIDs {
		own, err := loadSetting[*T](ctx, id, st, t, name, nil)
		if err != nil {
			return nil, false, err
		}
		switch {
		case own != nil:
			docs = append(docs, own)
		case env == nil:
			missing = true
		case !envAdded:
			envAdded = true
			docs = append(docs, env)
		}
	}
	return docs, missing, nil
}

// checkScopeTenant makes sure the tenant a principal's policy change is for
// exists.
func (id *Identity) checkScopeTenant(ctx context.Context, tx store.Store, tenantID string) error {
	if tenantID == "" {
		return nil
	}
	_, err := tx.GetTenant(ctx, id.envID, tenantID)
	return storeErr(err, "tenant "+tenantID)
}

// userTenantIDs lists the tenants userID belongs to.
func userTenantIDs(ctx context.Context, st store.Store, userID string) ([]string, error) {
	ms, err := st.ListUserMemberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.TenantID
	}
	return out, nil
}

// passwordConfigs returns the configurations a password for a member of
// tenantIDs must satisfy (the environment's alone for none); the default
// when none was saved.
func (id *Identity) passwordConfigs(ctx context.Context, st store.Store, tenantIDs []string) ([]*PasswordConfig, error) {
	cs, missing, err := effectiveForTenants[PasswordConfig](ctx, id, st, tenantIDs, settingPasswordConfig)
	if err != nil {
		return nil, err
	}
	// A scope without a configuration of its own or the environment's
	// follows the default.
	if missing {
		d := DefaultPasswordConfig()
		cs = append(cs, &d)
	}
	return cs, nil
}

// GetPasswordConfig returns the password configuration in force where the
// principal acts: its tenant's own, else the environment's, else
// DefaultPasswordConfig.
func (id *Identity) GetPasswordConfig(ctx context.Context, p *Principal) (*PasswordConfig, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	c, err := effectiveScoped[PasswordConfig](ctx, id, id.store, tenantID, settingPasswordConfig)
	if err != nil {
		return nil, err
	}
	if c == nil {
		d := DefaultPasswordConfig()
		c = &d
	}
	return c, nil
}

// SavePasswordConfig creates or changes the password configuration where
// the principal acts (its tenant, or the environment); a tenant without one
// of its own starts from the environment's. It applies to passwords set
// from then on.
func (id *Identity) SavePasswordConfig(ctx context.Context, p *Principal, in PasswordConfigInput) (*PasswordConfig, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	var out PasswordConfig
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		cur, inherited, err := loadScoped[PasswordConfig](ctx, id, tx, tenantID, settingPasswordConfig)
		if err != nil {
			return err
		}
		out = DefaultPasswordConfig()
		switch {
		case cur != nil:
			out = *cur
		case inherited != nil:
			out = *inherited
		}
		in.apply(&out)
		if err := id.validatePasswordConfig(&out); err != nil {
			return err
		}
		return saveSetting(ctx, id, tx, tenantID, settingPasswordConfig, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetUserPasswordConfig returns the strictest password configuration the
// user is subject to (see policy.StrictestPasswordRules), what a login page
// renders beside a new-password field. Without userID, or for an unknown
// one, it is the environment's.
func (id *Identity) GetUserPasswordConfig(ctx context.Context, userID string) (*PasswordConfig, error) {
	var tenantIDs []string
	if userID != "" {
		var err error
		if tenantIDs, err = userTenantIDs(ctx, id.store, userID); err != nil {
			return nil, err
		}
	}
	cs, err := id.passwordConfigs(ctx, id.store, tenantIDs)
	if err != nil {
		return nil, err
	}
	rules := make([]policy.PasswordRules, len(cs))
	blockPwned := false
	for i, c := range cs {
		rules[i] = c.rules()
		blockPwned = blockPwned || c.BlockPwnedPasswords
	}
	out := configOfRules(policy.StrictestPasswordRules(rules...), blockPwned)
	return &out, nil
}

func errWeakPassword(field, format string, args ...any) error {
	return &Error{Kind: ErrInvalidInput, Code: CodeWeakPassword, Field: field, Message: fmt.Sprintf(format, args...)}
}

// checkPasswordRules checks a new password against every password
// configuration in force for a member of tenantIDs (the environment's for
// none), as read from st. It is the one check every way of setting a
// password goes through.
func (id *Identity) checkPasswordRules(ctx context.Context, st store.Store, field, password string, tenantIDs []string) error {
	if len(password) > 4*MaxPasswordLength {
		return errWeakPassword(field, "%s must be at most %d characters long", field, MaxPasswordLength)
	}
	cs, err := id.passwordConfigs(ctx, st, tenantIDs)
	if err != nil {
		return err
	}
	var broken []string
	blockPwned := false
	for _, c := range cs {
		for _, v := range c.rules().Violations(password) {
			if !slices.Contains(broken, v) {
				broken = append(broken, v)
			}
		}
		blockPwned = blockPwned || c.BlockPwnedPasswords
	}
	if len(broken) > 0 {
		return errWeakPassword(field, "%s %s", field, strings.Join(broken, "; "))
	}
	if blockPwned && id.breached != nil {
		bad, err := id.breached.Breached(ctx, password)
		if err != nil {
			id.log.WarnContext(ctx, "breached-password check failed; password accepted", "error", err)
		} else if bad {
			return errWeakPassword(field, "%s appears in a known data breach; choose another", field)
		}
	}
	return nil
}

// --- Password history ---

// PasswordHistoryPolicy is a password history policy
// (PasswordHistoryPolicyResponse): while enabled, a new password may not
// be any of the user's last HistorySize passwords (the current one
// included).
type PasswordHistoryPolicy struct {
	ID          string    `json:"id"`
	Enabled     bool      `json:"enabled"`
	HistorySize int       `json:"historySize"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// PasswordHistoryPolicyInput creates or changes a password history policy
// (PasswordHistoryPolicyRequest). Enabled is required on creation;
// HistorySize (1 to MaxPasswordHistorySize) defaults to 1. Absent fields
// keep their value on update.
type PasswordHistoryPolicyInput struct {
	Enabled     *bool `json:"enabled"`
	HistorySize *int  `json:"historySize"`
}

func (in *PasswordHistoryPolicyInput) validate() error {
	if in.HistorySize != nil && (*in.HistorySize < 1 || *in.HistorySize > MaxPasswordHistorySize) {
		return invalid("historySize", "historySize must be between 1 and %d", MaxPasswordHistorySize)
	}
	return nil
}

// GetPasswordHistoryPolicy returns the history policy in force where the
// principal acts (its tenant's own, else the environment's); ErrNotFound
// when there is none.
func (id *Identity) GetPasswordHistoryPolicy(ctx context.Context, p *Principal) (*PasswordHistoryPolicy, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	pol, err := effectiveScoped[PasswordHistoryPolicy](ctx, id, id.store, tenantID, settingPasswordHistory)
	if err != nil {
		return nil, err
	}
	if pol == nil {
		return nil, notFound("no password history policy; passwords may be reused")
	}
	return pol, nil
}

// CreatePasswordHistoryPolicy saves a new history policy where the
// principal acts; ErrConflict if that scope has one already.
func (id *Identity) CreatePasswordHistoryPolicy(ctx context.Context, p *Principal, in PasswordHistoryPolicyInput) (*PasswordHistoryPolicy, error) {
	if in.Enabled == nil {
		return nil, invalid("enabled", "enabled is required")
	}
	return id.savePasswordHistoryPolicy(ctx, p, in, true)
}

// UpdatePasswordHistoryPolicy changes the history policy where the
// principal acts; a tenant without its own starts from the environment's.
// ErrNotFound when neither exists.
func (id *Identity) UpdatePasswordHistoryPolicy(ctx context.Context, p *Principal, in PasswordHistoryPolicyInput) (*PasswordHistoryPolicy, error) {
	if in.Enabled == nil && in.HistorySize == nil {
		return nil, invalid("enabled", "nothing to update: give enabled or historySize")
	}
	return id.savePasswordHistoryPolicy(ctx, p, in, false)
}

func (id *Identity) savePasswordHistoryPolicy(ctx context.Context, p *Principal, in PasswordHistoryPolicyInput, create bool) (*PasswordHistoryPolicy, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out PasswordHistoryPolicy
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		cur, inherited, err := loadScoped[PasswordHistoryPolicy](ctx, id, tx, tenantID, settingPasswordHistory)
		if err != nil {
			return err
		}
		if err := checkPolicyMode("password history", create, cur != nil, inherited != nil); err != nil {
			return err
		}
		now := id.now()
		out = PasswordHistoryPolicy{ID: id.newID(), HistorySize: defaultPasswordHistorySize, CreatedAt: now}
		switch {
		case cur != nil:
			out = *cur
		case inherited != nil:
			out.Enabled, out.HistorySize = inherited.Enabled, inherited.HistorySize
		}
		setBool(&out.Enabled, in.Enabled)
		setInt(&out.HistorySize, in.HistorySize)
		out.UpdatedAt = now
		return saveSetting(ctx, id, tx, tenantID, settingPasswordHistory, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkPolicyMode enforces the create/update split of the policy routes:
// creating where the scope has a policy is ErrConflict, updating where
// neither the scope nor (for a tenant) the environment has one ErrNotFound.
func checkPolicyMode(what string, create, own, inherited bool) error {
	switch {
	case create && own:
		return conflict("", "a %s policy exists already; update it instead", what)
	case !create && !own && !inherited:
		return notFound("no %s policy to update; create one first", what)
	}
	return nil
}

// historySize is how many passwords the history policies in force for a
// member of tenantIDs remember (the largest enabled size; 0 for none).
func (id *Identity) historySize(ctx context.Context, st store.Store, tenantIDs []string) (int, error) {
	ps, _, err := effectiveForTenants[PasswordHistoryPolicy](ctx, id, st, tenantIDs, settingPasswordHistory)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ps {
		if p.Enabled {
			n = max(n, min(p.HistorySize, MaxPasswordHistorySize))
		}
	}
	return n, nil
}

// checkPasswordHistory refuses password when it is one of the last size
// passwords of cred (the current one and size-1 earlier ones). Each
// comparison is an argon2id verification.
func (id *Identity) checkPasswordHistory(ctx context.Context, field, password string, cred *store.PasswordCredential, size int) error {
	if cred == nil || size <= 0 {
		return nil
	}
	hashes := append([]string{cred.Hash}, cred.History[:min(len(cred.History), size-1)]...)
	for _, h := range hashes {
		ok, _, err := id.hasher.verify(ctx, password, h)
		if err != nil {
			// An earlier hash in a format argon2id cannot read (an
			// imported one) cannot be compared; skip it.
			id.log.WarnContext(ctx, "password history entry unreadable", "userId", cred.UserID, "error", err)
			continue
		}
		if ok {
			return errWeakPassword(field, "%s was used recently; choose one you have not used in your last %d passwords", field, size)
		}
	}
	return nil
}

// setPassword stores hash as userID's new password in tx, moving the
// current one into the history when the policy keeps size passwords.
func (id *Identity) setPassword(ctx context.Context, tx store.Store, userID, hash string, size int) error {
	cur, err := tx.GetPassword(ctx, userID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	next := &store.PasswordCredential{UserID: userID, Hash: hash, UpdatedAt: id.now()}
	if cur != nil && size > 1 {
		next.History = append([]string{cur.Hash}, cur.History...)
		next.History = next.History[:min(len(next.History), size-1)]
	}
	return tx.PutPassword(ctx, next)
}

// --- Password expiration (rotation) ---

// PasswordRotationConfig is a password expiration policy
// (PasswordRotationConfigurationResponse): while active, a password older
// than RotationPeriod minutes must be replaced at the next login (which
// answers with a resetPasswordToken instead of tokens), and within
// NotificationPeriod minutes of that, logins carry passwordExpiresIn.
// TenantID is the tenant the configuration belongs to ("" for the
// environment's).
type PasswordRotationConfig struct {
	IsActive           bool      `json:"isActive"`
	RotationPeriod     int       `json:"rotationPeriod"`
	NotificationPeriod int       `json:"notificationPeriod"`
	TenantID           string    `json:"tenantId"`
	CreatedAt          time.Time `json:"createdAt"`
	UpdatedAt          time.Time `json:"updatedAt"`
}

func (c *PasswordRotationConfig) rotation() policy.PasswordRotation {
	return policy.PasswordRotation{Active: c.IsActive, Period: time.Duration(c.RotationPeriod) * time.Minute,
		Notify: time.Duration(c.NotificationPeriod) * time.Minute}
}

// PasswordRotationInput creates or changes a password expiration policy
// (CreateOrUpdatePasswordRotationDto): periods in minutes, 1 to 2628000
// (RotationPeriod, default 129600: 90 days) and 0 to 2628000
// (NotificationPeriod, default 10080: 7 days, at most RotationPeriod).
// Absent fields keep their value.
type PasswordRotationInput struct {
	IsActive           *bool `json:"isActive"`
	RotationPeriod     *int  `json:"rotationPeriod"`
	NotificationPeriod *int  `json:"notificationPeriod"`
}

// GetPasswordRotationConfig returns the expiration policy in force where
// the principal acts (the tenant of frontegg-tenant-id's own, else the
// environment's); ErrNotFound when there is none.
func (id *Identity) GetPasswordRotationConfig(ctx context.Context, p *Principal) (*PasswordRotationConfig, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	c, err := effectiveScoped[PasswordRotationConfig](ctx, id, id.store, tenantID, settingPasswordRotation)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, notFound("no password expiration policy; passwords do not expire")
	}
	return c, nil
}

// GetEnvironmentPasswordRotationConfig returns the environment-wide
// expiration policy; ErrNotFound when there is none.
func (id *Identity) GetEnvironmentPasswordRotationConfig(ctx context.Context) (*PasswordRotationConfig, error) {
	c, err := loadSetting[*PasswordRotationConfig](ctx, id, id.store, "", settingPasswordRotation, nil)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, notFound("no password expiration policy; passwords do not expire")
	}
	return c, nil
}

// SavePasswordRotationConfig creates or changes the expiration policy where
// the principal acts; a tenant without its own starts from the
// environment's. It applies to existing passwords too: their age counts
// from when they were set.
func (id *Identity) SavePasswordRotationConfig(ctx context.Context, p *Principal, in PasswordRotationInput) (*PasswordRotationConfig, error) {
	tenantID, err := policyScope(p)
	if err != nil {
		return nil, err
	}
	var out PasswordRotationConfig
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		cur, inherited, err := loadScoped[PasswordRotationConfig](ctx, id, tx, tenantID, settingPasswordRotation)
		if err != nil {
			return err
		}
		now := id.now()
		out = PasswordRotationConfig{RotationPeriod: defaultRotationPeriod, NotificationPeriod: defaultNotificationPeriod, CreatedAt: now}
		switch {
		case cur != nil:
			out = *cur
		case inherited != nil:
			out.IsActive, out.RotationPeriod, out.NotificationPeriod = inherited.IsActive, inherited.RotationPeriod, inherited.NotificationPeriod
		}
		setBool(&out.IsActive, in.IsActive)
		setInt(&out.RotationPeriod, in.RotationPeriod)
		setInt(&out.NotificationPeriod, in.NotificationPeriod)
		switch {
		case out.RotationPeriod < 1 || out.RotationPeriod > maxRotationMinutes:
			return invalid("rotationPeriod", "rotationPeriod must be between 1 and %d minutes", maxRotationMinutes)
		case out.NotificationPeriod < 0 || out.NotificationPeriod > maxRotationMinutes:
			return invalid("notificationPeriod", "notificationPeriod must be between 0 and %d minutes", maxRotationMinutes)
		case out.NotificationPeriod > out.RotationPeriod:
			return invalid("notificationPeriod", "notificationPeriod (%d) may not exceed rotationPeriod (%d)", out.NotificationPeriod, out.RotationPeriod)
		}
		out.TenantID, out.UpdatedAt = tenantID, now
		return saveSetting(ctx, id, tx, tenantID, settingPasswordRotation, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// passwordAge decides whether the password of a member of tenantIDs, set
// at setAt, has expired under the strictest expiration policy in force.
func (id *Identity) passwordAge(ctx context.Context, st store.Store, tenantIDs []string, setAt time.Time) (policy.PasswordAge, error) {
	cs, _, err := effectiveForTenants[PasswordRotationConfig](ctx, id, st, tenantIDs, settingPasswordRotation)
	if err != nil || len(cs) == 0 {
		return policy.PasswordAge{}, err
	}
	rs := make([]policy.PasswordRotation, len(cs))
	for i, c := range cs {
		rs[i] = c.rotation()
	}
	return policy.CheckPasswordAge(policy.StrictestPasswordRotation(rs...), setAt, id.now()), nil
}
