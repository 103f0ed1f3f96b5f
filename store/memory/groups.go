package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

func cpGroup(g *store.Group) *store.Group {
	c := *g
	c.RoleIDs = slices.Clone(g.RoleIDs)
	c.CreatedAt = normTime(g.CreatedAt)
	c.UpdatedAt = normTime(g.UpdatedAt)
	return &c
}

func cpGroupMember(m *store.GroupMember) *store.GroupMember {
	c := *m
	c.CreatedAt = normTime(m.CreatedAt)
	return &c
}

func groupCreated(g *store.Group) time.Time { return g.CreatedAt }
func groupID(g *store.Group) string         { return g.ID }

// group returns group id of tenantID, or ErrNotFound.
func (st *state) group(tenantID, id string) (*store.Group, error) {
	g, ok := st.groups[id]
	if !ok || g.TenantID != tenantID {
		return nil, fmt.Errorf("memory: group %q of tenant %q: %w", id, tenantID, store.ErrNotFound)
	}
	return g, nil
}

// checkGroupName returns ErrConflict if g's name belongs to another group of
// its tenant.
func (st *state) checkGroupName(g *store.Group) error {
	if owner, ok := st.groupByName[foldKey(g.TenantID, g.Name)]; ok && owner != g.ID {
		return fmt.Errorf("memory: group name %q is taken in tenant %q: %w", g.Name, g.TenantID, store.ErrConflict)
	}
	return nil
}

// CreateGroup inserts g; ErrNotFound if its tenant does not exist in
// g.EnvID, ErrConflict if the id exists or the name is taken in the tenant.
func (s *Store) CreateGroup(ctx context.Context, g *store.Group) error {
	c := cpGroup(g)
	return s.write(ctx, func(st *state) error {
		if _, err := st.tenant(c.EnvID, c.TenantID); err != nil {
			return err
		}
		if _, ok := st.groups[c.ID]; ok {
			return fmt.Errorf("memory: group %q exists: %w", c.ID, store.ErrConflict)
		}
		if err := st.checkGroupName(c); err != nil {
			return err
		}
		st.groups[c.ID] = c
		st.groupsByTenant.add(c.TenantID, c.ID)
		st.groupByName[foldKey(c.TenantID, c.Name)] = c.ID
		return nil
	})
}

// GetGroup returns group id of tenantID.
func (s *Store) GetGroup(ctx context.Context, tenantID, id string) (*store.Group, error) {
	var out *store.Group
	err := s.read(ctx, func(st *state) error {
		g, err := st.group(tenantID, id)
		if err != nil {
			return err
		}
		out = cpGroup(g)
		return nil
	})
	return out, err
}

// UpdateGroup replaces the stored group (matched by ID and TenantID),
// keeping its members; ErrNotFound if absent, ErrConflict if the new name is
// taken by another group of the tenant.
func (s *Store) UpdateGroup(ctx context.Context, g *store.Group) error {
	c := cpGroup(g)
	return s.write(ctx, func(st *state) error {
		old, err := st.group(c.TenantID, c.ID)
		if err != nil {
			return err
		}
		if err := st.checkGroupName(c); err != nil {
			return err
		}
		// The environment is the tenant's: it does not change.
		c.EnvID = old.EnvID
		delete(st.groupByName, foldKey(old.TenantID, old.Name))
		st.groupByName[foldKey(c.TenantID, c.Name)] = c.ID
		st.groups[c.ID] = c
		return nil
	})
}

// deleteGroup removes g and its members.
func (st *state) deleteGroup(g *store.Group) {
	for _, userID := range st.membersByGroup.ids(g.ID) {
		st.removeGroupMember(g.ID, userID, g.TenantID)
	}
	delete(st.groupByName, foldKey(g.TenantID, g.Name))
	st.groupsByTenant.remove(g.TenantID, g.ID)
	delete(st.groups, g.ID)
}

