package policy

import (
	"net/netip"
	"testing"
)

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		p, err := ParseIPRule(s)
		if err != nil {
			t.Fatalf("ParseIPRule(%q): %v", s, err)
		}
		out[i] = p
	}
	return out
}

func TestParseIPRule(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "10.0.0.1", want: "10.0.0.1/32"},
		{in: " 10.0.0.1 ", want: "10.0.0.1/32"},
		{in: "10.1.2.3/8", want: "10.0.0.0/8"},
		{in: "2001:db8::1", want: "2001:db8::1/128"},
		{in: "2001:db8::/32", want: "2001:db8::/32"},
		{in: "::ffff:192.0.2.1", want: "192.0.2.1/32"},
		{in: "::ffff:192.0.2.0/120", want: "192.0.2.0/24"},
		{in: "", bad: true},
		{in: "300.1.1.1", bad: true},
		{in: "10.0.0.0/33", bad: true},
		{in: "fe80::1%eth0", bad: true},
		{in: "example.com", bad: true},
		{in: "10.0.0.0/", bad: true},
	}
	for _, tt := range tests {
		p, err := ParseIPRule(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseIPRule(%q) = %v, want error", tt.in, p)
			}
			continue
		}
		if err != nil || p.String() != tt.want {
			t.Errorf("ParseIPRule(%q) = %v, %v; want %s", tt.in, p, err, tt.want)
		}
	}
}

func TestIPRestrictionAllows(t *testing.T) {
	allow := prefixes(t, "10.0.0.0/8", "192.0.2.7", "2001:db8::/32")
	block := prefixes(t, "203.0.113.0/24", "2001:db8:bad::1")
	tests := []struct {
		name string
		r    IPRestriction
		ip   string
		want bool
	}{
		{"disabled allows anything", IPRestriction{Strategy: AllowList, Allow: allow}, "8.8.8.8", true},
		{"disabled allows unknown", IPRestriction{Strategy: AllowList}, "", true},
		{"allow: v4 in CIDR", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "10.20.30.40", true},
		{"allow: v4 exact", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "192.0.2.7", true},
		{"allow: v4 neighbour", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "192.0.2.8", false},
		{"allow: v4 outside", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "8.8.8.8", false},
		{"allow: v6 in CIDR", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "2001:db8:1::5", true},
		{"allow: v6 outside", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "2001:db9::1", false},
		{"allow: mapped v4", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "::ffff:10.0.0.1", true},
		{"allow: zone dropped", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "2001:db8::1%eth0", true},
		{"allow: unknown refused", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "", false},
		{"allow: garbage refused", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow}, "nope", false},
		{"allow: empty list refuses", IPRestriction{Enabled: true, Strategy: AllowList}, "10.0.0.1", false},
		{"allow: block rules ignored", IPRestriction{Enabled: true, Strategy: AllowList, Allow: allow, Block: prefixes(t, "10.0.0.0/8")}, "10.0.0.1", true},
		{"block: v4 in CIDR", IPRestriction{Enabled: true, Strategy: BlockList, Block: block}, "203.0.113.9", false},
		{"block: v4 outside", IPRestriction{Enabled: true, Strategy: BlockList, Block: block}, "203.0.114.9", true},
		{"block: v6 exact", IPRestriction{Enabled: true, Strategy: BlockList, Block: block}, "2001:db8:bad::1", false},
		{"block: v6 neighbour", IPRestriction{Enabled: true, Strategy: BlockList, Block: block}, "2001:db8:bad::2", true},
		{"block: unknown admitted", IPRestriction{Enabled: true, Strategy: BlockList, Block: block}, "", true},
		{"block: allow rules ignored", IPRestriction{Enabled: true, Strategy: BlockList, Allow: prefixes(t, "203.0.113.9")}, "203.0.113.9", true},
	}
	for _, tt := range tests {
		if got := tt.r.Allows(tt.ip); got != tt.want {
			t.Errorf("%s: Allows(%q) = %v, want %v", tt.name, tt.ip, got, tt.want)
		}
	}
}

func TestIPRestrictionInAllowList(t *testing.T) {
	r := IPRestriction{Strategy: BlockList, Allow: prefixes(t, "10.0.0.0/8")}
	if !r.InAllowList("10.1.1.1") || r.InAllowList("11.1.1.1") || r.InAllowList("") {
		t.Fatal("InAllowList must check the allow prefixes whatever the strategy")
	}
}

func TestNormalizeDomain(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "acme.com", want: "acme.com"},
		{in: " @ACME.com. ", want: "acme.com"},
		{in: "eng.acme.co.uk", want: "eng.acme.co.uk"},
		{in: "xn--bcher-kva.de", want: "xn--bcher-kva.de"},
		{in: "", bad: true},
		{in: "localhost", bad: true},
		{in: "a..com", bad: true},
		{in: "-acme.com", bad: true},
		{in: "ac me.com", bad: true},
		{in: "user@acme.com", bad: true},
	}
	for _, tt := range tests {
		got, err := NormalizeDomain(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("NormalizeDomain(%q) = %q, want error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestDomainRestrictionAllows(t *testing.T) {
	doms := []string{"acme.com", "partner.io"}
	tests := []struct {
		name  string
		r     DomainRestriction
		email string
		want  bool
	}{
		{"disabled", DomainRestriction{Strategy: AllowList, Domains: doms}, "a@evil.com", true},
		{"allow: listed", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: doms}, "a@acme.com", true},
		{"allow: case", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: doms}, "A@ACME.COM", true},
		{"allow: subdomain", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: doms}, "a@eng.acme.com", true},
		{"allow: lookalike", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: doms}, "a@notacme.com", false},
		{"allow: unlisted", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: doms}, "a@evil.com", false},
		{"allow: no domain", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: doms}, "acme.com", false},
		{"allow: empty list", DomainRestriction{Enabled: true, Strategy: AllowList}, "a@acme.com", false},
		{"block: listed", DomainRestriction{Enabled: true, Strategy: BlockList, Domains: doms}, "a@partner.io", false},
		{"block: subdomain", DomainRestriction{Enabled: true, Strategy: BlockList, Domains: doms}, "a@x.partner.io", false},
		{"block: unlisted", DomainRestriction{Enabled: true, Strategy: BlockList, Domains: doms}, "a@other.org", true},
		{"block public", DomainRestriction{Enabled: true, Strategy: BlockList, BlockPublicDomains: true}, "a@gmail.com", false},
		{"block public, company", DomainRestriction{Enabled: true, Strategy: BlockList, BlockPublicDomains: true}, "a@acme.com", true},
		{"block public beats allow", DomainRestriction{Enabled: true, Strategy: AllowList, Domains: []string{"gmail.com"}, BlockPublicDomains: true}, "a@gmail.com", false},
	}
	for _, tt := range tests {
		if got := tt.r.Allows(tt.email); got != tt.want {
			t.Errorf("%s: Allows(%q) = %v, want %v", tt.name, tt.email, got, tt.want)
		}
	}
}
