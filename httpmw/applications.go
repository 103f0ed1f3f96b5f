package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

var applicationRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/applications/v1/{appId}/users", OperationID: "ApplicationsControllerV1_getUsersForApplication", Auth: Vendor, handle: listApplicationUsers},
	{Method: http.MethodGet, Path: "/resources/applications/v1/{userId}/apps", OperationID: "ApplicationsControllerV1_getApplicationsForUser", Auth: Vendor, handle: listUserApplications},
	{Method: http.MethodPost, Path: "/resources/applications/v1", OperationID: "ApplicationsControllerV1_assignUsersToApplication", Auth: Vendor, Status: http.StatusCreated, handle: assignApplicationUsers},
	{Method: http.MethodDelete, Path: "/resources/applications/v1", OperationID: "ApplicationsControllerV1_unassignUsersFromApplication", Auth: Vendor, handle: unassignApplicationUsers},
	{Method: http.MethodGet, Path: "/resources/applications/user-tenants/active/v1", OperationID: "ApplicationsActiveUserTenantsControllerV1_getUserApplicationActiveTenants", Auth: User, handle: getApplicationActiveTenants},
	{Method: http.MethodPut, Path: "/resources/applications/user-tenants/active/v1", OperationID: "ApplicationsActiveUserTenantsControllerV1_switchUserApplicationActiveTenant", Auth: User, handle: switchApplicationActiveTenant},
}

// The listings narrow to the tenant a frontegg-tenant-id header names.

func listApplicationUsers(c *call) (any, error) {
	return c.id().ListApplicationUsers(c.ctx(), c.param("appId"), c.principal.TenantID)
}

func listUserApplications(c *call) (any, error) {
	return c.id().ListUserApplications(c.ctx(), c.param("userId"), c.principal.TenantID)
}

func assignApplicationUsers(c *call) (any, error) {
	var in identity.ApplicationUsersInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AssignUsersToApplication(c.ctx(), in)
}

func unassignApplicationUsers(c *call) (any, error) {
	var in identity.ApplicationUsersInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().UnassignUsersFromApplication(c.ctx(), in)
}

func getApplicationActiveTenants(c *call) (any, error) {
	return c.id().GetUserApplicationActiveTenants(c.ctx(), c.principal)
}

func switchApplicationActiveTenant(c *call) (any, error) {
	var in identity.SwitchApplicationActiveTenantsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, c.id().SwitchUserApplicationActiveTenant(c.ctx(), c.principal, in)
}
