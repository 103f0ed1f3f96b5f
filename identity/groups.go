package identity

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// Group is a user group as the API returns it (GroupResponse). Roles and
// Users are present when the request asked for them (GroupRelations).
type Group struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Color       string      `json:"color"`
	Description string      `json:"description"`
	Metadata    string      `json:"metadata"`
	Roles       []Role      `json:"roles,omitzero"`
	Users       []GroupUser `json:"users,omitzero"`
	// ManagedBy is "frontegg" (groups managed through this API).
	ManagedBy string    `json:"managedBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// GroupUser is a member of a group (GroupUserDto).
type GroupUser struct {
	ID                 string    `json:"id"`
	Email              string    `json:"email"`
	Name               string    `json:"name"`
	ProfilePictureURL  string    `json:"profilePictureUrl"`
	CreatedAt          time.Time `json:"createdAt"`
	ActivatedForTenant bool      `json:"activatedForTenant"`
}

// Groups is a list of groups (GroupsResponse).
type Groups struct {
	Groups []Group `json:"groups"`
}

// GroupRelations selects what a group view includes besides the group
// itself (the _groupsRelations query parameter).
type GroupRelations string

// Group relations. The zero value includes both roles and users.
const (
	GroupRolesAndUsers GroupRelations = "rolesAndUsers"
	GroupRoles         GroupRelations = "roles"
	GroupUsers         GroupRelations = "users"
)

func (r GroupRelations) check() (GroupRelations, error) {
	switch r {
	case "":
		return GroupRolesAndUsers, nil
	case GroupRolesAndUsers, GroupRoles, GroupUsers:
		return r, nil
	}
	return r, invalid("_groupsRelations", "_groupsRelations must be roles, users or rolesAndUsers")
}

func (r GroupRelations) roles() bool { return r == GroupRoles || r == GroupRolesAndUsers }
func (r GroupRelations) users() bool { return r == GroupUsers || r == GroupRolesAndUsers }

// maxBulkIDs bounds the ids one request may name.
const maxBulkIDs = 1000

// groupManagedBy is the managedBy of every group of this API.
const groupManagedBy = "frontegg"

// settingGroupsConfig is the name of the environment's groups configuration.
const settingGroupsConfig = "groups-config"

// GroupsConfig is the environment's groups configuration
// (GetGroupConfigurationResponse). With Enabled false, groups cannot be
// created or given users or roles, and group roles grant nothing; with
// RolesEnabled false, groups cannot be given roles and their roles grant
// nothing.
type GroupsConfig struct {
	Enabled      bool `json:"enabled"`
	RolesEnabled bool `json:"rolesEnabled"`
}

// defaultGroupsConfig is the configuration of an environment that never
// saved one.
var defaultGroupsConfig = GroupsConfig{Enabled: true, RolesEnabled: true}

// GroupsConfigInput changes the groups configuration
// (CreateOrUpdateGroupConfigurationDto); nil fields are kept.
type GroupsConfigInput struct {
	Enabled      *bool `json:"enabled"`
	RolesEnabled *bool `json:"rolesEnabled"`
}

func (id *Identity) groupsConfig(ctx context.Context, st store.Store) (GroupsConfig, error) {
	return loadSetting(ctx, id, st, "", settingGroupsConfig, defaultGroupsConfig)
}

// GetGroupsConfig returns the environment's groups configuration.
func (id *Identity) GetGroupsConfig(ctx context.Context) (*GroupsConfig, error) {
	cfg, err := id.groupsConfig(ctx, id.store)
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// UpdateGroupsConfig applies the non-nil fields of in to the environment's
// groups configuration and returns the result.
func (id *Identity) UpdateGroupsConfig(ctx context.Context, in GroupsConfigInput) (*GroupsConfig, error) {
	var cfg GroupsConfig
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if cfg, err = id.groupsConfig(ctx, tx); err != nil {
			return err
		}
		setBool(&cfg.Enabled, in.Enabled)
		setBool(&cfg.RolesEnabled, in.RolesEnabled)
		return saveSetting(ctx, id, tx, "", settingGroupsConfig, cfg)
	})
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// Permissions of the groups operations. A user principal needs them; the
// environment token holds them all.
const (
	PermReadGroups        = "fe.secure.read.groups"
	PermWriteGroups       = "fe.secure.write.groups"
	PermDeleteGroups      = "fe.secure.delete.groups"
	PermWriteGroupsRoles  = "fe.secure.write.groupsRoles"
	PermWriteGroupsUsers  = "fe.secure.write.groupsUsers"
	PermDeleteGroupsUsers = "fe.secure.delete.groupsUsers"
)

// groupTenant returns the tenant p acts in for a groups operation that
// needs perm (see actingTenant); the tenant an environment token names must
// exist. It reads through id.store, so call it outside transactions.
func (id *Identity) groupTenant(ctx context.Context, p *Principal, perm string) (string, error) {
	tenantID, err := id.actingTenant(ctx, p, perm)
	if err != nil {
		return "", err
	}
	if p.Vendor {
		if _, err := id.store.GetTenant(ctx, id.envID, tenantID); err != nil {
			return "", storeErr(err, "tenant "+tenantID)
		}
	}
	return tenantID, nil
}

// CreateGroupInput describes a new group (CreateGroupDto).
type CreateGroupInput struct {
	Name        string `json:"name"`
	Color       string `json:"color"`
	Description string `json:"description"`
	// Metadata is a stringified JSON object.
	Metadata string `json:"metadata"`
}

func checkGroupName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", invalid("name", "name is required")
	}
	return name, checkLen("name", name, 255)
}

func checkGroupFields(color, description, metadata string) error {
	if err := checkLen("color", color, 255); err != nil {
		return err
	}
	if err := checkLen("description", description, 4095); err != nil {
		return err
	}
	return checkJSONObject("metadata", metadata)
}

func (in *CreateGroupInput) validate() error {
	var err error
	if in.Name, err = checkGroupName(in.Name); err != nil {
		return err
	}
	return checkGroupFields(in.Color, in.Description, in.Metadata)
}

// UpdateGroupInput changes a group (UpdateGroupDto); nil fields are kept.
type UpdateGroupInput struct {
	Name        *string `json:"name"`
	Color       *string `json:"color"`
	Description *string `json:"description"`
	Metadata    *string `json:"metadata"`
}

func (in *UpdateGroupInput) validate() error {
	if in.Name != nil {
		name, err := checkGroupName(*in.Name)
		if err != nil {
			return err
		}
		in.Name = &name
	}
	var color, description, metadata string
	setStr(&color, in.Color)
	setStr(&description, in.Description)
	setStr(&metadata, in.Metadata)
	return checkGroupFields(color, description, metadata)
}

// errGroupsDisabled refuses changes that need groups enabled.
func errGroupsDisabled() error {
	return forbidden("", "groups are disabled in this environment")
}

// errGroupNameTaken is the conflict of a group name used twice in a tenant.
func errGroupNameTaken(name string, err error) error {
	return &Error{Kind: ErrConflict, Code: CodeConflict, Message: "a group named " + name + " already exists", Field: "name", Err: err}
}

// groupNotFound is the answer for a group that is not in the acting tenant.
func groupNotFound(groupID string) error { return notFound("group %s not found", groupID) }

// CreateGroup creates a group in the tenant p acts in. A name already used
// in the tenant (case-insensitively) is ErrConflict.
func (id *Identity) CreateGroup(ctx context.Context, p *Principal, in CreateGroupInput) (*Group, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	tenantID, err := id.groupTenant(ctx, p, PermWriteGroups)
	if err != nil {
		return nil, err
	}
	var g *store.Group
	err = id.store.InTx(ctx, func(tx store.Store) error {
		cfg, err := id.groupsConfig(ctx, tx)
		if err != nil {
			return err
		}
		if !cfg.Enabled {
			return errGroupsDisabled()
		}
		now := id.now()
		g = &store.Group{ID: id.newID(), EnvID: id.envID, TenantID: tenantID, Name: in.Name, Color: in.Color,
			Description: in.Description, Metadata: in.Metadata, RoleIDs: []string{}, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateGroup(ctx, g); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errGroupNameTaken(in.Name, err)
			}
			return storeErr(err, "tenant "+tenantID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v := groupView(g)
	v.Roles, v.Users = []Role{}, []GroupUser{}
	return v, nil
}

func groupView(g *store.Group) *Group {
	return &Group{ID: g.ID, Name: g.Name, Color: g.Color, Description: g.Description, Metadata: g.Metadata,
		ManagedBy: groupManagedBy, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

// groupViews renders groups of tenantID with the relations rel asks for.
func (id *Identity) groupViews(ctx context.Context, st store.Store, tenantID string, gs []store.Group, rel GroupRelations) ([]Group, error) {
	out := make([]Group, len(gs))
	users := map[string]*store.User{}
	for i := range gs {
		g := &gs[i]
		out[i] = *groupView(g)
		if rel.roles() {
			roles, err := id.groupRoles(ctx, st, tenantID, g.RoleIDs)
			if err != nil {
				return nil, err
			}
			out[i].Roles = roles
		}
		if rel.users() {
			members, err := st.ListGroupMembers(ctx, tenantID, g.ID)
			if err != nil {
				return nil, err
			}
			out[i].Users = make([]GroupUser, 0, len(members))
			for _, m := range members {
				// Reads run outside a transaction: a member removed from
				// the tenant meanwhile is left out, not an error.
				u, ok := users[m.UserID]
				if !ok {
					if u, err = st.GetUser(ctx, id.envID, m.UserID); errors.Is(err, store.ErrNotFound) {
						continue
					} else if err != nil {
						return nil, err
					}
					users[m.UserID] = u
				}
				ms, err := st.GetMembership(ctx, m.UserID, tenantID)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				out[i].Users = append(out[i].Users, GroupUser{ID: u.ID, Email: u.Email, Name: u.Name,
					ProfilePictureURL: u.ProfilePictureURL, CreatedAt: u.CreatedAt, ActivatedForTenant: u.Verified && !ms.Disabled})
			}
		}
	}
	return out, nil
}

// readGroups runs fn with the store and the tenant p acts in, after
// checking rel and that p may read groups. Reads run outside a
// transaction, so they never wait for writers.
func (id *Identity) readGroups(ctx context.Context, p *Principal, rel GroupRelations, fn func(st store.Store, tenantID string, rel GroupRelations) error) error {
	rel, err := rel.check()
	if err != nil {
		return err
	}
	tenantID, err := id.groupTenant(ctx, p, PermReadGroups)
	if err != nil {
		return err
	}
	return fn(id.store, tenantID, rel)
}

// ListGroups returns the groups of the tenant p acts in, oldest first, with
// the relations rel asks for.
func (id *Identity) ListGroups(ctx context.Context, p *Principal, rel GroupRelations) (*Groups, error) {
	var out *Groups
	err := id.readGroups(ctx, p, rel, func(tx store.Store, tenantID string, rel GroupRelations) error {
		gs, err := tx.ListGroups(ctx, tenantID)
		if err != nil {
			return err
		}
		views, err := id.groupViews(ctx, tx, tenantID, gs, rel)
		out = &Groups{Groups: views}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// cleanIDList validates a list of ids named field: present, not too many, no
// blank entries. It returns them without duplicates, in their first order.
func cleanIDList(field string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, invalid(field, "%s must name at least one id", field)
	}
	if len(ids) > maxBulkIDs {
		return nil, invalid(field, "%s may name at most %d ids", field, maxBulkIDs)
	}
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, v := range ids {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, invalid(field, "%s must not contain empty ids", field)
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// GetGroupsByIDs returns the groups of the tenant p acts in whose ids are
// in groupIDs, in the order asked; ids of no group of the tenant are
// skipped.
func (id *Identity) GetGroupsByIDs(ctx context.Context, p *Principal, groupIDs []string, rel GroupRelations) (*Groups, error) {
	groupIDs, err := cleanIDList("groupsIds", groupIDs)
	if err != nil {
		return nil, err
	}
	var out *Groups
	err = id.readGroups(ctx, p, rel, func(tx store.Store, tenantID string, rel GroupRelations) error {
		gs := make([]store.Group, 0, len(groupIDs))
		for _, gid := range groupIDs {
			g, err := tx.GetGroup(ctx, tenantID, gid)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			gs = append(gs, *g)
		}
		views, err := id.groupViews(ctx, tx, tenantID, gs, rel)
		out = &Groups{Groups: views}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetGroup returns group groupID of the tenant p acts in; a group of
// another tenant is not found.
func (id *Identity) GetGroup(ctx context.Context, p *Principal, groupID string, rel GroupRelations) (*Group, error) {
	var out *Group
	err := id.readGroups(ctx, p, rel, func(tx store.Store, tenantID string, rel GroupRelations) error {
		g, err := tx.GetGroup(ctx, tenantID, groupID)
		if errors.Is(err, store.ErrNotFound) {
			return groupNotFound(groupID)
		}
		if err != nil {
			return err
		}
		views, err := id.groupViews(ctx, tx, tenantID, []store.Group{*g}, rel)
		if err != nil {
			return err
		}
		out = &views[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// groupSortKeys are the _sortBy values of ListGroupsPage; the first is the
// default.
var groupSortKeys = []string{"createdAt", "id", "name", "updatedAt"}

// ListGroupsPage returns one page of the groups of the tenant p acts in,
// sorted by q.SortBy (createdAt, id, name or updatedAt; ties by id) in
// q.Order, with the relations rel asks for.
func (id *Identity) ListGroupsPage(ctx context.Context, p *Principal, q PageQuery, rel GroupRelations) (*Page[Group], error) {
	q, err := q.normalize(groupSortKeys...)
	if err != nil {
		return nil, err
	}
	var out *Page[Group]
	err = id.readGroups(ctx, p, rel, func(tx store.Store, tenantID string, rel GroupRelations) error {
		gs, err := tx.ListGroups(ctx, tenantID)
		if err != nil {
			return err
		}
		slices.SortStableFunc(gs, func(a, b store.Group) int {
			var c int
			switch q.SortBy {
			case "name":
				c = cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
			case "updatedAt":
				c = a.UpdatedAt.Compare(b.UpdatedAt)
			case "createdAt":
				c = a.CreatedAt.Compare(b.CreatedAt)
			}
			if c == 0 {
				c = cmp.Compare(a.ID, b.ID)
			}
			if q.Order == "DESC" {
				return -c
			}
			return c
		})
		page := pageOf(gs, q)
		views, err := id.groupViews(ctx, tx, tenantID, page.Items, rel)
		if err != nil {
			return err
		}
		out = newPage(views, page.Metadata.TotalItems, q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// changeGroup runs fn, inside one transaction, on group groupID of the
// tenant p acts in, after checking that p holds perm.
func (id *Identity) changeGroup(ctx context.Context, p *Principal, perm, groupID string, fn func(tx store.Store, g *store.Group, cfg GroupsConfig) error) (*store.Group, error) {
	tenantID, err := id.groupTenant(ctx, p, perm)
	if err != nil {
		return nil, err
	}
	var g *store.Group
	err = id.store.InTx(ctx, func(tx store.Store) error {
		cfg, err := id.groupsConfig(ctx, tx)
		if err != nil {
			return err
		}
		g, err = tx.GetGroup(ctx, tenantID, groupID)
		if errors.Is(err, store.ErrNotFound) {
			return groupNotFound(groupID)
		}
		if err != nil {
			return err
		}
		return fn(tx, g, cfg)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// UpdateGroup applies the non-nil fields of in to group groupID of the
// tenant p acts in. Renaming it to a name another group of the tenant has
// is ErrConflict.
func (id *Identity) UpdateGroup(ctx context.Context, p *Principal, groupID string, in UpdateGroupInput) (*Group, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var view *Group
	_, err := id.changeGroup(ctx, p, PermWriteGroups, groupID, func(tx store.Store, g *store.Group, _ GroupsConfig) error {
		setStr(&g.Name, in.Name)
		setStr(&g.Color, in.Color)
		setStr(&g.Description, in.Description)
		setStr(&g.Metadata, in.Metadata)
		g.UpdatedAt = id.now()
		if err := tx.UpdateGroup(ctx, g); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errGroupNameTaken(g.Name, err)
			}
			return err
		}
		views, err := id.groupViews(ctx, tx, g.TenantID, []store.Group{*g}, GroupRolesAndUsers)
		if err != nil {
			return err
		}
		view = &views[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// DeleteGroup deletes group groupID of the tenant p acts in, with its
// members' place in it (they stay members of the tenant).
func (id *Identity) DeleteGroup(ctx context.Context, p *Principal, groupID string) error {
	_, err := id.changeGroup(ctx, p, PermDeleteGroups, groupID, func(tx store.Store, g *store.Group, _ GroupsConfig) error {
		return tx.DeleteGroup(ctx, g.TenantID, g.ID)
	})
	return err
}

// AddRolesToGroup gives group groupID of the tenant p acts in the roles
// roleIDs (roles of the environment, or of that tenant); roles it has
// already are kept once. Every member of the group holds the group's roles
// in the tenant from its next access token on.
func (id *Identity) AddRolesToGroup(ctx context.Context, p *Principal, groupID string, roleIDs []string) error {
	roleIDs, err := cleanIDList("roleIds", roleIDs)
	if err != nil {
		return err
	}
	_, err = id.changeGroup(ctx, p, PermWriteGroupsRoles, groupID, func(tx store.Store, g *store.Group, cfg GroupsConfig) error {
		if !cfg.Enabled {
			return errGroupsDisabled()
		}
		if !cfg.RolesEnabled {
			return forbidden("", "group roles are disabled in this environment")
		}
		if err := id.checkGroupRoles(ctx, tx, p, g.TenantID, roleIDs); err != nil {
			return err
		}
		for _, r := range roleIDs {
			if !slices.Contains(g.RoleIDs, r) {
				g.RoleIDs = append(g.RoleIDs, r)
			}
		}
		g.UpdatedAt = id.now()
		return tx.UpdateGroup(ctx, g)
	})
	return err
}

// RemoveRolesFromGroup takes the roles roleIDs away from group groupID of
// the tenant p acts in; roles the group does not have are skipped.
func (id *Identity) RemoveRolesFromGroup(ctx context.Context, p *Principal, groupID string, roleIDs []string) error {
	roleIDs, err := cleanIDList("roleIds", roleIDs)
	if err != nil {
		return err
	}
	_, err = id.changeGroup(ctx, p, PermWriteGroupsRoles, groupID, func(tx store.Store, g *store.Group, _ GroupsConfig) error {
		g.RoleIDs = slices.DeleteFunc(g.RoleIDs, func(r string) bool { return slices.Contains(roleIDs, r) })
		g.UpdatedAt = id.now()
		return tx.UpdateGroup(ctx, g)
	})
	return err
}

// AddUsersToGroup adds the users userIDs, members of the tenant p acts in,
// to group groupID of that tenant; users already in it stay as they were.
// A user who is not a member of the tenant is ErrNotFound, and then nobody
// is added.
func (id *Identity) AddUsersToGroup(ctx context.Context, p *Principal, groupID string, userIDs []string) error {
	userIDs, err := cleanIDList("userIds", userIDs)
	if err != nil {
		return err
	}
	_, err = id.changeGroup(ctx, p, PermWriteGroupsUsers, groupID, func(tx store.Store, g *store.Group, cfg GroupsConfig) error {
		if !cfg.Enabled {
			return errGroupsDisabled()
		}
		if err := id.checkGroupMembersAllowed(ctx, tx, p, g); err != nil {
			return err
		}
		for _, u := range userIDs {
			if _, err := tx.GetMembership(ctx, u, g.TenantID); errors.Is(err, store.ErrNotFound) {
				return notFound("user %s not found in tenant %s", u, g.TenantID)
			} else if err != nil {
				return err
			}
		}
		return storeErr(tx.AddGroupMembers(ctx, g.TenantID, g.ID, userIDs, id.now()), "group member")
	})
	return err
}

// RemoveUsersFromGroup removes the users userIDs from group groupID of the
// tenant p acts in; users not in it are skipped. They stay members of the
// tenant.
func (id *Identity) RemoveUsersFromGroup(ctx context.Context, p *Principal, groupID string, userIDs []string) error {
	userIDs, err := cleanIDList("userIds", userIDs)
	if err != nil {
		return err
	}
	_, err = id.changeGroup(ctx, p, PermDeleteGroupsUsers, groupID, func(tx store.Store, g *store.Group, _ GroupsConfig) error {
		return tx.RemoveGroupMembers(ctx, g.TenantID, g.ID, userIDs)
	})
	return err
}

// UserGroups is the groups one user belongs to in a tenant
// (GetUserGroupsResponse).
type UserGroups struct {
	VendorID string   `json:"vendorId"`
	TenantID string   `json:"tenantId"`
	UserID   string   `json:"userId"`
	GroupIDs []string `json:"groupIds"`
}

// ListUsersGroups returns, for each of userIDs that is a member of the
// tenant p acts in, the ids of the tenant's groups it belongs to. Users who
// are not members of the tenant are left out.
func (id *Identity) ListUsersGroups(ctx context.Context, p *Principal, userIDs []string) ([]UserGroups, error) {
	userIDs, err := cleanIDList("ids", userIDs)
	if err != nil {
		return nil, err
	}
	out := []UserGroups{}
	err = id.readGroups(ctx, p, "", func(tx store.Store, tenantID string, _ GroupRelations) error {
		for _, u := range userIDs {
			if _, err := tx.GetMembership(ctx, u, tenantID); errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			gs, err := tx.ListUserGroups(ctx, tenantID, u)
			if err != nil {
				return err
			}
			ids := make([]string, len(gs))
			for i := range gs {
				ids[i] = gs[i].ID
			}
			out = append(out, UserGroups{VendorID: id.envID, TenantID: tenantID, UserID: u, GroupIDs: ids})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
