package identity

import (
	"context"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

func userAPITokenView(t *store.APIToken) *UserAPIToken {
	return &UserAPIToken{ClientID: t.ID, Description: t.Description, Metadata: metadataObject(t.Metadata), CreatedAt: t.CreatedAt, Expires: t.ExpiresAt}
}

func userAccessTokenView(t *store.APIToken) *UserAccessToken {
	return &UserAccessToken{ID: t.ID, Description: t.Description, CreatedAt: t.CreatedAt, Expires: t.ExpiresAt}
}

// personalScope is the user and tenant whose personal tokens the principal
// manages.
func personalScope(p *Principal) (userID, tenantID string, err error) {
	userID, tenantID, err = requireUser(p)
	if err != nil {
		return "", "", err
	}
	if tenantID == "" {
		return "", "", invalid("frontegg-tenant-id", "the frontegg-tenant-id header is required with an environment token")
	}
	return userID, tenantID, nil
}

// member refuses a user that is not in tenantID.
func (id *Identity) member(ctx context.Context, userID, tenantID string) error {
	if _, err := id.store.GetMembership(ctx, userID, tenantID); err != nil {
		return storeErr(err, "user "+userID+" in tenant "+tenantID)
	}
	return nil
}

// CreateUserAPIToken creates a client-credentials token of the acting user
// in its tenant; it acts with the user's roles and permissions there. The
// secret is in the answer only.
func (id *Identity) CreateUserAPIToken(ctx context.Context, p *Principal, in CreateUserAPITokenInput) (*UserAPIToken, error) {
	userID, tenantID, err := personalScope(p)
	if err != nil {
		return nil, err
	}
	if _, err := id.apiTokensAllowed(ctx); err != nil {
		return nil, err
	}
	if err := id.member(ctx, userID, tenantID); err != nil {
		return nil, err
	}
	t, secret, err := id.newClientCredentials(store.APITokenUser, tenantID, userID, userID, in.Description, in.Metadata, in.ExpiresInMinutes)
	if err != nil {
		return nil, err
	}
	if err := id.store.CreateAPIToken(ctx, t); err != nil {
		return nil, storeErr(err, "API token")
	}
	v := userAPITokenView(t)
	v.Secret = secret
	return v, nil
}

// ListUserAPITokens lists the acting user's client-credentials tokens in
// its tenant, oldest first, without their secrets.
func (id *Identity) ListUserAPITokens(ctx context.Context, p *Principal) ([]UserAPIToken, error) {
	userID, tenantID, err := personalScope(p)
	if err != nil {
		return nil, err
	}
	list, err := id.store.ListAPITokens(ctx, id.envID, store.APITokenFilter{TenantID: tenantID, UserID: userID, Types: []string{store.APITokenUser}})
	if err != nil {
		return nil, err
	}
	out := make([]UserAPIToken, 0, len(list))
	for i := range list {
		out = append(out, *userAPITokenView(&list[i]))
	}
	return out, nil
}

// DeleteUserAPIToken deletes one of the acting user's client-credentials
// tokens.
func (id *Identity) DeleteUserAPIToken(ctx context.Context, p *Principal, clientID string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if _, err := id.ownToken(ctx, clientID, store.APITokenUser, "", userID); err != nil {
		return err
	}
	return storeErr(id.store.DeleteAPIToken(ctx, id.envID, clientID), "API token")
}

// CreateUserAccessToken creates a signed personal access token (type
// userAccessToken) of the acting user in its tenant, carrying the user's
// roles and permissions there. The JWT is in the answer only.
func (id *Identity) CreateUserAccessToken(ctx context.Context, p *Principal, in CreateAccessTokenInput) (*UserAccessToken, error) {
	userID, tenantID, err := personalScope(p)
	if err != nil {
		return nil, err
	}
	cfg, err := id.apiTokensAllowed(ctx)
	if err != nil {
		return nil, err
	}
	if err := id.member(ctx, userID, tenantID); err != nil {
		return nil, err
	}
	now := id.now()
	exp, err := tokenExpiry(now, in.ExpiresInMinutes)
	if err != nil {
		return nil, err
	}
	t := &store.APIToken{
		ID: id.newID(), EnvID: id.envID, TenantID: tenantID, UserID: userID, Type: store.AccessTokenUser,
		Description: in.Description, CreatedByUserID: userID, CreatedAt: now, ExpiresAt: exp,
	}
	jwt, _, err := id.signTokenJWT(ctx, cfg, t, tokens.TypeUserAccessToken, id.accessTokenTTL(exp))
	if err != nil {
		return nil, err
	}
	if err := id.store.CreateAPIToken(ctx, t); err != nil {
		return nil, storeErr(err, "access token")
	}
	v := userAccessTokenView(t)
	v.Secret = jwt
	return v, nil
}

// ListUserAccessTokens lists the acting user's access tokens in its
// tenant, oldest first, without the tokens themselves.
func (id *Identity) ListUserAccessTokens(ctx context.Context, p *Principal) (*UserAccessTokens, error) {
	userID, tenantID, err := personalScope(p)
	if err != nil {
		return nil, err
	}
	list, err := id.store.ListAPITokens(ctx, id.envID, store.APITokenFilter{TenantID: tenantID, UserID: userID, Types: []string{store.AccessTokenUser}})
	if err != nil {
		return nil, err
	}
	out := &UserAccessTokens{AccessTokens: make([]UserAccessToken, 0, len(list))}
	for i := range list {
		out.AccessTokens = append(out.AccessTokens, *userAccessTokenView(&list[i]))
	}
	return out, nil
}

// DeleteUserAccessToken revokes one of the acting user's access tokens.
func (id *Identity) DeleteUserAccessToken(ctx context.Context, p *Principal, tokenID string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if _, err := id.ownToken(ctx, tokenID, store.AccessTokenUser, "", userID); err != nil {
		return err
	}
	return storeErr(id.store.DeleteAPIToken(ctx, id.envID, tokenID), "access token")
}

// ActiveUserAccessTokenIDs returns the ids of the user access tokens that
// are neither revoked nor expired (of tenantID only, when set): the list
// the official SDKs check a userAccessToken's sub against. With API tokens
// disabled it refuses (403 "Api tokens are disabled", which the SDKs treat
// as a failed authentication).
func (id *Identity) ActiveUserAccessTokenIDs(ctx context.Context, tenantID string) ([]string, error) {
	return id.activeAccessTokenIDs(ctx, store.AccessTokenUser, tenantID)
}

// ActiveTenantAccessTokenIDs is ActiveUserAccessTokenIDs for tenant access
// tokens: the list the official SDKs check a tenantAccessToken's sub
// against.
func (id *Identity) ActiveTenantAccessTokenIDs(ctx context.Context, tenantID string) ([]string, error) {
	return id.activeAccessTokenIDs(ctx, store.AccessTokenTenant, tenantID)
}

// activeAccessTokenIDs lists the live access tokens of type typ.
func (id *Identity) activeAccessTokenIDs(ctx context.Context, typ, tenantID string) ([]string, error) {
	if _, err := id.apiTokensAllowed(ctx); err != nil {
		return nil, err
	}
	list, err := id.store.ListAPITokens(ctx, id.envID, store.APITokenFilter{TenantID: tenantID, Types: []string{typ}})
	if err != nil {
		return nil, err
	}
	now := id.now()
	out := make([]string, 0, len(list))
	for _, t := range list {
		if t.ExpiresAt == nil || now.Before(*t.ExpiresAt) {
			out = append(out, t.ID)
		}
	}
	return out, nil
}

// accessTokenData returns the current roles and permissions of access
// token tokenID of type typ (in tenantID, when set).
func (id *Identity) accessTokenData(ctx context.Context, typ, tenantID, tokenID string) (*AccessTokenData, error) {
	if _, err := id.apiTokensAllowed(ctx); err != nil {
		return nil, err
	}
	t, err := id.store.GetAPIToken(ctx, id.envID, tokenID)
	if err != nil {
		return nil, storeErr(err, "access token "+tokenID)
	}
	if t.Type != typ || (tenantID != "" && t.TenantID != tenantID) || (t.ExpiresAt != nil && !id.now().Before(*t.ExpiresAt)) {
		return nil, notFound("access token %s not found", tokenID)
	}
	roles, perms, err := id.tokenAuthz(ctx, t)
	if err != nil {
		return nil, err
	}
	return &AccessTokenData{UserID: t.UserID, ID: t.ID, TenantID: t.TenantID, Roles: roles, Permissions: perms, Expires: t.ExpiresAt}, nil
}

// GetUserAccessTokenData returns a live user access token with its user's
// current roles and permissions (for the environment).
func (id *Identity) GetUserAccessTokenData(ctx context.Context, tenantID, tokenID string) (*AccessTokenData, error) {
	return id.accessTokenData(ctx, store.AccessTokenUser, tenantID, tokenID)
}

// GetTenantAccessTokenData returns a live tenant access token with its
// roles' current keys and permissions (for the environment).
func (id *Identity) GetTenantAccessTokenData(ctx context.Context, tenantID, tokenID string) (*AccessTokenData, error) {
	return id.accessTokenData(ctx, store.AccessTokenTenant, tenantID, tokenID)
}
