package identity

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// Role is a role as the API returns it (RoleResponse).
type Role struct {
	ID            string    `json:"id"`
	VendorID      string    `json:"vendorId"`
	TenantID      string    `json:"tenantId"`
	Key           string    `json:"key"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	IsDefault     bool      `json:"isDefault"`
	FirstUserRole bool      `json:"firstUserRole"`
	Level         int       `json:"level"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	Permissions   []string  `json:"permissions"`
}

// Permission is a permission as the API returns it (PermissionResponse).
type Permission struct {
	ID           string    `json:"id"`
	Key          string    `json:"key"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	RoleIDs      []string  `json:"roleIds"`
	CategoryID   string    `json:"categoryId"`
	FePermission bool      `json:"fePermission"`
}

// UserTenant is a user's membership in one tenant (UserTenantDto).
type UserTenant struct {
	TenantID                string     `json:"tenantId"`
	Roles                   []Role     `json:"roles"`
	TemporaryExpirationDate *time.Time `json:"temporaryExpirationDate,omitempty"`
	IsDisabled              bool       `json:"isDisabled"`
}

// User is a user as the API returns it (UserDto). It also serves as
// CoreUserDto and UserV3Dto, of which it is a superset.
type User struct {
	ID                      string       `json:"id"`
	Email                   string       `json:"email"`
	Username                string       `json:"username,omitempty"`
	Name                    string       `json:"name"`
	ProfilePictureURL       string       `json:"profilePictureUrl"`
	Sub                     string       `json:"sub"`
	Verified                bool         `json:"verified"`
	MFAEnrolled             bool         `json:"mfaEnrolled"`
	MFABypass               bool         `json:"mfaBypass"`
	PhoneNumber             string       `json:"phoneNumber,omitempty"`
	Roles                   []Role       `json:"roles"`
	Permissions             []Permission `json:"permissions"`
	Provider                string       `json:"provider"`
	TenantID                string       `json:"tenantId"`
	TenantIDs               []string     `json:"tenantIds"`
	ActivatedForTenant      bool         `json:"activatedForTenant"`
	IsLocked                bool         `json:"isLocked"`
	Tenants                 []UserTenant `json:"tenants"`
	Invisible               bool         `json:"invisible"`
	SuperUser               bool         `json:"superUser"`
	Metadata                string       `json:"metadata"`
	VendorMetadata          string       `json:"vendorMetadata"`
	ExternalID              string       `json:"externalId,omitempty"`
	CreatedAt               time.Time    `json:"createdAt"`
	LastLogin               *time.Time   `json:"lastLogin"`
	SubAccountAccessAllowed bool         `json:"subAccountAccessAllowed"`
	ManagedBy               string       `json:"managedBy"`
}

// userRecord is a user with the memberships the views need.
type userRecord struct {
	user        *store.User
	memberships []store.Membership
	// mfaEnrolled: the user has an enrolled second factor.
	mfaEnrolled bool
}

func (id *Identity) loadUser(ctx context.Context, st store.Store, userID string) (*userRecord, error) {
	u, err := st.GetUser(ctx, id.envID, userID)
	if err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	ms, err := st.ListUserMemberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	enrolled, err := id.hasMFA(ctx, st, u.ID)
	if err != nil {
		return nil, err
	}
	return &userRecord{user: u, memberships: ms, mfaEnrolled: enrolled}, nil
}

// activeTenant is the tenant a user's token is issued for: the stored active
// tenant while the user is still an enabled member of it, else the first
// enabled membership.
func (r *userRecord) activeTenant() string {
	first := ""
	for _, m := range r.memberships {
		if m.Disabled {
			continue
		}
		if m.TenantID == r.user.ActiveTenantID {
			return m.TenantID
		}
		if first == "" {
			first = m.TenantID
		}
	}
	return first
}

func (r *userRecord) tenantIDs() []string {
	ids := make([]string, 0, len(r.memberships))
	for _, m := range r.memberships {
		ids = append(ids, m.TenantID)
	}
	return ids
}

func (r *userRecord) membership(tenantID string) *store.Membership {
	for i := range r.memberships {
		if r.memberships[i].TenantID == tenantID {
			return &r.memberships[i]
		}
	}
	return nil
}

// view renders the record for tenantID (the active tenant when empty).
func (r *userRecord) view(tenantID string) *User {
	u := r.user
	if tenantID == "" {
		tenantID = r.activeTenant()
	}
	v := &User{
		ID: u.ID, Email: u.Email, Username: u.Username, Name: u.Name, ProfilePictureURL: u.ProfilePictureURL,
		Sub: u.ID, Verified: u.Verified, MFAEnrolled: r.mfaEnrolled, MFABypass: u.MFABypass, PhoneNumber: u.PhoneNumber,
		Provider: u.Provider, TenantID: tenantID, TenantIDs: r.tenantIDs(), IsLocked: u.Locked,
		Invisible: u.Invisible, SuperUser: u.SuperUser, Metadata: u.Metadata, VendorMetadata: u.VendorMetadata,
		ExternalID: u.ExternalID, CreatedAt: u.CreatedAt, LastLogin: u.LastLogin, ManagedBy: "frontegg",
		Tenants: make([]UserTenant, 0, len(r.memberships)),
		Roles:   []Role{}, Permissions: []Permission{},
	}
	if m := r.membership(tenantID); m != nil {
		v.ActivatedForTenant = u.Verified && !m.Disabled
		v.SubAccountAccessAllowed = m.SubAccountAccess
	}
	for _, m := range r.memberships {
		v.Tenants = append(v.Tenants, UserTenant{TenantID: m.TenantID, Roles: []Role{}, TemporaryExpirationDate: m.ExpiresAt, IsDisabled: m.Disabled})
	}
	return v
}

// CreateUserInput describes a user created by the vendor
// (CreateUserDtoVendorOnly).
type CreateUserInput struct {
	Email               string   `json:"email"`
	Username            string   `json:"username"`
	Name                string   `json:"name"`
	Password            string   `json:"password"`
	PhoneNumber         string   `json:"phoneNumber"`
	ProfilePictureURL   string   `json:"profilePictureUrl"`
	Metadata            string   `json:"metadata"`
	VendorMetadata      string   `json:"vendorMetadata"`
	RoleIDs             []string `json:"roleIds"`
	TenantID            string   `json:"tenantId"`
	ExpirationInSeconds int      `json:"expirationInSeconds"`
	MFABypass           bool     `json:"mfaBypass"`
	ExternalID          string   `json:"externalId"`
	// Provider defaults to "local".
	Provider string `json:"-"`
	// Verified marks the e-mail as verified at creation.
	Verified bool `json:"-"`
}

func (in *CreateUserInput) validate() error {
	var err error
	if in.Email == "" && in.Username == "" {
		return invalid("email", "email or username is required")
	}
	if in.Email != "" {
		if in.Email, err = normalizeEmail("email", in.Email); err != nil {
			return err
		}
	}
	if in.Username != "" {
		if err := checkUsername("username", in.Username); err != nil {
			return err
		}
	}
	if in.TenantID == "" {
		return invalid("tenantId", "tenantId is required")
	}
	if len(in.Password) > 4*MaxPasswordLength {
		return errWeakPassword("password", "password must be at most %d characters long", MaxPasswordLength)
	}
	if in.PhoneNumber != "" {
		if in.PhoneNumber, err = normalizePhone("phoneNumber", in.PhoneNumber); err != nil {
			return err
		}
	}
	if err := checkLen("name", in.Name, 255); err != nil {
		return err
	}
	if err := checkLen("profilePictureUrl", in.ProfilePictureURL, 4095); err != nil {
		return err
	}
	if err := checkJSONObject("metadata", in.Metadata); err != nil {
		return err
	}
	if err := checkJSONObject("vendorMetadata", in.VendorMetadata); err != nil {
		return err
	}
	if in.ExpirationInSeconds < 0 {
		return invalid("expirationInSeconds", "expirationInSeconds must be positive")
	}
	if err := checkIDs("roleIds", in.RoleIDs); err != nil {
		return err
	}
	if in.Provider == "" {
		in.Provider = "local"
	}
	return nil
}

// CreateUser creates a user in an existing tenant, with a password when one
// is given. Users created by the vendor are verified. A taken e-mail or
// username is ErrConflict; an unknown tenant ErrNotFound.
func (id *Identity) CreateUser(ctx context.Context, in CreateUserInput) (*User, error) {
	in.Verified = true
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.Password != "" {
		if err := id.checkPasswordRules(ctx, id.store, "password", in.Password, []string{in.TenantID}); err != nil {
			return nil, err
		}
	}
	hash, err := id.hashIfSet(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	var rec *userRecord
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		rec, err = id.createUser(ctx, tx, in, hash)
		return err
	})
	if err != nil {
		return nil, err
	}
	return id.userView(ctx, id.store, rec, "")
}

func (id *Identity) hashIfSet(ctx context.Context, password string) (string, error) {
	if password == "" {
		return "", nil
	}
	return id.hasher.hash(ctx, password)
}

// createUser inserts a validated user, its membership and password in tx.
func (id *Identity) createUser(ctx context.Context, tx store.Store, in CreateUserInput, passwordHash string) (*userRecord, error) {
	if _, err := tx.GetTenant(ctx, id.envID, in.TenantID); err != nil {
		return nil, storeErr(err, "tenant "+in.TenantID)
	}
	// The tenant's e-mail domain restriction (restrictions.go).
	if err := id.checkEmailDomain(ctx, tx, in.TenantID, in.Email); err != nil {
		return nil, err
	}
	roleIDs, err := id.initialRoleIDs(ctx, tx, in.TenantID, in.RoleIDs)
	if err != nil {
		return nil, err
	}
	now := id.now()
	u := &store.User{
		ID: id.newID(), EnvID: id.envID, Email: in.Email, Username: in.Username, Name: in.Name,
		PhoneNumber: in.PhoneNumber, ProfilePictureURL: in.ProfilePictureURL, Provider: in.Provider,
		Verified: in.Verified, MFABypass: in.MFABypass, Metadata: in.Metadata, VendorMetadata: in.VendorMetadata,
		ExternalID: in.ExternalID, ActiveTenantID: in.TenantID, CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, &Error{Kind: ErrConflict, Code: CodeEmailTaken, Message: "a user with this e-mail or username already exists", Err: err}
		}
		return nil, err
	}
	m := store.Membership{UserID: u.ID, TenantID: in.TenantID, EnvID: id.envID, RoleIDs: roleIDs, CreatedAt: now, UpdatedAt: now}
	if in.ExpirationInSeconds > 0 {
		exp := now.Add(time.Duration(in.ExpirationInSeconds) * time.Second)
		m.ExpiresAt = &exp
	}
	if err := tx.PutMembership(ctx, &m); err != nil {
		return nil, storeErr(err, "tenant "+in.TenantID)
	}
	if passwordHash != "" {
		if err := tx.PutPassword(ctx, &store.PasswordCredential{UserID: u.ID, Hash: passwordHash, UpdatedAt: now}); err != nil {
			return nil, err
		}
	}
	return &userRecord{user: u, memberships: []store.Membership{m}}, nil
}

// GetUser returns a user by id, with every tenant it belongs to.
func (id *Identity) GetUser(ctx context.Context, userID string) (*User, error) {
	rec, err := id.loadUser(ctx, id.store, userID)
	if err != nil {
		return nil, err
	}
	return id.userView(ctx, id.store, rec, "")
}

// GetTenantUser returns a user as seen from tenantID; a user who is not a
// member of tenantID is not found.
func (id *Identity) GetTenantUser(ctx context.Context, tenantID, userID string) (*User, error) {
	if tenantID == "" {
		return nil, invalid("frontegg-tenant-id", "the frontegg-tenant-id header is required")
	}
	rec, err := id.loadUser(ctx, id.store, userID)
	if err != nil {
		return nil, err
	}
	if rec.membership(tenantID) == nil {
		return nil, notFound("user %s not found in tenant %s", userID, tenantID)
	}
	return id.userView(ctx, id.store, rec, tenantID)
}

// GetUserByEmail returns a user by e-mail (case-insensitive), without roles
// and permissions (CoreUserDto).
func (id *Identity) GetUserByEmail(ctx context.Context, email string) (*User, error) {
	email, err := normalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	u, err := id.store.GetUserByEmail(ctx, id.envID, email)
	if err != nil {
		return nil, storeErr(err, "user with this e-mail")
	}
	rec, err := id.loadUser(ctx, id.store, u.ID)
	if err != nil {
		return nil, err
	}
	return id.userView(ctx, id.store, rec, "")
}

// UpdateUserInput changes a user (UpdateVendorUserDto); nil fields are kept.
type UpdateUserInput struct {
	Name              *string `json:"name"`
	PhoneNumber       *string `json:"phoneNumber"`
	ProfilePictureURL *string `json:"profilePictureUrl"`
	Metadata          *string `json:"metadata"`
	VendorMetadata    *string `json:"vendorMetadata"`
	MFABypass         *bool   `json:"mfaBypass"`
	ExternalID        *string `json:"externalId"`
}

func (in *UpdateUserInput) validate() error {
	if in.Name != nil {
		if err := checkLen("name", *in.Name, 255); err != nil {
			return err
		}
	}
	if in.PhoneNumber != nil && *in.PhoneNumber != "" {
		p, err := normalizePhone("phoneNumber", *in.PhoneNumber)
		if err != nil {
			return err
		}
		in.PhoneNumber = &p
	}
	if in.ProfilePictureURL != nil {
		if err := checkLen("profilePictureUrl", *in.ProfilePictureURL, 4095); err != nil {
			return err
		}
	}
	if in.Metadata != nil {
		if err := checkJSONObject("metadata", *in.Metadata); err != nil {
			return err
		}
	}
	if in.VendorMetadata != nil {
		if err := checkJSONObject("vendorMetadata", *in.VendorMetadata); err != nil {
			return err
		}
	}
	return nil
}

// UpdateUser applies the non-nil fields of in to the user.
func (id *Identity) UpdateUser(ctx context.Context, userID string, in UpdateUserInput) (*User, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var rec *userRecord
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		u := rec.user
		setStr(&u.Name, in.Name)
		setStr(&u.PhoneNumber, in.PhoneNumber)
		setStr(&u.ProfilePictureURL, in.ProfilePictureURL)
		setStr(&u.Metadata, in.Metadata)
		setStr(&u.VendorMetadata, in.VendorMetadata)
		setStr(&u.ExternalID, in.ExternalID)
		setBool(&u.MFABypass, in.MFABypass)
		u.UpdatedAt = id.now()
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return id.userView(ctx, id.store, rec, "")
}

// PasswordCheck is the answer to VerifyUserPassword.
type PasswordCheck struct {
	Valid  bool   `json:"valid"`
	UserID string `json:"userId,omitempty"`
}

// VerifyUserPassword tells the vendor whether password is the password of
// the user with e-mail. An unknown e-mail answers Valid=false, like a wrong
// password, and takes the same time.
func (id *Identity) VerifyUserPassword(ctx context.Context, email, password string) (*PasswordCheck, error) {
	email, err := normalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, invalid("password", "password is required")
	}
	u, _, ok, err := id.checkPassword(ctx, func() (*store.User, error) { return id.store.GetUserByEmail(ctx, id.envID, email) }, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &PasswordCheck{Valid: false}, nil
	}
	return &PasswordCheck{Valid: true, UserID: u.ID}, nil
}

// checkPassword finds a user with find and checks password, upgrading the
// hash when the argon2id parameters changed (the password's age,
// PasswordCredential.UpdatedAt, stays). It spends the same time when the
// user does not exist or has no password. u and cred are set whenever the
// user has a password, right or wrong (ok says which).
func (id *Identity) checkPassword(ctx context.Context, find func() (*store.User, error), password string) (u *store.User, cred *store.PasswordCredential, ok bool, err error) {
	u, err = find()
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, nil, false, err
	}
	if u != nil {
		cred, err = id.store.GetPassword(ctx, u.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, nil, false, err
		}
	}
	if cred == nil || len(password) > 4*MaxPasswordLength {
		id.hasher.burn(ctx, password[:min(len(password), 4*MaxPasswordLength)])
		if cred == nil {
			return nil, nil, false, nil
		}
		return u, cred, false, nil
	}
	ok, rehash, err := id.hasher.verify(ctx, password, cred.Hash)
	if err != nil {
		return nil, nil, false, err
	}
	if !ok {
		return u, cred, false, nil
	}
	if rehash {
		if h, err := id.hasher.hash(ctx, password); err == nil {
			cred.Hash = h
			if err := id.store.PutPassword(ctx, cred); err != nil {
				id.log.WarnContext(ctx, "password rehash not saved", "userId", u.ID, "error", err)
			}
		}
	}
	return u, cred, true, nil
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
