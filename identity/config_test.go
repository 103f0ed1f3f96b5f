package identity_test

import (
	"context"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// TestRefreshTokensRotationLimit: a session's refresh token rotates at most
// refreshTokensRotationLimit times; the refusal changes nothing.
func TestRefreshTokensRotationLimit(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	e.setConfig(t, identity.VendorConfigUpdate{RefreshTokensRotationLimit: ptr(2)})
	e.user(t, "rot@example.com")
	tok := e.login(t, "rot@example.com").RefreshToken
	for i := range 2 {
		res, err := e.id.Refresh(ctx, tok, "", identity.ClientInfo{})
		if err != nil {
			t.Fatalf("rotation %d: %v", i+1, err)
		}
		tok = res.RefreshToken
	}
	_, err := e.id.Refresh(ctx, tok, "", identity.ClientInfo{})
	wantErr(t, err, identity.ErrUnauthorized)
	wantCode(t, err, identity.CodeInvalidRefresh)

	// A new login starts a new count.
	fresh := e.login(t, "rot@example.com").RefreshToken
	if _, err := e.id.Refresh(ctx, fresh, "", identity.ClientInfo{}); err != nil {
		t.Fatalf("first rotation of a new session: %v", err)
	}
	// The refused token was not used up: lifting the limit lets it rotate.
	e.setConfig(t, identity.VendorConfigUpdate{RefreshTokensRotationLimit: ptr(0)})
	res, err := e.id.Refresh(ctx, tok, "", identity.ClientInfo{})
	if err != nil {
		t.Fatalf("refresh after lifting the limit: %v", err)
	}
	if _, err := e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{}); err != nil {
		t.Fatalf("no limit: %v", err)
	}
	// Without rotation there is nothing to count.
	e.setConfig(t, identity.VendorConfigUpdate{RefreshTokensRotationLimit: ptr(1), RotateRefreshTokens: ptr(false)})
	still := e.login(t, "rot@example.com").RefreshToken
	for i := range 3 {
		if _, err := e.id.Refresh(ctx, still, "", identity.ClientInfo{}); err != nil {
			t.Fatalf("refresh %d without rotation: %v", i+1, err)
		}
	}

	_, err = e.id.UpdateVendorConfig(ctx, identity.VendorConfigUpdate{RefreshTokensRotationLimit: ptr(-1)})
	wantField(t, err, "refreshTokensRotationLimit")
	_, err = e.id.UpdateVendorConfig(ctx, identity.VendorConfigUpdate{RefreshTokensRotationLimit: ptr(identity.MaxRefreshTokensRotationLimit + 1)})
	wantField(t, err, "refreshTokensRotationLimit")
	if cfg, _ := e.id.GetVendorConfig(ctx); cfg.RefreshTokensRotationLimit != 1 {
		t.Fatalf("refreshTokensRotationLimit = %d, want 1", cfg.RefreshTokensRotationLimit)
	}
}

