package identity

import "context"

// settingDelegation names the environment's delegation configuration.
const settingDelegation = "delegation"

// DelegationConfig says whether access tokens created through token
// exchange may act on behalf of a user (GetDelegationConfigurationResponseDto).
// It is disabled until set. The token-exchange flow reads it.
type DelegationConfig struct {
	Enabled bool `json:"enabled"`
}

// DelegationConfigInput sets the delegation configuration
// (CreateDelegationConfigurationRequestDto); Enabled is required.
type DelegationConfigInput struct {
	Enabled *bool `json:"enabled"`
}

// GetDelegationConfig returns the environment's delegation configuration
// (disabled when never set).
func (id *Identity) GetDelegationConfig(ctx context.Context) (*DelegationConfig, error) {
	c, err := loadSetting(ctx, id, id.store, "", settingDelegation, DelegationConfig{})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// PutDelegationConfig creates or replaces the delegation configuration.
func (id *Identity) PutDelegationConfig(ctx context.Context, in DelegationConfigInput) (*DelegationConfig, error) {
	if in.Enabled == nil {
		return nil, invalid("enabled", "enabled is required")
	}
	c := DelegationConfig{Enabled: *in.Enabled}
	if err := saveSetting(ctx, id, id.store, "", settingDelegation, c); err != nil {
		return nil, err
	}
	return &c, nil
}
