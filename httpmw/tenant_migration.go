package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// tenantMigrationRoutes are the accounts API's Account migration
// operations (NewAccounts).
var tenantMigrationRoutes = []Route{
	{API: APITenants, Method: http.MethodPost, Path: "/resources/migrations/v1/tenants", OperationID: "MigrationControllerV1_migrateTenants", Auth: Vendor, Status: http.StatusAccepted, handle: migrateTenants},
	{API: APITenants, Method: http.MethodGet, Path: "/resources/migrations/v1/tenants/status/{migrationId}", OperationID: "MigrationControllerV1_getMigrateTenantsStatus", Auth: Vendor, handle: getTenantMigrationStatus},
}

func migrateTenants(c *call) (any, error) {
	var in identity.MigrateTenantsInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().MigrateTenants(c.ctx(), in)
}

func getTenantMigrationStatus(c *call) (any, error) {
	return c.id().GetTenantMigrationStatus(c.ctx(), c.param("migrationId"))
}
