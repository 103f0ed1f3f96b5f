package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/yolkauth/yolk/store"
)

// loadSetting reads the typed setting name of tenantID ("" for the
// environment-wide value) from st, returning def when it was never saved.
// Every policy and settings document of the API goes through it.
func loadSetting[T any](ctx context.Context, id *Identity, st store.Store, tenantID, name string, def T) (T, error) {
	s, err := st.GetSetting(ctx, id.envID, tenantID, name)
	if errors.Is(err, store.ErrNotFound) {
		return def, nil
	}
	if err != nil {
		return def, err
	}
	v := def
	if err := json.Unmarshal([]byte(s.Value), &v); err != nil {
		return def, fmt.Errorf("identity: setting %s is corrupt: %w", name, err)
	}
	return v, nil
}

// saveSetting stores v as the setting name of tenantID.
func saveSetting[T any](ctx context.Context, id *Identity, st store.Store, tenantID, name string, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("identity: encoding setting %s: %w", name, err)
	}
	return st.PutSetting(ctx, &store.Setting{EnvID: id.envID, TenantID: tenantID, Name: name, Value: string(b), UpdatedAt: id.now()})
}
