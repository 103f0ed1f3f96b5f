package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Permission keys of the account-invitation routes a user principal needs.
const (
	PermWriteTenantInvites  = "fe.secure.write.tenantInvites"
	PermDeleteTenantInvites = "fe.secure.delete.tenantInvites"
)

// Lifetimes of tenant invitation links, in minutes.
const (
	// DefaultTenantInviteMinutes applies when the environment creates a
	// link without saying how long it lasts (7 days).
	DefaultTenantInviteMinutes = 7 * 24 * 60
	// MaxTenantInviteMinutes is the longest a link may last (365 days).
	MaxTenantInviteMinutes = 365 * 24 * 60
)

// TenantInvite is an invitation link to a tenant as the API returns it
// (InviteTokenDto). Token, the secret that joins the tenant, is returned
// only when the link is created: the store keeps its hash. Name is the
// tenant's name.
type TenantInvite struct {
	ID              string    `json:"id"`
	VendorID        string    `json:"vendorId"`
	TenantID        string    `json:"tenantId"`
	UserID          string    `json:"userId,omitempty"`
	Token           string    `json:"token"`
	Expires         time.Time `json:"expires"`
	ShouldSendEmail bool      `json:"shouldSendEmail"`
	Name            string    `json:"name,omitempty"`
	RoleIDs         []string  `json:"roleIds"`
}

func (id *Identity) inviteView(ctx context.Context, inv *store.TenantInvite, token string) *TenantInvite {
	v := &TenantInvite{ID: inv.ID, VendorID: inv.EnvID, TenantID: inv.TenantID, UserID: inv.UserID, Token: token,
		Expires: inv.ExpiresAt, ShouldSendEmail: inv.ShouldSendEmail, RoleIDs: inv.RoleIDs}
	if v.RoleIDs == nil {
		v.RoleIDs = []string{}
	}
	if t, err := id.store.GetTenant(ctx, id.envID, inv.TenantID); err == nil {
		v.Name = t.Name
	}
	return v
}

// CreateTenantInviteInput creates an invitation link as the environment
// (CreateInviteTokenRequest). UserID makes it that member's personal link
// (replacing the member's earlier one); ShouldSendEmail then e-mails the
// member whenever someone joins through it.
type CreateTenantInviteInput struct {
	TenantID         string   `json:"tenantId"`
	UserID           string   `json:"userId"`
	ExpiresInMinutes *int     `json:"expiresInMinutes"`
	ShouldSendEmail  *bool    `json:"shouldSendEmail"`
	RoleIDs          []string `json:"roleIds"`
}

// inviteMinutes checks an expiresInMinutes value (nil: def).
func inviteMinutes(v *int, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > MaxTenantInviteMinutes {
		return 0, invalid("expiresInMinutes", "expiresInMinutes must be between 1 and %d", MaxTenantInviteMinutes)
	}
	return *v, nil
}

// inviteRoles checks the roles an invitation link to tenantID grants: each
// must exist and be usable in the tenant, and a user principal p (nil for
// the environment) may only grant roles no stronger than its own.
func (id *Identity) inviteRoles(ctx context.Context, p *Principal, tenantID string, roleIDs []string) ([]string, error) {
	if err := checkIDs("roleIds", roleIDs); err != nil {
		return nil, err
	}
	roleIDs = uniqueIDs(roleIDs)
	roles, err := id.findRoles(ctx, id.store, "roleIds", tenantID, roleIDs)
	if err != nil {
		return nil, err
	}
	if p != nil && len(roles) > 0 {
		level, limited, err := id.callerLevel(ctx, id.store, p, tenantID)
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			if limited && r.Level < level {
				return nil, forbidden("", "role %s is stronger than your own roles", r.Key)
			}
		}
	}
	return roleIDs, nil
}

