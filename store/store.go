// Package store defines yolk's persistent records and the narrow interfaces a
// storage backend implements. It imports only the standard library.
//
// Contract shared by every method, checked by store/storetest:
//   - A lookup that finds nothing returns an error for which
//     errors.Is(err, ErrNotFound) holds.
//   - A write that would break a uniqueness rule returns ErrConflict and
//     changes nothing. E-mail and username are unique per environment,
//     compared case-insensitively; a tenant id and a user id are unique.
//     The e-mail rule covers every address of a user: its primary one
//     (User.Email) and its additional ones (UserEmail); an address is held
//     once, by one user, as either.
//   - Records passed in are copied; records returned are the caller's to
//     modify. Slices are never shared with the store.
//   - Times are stored with at least microsecond precision and returned in UTC.
//   - Methods are safe for concurrent use.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Wrap them with fmt.Errorf("…: %w", ErrNotFound) to add
// detail; callers test with errors.Is.
var (
	// ErrNotFound reports that the requested record does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict reports a uniqueness violation or a failed
	// compare-and-set (for example a refresh token already used).
	ErrConflict = errors.New("store: conflict")
)

// EnvironmentStore keeps environments and their credentials.
type EnvironmentStore interface {
	// CreateEnvironment inserts env; ErrConflict if the id or client id exists.
	CreateEnvironment(ctx context.Context, env *Environment) error
	// GetEnvironment returns the environment with id.
	GetEnvironment(ctx context.Context, id string) (*Environment, error)
	// GetEnvironmentByClientID returns the environment with clientID.
	GetEnvironmentByClientID(ctx context.Context, clientID string) (*Environment, error)
	// ListEnvironments returns every environment, oldest first.
	ListEnvironments(ctx context.Context) ([]Environment, error)
	// UpdateEnvironment replaces the stored record (for example to rotate
	// the secret); ErrNotFound if it does not exist.
	UpdateEnvironment(ctx context.Context, env *Environment) error
}

// ConfigStore keeps each environment's identity configuration.
type ConfigStore interface {
	// GetConfig returns the configuration of envID; ErrNotFound if it was
	// never saved.
	GetConfig(ctx context.Context, envID string) (*EnvConfig, error)
	// PutConfig inserts or replaces the configuration of cfg.EnvID.
	PutConfig(ctx context.Context, cfg *EnvConfig) error
}

// TenantStore keeps tenants (accounts).
type TenantStore interface {
	// CreateTenant inserts t; ErrConflict if t.ID exists (in any
	// environment) or t.Alias is set and taken in t.EnvID.
	CreateTenant(ctx context.Context, t *Tenant) error
	// GetTenant returns tenant id of envID.
	GetTenant(ctx context.Context, envID, id string) (*Tenant, error)
	// UpdateTenant replaces the stored tenant; ErrNotFound if absent,
	// ErrConflict if t.Alias is set and taken by another tenant of t.EnvID.
	UpdateTenant(ctx context.Context, t *Tenant) error
	// DeleteTenant removes the tenant with its memberships (and what removing
	// them removes), groups and invites; ErrNotFound if absent.
	DeleteTenant(ctx context.Context, envID, id string) error
	// ListTenants returns the tenants of envID, oldest first.
	ListTenants(ctx context.Context, envID string) ([]Tenant, error)
	// ListChildTenants returns the tenants of envID whose ParentID is
	// parentID (its direct sub-accounts), oldest first; parentID "" lists
	// the top-level tenants. An unknown parent has no children.
	ListChildTenants(ctx context.Context, envID, parentID string) ([]Tenant, error)
	// GetTenantByAlias returns the tenant of envID whose Alias is alias
	// (compared exactly); ErrNotFound if none, or alias is "".
	GetTenantByAlias(ctx context.Context, envID, alias string) (*Tenant, error)
	// QueryTenants returns one page of the tenants q selects, in q's order,
	// and how many tenants q selects in all (ignoring Limit and Offset).
	QueryTenants(ctx context.Context, q TenantQuery) (tenants []Tenant, total int, err error)
}

