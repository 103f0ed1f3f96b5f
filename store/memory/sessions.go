package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

// PutMembership inserts or replaces the membership (UserID, TenantID).
// ErrNotFound if the user or the tenant does not exist in m.EnvID.
func (s *Store) PutMembership(ctx context.Context, m *store.Membership) error {
	c := cpMembership(m)
	return s.write(ctx, func(st *state) error {
		if _, err := st.user(c.EnvID, c.UserID); err != nil {
			return err
		}
		if _, err := st.tenant(c.EnvID, c.TenantID); err != nil {
			return err
		}
		st.members[scopedKey(c.UserID, c.TenantID)] = c
		st.membersByUser.add(c.UserID, c.TenantID)
		st.membersByTenant.add(c.TenantID, c.UserID)
		return nil
	})
}

// GetMembership returns the membership of userID in tenantID.
func (s *Store) GetMembership(ctx context.Context, userID, tenantID string) (*store.Membership, error) {
	var out *store.Membership
	err := s.read(ctx, func(st *state) error {
		m, ok := st.members[scopedKey(userID, tenantID)]
		if !ok {
			return fmt.Errorf("memory: membership of user %q in tenant %q: %w", userID, tenantID, store.ErrNotFound)
		}
		out = cpMembership(m)
		return nil
	})
	return out, err
}

// deleteMembership removes a membership and reports whether it existed.
func (st *state) deleteMembership(userID, tenantID string) bool {
	k := scopedKey(userID, tenantID)
	if _, ok := st.members[k]; !ok {
		return false
	}
	delete(st.members, k)
	st.membersByUser.remove(userID, tenantID)
	st.membersByTenant.remove(tenantID, userID)
	for _, groupID := range st.groupsOfMember.ids(k) {
		st.removeGroupMember(groupID, userID, tenantID)
	}
	st.deleteMemberApps(userID, tenantID)
	return true
}

// DeleteMembership removes the membership of userID in tenantID;
// ErrNotFound if absent.
func (s *Store) DeleteMembership(ctx context.Context, userID, tenantID string) error {
	return s.write(ctx, func(st *state) error {
		if !st.deleteMembership(userID, tenantID) {
			return fmt.Errorf("memory: membership of user %q in tenant %q: %w", userID, tenantID, store.ErrNotFound)
		}
		return nil
	})
}

func membershipCreated(m *store.Membership) time.Time { return m.CreatedAt }

// ListUserMemberships returns userID's memberships, oldest first.
func (s *Store) ListUserMemberships(ctx context.Context, userID string) ([]store.Membership, error) {
	var out []store.Membership
	err := s.read(ctx, func(st *state) error {
		tenantIDs := st.membersByUser.ids(userID)
		keys := make([]string, len(tenantIDs))
		for i, tid := range tenantIDs {
			keys[i] = scopedKey(userID, tid)
		}
		out = list(st.members, keys, membershipCreated,
			func(m *store.Membership) string { return m.TenantID }, cpMembership, false)
		return nil
	})
	return out, err
}

// ListTenantMemberships returns tenantID's memberships, oldest first.
func (s *Store) ListTenantMemberships(ctx context.Context, tenantID string) ([]store.Membership, error) {
	var out []store.Membership
	err := s.read(ctx, func(st *state) error {
		userIDs := st.membersByTenant.ids(tenantID)
		keys := make([]string, len(userIDs))
		for i, uid := range userIDs {
			keys[i] = scopedKey(uid, tenantID)
		}
		out = list(st.members, keys, membershipCreated,
			func(m *store.Membership) string { return m.UserID }, cpMembership, false)
		return nil
	})
	return out, err
}

// PutPassword inserts or replaces the password of c.UserID; ErrNotFound if
// the user does not exist.
func (s *Store) PutPassword(ctx context.Context, c *store.PasswordCredential) error {
	p := cpPassword(c)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.users[p.UserID]; !ok {
			return fmt.Errorf("memory: user %q: %w", p.UserID, store.ErrNotFound)
		}
		st.passwords[p.UserID] = p
		return nil
	})
}

// GetPassword returns the password of userID; ErrNotFound if it has none.
func (s *Store) GetPassword(ctx context.Context, userID string) (*store.PasswordCredential, error) {
	var out *store.PasswordCredential
	err := s.read(ctx, func(st *state) error {
		p, ok := st.passwords[userID]
		if !ok {
			return fmt.Errorf("memory: password of user %q: %w", userID, store.ErrNotFound)
		}
		out = cpPassword(p)
		return nil
	})
	return out, err
}

