package identity

import "strings"

// Can reports whether the principal holds the permission key. The
// environment (vendor) token holds every permission. A user holds the
// permissions of its access token; a granted key ending in ".*" covers every
// key below it ("fe.secure.*" covers "fe.secure.read.users"), and "*"
// covers everything.
func Can(p *Principal, key string) bool {
	if p == nil {
		return false
	}
	if p.Vendor {
		return true
	}
	if p.Claims == nil {
		return false
	}
	for _, granted := range p.Claims.Permissions {
		if permissionCovers(granted, key) {
			return true
		}
	}
	return false
}

// HasRole reports whether the principal holds the role key (the vendor
// token holds every role).
func HasRole(p *Principal, key string) bool {
	if p == nil {
		return false
	}
	if p.Vendor {
		return true
	}
	if p.Claims == nil {
		return false
	}
	for _, r := range p.Claims.Roles {
		if r == key {
			return true
		}
	}
	return false
}

// permissionCovers reports whether the granted key (possibly a wildcard)
// covers the wanted key. A wanted wildcard is covered only by a granted
// key that covers its whole subtree.
func permissionCovers(granted, wanted string) bool {
	if granted == wanted || granted == "*" {
		return true
	}
	if prefix, ok := strings.CutSuffix(granted, "*"); ok {
		return strings.HasPrefix(wanted, prefix)
	}
	return false
}
