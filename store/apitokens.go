package store

import (
	"context"
	"time"
)

// The kinds of APIToken (the values of APIToken.Type, which are also the
// "type" claim of the access tokens they yield).
const (
	// APITokenTenant is a tenant's client-credentials token.
	APITokenTenant = "tenantApiToken"
	// APITokenUser is a user's client-credentials token.
	APITokenUser = "userApiToken"
	// AccessTokenTenant is a tenant's signed access token.
	AccessTokenTenant = "tenantAccessToken"
	// AccessTokenUser is a user's signed (personal) access token.
	AccessTokenUser = "userAccessToken"
)

// APIToken is a machine-to-machine credential of a tenant or of a user in
// a tenant: a client-credentials token (clientId = ID, its secret stored
// only as SecretHash) or the record of a signed access token (ID is the
// token's jti; SecretHash is nil), kept so that it can be listed and
// revoked.
type APIToken struct {
	ID       string
	EnvID    string
	TenantID string
	// UserID is the owning user of a user token, "" for a tenant token.
	UserID string
	// Type is one of APITokenTenant, APITokenUser, AccessTokenTenant,
	// AccessTokenUser.
	Type        string
	Description string
	// SecretHash is tokens.HashSecret of the client secret.
	SecretHash []byte
	// Metadata is a JSON object added to the tokens it yields ("" for
	// none).
	Metadata      string
	RoleIDs       []string
	PermissionIDs []string
	// CreatedByUserID is the user that created the token ("" when the
	// environment did).
	CreatedByUserID string
	CreatedAt       time.Time
	// ExpiresAt is nil for a token that never expires.
	ExpiresAt *time.Time
}

// APITokenFilter selects API tokens for ListAPITokens; fields left empty
// do not filter.
type APITokenFilter struct {
	TenantID string
	UserID   string
	// Types keeps tokens whose Type is one of these.
	Types []string
}

// APITokenStore keeps API tokens and access-token records.
type APITokenStore interface {
	// CreateAPIToken inserts t; ErrConflict if t.ID exists (in any
	// environment).
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// GetAPIToken returns token id of envID.
	GetAPIToken(ctx context.Context, envID, id string) (*APIToken, error)
	// UpdateAPIToken replaces the stored token (matched by ID and EnvID;
	// its tenant, user and type are kept); ErrNotFound if absent.
	UpdateAPIToken(ctx context.Context, t *APIToken) error
	// DeleteAPIToken removes token id of envID; ErrNotFound if absent.
	DeleteAPIToken(ctx context.Context, envID, id string) error
	// ListAPITokens returns the tokens of envID that match f, oldest
	// first (never nil).
	ListAPITokens(ctx context.Context, envID string, f APITokenFilter) ([]APIToken, error)
}