// newInvite stores a new invitation link to tenantID and returns it with
// its token. A member's earlier link to the tenant is replaced.
func (id *Identity) newInvite(ctx context.Context, tenantID, userID string, minutes int, sendEmail bool, roleIDs []string) (*TenantInvite, error) {
	secret, err := id.newSecret()
	if err != nil {
		return nil, err
	}
	now := id.now()
	inv := &store.TenantInvite{
		ID: id.newID(), EnvID: id.envID, TenantID: tenantID, UserID: userID, Hash: tokens.HashSecret(secret),
		RoleIDs: roleIDs, ShouldSendEmail: sendEmail, CreatedAt: now, UpdatedAt: now,
		ExpiresAt: now.Add(time.Duration(minutes) * time.Minute),
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetTenant(ctx, id.envID, tenantID); err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		if userID != "" {
			if _, err := tx.GetMembership(ctx, userID, tenantID); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return notFound("user %s not found in tenant %s", userID, tenantID)
				}
				return err
			}
			old, err := tx.GetUserTenantInvite(ctx, id.envID, tenantID, userID)
			switch {
			case err == nil:
				if err := tx.DeleteTenantInvite(ctx, id.envID, old.ID); err != nil {
					return err
				}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		return tx.CreateTenantInvite(ctx, inv)
	})
	if err != nil {
		return nil, storeErr(err, "tenant invite")
	}
	return id.inviteView(ctx, inv, secret), nil
}

// CreateTenantInvite creates an invitation link to a tenant, as the
// environment. It lasts in.ExpiresInMinutes (default
// DefaultTenantInviteMinutes). The token is in the answer only.
func (id *Identity) CreateTenantInvite(ctx context.Context, in CreateTenantInviteInput) (*TenantInvite, error) {
	in.TenantID, in.UserID = strings.TrimSpace(in.TenantID), strings.TrimSpace(in.UserID)
	if in.TenantID == "" {
		return nil, invalid("tenantId", "tenantId is required")
	}
	minutes, err := inviteMinutes(in.ExpiresInMinutes, DefaultTenantInviteMinutes)
	if err != nil {
		return nil, err
	}
	roles, err := id.inviteRoles(ctx, nil, in.TenantID, in.RoleIDs)
	if err != nil {
		return nil, err
	}
	send := in.ShouldSendEmail != nil && *in.ShouldSendEmail
	if send && in.UserID == "" {
		return nil, invalid("shouldSendEmail", "shouldSendEmail needs a userId: the e-mail goes to that user")
	}
	return id.newInvite(ctx, in.TenantID, in.UserID, minutes, send, roles)
}

