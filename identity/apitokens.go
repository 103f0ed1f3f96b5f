package identity

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Limits of API tokens.
const (
	// MaxAPITokenMinutes is the longest expiresInMinutes a token may ask
	// for (ten years).
	MaxAPITokenMinutes = 5256000
	// apiTokenRefreshKind is the one-time-token kind of the refresh tokens
	// handed out by AuthenticateAPIToken.
	apiTokenRefreshKind = "apiTokenRefresh"
	// noExpiryTTL is the lifetime of a signed access token created without
	// an expiry: revocation, not the exp claim, ends it.
	noExpiryTTL = 100 * 365 * 24 * time.Hour
	// claimUserID is the claim naming the user of a user API or access
	// token (whose sub is the token's id).
	claimUserID = "userId"
)

// CreateTenantAPITokenInput creates a tenant client-credentials token. When
// RoleIDs is not empty it wins over PermissionIDs.
type CreateTenantAPITokenInput struct {
	Metadata         map[string]any `json:"metadata"`
	Description      string         `json:"description"`
	RoleIDs          []string       `json:"roleIds"`
	PermissionIDs    []string       `json:"permissionIds"`
	ExpiresInMinutes *int           `json:"expiresInMinutes"`
}

// UpdateTenantAPITokenInput changes a tenant client-credentials token;
// fields left out (nil) keep their value. Setting RoleIDs to a non-empty
// list clears PermissionIDs and the reverse.
type UpdateTenantAPITokenInput struct {
	Metadata      map[string]any `json:"metadata"`
	Description   *string        `json:"description"`
	RoleIDs       []string       `json:"roleIds"`
	PermissionIDs []string       `json:"permissionIds"`
}

// TenantAPIToken is a tenant's client-credentials token. Secret is set
// only in the answer to its creation.
type TenantAPIToken struct {
	ClientID        string         `json:"clientId"`
	Description     string         `json:"description"`
	TenantID        string         `json:"tenantId"`
	Secret          string         `json:"secret,omitempty"`
	CreatedByUserID *string        `json:"createdByUserId"`
	Metadata        map[string]any `json:"metadata"`
	CreatedAt       time.Time      `json:"createdAt"`
	PermissionIDs   []string       `json:"permissionIds"`
	RoleIDs         []string       `json:"roleIds"`
	Expires         *time.Time     `json:"expires"`
}

// CreateUserAPITokenInput creates a user's client-credentials token.
type CreateUserAPITokenInput struct {
	Metadata         map[string]any `json:"metadata"`
	Description      string         `json:"description"`
	ExpiresInMinutes *int           `json:"expiresInMinutes"`
}

// UserAPIToken is a user's client-credentials token. Secret is set only in
// the answer to its creation.
type UserAPIToken struct {
	ClientID    string         `json:"clientId"`
	Description string         `json:"description"`
	Metadata    map[string]any `json:"metadata"`
	CreatedAt   time.Time      `json:"createdAt"`
	Secret      string         `json:"secret,omitempty"`
	Expires     *time.Time     `json:"expires"`
}

// CreateAccessTokenInput creates a signed access token. RoleIDs applies to
// tenant access tokens only (a user access token carries its user's
// roles).
type CreateAccessTokenInput struct {
	Description      string   `json:"description"`
	ExpiresInMinutes *int     `json:"expiresInMinutes"`
	RoleIDs          []string `json:"roleIds"`
}

// TenantAccessToken is a tenant's signed access token. Secret (the JWT) is
// set only in the answer to its creation.
type TenantAccessToken struct {
	ID              string     `json:"id"`
	Description     string     `json:"description"`
	CreatedAt       time.Time  `json:"createdAt"`
	Secret          string     `json:"secret,omitempty"`
	Expires         *time.Time `json:"expires"`
	RoleIDs         []string   `json:"roleIds"`
	CreatedByUserID *string    `json:"createdByUserId"`
}

// TenantAccessTokens is the listing of a tenant's access tokens.
type TenantAccessTokens struct {
	AccessTokens []TenantAccessToken `json:"accessTokens"`
}

// UserAccessToken is a user's signed (personal) access token. Secret (the
// JWT) is set only in the answer to its creation.
type UserAccessToken struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	CreatedAt   time.Time  `json:"createdAt"`
	Secret      string     `json:"secret,omitempty"`
	Expires     *time.Time `json:"expires"`
}