// UserStore keeps users.
type UserStore interface {
	// CreateUser inserts u; ErrConflict if the id exists or the e-mail or
	// username is taken in u.EnvID (case-insensitive), the e-mail also by
	// an additional e-mail (UserEmail).
	CreateUser(ctx context.Context, u *User) error
	// GetUser returns user id of envID.
	GetUser(ctx context.Context, envID, id string) (*User, error)
	// GetUserByEmail finds a user by e-mail, case-insensitively.
	GetUserByEmail(ctx context.Context, envID, email string) (*User, error)
	// GetUserByUsername finds a user by username, case-insensitively.
	GetUserByUsername(ctx context.Context, envID, username string) (*User, error)
	// ListUsersByUsername returns envID's users that have a username and
	// match f, ordered by lower-cased username.
	ListUsersByUsername(ctx context.Context, envID string, f UsernameFilter) ([]User, error)
	// UpdateUser replaces the stored user; ErrNotFound if absent,
	// ErrConflict if the new e-mail or username is taken by another user,
	// or the new e-mail is an additional e-mail (UserEmail) of any user.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user with its memberships (and what removing
	// them removes), password, sessions, refresh tokens, additional
	// e-mails, phone numbers, MFA devices and tenant invites; ErrNotFound if
	// absent.
	DeleteUser(ctx context.Context, envID, id string) error
	// ListUsers returns one page of the users q selects, in q's order, and
	// how many users q selects in all (ignoring Limit and Offset).
	ListUsers(ctx context.Context, q UserQuery) (users []User, total int, err error)
}

// UserSort names the key ListUsers orders by. Users with equal keys are
// ordered by id, in the same direction, so the order is total.
type UserSort string

// The keys ListUsers orders by.
const (
	// SortUsersByCreatedAt orders by User.CreatedAt (the default).
	SortUsersByCreatedAt UserSort = "createdAt"
	// SortUsersByName orders by User.Name compared ASCII-case-insensitively
	// ("a" and "A" are equal, "é" and "É" are not; SQLite's NOCASE).
	SortUsersByName UserSort = "name"
	// SortUsersByEmail orders by the lower-cased e-mail ("" first).
	SortUsersByEmail UserSort = "email"
	// SortUsersByID orders by User.ID.
	SortUsersByID UserSort = "id"
	// SortUsersByVerified orders by User.Verified (false first).
	SortUsersByVerified UserSort = "verified"
	// SortUsersByLocked orders by User.Locked (false first).
	SortUsersByLocked UserSort = "isLocked"
	// SortUsersByProvider orders by User.Provider.
	SortUsersByProvider UserSort = "provider"
	// SortUsersByTenant orders by User.ActiveTenantID.
	SortUsersByTenant UserSort = "tenantId"
)

// MinSearchLength is the fewest characters a phrase-search string of
// UserQuery must have to match anything.
const MinSearchLength = 3

// UserQuery selects, orders and pages the users of an environment for
// ListUsers. Every filter that is set must hold (they are ANDed); an empty
// filter selects everything.
type UserQuery struct {
	EnvID string
	// TenantIDs keeps users with a membership (in any state) in at least
	// one of these tenants.
	TenantIDs []string
	// IDs keeps users whose id is one of these.
	IDs []string
	// ExternalIDs keeps users whose ExternalID is one of these.
	ExternalIDs []string
	// EmailPrefix and UsernamePrefix keep users whose e-mail / username
	// starts with the prefix, compared case-insensitively (Unicode lower
	// case, as e-mails are compared everywhere).
	EmailPrefix    string
	UsernamePrefix string
	// PhonePrefix keeps users whose PhoneNumber starts with it, exactly.
	PhonePrefix string
	// NamePrefix keeps users whose Name starts with it, compared
	// ASCII-case-insensitively, like the name order.
	NamePrefix string
	// HideInvisible drops users whose Invisible flag is set.
	HideInvisible bool

	// Phrase search over each user's e-mail, name, username, phone number
	// and external id. A string "occurs" in a user when it is a
	// case-insensitive substring of one of those fields (within one field:
	// never spanning two). Strings shorter than MinSearchLength characters
	// never occur.
	//
	// Contains keeps users in which every string occurs; Optional, when
	// not empty, keeps users in which at least one occurs; Excludes drops
	// users in which any occurs.
	Contains []string
	Optional []string
	Excludes []string
	// Approximate also ignores diacritics when comparing ("jose" occurs in
	// "José").
	Approximate bool

	// SortBy is the order ("" is SortUsersByCreatedAt); Descending
	// reverses it.
	SortBy     UserSort
	Descending bool
	// Limit caps how many users are returned (≤ 0: no cap); Offset skips
	// that many first.
	Limit  int
	Offset int
}

