package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
)

// Permission keys of the tenancy operations a user principal needs.
const (
	PermSubAccountAccess = "fe.account-hierarchy.write.subAccountAccess"
	PermReadSubAccounts  = "fe.account-hierarchy.read.subAccount"
)

// MaxHierarchyDepth bounds how far up the parent chain of a tenant the
// hierarchy operations look, so that a corrupt cycle cannot loop forever.
const MaxHierarchyDepth = 64

// MaxSubTenants bounds how many sub-accounts a listing that includes them
// gathers.
const MaxSubTenants = 1000

// UserTenantInput names the tenant of AddUserToTenant
// (AddUserToTenantRequest) and SetUserActiveTenant
// (UpdateUserTenantWithValidationDto). A tenant that does not exist is
// created with the id as its name, unless ValidateTenantExist is set.
type UserTenantInput struct {
	TenantID            string `json:"tenantId"`
	ValidateTenantExist bool   `json:"validateTenantExist"`
	// SkipInviteEmail (AddUserToTenant only) sends no e-mail to the user.
	SkipInviteEmail bool `json:"skipInviteEmail"`
}

// tenantFor returns tenant in.TenantID, creating it unless
// in.ValidateTenantExist says it must exist.
func (id *Identity) tenantFor(ctx context.Context, tx store.Store, in UserTenantInput) (*store.Tenant, error) {
	t, err := tx.GetTenant(ctx, id.envID, in.TenantID)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, store.ErrNotFound) || in.ValidateTenantExist {
		return nil, storeErr(err, "tenant "+in.TenantID)
	}
	tin := CreateTenantInput{TenantID: in.TenantID, Name: in.TenantID}
	if err := tin.validate(); err != nil {
		return nil, err
	}
	return id.createTenant(ctx, tx, tin)
}

func (in *UserTenantInput) validate() error {
	in.TenantID = strings.TrimSpace(in.TenantID)
	if in.TenantID == "" {
		return invalid("tenantId", "tenantId is required")
	}
	return checkLen("tenantId", in.TenantID, 255)
}

// addMembership makes the user of rec a member of tenantID with roleIDs,
// or, when none are given, with the roles a new member of the tenant gets
// (the first-user roles for its first member, else the default roles).
func (id *Identity) addMembership(ctx context.Context, tx store.Store, rec *userRecord, tenantID string, roleIDs []string) error {
	// The tenant's e-mail domain restriction (restrictions.go).
	if err := id.checkEmailDomain(ctx, tx, tenantID, rec.user.Email); err != nil {
		return err
	}
	roleIDs, err := id.initialRoleIDs(ctx, tx, tenantID, roleIDs)
	if err != nil {
		return err
	}
	now := id.now()
	m := store.Membership{UserID: rec.user.ID, TenantID: tenantID, EnvID: id.envID, RoleIDs: roleIDs, CreatedAt: now, UpdatedAt: now}
	if err := tx.PutMembership(ctx, &m); err != nil {
		return storeErr(err, "tenant "+tenantID)
	}
	rec.memberships = append(rec.memberships, m)
	return nil
}

