package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yolkauth/yolk/store"
)

func cpAPIToken(t *store.APIToken) *store.APIToken {
	c := *t
	c.SecretHash = slices.Clone(t.SecretHash)
	c.RoleIDs = slices.Clone(t.RoleIDs)
	c.PermissionIDs = slices.Clone(t.PermissionIDs)
	c.CreatedAt = normTime(t.CreatedAt)
	if t.ExpiresAt != nil {
		e := normTime(*t.ExpiresAt)
		c.ExpiresAt = &e
	}
	return &c
}

// apiToken returns token id of envID, or ErrNotFound.
func (st *state) apiToken(envID, id string) (*store.APIToken, error) {
	t, ok := st.apiTokens[id]
	if !ok || t.EnvID != envID {
		return nil, fmt.Errorf("memory: API token %q of environment %q: %w", id, envID, store.ErrNotFound)
	}
	return t, nil
}

// CreateAPIToken inserts t; ErrConflict if t.ID exists.
func (s *Store) CreateAPIToken(ctx context.Context, t *store.APIToken) error {
	c := cpAPIToken(t)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.apiTokens[c.ID]; ok {
			return fmt.Errorf("memory: API token %q exists: %w", c.ID, store.ErrConflict)
		}
		st.apiTokens[c.ID] = c
		st.apiTokensByTenant.add(c.TenantID, c.ID)
		return nil
	})
}

// GetAPIToken returns token id of envID.
func (s *Store) GetAPIToken(ctx context.Context, envID, id string) (*store.APIToken, error) {
	var out *store.APIToken
	err := s.read(ctx, func(st *state) error {
		t, err := st.apiToken(envID, id)
		if err != nil {
			return err
		}
		out = cpAPIToken(t)
		return nil
	})
	return out, err
}

// UpdateAPIToken replaces the stored token, keeping its tenant, user and
// type; ErrNotFound if absent.
func (s *Store) UpdateAPIToken(ctx context.Context, t *store.APIToken) error {
	c := cpAPIToken(t)
	return s.write(ctx, func(st *state) error {
		old, err := st.apiToken(c.EnvID, c.ID)
		if err != nil {
			return err
		}
		c.TenantID, c.UserID, c.Type = old.TenantID, old.UserID, old.Type
		st.apiTokens[c.ID] = c
		return nil
	})
}

// DeleteAPIToken removes token id of envID; ErrNotFound if absent.
func (s *Store) DeleteAPIToken(ctx context.Context, envID, id string) error {
	return s.write(ctx, func(st *state) error {
		t, err := st.apiToken(envID, id)
		if err != nil {
			return err
		}
		st.apiTokensByTenant.remove(t.TenantID, id)
		delete(st.apiTokens, id)
		return nil
	})
}

// ListAPITokens returns the tokens of envID that match f, oldest first.
func (s *Store) ListAPITokens(ctx context.Context, envID string, f store.APITokenFilter) ([]store.APIToken, error) {
	var out []store.APIToken
	err := s.read(ctx, func(st *state) error {
		var from []string
		if f.TenantID != "" {
			from = st.apiTokensByTenant.ids(f.TenantID)
		} else {
			for id := range st.apiTokens {
				from = append(from, id)
			}
		}
		var ids []string
		for _, id := range from {
			t := st.apiTokens[id]
			if t.EnvID != envID || (f.UserID != "" && t.UserID != f.UserID) ||
				(len(f.Types) > 0 && !slices.Contains(f.Types, t.Type)) {
				continue
			}
			ids = append(ids, id)
		}
		out = list(st.apiTokens, ids,
			func(t *store.APIToken) time.Time { return t.CreatedAt },
			func(t *store.APIToken) string { return t.ID }, cpAPIToken, false)
		return nil
	})
	return out, err
}