// MembershipStore keeps which users belong to which tenants.
type MembershipStore interface {
	// PutMembership inserts or replaces the membership (UserID, TenantID).
	// ErrNotFound if the user or tenant does not exist.
	PutMembership(ctx context.Context, m *Membership) error
	// GetMembership returns the membership of userID in tenantID.
	GetMembership(ctx context.Context, userID, tenantID string) (*Membership, error)
	// DeleteMembership removes it, and with it the user's place in the
	// tenant's groups, the user's application assignments in the tenant and
	// the applications' choice of the tenant as the user's active one;
	// ErrNotFound if absent.
	DeleteMembership(ctx context.Context, userID, tenantID string) error
	// ListUserMemberships returns userID's memberships, oldest first.
	ListUserMemberships(ctx context.Context, userID string) ([]Membership, error)
	// ListTenantMemberships returns tenantID's memberships, oldest first.
	ListTenantMemberships(ctx context.Context, tenantID string) ([]Membership, error)
	// ListUsersMemberships returns the memberships of every user in
	// userIDs (unknown ids have none): grouped by user, each user's oldest
	// first, as ListUserMemberships orders them; the groups in no
	// particular order.
	ListUsersMemberships(ctx context.Context, userIDs []string) ([]Membership, error)
}

// CredentialStore keeps password hashes.
type CredentialStore interface {
	// PutPassword inserts or replaces the password of c.UserID; ErrNotFound
	// if the user does not exist.
	PutPassword(ctx context.Context, c *PasswordCredential) error
	// GetPassword returns the password of userID; ErrNotFound if it has none.
	GetPassword(ctx context.Context, userID string) (*PasswordCredential, error)
}

// SessionStore keeps login sessions.
type SessionStore interface {
	// CreateSession inserts s; ErrConflict if the id exists.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns session id.
	GetSession(ctx context.Context, id string) (*Session, error)
	// TouchSession sets LastUsedAt and TenantID (the tenant may change on
	// refresh); ErrNotFound if absent.
	TouchSession(ctx context.Context, id, tenantID string, at time.Time) error
	// RevokeSession sets RevokedAt if not yet set; ErrNotFound if absent.
	RevokeSession(ctx context.Context, id string, at time.Time) error
	// ListUserSessions returns userID's sessions (revoked included), newest
	// first.
	ListUserSessions(ctx context.Context, userID string) ([]Session, error)
	// ListActiveUserSessions returns userID's sessions that are not revoked
	// and whose ExpiresAt is after at, newest first (as ListUserSessions).
	ListActiveUserSessions(ctx context.Context, userID string, at time.Time) ([]Session, error)
	// RevokeUserSessions sets RevokedAt to at on every session of userID
	// that is not revoked yet, except session exceptID ("" spares none),
	// and returns how many it revoked. A user without sessions (or unknown)
	// is not an error: it revokes none.
	RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error)
}

// RefreshTokenStore keeps refresh tokens by hash.
type RefreshTokenStore interface {
	// CreateRefreshToken inserts t; ErrNotFound if its session does not
	// exist, ErrConflict if the id or hash exists.
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	// GetRefreshTokenByHash returns the token whose hash is hash.
	GetRefreshTokenByHash(ctx context.Context, hash []byte) (*RefreshToken, error)
	// UseRefreshToken marks token id used at at. It is a compare-and-set:
	// if the token was already used it returns ErrConflict, so of two
	// concurrent rotations exactly one succeeds.
	UseRefreshToken(ctx context.Context, id string, at time.Time) error
}

// SigningKeyStore keeps JWT signing keys.
type SigningKeyStore interface {
	// CreateSigningKey inserts k; ErrConflict if the id exists.
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// ListSigningKeys returns envID's keys, newest first.
	ListSigningKeys(ctx context.Context, envID string) ([]SigningKey, error)
	// UpdateSigningKey replaces the stored key (to retire it); ErrNotFound
	// if absent.
	UpdateSigningKey(ctx context.Context, k *SigningKey) error
}

