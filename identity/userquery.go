package identity

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/yolkauth/yolk/store"
)

// MaxUserPageLimit is the largest page of a user listing.
const MaxUserPageLimit = 200

// MaxQueryValues bounds the ids, external ids and phrase-search strings of
// one user query.
const MaxQueryValues = 1000

// The orders of a user listing (_sortBy); the first is the default.
var userSortKeys = []string{"createdAt", "name", "email", "id", "verified", "isLocked", "provider", "tenantId"}

// UserQuery filters a user listing (the query parameters of users/v3 and
// of the phrase search). Every filter that is set must hold.
type UserQuery struct {
	// TenantID (_tenantId) lists the users of one tenant. A user principal
	// always lists within its own tenant (or, with PermReadSubAccounts,
	// one of its sub-accounts).
	TenantID string
	// IncludeSubTenants (_includeSubTenants, default true) also lists the
	// users of the tenant's sub-accounts. A user principal needs
	// PermReadSubAccounts for it.
	IncludeSubTenants *bool
	// IDs (ids) and ExternalIDs (_externalIds) keep the users with those
	// ids.
	IDs         []string
	ExternalIDs []string
	// Email (_email) keeps users whose e-mail starts with it
	// (case-insensitive).
	Email string
	// NamePrefix (_namePrefix) keeps users whose name starts with it.
	NamePrefix string
	// Identifier and IdentifierType (_identifier, _identifierType: email,
	// phoneNumber or username), given together, keep users whose
	// identifier of that type starts with Identifier.
	Identifier     string
	IdentifierType string

	// Phrase search over e-mail, name, username, phone number and external
	// id: Contains (_phraseSearchContains) must all occur, Optional
	// (_phraseSearchOptional) at least one, Excludes
	// (_phraseSearchExcludes) none; a string occurs when it is a
	// case-insensitive substring of one field. Approximate
	// (_phraseSearchApproximate) also ignores diacritics. Each string
	// needs at least store.MinSearchLength characters.
	Contains    []string
	Optional    []string
	Excludes    []string
	Approximate bool
}

// ListUsers lists users (UserV3Dto, FronteggPaginationWrapper): the
// environment's, or one tenant's (with its sub-accounts unless
// IncludeSubTenants is false). A user principal needs PermReadUsers and
// sees only its tenant's visible users. page sorts by createdAt (default),
// name, email, id, verified, isLocked, provider or tenantId, at most
// MaxUserPageLimit users per page.
func (id *Identity) ListUsers(ctx context.Context, p *Principal, q UserQuery, page PageQuery) (*Page[User], error) {
	if p == nil {
		return nil, unauthorized("", "authentication required")
	}
	if page.Limit > MaxUserPageLimit {
		return nil, invalid("_limit", "_limit must be between 1 and %d", MaxUserPageLimit)
	}
	page, err := page.normalize(userSortKeys...)
	if err != nil {
		return nil, err
	}
	sq, none, err := q.storeQuery()
	if err != nil {
		return nil, err
	}
	sq.EnvID, sq.SortBy, sq.Descending = id.envID, store.UserSort(page.SortBy), page.Order == "DESC"
	sq.Limit, sq.Offset = page.Limit, page.Offset
	scope, err := id.userScope(ctx, p, q)
	if err != nil {
		return nil, err
	}
	if scope != "" {
		include := q.IncludeSubTenants == nil || *q.IncludeSubTenants
		if include && (p.Vendor || Can(p, PermReadSubAccounts)) {
			if sq.TenantIDs, err = id.subTenants(ctx, scope, "_includeSubTenants"); err != nil {
				return nil, err
			}
		} else {
			sq.TenantIDs = []string{scope}
		}
	}
	if none {
		return newPage([]User{}, 0, page), nil
	}
	sq.HideInvisible = !p.Vendor
	users, total, err := id.store.ListUsers(ctx, sq)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(users))
	for i := range users {
		ids[i] = users[i].ID
	}
	all, err := id.store.ListUsersMemberships(ctx, ids)
	if err != nil {
		return nil, err
	}
	byUser := make(map[string][]store.Membership, len(users))
	for _, m := range all {
		byUser[m.UserID] = append(byUser[m.UserID], m)
	}
	items := make([]User, 0, len(users))
	for i := range users {
		rec := &userRecord{user: &users[i], memberships: byUser[users[i].ID]}
		view := ""
		if rec.membership(scope) != nil {
			view = scope
		}
		items = append(items, *rec.view(view))
	}
	return newPage(items, total, page), nil
}

