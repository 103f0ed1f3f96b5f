package identity

import (
	"context"
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
	s, err := id.loadIPState(ctx, st, tenantID)
	if err != nil {
		return err
	}
	if !s.engine().Allows(ip) {
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
			return conflict(CodeIPRestricted, "this change would block your own IP %s and lock you out; add it to the allow list first", callerIP)
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
	tenantID, err := restrictionTenant(p)
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
	tenantID, err := restrictionTenant(p)
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
	tenantID, err := restrictionTenant(p)
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
	tenantID, err := restrictionTenant(p)
	if err != nil {
		return nil, err
	}
	s, err := id.loadIPState(ctx, id.store, tenantID)
	if err != nil {
		return nil, err
	}
	return &IPVerifyResult{Valid: s.engine().InAllowList(callerIP)}, nil
}