// ListTenantInvites returns every invitation link of the environment,
// expired ones included, oldest first, without their tokens.
func (id *Identity) ListTenantInvites(ctx context.Context) ([]TenantInvite, error) {
	invs, err := id.store.ListTenantInvites(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	out := make([]TenantInvite, 0, len(invs))
	for i := range invs {
		out = append(out, *id.inviteView(ctx, &invs[i], ""))
	}
	return out, nil
}

// DeleteTenantInvite deletes invitation link inviteID; the link stops
// working at once.
func (id *Identity) DeleteTenantInvite(ctx context.Context, inviteID string) error {
	return storeErr(id.store.DeleteTenantInvite(ctx, id.envID, inviteID), "tenant invite "+inviteID)
}

// inviteActor returns the user and tenant a self-service invitation
// operation acts for, after checking perm and that the environment allows
// tenant invitations.
func (id *Identity) inviteActor(ctx context.Context, p *Principal, perm string) (userID, tenantID string, err error) {
	if tenantID, err = id.actingTenant(ctx, p, perm); err != nil {
		return "", "", err
	}
	if userID, _, err = requireUser(p); err != nil {
		return "", "", err
	}
	cfg, err := id.config(ctx)
	if err != nil {
		return "", "", err
	}
	if !cfg.AllowTenantInvitations {
		return "", "", forbidden("", "tenant invitations are disabled for this environment (allowTenantInvitations)")
	}
	return userID, tenantID, nil
}

// GetMyTenantInvite returns the acting user's invitation link to its
// tenant (without the token). A user principal needs
// PermWriteTenantInvites.
func (id *Identity) GetMyTenantInvite(ctx context.Context, p *Principal) (*TenantInvite, error) {
	userID, tenantID, err := id.inviteActor(ctx, p, PermWriteTenantInvites)
	if err != nil {
		return nil, err
	}
	inv, err := id.store.GetUserTenantInvite(ctx, id.envID, tenantID, userID)
	if err != nil {
		return nil, storeErr(err, "invitation link of the user")
	}
	return id.inviteView(ctx, inv, ""), nil
}

// UserInviteInput creates or changes the acting user's invitation link
// (CreateInviteTokenRequestForUser, CreateInviteTokenRequestForUserV2,
// UpdateInviteTokenRequest).
type UserInviteInput struct {
	ExpiresInMinutes *int     `json:"expiresInMinutes"`
	ShouldSendEmail  *bool    `json:"shouldSendEmail"`
	RoleIDs          []string `json:"roleIds"`
}

// CreateMyTenantInvite creates the acting user's invitation link to its
// tenant, replacing the earlier one; anyone with the token joins the
// tenant. expiresInMinutes and shouldSendEmail are required. A user
// principal needs PermWriteTenantInvites.
func (id *Identity) CreateMyTenantInvite(ctx context.Context, p *Principal, in UserInviteInput) (*TenantInvite, error) {
	in.RoleIDs = nil
	return id.createMyInvite(ctx, p, in, false)
}

// CreateMyTenantInviteWithRoles is CreateMyTenantInvite whose link also
// gives the roles in.RoleIDs (required; empty for none) to those who join.
func (id *Identity) CreateMyTenantInviteWithRoles(ctx context.Context, p *Principal, in UserInviteInput) (*TenantInvite, error) {
	return id.createMyInvite(ctx, p, in, true)
}

func (id *Identity) createMyInvite(ctx context.Context, p *Principal, in UserInviteInput, withRoles bool) (*TenantInvite, error) {
	userID, tenantID, err := id.inviteActor(ctx, p, PermWriteTenantInvites)
	if err != nil {
		return nil, err
	}
	if in.ExpiresInMinutes == nil {
		return nil, invalid("expiresInMinutes", "expiresInMinutes is required")
	}
	if in.ShouldSendEmail == nil {
		return nil, invalid("shouldSendEmail", "shouldSendEmail is required")
	}
	if withRoles && in.RoleIDs == nil {
		return nil, invalid("roleIds", "roleIds is required")
	}
	minutes, err := inviteMinutes(in.ExpiresInMinutes, 0)
	if err != nil {
		return nil, err
	}
	roles, err := id.inviteRoles(ctx, p, tenantID, in.RoleIDs)
	if err != nil {
		return nil, err
	}
	return id.newInvite(ctx, tenantID, userID, minutes, *in.ShouldSendEmail, roles)
}

// UpdateMyTenantInvite changes the lifetime (counted from now) or the
// e-mail choice of the acting user's invitation link; nil fields are kept.
func (id *Identity) UpdateMyTenantInvite(ctx context.Context, p *Principal, in UserInviteInput) (*TenantInvite, error) {
	userID, tenantID, err := id.inviteActor(ctx, p, PermWriteTenantInvites)
	if err != nil {
		return nil, err
	}
	var minutes int
	if in.ExpiresInMinutes != nil {
		if minutes, err = inviteMinutes(in.ExpiresInMinutes, 0); err != nil {
			return nil, err
		}
	}
	var inv *store.TenantInvite
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if inv, err = tx.GetUserTenantInvite(ctx, id.envID, tenantID, userID); err != nil {
			return storeErr(err, "invitation link of the user")
		}
		now := id.now()
		if in.ExpiresInMinutes != nil {
			inv.ExpiresAt = now.Add(time.Duration(minutes) * time.Minute)
		}
		setBool(&inv.ShouldSendEmail, in.ShouldSendEmail)
		inv.UpdatedAt = now
		return tx.UpdateTenantInvite(ctx, inv)
	})
	if err != nil {
		return nil, err
	}
	return id.inviteView(ctx, inv, ""), nil
}

// DeleteMyTenantInvite deletes the acting user's invitation link to its
// tenant. A user principal needs PermDeleteTenantInvites.
func (id *Identity) DeleteMyTenantInvite(ctx context.Context, p *Principal) error {
	userID, tenantID, err := id.inviteActor(ctx, p, PermDeleteTenantInvites)
	if err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		inv, err := tx.GetUserTenantInvite(ctx, id.envID, tenantID, userID)
		if err != nil {
			return storeErr(err, "invitation link of the user")
		}
		return tx.DeleteTenantInvite(ctx, id.envID, inv.ID)
	})
}

