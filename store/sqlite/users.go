package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/yolkauth/yolk/store"
)

const userColumns = `id, env_id, email, username, name, phone_number, profile_picture_url, provider,
	verified, locked, mfa_bypass, super_user, invisible, metadata, vendor_metadata, external_id,
	active_tenant_id, created_at, updated_at, last_login`

func scanUser(sc scanner) (*store.User, error) {
	var u store.User
	var created, updated int64
	var lastLogin sql.NullInt64
	if err := sc.Scan(&u.ID, &u.EnvID, &u.Email, &u.Username, &u.Name, &u.PhoneNumber,
		&u.ProfilePictureURL, &u.Provider, &u.Verified, &u.Locked, &u.MFABypass, &u.SuperUser,
		&u.Invisible, &u.Metadata, &u.VendorMetadata, &u.ExternalID, &u.ActiveTenantID,
		&created, &updated, &lastLogin); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt, u.LastLogin = fromMicros(created), fromMicros(updated), fromNullMicros(lastLogin)
	return &u, nil
}

// foldKey is the form e-mails and usernames are compared in: lower-cased
// (Unicode-aware, unlike SQLite's ASCII-only lower()).
func foldKey(s string) string { return strings.ToLower(s) }

// CreateUser inserts u; ErrConflict if the id exists or the e-mail or
// username is taken in u.EnvID (case-insensitive).
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	_, err := s.exec(ctx, "create user",
		`INSERT INTO users (id, env_id, email, email_key, username, username_key, name, phone_number,
			profile_picture_url, provider, verified, locked, mfa_bypass, super_user, invisible,
			metadata, vendor_metadata, external_id, active_tenant_id, created_at, updated_at, last_login)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.EnvID, u.Email, foldKey(u.Email), u.Username, foldKey(u.Username), u.Name, u.PhoneNumber,
		u.ProfilePictureURL, u.Provider, u.Verified, u.Locked, u.MFABypass, u.SuperUser, u.Invisible,
		u.Metadata, u.VendorMetadata, u.ExternalID, u.ActiveTenantID,
		micros(u.CreatedAt), micros(u.UpdatedAt), nullMicros(u.LastLogin))
	return err
}

// GetUser returns user id of envID.
func (s *Store) GetUser(ctx context.Context, envID, id string) (*store.User, error) {
	return getOne(ctx, s.r, "get user", scanUser,
		`SELECT `+userColumns+` FROM users WHERE id = ? AND env_id = ?`, id, envID)
}

// GetUserByEmail finds a user by e-mail, case-insensitively.
func (s *Store) GetUserByEmail(ctx context.Context, envID, email string) (*store.User, error) {
	if email == "" {
		return nil, notFound("get user by email")
	}
	return getOne(ctx, s.r, "get user by email", scanUser,
		`SELECT `+userColumns+` FROM users WHERE env_id = ? AND email_key = ?`, envID, foldKey(email))
}

// GetUserByUsername finds a user by username, case-insensitively.
func (s *Store) GetUserByUsername(ctx context.Context, envID, username string) (*store.User, error) {
	if username == "" {
		return nil, notFound("get user by username")
	}
	return getOne(ctx, s.r, "get user by username", scanUser,
		`SELECT `+userColumns+` FROM users WHERE env_id = ? AND username_key = ?`, envID, foldKey(username))
}

// UpdateUser replaces the stored user (matched by ID and EnvID); ErrNotFound
// if absent, ErrConflict if the new e-mail or username is taken by another
// user.
func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	return s.execOne(ctx, "update user",
		`UPDATE users SET email = ?, email_key = ?, username = ?, username_key = ?, name = ?,
			phone_number = ?, profile_picture_url = ?, provider = ?, verified = ?, locked = ?,
			mfa_bypass = ?, super_user = ?, invisible = ?, metadata = ?, vendor_metadata = ?,
			external_id = ?, active_tenant_id = ?, created_at = ?, updated_at = ?, last_login = ?
		 WHERE id = ? AND env_id = ?`,
		u.Email, foldKey(u.Email), u.Username, foldKey(u.Username), u.Name,
		u.PhoneNumber, u.ProfilePictureURL, u.Provider, u.Verified, u.Locked,
		u.MFABypass, u.SuperUser, u.Invisible, u.Metadata, u.VendorMetadata,
		u.ExternalID, u.ActiveTenantID, micros(u.CreatedAt), micros(u.UpdatedAt), nullMicros(u.LastLogin),
		u.ID, u.EnvID)
}

// DeleteUser removes the user and, by cascade, its memberships, password,
// sessions and their refresh tokens; ErrNotFound if absent.
func (s *Store) DeleteUser(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete user", `DELETE FROM users WHERE id = ? AND env_id = ?`, id, envID)
}
