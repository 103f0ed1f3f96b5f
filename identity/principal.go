package identity

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/yolkauth/yolk/tokens"
)

// Principal is who a request acts as: the environment (vendor) or a user in
// one of its tenants.
type Principal struct {
	// Vendor is true for the environment token.
	Vendor bool
	// UserID and TenantID name the acting user and tenant. For a user token
	// they come from the token; for a vendor token from the
	// frontegg-user-id / frontegg-tenant-id headers, when sent.
	UserID   string
	TenantID string
	// Claims are the verified token claims.
	Claims *tokens.Claims

	// permSet and canCalls let Can answer repeated checks from a set
	// (see Can); a Principal must not be copied once used.
	permSet  atomic.Pointer[permissionSet]
	canCalls atomic.Int32
}

type principalKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal the request was authenticated as.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// Authenticate verifies an access token (user, vendor, or an API or access
// token of a tenant or user) and returns its principal. It reads nothing
// from the store: the signature, algorithm, key, expiry and token type are
// all it checks, so it is cheap enough for every request. A revoked
// tenantAccessToken or userAccessToken therefore keeps verifying until it
// expires; SDKs check ActiveUserAccessTokenIDs, as with the hosted product.
func (id *Identity) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, unauthorized("", "an access token is required")
	}
	c, err := id.issuer.Verify(ctx, token)
	if err != nil {
		if errors.Is(err, tokens.ErrExpired) {
			return nil, &Error{Kind: ErrUnauthorized, Code: CodeTokenExpired, Message: "access token expired", Err: err}
		}
		return nil, &Error{Kind: ErrUnauthorized, Code: CodeUnauthorized, Message: "invalid access token", Err: err}
	}
	switch c.Type {
	case TokenTypeVendor:
		return &Principal{Vendor: true, Claims: c}, nil
	case TokenTypeUser:
		if c.Subject == "" || c.TenantID == "" {
			return nil, unauthorized("", "invalid access token")
		}
		return &Principal{UserID: c.Subject, TenantID: c.TenantID, Claims: c}, nil
	case tokens.TypeTenantAPIToken, tokens.TypeTenantAccessToken:
		// A tenant's API or access token acts in its tenant with its own
		// roles and permissions, as no user.
		if c.Subject == "" || c.TenantID == "" {
			return nil, unauthorized("", "invalid access token")
		}
		return &Principal{TenantID: c.TenantID, Claims: c}, nil
	case tokens.TypeUserAPIToken, tokens.TypeUserAccessToken:
		// A user's API or access token acts as its user in its tenant,
		// with the permissions it carries.
		userID, _ := c.Extra[claimUserID].(string)
		if c.Subject == "" || c.TenantID == "" || userID == "" {
			return nil, unauthorized("", "invalid access token")
		}
		return &Principal{UserID: userID, TenantID: c.TenantID, Claims: c}, nil
	}
	return nil, unauthorized("", "access tokens of type %q are not accepted here", c.Type)
}

// requireUser returns the acting user of p, refusing a vendor principal that
// did not name a user and a tenant's API or access token (which acts as no
// user).
func requireUser(p *Principal) (userID, tenantID string, err error) {
	if p == nil {
		return "", "", unauthorized("", "authentication required")
	}
	if p.UserID == "" && !p.Vendor {
		return "", "", forbidden("", "a tenant's API token acts as no user; this operation needs a user")
	}
	if p.UserID == "" {
		return "", "", invalid("frontegg-user-id", "the frontegg-user-id header is required with an environment token")
	}
	return p.UserID, p.TenantID, nil
}