// OneTimeTokenStore keeps single-use secrets by hash.
type OneTimeTokenStore interface {
	// CreateOneTimeToken inserts t; ErrConflict if the id or (kind, hash)
	// exists.
	CreateOneTimeToken(ctx context.Context, t *OneTimeToken) error
	// GetOneTimeToken returns token id.
	GetOneTimeToken(ctx context.Context, id string) (*OneTimeToken, error)
	// GetOneTimeTokenByHash returns the token of kind whose hash is hash.
	GetOneTimeTokenByHash(ctx context.Context, kind string, hash []byte) (*OneTimeToken, error)
	// ConsumeOneTimeToken marks token id used at at: a compare-and-set that
	// returns ErrConflict if it was already used.
	ConsumeOneTimeToken(ctx context.Context, id string, at time.Time) error
	// IncrementOneTimeTokenAttempts adds one failed attempt and returns the
	// new count.
	IncrementOneTimeTokenAttempts(ctx context.Context, id string) (int, error)
	// DeleteUserOneTimeTokens removes userID's unused tokens of kind (all
	// kinds when kind is "") and returns how many it removed.
	DeleteUserOneTimeTokens(ctx context.Context, userID, kind string) (int, error)
	// ListUserOneTimeTokens returns userID's tokens of kind (every kind
	// when kind is ""), used and expired ones included, oldest first.
	ListUserOneTimeTokens(ctx context.Context, userID, kind string) ([]OneTimeToken, error)
	// DeleteOneTimeToken removes token id, used or not; ErrNotFound if
	// absent.
	DeleteOneTimeToken(ctx context.Context, id string) error
}

// TenantInviteStore keeps tenant invitation links.
type TenantInviteStore interface {
	// CreateTenantInvite inserts inv. ErrConflict if its id or hash exists,
	// or if inv.UserID is set and that user already has an invite to
	// inv.TenantID; ErrNotFound if the tenant, or the user when UserID is
	// set, does not exist in inv.EnvID.
	CreateTenantInvite(ctx context.Context, inv *TenantInvite) error
	// GetTenantInvite returns invite id of envID.
	GetTenantInvite(ctx context.Context, envID, id string) (*TenantInvite, error)
	// GetTenantInviteByHash returns the invite whose token hash is hash.
	GetTenantInviteByHash(ctx context.Context, hash []byte) (*TenantInvite, error)
	// GetUserTenantInvite returns userID's invite to tenantID.
	GetUserTenantInvite(ctx context.Context, envID, tenantID, userID string) (*TenantInvite, error)
	// UpdateTenantInvite replaces the stored invite's RoleIDs,
	// ShouldSendEmail, UpdatedAt and ExpiresAt (the rest never changes);
	// ErrNotFound if absent.
	UpdateTenantInvite(ctx context.Context, inv *TenantInvite) error
	// DeleteTenantInvite removes invite id; ErrNotFound if absent.
	DeleteTenantInvite(ctx context.Context, envID, id string) error
	// ListTenantInvites returns every invite of envID, expired ones
	// included, oldest first.
	ListTenantInvites(ctx context.Context, envID string) ([]TenantInvite, error)
}

// SettingStore keeps named configuration documents per environment and
// per tenant.
type SettingStore interface {
	// GetSetting returns the setting name of (envID, tenantID); tenantID ""
	// is the environment-wide value. ErrNotFound if it was never saved.
	GetSetting(ctx context.Context, envID, tenantID, name string) (*Setting, error)
	// PutSetting inserts or replaces the setting (EnvID, TenantID, Name).
	PutSetting(ctx context.Context, s *Setting) error
	// DeleteSetting removes it; ErrNotFound if absent.
	DeleteSetting(ctx context.Context, envID, tenantID, name string) error
	// ListSettings returns every value of name in envID (the
	// environment-wide one and each tenant's), ordered by tenant id, the
	// environment-wide value first.
	ListSettings(ctx context.Context, envID, name string) ([]Setting, error)
	// DeleteTenantSettings removes every setting of tenantID in envID,
	// whatever its name, and returns how many it removed. tenantID ""
	// removes nothing: environment-wide values are deleted one by one.
	DeleteTenantSettings(ctx context.Context, envID, tenantID string) (int, error)
}

