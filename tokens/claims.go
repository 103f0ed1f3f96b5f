package tokens

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/golang-jwt/jwt/v5"
)

// Values of Claims.Type, the entity types of the official Frontegg SDKs.
const (
	// TypeUserToken is a user's access token issued at login or refresh.
	TypeUserToken = "userToken"
	// TypeUserAPIToken is a token exchanged for a user's API token.
	TypeUserAPIToken = "userApiToken"
	// TypeTenantAPIToken is a token exchanged for a tenant's API token.
	TypeTenantAPIToken = "tenantApiToken"
	// TypeUserAccessToken is a user's personal access token.
	TypeUserAccessToken = "userAccessToken"
	// TypeTenantAccessToken is a tenant's access token.
	TypeTenantAccessToken = "tenantAccessToken"
	// TypeVendor is an environment ("vendor") token obtained with the
	// environment's client id and secret.
	TypeVendor = "vendor"
)

// Claims is the payload of every token yolk issues. Its JSON names follow
// the official Frontegg SDKs. The registered claims (sub, iss, aud, exp, nbf,
// iat, jti) come from the embedded jwt.RegisteredClaims, which also makes
// *Claims a jwt.Claims.
//
// TenantIDs, Roles and Permissions are always encoded as arrays, [] when nil,
// because the SDKs index into them without checking.
//
// Extra holds any further top-level claims (JWT templates add them). On
// encoding its entries are written beside the standard claims, in key order,
// except those whose name is a standard claim, which are dropped so that a
// template can never override, say, sub or exp. On decoding every top-level
// key that is not a standard claim lands in Extra, decoded as by
// json.Unmarshal into an any (numbers become float64). Standard names are
// matched case-sensitively.
type Claims struct {
	// TenantID is the tenant the token acts in.
	TenantID string `json:"tenantId,omitempty"`
	// TenantIDs are all the tenants the user belongs to.
	TenantIDs []string `json:"tenantIds"`
	// Type is one of the Type* constants.
	Type string `json:"type,omitempty"`
	// Roles are the keys of the roles held in TenantID.
	Roles []string `json:"roles"`
	// Permissions are the keys of the permissions those roles grant.
	Permissions []string `json:"permissions"`
	// Email is the user's e-mail address.
	Email string `json:"email,omitempty"`
	// EmailVerified reports whether the e-mail address was verified.
	EmailVerified bool `json:"email_verified"`
	// Name is the user's display name.
	Name string `json:"name,omitempty"`
	// Metadata is the user's metadata object.
	Metadata map[string]any `json:"metadata,omitempty"`
	// ProfilePictureURL is the URL of the user's picture.
	ProfilePictureURL string `json:"profilePictureUrl,omitempty"`
	// SuperUser marks an environment super user.
	SuperUser bool `json:"superUser,omitempty"`
	// AMR lists the authentication methods used ("pwd", "mfa", "otp"…).
	AMR []string `json:"amr,omitempty"`
	// AuthTime is when the user authenticated, in Unix seconds.
	AuthTime int64 `json:"auth_time,omitempty"`
	// SessionID is the id of the login session the token belongs to.
	SessionID string `json:"sid,omitempty"`

	jwt.RegisteredClaims

	// Extra holds additional top-level claims; see the type comment.
	Extra map[string]any `json:"-"`
}

// claimsJSON has Claims' fields without its methods, so that encoding it
// does not recurse into Claims.MarshalJSON.
type claimsJSON Claims

// claimFields maps every standard claim name to the field it decodes into.
// Its keys are the standard claims: TestClaimFieldsMatchTags keeps them in
// step with the struct tags.
var claimFields = map[string]func(c *Claims) any{
	"tenantId":          func(c *Claims) any { return &c.TenantID },
	"tenantIds":         func(c *Claims) any { return &c.TenantIDs },
	"type":              func(c *Claims) any { return &c.Type },
	"roles":             func(c *Claims) any { return &c.Roles },
	"permissions":       func(c *Claims) any { return &c.Permissions },
	"email":             func(c *Claims) any { return &c.Email },
	"email_verified":    func(c *Claims) any { return &c.EmailVerified },
	"name":              func(c *Claims) any { return &c.Name },
	"metadata":          func(c *Claims) any { return &c.Metadata },
	"profilePictureUrl": func(c *Claims) any { return &c.ProfilePictureURL },
	"superUser":         func(c *Claims) any { return &c.SuperUser },
	"amr":               func(c *Claims) any { return &c.AMR },
	"auth_time":         func(c *Claims) any { return &c.AuthTime },
	"sid":               func(c *Claims) any { return &c.SessionID },
	"iss":               func(c *Claims) any { return &c.Issuer },
	"sub":               func(c *Claims) any { return &c.Subject },
	"aud":               func(c *Claims) any { return &c.Audience },
	"exp":               func(c *Claims) any { return &c.ExpiresAt },
	"nbf":               func(c *Claims) any { return &c.NotBefore },
	"iat":               func(c *Claims) any { return &c.IssuedAt },
	"jti":               func(c *Claims) any { return &c.ID },
}

