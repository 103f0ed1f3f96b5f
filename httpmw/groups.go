package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var groupRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/groups/v1", OperationID: "GroupsControllerV1_getAllGroups", Auth: User, Perm: identity.PermReadGroups, handle: listGroups},
	{Method: http.MethodPost, Path: "/resources/groups/v1", OperationID: "GroupsControllerV1_createGroup", Auth: User, Perm: identity.PermWriteGroups, Status: http.StatusCreated, handle: createGroup},
	{Method: http.MethodPost, Path: "/resources/groups/v1/bulkGet", OperationID: "GroupsControllerV1_getGroupsByIds", Auth: User, Perm: identity.PermReadGroups, Status: http.StatusCreated, handle: getGroupsByIDs},
	{Method: http.MethodPatch, Path: "/resources/groups/v1/{id}", OperationID: "GroupsControllerV1_updateGroup", Auth: User, Perm: identity.PermWriteGroups, handle: updateGroup},
	{Method: http.MethodDelete, Path: "/resources/groups/v1/{id}", OperationID: "GroupsControllerV1_deleteGroup", Auth: User, Perm: identity.PermDeleteGroups, handle: deleteGroup},
	{Method: http.MethodGet, Path: "/resources/groups/v1/{id}", OperationID: "GroupsControllerV1_getGroupById", Auth: User, Perm: identity.PermReadGroups, handle: getGroup},
	{Method: http.MethodGet, Path: "/resources/groups/v1/config", OperationID: "GroupsControllerV1_getGroupsConfiguration", Auth: Vendor, handle: getGroupsConfig},
	{Method: http.MethodPost, Path: "/resources/groups/v1/config", OperationID: "GroupsControllerV1_createOrUpdateGroupsConfiguration", Auth: Vendor, Status: http.StatusCreated, handle: updateGroupsConfig},
	{Method: http.MethodPost, Path: "/resources/groups/v1/{groupId}/roles", OperationID: "GroupsControllerV1_addRolesToGroup", Auth: User, Perm: identity.PermWriteGroupsRoles, Status: http.StatusCreated, handle: addRolesToGroup},
	{Method: http.MethodDelete, Path: "/resources/groups/v1/{groupId}/roles", OperationID: "GroupsControllerV1_removeRolesFromGroup", Auth: User, Perm: identity.PermWriteGroupsRoles, handle: removeRolesFromGroup},
	{Method: http.MethodPost, Path: "/resources/groups/v1/{groupId}/users", OperationID: "GroupsControllerV1_addUsersToGroup", Auth: User, Perm: identity.PermWriteGroupsUsers, Status: http.StatusCreated, handle: addUsersToGroup},
	{Method: http.MethodDelete, Path: "/resources/groups/v1/{groupId}/users", OperationID: "GroupsControllerV1_removeUsersFromGroup", Auth: User, Perm: identity.PermDeleteGroupsUsers, handle: removeUsersFromGroup},
	{Method: http.MethodGet, Path: "/resources/groups/v2", OperationID: "GroupsControllerV2_getAllGroupsPaginated", Auth: User, Perm: identity.PermReadGroups, handle: listGroupsPage},
	{Method: http.MethodGet, Path: "/resources/users/v3/groups", OperationID: "UsersControllerV3_getUsersGroups", Auth: User, Perm: identity.PermReadGroups, handle: listUsersGroups},
}

// relations reads _groupsRelations.
func (c *call) relations() identity.GroupRelations {
	return identity.GroupRelations(c.query("_groupsRelations"))
}

func listGroups(c *call) (any, error) {
	return c.id().ListGroups(c.ctx(), c.principal, c.relations())
}

func createGroup(c *call) (any, error) {
	var in identity.CreateGroupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateGroup(c.ctx(), c.principal, in)
}

func getGroupsByIDs(c *call) (any, error) {
	var in struct {
		GroupsIDs []string `json:"groupsIds"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().GetGroupsByIDs(c.ctx(), c.principal, in.GroupsIDs, c.relations())
}

func updateGroup(c *call) (any, error) {
	var in identity.UpdateGroupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateGroup(c.ctx(), c.principal, c.param("id"), in)
}

func deleteGroup(c *call) (any, error) {
	return struct{}{}, c.id().DeleteGroup(c.ctx(), c.principal, c.param("id"))
}

func getGroup(c *call) (any, error) {
	return c.id().GetGroup(c.ctx(), c.principal, c.param("id"), c.relations())
}

func getGroupsConfig(c *call) (any, error) { return c.id().GetGroupsConfig(c.ctx()) }

func updateGroupsConfig(c *call) (any, error) {
	var in identity.GroupsConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateGroupsConfig(c.ctx(), in)
}

// groupRoleIDs decodes UpdateRolesOnGroupDto.
func groupRoleIDs(c *call) ([]string, error) {
	var in struct {
		RoleIDs []string `json:"roleIds"`
	}
	err := c.decode(&in)
	return in.RoleIDs, err
}

// groupUserIDs decodes UpdateUsersOnGroupDto.
func groupUserIDs(c *call) ([]string, error) {
	var in struct {
		UserIDs []string `json:"userIds"`
	}
	err := c.decode(&in)
	return in.UserIDs, err
}

func addRolesToGroup(c *call) (any, error) {
	ids, err := groupRoleIDs(c)
	if err != nil {
		return nil, err
	}
	return struct{}{}, c.id().AddRolesToGroup(c.ctx(), c.principal, c.param("groupId"), ids)
}

func removeRolesFromGroup(c *call) (any, error) {
	ids, err := groupRoleIDs(c)
	if err != nil {
		return nil, err
	}
	return struct{}{}, c.id().RemoveRolesFromGroup(c.ctx(), c.principal, c.param("groupId"), ids)
}

func addUsersToGroup(c *call) (any, error) {
	ids, err := groupUserIDs(c)
	if err != nil {
		return nil, err
	}
	return struct{}{}, c.id().AddUsersToGroup(c.ctx(), c.principal, c.param("groupId"), ids)
}

func removeUsersFromGroup(c *call) (any, error) {
	ids, err := groupUserIDs(c)
	if err != nil {
		return nil, err
	}
	return struct{}{}, c.id().RemoveUsersFromGroup(c.ctx(), c.principal, c.param("groupId"), ids)
}

func listGroupsPage(c *call) (any, error) {
	q, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListGroupsPage(c.ctx(), c.principal, q, c.relations())
}

func listUsersGroups(c *call) (any, error) {
	return c.id().ListUsersGroups(c.ctx(), c.principal, c.queryList("ids"))
}