// UserEmailStore keeps users' additional e-mail addresses. An address is
// unique per environment (case-insensitively) across the primary e-mails of
// users and the additional ones.
type UserEmailStore interface {
	// AddUserEmail inserts e (Primary is ignored); ErrNotFound if user
	// e.UserID does not exist in e.EnvID, ErrConflict if the id exists or
	// the address is any user's e-mail, primary or additional.
	AddUserEmail(ctx context.Context, e *UserEmail) error
	// GetUserEmail returns additional e-mail id of envID.
	GetUserEmail(ctx context.Context, envID, id string) (*UserEmail, error)
	// GetUserEmailByAddress finds an additional e-mail by address,
	// case-insensitively (primary addresses: GetUserByEmail).
	GetUserEmailByAddress(ctx context.Context, envID, email string) (*UserEmail, error)
	// UpdateUserEmail replaces the stored additional e-mail (its user does
	// not change); ErrNotFound if absent, ErrConflict if a changed address
	// is taken.
	UpdateUserEmail(ctx context.Context, e *UserEmail) error
	// DeleteUserEmail removes additional e-mail id; ErrNotFound if absent.
	DeleteUserEmail(ctx context.Context, envID, id string) error
	// ListUserEmails returns every address of userID in envID: the primary
	// one first (see UserEmail), then the additional ones, oldest first.
	// A missing user has none.
	ListUserEmails(ctx context.Context, envID, userID string) ([]UserEmail, error)
	// ListEmails returns every address of envID that matches f, primary
	// ones included, ordered by user id, then as ListUserEmails orders.
	ListEmails(ctx context.Context, envID string, f EmailFilter) ([]UserEmail, error)
}

// PhoneNumberStore keeps the phone numbers of users' profiles.
type PhoneNumberStore interface {
	// CreatePhoneNumber inserts p; ErrNotFound if user p.UserID does not
	// exist in p.EnvID, ErrConflict if the id exists or the user already
	// has the number.
	CreatePhoneNumber(ctx context.Context, p *UserPhoneNumber) error
	// GetPhoneNumber returns phone number id of envID.
	GetPhoneNumber(ctx context.Context, envID, id string) (*UserPhoneNumber, error)
	// UpdatePhoneNumber replaces the stored phone number (its user does not
	// change); ErrNotFound if absent, ErrConflict if the user already has
	// a changed number.
	UpdatePhoneNumber(ctx context.Context, p *UserPhoneNumber) error
	// DeletePhoneNumber removes phone number id; ErrNotFound if absent.
	DeletePhoneNumber(ctx context.Context, envID, id string) error
	// ListUserPhoneNumbers returns userID's numbers in envID, oldest first.
	ListUserPhoneNumbers(ctx context.Context, envID, userID string) ([]UserPhoneNumber, error)
	// ListPhoneNumbers returns envID's numbers that match f, oldest first.
	ListPhoneNumbers(ctx context.Context, envID string, f PhoneNumberFilter) ([]UserPhoneNumber, error)
}

// MFADeviceStore keeps users' second factors.
type MFADeviceStore interface {
	// CreateMFADevice inserts d; ErrNotFound if its user does not exist,
	// ErrConflict if the id exists.
	CreateMFADevice(ctx context.Context, d *MFADevice) error
	// GetMFADevice returns device id of envID.
	GetMFADevice(ctx context.Context, envID, id string) (*MFADevice, error)
	// ListUserMFADevices returns userID's devices, pending ones included,
	// oldest first.
	ListUserMFADevices(ctx context.Context, userID string) ([]MFADevice, error)
	// UpdateMFADevice replaces the stored device (matched by ID and EnvID);
	// ErrNotFound if absent.
	UpdateMFADevice(ctx context.Context, d *MFADevice) error
	// UseMFADevice sets LastUsedAt to at and Counter to counter. It is a
	// compare-and-set: unless counter is greater than the stored Counter
	// (or both are 0, for WebAuthn authenticators without a counter) it
	// returns ErrConflict and changes nothing, so a TOTP time step or a
	// WebAuthn signature counter is accepted once. ErrNotFound if absent.
	UseMFADevice(ctx context.Context, id string, counter int64, at time.Time) error
	// DeleteMFADevice removes device id of envID; ErrNotFound if absent.
	DeleteMFADevice(ctx context.Context, envID, id string) error
	// DeleteUserMFADevices removes userID's devices of kind (every kind
	// when kind is "") and returns how many it removed.
	DeleteUserMFADevices(ctx context.Context, userID, kind string) (int, error)
}

// TaskStore keeps tasks (bulk operations whose status the API reports).
type TaskStore interface {
	// CreateTask inserts t; ErrConflict if the id exists.
	CreateTask(ctx context.Context, t *Task) error
	// GetTask returns task id of envID.
	GetTask(ctx context.Context, envID, id string) (*Task, error)
	// UpdateTask replaces the stored task (matched by ID and EnvID);
	// ErrNotFound if absent.
	UpdateTask(ctx context.Context, t *Task) error
}