// UserAccessTokens is the listing of a user's access tokens.
type UserAccessTokens struct {
	AccessTokens []UserAccessToken `json:"accessTokens"`
}

// AccessTokenData is what the environment reads about an access token:
// its current roles and permissions (keys).
type AccessTokenData struct {
	UserID      string     `json:"userId,omitempty"`
	ID          string     `json:"id"`
	TenantID    string     `json:"tenantId"`
	Permissions []string   `json:"permissions"`
	Roles       []string   `json:"roles"`
	Expires     *time.Time `json:"expires,omitempty"`
}

// APITokenAuthResponse answers an API-token authentication or refresh.
type APITokenAuthResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	Expires      string `json:"expires"`
}

// tokenScope is the tenant (and user) a principal manages tokens of.
func tokenTenant(p *Principal) (string, error) {
	if p == nil {
		return "", unauthorized("", "authentication required")
	}
	if p.TenantID == "" {
		return "", invalid("frontegg-tenant-id", "the frontegg-tenant-id header is required with an environment token")
	}
	return p.TenantID, nil
}

// errAPITokensDisabled is the message of the refusal when the environment
// turned API tokens off; the official SDKs recognise it by this exact text.
const errAPITokensDisabled = "Api tokens are disabled"

// apiTokensAllowed refuses when the environment turned API tokens off.
func (id *Identity) apiTokensAllowed(ctx context.Context) (store.EnvConfig, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return cfg, err
	}
	if !cfg.APITokensEnabled {
		return cfg, forbidden("", errAPITokensDisabled)
	}
	return cfg, nil
}

// tokenExpiry validates expiresInMinutes and returns the expiry (nil: never).
func tokenExpiry(now time.Time, minutes *int) (*time.Time, error) {
	if minutes == nil {
		return nil, nil
	}
	if *minutes < 1 || *minutes > MaxAPITokenMinutes {
		return nil, invalid("expiresInMinutes", "expiresInMinutes must be between 1 and %d", MaxAPITokenMinutes)
	}
	e := now.Add(time.Duration(*minutes) * time.Minute)
	return &e, nil
}

func metadataString(m map[string]any) (string, error) {
	if m == nil {
		return "", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", invalid("metadata", "metadata must be a JSON object")
	}
	return string(b), nil
}