// MarshalJSON encodes c as a JWT payload: the standard claims, then the
// entries of Extra that do not collide with them.
func (c Claims) MarshalJSON() ([]byte, error) {
	a := claimsJSON(c)
	if a.TenantIDs == nil {
		a.TenantIDs = []string{}
	}
	if a.Roles == nil {
		a.Roles = []string{}
	}
	if a.Permissions == nil {
		a.Permissions = []string{}
	}
	b, err := json.Marshal(a)
	if err != nil || len(c.Extra) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(c.Extra))
	for k := range c.Extra {
		if _, std := claimFields[k]; !std {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	b = b[:len(b)-1] // drop the closing brace, the object is never empty
	for _, k := range keys {
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, fmt.Errorf("tokens: marshal claim name: %w", err)
		}
		vb, err := json.Marshal(c.Extra[k])
		if err != nil {
			return nil, fmt.Errorf("tokens: marshal claim %s: %w", kb, err)
		}
		b = append(b, ',')
		b = append(b, kb...)
		b = append(b, ':')
		b = append(b, vb...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON decodes a JWT payload into c, replacing its contents;
// top-level keys that are not standard claims go to Extra.
func (c *Claims) UnmarshalJSON(b []byte) error {
	// Fast path, taken by every token without extra claims: one decode into
	// the struct. It is only correct when each top-level key is a distinct,
	// exactly spelled standard claim (encoding/json matches field names
	// case-insensitively and merges duplicate objects), which
	// onlyStandardKeys checks in a cheap scan.
	if onlyStandardKeys(b) {
		var a claimsJSON
		if err := json.Unmarshal(b, &a); err != nil {
			return fmt.Errorf("tokens: decode claims: %w", err)
		}
		*c = Claims(a)
		return nil
	}
	return c.unmarshalByKey(b)
}

// unmarshalByKey is the general decoder: each standard claim is decoded
// from its exact key, everything else goes to Extra.
func (c *Claims) unmarshalByKey(b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return fmt.Errorf("tokens: decode claims: %w", err)
	}
	var out Claims
	for k, raw := range top {
		if field, ok := claimFields[k]; ok {
			if err := json.Unmarshal(raw, field(&out)); err != nil {
				return fmt.Errorf("tokens: decode claim %q: %w", k, err)
			}
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("tokens: decode claim %q: %w", k, err)
		}
		if out.Extra == nil {
			out.Extra = make(map[string]any)
		}
		out.Extra[k] = v
	}
	*c = out
	return nil
}

// claimIndex numbers the standard claims for onlyStandardKeys' duplicate
// check.
var claimIndex = func() map[string]uint {
	m := make(map[string]uint, len(claimFields))
	for k := range claimFields {
		m[k] = uint(len(m))
	}
	return m
}()

// onlyStandardKeys reports whether b is a JSON object whose top-level keys
// are all standard claim names, each present once and written without
// escapes. It does not validate b: on malformed input its answer does not
// matter, because json.Unmarshal then rejects b on either path.
func onlyStandardKeys(b []byte) bool {
	var seen uint64
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' {
				return false
			}
			j++
		}
		if j >= len(b) {
			return false
		}
		idx, ok := claimIndex[string(b[i+1:j])]
		if !ok || seen&(1<<idx) != 0 {
			return false
		}
		seen |= 1 << idx
		i = skipSpace(b, j+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		if i, ok = skipValue(b, skipSpace(b, i+1)); !ok {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return true
		default:
			return false
		}
	}
}

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at i (for a
// bare scalar, the index of the delimiter that ends it).
func skipValue(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(b) {
				return i, false
			}
			if depth == 0 {
				return i + 1, true
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i, true
			}
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case ',':
			if depth == 0 {
				return i, true
			}
		}
		i++
	}
	return i, false
}