// GroupStore keeps user groups and their members. Groups are reached
// through their tenant: a group id under another tenant is not found.
type GroupStore interface {
	// CreateGroup inserts g; ErrNotFound if its tenant does not exist in
	// g.EnvID, ErrConflict if the id exists or the name is taken in the
	// tenant (case-insensitively).
	CreateGroup(ctx context.Context, g *Group) error
	// GetGroup returns group id of tenantID.
	GetGroup(ctx context.Context, tenantID, id string) (*Group, error)
	// UpdateGroup replaces the stored group (matched by ID and TenantID),
	// keeping its members; ErrNotFound if absent, ErrConflict if the new
	// name is taken by another group of the tenant.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup removes the group and its members; ErrNotFound if absent.
	DeleteGroup(ctx context.Context, tenantID, id string) error
	// ListGroups returns tenantID's groups, oldest first (ties by id).
	ListGroups(ctx context.Context, tenantID string) ([]Group, error)
	// AddGroupMembers adds each of userIDs to group groupID of tenantID as
	// of at; a user already in the group stays as it was. It is all or
	// nothing: ErrNotFound, with nobody added, if the group does not exist
	// or one of the users is not a member of the tenant.
	AddGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string, at time.Time) error
	// RemoveGroupMembers removes each of userIDs from the group, skipping
	// users not in it; ErrNotFound if the group does not exist.
	RemoveGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string) error
	// ListGroupMembers returns the members of group groupID of tenantID,
	// oldest first (ties by user id); none for an unknown group.
	ListGroupMembers(ctx context.Context, tenantID, groupID string) ([]GroupMember, error)
	// ListUserGroups returns the groups of tenantID that userID belongs
	// to, oldest first (ties by id).
	ListUserGroups(ctx context.Context, tenantID, userID string) ([]Group, error)
}

// ApplicationStore keeps which users are assigned to which applications, and
// each user's active tenant per application.
type ApplicationStore interface {
	// PutApplicationUser assigns a.UserID, as a member of a.TenantID, to
	// application a.AppID. An existing assignment stays as it was (its
	// CreatedAt is kept). ErrNotFound if the user is not a member of the
	// tenant in a.EnvID.
	PutApplicationUser(ctx context.Context, a *ApplicationUser) error
	// DeleteApplicationUser removes the assignment of userID in tenantID
	// to appID; ErrNotFound if absent.
	DeleteApplicationUser(ctx context.Context, appID, userID, tenantID string) error
	// ListApplicationUsers returns the assignments to appID in envID,
	// oldest first (ties by user id, then tenant id).
	ListApplicationUsers(ctx context.Context, envID, appID string) ([]ApplicationUser, error)
	// ListUserApplications returns userID's assignments, oldest first
	// (ties by application id, then tenant id).
	ListUserApplications(ctx context.Context, userID string) ([]ApplicationUser, error)
	// PutApplicationActiveTenant inserts or replaces the active tenant of
	// a.UserID in application a.AppID; ErrNotFound if the user is not a
	// member of a.TenantID in a.EnvID.
	PutApplicationActiveTenant(ctx context.Context, a *ApplicationActiveTenant) error
	// ListApplicationActiveTenants returns userID's active tenants, by
	// application id.
	ListApplicationActiveTenants(ctx context.Context, userID string) ([]ApplicationActiveTenant, error)
}

// Store composes every capability a backend provides.
type Store interface {
	EnvironmentStore
	ConfigStore
	TenantStore
	UserStore
	MembershipStore
	CredentialStore
	SessionStore
	RefreshTokenStore
	SigningKeyStore
	OneTimeTokenStore
	SettingStore
	GroupStore
	ApplicationStore
	TenantInviteStore
	RoleStore
	PermissionStore
	PermissionCategoryStore
	UserEmailStore
	PhoneNumberStore
	MFADeviceStore
	TaskStore
	APITokenStore

	// InTx runs fn with a Store whose writes commit together if fn returns
	// nil and are all discarded if it returns an error (or panics). Reads
	// inside fn see fn's own writes. Calls of InTx on the Store passed to fn
	// run inside the same transaction.
	InTx(ctx context.Context, fn func(tx Store) error) error
	// Close releases the store's resources.
	Close() error
}
