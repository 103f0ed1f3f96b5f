package identity

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
)

// Error codes of the IP and e-mail domain restrictions.
const (
	// CodeIPRestricted refuses a login or refresh from an IP address the
	// tenant's IP restriction does not admit.
	CodeIPRestricted = "ER-01401"
	// CodeEmailDomainRestricted refuses adding a user whose e-mail domain
	// the tenant's domain restriction does not admit.
	CodeEmailDomainRestricted = "ER-01402"
)

// Restriction list types (the spec's ALLOW / BLOCK).
const (
	RestrictionAllow = policy.AllowList
	RestrictionBlock = policy.BlockList
)

// Settings documents (store.Setting, tenant-scoped) of the restrictions.
const (
	settingIPRestrictionConfig     = "ip-restriction-config"
	settingIPRestrictions          = "ip-restrictions"
	settingDomainRestrictionConfig = "email-domain-restriction-config"
	settingDomainRestrictions      = "email-domain-restrictions"
)

// MaxIPRestrictions bounds the IP rules of one tenant.
const MaxIPRestrictions = 1000

// MaxDomainRestrictions bounds the e-mail domain rules of one tenant.
const MaxDomainRestrictions = 1000

// restrictionTenant is the tenant a restriction operation acts on: the
// user's own, or the frontegg-tenant-id an environment token names.
func restrictionTenant(p *Principal) (string, error) {
	if p == nil {
		return "", unauthorized("", "authentication required")
	}
	if p.TenantID == "" {
		return "", invalid("frontegg-tenant-id", "frontegg-tenant-id is required: restrictions belong to a tenant")
	}
	return p.TenantID, nil
}

// readScope is restrictionTenant for reads: the tenant an environment token
// names must exist (a user's own tenant comes from its token).
func (id *Identity) readScope(ctx context.Context, p *Principal) (string, error) {
	tenantID, err := restrictionTenant(p)
	if err != nil || !p.Vendor {
		return tenantID, err
	}
	return tenantID, id.checkScopeTenant(ctx, id.store, tenantID)
}

func checkListType(field, v string) error {
	if v != RestrictionAllow && v != RestrictionBlock {
		return invalid(field, "%s must be ALLOW or BLOCK", field)
	}
	return nil
}

// IPRestrictionConfig is a tenant's IP restriction configuration
// (IPRestrictionsConfig): while IsActive, under the ALLOW strategy only
// the addresses of the active ALLOW rules may sign in to the tenant, under
// BLOCK the addresses of the active BLOCK rules may not.
type IPRestrictionConfig struct {
	Strategy string `json:"strategy"`
	IsActive bool   `json:"isActive"`
}

// IPRestrictionConfigInput changes the configuration
// (CreateOrUpdateIpRestrictionConfigDto); absent fields keep their value.
type IPRestrictionConfigInput struct {
	Strategy *string `json:"strategy"`
	IsActive *bool   `json:"isActive"`
}