// AddUserToTenant makes an existing user a member of another tenant
// (created when missing, unless in.ValidateTenantExist). The membership is
// usable at once; unless in.SkipInviteEmail the user is told by e-mail. A
// user who already belongs to the tenant is ErrConflict.
func (id *Identity) AddUserToTenant(ctx context.Context, userID string, in UserTenantInput) (*User, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var rec *userRecord
	var tenant *store.Tenant
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		if tenant, err = id.tenantFor(ctx, tx, in); err != nil {
			return err
		}
		if rec.membership(tenant.ID) != nil {
			return conflict("", "user %s already belongs to tenant %s", userID, tenant.ID)
		}
		return id.addMembership(ctx, tx, rec, tenant.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	if !in.SkipInviteEmail && rec.user.Email != "" {
		id.sendEmail(ctx, addedToTenantEmail(rec.user, tenant.Name, id.appLink(pathLogin, nil)))
	}
	return rec.view(tenant.ID), nil
}

// pathLogin is the login page of the application.
const pathLogin = "/account/login"

// addedToTenantEmail tells a user that it now belongs to tenantName.
func addedToTenantEmail(u *store.User, tenantName, link string) delivery.Email {
	return delivery.Email{
		To:      u.Email,
		Subject: "You have been added to " + tenantName,
		Text: fmt.Sprintf("Hello%s,\n\nYou now have access to %s. Sign in to switch to it:\n\n%s\n",
			greetingName(u), tenantName, link),
	}
}

// usableMembership reports whether m lets its user act in its tenant now:
// enabled and not expired.
func (id *Identity) usableMembership(m *store.Membership) bool {
	return m != nil && !m.Disabled && (m.ExpiresAt == nil || m.ExpiresAt.After(id.now()))
}

// SetUserActiveTenant sets the tenant the user's next tokens are issued
// for (their active tenant): at the next login, and at the next refresh of
// every session that does not ask for a tenant. A missing tenant is
// created unless in.ValidateTenantExist; a user who is not a member
// becomes one. A membership that is disabled or expired is ErrForbidden.
func (id *Identity) SetUserActiveTenant(ctx context.Context, userID string, in UserTenantInput) (*User, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var rec *userRecord
	var tenantID string
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		t, err := id.tenantFor(ctx, tx, in)
		if err != nil {
			return err
		}
		tenantID = t.ID
		m := rec.membership(tenantID)
		if m == nil {
			if err := id.addMembership(ctx, tx, rec, tenantID, nil); err != nil {
				return err
			}
		} else if !id.usableMembership(m) {
			return forbidden(CodeUserDisabled, "user %s is disabled or expired in tenant %s", userID, tenantID)
		}
		rec.user.ActiveTenantID, rec.user.UpdatedAt = tenantID, id.now()
		return tx.UpdateUser(ctx, rec.user)
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return rec.view(tenantID), nil
}

// SwitchTenant switches the acting user to another of its own tenants:
// the user's active tenant changes, and so does the tenant of the session
// the principal's token belongs to, so the next refresh issues a token for
// tenantID. A tenant the user does not belong to (or is disabled or
// expired in) is ErrForbidden.
func (id *Identity) SwitchTenant(ctx context.Context, p *Principal, tenantID string) (*User, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	tenantID = strings.TrimSpace(tenantID)
	if tenantID == "" {
		return nil, invalid("tenantId", "tenantId is required")
	}
	var rec *userRecord
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		if !id.usableMembership(rec.membership(tenantID)) {
			return forbidden("", "user is not a member of tenant %s", tenantID)
		}
		now := id.now()
		if p.Claims != nil && p.Claims.SessionID != "" {
			sess, err := tx.GetSession(ctx, p.Claims.SessionID)
			switch {
			case err == nil && sess.UserID == userID && sess.EnvID == id.envID && sess.RevokedAt == nil:
				if err := tx.TouchSession(ctx, sess.ID, tenantID, now); err != nil {
					return err
				}
			case err != nil && !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		rec.user.ActiveTenantID, rec.user.UpdatedAt = tenantID, now
		return tx.UpdateUser(ctx, rec.user)
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return rec.view(tenantID), nil
}

// MigrateUsersInput names the tenants of MigrateTenantUsers
// (MigrateUsersFromTenantToTenantRequest).
type MigrateUsersInput struct {
	SrcTenantID    string `json:"srcTenantId"`
	TargetTenantID string `json:"targetTenantId"`
}

// MigrateTenantUsers moves every member of the source tenant to the target
// tenant, in one transaction: each membership (state, expiry, and the
// roles usable in the target; the target's default roles when none is)
// moves over, a user already in the target keeps its membership there,
// and users whose active tenant was the source now have the target. It
// returns how many users it moved.
func (id *Identity) MigrateTenantUsers(ctx context.Context, in MigrateUsersInput) (int, error) {
	in.SrcTenantID, in.TargetTenantID = strings.TrimSpace(in.SrcTenantID), strings.TrimSpace(in.TargetTenantID)
	if in.SrcTenantID == "" {
		return 0, invalid("srcTenantId", "srcTenantId is required")
	}
	if in.TargetTenantID == "" {
		return 0, invalid("targetTenantId", "targetTenantId is required")
	}
	if in.SrcTenantID == in.TargetTenantID {
		return 0, invalid("targetTenantId", "targetTenantId must differ from srcTenantId")
	}
	moved := 0
	err := id.store.InTx(ctx, func(tx store.Store) error {
		moved = 0
		for _, tid := range []string{in.SrcTenantID, in.TargetTenantID} {
			if _, err := tx.GetTenant(ctx, id.envID, tid); err != nil {
				return storeErr(err, "tenant "+tid)
			}
		}
		ms, err := tx.ListTenantMemberships(ctx, in.SrcTenantID)
		if err != nil {
			return err
		}
		now := id.now()
		for _, m := range ms {
			_, err := tx.GetMembership(ctx, m.UserID, in.TargetTenantID)
			switch {
			case errors.Is(err, store.ErrNotFound):
				nm := m
				nm.TenantID, nm.UpdatedAt = in.TargetTenantID, now
				if nm.RoleIDs, err = id.movedRoles(ctx, tx, m.RoleIDs, in.TargetTenantID); err != nil {
					return err
				}
				if err := tx.PutMembership(ctx, &nm); err != nil {
					return err
				}
			case err != nil:
				return err
			}
			if err := tx.DeleteMembership(ctx, m.UserID, in.SrcTenantID); err != nil {
				return err
			}
			u, err := tx.GetUser(ctx, id.envID, m.UserID)
			if err != nil {
				return err
			}
			if u.ActiveTenantID == in.SrcTenantID {
				u.ActiveTenantID, u.UpdatedAt = in.TargetTenantID, now
				if err := tx.UpdateUser(ctx, u); err != nil {
					return err
				}
			}
			moved++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return moved, nil
}

// movedRoles keeps the roles of roleIDs that are usable in tenantID (a
// tenant's own roles are not); when none is left, the tenant's default
// roles.
func (id *Identity) movedRoles(ctx context.Context, tx store.Store, roleIDs []string, tenantID string) ([]string, error) {
	if len(roleIDs) == 0 {
		return roleIDs, nil
	}
	roles, err := tx.GetRolesByIDs(ctx, id.envID, roleIDs)
	if err != nil {
		return nil, err
	}
	var kept []string
	for _, r := range roles {
		if usableIn(&r, tenantID) {
			kept = append(kept, r.ID)
		}
	}
	if len(kept) > 0 {
		return kept, nil
	}
	return id.initialRoleIDs(ctx, tx, tenantID, nil)
}

// SetSubAccountAccess allows or denies a member of the tenant the
// principal acts in access to the tenant's sub-accounts. A user principal
// needs PermSubAccountAccess; the user must be a member of the tenant.
func (id *Identity) SetSubAccountAccess(ctx context.Context, p *Principal, userID string, allow bool) error {
	tenantID, err := id.actingTenant(ctx, p, PermSubAccountAccess)
	if err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		m, err := tx.GetMembership(ctx, userID, tenantID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && m.EnvID != id.envID) {
			return notFound("user %s not found in tenant %s", userID, tenantID)
		}
		if err != nil {
			return err
		}
		m.SubAccountAccess, m.UpdatedAt = allow, id.now()
		return tx.PutMembership(ctx, m)
	})
}

// TenantNode is one of the user's tenants in the hierarchy answer: the
// tenant with its place in the account hierarchy, and the user's tenants
// below it.
type TenantNode struct {
	TenantID       string `json:"tenantId"`
	Name           string `json:"name"`
	ParentTenantID string `json:"parentTenantId,omitempty"`
	// Level is the tenant's depth in the account hierarchy: 0 for a
	// top-level account.
	Level                   int          `json:"level"`
	CreatedAt               time.Time    `json:"createdAt"`
	SubAccountAccessAllowed bool         `json:"subAccountAccessAllowed"`
	Children                []TenantNode `json:"children"`
}

// TenantsHierarchy is the answer to MyTenantsHierarchy
// (GetUserTenantsHierarchyResponseDto).
type TenantsHierarchy struct {
	Tenants []TenantNode `json:"tenants"`
}

// MyTenantsHierarchy returns the acting user's tenants as a forest: a
// tenant whose ancestor is also one of the user's tenants is listed under
// the nearest such ancestor instead of at the top.
func (id *Identity) MyTenantsHierarchy(ctx context.Context, p *Principal) (*TenantsHierarchy, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, userID)
	if err != nil {
		return nil, err
	}
	mine := map[string]*store.Membership{}
	for i := range rec.memberships {
		mine[rec.memberships[i].TenantID] = &rec.memberships[i]
	}
	type placed struct {
		node   TenantNode
		parent string // nearest ancestor among the user's tenants
	}
	var order []string
	nodes := map[string]*placed{}
	for _, m := range rec.memberships {
		t, err := id.store.GetTenant(ctx, id.envID, m.TenantID)
		if err != nil {
			return nil, storeErr(err, "tenant "+m.TenantID)
		}
		chain, err := id.ancestors(ctx, t)
		if err != nil {
			return nil, err
		}
		pl := &placed{node: TenantNode{TenantID: t.ID, Name: t.Name, ParentTenantID: t.ParentID, Level: len(chain),
			CreatedAt: t.CreatedAt, SubAccountAccessAllowed: m.SubAccountAccess, Children: []TenantNode{}}}
		for _, a := range chain {
			if mine[a] != nil {
				pl.parent = a
				break
			}
		}
		nodes[t.ID] = pl
		order = append(order, t.ID)
	}
	// Build bottom-up: deepest first, so children are complete when their
	// parent takes them.
	byDepth := slices.Clone(order)
	slices.SortStableFunc(byDepth, func(a, b string) int { return nodes[b].node.Level - nodes[a].node.Level })
	for _, tid := range byDepth {
		pl := nodes[tid]
		if pl.parent != "" {
			parent := nodes[pl.parent]
			parent.node.Children = append(parent.node.Children, pl.node)
		}
	}
	out := &TenantsHierarchy{Tenants: []TenantNode{}}
	for _, tid := range order {
		if pl := nodes[tid]; pl.parent == "" {
			out.Tenants = append(out.Tenants, pl.node)
		}
	}
	// Children were added deepest first; list them in membership order.
	rank := map[string]int{}
	for i, tid := range order {
		rank[tid] = i
	}
	var sortChildren func(ns []TenantNode)
	sortChildren = func(ns []TenantNode) {
		slices.SortFunc(ns, func(a, b TenantNode) int { return rank[a.TenantID] - rank[b.TenantID] })
		for i := range ns {
			sortChildren(ns[i].Children)
		}
	}
	sortChildren(out.Tenants)
	return out, nil
}

// ancestors returns the ids of t's parent, grandparent, … up to the top.
func (id *Identity) ancestors(ctx context.Context, t *store.Tenant) ([]string, error) {
	var chain []string
	seen := map[string]bool{t.ID: true}
	for parent := t.ParentID; parent != "" && !seen[parent]; {
		if len(chain) >= MaxHierarchyDepth {
			return nil, fmt.Errorf("identity: tenant %s is more than %d levels deep", t.ID, MaxHierarchyDepth)
		}
		seen[parent] = true
		chain = append(chain, parent)
		p, err := id.store.GetTenant(ctx, id.envID, parent)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		parent = p.ParentID
	}
	return chain, nil
}

// subTenants returns tenantID followed by every tenant below it, at most
// MaxSubTenants of them (more is ErrInvalidInput naming field).
func (id *Identity) subTenants(ctx context.Context, tenantID, field string) ([]string, error) {
	out := []string{tenantID}
	seen := map[string]bool{tenantID: true}
	for i := 0; i < len(out); i++ {
		children, err := id.store.ListChildTenants(ctx, id.envID, out[i])
		if err != nil {
			return nil, err
		}
		for _, c := range children {
			if seen[c.ID] {
				continue
			}
			if len(out) > MaxSubTenants {
				return nil, invalid(field, "tenant %s has more than %d sub-accounts; list them without sub-accounts", tenantID, MaxSubTenants)
			}
			seen[c.ID] = true
			out = append(out, c.ID)
		}
	}
	return out, nil
}

// A user's state in one tenant (TenantStatus.status).
const (
	StatusPendingInvitation = "PendingInvitation"
	StatusPendingLogin      = "PendingLogin"
	StatusActivated         = "Activated"
	StatusNotActivated      = "NotActivated"
)

var tenantStatuses = []string{StatusPendingInvitation, StatusPendingLogin, StatusActivated, StatusNotActivated}

// MaxStatusUsers and MaxStatusesPerUser bound UserTenantStatuses.
const (
	MaxStatusUsers     = 200
	MaxStatusesPerUser = 2000
)

// TenantStatus is a user's state in one tenant.
type TenantStatus struct {
	TenantID string `json:"tenantId"`
	Status   string `json:"status"`
}

// UserTenantStatuses is one user's state in each of its tenants
// (UserTenantStatusesResponse).
type UserTenantStatuses struct {
	UserID          string         `json:"userId"`
	TenantsStatuses []TenantStatus `json:"tenantsStatuses"`
}

// UserTenantStatuses reports, for each of userIDs (1 to MaxStatusUsers),
// the user's state in each of its tenants: PendingInvitation while an
// invitation to the tenant is unanswered, NotActivated while the user has
// not activated the account, PendingLogin until the first login, then
// Activated. statuses, when given, keeps only those states. Unknown users
// are left out.
func (id *Identity) UserTenantStatuses(ctx context.Context, userIDs, statuses []string) ([]UserTenantStatuses, error) {
	userIDs = compact(userIDs)
	if len(userIDs) == 0 {
		return nil, invalid("userIds", "userIds is required")
	}
	if len(userIDs) > MaxStatusUsers {
		return nil, invalid("userIds", "at most %d userIds", MaxStatusUsers)
	}
	want := map[string]bool{}
	for _, s := range compact(statuses) {
		if !slices.Contains(tenantStatuses, s) {
			return nil, invalid("userTenantStatuses", "userTenantStatuses must be among %v", tenantStatuses)
		}
		want[s] = true
	}
	out := []UserTenantStatuses{}
	for _, uid := range userIDs {
		rec, err := id.loadUser(ctx, id.store, uid)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		invited := map[string]bool{}
		ts, err := id.store.ListUserOneTimeTokens(ctx, uid, store.TokenInvitation)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.UsedAt == nil && t.EnvID == id.envID {
				invited[t.TenantID] = true
			}
		}
		us := UserTenantStatuses{UserID: uid, TenantsStatuses: []TenantStatus{}}
		for _, m := range rec.memberships {
			status := StatusActivated
			switch {
			case invited[m.TenantID]:
				status = StatusPendingInvitation
			case !rec.user.Verified:
				status = StatusNotActivated
			case rec.user.LastLogin == nil:
				status = StatusPendingLogin
			}
			if len(want) > 0 && !want[status] {
				continue
			}
			if len(us.TenantsStatuses) == MaxStatusesPerUser {
				break
			}
			us.TenantsStatuses = append(us.TenantsStatuses, TenantStatus{TenantID: m.TenantID, Status: status})
		}
		out = append(out, us)
	}
	return out, nil
}

// compact trims vs, splits comma-separated values and drops empty and
// repeated ones, keeping the first order.
func compact(vs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part != "" && !seen[part] {
				seen[part] = true
				out = append(out, part)
			}
		}
	}
	return out
}