func metadataObject(s string) map[string]any {
	if m := parseMetadata(s); m != nil {
		return m
	}
	return map[string]any{}
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// checkRoles refuses role ids that are not roles usable in tenantID.
func (id *Identity) checkRoles(ctx context.Context, tenantID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	roles, err := id.store.GetRolesByIDs(ctx, id.envID, ids)
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, r := range roles {
		if usableIn(&r, tenantID) {
			found[r.ID] = true
		}
	}
	for _, rid := range ids {
		if !found[rid] {
			return invalid("roleIds", "role %q not found", rid)
		}
	}
	return nil
}

// checkPermissions refuses permission ids that name no permission.
func (id *Identity) checkPermissions(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	perms, err := id.store.GetPermissionsByIDs(ctx, id.envID, ids)
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, p := range perms {
		found[p.ID] = true
	}
	for _, pid := range ids {
		if !found[pid] {
			return invalid("permissionIds", "permission %q not found", pid)
		}
	}
	return nil
}

// tokenAuthz returns the role and permission keys token t grants now: a
// user token its user's in t's tenant, a tenant token its roles' (or, with
// no roles, its permissions').
func (id *Identity) tokenAuthz(ctx context.Context, t *store.APIToken) (roles, perms []string, err error) {
	roles, perms = []string{}, []string{}
	var rs []store.Role
	var ps []store.Permission
	switch {
	case t.UserID != "":
		m, err := id.store.GetMembership(ctx, t.UserID, t.TenantID)
		if err != nil {
			return nil, nil, storeErr(err, "user "+t.UserID+" in tenant "+t.TenantID)
		}
		rs, ps, err = id.authzOf(ctx, id.store, authzSubject{UserID: t.UserID, TenantID: t.TenantID, Membership: m}, true)
		if err != nil {
			return nil, nil, err
		}
	case len(t.RoleIDs) > 0:
		all, granted, err := id.store.GetRolesWithPermissions(ctx, id.envID, t.RoleIDs)
		if err != nil {
			return nil, nil, err
		}
		keep := map[string]bool{}
		for _, r := range all {
			if usableIn(&r, t.TenantID) {
				rs = append(rs, r)
				for _, pid := range r.PermissionIDs {
					keep[pid] = true
				}
			}
		}
		ps = slices.DeleteFunc(granted, func(p store.Permission) bool { return !keep[p.ID] })
	case len(t.PermissionIDs) > 0:
		if ps, err = id.store.GetPermissionsByIDs(ctx, id.envID, t.PermissionIDs); err != nil {
			return nil, nil, err
		}
	}
	for _, r := range rs {
		roles = append(roles, r.Key)
	}
	for _, p := range ps {
		perms = append(perms, p.Key)
	}
	return roles, perms, nil
}

// noEscalation refuses a token granting a permission its creator p does
// not hold (the environment token holds them all): a user cannot mint
// itself more rights than it has.
func (id *Identity) noEscalation(ctx context.Context, p *Principal, t *store.APIToken) error {
	if p.Vendor {
		return nil
	}
	_, perms, err := id.tokenAuthz(ctx, t)
	if err != nil {
		return err
	}
	for _, k := range perms {
		if !Can(p, k) {
			field := "permissionIds"
			if len(t.RoleIDs) > 0 {
				field = "roleIds"
			}
			return &Error{Kind: ErrForbidden, Code: CodeForbidden, Field: field, Message: "the token would grant " + k + ", which the caller does not hold"}
		}
	}
	return nil
}

// signTokenJWT signs the access token of t (sub and jti are t's id) valid
// for ttl.
func (id *Identity) signTokenJWT(ctx context.Context, cfg store.EnvConfig, t *store.APIToken, typ string, ttl time.Duration) (string, time.Time, error) {
	roles, perms, err := id.tokenAuthz(ctx, t)
	if err != nil {
		return "", time.Time{}, err
	}
	c := &tokens.Claims{
		TenantID: t.TenantID, TenantIDs: []string{t.TenantID}, Type: typ,
		Roles: roles, Permissions: perms, Metadata: parseMetadata(t.Metadata),
	}
	c.Subject, c.ID = t.ID, t.ID
	if t.UserID != "" {
		c.Extra = map[string]any{claimUserID: t.UserID}
	}
	alg := cfg.JWTAlgorithm
	if alg == "" {
		alg = tokens.AlgRS256
	}
	return id.issuer.Sign(ctx, alg, c, ttl)
}

// tenantAPITokenView renders a tenant client-credentials token.
func tenantAPITokenView(t *store.APIToken) *TenantAPIToken {
	return &TenantAPIToken{
		ClientID: t.ID, Description: t.Description, TenantID: t.TenantID, CreatedByUserID: strPtr(t.CreatedByUserID),
		Metadata: metadataObject(t.Metadata), CreatedAt: t.CreatedAt, PermissionIDs: nonNil(t.PermissionIDs),
		RoleIDs: nonNil(t.RoleIDs), Expires: t.ExpiresAt,
	}
}

// newClientCredentials builds an unsaved client-credentials token with a
// fresh secret, returned once.
func (id *Identity) newClientCredentials(typ, tenantID, userID, createdBy, description string, metadata map[string]any, minutes *int) (*store.APIToken, string, error) {
	now := id.now()
	exp, err := tokenExpiry(now, minutes)
	if err != nil {
		return nil, "", err
	}
	meta, err := metadataString(metadata)
	if err != nil {
		return nil, "", err
	}
	secret, err := id.newSecret()
	if err != nil {
		return nil, "", err
	}
	return &store.APIToken{
		ID: id.newID(), EnvID: id.envID, TenantID: tenantID, UserID: userID, Type: typ,
		Description: description, SecretHash: tokens.HashSecret(secret), Metadata: meta,
		CreatedByUserID: createdBy, CreatedAt: now, ExpiresAt: exp,
	}, secret, nil
}

// CreateTenantAPIToken creates a client-credentials token of the
// principal's tenant. The secret is in the answer and nowhere else: only
// its hash is stored.
func (id *Identity) CreateTenantAPIToken(ctx context.Context, p *Principal, in CreateTenantAPITokenInput) (*TenantAPIToken, error) {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return nil, err
	}
	if _, err := id.apiTokensAllowed(ctx); err != nil {
		return nil, err
	}
	if _, err := id.store.GetTenant(ctx, id.envID, tenantID); err != nil {
		return nil, storeErr(err, "tenant "+tenantID)
	}
	perms := in.PermissionIDs
	if len(in.RoleIDs) > 0 {
		perms = nil
	}
	if err := id.checkRoles(ctx, tenantID, in.RoleIDs); err != nil {
		return nil, err
	}
	if err := id.checkPermissions(ctx, perms); err != nil {
		return nil, err
	}
	t, secret, err := id.newClientCredentials(store.APITokenTenant, tenantID, "", p.UserID, in.Description, in.Metadata, in.ExpiresInMinutes)
	if err != nil {
		return nil, err
	}
	t.RoleIDs, t.PermissionIDs = slices.Clone(in.RoleIDs), slices.Clone(perms)
	if err := id.noEscalation(ctx, p, t); err != nil {
		return nil, err
	}
	if err := id.store.CreateAPIToken(ctx, t); err != nil {
		return nil, storeErr(err, "API token")
	}
	v := tenantAPITokenView(t)
	v.Secret = secret
	return v, nil
}

