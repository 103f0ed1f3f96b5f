package identity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/yolkauth/yolk/store"
)

// PermDeleteAccount is the permission a user needs to delete its own
// account (DeleteCurrentTenant).
const PermDeleteAccount = "fe.account-settings.delete.account"

// Paging limits of the accounts listing (ListTenants).
const (
	DefaultTenantPageLimit = 50
	MaxTenantPageLimit     = 200
)

// MaxTenantMetadataBytes bounds a tenant's metadata document.
const MaxTenantMetadataBytes = 64 << 10

// settingTenantProfile names the Setting that holds a tenant's profile
// (tenantDoc): its descriptive fields, account settings and hierarchy
// settings.
const settingTenantProfile = "tenant-profile"

// Tenant is an account as the API returns it (the official client's
// ITenantsResponseV2). Metadata is a stringified JSON object. DeletedAt is
// always null: a deleted account is gone, and creating one with the same id
// later starts afresh.
type Tenant struct {
	ID             string `json:"id"`
	TenantID       string `json:"tenantId"`
	VendorID       string `json:"vendorId"`
	Name           string `json:"name"`
	ParentTenantID string `json:"parentTenantId,omitempty"`
	Metadata       string `json:"metadata"`
	IsReseller     bool   `json:"isReseller"`
	// Alias names the account in its own login address; HasCustomLogin
	// says it has one.
	Alias          string `json:"alias,omitempty"`
	HasCustomLogin bool   `json:"hasCustomLogin"`
	Status         string `json:"status,omitempty"`
	CreatorName    string `json:"creatorName,omitempty"`
	CreatorEmail   string `json:"creatorEmail,omitempty"`
	TenantProfile
	// SubAccountAccessType is set by UpdateSubTenantHierarchySettings.
	SubAccountAccessType string     `json:"subAccountAccessType,omitempty"`
	DeletedAt            *time.Time `json:"deletedAt"`
	CreatedAt            time.Time  `json:"createdAt"`
	UpdatedAt            time.Time  `json:"updatedAt"`
}

func tenantView(t *store.Tenant) *Tenant {
	return &Tenant{ID: t.ID, TenantID: t.ID, VendorID: t.EnvID, Name: t.Name, ParentTenantID: t.ParentID, Metadata: t.Metadata,
		IsReseller: t.IsReseller, Alias: t.Alias, HasCustomLogin: t.Alias != "", Status: t.Status,
		CreatorName: t.CreatorName, CreatorEmail: t.CreatorEmail, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// tenantDoc is the stored profile of a tenant (settingTenantProfile).
type tenantDoc struct {
	TenantProfile
	SubAccountAccessType string `json:"subAccountAccessType,omitempty"`
}

func (d *tenantDoc) empty() bool {
	b, _ := json.Marshal(d) // a tenantDoc always encodes
	return string(b) == "{}"
}

func (id *Identity) loadTenantDoc(ctx context.Context, st store.Store, tenantID string) (tenantDoc, error) {
	return loadSetting(ctx, id, st, tenantID, settingTenantProfile, tenantDoc{})
}

// fullTenantView is tenantView with the tenant's profile.
func (id *Identity) fullTenantView(ctx context.Context, st store.Store, t *store.Tenant) (*Tenant, error) {
	doc, err := id.loadTenantDoc(ctx, st, t.ID)
	if err != nil {
		return nil, err
	}
	v := tenantView(t)
	v.TenantProfile, v.SubAccountAccessType = doc.TenantProfile, doc.SubAccountAccessType
	return v, nil
}

// JSONObject is a JSON object kept as its text, as tenants keep their
// metadata. Decoding accepts the object itself or a string holding one
// (the API takes metadata either way); null decodes as "". Whether the
// text really is an object is checked where it is used.
type JSONObject string

// UnmarshalJSON keeps an object's text, a string's content, or "" for
// null.
func (j *JSONObject) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*j = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*j = JSONObject(s)
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*j = JSONObject(buf.String())
	}
	return nil
}

// object parses j as a JSON object; "" is an empty one.
func (j JSONObject) object(field string) (map[string]json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if strings.TrimSpace(string(j)) == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(j), &m); err != nil || m == nil {
		return nil, invalid(field, "%s must be a JSON object or a string holding one", field)
	}
	return m, nil
}

// check validates j as metadata and returns its compact text ("" stays "").
func (j JSONObject) check(field string) (string, error) {
	if strings.TrimSpace(string(j)) == "" {
		return "", nil
	}
	m, err := j.object(field)
	if err != nil {
		return "", err
	}
	return encodeMetadata(field, m)
}

