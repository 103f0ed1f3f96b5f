package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// InvitationTokenTTL is how long an invitation link and its code stay
// valid.
const InvitationTokenTTL = 7 * 24 * time.Hour

// Permission keys the user-lifecycle operations require of a user
// principal (the environment token holds every permission).
const (
	PermWriteUsers    = "fe.secure.write.users"
	PermEnableDisable = "fe.secure.write.enableDisable"
)

// amrEmail records, in the "amr" claim, a login proven by a link e-mailed
// to the user (an accepted invitation) rather than by a password.
const amrEmail = "email"

// userProviders are the sign-in providers a created user may have.
var userProviders = []string{"local", "saml", "google", "github", "facebook", "microsoft", "scim2", "slack", "apple"}

// MinTemporaryUserExpiration and MaxTemporaryUserExpiration bound a
// temporary user's lifetime, in seconds (five minutes to ten years).
const (
	MinTemporaryUserExpiration = 300
	MaxTemporaryUserExpiration = 10 * 365 * 24 * 3600
)

// actingTenant returns the tenant p acts in after checking that p holds
// perm (when perm is set). A user principal must still be an enabled
// member of its token's tenant and not locked; the environment token must
// name the tenant in the frontegg-tenant-id header.
func (id *Identity) actingTenant(ctx context.Context, p *Principal, perm string) (string, error) {
	if p == nil {
		return "", unauthorized("", "authentication required")
	}
	if perm != "" && !Can(p, perm) {
		return "", forbidden("", "missing permission %s", perm)
	}
	if p.TenantID == "" {
		return "", invalid("frontegg-tenant-id", "the frontegg-tenant-id header is required with an environment token")
	}
	if p.Vendor {
		return p.TenantID, nil
	}
	rec, err := id.loadUser(ctx, id.store, p.UserID)
	if errors.Is(err, ErrNotFound) {
		return "", unauthorized("", "the user of this token no longer exists")
	}
	if err != nil {
		return "", err
	}
	m := rec.membership(p.TenantID)
	if rec.user.Locked || m == nil || m.Disabled || (m.ExpiresAt != nil && !m.ExpiresAt.After(id.now())) {
		return "", forbidden("", "the user of this token may no longer act in tenant %s", p.TenantID)
	}
	return p.TenantID, nil
}

// InviteUserInput invites a user to a tenant (CreateUserDto). Either Email
// or Username identifies the user. EmailMetadata is accepted for
// compatibility; the default templates do not use it.
type InviteUserInput struct {
	Email               string         `json:"email"`
	Username            string         `json:"username"`
	Name                string         `json:"name"`
	ProfilePictureURL   string         `json:"profilePictureUrl"`
	Password            string         `json:"password"`
	PhoneNumber         string         `json:"phoneNumber"`
	Provider            string         `json:"provider"`
	Metadata            string         `json:"metadata"`
	SkipInviteEmail     bool           `json:"skipInviteEmail"`
	RoleIDs             []string       `json:"roleIds"`
	EmailMetadata       map[string]any `json:"emailMetadata"`
	ExpirationInSeconds int            `json:"expirationInSeconds"`
}

// InvitedUser is the answer to an invitation (UserCreatedResponse): the
// user as seen from the tenant it was invited to. Roles and Permissions
// hold keys.
type InvitedUser struct {
	ID                      string     `json:"id"`
	Email                   string     `json:"email"`
	Username                string     `json:"username,omitempty"`
	Verified                bool       `json:"verified"`
	Name                    string     `json:"name"`
	ProfilePictureURL       string     `json:"profilePictureUrl"`
	Roles                   []string   `json:"roles"`
	Permissions             []string   `json:"permissions"`
	Metadata                string     `json:"metadata"`
	TenantID                string     `json:"tenantId"`
	CreatedAt               time.Time  `json:"createdAt"`
	LastLogin               *time.Time `json:"lastLogin"`
	ActivatedForTenant      bool       `json:"activatedForTenant"`
	TemporaryExpirationDate *time.Time `json:"temporaryExpirationDate,omitempty"`
}

