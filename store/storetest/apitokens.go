package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newAPIToken returns an unsaved API token of tenant (and user, if set).
func (f *fx) newAPIToken(envID, tenantID, userID, typ string) *store.APIToken {
	now := f.now()
	return &store.APIToken{
		ID: next("apitoken"), EnvID: envID, TenantID: tenantID, UserID: userID, Type: typ,
		Description: "ci deploys", SecretHash: []byte{1, 2, 3, 4}, Metadata: `{"team":"ops"}`,
		RoleIDs: []string{"r1", "r2"}, PermissionIDs: []string{"p1"}, CreatedByUserID: "creator",
		CreatedAt: now, ExpiresAt: ptr(now.Add(time.Hour + 7*time.Microsecond)),
	}
}

// wantAPITokens fails unless got equals want, record by record.
func wantAPITokens(t *testing.T, what string, got []store.APIToken, err error, want ...*store.APIToken) {
	t.Helper()
	must(t, what, err)
	if got == nil {
		t.Fatalf("%s returned nil, want a non-nil slice", what)
	}
	w := make([]store.APIToken, len(want))
	for i, p := range want {
		w[i] = *p
	}
	idOf := func(p *store.APIToken) string { return p.ID }
	equalIDs(t, what, ids(got, idOf), ids(w, idOf))
	for i := range got {
		equal(t, what, &got[i], &w[i])
	}
}

var apiTokenTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		tok := f.newAPIToken(e.ID, tn.ID, "user-1", store.APITokenUser)
		allSet(t, tok)
		want := clone(tok)
		must(t, "CreateAPIToken", f.s.CreateAPIToken(f.ctx, tok))
		tok.RoleIDs[0] = "changed after create" // the store keeps its own copy
		got, err := f.s.GetAPIToken(f.ctx, e.ID, want.ID)
		must(t, "GetAPIToken", err)
		equal(t, "GetAPIToken", got, want)

		upd := clone(want)
		upd.Description, upd.Metadata = "renamed", `{}`
		upd.RoleIDs, upd.PermissionIDs = nil, []string{"p2", "p3"}
		upd.ExpiresAt = nil
		upd.TenantID, upd.UserID, upd.Type = "other-tenant", "other-user", store.APITokenTenant // kept
		must(t, "UpdateAPIToken", f.s.UpdateAPIToken(f.ctx, upd))
		wantUpd := clone(upd)
		wantUpd.TenantID, wantUpd.UserID, wantUpd.Type = tn.ID, "user-1", store.APITokenUser
		got, err = f.s.GetAPIToken(f.ctx, e.ID, want.ID)
		must(t, "GetAPIToken after update", err)
		equal(t, "updated API token", got, wantUpd)

		// An access-token record has no secret.
		acc := f.newAPIToken(e.ID, tn.ID, "", store.AccessTokenTenant)
		acc.SecretHash, acc.ExpiresAt = nil, nil
		must(t, "CreateAPIToken(access token)", f.s.CreateAPIToken(f.ctx, acc))
		got, err = f.s.GetAPIToken(f.ctx, e.ID, acc.ID)
		must(t, "GetAPIToken(access token)", err)
		equal(t, "access token", got, acc)

		list, err := f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{TenantID: tn.ID})
		wantAPITokens(t, "ListAPITokens(tenant)", list, err, wantUpd, acc)

		must(t, "DeleteAPIToken", f.s.DeleteAPIToken(f.ctx, e.ID, want.ID))
		_, err = f.s.GetAPIToken(f.ctx, e.ID, want.ID)
		wantErr(t, "GetAPIToken(deleted)", err, store.ErrNotFound)
		list, err = f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{TenantID: tn.ID})
		wantAPITokens(t, "ListAPITokens after delete", list, err, acc)
	}},
	{"Filters", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		t1, t2 := f.tenant(e.ID), f.tenant(e.ID)
		a := f.newAPIToken(e.ID, t1.ID, "", store.APITokenTenant)
		b := f.newAPIToken(e.ID, t1.ID, "u1", store.APITokenUser)
		c := f.newAPIToken(e.ID, t1.ID, "u1", store.AccessTokenUser)
		d := f.newAPIToken(e.ID, t2.ID, "", store.AccessTokenTenant)
		x := f.newAPIToken(other.ID, t1.ID, "u1", store.APITokenUser)
		for _, tok := range []*store.APIToken{a, b, c, d, x} {
			must(t, "CreateAPIToken", f.s.CreateAPIToken(f.ctx, tok))
		}
		list, err := f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{})
		wantAPITokens(t, "ListAPITokens(all)", list, err, a, b, c, d)
		list, err = f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{TenantID: t1.ID, Types: []string{store.APITokenTenant}})
		wantAPITokens(t, "ListAPITokens(tenant, type)", list, err, a)
		list, err = f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{UserID: "u1"})
		wantAPITokens(t, "ListAPITokens(user)", list, err, b, c)
		list, err = f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{Types: []string{store.AccessTokenUser, store.AccessTokenTenant}})
		wantAPITokens(t, "ListAPITokens(access tokens)", list, err, c, d)
		list, err = f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{TenantID: "missing"})
		wantAPITokens(t, "ListAPITokens(missing tenant)", list, err)
		list, err = f.s.ListAPITokens(f.ctx, other.ID, store.APITokenFilter{})
		wantAPITokens(t, "ListAPITokens(other environment)", list, err, x)
	}},
	{"NotFoundAndConflict", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn := f.tenant(e.ID)
		tok := f.newAPIToken(e.ID, tn.ID, "", store.APITokenTenant)
		must(t, "CreateAPIToken", f.s.CreateAPIToken(f.ctx, tok))
		dup := f.newAPIToken(other.ID, tn.ID, "", store.APITokenTenant)
		dup.ID = tok.ID
		wantErr(t, "CreateAPIToken(same id)", f.s.CreateAPIToken(f.ctx, dup), store.ErrConflict)
		_, err := f.s.GetAPIToken(f.ctx, e.ID, "missing")
		wantErr(t, "GetAPIToken(missing)", err, store.ErrNotFound)
		_, err = f.s.GetAPIToken(f.ctx, other.ID, tok.ID)
		wantErr(t, "GetAPIToken(other environment)", err, store.ErrNotFound)
		wantErr(t, "UpdateAPIToken(missing)", f.s.UpdateAPIToken(f.ctx, f.newAPIToken(e.ID, tn.ID, "", store.APITokenTenant)), store.ErrNotFound)
		moved := clone(tok)
		moved.EnvID, moved.Description = other.ID, "moved"
		wantErr(t, "UpdateAPIToken(other environment)", f.s.UpdateAPIToken(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeleteAPIToken(missing)", f.s.DeleteAPIToken(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeleteAPIToken(other environment)", f.s.DeleteAPIToken(f.ctx, other.ID, tok.ID), store.ErrNotFound)
		list, err := f.s.ListAPITokens(f.ctx, e.ID, store.APITokenFilter{})
		wantAPITokens(t, "after refused calls", list, err, tok)
	}},
}
