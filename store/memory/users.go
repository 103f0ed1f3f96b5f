package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

// CreateTenant inserts t; ErrConflict if t.ID exists (in any environment).
func (s *Store) CreateTenant(ctx context.Context, t *store.Tenant) error {
	c := cpTenant(t)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.tenants[c.ID]; ok {
			return fmt.Errorf("memory: tenant %q exists: %w", c.ID, store.ErrConflict)
		}
		st.tenants[c.ID] = c
		st.tenantsByEnv.add(c.EnvID, c.ID)
		st.tenantsByParent.add(scopedKey(c.EnvID, c.ParentID), c.ID)
		return nil
	})
}

// tenant returns tenant id of envID, or ErrNotFound.
func (st *state) tenant(envID, id string) (*store.Tenant, error) {
	t, ok := st.tenants[id]
	if !ok || t.EnvID != envID {
		return nil, fmt.Errorf("memory: tenant %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return t, nil
}

// GetTenant returns tenant id of envID.
func (s *Store) GetTenant(ctx context.Context, envID, id string) (*store.Tenant, error) {
	var out *store.Tenant
	err := s.read(ctx, func(st *state) error {
		t, err := st.tenant(envID, id)
		if err != nil {
			return err
		}
		out = cpTenant(t)
		return nil
	})
	return out, err
}

// UpdateTenant replaces the stored tenant (matched by ID and EnvID);
// ErrNotFound if absent.
func (s *Store) UpdateTenant(ctx context.Context, t *store.Tenant) error {
	c := cpTenant(t)
	return s.write(ctx, func(st *state) error {
		old, err := st.tenant(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		st.tenantsByParent.remove(scopedKey(old.EnvID, old.ParentID), old.ID)
		st.tenantsByParent.add(scopedKey(c.EnvID, c.ParentID), c.ID)
		st.tenants[c.ID] = c
		return nil
	})
}

// DeleteTenant removes the tenant with its memberships, groups and invites;
// ErrNotFound if absent.
func (s *Store) DeleteTenant(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		t, err := st.tenant(envID, id)
		if err != nil {
			return err
		}
		for _, userID := range st.membersByTenant.ids(id) {
			st.deleteMembership(userID, id)
		}
		for _, groupID := range st.groupsByTenant.ids(id) {
			st.deleteGroup(st.groups[groupID])
		}
		for _, inviteID := range st.invitesByTenant.ids(id) {
			st.deleteInvite(inviteID)
		}
		delete(st.tenants, id)
		st.tenantsByEnv.remove(envID, id)
		st.tenantsByParent.remove(scopedKey(envID, t.ParentID), id)
		return nil
	})
}

// ListTenants returns the tenants of envID, oldest first.
func (s *Store) ListTenants(ctx context.Context, envID string) ([]store.Tenant, error) {
	var out []store.Tenant
	err := s.read(ctx, func(st *state) error {
		out = list(st.tenants, st.tenantsByEnv.ids(envID),
			func(t *store.Tenant) time.Time { return t.CreatedAt },
			func(t *store.Tenant) string { return t.ID }, cpTenant, false)
		return nil
	})
	return out, err
}

// user returns user id of envID, or ErrNotFound.
func (st *state) user(envID, id string) (*store.User, error) {
	u, ok := st.users[id]
	if !ok || u.EnvID != envID {
		return nil, fmt.Errorf("memory: user %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return u, nil
}

// checkUserKeys returns ErrConflict if u's e-mail or username belongs to
// another user of its environment, or its e-mail is an additional e-mail of
// anyone. Empty values never conflict.
func (st *state) checkUserKeys(u *store.User) error {
	if u.Email != "" {
		if owner, ok := st.userByMail[foldKey(u.EnvID, u.Email)]; ok && owner != u.ID {
			return fmt.Errorf("memory: e-mail %q is taken: %w", u.Email, store.ErrConflict)
		}
		if _, ok := st.emailByKey[foldKey(u.EnvID, u.Email)]; ok {
			return fmt.Errorf("memory: e-mail %q is an additional e-mail: %w", u.Email, store.ErrConflict)
		}
	}
	if u.Username != "" {
		if owner, ok := st.userByName[foldKey(u.EnvID, u.Username)]; ok && owner != u.ID {
			return fmt.Errorf("memory: username %q is taken: %w", u.Username, store.ErrConflict)
		}
	}
	return nil
}

// indexUser adds (add) or removes u's e-mail and username keys.
func (st *state) indexUser(u *store.User, add bool) {
	for _, k := range []struct {
		m   map[string]string
		val string
	}{{st.userByMail, u.Email}, {st.userByName, u.Username}} {
		if k.val == "" {
			continue
		}
		if add {
			k.m[foldKey(u.EnvID, k.val)] = u.ID
		} else {
			delete(k.m, foldKey(u.EnvID, k.val))
		}
	}
}

// CreateUser inserts u; ErrConflict if the id exists (in any environment)
// or the e-mail or username is taken in u.EnvID (case-insensitive).
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	c := cpUser(u)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.users[c.ID]; ok {
			return fmt.Errorf("memory: user %q exists: %w", c.ID, store.ErrConflict)
		}
		if err := st.checkUserKeys(c); err != nil {
			return err
		}
		st.users[c.ID] = c
		st.indexUser(c, true)
		return nil
	})
}

