package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/yolkauth/yolk/store"
)

// checkTenantAlias returns ErrConflict if t's alias belongs to another
// tenant of its environment. An empty alias never conflicts.
func (st *state) checkTenantAlias(t *store.Tenant) error {
	if t.Alias == "" {
		return nil
	}
	if owner, ok := st.tenantByAlias[scopedKey(t.EnvID, t.Alias)]; ok && owner != t.ID {
		return fmt.Errorf("memory: tenant alias %q is taken: %w", t.Alias, store.ErrConflict)
	}
	return nil
}

// indexTenantAlias adds (add) or removes t's alias key.
func (st *state) indexTenantAlias(t *store.Tenant, add bool) {
	if t.Alias == "" {
		return
	}
	k := scopedKey(t.EnvID, t.Alias)
	if add {
		st.tenantByAlias[k] = t.ID
	} else if st.tenantByAlias[k] == t.ID {
		delete(st.tenantByAlias, k)
	}
}

// GetTenantByAlias returns the tenant of envID whose alias is alias.
func (s *Store) GetTenantByAlias(ctx context.Context, envID, alias string) (*store.Tenant, error) {
	var out *store.Tenant
	err := s.read(ctx, func(st *state) error {
		id, ok := st.tenantByAlias[scopedKey(envID, alias)]
		if !ok || alias == "" {
			return fmt.Errorf("memory: tenant alias %q of environment %q: %w", alias, envID, store.ErrNotFound)
		}
		t, err := st.tenant(envID, id)
		if err != nil {
			return err
		}
		out = cpTenant(t)
		return nil
	})
	return out, err
}

// QueryTenants returns one page of the tenants q selects and their total.
func (s *Store) QueryTenants(ctx context.Context, q store.TenantQuery) ([]store.Tenant, int, error) {
	var page []store.Tenant
	total := 0
	err := s.read(ctx, func(st *state) error {
		ids := st.tenantsByEnv.ids(q.EnvID)
		if q.IDs != nil {
			ids = ids[:0:0]
			for _, id := range q.IDs {
				if t, ok := st.tenants[id]; ok && t.EnvID == q.EnvID && !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
		search := asciiLower(q.Search)
		var recs []*store.Tenant
		for _, id := range ids {
			t := st.tenants[id]
			if search != "" && !strings.Contains(asciiLower(t.Name), search) && !strings.Contains(asciiLower(t.ID), search) {
				continue
			}
			recs = append(recs, t)
		}
		slices.SortFunc(recs, func(a, b *store.Tenant) int {
			c := 0
			switch q.Sort {
			case store.SortTenantsByName:
				c = compareNoCase(a.Name, b.Name)
			case store.SortTenantsByID:
			default:
				c = a.CreatedAt.Compare(b.CreatedAt)
			}
			if c == 0 {
				c = cmp.Compare(a.ID, b.ID)
			}
			if q.Desc {
				return -c
			}
			return c
		})
		total = len(recs)
		lo := min(max(q.Offset, 0), len(recs))
		hi := len(recs)
		if q.Limit > 0 {
			hi = min(lo+q.Limit, hi)
		}
		page = make([]store.Tenant, 0, hi-lo)
		for _, t := range recs[lo:hi] {
			page = append(page, *cpTenant(t))
		}
		return nil
	})
	return page, total, err
}