// SearchUsers is ListUsers reached through the phrase-search route
// (users/v1/query/phrase): the same filters, typically with a phrase.
func (id *Identity) SearchUsers(ctx context.Context, p *Principal, q UserQuery, page PageQuery) (*Page[User], error) {
	return id.ListUsers(ctx, p, q, page)
}

// userScope returns the tenant a listing is confined to ("" for the whole
// environment). The environment token lists what it asks for (_tenantId,
// else the frontegg-tenant-id header, else everything); a user principal
// lists its own tenant, or one of its sub-accounts when it may read them.
func (id *Identity) userScope(ctx context.Context, p *Principal, q UserQuery) (string, error) {
	want := strings.TrimSpace(q.TenantID)
	if p.Vendor {
		if want == "" {
			want = p.TenantID
		}
		if want != "" {
			if _, err := id.store.GetTenant(ctx, id.envID, want); err != nil {
				return "", storeErr(err, "tenant "+want)
			}
		}
		return want, nil
	}
	own, err := id.actingTenant(ctx, p, PermReadUsers)
	if err != nil {
		return "", err
	}
	if want == "" || want == own {
		return own, nil
	}
	if Can(p, PermReadSubAccounts) {
		subs, err := id.subTenants(ctx, own, "_tenantId")
		if err != nil {
			return "", err
		}
		for _, s := range subs {
			if s == want {
				return want, nil
			}
		}
	}
	return "", forbidden("", "tenant %s is not the tenant of this token or one of its sub-accounts", want)
}

// storeQuery validates q and turns it into the store's query; none reports
// filters that no user can pass together.
func (q UserQuery) storeQuery() (sq store.UserQuery, none bool, err error) {
	lists := []struct {
		field string
		in    []string
		out   *[]string
		min   int
	}{
		{"ids", q.IDs, &sq.IDs, 0},
		{"_externalIds", q.ExternalIDs, &sq.ExternalIDs, 0},
		{"_phraseSearchContains", q.Contains, &sq.Contains, store.MinSearchLength},
		{"_phraseSearchOptional", q.Optional, &sq.Optional, store.MinSearchLength},
		{"_phraseSearchExcludes", q.Excludes, &sq.Excludes, store.MinSearchLength},
	}
	for _, l := range lists {
		vs := compact(l.in)
		if len(vs) > MaxQueryValues {
			return sq, false, invalid(l.field, "%s takes at most %d values", l.field, MaxQueryValues)
		}
		for _, v := range vs {
			if utf8.RuneCountInString(v) < l.min {
				return sq, false, invalid(l.field, "%s: %q is shorter than %d characters", l.field, v, l.min)
			}
			if err := checkLen(l.field, v, 255); err != nil {
				return sq, false, err
			}
		}
		*l.out = vs
	}
	sq.Approximate = q.Approximate
	sq.EmailPrefix = strings.TrimSpace(q.Email)
	sq.NamePrefix = strings.TrimSpace(q.NamePrefix)
	ident, typ := strings.TrimSpace(q.Identifier), strings.TrimSpace(q.IdentifierType)
	switch {
	case ident == "" && typ == "":
	case ident == "":
		return sq, false, invalid("_identifier", "_identifier is required with _identifierType")
	case typ == "":
		return sq, false, invalid("_identifierType", "_identifierType is required with _identifier")
	case typ == "email":
		// _email and an e-mail _identifier are both prefixes: the longer
		// one decides, unless they disagree and nothing can match.
		a, b := strings.ToLower(ident), strings.ToLower(sq.EmailPrefix)
		if !strings.HasPrefix(a, b) && !strings.HasPrefix(b, a) {
			none = true
		}
		if len(ident) > len(sq.EmailPrefix) {
			sq.EmailPrefix = ident
		}
	case typ == "phoneNumber":
		sq.PhonePrefix = ident
	case typ == "username":
		sq.UsernamePrefix = ident
	default:
		return sq, false, invalid("_identifierType", "_identifierType must be email, phoneNumber or username")
	}
	for _, f := range []struct{ field, v string }{{"_email", sq.EmailPrefix}, {"_namePrefix", sq.NamePrefix}, {"_identifier", ident}} {
		if err := checkLen(f.field, f.v, 255); err != nil {
			return sq, false, err
		}
	}
	return sq, none, nil
}