// GetUser returns user id of envID.
func (s *Store) GetUser(ctx context.Context, envID, id string) (*store.User, error) {
	var out *store.User
	err := s.read(ctx, func(st *state) error {
		u, err := st.user(envID, id)
		if err != nil {
			return err
		}
		out = cpUser(u)
		return nil
	})
	return out, err
}

// userBy looks a user up in one of the case-insensitive key maps.
func (s *Store) userBy(ctx context.Context, pick func(st *state) map[string]string, what, envID, key string) (*store.User, error) {
	var out *store.User
	err := s.read(ctx, func(st *state) error {
		id, ok := pick(st)[foldKey(envID, key)]
		if key == "" || !ok {
			return fmt.Errorf("memory: user with %s %q in environment %q: %w", what, key, envID, store.ErrNotFound)
		}
		out = cpUser(st.users[id])
		return nil
	})
	return out, err
}

// GetUserByEmail finds a user by e-mail, case-insensitively.
func (s *Store) GetUserByEmail(ctx context.Context, envID, email string) (*store.User, error) {
	return s.userBy(ctx, func(st *state) map[string]string { return st.userByMail }, "e-mail", envID, email)
}

// GetUserByUsername finds a user by username, case-insensitively.
func (s *Store) GetUserByUsername(ctx context.Context, envID, username string) (*store.User, error) {
	return s.userBy(ctx, func(st *state) map[string]string { return st.userByName }, "username", envID, username)
}

// UpdateUser replaces the stored user (matched by ID and EnvID);
// ErrNotFound if absent, ErrConflict if the new e-mail or username is taken
// by another user.
func (s *Store) UpdateUser(ctx context.Context, u *store.User) error {
	c := cpUser(u)
	return s.write(ctx, func(st *state) error {
		old, err := st.user(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		if err := st.checkUserKeys(c); err != nil {
			return err
		}
		st.indexUser(old, false)
		st.indexUser(c, true)
		st.users[c.ID] = c
		return nil
	})
}

// DeleteUser removes the user with its memberships, password, sessions,
// refresh tokens, one-time tokens, additional e-mails, phone numbers, MFA
// devices and tenant invites; ErrNotFound if absent.
func (s *Store) DeleteUser(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		u, err := st.user(envID, id)
		if err != nil {
			return err
		}
		for _, tenantID := range st.membersByUser.ids(id) {
			st.deleteMembership(id, tenantID)
		}
		delete(st.passwords, id)
		for _, sid := range st.sessionsByUser.ids(id) {
			st.deleteSession(sid)
		}
		for _, tid := range st.ottsByUser.ids(id) {
			st.deleteOTT(tid)
		}
		for _, inviteID := range st.invitesByCreator.ids(id) {
			st.deleteInvite(inviteID)
		}
		for _, eid := range st.emailsByUser.ids(id) {
			st.deleteUserEmail(eid)
		}
		for _, pid := range st.phonesByUser.ids(id) {
			st.deletePhone(pid)
		}
		st.deleteUserMFADevices(id, "")
		st.indexUser(u, false)
		delete(st.users, id)
		return nil
	})
}