// IPRestriction is one rule (IpRestriction): an IP address or CIDR block
// (v4 or v6) on the allow or block list.
type IPRestriction struct {
	ID          string    `json:"id"`
	IP          string    `json:"ip"`
	Strategy    string    `json:"strategy"`
	IsActive    bool      `json:"isActive"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// IPRestrictionInput creates or updates a rule (CreateOrUpdateIpRestrictionDto).
// A rule for the same address block already on file is updated in place.
// IsActive defaults to true.
type IPRestrictionInput struct {
	IP          string  `json:"ip"`
	Strategy    string  `json:"strategy"`
	IsActive    *bool   `json:"isActive"`
	Description *string `json:"description"`
}

// IPVerifyResult answers the verify operations (IPValidResponse).
type IPVerifyResult struct {
	Valid bool `json:"valid"`
}

var defaultIPConfig = IPRestrictionConfig{Strategy: RestrictionAllow}

// ipState is a tenant's configuration and rules.
type ipState struct {
	cfg   IPRestrictionConfig
	rules []IPRestriction
}

func (id *Identity) loadIPState(ctx context.Context, st store.Store, tenantID string) (ipState, error) {
	cfg, err := loadSetting(ctx, id, st, tenantID, settingIPRestrictionConfig, defaultIPConfig)
	if err != nil {
		return ipState{}, err
	}
	rules, err := loadSetting[[]IPRestriction](ctx, id, st, tenantID, settingIPRestrictions, nil)
	return ipState{cfg: cfg, rules: rules}, err
}

// engine is the decision engine's view of s.
func (s ipState) engine() policy.IPRestriction {
	r := policy.IPRestriction{Enabled: s.cfg.IsActive, Strategy: s.cfg.Strategy}
	for _, x := range s.rules {
		if !x.IsActive {
			continue
		}
		p, err := policy.ParseIPRule(x.IP)
		if err != nil {
			continue
		}
		if x.Strategy == RestrictionBlock {
			r.Block = append(r.Block, p)
		} else {
			r.Allow = append(r.Allow, p)
		}
	}
	return r
}

// checkIPRestriction refuses ip when tenantID's IP restriction is active
// and does not admit it. Login (startSession) and Refresh call it.
func (id *Identity) checkIPRestriction(ctx context.Context, st store.Store, tenantID, ip string) error {
	if tenantID == "" {
		return nil
	}
	// Most tenants have no active restriction: one read decides.
	cfg, err := loadSetting(ctx, id, st, tenantID, settingIPRestrictionConfig, defaultIPConfig)
	if err != nil || !cfg.IsActive {
		return err
	}
	rules, err := loadSetting[[]IPRestriction](ctx, id, st, tenantID, settingIPRestrictions, nil)
	if err != nil {
		return err
	}
	if !(ipState{cfg: cfg, rules: rules}).engine().Allows(ip) {
		shown := ip
		if shown == "" {
			shown = "an unknown address"
		}
		return forbidden(CodeIPRestricted, "access from IP %s is not allowed by the account's IP restrictions", shown)
	}
	return nil
}

// changeIPState applies change to the principal's tenant's IP state in one
// transaction. A user (not an environment token) may not make a change that
// would refuse its own address, callerIP, which its current state admits:
// that would lock it out of its own account.
func (id *Identity) changeIPState(ctx context.Context, p *Principal, callerIP string, change func(*ipState) error) (ipState, error) {
	tenantID, err := restrictionTenant(p)
	if err != nil {
		return ipState{}, err
	}
	var out ipState
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		s, err := id.loadIPState(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		before := s.engine().Allows(callerIP)
		s.rules = slices.Clone(s.rules)
		if err := change(&s); err != nil {
			return err
		}
		if !p.Vendor && before && !s.engine().Allows(callerIP) {
			shown := callerIP
			if shown == "" {
				shown = "(unknown: pass the caller's address)"
			}
			return conflict(CodeIPRestricted, "this change would block your own IP %s and lock you out; add it to the allow list first", shown)
		}
		if err := saveSetting(ctx, id, tx, tenantID, settingIPRestrictionConfig, s.cfg); err != nil {
			return err
		}
		out = s
		return saveSetting(ctx, id, tx, tenantID, settingIPRestrictions, s.rules)
	})
	return out, err
}

// GetIPRestrictionConfig returns the IP restriction configuration of the
// principal's tenant (ALLOW, inactive when never set).
func (id *Identity) GetIPRestrictionConfig(ctx context.Context, p *Principal) (*IPRestrictionConfig, error) {
	tenantID, err := id.readScope(ctx, p)
	if err != nil {
		return nil, err
	}
	cfg, err := loadSetting(ctx, id, id.store, tenantID, settingIPRestrictionConfig, defaultIPConfig)
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// SetIPRestrictionConfig creates or updates the IP restriction
// configuration of the principal's tenant. callerIP is the address the
// request comes from: a user may not activate a configuration that refuses
// it (see VerifyIPInAllowList); ErrConflict then.
func (id *Identity) SetIPRestrictionConfig(ctx context.Context, p *Principal, callerIP string, in IPRestrictionConfigInput) (*IPRestrictionConfig, error) {
	if in.Strategy == nil && in.IsActive == nil {
		return nil, invalid("isActive", "nothing to update: give strategy or isActive")
	}
	if in.Strategy != nil {
		if err := checkListType("strategy", *in.Strategy); err != nil {
			return nil, err
		}
	}
	s, err := id.changeIPState(ctx, p, callerIP, func(s *ipState) error {
		if in.Strategy != nil {
			s.cfg.Strategy = *in.Strategy
		}
		setBool(&s.cfg.IsActive, in.IsActive)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s.cfg, nil
}

// ListIPRestrictions lists the IP rules of the principal's tenant, oldest
// first; filter keeps those whose address or description contains it
// (case-insensitive).
func (id *Identity) ListIPRestrictions(ctx context.Context, p *Principal, filter string, q PageQuery) (*Page[IPRestriction], error) {
	tenantID, err := id.readScope(ctx, p)
	if err != nil {
		return nil, err
	}
	if q, err = q.normalize(); err != nil {
		return nil, err
	}
	s, err := id.loadIPState(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	f := strings.ToLower(strings.TrimSpace(filter))
	out := make([]IPRestriction, 0, len(s.rules))
	for _, r := range s.rules {
		if f == "" || strings.Contains(strings.ToLower(r.IP), f) || strings.Contains(strings.ToLower(r.Description), f) {
			out = append(out, r)
		}
	}
	return pageOf(out, q), nil
}

// canonicalIP is the stored form of a rule's address: the bare address for
// a single host, the masked CIDR block otherwise.
func canonicalIP(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// SaveIPRestriction creates an IP rule in the principal's tenant, or
// updates the rule of the same address block. callerIP guards against a
// user locking itself out (ErrConflict).
func (id *Identity) SaveIPRestriction(ctx context.Context, p *Principal, callerIP string, in IPRestrictionInput) (*IPRestriction, error) {
	pfx, err := policy.ParseIPRule(in.IP)
	if err != nil {
		return nil, invalid("ip", "ip: %v", err)
	}
	if err := checkListType("strategy", in.Strategy); err != nil {
		return nil, err
	}
	if in.Description != nil && len(*in.Description) > 1000 {
		return nil, invalid("description", "description must be at most 1000 characters")
	}
	ip := canonicalIP(pfx)
	var saved IPRestriction
	_, err = id.changeIPState(ctx, p, callerIP, func(s *ipState) error {
		now := id.now()
		i := slices.IndexFunc(s.rules, func(r IPRestriction) bool { return r.IP == ip })
		if i < 0 {
			if len(s.rules) >= MaxIPRestrictions {
				return invalid("ip", "an account holds at most %d IP restrictions", MaxIPRestrictions)
			}
			s.rules = append(s.rules, IPRestriction{ID: id.newID(), IP: ip, IsActive: true, CreatedAt: now})
			i = len(s.rules) - 1
		}
		r := &s.rules[i]
		r.Strategy = in.Strategy
		setBool(&r.IsActive, in.IsActive)
		if in.Description != nil {
			r.Description = *in.Description
		}
		r.UpdatedAt = now
		saved = *r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &saved, nil
}

// DeleteIPRestriction removes the IP rule ruleID of the principal's
// tenant; ErrNotFound if the tenant has no such rule. callerIP guards
// against a user locking itself out (ErrConflict).
func (id *Identity) DeleteIPRestriction(ctx context.Context, p *Principal, callerIP, ruleID string) error {
	_, err := id.changeIPState(ctx, p, callerIP, func(s *ipState) error {
		i := slices.IndexFunc(s.rules, func(r IPRestriction) bool { return r.ID == ruleID })
		if i < 0 {
			return notFound("IP restriction %s not found", ruleID)
		}
		s.rules = slices.Delete(s.rules, i, i+1)
		return nil
	})
	return err
}

// VerifyIP reports whether callerIP may sign in to the principal's tenant
// under its IP restriction as configured now.
func (id *Identity) VerifyIP(ctx context.Context, p *Principal, callerIP string) (*IPVerifyResult, error) {
	tenantID, err := id.readScope(ctx, p)
	if err != nil {
		return nil, err
	}
	s, err := id.loadIPState(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	return &IPVerifyResult{Valid: s.engine().Allows(callerIP)}, nil
}

// VerifyIPInAllowList reports whether callerIP is on the principal's
// tenant's allow list (its active ALLOW rules), whether or not the
// restriction is active: an admin portal asks it before switching the
// ALLOW strategy on.
func (id *Identity) VerifyIPInAllowList(ctx context.Context, p *Principal, callerIP string) (*IPVerifyResult, error) {
	tenantID, err := id.readScope(ctx, p)
	if err != nil {
		return nil, err
	}
	s, err := id.loadIPState(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	return &IPVerifyResult{Valid: s.engine().InAllowList(callerIP)}, nil
}

// DomainRestrictionConfig is a tenant's e-mail domain restriction
// configuration (DomainRestrictionsConfigResponse): while Active, users
// whose e-mail domain the restriction does not admit cannot be created in,
// invited to or join the tenant. Under ListType ALLOW only the ALLOW
// domains (and their subdomains) are admitted, under BLOCK the BLOCK
// domains are refused; BlockPublicDomains also refuses free e-mail
// providers (gmail.com, outlook.com, …).
type DomainRestrictionConfig struct {
	Active             bool   `json:"active"`
	ListType           string `json:"listType"`
	BlockPublicDomains bool   `json:"blockPublicDomains"`
}

// DomainRestrictionConfigInput changes the configuration
// (DomainRestrictionsConfigUpdateRequest); Active is required, absent
// optional fields keep their value.
type DomainRestrictionConfigInput struct {
	Active             *bool   `json:"active"`
	BlockPublicDomains *bool   `json:"blockPublicDomains"`
	Type               *string `json:"type"`
}

// DomainRestriction is one domain on a tenant's allow or block list
// (DomainRestrictionsResponse).
type DomainRestriction struct {
	ID     string `json:"id"`
	Domain string `json:"domain"`
	Type   string `json:"type"`
}

// DomainRestrictionInput adds a domain (DomainRestrictionsCreateRequest).
type DomainRestrictionInput struct {
	Domain string `json:"domain"`
	Type   string `json:"type"`
}

// DomainRestrictionsBulkInput replaces every domain of a tenant's lists
// with Domains on the Type list (DomainRestrictionsBulkRequestRequest).
type DomainRestrictionsBulkInput struct {
	Type    string   `json:"type"`
	Domains []string `json:"domains"`
}

var defaultDomainConfig = DomainRestrictionConfig{ListType: RestrictionBlock}

func (id *Identity) loadDomainRules(ctx context.Context, st store.Store, tenantID string) ([]DomainRestriction, error) {
	return loadSetting[[]DomainRestriction](ctx, id, st, tenantID, settingDomainRestrictions, nil)
}

// checkEmailDomain refuses email when tenantID's e-mail domain restriction
// is active and does not admit it. Creating a user in a tenant, inviting
// one and joining one (addMembership) call it.
func (id *Identity) checkEmailDomain(ctx context.Context, st store.Store, tenantID, email string) error {
	if tenantID == "" {
		return nil
	}
	cfg, err := loadSetting(ctx, id, st, tenantID, settingDomainRestrictionConfig, defaultDomainConfig)
	if err != nil || !cfg.Active {
		return err
	}
	rules, err := id.loadDomainRules(ctx, st, tenantID)
	if err != nil {
		return err
	}
	r := policy.DomainRestriction{Enabled: true, Strategy: cfg.ListType, BlockPublicDomains: cfg.BlockPublicDomains}
	for _, x := range rules {
		if x.Type == cfg.ListType {
			r.Domains = append(r.Domains, x.Domain)
		}
	}
	if !r.Allows(email) {
		return forbidden(CodeEmailDomainRestricted, "the e-mail %s is not allowed in this account by its e-mail domain restrictions", email)
	}
	return nil
}

// GetDomainRestrictionConfig returns the e-mail domain restriction
// configuration of the principal's tenant (inactive, BLOCK, when never set).
func (id *Identity) GetDomainRestrictionConfig(ctx context.Context, p *Principal) (*DomainRestrictionConfig, error) {
	tenantID, err := id.readScope(ctx, p)
	if err != nil {
		return nil, err
	}
	cfg, err := loadSetting(ctx, id, id.store, tenantID, settingDomainRestrictionConfig, defaultDomainConfig)
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// SetDomainRestrictionConfig switches the e-mail domain restriction of the
// principal's tenant on or off and may change its list type and the
// public-domain block.
func (id *Identity) SetDomainRestrictionConfig(ctx context.Context, p *Principal, in DomainRestrictionConfigInput) (*DomainRestrictionConfig, error) {
	tenantID, err := restrictionTenant(p)
	if err != nil {
		return nil, err
	}
	if in.Active == nil {
		return nil, invalid("active", "active is required")
	}
	if in.Type != nil {
		if err := checkListType("type", *in.Type); err != nil {
			return nil, err
		}
	}
	var cfg DomainRestrictionConfig
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		if cfg, err = loadSetting(ctx, id, tx, tenantID, settingDomainRestrictionConfig, defaultDomainConfig); err != nil {
			return err
		}
		setBool(&cfg.Active, in.Active)
		setBool(&cfg.BlockPublicDomains, in.BlockPublicDomains)
		if in.Type != nil {
			cfg.ListType = *in.Type
		}
		return saveSetting(ctx, id, tx, tenantID, settingDomainRestrictionConfig, cfg)
	})
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// ListDomainRestrictions lists the domains of the principal's tenant's
// allow and block lists, in the order they were added.
func (id *Identity) ListDomainRestrictions(ctx context.Context, p *Principal, q PageQuery) (*Page[DomainRestriction], error) {
	tenantID, err := id.readScope(ctx, p)
	if err != nil {
		return nil, err
	}
	if q, err = q.normalize(); err != nil {
		return nil, err
	}
	rules, err := id.loadDomainRules(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	return pageOf(rules, q), nil
}

// changeDomainRules applies change to the principal's tenant's domain
// rules in one transaction.
func (id *Identity) changeDomainRules(ctx context.Context, p *Principal, change func([]DomainRestriction) ([]DomainRestriction, error)) error {
	tenantID, err := restrictionTenant(p)
	if err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.checkScopeTenant(ctx, tx, tenantID); err != nil {
			return err
		}
		rules, err := id.loadDomainRules(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if rules, err = change(slices.Clone(rules)); err != nil {
			return err
		}
		return saveSetting(ctx, id, tx, tenantID, settingDomainRestrictions, rules)
	})
}

// CreateDomainRestriction adds a domain ("acme.com"; "@ACME.com" is the
// same) to the principal's tenant's ALLOW or BLOCK list; ErrConflict if it
// is on that list already.
func (id *Identity) CreateDomainRestriction(ctx context.Context, p *Principal, in DomainRestrictionInput) (*DomainRestriction, error) {
	d, err := policy.NormalizeDomain(in.Domain)
	if err != nil {
		return nil, invalid("domain", "domain: %v", err)
	}
	if err := checkListType("type", in.Type); err != nil {
		return nil, err
	}
	out := DomainRestriction{ID: id.newID(), Domain: d, Type: in.Type}
	err = id.changeDomainRules(ctx, p, func(rules []DomainRestriction) ([]DomainRestriction, error) {
		if slices.ContainsFunc(rules, func(r DomainRestriction) bool { return r.Domain == d && r.Type == in.Type }) {
			return nil, conflict("", "%s is already on the %s list", d, in.Type)
		}
		if len(rules) >= MaxDomainRestrictions {
			return nil, invalid("domain", "an account holds at most %d domain restrictions", MaxDomainRestrictions)
		}
		return append(rules, out), nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteDomainRestriction removes the domain rule ruleID of the principal's
// tenant; ErrNotFound if the tenant has no such rule.
func (id *Identity) DeleteDomainRestriction(ctx context.Context, p *Principal, ruleID string) error {
	return id.changeDomainRules(ctx, p, func(rules []DomainRestriction) ([]DomainRestriction, error) {
		i := slices.IndexFunc(rules, func(r DomainRestriction) bool { return r.ID == ruleID })
		if i < 0 {
			return nil, notFound("domain restriction %s not found", ruleID)
		}
		return slices.Delete(rules, i, i+1), nil
	})
}

// ReplaceDomainRestrictions replaces every domain rule of the principal's
// tenant (of both lists) with in.Domains on the in.Type list, duplicates
// dropped, and returns the new rules.
func (id *Identity) ReplaceDomainRestrictions(ctx context.Context, p *Principal, in DomainRestrictionsBulkInput) ([]DomainRestriction, error) {
	if err := checkListType("type", in.Type); err != nil {
		return nil, err
	}
	if in.Domains == nil {
		return nil, invalid("domains", "domains is required")
	}
	if len(in.Domains) > MaxDomainRestrictions {
		return nil, invalid("domains", "at most %d domains", MaxDomainRestrictions)
	}
	out := make([]DomainRestriction, 0, len(in.Domains))
	seen := make(map[string]bool, len(in.Domains))
	for i, raw := range in.Domains {
		d, err := policy.NormalizeDomain(raw)
		if err != nil {
			return nil, invalid(fmt.Sprintf("domains[%d]", i), "domains[%d]: %v", i, err)
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, DomainRestriction{ID: id.newID(), Domain: d, Type: in.Type})
		}
	}
	err := id.changeDomainRules(ctx, p, func([]DomainRestriction) ([]DomainRestriction, error) { return out, nil })
	if err != nil {
		return nil, err
	}
	return out, nil
}