// TestVendorConfigStoresEveryField sets every field of VendorConfigUpdate
// away from its default and reads each back.
func TestVendorConfigStoresEveryField(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	d := identity.DefaultConfig(e.id.EnvironmentID())
	in := identity.VendorConfigUpdate{
		DefaultTokenExpiration:              ptr(601),
		DefaultRefreshTokenExpiration:       ptr(7201),
		CookieSameSite:                      ptr("NONE"),
		MachineToMachineAuthStrategy:        ptr("AccessToken"),
		AllowSignups:                        ptr(!d.AllowSignups),
		APITokensEnabled:                    ptr(!d.APITokensEnabled),
		AllowOverridePasswordComplexity:     ptr(!d.AllowOverridePasswordComplexity),
		AllowOverridePasswordExpiration:     ptr(!d.AllowOverridePasswordExpiration),
		AllowOverrideEnforcePasswordHistory: ptr(!d.AllowOverrideEnforcePasswordHistory),
		JWTAlgorithm:                        ptr("HS256"),
		AllowNotVerifiedUsersLogin:          ptr(!d.AllowNotVerifiedUsersLogin),
		ForcePermissions:                    ptr(!d.ForcePermissions),
		AddSamlAttributesToJWT:              ptr(!d.AddSamlAttributesToJWT),
		AuthStrategy:                        ptr("MagicLink"),
		DefaultPasswordlessTokenExpiration:  ptr(901),
		ForceSameDeviceOnAuth:               ptr(!d.ForceSameDeviceOnAuth),
		AllowTenantInvitations:              ptr(!d.AllowTenantInvitations),
		RotateRefreshTokens:                 ptr(!d.RotateRefreshTokens),
		SkipTenantValidation:                ptr(!d.SkipTenantValidation),
		AddRolesToJWT:                       ptr(!d.AddRolesToJWT),
		AddPermissionsToJWT:                 ptr(!d.AddPermissionsToJWT),
		AllowCustomLoginTenantSwitch:        ptr(!d.AllowCustomLoginTenantSwitch),
		RefreshTokensRotationLimit:          ptr(5),
	}
	if _, err := e.id.UpdateVendorConfig(ctx, in); err != nil {
		t.Fatal(err)
	}
	// A second Identity over the same store reads what was stored.
	cfg, err := e.newIdentity(t).GetVendorConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"defaultTokenExpiration", cfg.DefaultTokenExpiration, 601},
		{"defaultRefreshTokenExpiration", cfg.DefaultRefreshTokenExpiration, 7201},
		{"cookieSameSite", cfg.CookieSameSite, "NONE"},
		{"machineToMachineAuthStrategy", cfg.MachineToMachineAuthStrategy, "AccessToken"},
		{"allowSignups", cfg.AllowSignups, !d.AllowSignups},
		{"apiTokensEnabled", cfg.APITokensEnabled, !d.APITokensEnabled},
		{"allowOverridePasswordComplexity", cfg.AllowOverridePasswordComplexity, !d.AllowOverridePasswordComplexity},
		{"allowOverridePasswordExpiration", cfg.AllowOverridePasswordExpiration, !d.AllowOverridePasswordExpiration},
		{"allowOverrideEnforcePasswordHistory", cfg.AllowOverrideEnforcePasswordHistory, !d.AllowOverrideEnforcePasswordHistory},
		{"jwtAlgorithm", cfg.JWTAlgorithm, "HS256"},
		{"allowNotVerifiedUsersLogin", cfg.AllowNotVerifiedUsersLogin, !d.AllowNotVerifiedUsersLogin},
		{"forcePermissions", cfg.ForcePermissions, !d.ForcePermissions},
		{"addSamlAttributesToJwt", cfg.AddSamlAttributesToJWT, !d.AddSamlAttributesToJWT},
		{"authStrategy", cfg.AuthStrategy, "MagicLink"},
		{"defaultPasswordlessTokenExpiration", cfg.DefaultPasswordlessTokenExpiration, 901},
		{"forceSameDeviceOnAuth", cfg.ForceSameDeviceOnAuth, !d.ForceSameDeviceOnAuth},
		{"allowTenantInvitations", cfg.AllowTenantInvitations, !d.AllowTenantInvitations},
		{"rotateRefreshTokens", cfg.RotateRefreshTokens, !d.RotateRefreshTokens},
		{"skipTenantValidation", cfg.SkipTenantValidation, !d.SkipTenantValidation},
		{"addRolesToJwt", cfg.AddRolesToJWT, !d.AddRolesToJWT},
		{"addPermissionsToJwt", cfg.AddPermissionsToJWT, !d.AddPermissionsToJWT},
		{"allowCustomLoginTenantSwitch", cfg.AllowCustomLoginTenantSwitch, !d.AllowCustomLoginTenantSwitch},
		{"refreshTokensRotationLimit", cfg.RefreshTokensRotationLimit, 5},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	// An empty update changes nothing.
	again, err := e.id.UpdateVendorConfig(ctx, identity.VendorConfigUpdate{})
	if err != nil || *again != *cfg {
		t.Fatalf("empty update: %+v, %v; want %+v", again, err, cfg)
	}
}

func TestDelegationConfig(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	c, err := e.id.GetDelegationConfig(ctx)
	if err != nil || c.Enabled {
		t.Fatalf("default delegation = %+v, %v; want disabled", c, err)
	}
	_, err = e.id.PutDelegationConfig(ctx, identity.DelegationConfigInput{})
	wantField(t, err, "enabled")
	if c, err := e.id.PutDelegationConfig(ctx, identity.DelegationConfigInput{Enabled: ptr(true)}); err != nil || !c.Enabled {
		t.Fatalf("PutDelegationConfig(true) = %+v, %v", c, err)
	}
	if c, err := e.newIdentity(t).GetDelegationConfig(ctx); err != nil || !c.Enabled {
		t.Fatalf("stored delegation = %+v, %v; want enabled", c, err)
	}
	if c, err := e.id.PutDelegationConfig(ctx, identity.DelegationConfigInput{Enabled: ptr(false)}); err != nil || c.Enabled {
		t.Fatalf("PutDelegationConfig(false) = %+v, %v", c, err)
	}
	if c, _ := e.id.GetDelegationConfig(ctx); c.Enabled {
		t.Fatal("delegation still enabled")
	}
}
