package policy

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Restriction list types: an allow list admits only what it names, a block
// list refuses what it names.
const (
	AllowList = "ALLOW"
	BlockList = "BLOCK"
)

// ParseIPRule parses an IP restriction entry: a single IPv4 or IPv6
// address (a /32 or /128) or a CIDR block. IPv4-mapped IPv6 forms are
// reduced to IPv4 and the prefix is masked, so "10.1.2.3/8" and
// "10.0.0.0/8" are the same rule. Zones are refused.
func ParseIPRule(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, errors.New("an IP address or CIDR block is required")
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a valid CIDR block", s)
		}
		a, bits := p.Addr(), p.Bits()
		if a.Is4In6() && bits >= 96 {
			a, bits = a.Unmap(), bits-96
		}
		return netip.PrefixFrom(a, bits).Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not a valid IP address", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseClientIP parses the caller's address ("" or garbage gives false);
// zones are dropped and IPv4-mapped IPv6 reduced to IPv4.
func parseClientIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.WithZone("").Unmap(), true
}

// IPRestriction is a tenant's IP restriction in force: when Enabled under
// the AllowList strategy only addresses inside an Allow prefix may sign
// in; under BlockList addresses inside a Block prefix may not. Rules of
// the other list are ignored while the strategy is not theirs.
type IPRestriction struct {
	Enabled  bool
	Strategy string
	Allow    []netip.Prefix
	Block    []netip.Prefix
}

// Allows reports whether ip may sign in. A disabled restriction allows
// everything. An address that cannot be parsed (unknown caller) is refused
// by an allow list and admitted by a block list, which cannot match it.
func (r IPRestriction) Allows(ip string) bool {
	if !r.Enabled {
		return true
	}
	a, ok := parseClientIP(ip)
	if r.Strategy == BlockList {
		return !ok || !containsAddr(r.Block, a)
	}
	return ok && containsAddr(r.Allow, a)
}

// InAllowList reports whether ip is inside one of r's Allow prefixes,
// whatever the strategy and whether enabled.
func (r IPRestriction) InAllowList(ip string) bool {
	a, ok := parseClientIP(ip)
	return ok && containsAddr(r.Allow, a)
}

func containsAddr(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// publicDomains are the free e-mail providers BlockPublicDomains refuses.
var publicDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "ymail.com": true,
	"hotmail.com": true, "outlook.com": true, "live.com": true, "msn.com": true,
	"aol.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"gmx.com": true, "gmx.net": true, "gmx.de": true, "web.de": true,
	"mail.com": true, "mail.ru": true, "yandex.com": true, "yandex.ru": true,
	"protonmail.com": true, "proton.me": true, "zoho.com": true, "qq.com": true,
	"163.com": true, "126.com": true, "yahoo.co.uk": true, "hotmail.co.uk": true,
	"yahoo.fr": true, "hotmail.fr": true, "orange.fr": true, "free.fr": true,
	"tutanota.com": true, "fastmail.com": true, "hey.com": true, "pm.me": true,
}

// IsPublicDomain reports whether domain (normalised) belongs to a free
// e-mail provider.
func IsPublicDomain(domain string) bool { return publicDomains[domain] }

// NormalizeDomain validates an e-mail domain ("acme.com", "@acme.com" and
// "ACME.com." are the same) and returns it lower-cased without the
// leading "@" or trailing dot.
func NormalizeDomain(s string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(s))
	d = strings.TrimSuffix(strings.TrimPrefix(d, "@"), ".")
	if d == "" || len(d) > 253 {
		return "", fmt.Errorf("%q is not a valid domain", s)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("%q is not a valid domain: it needs a dot", s)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("%q is not a valid domain", s)
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", fmt.Errorf("%q is not a valid domain", s)
			}
		}
	}
	return d, nil
}

// EmailDomain returns the lower-cased domain of an e-mail address ("" when
// it has none).
func EmailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[i+1:])), ".")
}

// DomainRestriction is a tenant's e-mail domain restriction in force: when
// Enabled, an AllowList admits only e-mails whose domain is (a subdomain
// of) one of Domains, a BlockList refuses those; BlockPublicDomains also
// refuses free e-mail providers.
type DomainRestriction struct {
	Enabled            bool
	Strategy           string
	Domains            []string
	BlockPublicDomains bool
}

// Allows reports whether email may join the tenant.
func (r DomainRestriction) Allows(email string) bool {
	if !r.Enabled {
		return true
	}
	d := EmailDomain(email)
	if d == "" {
		return false
	}
	if r.BlockPublicDomains && IsPublicDomain(d) {
		return false
	}
	listed := false
	for _, x := range r.Domains {
		if d == x || strings.HasSuffix(d, "."+x) {
			listed = true
			break
		}
	}
	if r.Strategy == BlockList {
		return !listed
	}
	return listed
}