// ListTenantAPITokens lists the client-credentials tokens of the
// principal's tenant, oldest first, without their secrets.
func (id *Identity) ListTenantAPITokens(ctx context.Context, p *Principal) ([]TenantAPIToken, error) {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return nil, err
	}
	list, err := id.store.ListAPITokens(ctx, id.envID, store.APITokenFilter{TenantID: tenantID, Types: []string{store.APITokenTenant}})
	if err != nil {
		return nil, err
	}
	out := make([]TenantAPIToken, 0, len(list))
	for i := range list {
		out = append(out, *tenantAPITokenView(&list[i]))
	}
	return out, nil
}

// ownToken returns token tokenID if it is of type typ in tenantID (and,
// when userID is set, that user's); otherwise not found.
func (id *Identity) ownToken(ctx context.Context, tokenID, typ, tenantID, userID string) (*store.APIToken, error) {
	t, err := id.store.GetAPIToken(ctx, id.envID, tokenID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if t == nil || t.Type != typ || (tenantID != "" && t.TenantID != tenantID) || t.UserID != userID {
		return nil, notFound("token %s not found", tokenID)
	}
	return t, nil
}

// UpdateTenantAPIToken changes a client-credentials token of the
// principal's tenant.
func (id *Identity) UpdateTenantAPIToken(ctx context.Context, p *Principal, clientID string, in UpdateTenantAPITokenInput) (*TenantAPIToken, error) {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return nil, err
	}
	t, err := id.ownToken(ctx, clientID, store.APITokenTenant, tenantID, "")
	if err != nil {
		return nil, err
	}
	if in.Metadata != nil {
		if t.Metadata, err = metadataString(in.Metadata); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		t.Description = *in.Description
	}
	switch {
	case len(in.RoleIDs) > 0:
		if err := id.checkRoles(ctx, tenantID, in.RoleIDs); err != nil {
			return nil, err
		}
		t.RoleIDs, t.PermissionIDs = slices.Clone(in.RoleIDs), nil
	case len(in.PermissionIDs) > 0:
		if err := id.checkPermissions(ctx, in.PermissionIDs); err != nil {
			return nil, err
		}
		t.RoleIDs, t.PermissionIDs = nil, slices.Clone(in.PermissionIDs)
	default:
		if in.RoleIDs != nil {
			t.RoleIDs = nil
		}
		if in.PermissionIDs != nil {
			t.PermissionIDs = nil
		}
	}
	if err := id.noEscalation(ctx, p, t); err != nil {
		return nil, err
	}
	if err := id.store.UpdateAPIToken(ctx, t); err != nil {
		return nil, storeErr(err, "API token")
	}
	return tenantAPITokenView(t), nil
}

// DeleteTenantAPIToken deletes a client-credentials token of the
// principal's tenant; it can no longer authenticate nor refresh.
func (id *Identity) DeleteTenantAPIToken(ctx context.Context, p *Principal, clientID string) error {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return err
	}
	if _, err := id.ownToken(ctx, clientID, store.APITokenTenant, tenantID, ""); err != nil {
		return err
	}
	return storeErr(id.store.DeleteAPIToken(ctx, id.envID, clientID), "API token")
}

