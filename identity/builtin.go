package identity

// BuiltinPermission is one of the fe.* permissions every environment starts
// with: the self-service routes check them, and the default roles hold them.
type BuiltinPermission struct {
	Key         string
	Name        string
	Description string
	// Category names the permission category it is filed under.
	Category string
}

// BuiltinPermissions are the fe.* permissions of a new environment. Keys
// ending in ".*" cover every key below them (see Can).
var BuiltinPermissions = []BuiltinPermission{
	{Key: "fe.secure.*", Name: "All secure access", Description: "Every built-in security and user-management permission", Category: "General"},
	{Key: "fe.secure.read.*", Name: "Secure access: read", Description: "Every built-in read permission of secure access", Category: "General"},
	{Key: "fe.secure.write.*", Name: "Secure access: write", Description: "Every built-in write permission of secure access", Category: "General"},
	{Key: "fe.secure.delete.*", Name: "Secure access: delete", Description: "Every built-in delete permission of secure access", Category: "General"},
	{Key: "fe.secure.read.users", Name: "Read users", Description: "List and view the account's users", Category: "Users"},
	{Key: "fe.secure.write.users", Name: "Add users", Description: "Invite and add users to the account", Category: "Users"},
	{Key: "fe.secure.write.updateUser", Name: "Update users", Description: "Change other users of the account", Category: "Users"},
	{Key: "fe.secure.delete.users", Name: "Remove users", Description: "Remove users from the account", Category: "Users"},
	{Key: "fe.secure.write.usersRoles", Name: "Assign roles", Description: "Give roles to the account's users", Category: "Users"},
	{Key: "fe.secure.delete.usersRoles", Name: "Unassign roles", Description: "Take roles away from the account's users", Category: "Users"},
	{Key: "fe.secure.write.enableDisable", Name: "Enable and disable users", Description: "Disable or re-enable users in the account", Category: "Users"},
	{Key: "fe.secure.write.resendActivationEmail", Name: "Resend activation", Description: "Send the activation e-mail again to unverified users", Category: "Users"},
	{Key: "fe.secure.write.userSubTenants", Name: "Add users to sub-accounts", Description: "Add users to the account's sub-accounts", Category: "Users"},
	{Key: "fe.secure.delete.userSubTenants", Name: "Remove users from sub-accounts", Description: "Remove users from the account's sub-accounts", Category: "Users"},
	{Key: "fe.secure.read.roles", Name: "Read roles", Description: "View the environment's and the account's roles", Category: "Roles"},
	{Key: "fe.secure.write.roles", Name: "Create roles", Description: "Create account roles", Category: "Roles"},
	{Key: "fe.secure.write.updateRole", Name: "Update roles", Description: "Change account roles", Category: "Roles"},
	{Key: "fe.secure.delete.role", Name: "Delete roles", Description: "Delete account roles", Category: "Roles"},
	{Key: "fe.secure.read.permissions", Name: "Read permissions", Description: "View permissions and their categories", Category: "Roles"},
	{Key: "fe.secure.read.groups", Name: "Read groups", Description: "View the account's groups", Category: "Groups"},
	{Key: "fe.secure.write.groups", Name: "Write groups", Description: "Create and change the account's groups", Category: "Groups"},
	{Key: "fe.secure.delete.groups", Name: "Delete groups", Description: "Delete the account's groups", Category: "Groups"},
	{Key: "fe.secure.write.groupsRoles", Name: "Edit group roles", Description: "Add and remove roles of groups", Category: "Groups"},
	{Key: "fe.secure.write.groupsUsers", Name: "Add users to groups", Description: "Add users to the account's groups", Category: "Groups"},
	{Key: "fe.secure.delete.groupsUsers", Name: "Remove users from groups", Description: "Remove users from the account's groups", Category: "Groups"},
	{Key: "fe.secure.read.securityPolicy", Name: "Read security policies", Description: "View MFA, lockout, password and session policies", Category: "Security policies"},
	{Key: "fe.secure.write.securityPolicy", Name: "Write security policies", Description: "Create and change security policies", Category: "Security policies"},
	{Key: "fe.secure.delete.securityPolicy", Name: "Delete security policies", Description: "Remove security policies", Category: "Security policies"},
	{Key: "fe.secure.read.ipRestrictions", Name: "Read IP restrictions", Description: "View IP restrictions and their configuration", Category: "Security policies"},
	{Key: "fe.secure.write.ipRestrictions", Name: "Write IP restrictions", Description: "Create IP restrictions and change their configuration", Category: "Security policies"},
	{Key: "fe.secure.delete.ipRestrictions", Name: "Delete IP restrictions", Description: "Remove IP restrictions", Category: "Security policies"},
	{Key: "fe.secure.read.emailDomainRestrictions", Name: "Read e-mail domain restrictions", Description: "View e-mail domain restrictions and their configuration", Category: "Security policies"},
	{Key: "fe.secure.write.emailDomainRestrictions", Name: "Write e-mail domain restrictions", Description: "Create e-mail domain restrictions and change their configuration", Category: "Security policies"},
	{Key: "fe.secure.delete.emailDomainRestrictions", Name: "Delete e-mail domain restrictions", Description: "Remove e-mail domain restrictions", Category: "Security policies"},
	{Key: "fe.secure.read.passwordExpirationConfiguration", Name: "Read password expiration", Description: "View the password expiration settings", Category: "Security policies"},
	{Key: "fe.secure.write.passwordExpirationConfiguration", Name: "Write password expiration", Description: "Change the password expiration settings", Category: "Security policies"},
	{Key: "fe.secure.read.accountSettings", Name: "Read account settings", Description: "View the account's settings", Category: "Account settings"},
	{Key: "fe.secure.write.accountSettings", Name: "Write account settings", Description: "Change the account's settings", Category: "Account settings"},
	{Key: "fe.secure.read.tenantApiTokens", Name: "Read account API tokens", Description: "View the account's API tokens", Category: "API tokens"},
	{Key: "fe.secure.write.tenantApiTokens", Name: "Write account API tokens", Description: "Create and change the account's API tokens", Category: "API tokens"},
	{Key: "fe.secure.delete.tenantApiTokens", Name: "Delete account API tokens", Description: "Delete the account's API tokens", Category: "API tokens"},
	{Key: "fe.secure.read.userApiTokens", Name: "Read personal API tokens", Description: "View one's own API tokens", Category: "API tokens"},
	{Key: "fe.secure.write.userApiTokens", Name: "Write personal API tokens", Description: "Create and change one's own API tokens", Category: "API tokens"},
	{Key: "fe.secure.delete.userApiTokens", Name: "Delete personal API tokens", Description: "Delete one's own API tokens", Category: "API tokens"},
	{Key: "fe.secure.write.tenantInvites", Name: "Write account invitations", Description: "Create and change the account's invitation links", Category: "Users"},
	{Key: "fe.secure.delete.tenantInvites", Name: "Delete account invitations", Description: "Delete the account's invitation links", Category: "Users"},
	{Key: "fe.secure.delete.sessions", Name: "Revoke sessions", Description: "Revoke users' sessions", Category: "Sessions"},
	{Key: "fe.secure.read.audits", Name: "Read audits", Description: "View the audit log", Category: "Audits"},
	{Key: "fe.secure.write.appsUsers", Name: "Assign applications", Description: "Give users access to applications", Category: "Applications"},
	{Key: "fe.secure.delete.appsUsers", Name: "Unassign applications", Description: "Take users' access to applications away", Category: "Applications"},
	{Key: "fe.secure.write.delegation", Name: "Delegation", Description: "Act on behalf of another user", Category: "Security policies"},
	{Key: "fe.account-settings.read.app", Name: "Read applications", Description: "View the account's applications", Category: "Account settings"},
	{Key: "fe.account-settings.delete.account", Name: "Delete account", Description: "Delete one's own account", Category: "Account settings"},
	{Key: "fe.account-hierarchy.read.subAccount", Name: "Read sub-accounts", Description: "View sub-accounts", Category: "Sub-accounts"},
	{Key: "fe.account-hierarchy.write.subAccount", Name: "Write sub-accounts", Description: "Create and change sub-accounts", Category: "Sub-accounts"},
	{Key: "fe.account-hierarchy.delete.subAccount", Name: "Delete sub-accounts", Description: "Delete sub-accounts", Category: "Sub-accounts"},
	{Key: "fe.account-hierarchy.write.subAccountAccess", Name: "Give sub-account access", Description: "Give users access to sub-accounts", Category: "Sub-accounts"},
}

