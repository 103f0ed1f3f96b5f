package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// userEmail returns additional e-mail id of envID, or ErrNotFound.
func (st *state) userEmail(envID, id string) (*store.UserEmail, error) {
	e, ok := st.emails[id]
	if !ok || e.EnvID != envID {
		return nil, fmt.Errorf("memory: e-mail %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return e, nil
}

// checkEmailFree returns ErrConflict if email is the primary e-mail of any
// user of envID or an additional e-mail other than the one with id self.
func (st *state) checkEmailFree(envID, email, self string) error {
	k := foldKey(envID, email)
	if _, ok := st.userByMail[k]; ok {
		return fmt.Errorf("memory: e-mail %q is a user's primary e-mail: %w", email, store.ErrConflict)
	}
	if owner, ok := st.emailByKey[k]; ok && owner != self {
		return fmt.Errorf("memory: e-mail %q is taken: %w", email, store.ErrConflict)
	}
	return nil
}

// deleteUserEmail removes additional e-mail id with its index entries.
func (st *state) deleteUserEmail(id string) {
	e, ok := st.emails[id]
	if !ok {
		return
	}
	delete(st.emailByKey, foldKey(e.EnvID, e.Email))
	st.emailsByUser.remove(e.UserID, id)
	delete(st.emails, id)
}

// AddUserEmail inserts e; ErrNotFound if its user does not exist in
// e.EnvID, ErrConflict if the id exists or the address is any user's
// e-mail, primary or additional.
func (s *Store) AddUserEmail(ctx context.Context, e *store.UserEmail) error {
	c := cpUserEmail(e)
	c.Primary = false
	return s.write(ctx, func(st *state) error {
		if _, err := st.user(c.EnvID, c.UserID); err != nil {
			return err
		}
		if _, ok := st.emails[c.ID]; ok {
			return fmt.Errorf("memory: e-mail %q exists: %w", c.ID, store.ErrConflict)
		}
		if err := st.checkEmailFree(c.EnvID, c.Email, c.ID); err != nil {
			return err
		}
		st.emails[c.ID] = c
		st.emailByKey[foldKey(c.EnvID, c.Email)] = c.ID
		st.emailsByUser.add(c.UserID, c.ID)
		return nil
	})
}

// GetUserEmail returns additional e-mail id of envID.
func (s *Store) GetUserEmail(ctx context.Context, envID, id string) (*store.UserEmail, error) {
	var out *store.UserEmail
	err := s.read(ctx, func(st *state) error {
		e, err := st.userEmail(envID, id)
		if err != nil {
			return err
		}
		out = cpUserEmail(e)
		return nil
	})
	return out, err
}

// GetUserEmailByAddress finds an additional e-mail by address,
// case-insensitively.
func (s *Store) GetUserEmailByAddress(ctx context.Context, envID, email string) (*store.UserEmail, error) {
	var out *store.UserEmail
	err := s.read(ctx, func(st *state) error {
		id, ok := st.emailByKey[foldKey(envID, email)]
		if email == "" || !ok {
			return fmt.Errorf("memory: e-mail %q in environment %q: %w", email, envID, store.ErrNotFound)
		}
		out = cpUserEmail(st.emails[id])
		return nil
	})
	return out, err
}

// UpdateUserEmail replaces the stored additional e-mail (matched by ID and
// EnvID; its user is kept); ErrNotFound if absent, ErrConflict if a changed
// address is taken.
func (s *Store) UpdateUserEmail(ctx context.Context, e *store.UserEmail) error {
	c := cpUserEmail(e)
	c.Primary = false
	return s.write(ctx, func(st *state) error {
		old, err := st.userEmail(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		if err := st.checkEmailFree(c.EnvID, c.Email, c.ID); err != nil {
			return err
		}
		c.UserID = old.UserID
		delete(st.emailByKey, foldKey(old.EnvID, old.Email))
		st.emailByKey[foldKey(c.EnvID, c.Email)] = c.ID
		st.emails[c.ID] = c
		return nil
	})
}

// DeleteUserEmail removes additional e-mail id; ErrNotFound if absent.
func (s *Store) DeleteUserEmail(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		if _, err := st.userEmail(envID, id); err != nil {
			return err
		}
		st.deleteUserEmail(id)
		return nil
	})
}

// userEmails returns u's addresses: the primary one first, then the
// additional ones oldest first.
func (st *state) userEmails(u *store.User) []store.UserEmail {
	var out []store.UserEmail
	if u.Email != "" {
		out = append(out, *primaryEmail(u))
	}
	return append(out, list(st.emails, st.emailsByUser.ids(u.ID),
		func(e *store.UserEmail) time.Time { return e.CreatedAt },
		func(e *store.UserEmail) string { return e.ID }, cpUserEmail, false)...)
}

// primaryEmail is the listing entry of u's primary e-mail.
func primaryEmail(u *store.User) *store.UserEmail {
	return &store.UserEmail{
		ID: u.ID, EnvID: u.EnvID, UserID: u.ID, Email: u.Email, Verified: u.Verified, Primary: true,
		CreatedAt: normTime(u.CreatedAt), UpdatedAt: normTime(u.UpdatedAt),
	}
}

// ListUserEmails returns every address of userID in envID: the primary one
// first, then the additional ones, oldest first. A missing user has none.
func (s *Store) ListUserEmails(ctx context.Context, envID, userID string) ([]store.UserEmail, error) {
	out := []store.UserEmail{}
	err := s.read(ctx, func(st *state) error {
		u, err := st.user(envID, userID)
		if err != nil {
			return nil
		}
		out = append(out, st.userEmails(u)...)
		return nil
	})
	return out, err
}

// ListEmails returns every address of envID that matches f, primary ones
// included, ordered by user id, then as ListUserEmails orders.
func (s *Store) ListEmails(ctx context.Context, envID string, f store.EmailFilter) ([]store.UserEmail, error) {
	out := []store.UserEmail{}
	err := s.read(ctx, func(st *state) error {
		want := strings.ToLower(f.Email)
		for _, u := range st.usersOf(envID, f.UserIDs) {
			for _, e := range st.userEmails(u) {
				if want == "" || strings.ToLower(e.Email) == want {
					out = append(out, e)
				}
			}
		}
		return nil
	})
	return out, err
}

// usersOf returns envID's users, only those of ids when ids is non-nil,
// ordered by id.
func (st *state) usersOf(envID string, ids []string) []*store.User {
	var users []*store.User
	if ids != nil {
		seen := map[string]bool{}
		for _, id := range ids {
			if u, ok := st.users[id]; ok && u.EnvID == envID && !seen[id] {
				seen[id] = true
				users = append(users, u)
			}
		}
	} else {
		for _, u := range st.users {
			if u.EnvID == envID {
				users = append(users, u)
			}
		}
	}
	slices.SortFunc(users, func(a, b *store.User) int { return cmp.Compare(a.ID, b.ID) })
	return users
}
