package sqlite

import (
	"context"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

const phoneColumns = `id, env_id, user_id, phone_number, verified, created_at, updated_at`

func scanPhone(sc scanner) (*store.UserPhoneNumber, error) {
	var p store.UserPhoneNumber
	var created, updated int64
	if err := sc.Scan(&p.ID, &p.EnvID, &p.UserID, &p.PhoneNumber, &p.Verified, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreatePhoneNumber inserts p; ErrNotFound if its user does not exist in
// p.EnvID, ErrConflict if the id exists or the user already has the number.
func (s *Store) CreatePhoneNumber(ctx context.Context, p *store.UserPhoneNumber) error {
	_, err := s.exec(ctx, "create phone number",
		`INSERT INTO user_phone_numbers (`+phoneColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.EnvID, p.UserID, p.PhoneNumber, p.Verified, micros(p.CreatedAt), micros(p.UpdatedAt))
	return err
}

// GetPhoneNumber returns phone number id of envID.
func (s *Store) GetPhoneNumber(ctx context.Context, envID, id string) (*store.UserPhoneNumber, error) {
	return getOne(ctx, s.r, "get phone number", scanPhone,
		`SELECT `+phoneColumns+` FROM user_phone_numbers WHERE id = ? AND env_id = ?`, id, envID)
}

// UpdatePhoneNumber replaces the stored phone number (matched by ID and
// EnvID; its user is kept); ErrNotFound if absent, ErrConflict if the user
// already has a changed number.
func (s *Store) UpdatePhoneNumber(ctx context.Context, p *store.UserPhoneNumber) error {
	return s.execOne(ctx, "update phone number",
		`UPDATE user_phone_numbers SET phone_number = ?, verified = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND env_id = ?`,
		p.PhoneNumber, p.Verified, micros(p.CreatedAt), micros(p.UpdatedAt), p.ID, p.EnvID)
}

// DeletePhoneNumber removes phone number id; ErrNotFound if absent.
func (s *Store) DeletePhoneNumber(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete phone number", `DELETE FROM user_phone_numbers WHERE id = ? AND env_id = ?`, id, envID)
}

// ListUserPhoneNumbers returns userID's numbers in envID, oldest first.
func (s *Store) ListUserPhoneNumbers(ctx context.Context, envID, userID string) ([]store.UserPhoneNumber, error) {
	return list(ctx, s.r, "list user phone numbers", scanPhone,
		`SELECT `+phoneColumns+` FROM user_phone_numbers WHERE user_id = ? AND env_id = ?
		 ORDER BY created_at, id`, userID, envID)
}

// ListPhoneNumbers returns envID's numbers that match f, oldest first. Only
// the filters f sets are part of the query, so a number filter is an index
// lookup.
func (s *Store) ListPhoneNumbers(ctx context.Context, envID string, f store.PhoneNumberFilter) ([]store.UserPhoneNumber, error) {
	ids, err := jsonIDs(f.UserIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list phone numbers: %w", err)
	}
	where, args := "env_id = ?", []any{envID}
	if f.PhoneNumber != "" {
		where, args = where+" AND phone_number = ?", append(args, f.PhoneNumber)
	}
	if ids != nil {
		where, args = where+" AND user_id IN (SELECT value FROM json_each(?))", append(args, ids)
	}
	return list(ctx, s.r, "list phone numbers", scanPhone,
		`SELECT `+phoneColumns+` FROM user_phone_numbers WHERE `+where+` ORDER BY created_at, id`, args...)
}
