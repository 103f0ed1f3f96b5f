package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

// phone returns phone number id of envID, or ErrNotFound.
func (st *state) phone(envID, id string) (*store.UserPhoneNumber, error) {
	p, ok := st.phones[id]
	if !ok || p.EnvID != envID {
		return nil, fmt.Errorf("memory: phone number %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return p, nil
}

// phoneKey is the key of a user's number in phoneByKey.
func phoneKey(p *store.UserPhoneNumber) string { return scopedKey(p.UserID, p.PhoneNumber) }

// deletePhone removes phone number id with its index entries.
func (st *state) deletePhone(id string) {
	p, ok := st.phones[id]
	if !ok {
		return
	}
	delete(st.phoneByKey, phoneKey(p))
	st.phonesByUser.remove(p.UserID, id)
	delete(st.phones, id)
}

// CreatePhoneNumber inserts p; ErrNotFound if its user does not exist in
// p.EnvID, ErrConflict if the id exists or the user already has the number.
func (s *Store) CreatePhoneNumber(ctx context.Context, p *store.UserPhoneNumber) error {
	c := cpPhone(p)
	return s.write(ctx, func(st *state) error {
		if _, err := st.user(c.EnvID, c.UserID); err != nil {
			return err
		}
		if _, ok := st.phones[c.ID]; ok {
			return fmt.Errorf("memory: phone number %q exists: %w", c.ID, store.ErrConflict)
		}
		if _, ok := st.phoneByKey[phoneKey(c)]; ok {
			return fmt.Errorf("memory: user %q already has this phone number: %w", c.UserID, store.ErrConflict)
		}
		st.phones[c.ID] = c
		st.phoneByKey[phoneKey(c)] = c.ID
		st.phonesByUser.add(c.UserID, c.ID)
		return nil
	})
}

// GetPhoneNumber returns phone number id of envID.
func (s *Store) GetPhoneNumber(ctx context.Context, envID, id string) (*store.UserPhoneNumber, error) {
	var out *store.UserPhoneNumber
	err := s.read(ctx, func(st *state) error {
		p, err := st.phone(envID, id)
		if err != nil {
			return err
		}
		out = cpPhone(p)
		return nil
	})
	return out, err
}

// UpdatePhoneNumber replaces the stored phone number (matched by ID and
// EnvID; its user is kept); ErrNotFound if absent, ErrConflict if the user
// already has a changed number.
func (s *Store) UpdatePhoneNumber(ctx context.Context, p *store.UserPhoneNumber) error {
	c := cpPhone(p)
	return s.write(ctx, func(st *state) error {
		old, err := st.phone(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		c.UserID = old.UserID
		if owner, ok := st.phoneByKey[phoneKey(c)]; ok && owner != c.ID {
			return fmt.Errorf("memory: user %q already has this phone number: %w", c.UserID, store.ErrConflict)
		}
		delete(st.phoneByKey, phoneKey(old))
		st.phoneByKey[phoneKey(c)] = c.ID
		st.phones[c.ID] = c
		return nil
	})
}

// DeletePhoneNumber removes phone number id; ErrNotFound if absent.
func (s *Store) DeletePhoneNumber(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		if _, err := st.phone(envID, id); err != nil {
			return err
		}
		st.deletePhone(id)
		return nil
	})
}

// phonesOf lists the numbers of ids, oldest first.
func (st *state) phonesOf(ids []string) []store.UserPhoneNumber {
	return list(st.phones, ids,
		func(p *store.UserPhoneNumber) time.Time { return p.CreatedAt },
		func(p *store.UserPhoneNumber) string { return p.ID }, cpPhone, false)
}

// ListUserPhoneNumbers returns userID's numbers in envID, oldest first.
func (s *Store) ListUserPhoneNumbers(ctx context.Context, envID, userID string) ([]store.UserPhoneNumber, error) {
	var out []store.UserPhoneNumber
	err := s.read(ctx, func(st *state) error {
		var ids []string
		for _, id := range st.phonesByUser.ids(userID) {
			if st.phones[id].EnvID == envID {
				ids = append(ids, id)
			}
		}
		out = st.phonesOf(ids)
		return nil
	})
	return out, err
}

// ListPhoneNumbers returns envID's numbers that match f, oldest first.
func (s *Store) ListPhoneNumbers(ctx context.Context, envID string, f store.PhoneNumberFilter) ([]store.UserPhoneNumber, error) {
	var out []store.UserPhoneNumber
	err := s.read(ctx, func(st *state) error {
		var keep map[string]bool
		if f.UserIDs != nil {
			keep = map[string]bool{}
			for _, id := range f.UserIDs {
				keep[id] = true
			}
		}
		var ids []string
		for id, p := range st.phones {
			if p.EnvID == envID && (f.PhoneNumber == "" || p.PhoneNumber == f.PhoneNumber) && (keep == nil || keep[p.UserID]) {
				ids = append(ids, id)
			}
		}
		out = st.phonesOf(ids)
		return nil
	})
	return out, err
}
