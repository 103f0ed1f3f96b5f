package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

// invite returns invite id of envID, or ErrNotFound.
func (st *state) invite(envID, id string) (*store.TenantInvite, error) {
	inv, ok := st.invites[id]
	if !ok || inv.EnvID != envID {
		return nil, fmt.Errorf("memory: tenant invite %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return inv, nil
}

// deleteInvite removes invite id and its index entries.
func (st *state) deleteInvite(id string) {
	inv, ok := st.invites[id]
	if !ok {
		return
	}
	delete(st.invites, id)
	delete(st.inviteByHash, hashKey(inv.Hash))
	if inv.UserID != "" {
		delete(st.inviteByMember, scopedKey(inv.TenantID, inv.UserID))
		st.invitesByCreator.remove(inv.UserID, id)
	}
	st.invitesByEnv.remove(inv.EnvID, id)
	st.invitesByTenant.remove(inv.TenantID, id)
}

// CreateTenantInvite inserts inv. ErrConflict if its id or hash exists, or
// if inv.UserID already has an invite to inv.TenantID; ErrNotFound if the
// tenant, or the user when UserID is set, does not exist in inv.EnvID.
func (s *Store) CreateTenantInvite(ctx context.Context, inv *store.TenantInvite) error {
	c := cpInvite(inv)
	return s.write(ctx, func(st *state) error {
		if _, err := st.tenant(c.EnvID, c.TenantID); err != nil {
			return err
		}
		if c.UserID != "" {
			if _, err := st.user(c.EnvID, c.UserID); err != nil {
				return err
			}
			if _, ok := st.inviteByMember[scopedKey(c.TenantID, c.UserID)]; ok {
				return fmt.Errorf("memory: user %q already has an invite to tenant %q: %w", c.UserID, c.TenantID, store.ErrConflict)
			}
		}
		if _, ok := st.invites[c.ID]; ok {
			return fmt.Errorf("memory: tenant invite %q exists: %w", c.ID, store.ErrConflict)
		}
		if _, ok := st.inviteByHash[hashKey(c.Hash)]; ok {
			return fmt.Errorf("memory: tenant invite hash exists: %w", store.ErrConflict)
		}
		st.invites[c.ID] = c
		st.inviteByHash[hashKey(c.Hash)] = c.ID
		if c.UserID != "" {
			st.inviteByMember[scopedKey(c.TenantID, c.UserID)] = c.ID
			st.invitesByCreator.add(c.UserID, c.ID)
		}
		st.invitesByEnv.add(c.EnvID, c.ID)
		st.invitesByTenant.add(c.TenantID, c.ID)
		return nil
	})
}

// readInvite runs find against the visible state and copies what it finds.
func (s *Store) readInvite(ctx context.Context, find func(st *state) (*store.TenantInvite, error)) (*store.TenantInvite, error) {
	var out *store.TenantInvite
	err := s.read(ctx, func(st *state) error {
		inv, err := find(st)
		if err != nil {
			return err
		}
		out = cpInvite(inv)
		return nil
	})
	return out, err
}

// GetTenantInvite returns invite id of envID.
func (s *Store) GetTenantInvite(ctx context.Context, envID, id string) (*store.TenantInvite, error) {
	return s.readInvite(ctx, func(st *state) (*store.TenantInvite, error) { return st.invite(envID, id) })
}

// GetTenantInviteByHash returns the invite whose token hash is hash.
func (s *Store) GetTenantInviteByHash(ctx context.Context, hash []byte) (*store.TenantInvite, error) {
	return s.readInvite(ctx, func(st *state) (*store.TenantInvite, error) {
		id, ok := st.inviteByHash[hashKey(hash)]
		if !ok {
			return nil, fmt.Errorf("memory: tenant invite by hash: %w", store.ErrNotFound)
		}
		return st.invites[id], nil
	})
}

// GetUserTenantInvite returns userID's invite to tenantID.
func (s *Store) GetUserTenantInvite(ctx context.Context, envID, tenantID, userID string) (*store.TenantInvite, error) {
	return s.readInvite(ctx, func(st *state) (*store.TenantInvite, error) {
		id, ok := st.inviteByMember[scopedKey(tenantID, userID)]
		if userID == "" || !ok {
			return nil, fmt.Errorf("memory: invite of user %q to tenant %q: %w", userID, tenantID, store.ErrNotFound)
		}
		return st.invite(envID, id)
	})
}

// UpdateTenantInvite replaces the stored invite's RoleIDs,
// ShouldSendEmail, UpdatedAt and ExpiresAt; ErrNotFound if absent.
func (s *Store) UpdateTenantInvite(ctx context.Context, inv *store.TenantInvite) error {
	c := cpInvite(inv)
	return s.write(ctx, func(st *state) error {
		old, err := st.invite(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		n := *old
		n.RoleIDs, n.ShouldSendEmail, n.UpdatedAt, n.ExpiresAt = slices.Clone(c.RoleIDs), c.ShouldSendEmail, c.UpdatedAt, c.ExpiresAt
		st.invites[c.ID] = &n
		return nil
	})
}

// DeleteTenantInvite removes invite id; ErrNotFound if absent.
func (s *Store) DeleteTenantInvite(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		if _, err := st.invite(envID, id); err != nil {
			return err
		}
		st.deleteInvite(id)
		return nil
	})
}

// ListTenantInvites returns every invite of envID, oldest first.
func (s *Store) ListTenantInvites(ctx context.Context, envID string) ([]store.TenantInvite, error) {
	var out []store.TenantInvite
	err := s.read(ctx, func(st *state) error {
		out = list(st.invites, st.invitesByEnv.ids(envID),
			func(inv *store.TenantInvite) time.Time { return inv.CreatedAt },
			func(inv *store.TenantInvite) string { return inv.ID }, cpInvite, false)
		return nil
	})
	return out, err
}