// DeleteGroup removes the group and its members; ErrNotFound if absent.
func (s *Store) DeleteGroup(ctx context.Context, tenantID, id string) error {
	return s.write(ctx, func(st *state) error {
		g, err := st.group(tenantID, id)
		if err != nil {
			return err
		}
		st.deleteGroup(g)
		return nil
	})
}

// ListGroups returns tenantID's groups, oldest first (ties by id).
func (s *Store) ListGroups(ctx context.Context, tenantID string) ([]store.Group, error) {
	var out []store.Group
	err := s.read(ctx, func(st *state) error {
		out = list(st.groups, st.groupsByTenant.ids(tenantID), groupCreated, groupID, cpGroup, false)
		return nil
	})
	return out, err
}

// removeGroupMember takes userID out of group groupID of tenantID.
func (st *state) removeGroupMember(groupID, userID, tenantID string) {
	delete(st.groupMembers, scopedKey(groupID, userID))
	st.membersByGroup.remove(groupID, userID)
	st.groupsOfMember.remove(scopedKey(userID, tenantID), groupID)
}

// AddGroupMembers adds each of userIDs to the group as of at, all or
// nothing; ErrNotFound if the group does not exist or a user is not a
// member of the tenant.
func (s *Store) AddGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string, at time.Time) error {
	at = normTime(at)
	userIDs = slices.Clone(userIDs)
	return s.write(ctx, func(st *state) error {
		if _, err := st.group(tenantID, groupID); err != nil {
			return err
		}
		for _, userID := range userIDs {
			if _, ok := st.members[scopedKey(userID, tenantID)]; !ok {
				return fmt.Errorf("memory: user %q is not a member of tenant %q: %w", userID, tenantID, store.ErrNotFound)
			}
		}
		for _, userID := range userIDs {
			k := scopedKey(groupID, userID)
			if _, ok := st.groupMembers[k]; ok {
				continue
			}
			st.groupMembers[k] = &store.GroupMember{GroupID: groupID, UserID: userID, TenantID: tenantID, CreatedAt: at}
			st.membersByGroup.add(groupID, userID)
			st.groupsOfMember.add(scopedKey(userID, tenantID), groupID)
		}
		return nil
	})
}

// RemoveGroupMembers removes each of userIDs from the group, skipping users
// not in it; ErrNotFound if the group does not exist.
func (s *Store) RemoveGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string) error {
	userIDs = slices.Clone(userIDs)
	return s.write(ctx, func(st *state) error {
		if _, err := st.group(tenantID, groupID); err != nil {
			return err
		}
		for _, userID := range userIDs {
			if _, ok := st.groupMembers[scopedKey(groupID, userID)]; ok {
				st.removeGroupMember(groupID, userID, tenantID)
			}
		}
		return nil
	})
}

// ListGroupMembers returns the group's members, oldest first (ties by user
// id); none for an unknown group.
func (s *Store) ListGroupMembers(ctx context.Context, tenantID, groupID string) ([]store.GroupMember, error) {
	var out []store.GroupMember
	err := s.read(ctx, func(st *state) error {
		out = []store.GroupMember{}
		if _, err := st.group(tenantID, groupID); err != nil {
			return nil
		}
		userIDs := st.membersByGroup.ids(groupID)
		keys := make([]string, len(userIDs))
		for i, uid := range userIDs {
			keys[i] = scopedKey(groupID, uid)
		}
		out = list(st.groupMembers, keys,
			func(m *store.GroupMember) time.Time { return m.CreatedAt },
			func(m *store.GroupMember) string { return m.UserID }, cpGroupMember, false)
		return nil
	})
	return out, err
}

// ListUserGroups returns the groups of tenantID that userID belongs to,
// oldest first (ties by id).
func (s *Store) ListUserGroups(ctx context.Context, tenantID, userID string) ([]store.Group, error) {
	var out []store.Group
	err := s.read(ctx, func(st *state) error {
		out = list(st.groups, st.groupsOfMember.ids(scopedKey(userID, tenantID)), groupCreated, groupID, cpGroup, false)
		return nil
	})
	return out, err
}
