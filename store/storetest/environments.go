package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

var environmentTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.newEnv()
		e.CreatedAt = at(123456 * time.Microsecond)
		e.UpdatedAt = at(time.Second + 654321*time.Microsecond)
		allSet(t, e)
		want := clone(e)
		must(t, "CreateEnvironment", f.s.CreateEnvironment(f.ctx, e))
		got, err := f.s.GetEnvironment(f.ctx, e.ID)
		must(t, "GetEnvironment", err)
		equal(t, "GetEnvironment", got, want)
		got, err = f.s.GetEnvironmentByClientID(f.ctx, e.ClientID)
		must(t, "GetEnvironmentByClientID", err)
		equal(t, "GetEnvironmentByClientID", got, want)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e := f.env()
		_, err := f.s.GetEnvironment(f.ctx, "missing")
		wantErr(t, "GetEnvironment(missing)", err, store.ErrNotFound)
		_, err = f.s.GetEnvironmentByClientID(f.ctx, "missing")
		wantErr(t, "GetEnvironmentByClientID(missing)", err, store.ErrNotFound)
		// The client id is not an id, and the other way round.
		_, err = f.s.GetEnvironment(f.ctx, e.ClientID)
		wantErr(t, "GetEnvironment(client id)", err, store.ErrNotFound)
		_, err = f.s.GetEnvironmentByClientID(f.ctx, e.ID)
		wantErr(t, "GetEnvironmentByClientID(id)", err, store.ErrNotFound)
		err = f.s.UpdateEnvironment(f.ctx, f.newEnv())
		wantErr(t, "UpdateEnvironment(missing)", err, store.ErrNotFound)
	}},
	{"Conflict", func(t *testing.T, f *fx) {
		e := f.env()
		want := clone(e)

		dupID := f.newEnv()
		dupID.ID = e.ID
		wantErr(t, "CreateEnvironment(same id)", f.s.CreateEnvironment(f.ctx, dupID), store.ErrConflict)
		_, err := f.s.GetEnvironmentByClientID(f.ctx, dupID.ClientID)
		wantErr(t, "client id of the rejected environment", err, store.ErrNotFound)

		dupClient := f.newEnv()
		dupClient.ClientID = e.ClientID
		wantErr(t, "CreateEnvironment(same client id)", f.s.CreateEnvironment(f.ctx, dupClient), store.ErrConflict)
		_, err = f.s.GetEnvironment(f.ctx, dupClient.ID)
		wantErr(t, "id of the rejected environment", err, store.ErrNotFound)

		got, err := f.s.GetEnvironment(f.ctx, e.ID)
		must(t, "GetEnvironment", err)
		equal(t, "environment after rejected creates", got, want)
	}},
	{"Update", func(t *testing.T, f *fx) {
		e := f.env()
		e.SecretHash = hashOf("rotated")
		e.ClientID = "client-rotated-" + e.ID
		e.UpdatedAt = at(time.Hour + 777*time.Microsecond)
		want := clone(e)
		must(t, "UpdateEnvironment", f.s.UpdateEnvironment(f.ctx, e))
		got, err := f.s.GetEnvironment(f.ctx, e.ID)
		must(t, "GetEnvironment", err)
		equal(t, "after UpdateEnvironment", got, want)
		got, err = f.s.GetEnvironmentByClientID(f.ctx, e.ClientID)
		must(t, "GetEnvironmentByClientID(new client id)", err)
		equal(t, "by new client id", got, want)
	}},
	{"List", func(t *testing.T, f *fx) {
		got, err := f.s.ListEnvironments(f.ctx)
		must(t, "ListEnvironments(empty store)", err)
		if len(got) != 0 {
			t.Fatalf("ListEnvironments on an empty store returned %d environments", len(got))
		}
		// Created out of order: the list is ordered by CreatedAt, not by
		// insertion. Whole-second and fractional times are mixed.
		offsets := []time.Duration{2 * time.Second, 0, 1500 * time.Millisecond, time.Second, 500 * time.Millisecond}
		recs := make([]*store.Environment, len(offsets))
		for i, d := range offsets {
			recs[i] = f.newEnv()
			recs[i].CreatedAt = at(d)
			must(t, "CreateEnvironment", f.s.CreateEnvironment(f.ctx, recs[i]))
		}
		got, err = f.s.ListEnvironments(f.ctx)
		must(t, "ListEnvironments", err)
		equalIDs(t, "ListEnvironments order (oldest first)",
			ids(got, func(e *store.Environment) string { return e.ID }),
			[]string{recs[1].ID, recs[4].ID, recs[3].ID, recs[2].ID, recs[0].ID})
		equal(t, "ListEnvironments[0]", &got[0], recs[1])
	}},
	{"Copies", func(t *testing.T, f *fx) {
		id := next("env")
		e := f.newEnv()
		e.ID = id
		checkCopies(t, "Environment", e,
			func(e *store.Environment) error { return f.s.CreateEnvironment(f.ctx, e) },
			func() (*store.Environment, error) { return f.s.GetEnvironment(f.ctx, id) })
		list, err := f.s.ListEnvironments(f.ctx)
		must(t, "ListEnvironments", err)
		scramble(&list[0])
		got, err := f.s.GetEnvironment(f.ctx, id)
		must(t, "GetEnvironment", err)
		again, err := f.s.ListEnvironments(f.ctx)
		must(t, "ListEnvironments", err)
		equal(t, "listed environment after changing a listed copy", &again[0], got)

		upd := clone(got)
		upd.SecretHash = hashOf("new")
		want := clone(upd)
		must(t, "UpdateEnvironment", f.s.UpdateEnvironment(f.ctx, upd))
		scramble(upd)
		got, err = f.s.GetEnvironment(f.ctx, id)
		must(t, "GetEnvironment", err)
		equal(t, "after changing the record passed to UpdateEnvironment", got, want)
	}},
}

