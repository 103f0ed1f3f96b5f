package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

const mfaDeviceColumns = `id, env_id, user_id, kind, name, pending, secret, phone_number, device_type,
	credential_id, credential, counter, created_at, updated_at, last_used_at`

func scanMFADevice(sc scanner) (*store.MFADevice, error) {
	var d store.MFADevice
	var created, updated int64
	var used sql.NullInt64
	if err := sc.Scan(&d.ID, &d.EnvID, &d.UserID, &d.Kind, &d.Name, &d.Pending, &d.Secret, &d.PhoneNumber, &d.DeviceType,
		&d.CredentialID, &d.Credential, &d.Counter, &created, &updated, &used); err != nil {
		return nil, err
	}
	if len(d.CredentialID) == 0 {
		d.CredentialID = nil
	}
	d.CreatedAt, d.UpdatedAt, d.LastUsedAt = fromMicros(created), fromMicros(updated), fromNullMicros(used)
	return &d, nil
}

// CreateMFADevice inserts d; ErrNotFound if its user does not exist (a
// foreign key), ErrConflict if the id exists.
func (s *Store) CreateMFADevice(ctx context.Context, d *store.MFADevice) error {
	_, err := s.exec(ctx, "create MFA device",
		`INSERT INTO mfa_devices (`+mfaDeviceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.EnvID, d.UserID, d.Kind, d.Name, d.Pending, d.Secret, d.PhoneNumber, d.DeviceType,
		nonNil(d.CredentialID), d.Credential, d.Counter, micros(d.CreatedAt), micros(d.UpdatedAt), nullMicros(d.LastUsedAt))
	return err
}

// GetMFADevice returns device id of envID.
func (s *Store) GetMFADevice(ctx context.Context, envID, id string) (*store.MFADevice, error) {
	return getOne(ctx, s.r, "get MFA device", scanMFADevice,
		`SELECT `+mfaDeviceColumns+` FROM mfa_devices WHERE id = ? AND env_id = ?`, id, envID)
}

// ListUserMFADevices returns userID's devices, oldest first.
func (s *Store) ListUserMFADevices(ctx context.Context, userID string) ([]store.MFADevice, error) {
	return list(ctx, s.r, "list MFA devices", scanMFADevice,
		`SELECT `+mfaDeviceColumns+` FROM mfa_devices WHERE user_id = ? ORDER BY created_at, id`, userID)
}

// UpdateMFADevice replaces the stored device (matched by ID and EnvID);
// ErrNotFound if absent. The owner of a device never changes.
func (s *Store) UpdateMFADevice(ctx context.Context, d *store.MFADevice) error {
	return s.execOne(ctx, "update MFA device",
		`UPDATE mfa_devices SET kind = ?, name = ?, pending = ?, secret = ?, phone_number = ?, device_type = ?,
		 credential_id = ?, credential = ?, counter = ?, created_at = ?, updated_at = ?, last_used_at = ?
		 WHERE id = ? AND env_id = ?`,
		d.Kind, d.Name, d.Pending, d.Secret, d.PhoneNumber, d.DeviceType, nonNil(d.CredentialID), d.Credential, d.Counter,
		micros(d.CreatedAt), micros(d.UpdatedAt), nullMicros(d.LastUsedAt), d.ID, d.EnvID)
}

// UseMFADevice moves the device's counter forward and records the use, in
// one compare-and-set UPDATE: ErrConflict unless counter is greater than
// the stored one (or both are 0), ErrNotFound if the device does not exist.
func (s *Store) UseMFADevice(ctx context.Context, id string, counter int64, at time.Time) error {
	const op = "use MFA device"
	n, err := s.exec(ctx, op,
		`UPDATE mfa_devices SET counter = ?, last_used_at = ?
		 WHERE id = ? AND (counter < ? OR (counter = 0 AND ? = 0))`, counter, micros(at), id, counter, counter)
	if err != nil || n == 1 {
		return err
	}
	var exists bool
	if err := s.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM mfa_devices WHERE id = ?)`, id).Scan(&exists); err != nil {
		return wrap(op, err)
	}
	if !exists {
		return notFound(op)
	}
	return fmt.Errorf("sqlite: %s: counter %d is not after the stored one: %w", op, counter, store.ErrConflict)
}

// DeleteMFADevice removes device id of envID; ErrNotFound if absent.
func (s *Store) DeleteMFADevice(ctx context.Context, envID, id string) error {
	return s.execOne(ctx, "delete MFA device", `DELETE FROM mfa_devices WHERE id = ? AND env_id = ?`, id, envID)
}

// DeleteUserMFADevices removes userID's devices of kind (every kind when
// kind is "") and returns how many it removed.
func (s *Store) DeleteUserMFADevices(ctx context.Context, userID, kind string) (int, error) {
	n, err := s.exec(ctx, "delete user MFA devices",
		`DELETE FROM mfa_devices WHERE user_id = ? AND (? = '' OR kind = ?)`, userID, kind, kind)
	return int(n), err
}
