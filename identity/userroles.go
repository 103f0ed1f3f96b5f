package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/yolkauth/yolk/store"
)

// initialRoleIDs returns the roles a user added to tenantID starts with:
// requested (each must exist and be usable in the tenant, else
// ErrInvalidInput on roleIds) when given, else the tenant's first-user roles
// for the first member of the tenant and its default roles for any other.
func (id *Identity) initialRoleIDs(ctx context.Context, tx store.Store, tenantID string, requested []string) ([]string, error) {
	if len(requested) > 0 {
		if err := checkIDs("roleIds", requested); err != nil {
			return nil, err
		}
		if _, err := id.findRoles(ctx, tx, "roleIds", tenantID, requested); err != nil {
			return nil, err
		}
		return uniqueIDs(requested), nil
	}
	members, err := tx.ListTenantMemberships(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	first := len(members) == 0
	roles, err := tx.ListRoles(ctx, id.envID)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, r := range roles {
		if usableIn(&r, tenantID) && ((first && r.FirstUserRole) || (!first && r.IsDefault)) {
			out = append(out, r.ID)
		}
	}
	return out, nil
}

// uniqueIDs returns ids without repetitions, in their first order.
func uniqueIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, v := range ids {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// UserRoles is a user's roles in one tenant (AssignUserToRolesResponseDto,
// DeleteUserToRolesResponseDto).
type UserRoles struct {
	TenantID string `json:"tenantId"`
	UserID   string `json:"userId"`
	Roles    []Role `json:"roles"`
}

// AssignUserRoles gives roles roleIDs to user userID in the principal's
// tenant and returns the user's roles there. A user principal needs
// fe.secure.write.usersRoles (UnassignUserRoles: fe.secure.delete.usersRoles)
// and must still be an enabled member of its tenant. Each role must exist and be
// usable in the tenant (else ErrInvalidInput); a user caller may only give
// roles no stronger (level no lower) than its own strongest role
// (ErrForbidden). Roles the user already holds are kept once.
func (id *Identity) AssignUserRoles(ctx context.Context, p *Principal, userID string, roleIDs []string) (*UserRoles, error) {
	return id.changeUserRoles(ctx, p, userID, roleIDs, true)
}

// UnassignUserRoles takes roles roleIDs from user userID in the principal's
// tenant, with the same rules as AssignUserRoles, and returns the user's
// remaining roles there.
func (id *Identity) UnassignUserRoles(ctx context.Context, p *Principal, userID string, roleIDs []string) (*UserRoles, error) {
	return id.changeUserRoles(ctx, p, userID, roleIDs, false)
}

func (id *Identity) changeUserRoles(ctx context.Context, p *Principal, userID string, roleIDs []string, add bool) (*UserRoles, error) {
	perm := PermWriteUsersRoles
	if !add {
		perm = PermDeleteUsersRoles
	}
	tenantID, err := id.actingTenant(ctx, p, perm)
	if err != nil {
		return nil, err
	}
	if len(roleIDs) == 0 {
		return nil, invalid("roleIds", "roleIds is required")
	}
	if err := checkIDs("roleIds", roleIDs); err != nil {
		return nil, err
	}
	var out *UserRoles
	err = id.store.InTx(ctx, func(tx store.Store) error {
		m, err := tx.GetMembership(ctx, userID, tenantID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && m.EnvID != id.envID) {
			return notFound("user %s not found in tenant %s", userID, tenantID)
		}
		if err != nil {
			return err
		}
		roles, err := id.findRoles(ctx, tx, "roleIds", tenantID, roleIDs)
		if err != nil {
			return err
		}
		level, limited, err := id.callerLevel(ctx, tx, p, tenantID)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if limited && r.Level < level {
				return forbidden("", "role %s is stronger than your own roles", r.Key)
			}
		}
		before := len(m.RoleIDs)
		if add {
			m.RoleIDs = uniqueIDs(append(m.RoleIDs, roleIDs...))
		} else {
			m.RoleIDs = slices.DeleteFunc(m.RoleIDs, func(v string) bool { return slices.Contains(roleIDs, v) })
		}
		if len(m.RoleIDs) != before {
			m.UpdatedAt = id.now()
			if err := tx.PutMembership(ctx, m); err != nil {
				return err
			}
		}
		held, err := tx.GetRolesByIDs(ctx, id.envID, m.RoleIDs)
		if err != nil {
			return err
		}
		held = slices.DeleteFunc(held, func(r store.Role) bool { return !usableIn(&r, tenantID) })
		out = &UserRoles{TenantID: tenantID, UserID: userID, Roles: id.roleViews(held)}
		return nil
	})
	return out, err
}

// UserRoleIDs is one user's role ids in a tenant (what the official
// client reads from GET users/v3/roles).
type UserRoleIDs struct {
	VendorID string   `json:"vendorId"`
	TenantID string   `json:"tenantId"`
	UserID   string   `json:"userId"`
	RoleIDs  []string `json:"roleIds"`
}

// MaxUsersPerRolesQuery bounds the user ids of one ListUsersRoles call.
const MaxUsersPerRolesQuery = 200

// ListUsersRoles returns the roles assigned to each of userIDs in the
// principal's tenant (a user principal needs fe.secure.read.users), in the
// order asked; users that are not members of the
// tenant are left out.
func (id *Identity) ListUsersRoles(ctx context.Context, p *Principal, userIDs []string) ([]UserRoleIDs, error) {
	tenantID, err := id.actingTenant(ctx, p, PermReadUsers)
	if err != nil {
		return nil, err
	}
	userIDs = uniqueIDs(slices.DeleteFunc(slices.Clone(userIDs), func(v string) bool { return v == "" }))
	if len(userIDs) == 0 {
		return nil, invalid("ids", "ids is required")
	}
	if len(userIDs) > MaxUsersPerRolesQuery {
		return nil, invalid("ids", "at most %d ids are accepted", MaxUsersPerRolesQuery)
	}
	var ms []store.Membership
	var all []string
	for _, u := range userIDs {
		m, err := id.store.GetMembership(ctx, u, tenantID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m.EnvID == id.envID {
			ms = append(ms, *m)
			all = append(all, m.RoleIDs...)
		}
	}
	roles, err := id.store.GetRolesByIDs(ctx, id.envID, all)
	if err != nil {
		return nil, err
	}
	usable := map[string]bool{}
	for _, r := range roles {
		usable[r.ID] = usableIn(&r, tenantID)
	}
	out := make([]UserRoleIDs, 0, len(ms))
	for _, m := range ms {
		ids := slices.DeleteFunc(slices.Clone(m.RoleIDs), func(v string) bool { return !usable[v] })
		if ids == nil {
			ids = []string{}
		}
		out = append(out, UserRoleIDs{VendorID: id.envID, TenantID: tenantID, UserID: m.UserID, RoleIDs: ids})
	}
	return out, nil
}

// Statuses of a bulk roles task (BulkRolesTaskStatusResponseDto.status).
const (
	BulkRolesNotStarted          = "NotStarted"
	BulkRolesInProgress          = "InProgress"
	BulkRolesCompleted           = "Completed"
	BulkRolesCompletedWithErrors = "CompletedWithErrors"
)

// taskKindBulkRoles is the store.Task kind of a bulk roles update.
const taskKindBulkRoles = "bulk-roles"

// BulkRolesInput changes a user's roles across tenants
// (BulkUpdateUserRolesRequestDto). TenantIDs limits the change to those of
// the user's tenants; empty means all of them.
type BulkRolesInput struct {
	AddRoleIDs    []string `json:"addRoleIds"`
	RemoveRoleIDs []string `json:"removeRoleIds"`
	TenantIDs     []string `json:"tenantIds"`
}

// BulkRolesResult is the answer to BulkUpdateUserRoles
// (BulkUpdateUserRolesSyncResponseDto), with the id of the task record that
// GetBulkRolesTask reads.
type BulkRolesResult struct {
	TaskID          string   `json:"taskId"`
	UserID          string   `json:"userId"`
	AffectedTenants int      `json:"affectedTenants"`
	RolesAdded      []string `json:"rolesAdded"`
	RolesRemoved    []string `json:"rolesRemoved"`
}

// BulkRolesTaskError is one failure of a bulk roles task.
type BulkRolesTaskError struct {
	Message  string `json:"message"`
	TenantID string `json:"tenantId,omitempty"`
	Details  string `json:"details,omitempty"`
}

// BulkRolesTask is the stored state of a bulk roles update
// (BulkRolesTaskStatusResponseDto).
type BulkRolesTask struct {
	ID               string               `json:"id"`
	UserID           string               `json:"userId"`
	Status           string               `json:"status"`
	TotalTenants     int                  `json:"totalTenants"`
	ProcessedTenants int                  `json:"processedTenants"`
	AddedRoleIDs     []string             `json:"addedRoleIds"`
	RemovedRoleIDs   []string             `json:"removedRoleIds"`
	Errors           []BulkRolesTaskError `json:"errors"`
}

// BulkUpdateUserRoles adds and removes roles of user userID in each of its
// tenants (or in TenantIDs), in one change, and records the outcome as a
// task that GetBulkRolesTask reads. A tenant the user does not belong to,
// or a role to add that belongs to another tenant, is reported as an error
// of the task (status CompletedWithErrors) while the other tenants are
// updated. Unknown role ids and a role both added and removed are
// ErrInvalidInput; an unknown user ErrNotFound.
func (id *Identity) BulkUpdateUserRoles(ctx context.Context, userID string, in BulkRolesInput) (*BulkRolesResult, error) {
	add, remove := uniqueIDs(in.AddRoleIDs), uniqueIDs(in.RemoveRoleIDs)
	if len(add) == 0 && len(remove) == 0 {
		return nil, invalid("addRoleIds", "addRoleIds or removeRoleIds is required")
	}
	for _, f := range []struct {
		name string
		ids  []string
	}{{"addRoleIds", add}, {"removeRoleIds", remove}, {"tenantIds", in.TenantIDs}} {
		if err := checkIDs(f.name, f.ids); err != nil {
			return nil, err
		}
	}
	for _, r := range add {
		if slices.Contains(remove, r) {
			return nil, invalid("removeRoleIds", "role %q is both added and removed", r)
		}
	}
	task := &BulkRolesTask{ID: id.newID(), UserID: userID, Status: BulkRolesCompleted, AddedRoleIDs: add, RemovedRoleIDs: remove, Errors: []BulkRolesTaskError{}}
	res := &BulkRolesResult{TaskID: task.ID, UserID: userID, RolesAdded: []string{}, RolesRemoved: []string{}}
	err := id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := id.loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		addRoles, err := id.findRoles(ctx, tx, "addRoleIds", "", add)
		if err != nil {
			return err
		}
		if _, err := id.findRoles(ctx, tx, "removeRoleIds", "", remove); err != nil {
			return err
		}
		tenants := uniqueIDs(in.TenantIDs)
		if len(tenants) == 0 {
			tenants = rec.tenantIDs()
		}
		task.TotalTenants = len(tenants)
		added, removed := map[string]bool{}, map[string]bool{}
		now := id.now()
		for _, t := range tenants {
			task.ProcessedTenants++
			m := rec.membership(t)
			if m == nil {
				task.Errors = append(task.Errors, BulkRolesTaskError{Message: "the user is not a member of this tenant", TenantID: t})
				continue
			}
			roleIDs := slices.Clone(m.RoleIDs)
			for _, r := range addRoles {
				if !usableIn(&r, t) {
					task.Errors = append(task.Errors, BulkRolesTaskError{Message: "role " + r.ID + " belongs to another tenant", TenantID: t})
					continue
				}
				if !slices.Contains(roleIDs, r.ID) {
					roleIDs, added[r.ID] = append(roleIDs, r.ID), true
				}
			}
			roleIDs = slices.DeleteFunc(roleIDs, func(v string) bool {
				if slices.Contains(remove, v) {
					removed[v] = true
					return true
				}
				return false
			})
			if slices.Equal(roleIDs, m.RoleIDs) {
				continue
			}
			m.RoleIDs, m.UpdatedAt = roleIDs, now
			if err := tx.PutMembership(ctx, m); err != nil {
				return err
			}
			res.AffectedTenants++
		}
		for _, r := range add {
			if added[r] {
				res.RolesAdded = append(res.RolesAdded, r)
			}
		}
		for _, r := range remove {
			if removed[r] {
				res.RolesRemoved = append(res.RolesRemoved, r)
			}
		}
		if len(task.Errors) > 0 {
			task.Status = BulkRolesCompletedWithErrors
		}
		data, err := json.Marshal(task)
		if err != nil {
			return err
		}
		return tx.CreateTask(ctx, &store.Task{ID: task.ID, EnvID: id.envID, Kind: taskKindBulkRoles, Status: task.Status,
			Data: string(data), CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// GetBulkRolesTask returns the state of bulk roles task taskID.
func (id *Identity) GetBulkRolesTask(ctx context.Context, taskID string) (*BulkRolesTask, error) {
	t, err := id.store.GetTask(ctx, id.envID, taskID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.Kind != taskKindBulkRoles) {
		return nil, notFound("task %s not found", taskID)
	}
	if err != nil {
		return nil, err
	}
	var task BulkRolesTask
	if err := json.Unmarshal([]byte(t.Data), &task); err != nil {
		return nil, fmt.Errorf("identity: bulk roles task %s is corrupt: %w", taskID, err)
	}
	task.Status = t.Status
	return &task, nil
}