// newConfig returns a configuration of envID with every field set.
func newConfig(envID string) *store.EnvConfig {
	return &store.EnvConfig{
		EnvID:                               envID,
		DefaultTokenExpiration:              300,
		DefaultRefreshTokenExpiration:       86400,
		CookieSameSite:                      "LAX",
		MachineToMachineAuthStrategy:        "ClientCredentials",
		AllowSignups:                        true,
		APITokensEnabled:                    true,
		AllowOverridePasswordComplexity:     true,
		AllowOverridePasswordExpiration:     true,
		AllowOverrideEnforcePasswordHistory: true,
		JWTAlgorithm:                        "RS256",
		JWTSecret:                           "hs256-secret",
		AllowNotVerifiedUsersLogin:          true,
		ForcePermissions:                    true,
		AddSamlAttributesToJWT:              true,
		AuthStrategy:                        "EmailAndPassword",
		DefaultPasswordlessTokenExpiration:  600,
		ForceSameDeviceOnAuth:               true,
		AllowTenantInvitations:              true,
		RotateRefreshTokens:                 true,
		RefreshTokensRotationLimit:          3,
		SkipTenantValidation:                true,
		AddRolesToJWT:                       true,
		AddPermissionsToJWT:                 true,
		AllowCustomLoginTenantSwitch:        true,
		UpdatedAt:                           at(42*time.Second + 424242*time.Microsecond),
	}
}

var configTests = []test{
	{"NotFound", func(t *testing.T, f *fx) {
		e := f.env()
		_, err := f.s.GetConfig(f.ctx, e.ID)
		wantErr(t, "GetConfig(never saved)", err, store.ErrNotFound)
		_, err = f.s.GetConfig(f.ctx, "missing")
		wantErr(t, "GetConfig(unknown env)", err, store.ErrNotFound)
	}},
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		cfg := newConfig(e.ID)
		allSet(t, cfg)
		want := clone(cfg)
		must(t, "PutConfig", f.s.PutConfig(f.ctx, cfg))
		got, err := f.s.GetConfig(f.ctx, e.ID)
		must(t, "GetConfig", err)
		equal(t, "GetConfig", got, want)
	}},
	{"Replace", func(t *testing.T, f *fx) {
		e := f.env()
		other := f.env()
		must(t, "PutConfig", f.s.PutConfig(f.ctx, newConfig(e.ID)))
		otherCfg := newConfig(other.ID)
		must(t, "PutConfig(other env)", f.s.PutConfig(f.ctx, otherCfg))

		// Every bool false, every number and string changed or emptied.
		repl := &store.EnvConfig{
			EnvID:                         e.ID,
			DefaultTokenExpiration:        60,
			DefaultRefreshTokenExpiration: 120,
			CookieSameSite:                "STRICT",
			JWTAlgorithm:                  "HS256",
			UpdatedAt:                     at(time.Hour),
		}
		must(t, "PutConfig(replace)", f.s.PutConfig(f.ctx, repl))
		got, err := f.s.GetConfig(f.ctx, e.ID)
		must(t, "GetConfig", err)
		equal(t, "GetConfig after replace", got, repl)
		got, err = f.s.GetConfig(f.ctx, other.ID)
		must(t, "GetConfig(other env)", err)
		equal(t, "other environment's config", got, otherCfg)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		envID := f.env().ID
		checkCopies(t, "EnvConfig", newConfig(envID),
			func(c *store.EnvConfig) error { return f.s.PutConfig(f.ctx, c) },
			func() (*store.EnvConfig, error) { return f.s.GetConfig(f.ctx, envID) })
	}},
}