// CreateSession inserts sess; ErrConflict if the id exists.
func (s *Store) CreateSession(ctx context.Context, sess *store.Session) error {
	c := cpSession(sess)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.sessions[c.ID]; ok {
			return fmt.Errorf("memory: session %q exists: %w", c.ID, store.ErrConflict)
		}
		st.sessions[c.ID] = c
		st.sessionsByUser.add(c.UserID, c.ID)
		return nil
	})
}

// session returns session id, or ErrNotFound.
func (st *state) session(id string) (*store.Session, error) {
	sess, ok := st.sessions[id]
	if !ok {
		return nil, fmt.Errorf("memory: session %q: %w", id, store.ErrNotFound)
	}
	return sess, nil
}

// deleteSession removes a session and its refresh tokens.
func (st *state) deleteSession(id string) {
	sess, ok := st.sessions[id]
	if !ok {
		return
	}
	for _, tid := range st.refreshBySession.ids(id) {
		if t, ok := st.refresh[tid]; ok {
			delete(st.refreshByHash, hashKey(t.Hash))
			delete(st.refresh, tid)
		}
	}
	delete(st.refreshBySession, id)
	st.sessionsByUser.remove(sess.UserID, id)
	delete(st.sessions, id)
}

// GetSession returns session id.
func (s *Store) GetSession(ctx context.Context, id string) (*store.Session, error) {
	var out *store.Session
	err := s.read(ctx, func(st *state) error {
		sess, err := st.session(id)
		if err != nil {
			return err
		}
		out = cpSession(sess)
		return nil
	})
	return out, err
}

// TouchSession sets LastUsedAt and TenantID; ErrNotFound if absent.
func (s *Store) TouchSession(ctx context.Context, id, tenantID string, at time.Time) error {
	at = normTime(at)
	return s.write(ctx, func(st *state) error {
		old, err := st.session(id)
		if err != nil {
			return err
		}
		c := *old
		c.TenantID = tenantID
		c.LastUsedAt = at
		st.sessions[id] = &c
		return nil
	})
}

// RevokeSession sets RevokedAt if not yet set; ErrNotFound if absent.
func (s *Store) RevokeSession(ctx context.Context, id string, at time.Time) error {
	at = normTime(at)
	return s.write(ctx, func(st *state) error {
		old, err := st.session(id)
		if err != nil {
			return err
		}
		if old.RevokedAt != nil {
			return nil
		}
		c := *old
		c.RevokedAt = &at
		st.sessions[id] = &c
		return nil
	})
}

// ListUserSessions returns userID's sessions (revoked included), newest
// first.
func (s *Store) ListUserSessions(ctx context.Context, userID string) ([]store.Session, error) {
	var out []store.Session
	err := s.read(ctx, func(st *state) error {
		out = list(st.sessions, st.sessionsByUser.ids(userID),
			func(x *store.Session) time.Time { return x.CreatedAt },
			func(x *store.Session) string { return x.ID }, cpSession, true)
		return nil
	})
	return out, err
}

// ListActiveUserSessions returns userID's sessions that are not revoked
// and whose ExpiresAt is after at, newest first.
func (s *Store) ListActiveUserSessions(ctx context.Context, userID string, at time.Time) ([]store.Session, error) {
	var out []store.Session
	err := s.read(ctx, func(st *state) error {
		var ids []string
		for _, id := range st.sessionsByUser.ids(userID) {
			if x, ok := st.sessions[id]; ok && x.RevokedAt == nil && x.ExpiresAt.After(at) {
				ids = append(ids, id)
			}
		}
		out = list(st.sessions, ids,
			func(x *store.Session) time.Time { return x.CreatedAt },
			func(x *store.Session) string { return x.ID }, cpSession, true)
		return nil
	})
	return out, err
}

// RevokeUserSessions sets RevokedAt to at on userID's sessions not yet
// revoked, except exceptID, and returns how many it revoked.
func (s *Store) RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error) {
	at = normTime(at)
	n := 0
	err := s.write(ctx, func(st *state) error {
		n = 0
		for _, id := range st.sessionsByUser.ids(userID) {
			old, ok := st.sessions[id]
			if !ok || id == exceptID || old.RevokedAt != nil {
				continue
			}
			c := *old
			c.RevokedAt = &at
			st.sessions[id] = &c
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
