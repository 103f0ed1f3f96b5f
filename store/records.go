package store

import "time"

// Environment is one isolated identity space (a Frontegg "environment"). Its
// client id and secret authenticate the vendor (the application's backend).
// Every tenant, user and key belongs to exactly one environment.
type Environment struct {
	ID       string
	ClientID string
	// SecretHash is the SHA-256 of the environment secret; the secret itself
	// is never stored.
	SecretHash []byte
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Tenant is an account. ParentID is empty for a top-level account and names
// the parent for a sub-account.
type Tenant struct {
	ID       string
	EnvID    string
	Name     string
	ParentID string
	Metadata string // stringified JSON object, "" when unset
	// Alias names the tenant in its own login address; "" for none. When
	// set it is unique per environment, compared exactly (the identity
	// layer lower-cases it).
	Alias string
	// Status is the application's own label for the tenant; yolk does not
	// act on it.
	Status string
	// IsReseller lets the tenant manage its sub-accounts as a reseller.
	IsReseller   bool
	CreatorName  string
	CreatorEmail string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TenantSort names the key QueryTenants orders by. Tenants with equal keys
// are ordered by id, in the same direction, so the order is total.
type TenantSort string

// The keys QueryTenants orders by.
const (
	// SortTenantsByCreatedAt orders by Tenant.CreatedAt (the default).
	SortTenantsByCreatedAt TenantSort = "createdAt"
	// SortTenantsByName orders by Tenant.Name compared
	// ASCII-case-insensitively ("a" and "A" are equal, "é" and "É" are
	// not; SQLite's NOCASE).
	SortTenantsByName TenantSort = "name"
	// SortTenantsByID orders by Tenant.ID.
	SortTenantsByID TenantSort = "tenantId"
)

// TenantQuery selects, orders and pages the tenants of an environment for
// QueryTenants. Every filter that is set must hold.
type TenantQuery struct {
	EnvID string
	// IDs, when non-nil, keeps only these tenants (an empty, non-nil slice
	// matches nothing).
	IDs []string
	// Search keeps tenants whose name or id contains it,
	// ASCII-case-insensitively.
	Search string
	// Sort is the order ("" is SortTenantsByCreatedAt); Desc reverses it.
	Sort TenantSort
	Desc bool
	// Limit caps the page (0: no cap); Offset skips that many tenants of
	// the order first.
	Limit  int
	Offset int
}

// User is a person (or service identity) of an environment. A user belongs to
// tenants through Memberships. Email and Username are unique per environment,
// compared case-insensitively; either may be empty, not both.
type User struct {
	ID                string
	EnvID             string
	Email             string
	Username          string
	Name              string
	PhoneNumber       string
	ProfilePictureURL string
	// Provider is how the user signs in: "local", "saml", "google", …
	Provider string
	Verified bool
	Locked   bool
	// MFABypass exempts the user from MFA enforcement.
	MFABypass      bool
	SuperUser      bool
	Invisible      bool
	Metadata       string // stringified JSON object
	VendorMetadata string // stringified JSON object, vendor-only
	ExternalID     string
	// ActiveTenantID is the tenant the user's next token is issued for.
	ActiveTenantID string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LastLogin      *time.Time
}

// Membership places a user in a tenant with per-tenant roles and state.
type Membership struct {
	UserID   string
	TenantID string
	EnvID    string
	RoleIDs  []string
	Disabled bool
	// SubAccountAccess lets the user reach the tenant's sub-accounts
	// (tenants whose ParentID chain leads to TenantID).
	SubAccountAccess bool
	// ExpiresAt is set for temporary users; nil means permanent.
	ExpiresAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PasswordCredential is a user's password hash in PHC/encoded form (for
// example "$argon2id$v=19$m=19456,t=2,p=1$…").
type PasswordCredential struct {
	UserID string
	Hash   string
	// History holds the hashes of the user's earlier passwords, newest
	// first, as many as the password history policy keeps (nil when it
	// keeps none).
	History []string
	// UpdatedAt is when the user chose this password (its age, for the
	// password expiration policy); rehashing the same password with new
	// parameters keeps it.
	UpdatedAt time.Time
}

// Session is one login: it groups the refresh tokens issued from it. Revoking
// a session makes every refresh token of it unusable.
type Session struct {
	ID        string
	EnvID     string
	UserID    string
	TenantID  string
	AMR       []string // authentication methods used, e.g. ["pwd","otp"]
	AuthTime  time.Time
	UserAgent string
	IP        string
	CreatedAt time.Time
	// LastUsedAt is updated on every refresh.
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
}

// RefreshToken is an opaque refresh token, stored only as the SHA-256 hash of
// its value. A token is used once: UsedAt is set when it is rotated.
type RefreshToken struct {
	ID        string
	SessionID string
	EnvID     string
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	// Rotation counts the rotations of the session's refresh-token chain
	// that led to this token: 0 for the token issued at login, one more
	// than its predecessor's for each token issued by a rotation.
	Rotation int
}

// SigningKey is a JWT signing key of an environment. The newest key that is
// not retired signs; every key whose VerifyUntil has not passed verifies.
type SigningKey struct {
	ID        string // the JWT "kid"
	EnvID     string
	Algorithm string // "RS256"
	// PrivateKey is the PKCS#8 DER encoding of the private key.
	PrivateKey []byte
	CreatedAt  time.Time
	// RetiredAt is set when a newer key takes over signing.
	RetiredAt *time.Time
	// VerifyUntil is when tokens signed by a retired key have all expired;
	// nil while the key is active.
	VerifyUntil *time.Time
}

// Token kinds of OneTimeToken.
const (
	TokenActivation    = "activation"
	TokenPasswordReset = "password-reset"
	TokenInvitation    = "invitation"
	TokenMagicLink     = "magic-link"
	TokenOTC           = "otc"
	TokenMFA           = "mfa"
	TokenEmailVerify   = "email-verify"
	// TokenPhoneVerify is an SMS code that proves a phone number: to add it
	// to a user or to remove it.
	TokenPhoneVerify = "phone-verify"
	// TokenUnlock lets a locked user unlock their own account (e-mailed
	// when a lockout locks it).
	TokenUnlock = "unlock"
)

// OneTimeToken is a single-use, expiring secret (activation link, reset link,
// invitation, one-time code, MFA step token), stored only as a hash.
type OneTimeToken struct {
	ID       string
	EnvID    string
	Kind     string
	UserID   string
	TenantID string
	Hash     []byte
	// Data carries kind-specific state (JSON), never a secret.
	Data      string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Kinds of MFADevice.
const (
	MFAAuthenticator = "authenticator"
	MFASMS           = "sms"
	MFAWebAuthn      = "webauthn"
)

// MFADevice is a second factor a user enrolled: an authenticator app
// (TOTP), a phone that receives SMS codes, or a WebAuthn authenticator
// (security key or platform authenticator).
type MFADevice struct {
	ID     string
	EnvID  string
	UserID string
	// Kind is MFAAuthenticator, MFASMS or MFAWebAuthn.
	Kind string
	Name string
	// Pending is true from pre-enrolment until the first verified code; a
	// pending device is not a factor yet.
	Pending bool
	// Secret is the base32 TOTP seed of an authenticator app. Checking a
	// code needs the seed itself, so it cannot be stored as a hash.
	Secret      string
	PhoneNumber string
	// DeviceType is "Platform" or "CrossPlatform" for WebAuthn.
	DeviceType string
	// CredentialID is the WebAuthn credential id; Credential the WebAuthn
	// credential record (JSON: public key, flags, authenticator data).
	CredentialID []byte
	Credential   string
	// Counter is the last accepted TOTP time step or WebAuthn signature
	// counter. It only moves forward (see MFADeviceStore.UseMFADevice).
	Counter    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	LastUsedAt *time.Time
}

// EnvConfig is an environment's identity configuration (the API's
// VendorConfig). Durations are in seconds, as in the API.
type EnvConfig struct {
	EnvID                               string
	DefaultTokenExpiration              int
	DefaultRefreshTokenExpiration       int
	CookieSameSite                      string // STRICT, LAX, NONE
	MachineToMachineAuthStrategy        string // ClientCredentials, AccessToken
	AllowSignups                        bool
	APITokensEnabled                    bool
	AllowOverridePasswordComplexity     bool
	AllowOverridePasswordExpiration     bool
	AllowOverrideEnforcePasswordHistory bool
	JWTAlgorithm                        string // RS256, HS256
	// JWTSecret is the HS256 signing secret, generated when first needed.
	JWTSecret                          string
	AllowNotVerifiedUsersLogin         bool
	ForcePermissions                   bool
	AddSamlAttributesToJWT             bool
	AuthStrategy                       string
	DefaultPasswordlessTokenExpiration int
	ForceSameDeviceOnAuth              bool
	AllowTenantInvitations             bool
	RotateRefreshTokens                bool
	RefreshTokensRotationLimit         int
	SkipTenantValidation               bool
	AddRolesToJWT                      bool
	AddPermissionsToJWT                bool
	AllowCustomLoginTenantSwitch       bool
	UpdatedAt                          time.Time
}

// Setting is a named configuration document (JSON) of an environment, or of
// one tenant of it when TenantID is set: policies, captcha settings, group
// settings and the like. The identity layer owns the document's shape.
type Setting struct {
	EnvID     string
	TenantID  string // "" for the environment-wide value
	Name      string
	Value     string // JSON
	UpdatedAt time.Time
}

// TenantInvite is an invitation link to a tenant: anyone who holds its token
// may join the tenant, with RoleIDs, until ExpiresAt. The token is stored
// only as its SHA-256 hash. A member's personal link names the member in
// UserID (each member has at most one per tenant); a general link created by
// the environment leaves UserID empty.
type TenantInvite struct {
	ID       string
	EnvID    string
	TenantID string
	UserID   string
	Hash     []byte
	RoleIDs  []string
	// ShouldSendEmail asks for an e-mail to UserID each time someone joins
	// through the link.
	ShouldSendEmail bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ExpiresAt       time.Time
}

// UserEmail is an additional e-mail address of a user; the primary address
// is User.Email. Every address of an environment, primary or additional,
// belongs to one user only (compared case-insensitively).
//
// The listings ListUserEmails and ListEmails also return the primary
// address as a UserEmail with Primary set, ID and UserID the user's id,
// Verified the user's Verified and the user's CreatedAt and UpdatedAt.
// Stored records always have Primary false.
type UserEmail struct {
	ID        string
	EnvID     string
	UserID    string
	Email     string
	Verified  bool
	Primary   bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EmailFilter narrows ListEmails. Zero fields match everything.
type EmailFilter struct {
	// Email matches one address, case-insensitively.
	Email string
	// UserIDs, when non-nil, keeps only these users' addresses (an empty,
	// non-nil slice matches nothing).
	UserIDs []string
}

// UsernameFilter narrows ListUsersByUsername. Zero fields match every user
// that has a username.
type UsernameFilter struct {
	// Prefix keeps usernames that start with it, case-insensitively.
	Prefix string
	// UserIDs, when non-nil, keeps only these users.
	UserIDs []string
	// Usernames, when non-nil, keeps only these usernames
	// (case-insensitively).
	Usernames []string
}

// UserPhoneNumber is a phone number of a user's profile (not an MFA
// device). A user holds a number at most once; different users may share
// one.
type UserPhoneNumber struct {
	ID          string
	EnvID       string
	UserID      string
	PhoneNumber string // E.164
	Verified    bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// PhoneNumberFilter narrows ListPhoneNumbers. Zero fields match everything.
type PhoneNumberFilter struct {
	// PhoneNumber matches one number exactly.
	PhoneNumber string
	// UserIDs, when non-nil, keeps only these users' numbers.
	UserIDs []string
}

// Task is a job run for an environment, such as a bulk invitation, whose
// progress and outcome the API reports when polled. Data carries the
// kind-specific request summary and per-item results (JSON), never a secret.
type Task struct {
	ID       string
	EnvID    string
	TenantID string // "" when the task concerns the whole environment
	Kind     string
	// Status is the task's state as the API reports it, for example
	// "IN_PROGRESS" or "COMPLETED".
	Status    string
	Data      string // JSON
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Group is a user group of a tenant: a named set of the tenant's members
// that carries roles. Its members hold its roles, in its tenant, as if the
// roles were given to them directly. Name is unique per tenant, compared
// case-insensitively.
type Group struct {
	ID          string
	EnvID       string
	TenantID    string
	Name        string
	Description string
	Color       string
	Metadata    string // stringified JSON object, "" when unset
	RoleIDs     []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// GroupMember places a user in a group. The user is a member of the group's
// tenant: removing the user from the tenant removes it from the tenant's
// groups.
type GroupMember struct {
	GroupID   string
	UserID    string
	TenantID  string
	CreatedAt time.Time
}

// ApplicationUser assigns a user, as a member of one of its tenants, to an
// application (identified by the application's id, an opaque string).
// Removing the user from the tenant removes the assignment.
type ApplicationUser struct {
	EnvID     string
	AppID     string
	UserID    string
	TenantID  string
	CreatedAt time.Time
}

// ApplicationActiveTenant is the tenant a user works in within one
// application, one of the user's own tenants. Removing the user from the
// tenant removes the choice.
type ApplicationActiveTenant struct {
	EnvID     string
	UserID    string
	AppID     string
	TenantID  string
	UpdatedAt time.Time
}
