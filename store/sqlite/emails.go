package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

const userEmailColumns = `id, env_id, user_id, email, verified, created_at, updated_at`

func scanUserEmail(sc scanner) (*store.UserEmail, error) {
	var e store.UserEmail
	var created, updated int64
	if err := sc.Scan(&e.ID, &e.EnvID, &e.UserID, &e.Email, &e.Verified, &created, &updated); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// scanEmailEntry scans a row of emailEntries.
func scanEmailEntry(sc scanner) (*store.UserEmail, error) {
	var e store.UserEmail
	var created, updated int64
	if err := sc.Scan(&e.ID, &e.EnvID, &e.UserID, &e.Email, &e.Verified, &e.Primary, &created, &updated); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

// emailEntries selects every address (primary rows from users, additional
// ones from user_emails) with the same columns; each half takes a WHERE
// clause with the placeholders the caller binds twice.
func emailEntries(usersWhere, emailsWhere string) string {
	return `SELECT id, env_id, id AS user_id, email, verified, 1 AS is_primary, created_at, updated_at, 0 AS ord, rowid AS r
		FROM users WHERE email_key <> '' AND ` + usersWhere + `
	UNION ALL
	SELECT id, env_id, user_id, email, verified, 0, created_at, updated_at, 1, rowid
		FROM user_emails WHERE ` + emailsWhere
}

// AddUserEmail inserts e; ErrNotFound if its user does not exist in
// e.EnvID, ErrConflict if the id exists or the address is any user's
// e-mail, primary or additional (a unique index and triggers enforce it).
func (s *Store) AddUserEmail(ctx context.Context, e *store.UserEmail) error {
	_, err := s.exec(ctx, "add user e-mail",
		`INSERT INTO user_emails (id, env_id, user_id, email, email_key, verified, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.EnvID, e.UserID, e.Email, foldKey(e.Email), e.Verified, micros(e.CreatedAt), micros(e.UpdatedAt))
	return err
}

// GetUserEmail returns additional e-mail id of envID.
func (s *Store) GetUserEmail(ctx context.Context, envID, id string) (*store.UserEmail, error) {
	return getOne(ctx, s.r, "get user e-mail", scanUserEmail,
		`SELECT `+userEmailColumns+` FROM user_emails WHERE id = ? AND env_id = ?`, id, envID)
}

// GetUserEmailByAddress finds an additional e-mail by address,
// case-insensitively.
func (s *Store) GetUserEmailByAddress(ctx context.Context, envID, email string) (*store.UserEmail, error) {
	if email == "" {
		return nil, notFound("get user e-mail by address")
	}
	return getOne(ctx, s.r, "get user e-mail by address", scanUserEmail,
		`SELECT `+userEmailColumns+` FROM user_emails WHERE env_id = ? AND email_key = ?`, envID, foldKey(email))
}

// UpdateUserEmail replaces the stored additional e-mail (matched by ID and
// EnvID; its user is kept); ErrNotFound if absent, ErrConflict if a changed
// address is taken.
func (s *Store) UpdateUserEmail(ctx context.Context, e *store.UserEmail) error {
	return s.execOne(ctx, "update user e-mail",
		`UPDATE user_emails SET email = ?, email_key = ?, verified = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND env_id = ?`,
		e.Email, foldKey(e.Email), e.Verified, micros(e.CreatedAt), micros(e.UpdatedAt), e.ID, e.EnvID)
}

// DeleteUserEmail removes additional e-mail id; ErrNotFound if absent.
func (s *Store) DeleteUserEmail(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete user e-mail", `DELETE FROM user_emails WHERE id = ? AND env_id = ?`, id, envID)
}

// ListUserEmails returns every address of userID in envID: the primary one
// first, then the additional ones, oldest first. A missing user has none.
func (s *Store) ListUserEmails(ctx context.Context, envID, userID string) ([]store.UserEmail, error) {
	return list(ctx, s.r, "list user e-mails", scanEmailEntry,
		`SELECT id, env_id, user_id, email, verified, is_primary, created_at, updated_at FROM (`+
			emailEntries(`env_id = ? AND id = ?`, `env_id = ? AND user_id = ?`)+
			`) ORDER BY ord, created_at, r`, envID, userID, envID, userID)
}

// ListEmails returns every address of envID that matches f, primary ones
// included, ordered by user id, then as ListUserEmails orders. Only the
// filters f sets are part of the query, so an address filter is an index
// lookup on both halves.
func (s *Store) ListEmails(ctx context.Context, envID string, f store.EmailFilter) ([]store.UserEmail, error) {
	ids, err := jsonIDs(f.UserIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list e-mails: %w", err)
	}
	where := func(userCol string) (string, []any) {
		w, args := "env_id = ?", []any{envID}
		if f.Email != "" {
			w, args = w+" AND email_key = ?", append(args, foldKey(f.Email))
		}
		if ids != nil {
			w, args = w+" AND "+userCol+" IN (SELECT value FROM json_each(?))", append(args, ids)
		}
		return w, args
	}
	uw, uargs := where("id")
	ew, eargs := where("user_id")
	return list(ctx, s.r, "list e-mails", scanEmailEntry,
		`SELECT id, env_id, user_id, email, verified, is_primary, created_at, updated_at FROM (`+
			emailEntries(uw, ew)+`) ORDER BY user_id, ord, created_at, r`, append(uargs, eargs...)...)
}

// jsonIDs encodes an optional id list as a JSON array for json_each; nil
// stays NULL (no filter).
func jsonIDs(ids []string) (any, error) {
	if ids == nil {
		return nil, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}