func encodeMetadata(field string, m map[string]json.RawMessage) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", invalid(field, "%s must be a JSON object or a string holding one", field)
	}
	if len(b) > MaxTenantMetadataBytes {
		return "", invalid(field, "%s must be at most %d bytes of JSON", field, MaxTenantMetadataBytes)
	}
	return string(b), nil
}

// checkTenantID accepts tenant ids that fit in a URL path segment: at most
// 255 characters, no spaces or control characters, none of / ? # % \.
func checkTenantID(field, tenantID string) error {
	if tenantID == "" {
		return invalid(field, "%s is required", field)
	}
	if err := checkLen(field, tenantID, 255); err != nil {
		return err
	}
	if strings.IndexFunc(tenantID, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`/?#%\`, r)
	}) >= 0 {
		return invalid(field, "%s may not contain spaces, control characters or any of / ? # %% \\", field)
	}
	return nil
}

// normalizeAlias lower-cases an alias and checks it is a DNS label: 1 to
// 63 letters, digits and inner hyphens (aliases often become subdomains).
func normalizeAlias(field, alias string) (string, error) {
	alias = strings.ToLower(strings.TrimSpace(alias))
	if !aliasPattern.MatchString(alias) {
		return "", invalid(field, "%s must be 1 to 63 letters, digits or inner hyphens", field)
	}
	return alias, nil
}

// CreateTenantInput describes a new tenant (CreateTenantRequest). TenantID
// is generated when empty; Metadata is a JSON object (or a string holding
// one); Alias, when set, must be free in the environment.
type CreateTenantInput struct {
	TenantID       string     `json:"tenantId"`
	Name           string     `json:"name"`
	ParentTenantID string     `json:"parentTenantId"`
	Metadata       JSONObject `json:"metadata"`
	Alias          string     `json:"alias"`
	Status         string     `json:"status"`
	IsReseller     bool       `json:"isReseller"`
	CreatorName    string     `json:"creatorName"`
	CreatorEmail   string     `json:"creatorEmail"`
	TenantProfile
}

func (in *CreateTenantInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return invalid("name", "name is required")
	}
	if err := checkLen("name", in.Name, 255); err != nil {
		return err
	}
	in.TenantID = strings.TrimSpace(in.TenantID)
	if in.TenantID != "" {
		if err := checkTenantID("tenantId", in.TenantID); err != nil {
			return err
		}
	}
	in.ParentTenantID = strings.TrimSpace(in.ParentTenantID)
	if in.ParentTenantID != "" {
		if err := checkTenantID("parentTenantId", in.ParentTenantID); err != nil {
			return err
		}
	}
	md, err := in.Metadata.check("metadata")
	if err != nil {
		return err
	}
	in.Metadata = JSONObject(md)
	if strings.TrimSpace(in.Alias) != "" {
		if in.Alias, err = normalizeAlias("alias", in.Alias); err != nil {
			return err
		}
	} else {
		in.Alias = ""
	}
	in.Status, in.CreatorName = strings.TrimSpace(in.Status), strings.TrimSpace(in.CreatorName)
	if err := checkLen("status", in.Status, 255); err != nil {
		return err
	}
	if err := checkLen("creatorName", in.CreatorName, 255); err != nil {
		return err
	}
	if strings.TrimSpace(in.CreatorEmail) != "" {
		if in.CreatorEmail, err = normalizeEmail("creatorEmail", in.CreatorEmail); err != nil {
			return err
		}
	} else {
		in.CreatorEmail = ""
	}
	return nil
}

// CreateTenant creates an account (a sub-account when ParentTenantID is
// set). A taken tenant id or alias is ErrConflict; an unknown parent
// ErrNotFound; a parent at MaxTenantDepth ErrInvalidInput.
func (id *Identity) CreateTenant(ctx context.Context, in CreateTenantInput) (*Tenant, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Tenant
	err := id.store.InTx(ctx, func(tx store.Store) error {
		t, err := id.createTenant(ctx, tx, in)
		if err != nil {
			return err
		}
		out, err = id.fullTenantView(ctx, tx, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createTenant stores a validated tenant and its profile.
func (id *Identity) createTenant(ctx context.Context, tx store.Store, in CreateTenantInput) (*store.Tenant, error) {
	if in.ParentTenantID != "" {
		parent, err := tx.GetTenant(ctx, id.envID, in.ParentTenantID)
		if err != nil {
			return nil, storeErr(err, "parent tenant "+in.ParentTenantID)
		}
		chain, err := id.tenantChain(ctx, tx, parent)
		if err != nil {
			return nil, err
		}
		if len(chain)+1 > MaxTenantDepth {
			return nil, invalid("parentTenantId", "tenant %s is %d levels deep; sub-accounts may be at most %d levels below a top-level account",
				parent.ID, len(chain), MaxTenantDepth)
		}
	}
	now := id.now()
	if err := in.TenantProfile.normalize(now.Year()); err != nil {
		return nil, err
	}
	t := &store.Tenant{ID: in.TenantID, EnvID: id.envID, Name: in.Name, ParentID: in.ParentTenantID, Metadata: string(in.Metadata),
		Alias: in.Alias, Status: in.Status, IsReseller: in.IsReseller, CreatorName: in.CreatorName, CreatorEmail: in.CreatorEmail,
		CreatedAt: now, UpdatedAt: now}
	if t.ID == "" {
		t.ID = id.newID()
	}
	if err := tx.CreateTenant(ctx, t); err != nil {
		if errors.Is(err, store.ErrConflict) && t.Alias != "" {
			if _, aerr := tx.GetTenantByAlias(ctx, id.envID, t.Alias); aerr == nil {
				return nil, conflict("", "alias %s is taken by another tenant", t.Alias)
			}
		}
		return nil, storeErr(err, "tenant "+t.ID)
	}
	doc := tenantDoc{TenantProfile: in.TenantProfile}
	if !doc.empty() {
		if err := saveSetting(ctx, id, tx, t.ID, settingTenantProfile, doc); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// GetTenant returns an account by id.
func (id *Identity) GetTenant(ctx context.Context, tenantID string) (*Tenant, error) {
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return nil, err
	}
	t, err := id.store.GetTenant(ctx, id.envID, tenantID)
	if err != nil {
		return nil, storeErr(err, "tenant "+tenantID)
	}
	return id.fullTenantView(ctx, id.store, t)
}

// GetTenantByAlias returns the account whose alias is alias (compared
// case-insensitively).
func (id *Identity) GetTenantByAlias(ctx context.Context, alias string) (*Tenant, error) {
	a, err := normalizeAlias("alias", alias)
	if err != nil {
		return nil, err
	}
	t, err := id.store.GetTenantByAlias(ctx, id.envID, a)
	if err != nil {
		return nil, storeErr(err, "tenant with alias "+a)
	}
	return id.fullTenantView(ctx, id.store, t)
}

// TenantQuery is a listing of accounts (GET tenants/v2): a page sorted by
// createdAt (the default), name or tenantId; Filter keeps accounts whose
// name or id contains it (ASCII letters compared case-insensitively);
// TenantIDs, when set, keeps only those accounts.
type TenantQuery struct {
	Page      PageQuery
	Filter    string
	TenantIDs []string
}

// ListTenants returns a page of the environment's accounts, at most
// MaxTenantPageLimit (DefaultTenantPageLimit unless the query says).
func (id *Identity) ListTenants(ctx context.Context, q TenantQuery) (*Page[Tenant], error) {
	if q.Page.Limit > MaxTenantPageLimit {
		return nil, invalid("_limit", "_limit must be between 1 and %d", MaxTenantPageLimit)
	}
	if q.Page.Limit == 0 {
		q.Page.Limit = DefaultTenantPageLimit
	}
	page, err := q.Page.normalize(string(store.SortTenantsByCreatedAt), string(store.SortTenantsByName), string(store.SortTenantsByID))
	if err != nil {
		return nil, err
	}
	if err := checkLen("_filter", q.Filter, 255); err != nil {
		return nil, err
	}
	sq := store.TenantQuery{EnvID: id.envID, Search: strings.TrimSpace(q.Filter), Sort: store.TenantSort(page.SortBy),
		Desc: page.Order == "DESC", Limit: page.Limit, Offset: page.Offset}
	if q.TenantIDs != nil {
		if len(q.TenantIDs) > MaxTenantPageLimit {
			return nil, invalid("_tenantIds", "_tenantIds may name at most %d accounts", MaxTenantPageLimit)
		}
		sq.IDs = q.TenantIDs
	}
	ts, total, err := id.store.QueryTenants(ctx, sq)
	if err != nil {
		return nil, err
	}
	items := make([]Tenant, 0, len(ts))
	for i := range ts {
		v, err := id.fullTenantView(ctx, id.store, &ts[i])
		if err != nil {
			return nil, err
		}
		items = append(items, *v)
	}
	return newPage(items, total, page), nil
}

// UpdateTenantInput changes an account (UpdateTenantRequestV2); nil fields
// stay as they are, and at least one must be set. Metadata replaces the
// whole metadata (SetTenantMetadata merges keys instead).
type UpdateTenantInput struct {
	Name       *string     `json:"name"`
	Metadata   *JSONObject `json:"metadata"`
	Alias      *string     `json:"alias"`
	Status     *string     `json:"status"`
	IsReseller *bool       `json:"isReseller"`
	TenantProfileUpdate
}

func (in *UpdateTenantInput) empty() bool {
	return in.Name == nil && in.Metadata == nil && in.Alias == nil && in.Status == nil && in.IsReseller == nil &&
		in.TenantProfileUpdate.empty()
}

// UpdateTenant changes account tenantID. An input that changes nothing is
// ErrInvalidInput; a taken alias ErrConflict.
func (id *Identity) UpdateTenant(ctx context.Context, tenantID string, in UpdateTenantInput) (*Tenant, error) {
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return nil, err
	}
	if in.empty() {
		return nil, invalid("", "the request changes nothing: send at least one field to update")
	}
	var out *Tenant
	err := id.store.InTx(ctx, func(tx store.Store) error {
		t, err := tx.GetTenant(ctx, id.envID, tenantID)
		if err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		out, err = id.updateTenant(ctx, tx, t, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updateTenant applies in to t and its profile inside tx.
func (id *Identity) updateTenant(ctx context.Context, tx store.Store, t *store.Tenant, in UpdateTenantInput) (*Tenant, error) {
	var err error
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" {
			return nil, invalid("name", "name must not be empty")
		}
		if err := checkLen("name", name, 255); err != nil {
			return nil, err
		}
		t.Name = name
	}
	if in.Metadata != nil {
		if t.Metadata, err = in.Metadata.check("metadata"); err != nil {
			return nil, err
		}
	}
	if in.Alias != nil {
		t.Alias = ""
		if strings.TrimSpace(*in.Alias) != "" {
			if t.Alias, err = normalizeAlias("alias", *in.Alias); err != nil {
				return nil, err
			}
		}
	}
	if in.Status != nil {
		t.Status = strings.TrimSpace(*in.Status)
		if err := checkLen("status", t.Status, 255); err != nil {
			return nil, err
		}
	}
	if in.IsReseller != nil {
		t.IsReseller = *in.IsReseller
	}
	doc, err := id.loadTenantDoc(ctx, tx, t.ID)
	if err != nil {
		return nil, err
	}
	if !in.TenantProfileUpdate.empty() {
		if err := in.TenantProfileUpdate.applyTo(&doc.TenantProfile); err != nil {
			return nil, err
		}
		if err := doc.TenantProfile.normalize(id.now().Year()); err != nil {
			return nil, err
		}
		if err := saveSetting(ctx, id, tx, t.ID, settingTenantProfile, doc); err != nil {
			return nil, err
		}
	}
	t.UpdatedAt = id.now()
	if err := tx.UpdateTenant(ctx, t); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, conflict("", "alias %s is taken by another tenant", t.Alias)
		}
		return nil, storeErr(err, "tenant "+t.ID)
	}
	v := tenantView(t)
	v.TenantProfile, v.SubAccountAccessType = doc.TenantProfile, doc.SubAccountAccessType
	return v, nil
}

// SetTenantMetadata adds the keys of metadata (a JSON object, or a string
// holding one) to account tenantID's metadata, overwriting keys it already
// has.
func (id *Identity) SetTenantMetadata(ctx context.Context, tenantID string, metadata JSONObject) (*Tenant, error) {
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(string(metadata)) == "" {
		return nil, invalid("metadata", "metadata is required")
	}
	add, err := metadata.object("metadata")
	if err != nil {
		return nil, err
	}
	return id.editMetadata(ctx, tenantID, func(m map[string]json.RawMessage) {
		for k, v := range add {
			m[k] = v
		}
	})
}

// DeleteTenantMetadata removes key from account tenantID's metadata; a key
// it does not have leaves it unchanged.
func (id *Identity) DeleteTenantMetadata(ctx context.Context, tenantID, key string) (*Tenant, error) {
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return nil, err
	}
	if key == "" {
		return nil, invalid("key", "key is required")
	}
	return id.editMetadata(ctx, tenantID, func(m map[string]json.RawMessage) { delete(m, key) })
}

func (id *Identity) editMetadata(ctx context.Context, tenantID string, edit func(map[string]json.RawMessage)) (*Tenant, error) {
	var out *Tenant
	err := id.store.InTx(ctx, func(tx store.Store) error {
		t, err := tx.GetTenant(ctx, id.envID, tenantID)
		if err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		m, err := JSONObject(t.Metadata).object("metadata")
		if err != nil {
			// Metadata stored by an older version or directly in the
			// store that is not an object is replaced.
			m = map[string]json.RawMessage{}
		}
		edit(m)
		if t.Metadata, err = encodeMetadata("metadata", m); err != nil {
			return err
		}
		t.UpdatedAt = id.now()
		if err := tx.UpdateTenant(ctx, t); err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		out, err = id.fullTenantView(ctx, tx, t)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTenant deletes account tenantID and everything that belongs to it,
// in one transaction:
//   - its sub-accounts move up to its parent (they become top-level
//     accounts when it has none);
//   - its members leave it: a user who belongs to other accounts keeps
//     them and loses its sessions and invitations in this one, a user who
//     belongs to no other account is deleted;
//   - its own roles (roles scoped to it), its settings and profile, and
//     what the store removes with a tenant (memberships and whatever hangs
//     on them).
func (id *Identity) DeleteTenant(ctx context.Context, tenantID string) error {
	return id.DeleteTenants(ctx, []string{tenantID})
}

// DeleteTenants deletes several accounts as DeleteTenant does, all or
// none: an unknown id is ErrNotFound and nothing is deleted.
func (id *Identity) DeleteTenants(ctx context.Context, tenantIDs []string) error {
	if len(tenantIDs) == 0 {
		return invalid("tenantIds", "tenantIds must name at least one account")
	}
	if len(tenantIDs) > MaxTenantPageLimit {
		return invalid("tenantIds", "tenantIds may name at most %d accounts", MaxTenantPageLimit)
	}
	for _, t := range tenantIDs {
		if err := checkTenantID("tenantId", t); err != nil {
			return err
		}
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		var roles []store.Role
		for i, tenantID := range tenantIDs {
			if slices.Contains(tenantIDs[:i], tenantID) {
				continue
			}
			if roles == nil {
				var err error
				if roles, err = tx.ListRoles(ctx, id.envID); err != nil {
					return err
				}
			}
			if err := id.deleteTenant(ctx, tx, tenantID, roles); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteCurrentTenant deletes the account the principal acts in, as
// DeleteTenant does. A user needs PermDeleteAccount; the environment names
// the account with the frontegg-tenant-id header.
func (id *Identity) DeleteCurrentTenant(ctx context.Context, p *Principal) error {
	tenantID, err := id.actingTenant(ctx, p, PermDeleteAccount)
	if err != nil {
		return err
	}
	return id.DeleteTenant(ctx, tenantID)
}

// deleteTenant deletes one tenant inside tx; roles are the environment's
// roles (the tenant-scoped ones among them go).
func (id *Identity) deleteTenant(ctx context.Context, tx store.Store, tenantID string, roles []store.Role) error {
	t, err := tx.GetTenant(ctx, id.envID, tenantID)
	if err != nil {
		return storeErr(err, "tenant "+tenantID)
	}
	now := id.now()
	children, err := tx.ListChildTenants(ctx, id.envID, t.ID)
	if err != nil {
		return err
	}
	for i := range children {
		if c := &children[i]; c.ID != t.ID {
			c.ParentID, c.UpdatedAt = t.ParentID, now
			if err := tx.UpdateTenant(ctx, c); err != nil {
				return storeErr(err, "sub-account "+c.ID)
			}
		}
	}
	for _, r := range roles {
		if r.TenantID != t.ID {
			continue
		}
		if err := tx.DeleteRole(ctx, id.envID, r.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	members, err := tx.ListTenantMemberships(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if err := id.leaveDeletedTenant(ctx, tx, m.UserID, t.ID); err != nil {
			return err
		}
	}
	if _, err := tx.DeleteTenantSettings(ctx, id.envID, t.ID); err != nil {
		return err
	}
	return storeErr(tx.DeleteTenant(ctx, id.envID, t.ID), "tenant "+t.ID)
}

// leaveDeletedTenant takes userID out of tenantID, which is being deleted:
// as RemoveUser, a user left without any tenant is deleted.
func (id *Identity) leaveDeletedTenant(ctx context.Context, tx store.Store, userID, tenantID string) error {
	ms, err := tx.ListUserMemberships(ctx, userID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(ms, func(m store.Membership) bool { return m.TenantID != tenantID }) {
		if err := tx.DeleteMembership(ctx, userID, tenantID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := id.dropTenantInvitations(ctx, tx, userID, tenantID); err != nil {
			return err
		}
		return id.revokeSessions(ctx, tx, userID, tenantID)
	}
	if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, ""); err != nil {
		return err
	}
	if err := tx.DeleteUser(ctx, id.envID, userID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