func (id *Identity) invitedView(ctx context.Context, rec *userRecord, tenantID string) (*InvitedUser, error) {
	v, err := id.userView(ctx, id.store, rec, tenantID)
	if err != nil {
		return nil, err
	}
	out := &InvitedUser{
		ID: v.ID, Email: v.Email, Username: v.Username, Verified: v.Verified, Name: v.Name,
		ProfilePictureURL: v.ProfilePictureURL, Roles: make([]string, 0, len(v.Roles)),
		Permissions: make([]string, 0, len(v.Permissions)), Metadata: v.Metadata, TenantID: tenantID,
		CreatedAt: v.CreatedAt, LastLogin: v.LastLogin, ActivatedForTenant: v.ActivatedForTenant,
	}
	for _, r := range v.Roles {
		out.Roles = append(out.Roles, r.Key)
	}
	for _, p := range v.Permissions {
		out.Permissions = append(out.Permissions, p.Key)
	}
	if m := rec.membership(tenantID); m != nil {
		out.TemporaryExpirationDate = m.ExpiresAt
	}
	return out, nil
}

// InviteUser invites a user to the tenant the principal acts in (a user
// principal needs PermWriteUsers). A new user is created unverified, with
// the password when one is given; a user of the environment who is not yet
// a member joins the tenant with its properties unchanged. Unless
// SkipInviteEmail is set, a single-use invitation link and code valid for
// InvitationTokenTTL are e-mailed. Inviting again a member who has not
// accepted yet re-sends the invitation; a member who has is ErrConflict.
func (id *Identity) InviteUser(ctx context.Context, p *Principal, in InviteUserInput) (*InvitedUser, error) {
	tenantID, err := id.actingTenant(ctx, p, PermWriteUsers)
	if err != nil {
		return nil, err
	}
	return id.inviteUser(ctx, tenantID, in, false)
}