// accessTokenTTL is the lifetime of a signed access token expiring at exp
// (nil: never).
func (id *Identity) accessTokenTTL(exp *time.Time) time.Duration {
	if exp == nil {
		return noExpiryTTL
	}
	return exp.Sub(id.now())
}

func tenantAccessTokenView(t *store.APIToken) *TenantAccessToken {
	return &TenantAccessToken{
		ID: t.ID, Description: t.Description, CreatedAt: t.CreatedAt, Expires: t.ExpiresAt,
		RoleIDs: nonNil(t.RoleIDs), CreatedByUserID: strPtr(t.CreatedByUserID),
	}
}

// CreateTenantAccessToken creates a signed access token (type
// tenantAccessToken) of the principal's tenant carrying the given roles.
// The JWT is in the answer only; a record of it is kept so that it can be
// listed and revoked.
func (id *Identity) CreateTenantAccessToken(ctx context.Context, p *Principal, in CreateAccessTokenInput) (*TenantAccessToken, error) {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return nil, err
	}
	cfg, err := id.apiTokensAllowed(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := id.store.GetTenant(ctx, id.envID, tenantID); err != nil {
		return nil, storeErr(err, "tenant "+tenantID)
	}
	if err := id.checkRoles(ctx, tenantID, in.RoleIDs); err != nil {
		return nil, err
	}
	now := id.now()
	exp, err := tokenExpiry(now, in.ExpiresInMinutes)
	if err != nil {
		return nil, err
	}
	t := &store.APIToken{
		ID: id.newID(), EnvID: id.envID, TenantID: tenantID, Type: store.AccessTokenTenant,
		Description: in.Description, RoleIDs: slices.Clone(in.RoleIDs), CreatedByUserID: p.UserID,
		CreatedAt: now, ExpiresAt: exp,
	}
	if err := id.noEscalation(ctx, p, t); err != nil {
		return nil, err
	}
	jwt, _, err := id.signTokenJWT(ctx, cfg, t, tokens.TypeTenantAccessToken, id.accessTokenTTL(exp))
	if err != nil {
		return nil, err
	}
	if err := id.store.CreateAPIToken(ctx, t); err != nil {
		return nil, storeErr(err, "access token")
	}
	v := tenantAccessTokenView(t)
	v.Secret = jwt
	return v, nil
}

// ListTenantAccessTokens lists the access tokens of the principal's
// tenant, oldest first, without the tokens themselves.
func (id *Identity) ListTenantAccessTokens(ctx context.Context, p *Principal) (*TenantAccessTokens, error) {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return nil, err
	}
	list, err := id.store.ListAPITokens(ctx, id.envID, store.APITokenFilter{TenantID: tenantID, Types: []string{store.AccessTokenTenant}})
	if err != nil {
		return nil, err
	}
	out := &TenantAccessTokens{AccessTokens: make([]TenantAccessToken, 0, len(list))}
	for i := range list {
		out.AccessTokens = append(out.AccessTokens, *tenantAccessTokenView(&list[i]))
	}
	return out, nil
}

// DeleteTenantAccessToken revokes an access token of the principal's
// tenant: it leaves the active listing (ActiveAccessTokenIDs), which is
// what SDKs check.
func (id *Identity) DeleteTenantAccessToken(ctx context.Context, p *Principal, tokenID string) error {
	tenantID, err := tokenTenant(p)
	if err != nil {
		return err
	}
	if _, err := id.ownToken(ctx, tokenID, store.AccessTokenTenant, tenantID, ""); err != nil {
		return err
	}
	return storeErr(id.store.DeleteAPIToken(ctx, id.envID, tokenID), "access token")
}

