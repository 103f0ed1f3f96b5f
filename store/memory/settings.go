package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/yolkauth/yolk/store"
)

func settingKey(envID, tenantID, name string) string {
	return scopedKey(scopedKey(envID, tenantID), name)
}

func cpSetting(s *store.Setting) *store.Setting {
	c := *s
	c.UpdatedAt = normTime(s.UpdatedAt)
	return &c
}

// GetSetting returns the setting name of (envID, tenantID).
func (s *Store) GetSetting(ctx context.Context, envID, tenantID, name string) (*store.Setting, error) {
	var out *store.Setting
	err := s.read(ctx, func(st *state) error {
		v, ok := st.settings[settingKey(envID, tenantID, name)]
		if !ok {
			return fmt.Errorf("memory: setting %q of %q/%q: %w", name, envID, tenantID, store.ErrNotFound)
		}
		out = cpSetting(v)
		return nil
	})
	return out, err
}

// PutSetting inserts or replaces the setting.
func (s *Store) PutSetting(ctx context.Context, set *store.Setting) error {
	c := cpSetting(set)
	return s.write(ctx, func(st *state) error {
		st.settings[settingKey(c.EnvID, c.TenantID, c.Name)] = c
		return nil
	})
}

// DeleteSetting removes the setting; ErrNotFound if absent.
func (s *Store) DeleteSetting(ctx context.Context, envID, tenantID, name string) error {
	return s.write(ctx, func(st *state) error {
		k := settingKey(envID, tenantID, name)
		if _, ok := st.settings[k]; !ok {
			return fmt.Errorf("memory: setting %q of %q/%q: %w", name, envID, tenantID, store.ErrNotFound)
		}
		delete(st.settings, k)
		return nil
	})
}

// ListSettings returns every value of name in envID, by tenant id.
func (s *Store) ListSettings(ctx context.Context, envID, name string) ([]store.Setting, error) {
	out := []store.Setting{}
	err := s.read(ctx, func(st *state) error {
		for _, v := range st.settings {
			if v.EnvID == envID && v.Name == name {
				out = append(out, *cpSetting(v))
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b store.Setting) int { return cmp.Compare(a.TenantID, b.TenantID) })
	return out, err
}

// DeleteTenantSettings removes every setting of tenantID in envID.
func (s *Store) DeleteTenantSettings(ctx context.Context, envID, tenantID string) (int, error) {
	n := 0
	err := s.write(ctx, func(st *state) error {
		if tenantID == "" {
			return nil
		}
		for k, v := range st.settings {
			if v.EnvID == envID && v.TenantID == tenantID {
				delete(st.settings, k)
				n++
			}
		}
		return nil
	})
	return n, err
}
