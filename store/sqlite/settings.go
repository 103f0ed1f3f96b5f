package sqlite

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

const settingColumns = `env_id, tenant_id, name, value, updated_at`

func scanSetting(sc scanner) (*store.Setting, error) {
	var v store.Setting
	var updated int64
	if err := sc.Scan(&v.EnvID, &v.TenantID, &v.Name, &v.Value, &updated); err != nil {
		return nil, err
	}
	v.UpdatedAt = fromMicros(updated)
	return &v, nil
}

// GetSetting returns the setting name of (envID, tenantID).
func (s *Store) GetSetting(ctx context.Context, envID, tenantID, name string) (*store.Setting, error) {
	return getOne(ctx, s.r, "get setting", scanSetting,
		`SELECT `+settingColumns+` FROM settings WHERE env_id = ? AND name = ? AND tenant_id = ?`, envID, name, tenantID)
}

// PutSetting inserts or replaces the setting. An unknown environment is
// ErrNotFound.
func (s *Store) PutSetting(ctx context.Context, v *store.Setting) error {
	_, err := s.exec(ctx, "put setting",
		`INSERT INTO settings (`+settingColumns+`) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (env_id, name, tenant_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		v.EnvID, v.TenantID, v.Name, v.Value, micros(v.UpdatedAt))
	return err
}

// DeleteSetting removes the setting; ErrNotFound if absent.
func (s *Store) DeleteSetting(ctx context.Context, envID, tenantID, name string) error {
	return s.execOne(ctx, "delete setting",
		`DELETE FROM settings WHERE env_id = ? AND name = ? AND tenant_id = ?`, envID, name, tenantID)
}

// ListSettings returns every value of name in envID, by tenant id.
func (s *Store) ListSettings(ctx context.Context, envID, name string) ([]store.Setting, error) {
	return list(ctx, s.r, "list settings", scanSetting,
		`SELECT `+settingColumns+` FROM settings WHERE env_id = ? AND name = ? ORDER BY tenant_id`, envID, name)
}

// DeleteTenantSettings removes every setting of tenantID in envID.
func (s *Store) DeleteTenantSettings(ctx context.Context, envID, tenantID string) (int, error) {
	if tenantID == "" {
		return 0, nil
	}
	n, err := s.exec(ctx, "delete tenant settings", `DELETE FROM settings INDEXED BY settings_env_tenant WHERE env_id = ? AND tenant_id = ?`, envID, tenantID)
	return int(n), err
}
