package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

const groupColumns = `id, env_id, tenant_id, name, description, color, metadata, role_ids, created_at, updated_at`

func scanGroup(sc scanner) (*store.Group, error) {
	var g store.Group
	var roles string
	var created, updated int64
	if err := sc.Scan(&g.ID, &g.EnvID, &g.TenantID, &g.Name, &g.Description, &g.Color, &g.Metadata,
		&roles, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &g.RoleIDs); err != nil {
		return nil, fmt.Errorf("decode role ids: %w", err)
	}
	g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &g, nil
}

func scanGroupMember(sc scanner) (*store.GroupMember, error) {
	var m store.GroupMember
	var created int64
	if err := sc.Scan(&m.GroupID, &m.UserID, &m.TenantID, &created); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

// CreateGroup inserts g; ErrNotFound if its tenant does not exist in
// g.EnvID, ErrConflict if the id exists or the name is taken in the tenant.
func (s *Store) CreateGroup(ctx context.Context, g *store.Group) error {
	roles, err := jsonStrings(g.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: create group: %w", err)
	}
	_, err = s.exec(ctx, "create group",
		`INSERT INTO user_groups (id, env_id, tenant_id, name, name_key, description, color, metadata,
			role_ids, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.EnvID, g.TenantID, g.Name, foldKey(g.Name), g.Description, g.Color, g.Metadata,
		roles, micros(g.CreatedAt), micros(g.UpdatedAt))
	return err
}

// GetGroup returns group id of tenantID.
func (s *Store) GetGroup(ctx context.Context, tenantID, id string) (*store.Group, error) {
	return getOne(ctx, s.r, "get group", scanGroup,
		`SELECT `+groupColumns+` FROM user_groups WHERE id = ? AND tenant_id = ?`, id, tenantID)
}

// UpdateGroup replaces the stored group (matched by ID and TenantID),
// keeping its members and environment; ErrNotFound if absent, ErrConflict
// if the new name is taken by another group of the tenant.
func (s *Store) UpdateGroup(ctx context.Context, g *store.Group) error {
	roles, err := jsonStrings(g.RoleIDs)
	if err != nil {
		return fmt.Errorf("sqlite: update group: %w", err)
	}
	return s.execOne(ctx, "update group",
		`UPDATE user_groups SET name = ?, name_key = ?, description = ?, color = ?, metadata = ?,
			role_ids = ?, created_at = ?, updated_at = ?
		 WHERE id = ? AND tenant_id = ?`,
		g.Name, foldKey(g.Name), g.Description, g.Color, g.Metadata, roles,
		micros(g.CreatedAt), micros(g.UpdatedAt), g.ID, g.TenantID)
}

// DeleteGroup removes the group and, by cascade, its members; ErrNotFound
// if absent.
func (s *Store) DeleteGroup(ctx context.Context, tenantID, id string) error {
	return s.execOne(ctx, "delete group", `DELETE FROM user_groups WHERE id = ? AND tenant_id = ?`, id, tenantID)
}

// ListGroups returns tenantID's groups, oldest first (ties by id).
func (s *Store) ListGroups(ctx context.Context, tenantID string) ([]store.Group, error) {
	return list(ctx, s.r, "list groups", scanGroup,
		`SELECT `+groupColumns+` FROM user_groups WHERE tenant_id = ? ORDER BY created_at, id`, tenantID)
}

// AddGroupMembers adds each of userIDs to the group as of at, all or
// nothing; ErrNotFound if the group does not exist or a user is not a
// member of the tenant.
func (s *Store) AddGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string, at time.Time) error {
	return s.InTx(ctx, func(tx store.Store) error {
		t := tx.(*Store)
		if _, err := t.GetGroup(ctx, tenantID, groupID); err != nil {
			return err
		}
		for _, userID := range userIDs {
			// The membership foreign key refuses a user who is not a
			// member of the tenant (ErrNotFound); the transaction then
			// rolls back the users added before.
			if _, err := t.exec(ctx, "add group member",
				`INSERT INTO group_members (group_id, user_id, tenant_id, created_at) VALUES (?, ?, ?, ?)
				 ON CONFLICT (group_id, user_id) DO NOTHING`,
				groupID, userID, tenantID, micros(at)); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveGroupMembers removes each of userIDs from the group, skipping users
// not in it; ErrNotFound if the group does not exist.
func (s *Store) RemoveGroupMembers(ctx context.Context, tenantID, groupID string, userIDs []string) error {
	return s.InTx(ctx, func(tx store.Store) error {
		t := tx.(*Store)
		if _, err := t.GetGroup(ctx, tenantID, groupID); err != nil {
			return err
		}
		if len(userIDs) == 0 {
			return nil
		}
		args := []any{groupID}
		for _, u := range userIDs {
			args = append(args, u)
		}
		_, err := t.exec(ctx, "remove group members",
			`DELETE FROM group_members WHERE group_id = ? AND user_id IN (`+placeholders(len(userIDs))+`)`, args...)
		return err
	})
}

// ListGroupMembers returns the group's members, oldest first (ties by user
// id); none for an unknown group.
func (s *Store) ListGroupMembers(ctx context.Context, tenantID, groupID string) ([]store.GroupMember, error) {
	return list(ctx, s.r, "list group members", scanGroupMember,
		`SELECT group_id, user_id, tenant_id, created_at FROM group_members
		 WHERE group_id = ? AND tenant_id = ? ORDER BY created_at, user_id`, groupID, tenantID)
}

// ListUserGroups returns the groups of tenantID that userID belongs to,
// oldest first (ties by id).
func (s *Store) ListUserGroups(ctx context.Context, tenantID, userID string) ([]store.Group, error) {
	return list(ctx, s.r, "list user groups", scanGroup,
		`SELECT `+prefixed("g.", groupColumns)+` FROM user_groups g
		 JOIN group_members m ON m.group_id = g.id AND m.tenant_id = g.tenant_id
		 WHERE m.user_id = ? AND m.tenant_id = ? ORDER BY g.created_at, g.id`, userID, tenantID)
}

// prefixed qualifies every column of a comma-separated list with prefix.
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = prefix + c
	}
	return strings.Join(cols, ", ")
}
