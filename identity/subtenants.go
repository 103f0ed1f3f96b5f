package identity

import (
	"context"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// Permissions a user needs to manage the sub-accounts below its account
// (reading them needs PermReadSubAccounts).
const (
	PermWriteSubAccounts  = "fe.account-hierarchy.write.subAccount"
	PermDeleteSubAccounts = "fe.account-hierarchy.delete.subAccount"
)

// MaxTenantDepth is how many levels of sub-accounts may hang below a
// top-level account: a top-level account is at depth 0, its sub-accounts
// at 1, and nothing may be deeper than MaxTenantDepth.
const MaxTenantDepth = 16

// Sub-account access types (HierarchySettings.SubAccountAccessType): whether
// an account's users reach its sub-accounts, by default or always.
const (
	SubAccountAccessDefaultOff = "defaultOff"
	SubAccountAccessDefaultOn  = "defaultOn"
	SubAccountAccessAlwaysOn   = "alwaysOn"
)

// tenantChain returns t's ancestors, nearest first. A stored cycle (which
// the hierarchy operations never create) or a chain deeper than
// MaxTenantDepth is ErrInvalidInput, as the API reports a circular
// hierarchy.
func (id *Identity) tenantChain(ctx context.Context, st store.Store, t *store.Tenant) ([]*store.Tenant, error) {
	var chain []*store.Tenant
	seen := map[string]bool{t.ID: true}
	for parentID := t.ParentID; parentID != ""; {
		if seen[parentID] {
			return nil, invalid("tenantId", "circular dependency in the account hierarchy at tenant %s", parentID)
		}
		if len(chain) >= MaxTenantDepth {
			return nil, invalid("tenantId", "tenant %s is more than %d levels deep", t.ID, MaxTenantDepth)
		}
		seen[parentID] = true
		p, err := st.GetTenant(ctx, id.envID, parentID)
		if err != nil {
			return nil, storeErr(err, "parent tenant "+parentID)
		}
		chain = append(chain, p)
		parentID = p.ParentID
	}
	return chain, nil
}

// tenantSubtree is an account's sub-accounts, level by level.
type tenantSubtree struct {
	// below holds every sub-account, breadth first (level 1, the direct
	// sub-accounts, first); children the direct sub-accounts of each
	// account, oldest first.
	below    []placedTenant
	children map[string][]*store.Tenant
}

// placedTenant is a tenant below another, level steps down.
type placedTenant struct {
	t     *store.Tenant
	level int
}

// loadSubtree reads the accounts below rootID, one ListChildTenants per
// account (each an index search). Going down from an account meets a
// cycle only if the account is in it; that is ErrInvalidInput, as the API
// reports a circular hierarchy.
func (id *Identity) loadSubtree(ctx context.Context, st store.Store, rootID string) (*tenantSubtree, error) {
	f := &tenantSubtree{children: map[string][]*store.Tenant{}}
	seen := map[string]bool{rootID: true}
	next := []string{rootID}
	for level := 1; len(next) > 0; level++ {
		var ids []string
		for _, parent := range next {
			cs, err := st.ListChildTenants(ctx, id.envID, parent)
			if err != nil {
				return nil, err
			}
			for i := range cs {
				c := &cs[i]
				if seen[c.ID] {
					return nil, invalid("tenantId", "circular dependency in the account hierarchy at tenant %s", c.ID)
				}
				seen[c.ID] = true
				f.children[parent] = append(f.children[parent], c)
				f.below = append(f.below, placedTenant{t: c, level: level})
				ids = append(ids, c.ID)
			}
		}
		next = ids
	}
	return f, nil
}

// height is how many levels hang below the root (0 for a leaf).
func (f *tenantSubtree) height() int {
	if len(f.below) == 0 {
		return 0
	}
	return f.below[len(f.below)-1].level
}

// subAccountScope is the account a principal may manage sub-accounts
// below: "" for the environment (every account), the acting tenant for a
// user holding perm.
func (id *Identity) subAccountScope(ctx context.Context, p *Principal, perm string) (string, error) {
	if p == nil {
		return "", unauthorized("", "authentication required")
	}
	if p.Vendor {
		return "", nil
	}
	return id.actingTenant(ctx, p, perm)
}

// checkScope refuses t unless it lies below scope (or is scope itself,
// when self is allowed). Accounts outside a user's reach are not found,
// so their existence does not leak.
func (id *Identity) checkScope(ctx context.Context, st store.Store, scope string, t *store.Tenant, self bool) error {
	if scope == "" || (self && t.ID == scope) {
		return nil
	}
	chain, err := id.tenantChain(ctx, st, t)
	if err != nil {
		return err
	}
	for _, a := range chain {
		if a.ID == scope {
			return nil
		}
	}
	return notFound("sub-account %s not found below tenant %s", t.ID, scope)
}

// CreateSubTenant creates a sub-account of in.ParentTenantID (required),
// as CreateTenant does. A user principal needs PermWriteSubAccounts and
// may create sub-accounts only below its own account (the account itself
// included); its e-mail and name become the creator's when the input
// names none.
func (id *Identity) CreateSubTenant(ctx context.Context, p *Principal, in CreateTenantInput) (*Tenant, error) {
	scope, err := id.subAccountScope(ctx, p, PermWriteSubAccounts)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.ParentTenantID) == "" {
		return nil, invalid("parentTenantId", "parentTenantId is required")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Tenant
	err = id.store.InTx(ctx, func(tx store.Store) error {
		parent, err := tx.GetTenant(ctx, id.envID, in.ParentTenantID)
		if err != nil {
			return storeErr(err, "parent tenant "+in.ParentTenantID)
		}
		if err := id.checkScope(ctx, tx, scope, parent, true); err != nil {
			return err
		}
		if scope != "" && in.CreatorEmail == "" && in.CreatorName == "" {
			if u, err := tx.GetUser(ctx, id.envID, p.UserID); err == nil {
				in.CreatorEmail, in.CreatorName = u.Email, u.Name
			}
		}
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

// SubTenantManagementInput changes how a sub-account is managed
// (UpdateSubTenantManagementRequest); IsReseller is required.
type SubTenantManagementInput struct {
	IsReseller *bool `json:"isReseller"`
}

// UpdateSubTenantManagement sets whether account tenantID is a reseller,
// able to manage its own sub-accounts. A user principal needs
// PermWriteSubAccounts and reaches only the sub-accounts below its own
// account.
func (id *Identity) UpdateSubTenantManagement(ctx context.Context, p *Principal, tenantID string, in SubTenantManagementInput) (*Tenant, error) {
	scope, err := id.subAccountScope(ctx, p, PermWriteSubAccounts)
	if err != nil {
		return nil, err
	}
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return nil, err
	}
	if in.IsReseller == nil {
		return nil, invalid("isReseller", "isReseller is required")
	}
	var out *Tenant
	err = id.store.InTx(ctx, func(tx store.Store) error {
		t, err := tx.GetTenant(ctx, id.envID, tenantID)
		if err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		if err := id.checkScope(ctx, tx, scope, t, false); err != nil {
			return err
		}
		out, err = id.updateTenant(ctx, tx, t, UpdateTenantInput{IsReseller: in.IsReseller})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// HierarchySettings are an account's sub-account settings
// (UpdateSubTenantHierarchySettingsRequest): SubAccountAccessType is one
// of the SubAccountAccess* constants.
type HierarchySettings struct {
	TenantID             string `json:"tenantId"`
	SubAccountAccessType string `json:"subAccountAccessType"`
}

// HierarchySettingsInput sets an account's sub-account access type.
type HierarchySettingsInput struct {
	SubAccountAccessType string `json:"subAccountAccessType"`
}

// UpdateSubTenantHierarchySettings sets how account tenantID's users reach
// its sub-accounts: defaultOff or defaultOn (each user's access may be
// changed) or alwaysOn (every user has it). A user principal needs
// PermWriteSubAccounts and reaches its own account and those below it.
func (id *Identity) UpdateSubTenantHierarchySettings(ctx context.Context, p *Principal, tenantID string, in HierarchySettingsInput) (*HierarchySettings, error) {
	scope, err := id.subAccountScope(ctx, p, PermWriteSubAccounts)
	if err != nil {
		return nil, err
	}
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return nil, err
	}
	switch in.SubAccountAccessType {
	case SubAccountAccessDefaultOff, SubAccountAccessDefaultOn, SubAccountAccessAlwaysOn:
	case "":
		return nil, invalid("subAccountAccessType", "subAccountAccessType is required")
	default:
		return nil, invalid("subAccountAccessType", "subAccountAccessType must be defaultOff, defaultOn or alwaysOn")
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		t, err := tx.GetTenant(ctx, id.envID, tenantID)
		if err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		if err := id.checkScope(ctx, tx, scope, t, true); err != nil {
			return err
		}
		doc, err := id.loadTenantDoc(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		doc.SubAccountAccessType = in.SubAccountAccessType
		if err := saveSetting(ctx, id, tx, t.ID, settingTenantProfile, doc); err != nil {
			return err
		}
		t.UpdatedAt = id.now()
		return storeErr(tx.UpdateTenant(ctx, t), "tenant "+t.ID)
	})
	if err != nil {
		return nil, err
	}
	return &HierarchySettings{TenantID: tenantID, SubAccountAccessType: in.SubAccountAccessType}, nil
}

// DeleteSubTenant deletes sub-account tenantID as DeleteTenant does (its
// own sub-accounts move up to its parent). An account without a parent is
// not a sub-account: ErrInvalidInput. A user principal needs
// PermDeleteSubAccounts and reaches only the sub-accounts below its own
// account.
func (id *Identity) DeleteSubTenant(ctx context.Context, p *Principal, tenantID string) error {
	scope, err := id.subAccountScope(ctx, p, PermDeleteSubAccounts)
	if err != nil {
		return err
	}
	if err := checkTenantID("tenantId", tenantID); err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		t, err := tx.GetTenant(ctx, id.envID, tenantID)
		if err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		if err := id.checkScope(ctx, tx, scope, t, false); err != nil {
			return err
		}
		if t.ParentID == "" {
			return invalid("tenantId", "tenant %s is a top-level account, not a sub-account", tenantID)
		}
		roles, err := tx.ListRoles(ctx, id.envID)
		if err != nil {
			return err
		}
		return id.deleteTenant(ctx, tx, tenantID, roles)
	})
}

// SubTenant is an account below another in the hierarchy (ISubTenant):
// Level counts the steps down from the account asked about (1 for its
// direct sub-accounts).
type SubTenant struct {
	TenantID       string    `json:"tenantId"`
	TenantName     string    `json:"tenantName"`
	ParentTenantID string    `json:"parentTenantId"`
	Status         string    `json:"status,omitempty"`
	Level          int       `json:"level"`
	CreatedAt      time.Time `json:"createdAt"`
}

// ParentTenant is an account above another in the hierarchy
// (IParentTenant): Level counts the steps up from the account asked about
// (1 for its parent).
type ParentTenant struct {
	TenantID   string    `json:"tenantId"`
	TenantName string    `json:"tenantName"`
	Status     string    `json:"status,omitempty"`
	Level      int       `json:"level"`
	CreatedAt  time.Time `json:"createdAt"`
}

// TenantTreeNode is an account with the tree of its sub-accounts
// (ISubTenantTree); Children are oldest first and never null.
type TenantTreeNode struct {
	TenantID   string           `json:"tenantId"`
	TenantName string           `json:"tenantName"`
	Status     string           `json:"status,omitempty"`
	CreatedAt  time.Time        `json:"createdAt"`
	Children   []TenantTreeNode `json:"children"`
}

// hierarchyRoot is the account a hierarchy read starts from: the one the
// principal acts in (a user needs PermReadSubAccounts; the environment names
// it with frontegg-tenant-id).
func (id *Identity) hierarchyRoot(ctx context.Context, p *Principal) (*store.Tenant, error) {
	return id.accountTenant(ctx, p, PermReadSubAccounts)
}

// GetHierarchy lists every sub-account below the account the principal
// acts in, breadth first: its direct sub-accounts (level 1), then theirs.
func (id *Identity) GetHierarchy(ctx context.Context, p *Principal) ([]SubTenant, error) {
	root, err := id.hierarchyRoot(ctx, p)
	if err != nil {
		return nil, err
	}
	f, err := id.loadSubtree(ctx, id.store, root.ID)
	if err != nil {
		return nil, err
	}
	out := make([]SubTenant, 0, len(f.below))
	for _, b := range f.below {
		out = append(out, SubTenant{TenantID: b.t.ID, TenantName: b.t.Name, ParentTenantID: b.t.ParentID, Status: b.t.Status,
			Level: b.level, CreatedAt: b.t.CreatedAt})
	}
	return out, nil
}

// GetTenantParents lists the accounts above the account the principal acts
// in, its parent (level 1) first and the top-level account last.
func (id *Identity) GetTenantParents(ctx context.Context, p *Principal) ([]ParentTenant, error) {
	root, err := id.hierarchyRoot(ctx, p)
	if err != nil {
		return nil, err
	}
	chain, err := id.tenantChain(ctx, id.store, root)
	if err != nil {
		return nil, err
	}
	out := make([]ParentTenant, 0, len(chain))
	for i, a := range chain {
		out = append(out, ParentTenant{TenantID: a.ID, TenantName: a.Name, Status: a.Status, Level: i + 1, CreatedAt: a.CreatedAt})
	}
	return out, nil
}

// GetTenantTree returns the account the principal acts in with the tree of
// its sub-accounts. A circular hierarchy is ErrInvalidInput.
func (id *Identity) GetTenantTree(ctx context.Context, p *Principal) (*TenantTreeNode, error) {
	root, err := id.hierarchyRoot(ctx, p)
	if err != nil {
		return nil, err
	}
	// loadSubtree refuses cycles, so building the tree cannot loop.
	f, err := id.loadSubtree(ctx, id.store, root.ID)
	if err != nil {
		return nil, err
	}
	var build func(t *store.Tenant) TenantTreeNode
	build = func(t *store.Tenant) TenantTreeNode {
		n := TenantTreeNode{TenantID: t.ID, TenantName: t.Name, Status: t.Status, CreatedAt: t.CreatedAt, Children: []TenantTreeNode{}}
		for _, c := range f.children[t.ID] {
			n.Children = append(n.Children, build(c))
		}
		return n
	}
	tree := build(root)
	return &tree, nil
}

// HierarchyLinkInput names a parent account and a child account
// (CreateSubTenantRequestDto, DeleteSubTenantRequestDto).
type HierarchyLinkInput struct {
	ParentTenantID string `json:"parentTenantId"`
	ChildTenantID  string `json:"childTenantId"`
}

func (in *HierarchyLinkInput) validate() error {
	in.ParentTenantID, in.ChildTenantID = strings.TrimSpace(in.ParentTenantID), strings.TrimSpace(in.ChildTenantID)
	if err := checkTenantID("parentTenantId", in.ParentTenantID); err != nil {
		return err
	}
	return checkTenantID("childTenantId", in.ChildTenantID)
}

// HierarchyNode is an account's place in the hierarchy
// (ITenantHierarchyNode): its parent.
type HierarchyNode struct {
	ID       string `json:"id"`
	VendorID string `json:"vendorId"`
	TenantID string `json:"tenantId"`
	ParentID string `json:"parentId"`
}

// AddToHierarchy makes the existing account in.ChildTenantID, with its own
// sub-accounts, a sub-account of in.ParentTenantID. Refused with
// ErrInvalidInput: a child equal to the parent, a child that already has
// another parent (remove it from that hierarchy first), a parent that lies
// below the child (a cycle), or a result deeper than MaxTenantDepth.
// Adding a child to the parent it already has changes nothing.
func (id *Identity) AddToHierarchy(ctx context.Context, in HierarchyLinkInput) (*HierarchyNode, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.ParentTenantID == in.ChildTenantID {
		return nil, invalid("childTenantId", "an account cannot be its own sub-account")
	}
	err := id.store.InTx(ctx, func(tx store.Store) error {
		parent, err := tx.GetTenant(ctx, id.envID, in.ParentTenantID)
		if err != nil {
			return storeErr(err, "parent tenant "+in.ParentTenantID)
		}
		child, err := tx.GetTenant(ctx, id.envID, in.ChildTenantID)
		if err != nil {
			return storeErr(err, "child tenant "+in.ChildTenantID)
		}
		if child.ParentID == parent.ID {
			return nil
		}
		if child.ParentID != "" {
			return invalid("childTenantId", "tenant %s is already a sub-account of %s; remove it from that hierarchy first", child.ID, child.ParentID)
		}
		chain, err := id.tenantChain(ctx, tx, parent)
		if err != nil {
			return err
		}
		for _, a := range chain {
			if a.ID == child.ID {
				return invalid("childTenantId", "tenant %s is above %s in the hierarchy: the link would make a cycle", child.ID, parent.ID)
			}
		}
		f, err := id.loadSubtree(ctx, tx, child.ID)
		if err != nil {
			return err
		}
		if depth := len(chain) + 1 + f.height(); depth > MaxTenantDepth {
			return invalid("childTenantId", "the hierarchy would be %d levels deep; at most %d are allowed", depth, MaxTenantDepth)
		}
		child.ParentID, child.UpdatedAt = parent.ID, id.now()
		return storeErr(tx.UpdateTenant(ctx, child), "tenant "+child.ID)
	})
	if err != nil {
		return nil, err
	}
	return &HierarchyNode{ID: in.ChildTenantID, VendorID: id.envID, TenantID: in.ChildTenantID, ParentID: in.ParentTenantID}, nil
}

// RemoveFromHierarchy detaches sub-account in.ChildTenantID from its
// parent in.ParentTenantID: it becomes a top-level account, keeping its
// own sub-accounts. Accounts that are not parent and child are
// ErrNotFound.
func (id *Identity) RemoveFromHierarchy(ctx context.Context, in HierarchyLinkInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		child, err := tx.GetTenant(ctx, id.envID, in.ChildTenantID)
		if err != nil {
			return storeErr(err, "child tenant "+in.ChildTenantID)
		}
		if child.ParentID != in.ParentTenantID {
			return notFound("tenant %s is not a sub-account of %s", in.ChildTenantID, in.ParentTenantID)
		}
		child.ParentID, child.UpdatedAt = "", id.now()
		return storeErr(tx.UpdateTenant(ctx, child), "tenant "+child.ID)
	})
}
