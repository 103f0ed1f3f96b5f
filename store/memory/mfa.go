package memory

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

func cpMFADevice(d *store.MFADevice) *store.MFADevice {
	c := *d
	c.CredentialID = bytes.Clone(d.CredentialID)
	c.CreatedAt = normTime(d.CreatedAt)
	c.UpdatedAt = normTime(d.UpdatedAt)
	c.LastUsedAt = normTimePtr(d.LastUsedAt)
	return &c
}

func (st *state) mfaDevice(envID, id string) (*store.MFADevice, error) {
	d, ok := st.mfaDevices[id]
	if !ok || (envID != "" && d.EnvID != envID) {
		return nil, fmt.Errorf("memory: MFA device %q: %w", id, store.ErrNotFound)
	}
	return d, nil
}

// deleteUserMFADevices removes userID's devices of kind (all when "").
func (st *state) deleteUserMFADevices(userID, kind string) int {
	n := 0
	for _, id := range st.mfaDevicesByUser.ids(userID) {
		if kind == "" || st.mfaDevices[id].Kind == kind {
			delete(st.mfaDevices, id)
			st.mfaDevicesByUser.remove(userID, id)
			n++
		}
	}
	return n
}

// CreateMFADevice inserts d; ErrNotFound if its user does not exist,
// ErrConflict if the id exists.
func (s *Store) CreateMFADevice(ctx context.Context, d *store.MFADevice) error {
	c := cpMFADevice(d)
	return s.write(ctx, func(st *state) error {
		if _, err := st.user(c.EnvID, c.UserID); err != nil {
			return err
		}
		if _, ok := st.mfaDevices[c.ID]; ok {
			return fmt.Errorf("memory: MFA device %q exists: %w", c.ID, store.ErrConflict)
		}
		st.mfaDevices[c.ID] = c
		st.mfaDevicesByUser.add(c.UserID, c.ID)
		return nil
	})
}

// GetMFADevice returns device id of envID.
func (s *Store) GetMFADevice(ctx context.Context, envID, id string) (*store.MFADevice, error) {
	var out *store.MFADevice
	err := s.read(ctx, func(st *state) error {
		d, err := st.mfaDevice(envID, id)
		if err != nil {
			return err
		}
		out = cpMFADevice(d)
		return nil
	})
	return out, err
}

// ListUserMFADevices returns userID's devices, oldest first.
func (s *Store) ListUserMFADevices(ctx context.Context, userID string) ([]store.MFADevice, error) {
	var out []store.MFADevice
	err := s.read(ctx, func(st *state) error {
		out = list(st.mfaDevices, st.mfaDevicesByUser.ids(userID),
			func(d *store.MFADevice) time.Time { return d.CreatedAt },
			func(d *store.MFADevice) string { return d.ID }, cpMFADevice, false)
		return nil
	})
	return out, err
}

// UpdateMFADevice replaces the stored device (matched by ID and EnvID);
// ErrNotFound if absent. The owner of a device never changes.
func (s *Store) UpdateMFADevice(ctx context.Context, d *store.MFADevice) error {
	c := cpMFADevice(d)
	return s.write(ctx, func(st *state) error {
		old, err := st.mfaDevice(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		c.UserID = old.UserID
		st.mfaDevices[c.ID] = c
		return nil
	})
}

// UseMFADevice moves the device's counter forward and records the use: a
// compare-and-set that returns ErrConflict unless counter is greater than
// the stored one (or both are 0).
func (s *Store) UseMFADevice(ctx context.Context, id string, counter int64, at time.Time) error {
	at = normTime(at)
	return s.write(ctx, func(st *state) error {
		old, err := st.mfaDevice("", id)
		if err != nil {
			return err
		}
		if counter <= old.Counter && (counter != 0 || old.Counter != 0) {
			return fmt.Errorf("memory: MFA device %q: counter %d is not after %d: %w", id, counter, old.Counter, store.ErrConflict)
		}
		c := *old
		c.Counter = counter
		c.LastUsedAt = &at
		st.mfaDevices[id] = &c
		return nil
	})
}

// DeleteMFADevice removes device id of envID; ErrNotFound if absent.
func (s *Store) DeleteMFADevice(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		d, err := st.mfaDevice(envID, id)
		if err != nil {
			return err
		}
		delete(st.mfaDevices, id)
		st.mfaDevicesByUser.remove(d.UserID, id)
		return nil
	})
}

// DeleteUserMFADevices removes userID's devices of kind (every kind when
// kind is "") and returns how many it removed.
func (s *Store) DeleteUserMFADevices(ctx context.Context, userID, kind string) (int, error) {
	n := 0
	err := s.write(ctx, func(st *state) error {
		n = st.deleteUserMFADevices(userID, kind)
		return nil
	})
	return n, err
}