// AuthenticateAPIToken exchanges a client id and secret (of a tenant or
// user client-credentials token) for an access token of type
// tenantApiToken or userApiToken carrying the token's roles and
// permissions, and a refresh token.
func (id *Identity) AuthenticateAPIToken(ctx context.Context, clientID, secret string) (*APITokenAuthResponse, error) {
	if clientID == "" {
		return nil, invalid("clientId", "clientId is required")
	}
	if secret == "" {
		return nil, invalid("secret", "secret is required")
	}
	cfg, err := id.apiTokensAllowed(ctx)
	if err != nil {
		return nil, err
	}
	t, err := id.store.GetAPIToken(ctx, id.envID, clientID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	hash := tokens.HashSecret(secret)
	if t == nil || (t.Type != store.APITokenTenant && t.Type != store.APITokenUser) {
		// Compare anyway, so an unknown client id costs the same.
		tokens.EqualHash(hash, hash)
		return nil, unauthorized("", "invalid client id or secret")
	}
	if !tokens.EqualHash(hash, t.SecretHash) {
		return nil, unauthorized("", "invalid client id or secret")
	}
	return id.apiTokenResponse(ctx, cfg, t)
}

// liveAPIToken refuses an expired token or one whose tenant or user is
// gone.
func (id *Identity) liveAPIToken(ctx context.Context, t *store.APIToken) error {
	if t.ExpiresAt != nil && !id.now().Before(*t.ExpiresAt) {
		return unauthorized(CodeTokenExpired, "API token expired")
	}
	if _, err := id.store.GetTenant(ctx, id.envID, t.TenantID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return unauthorized("", "the API token's tenant no longer exists")
		}
		return err
	}
	if t.UserID != "" {
		if _, err := id.store.GetMembership(ctx, t.UserID, t.TenantID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return unauthorized("", "the API token's user is no longer in its tenant")
			}
			return err
		}
	}
	return nil
}

// apiTokenResponse signs an access token for t and issues a refresh token.
func (id *Identity) apiTokenResponse(ctx context.Context, cfg store.EnvConfig, t *store.APIToken) (*APITokenAuthResponse, error) {
	if err := id.liveAPIToken(ctx, t); err != nil {
		return nil, err
	}
	now := id.now()
	ttl := time.Duration(cfg.DefaultTokenExpiration) * time.Second
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if t.ExpiresAt != nil && t.ExpiresAt.Sub(now) < ttl {
		ttl = t.ExpiresAt.Sub(now)
	}
	typ := tokens.TypeTenantAPIToken
	if t.Type == store.APITokenUser {
		typ = tokens.TypeUserAPIToken
	}
	access, exp, err := id.signTokenJWT(ctx, cfg, t, typ, ttl)
	if err != nil {
		return nil, err
	}
	refresh, err := id.newSecret()
	if err != nil {
		return nil, err
	}
	refreshTTL := time.Duration(cfg.DefaultRefreshTokenExpiration) * time.Second
	if refreshTTL <= 0 {
		refreshTTL = 30 * 24 * time.Hour
	}
	rt := &store.OneTimeToken{
		ID: id.newID(), EnvID: id.envID, Kind: apiTokenRefreshKind, UserID: t.UserID, TenantID: t.TenantID,
		Hash: tokens.HashSecret(refresh), Data: t.ID, CreatedAt: now, ExpiresAt: now.Add(refreshTTL),
	}
	if err := id.store.CreateOneTimeToken(ctx, rt); err != nil {
		return nil, err
	}
	return &APITokenAuthResponse{
		AccessToken: access, RefreshToken: refresh, ExpiresIn: int(ttl / time.Second),
		Expires: exp.UTC().Format(time.RFC1123),
	}, nil
}

// RefreshAPIToken exchanges a refresh token from AuthenticateAPIToken for
// a new access token and refresh token. Each refresh token works once, and
// only while its API token exists and has not expired.
func (id *Identity) RefreshAPIToken(ctx context.Context, refreshToken string) (*APITokenAuthResponse, error) {
	if refreshToken == "" {
		return nil, invalid("refreshToken", "refreshToken is required")
	}
	cfg, err := id.apiTokensAllowed(ctx)
	if err != nil {
		return nil, err
	}
	rt, err := id.store.GetOneTimeTokenByHash(ctx, apiTokenRefreshKind, tokens.HashSecret(refreshToken))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (rt.EnvID != id.envID || rt.UsedAt != nil || !id.now().Before(rt.ExpiresAt))) {
		return nil, unauthorized("", "invalid refresh token")
	}
	if err != nil {
		return nil, err
	}
	if err := id.store.ConsumeOneTimeToken(ctx, rt.ID, id.now()); err != nil {
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			return nil, unauthorized("", "invalid refresh token")
		}
		return nil, err
	}
	t, err := id.store.GetAPIToken(ctx, id.envID, rt.Data)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unauthorized("", "the API token was deleted")
	}
	if err != nil {
		return nil, err
	}
	return id.apiTokenResponse(ctx, cfg, t)
}