// BuiltinRole is one of the roles every environment starts with.
type BuiltinRole struct {
	Key         string
	Name        string
	Description string
	// IsDefault roles are given to new users of a tenant; FirstUserRole to
	// the first user of a tenant (its creator).
	IsDefault     bool
	FirstUserRole bool
	Level         int
	Permissions   []string
}

// Built-in role keys.
const (
	RoleAdmin    = "Admin"
	RoleReadOnly = "ReadOnly"
)

// BuiltinRoles are the roles of a new environment: Admin, given to the
// first user of every tenant, and Read-only, given to everyone else.
var BuiltinRoles = []BuiltinRole{
	{Key: RoleAdmin, Name: "Admin", Description: "Manages the account: users, roles, groups, policies and tokens",
		FirstUserRole: true, Level: 0,
		Permissions: []string{"fe.secure.*", "fe.account-settings.read.app", "fe.account-settings.delete.account",
			"fe.account-hierarchy.read.subAccount", "fe.account-hierarchy.write.subAccount",
			"fe.account-hierarchy.delete.subAccount", "fe.account-hierarchy.write.subAccountAccess"}},
	{Key: RoleReadOnly, Name: "Read-only", Description: "Views the account without changing it",
		IsDefault: true, Level: 1,
		Permissions: []string{"fe.secure.read.*", "fe.account-settings.read.app", "fe.account-hierarchy.read.subAccount"}},
}
