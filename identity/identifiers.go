package identity

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Permission keys the identifier routes check when a user acts on other
// users of its tenant.
const (
	// PermReadUsers lists the tenant's users' e-mails and usernames.
	PermReadUsers = "fe.secure.read.users"
	// PermUpdateUser changes other users of the tenant (removes their
	// usernames).
	PermUpdateUser = "fe.secure.write.updateUser"
)

// listScope returns which users a listing may show p: nil (no
// restriction) for the environment token naming no tenant, else the
// members of the principal's tenant. want, when non-nil, narrows the
// result further. A user principal needs perm.
func (id *Identity) listScope(ctx context.Context, p *Principal, perm string, want []string) ([]string, error) {
	if p == nil {
		return nil, unauthorized("", "authentication required")
	}
	if !p.Vendor && !Can(p, perm) {
		return nil, forbidden("", "missing permission %s", perm)
	}
	if p.TenantID == "" {
		if !p.Vendor {
			return nil, forbidden("", "the access token names no tenant")
		}
		return want, nil
	}
	ms, err := id.store.ListTenantMemberships(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	members := make(map[string]bool, len(ms))
	for _, m := range ms {
		if m.EnvID == id.envID {
			members[m.UserID] = true
		}
	}
	out := []string{}
	if want == nil {
		for _, m := range ms {
			if members[m.UserID] {
				out = append(out, m.UserID)
			}
		}
		return out, nil
	}
	for _, u := range want {
		if members[u] {
			out = append(out, u)
		}
	}
	return out, nil
}

// actsOn checks that p may manage userID: itself, or as the environment,
// or as a member of userID's tenant holding perm. A user outside the
// principal's tenant is not found.
func (id *Identity) actsOn(ctx context.Context, p *Principal, userID, perm string) error {
	if p == nil {
		return unauthorized("", "authentication required")
	}
	if !p.Vendor && p.UserID == userID {
		return nil
	}
	if p.TenantID != "" {
		if _, err := id.store.GetMembership(ctx, userID, p.TenantID); err != nil {
			return storeErr(err, "user "+userID+" in tenant "+p.TenantID)
		}
	} else if !p.Vendor {
		return notFound("user %s not found", userID)
	}
	if !Can(p, perm) {
		return forbidden("", "missing permission %s", perm)
	}
	return nil
}

// sortPage sorts items by the key q.SortBy names (keys maps each sortable
// field to its key), stably, in q.Order, and cuts out q's page.
func sortPage[T any](items []T, q PageQuery, keys map[string]func(*T) string) *Page[T] {
	key := keys[q.SortBy]
	if key != nil {
		slices.SortStableFunc(items, func(a, b T) int {
			c := cmp.Compare(strings.ToLower(key(&a)), strings.ToLower(key(&b)))
			if q.Order == "DESC" {
				return -c
			}
			return c
		})
	}
	return pageOf(items, q)
}