// inviteUser invites one user to tenantID; verified creates a new user as
// verified (bulk invitations may).
func (id *Identity) inviteUser(ctx context.Context, tenantID string, in InviteUserInput, verified bool) (*InvitedUser, error) {
	provider := in.Provider
	if provider == "" {
		provider = "local"
	}
	if err := oneOf("provider", &provider, userProviders); err != nil {
		return nil, err
	}
	cin := CreateUserInput{
		Email: in.Email, Username: in.Username, Name: in.Name, Password: in.Password, PhoneNumber: in.PhoneNumber,
		ProfilePictureURL: in.ProfilePictureURL, Metadata: in.Metadata, RoleIDs: in.RoleIDs, TenantID: tenantID,
		ExpirationInSeconds: in.ExpirationInSeconds, Provider: provider, Verified: verified,
	}
	if err := cin.validate(); err != nil {
		return nil, err
	}
	if cin.Password != "" {
		if err := id.checkPasswordRules(ctx, id.store, "password", cin.Password, []string{tenantID}); err != nil {
			return nil, err
		}
	}
	if err := id.checkTemporaryExpiration(ctx, "expirationInSeconds", in.ExpirationInSeconds, true); err != nil {
		return nil, err
	}
	hash, err := id.hashIfSet(ctx, cin.Password)
	if err != nil {
		return nil, err
	}
	var rec *userRecord
	var tenant *store.Tenant
	var tok *issuedToken
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if tenant, err = tx.GetTenant(ctx, id.envID, tenantID); err != nil {
			return storeErr(err, "tenant "+tenantID)
		}
		existing, err := id.findInvitee(ctx, tx, cin)
		if err != nil {
			return err
		}
		if existing == nil {
			rec, err = id.createUser(ctx, tx, cin, hash)
		} else {
			rec, err = id.addInvitee(ctx, tx, existing, cin)
		}
		if err != nil {
			return err
		}
		if !in.SkipInviteEmail && rec.user.Email != "" {
			tok, err = id.issueToken(ctx, tx, store.TokenInvitation, rec.user.ID, tenantID, InvitationTokenTTL, true)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if tok != nil {
		id.sendInvitation(ctx, rec.user, tenant.Name, tok)
	}
	return id.invitedView(ctx, rec, tenantID)
}

// findInvitee returns the existing user the invitation names (by e-mail,
// else by username), or nil.
func (id *Identity) findInvitee(ctx context.Context, tx store.Store, in CreateUserInput) (*userRecord, error) {
	var u *store.User
	var err error
	if in.Email != "" {
		u, err = tx.GetUserByEmail(ctx, id.envID, in.Email)
	} else {
		u, err = tx.GetUserByUsername(ctx, id.envID, in.Username)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return id.loadUser(ctx, tx, u.ID)
}

// addInvitee makes an existing user a member of in.TenantID. A member who
// still has a pending invitation (or never verified) may be invited again.
func (id *Identity) addInvitee(ctx context.Context, tx store.Store, rec *userRecord, in CreateUserInput) (*userRecord, error) {
	if rec.membership(in.TenantID) != nil {
		pending, err := id.pendingInvitation(ctx, tx, rec.user.ID, in.TenantID)
		if err != nil {
			return nil, err
		}
		if rec.user.Verified && !pending {
			return nil, conflict(CodeEmailTaken, "the user is already a member of tenant %s", in.TenantID)
		}
		return rec, nil
	}
	// The tenant's e-mail domain restriction (restrictions.go).
	if err := id.checkEmailDomain(ctx, tx, in.TenantID, rec.user.Email); err != nil {
		return nil, err
	}
	roleIDs, err := id.initialRoleIDs(ctx, tx, in.TenantID, in.RoleIDs)
	if err != nil {
		return nil, err
	}
	now := id.now()
	m := store.Membership{UserID: rec.user.ID, TenantID: in.TenantID, EnvID: id.envID, RoleIDs: roleIDs, CreatedAt: now, UpdatedAt: now}
	if in.ExpirationInSeconds > 0 {
		exp := now.Add(time.Duration(in.ExpirationInSeconds) * time.Second)
		m.ExpiresAt = &exp
	}
	if err := tx.PutMembership(ctx, &m); err != nil {
		return nil, storeErr(err, "tenant "+in.TenantID)
	}
	rec.memberships = append(rec.memberships, m)
	return rec, nil
}

// pendingInvitation reports whether userID holds an unused invitation
// (expired or not) to tenantID.
func (id *Identity) pendingInvitation(ctx context.Context, st store.Store, userID, tenantID string) (bool, error) {
	ts, err := st.ListUserOneTimeTokens(ctx, userID, store.TokenInvitation)
	if err != nil {
		return false, err
	}
	for _, t := range ts {
		if t.UsedAt == nil && t.TenantID == tenantID && t.EnvID == id.envID {
			return true, nil
		}
	}
	return false, nil
}

// AcceptInvitationInput accepts an invitation (AcceptInvitationDto).
// Password is optional: when given, it becomes the password of a user who
// has none.
type AcceptInvitationInput struct {
	UserID   string `json:"userId"`
	Token    string `json:"token"`
	Password string `json:"password"`
}

// AcceptInvitationWithCodeInput accepts an invitation with the code of the
// invitation e-mail (AcceptInvitationWithCodeDto).
type AcceptInvitationWithCodeInput struct {
	AcceptInvitationInput
	Code string `json:"code"`
}

// AcceptInvitation consumes the invitation token, verifies the user, sets
// the password when one is given and the user has none, and logs the user
// in to the tenant of the invitation. The token works once.
func (id *Identity) AcceptInvitation(ctx context.Context, in AcceptInvitationInput, client ClientInfo) (*AuthResponse, error) {
	return id.acceptInvitation(ctx, in, nil, client)
}

// AcceptInvitationWithCode is AcceptInvitation that also requires the code
// e-mailed with the invitation. Wrong codes are counted; after
// MaxCodeAttempts the invitation is burnt.
func (id *Identity) AcceptInvitationWithCode(ctx context.Context, in AcceptInvitationWithCodeInput, client ClientInfo) (*AuthResponse, error) {
	if strings.TrimSpace(in.Code) == "" {
		return nil, invalid("code", "code is required")
	}
	return id.acceptInvitation(ctx, in.AcceptInvitationInput, &in.Code, client)
}

func (id *Identity) acceptInvitation(ctx context.Context, in AcceptInvitationInput, code *string, client ClientInfo) (*AuthResponse, error) {
	if in.UserID == "" {
		return nil, invalid("userId", "userId is required")
	}
	t, err := id.findOneTimeToken(ctx, store.TokenInvitation, in.UserID, in.Token, "token")
	if err != nil {
		return nil, err
	}
	if code != nil {
		if err := id.checkCode(ctx, t, *code); err != nil {
			return nil, err
		}
	}
	rec, err := id.loadUser(ctx, id.store, in.UserID)
	if err != nil {
		return nil, err
	}
	m := rec.membership(t.TenantID)
	if m == nil {
		return nil, &Error{Kind: ErrInvalidInput, Code: CodeInvalidActivation, Field: "token", Message: "the invitation is no longer valid: the user was removed from the tenant"}
	}
	if rec.user.Locked {
		return nil, forbidden(CodeUserLocked, "user is locked")
	}
	if m.Disabled {
		return nil, forbidden(CodeUserDisabled, "user is disabled in tenant %s", t.TenantID)
	}
	_, err = id.store.GetPassword(ctx, in.UserID)
	hasPassword := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	amr := []string{amrEmail}
	var hash string
	if in.Password != "" {
		if hasPassword {
			return nil, invalid("password", "the user already has a password; sign in with it after accepting")
		}
		if err := id.checkPasswordRules(ctx, id.store, "password", in.Password, rec.tenantIDs()); err != nil {
			return nil, err
		}
		if hash, err = id.hasher.hash(ctx, in.Password); err != nil {
			return nil, err
		}
		amr = []string{AMRPassword}
	}
	rec, err = id.redeemVerification(ctx, t, in.UserID, hash, t.TenantID)
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return id.afterFirstFactor(ctx, rec, amr, client)
}

// InvitationSent describes an invitation that was (re-)issued and e-mailed.
// Link and Token are returned only to the environment token: a tenant
// administrator must not be able to accept another user's invitation.
type InvitationSent struct {
	UserID    string    `json:"userId"`
	TenantID  string    `json:"tenantId"`
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expiresAt"`
	Link      string    `json:"link,omitempty"`
	Token     string    `json:"token,omitempty"`
}

// ResetInvitation issues a new invitation (link and code) for the member
// with e-mail to the tenant the principal acts in, e-mails it, and
// invalidates the earlier one. A user principal needs PermWriteUsers. The
// user must be a member who has not accepted yet (an unverified user, or
// one with a pending invitation); otherwise ErrConflict. A user who is not
// a member is ErrNotFound.
func (id *Identity) ResetInvitation(ctx context.Context, p *Principal, email string) (*InvitationSent, error) {
	tenantID, err := id.actingTenant(ctx, p, PermWriteUsers)
	if err != nil {
		return nil, err
	}
	u, err := id.tenantMemberByEmail(ctx, email, map[string]bool{tenantID: true})
	if err != nil {
		return nil, err
	}
	pending, err := id.pendingInvitation(ctx, id.store, u.ID, tenantID)
	if err != nil {
		return nil, err
	}
	if u.Verified && !pending {
		return nil, conflict("", "the user already accepted the invitation to tenant %s", tenantID)
	}
	sent, err := id.reissueInvitations(ctx, p, u, []string{tenantID})
	if err != nil {
		return nil, err
	}
	return &sent[0], nil
}

// ResetAllInvitations re-issues and e-mails every pending invitation of
// the user with e-mail to the tenant the principal acts in and to its
// sub-accounts. A user principal needs PermWriteUsers. It returns the
// invitations sent (none when nothing was pending); a user who belongs to
// none of those tenants is ErrNotFound.
func (id *Identity) ResetAllInvitations(ctx context.Context, p *Principal, email string) ([]InvitationSent, error) {
	tenantID, err := id.actingTenant(ctx, p, PermWriteUsers)
	if err != nil {
		return nil, err
	}
	scope, err := id.tenantSubtree(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	u, err := id.tenantMemberByEmail(ctx, email, scope)
	if err != nil {
		return nil, err
	}
	ts, err := id.store.ListUserOneTimeTokens(ctx, u.ID, store.TokenInvitation)
	if err != nil {
		return nil, err
	}
	var tenants []string
	seen := map[string]bool{}
	for _, t := range ts {
		if t.UsedAt == nil && t.EnvID == id.envID && scope[t.TenantID] && !seen[t.TenantID] {
			seen[t.TenantID] = true
			tenants = append(tenants, t.TenantID)
		}
	}
	if len(tenants) == 0 {
		return []InvitationSent{}, nil
	}
	return id.reissueInvitations(ctx, p, u, tenants)
}

// tenantMemberByEmail returns the user with e-mail if it is a member of one
// of the tenants in scope; otherwise ErrNotFound (the same answer as for an
// unknown e-mail, so a tenant cannot probe other tenants' users).
func (id *Identity) tenantMemberByEmail(ctx context.Context, email string, scope map[string]bool) (*store.User, error) {
	email, err := normalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	missing := notFound("no user with this e-mail in the tenant")
	u, err := id.store.GetUserByEmail(ctx, id.envID, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, missing
	}
	if err != nil {
		return nil, err
	}
	ms, err := id.store.ListUserMemberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if scope[m.TenantID] {
			return u, nil
		}
	}
	return nil, missing
}

// tenantSubtree returns tenantID and every sub-account below it.
func (id *Identity) tenantSubtree(ctx context.Context, tenantID string) (map[string]bool, error) {
	all, err := id.store.ListTenants(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	children := map[string][]string{}
	for _, t := range all {
		if t.ParentID != "" {
			children[t.ParentID] = append(children[t.ParentID], t.ID)
		}
	}
	scope := map[string]bool{tenantID: true}
	queue := []string{tenantID}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, c := range children[cur] {
			if !scope[c] {
				scope[c] = true
				queue = append(queue, c)
			}
		}
	}
	return scope, nil
}

// reissueInvitations replaces u's invitations to tenants with new ones and
// e-mails them.
func (id *Identity) reissueInvitations(ctx context.Context, p *Principal, u *store.User, tenantIDs []string) ([]InvitationSent, error) {
	type pending struct {
		tenant *store.Tenant
		tok    *issuedToken
	}
	var issued []pending
	err := id.store.InTx(ctx, func(tx store.Store) error {
		issued = issued[:0]
		for _, tid := range tenantIDs {
			t, err := tx.GetTenant(ctx, id.envID, tid)
			if err != nil {
				return storeErr(err, "tenant "+tid)
			}
			tok, err := id.issueToken(ctx, tx, store.TokenInvitation, u.ID, tid, InvitationTokenTTL, true)
			if err != nil {
				return err
			}
			issued = append(issued, pending{tenant: t, tok: tok})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]InvitationSent, 0, len(issued))
	for _, is := range issued {
		id.sendInvitation(ctx, u, is.tenant.Name, is.tok)
		s := InvitationSent{UserID: u.ID, TenantID: is.tenant.ID, Email: u.Email, ExpiresAt: is.tok.expiresAt}
		if p != nil && p.Vendor {
			s.Link, s.Token = id.invitationLink(u.ID, is.tok.secret), is.tok.secret
		}
		out = append(out, s)
	}
	return out, nil
}