// findInvite returns the invitation link whose token is token if it still
// works: unexpired and, for a member's link, while the environment allows
// tenant invitations and the member still belongs to the tenant. Anything
// else is ErrInvalidInput naming field.
func (id *Identity) findInvite(ctx context.Context, token, field string) (*store.TenantInvite, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, invalid(field, "%s is required", field)
	}
	bad := &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: field, Message: "invalid or expired invitation token"}
	inv, err := id.store.GetTenantInviteByHash(ctx, tokens.HashSecret(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if inv.EnvID != id.envID || !id.now().Before(inv.ExpiresAt) {
		return nil, bad
	}
	if inv.UserID != "" {
		// A member's link works while tenant invitations are allowed and
		// its owner is still an enabled member of the tenant.
		cfg, err := id.config(ctx)
		if err != nil {
			return nil, err
		}
		if !cfg.AllowTenantInvitations {
			return nil, bad
		}
		m, err := id.store.GetMembership(ctx, inv.UserID, inv.TenantID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, bad
		}
		if err != nil {
			return nil, err
		}
		if !id.usableMembership(m) {
			return nil, bad
		}
	}
	return inv, nil
}

// VerifyTenantInvite checks an invitation token and returns its link
// (with the token given). An unknown or expired token is ErrInvalidInput.
func (id *Identity) VerifyTenantInvite(ctx context.Context, token string) (*TenantInvite, error) {
	inv, err := id.findInvite(ctx, token, "token")
	if err != nil {
		return nil, err
	}
	return id.inviteView(ctx, inv, strings.TrimSpace(token)), nil
}

// InvitationConfiguration says whether members may create invitation
// links and whether e-mails can be sent (InvitationConfigurationResponse).
type InvitationConfiguration struct {
	TenantInvitationsAllowed bool `json:"tenantInvitationsAllowed"`
	EmailsEnabled            bool `json:"emailsEnabled"`
}

// GetInvitationConfiguration reports allowTenantInvitations and whether a
// mailer is configured.
func (id *Identity) GetInvitationConfiguration(ctx context.Context) (*InvitationConfiguration, error) {
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	return &InvitationConfiguration{TenantInvitationsAllowed: cfg.AllowTenantInvitations, EmailsEnabled: id.mailer != nil}, nil
}

// joinByInvite makes the user of rec a member of the invitation's tenant
// (with its roles) unless it is one already, and makes that tenant the
// user's active one. It runs in tx and reports whether the user joined.
func (id *Identity) joinByInvite(ctx context.Context, tx store.Store, rec *userRecord, inv *store.TenantInvite) (bool, error) {
	joined := false
	if rec.membership(inv.TenantID) == nil {
		if err := id.addMembership(ctx, tx, rec, inv.TenantID, inv.RoleIDs); err != nil {
			return false, err
		}
		joined = true
	}
	if !id.usableMembership(rec.membership(inv.TenantID)) {
		return false, forbidden(CodeUserDisabled, "user is disabled in tenant %s", inv.TenantID)
	}
	rec.user.ActiveTenantID, rec.user.UpdatedAt = inv.TenantID, id.now()
	return joined, tx.UpdateUser(ctx, rec.user)
}

// notifyInviteUsed tells the owner of a personal invitation link that asked
// for it that someone joined through the link.
func (id *Identity) notifyInviteUsed(ctx context.Context, inv *store.TenantInvite, joiner *store.User) {
	if !inv.ShouldSendEmail || inv.UserID == "" {
		return
	}
	owner, err := id.store.GetUser(ctx, id.envID, inv.UserID)
	if err != nil || owner.Email == "" {
		return
	}
	tenantName := inv.TenantID
	if t, err := id.store.GetTenant(ctx, id.envID, inv.TenantID); err == nil {
		tenantName = t.Name
	}
	who := joiner.Email
	if who == "" {
		who = joiner.Username
	}
	id.sendEmail(ctx, inviteUsedEmail(owner, who, tenantName))
}

// inviteUsedEmail tells owner that who joined tenantName through its link.
func inviteUsedEmail(owner *store.User, who, tenantName string) delivery.Email {
	return delivery.Email{
		To:      owner.Email,
		Subject: who + " joined " + tenantName,
		Text: fmt.Sprintf("Hello%s,\n\n%s joined %s through your invitation link.\n",
			greetingName(owner), who, tenantName),
	}
}

// joinWithInvite joins userID to the tenant of the invitation token
// (LoginInput.InvitationToken) and makes it the user's active tenant.
func (id *Identity) joinWithInvite(ctx context.Context, userID, token string) (*userRecord, error) {
	inv, err := id.findInvite(ctx, token, "invitationToken")
	if err != nil {
		return nil, err
	}
	var rec *userRecord
	joined := false
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		joined, err = id.joinByInvite(ctx, tx, rec, inv)
		return err
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	if joined {
		id.notifyInviteUsed(ctx, inv, rec.user)
	}
	return rec, nil
}
