package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newInvite returns an unsaved invite to tn created by userID ("" for a
// general invite).
func (f *fx) newInvite(tn *store.Tenant, userID string) *store.TenantInvite {
	id := next("invite")
	now := f.now()
	return &store.TenantInvite{
		ID:              id,
		EnvID:           tn.EnvID,
		TenantID:        tn.ID,
		UserID:          userID,
		Hash:            hashOf("invite-" + id),
		RoleIDs:         []string{"role-b", "role-a"},
		ShouldSendEmail: true,
		CreatedAt:       now,
		UpdatedAt:       now.Add(time.Millisecond),
		ExpiresAt:       now.Add(7 * 24 * time.Hour),
	}
}

// invite creates and returns an invite.
func (f *fx) invite(tn *store.Tenant, userID string) *store.TenantInvite {
	f.t.Helper()
	inv := f.newInvite(tn, userID)
	must(f.t, "CreateTenantInvite", f.s.CreateTenantInvite(f.ctx, inv))
	return inv
}

func inviteID(inv *store.TenantInvite) string { return inv.ID }

var inviteTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn, u := f.tenant(e.ID), f.user(e.ID)
		inv := f.newInvite(tn, u.ID)
		inv.ExpiresAt = at(30*time.Hour + 7*time.Microsecond)
		allSet(t, inv)
		want := clone(inv)
		must(t, "CreateTenantInvite", f.s.CreateTenantInvite(f.ctx, inv))
		got, err := f.s.GetTenantInvite(f.ctx, e.ID, inv.ID)
		must(t, "GetTenantInvite", err)
		equal(t, "GetTenantInvite", got, want)
		got, err = f.s.GetTenantInviteByHash(f.ctx, inv.Hash)
		must(t, "GetTenantInviteByHash", err)
		equal(t, "GetTenantInviteByHash", got, want)
		got, err = f.s.GetUserTenantInvite(f.ctx, e.ID, tn.ID, u.ID)
		must(t, "GetUserTenantInvite", err)
		equal(t, "GetUserTenantInvite", got, want)

		// A general invite (no user, no roles) round-trips its empties.
		general := f.newInvite(tn, "")
		general.RoleIDs = nil
		general.ShouldSendEmail = false
		wantGeneral := clone(general)
		must(t, "CreateTenantInvite(general)", f.s.CreateTenantInvite(f.ctx, general))
		got, err = f.s.GetTenantInvite(f.ctx, e.ID, general.ID)
		must(t, "GetTenantInvite(general)", err)
		equal(t, "general invite", got, wantGeneral)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn, u := f.tenant(e.ID), f.user(e.ID)
		inv := f.invite(tn, u.ID)
		_, err := f.s.GetTenantInvite(f.ctx, e.ID, "missing")
		wantErr(t, "GetTenantInvite(missing)", err, store.ErrNotFound)
		_, err = f.s.GetTenantInvite(f.ctx, other.ID, inv.ID)
		wantErr(t, "GetTenantInvite(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetTenantInviteByHash(f.ctx, hashOf("missing"))
		wantErr(t, "GetTenantInviteByHash(missing)", err, store.ErrNotFound)
		_, err = f.s.GetUserTenantInvite(f.ctx, e.ID, tn.ID, "missing")
		wantErr(t, "GetUserTenantInvite(unknown user)", err, store.ErrNotFound)
		_, err = f.s.GetUserTenantInvite(f.ctx, other.ID, tn.ID, u.ID)
		wantErr(t, "GetUserTenantInvite(other environment)", err, store.ErrNotFound)
		_, err = f.s.GetUserTenantInvite(f.ctx, e.ID, tn.ID, "")
		wantErr(t, "GetUserTenantInvite(no user)", err, store.ErrNotFound)
		f.invite(tn, "")
		_, err = f.s.GetUserTenantInvite(f.ctx, e.ID, tn.ID, "")
		wantErr(t, "GetUserTenantInvite(no user, general invite exists)", err, store.ErrNotFound)

		wantErr(t, "UpdateTenantInvite(missing)", f.s.UpdateTenantInvite(f.ctx, f.newInvite(tn, "")), store.ErrNotFound)
		moved := clone(inv)
		moved.EnvID = other.ID
		wantErr(t, "UpdateTenantInvite(other environment)", f.s.UpdateTenantInvite(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "DeleteTenantInvite(missing)", f.s.DeleteTenantInvite(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeleteTenantInvite(other environment)", f.s.DeleteTenantInvite(f.ctx, other.ID, inv.ID), store.ErrNotFound)

		// The tenant and the user must exist in the invite's environment.
		missingTenant := f.newInvite(tn, "")
		missingTenant.TenantID = "missing"
		wantErr(t, "CreateTenantInvite(unknown tenant)", f.s.CreateTenantInvite(f.ctx, missingTenant), store.ErrNotFound)
		foreignTenant := f.newInvite(f.tenant(other.ID), "")
		foreignTenant.EnvID = e.ID
		wantErr(t, "CreateTenantInvite(tenant of another environment)", f.s.CreateTenantInvite(f.ctx, foreignTenant), store.ErrNotFound)
		wantErr(t, "CreateTenantInvite(unknown user)", f.s.CreateTenantInvite(f.ctx, f.newInvite(tn, "missing")), store.ErrNotFound)
		wantErr(t, "CreateTenantInvite(user of another environment)",
			f.s.CreateTenantInvite(f.ctx, f.newInvite(tn, f.user(other.ID).ID)), store.ErrNotFound)
		got, err := f.s.GetTenantInvite(f.ctx, e.ID, inv.ID)
		must(t, "GetTenantInvite", err)
		equal(t, "invite after failed calls", got, inv)
	}},
	{"Conflict", func(t *testing.T, f *fx) {
		e := f.env()
		tn, other, u := f.tenant(e.ID), f.tenant(e.ID), f.user(e.ID)
		inv := f.invite(tn, u.ID)

		dupID := f.newInvite(other, "")
		dupID.ID = inv.ID
		wantErr(t, "CreateTenantInvite(same id)", f.s.CreateTenantInvite(f.ctx, dupID), store.ErrConflict)
		dupHash := f.newInvite(other, "")
		dupHash.Hash = bytes.Clone(inv.Hash)
		wantErr(t, "CreateTenantInvite(same hash)", f.s.CreateTenantInvite(f.ctx, dupHash), store.ErrConflict)
		wantErr(t, "CreateTenantInvite(second invite of the user to the tenant)",
			f.s.CreateTenantInvite(f.ctx, f.newInvite(tn, u.ID)), store.ErrConflict)

		// The same user may have an invite to another tenant, and a tenant
		// any number of general invites.
		f.invite(other, u.ID)
		f.invite(tn, "")
		f.invite(tn, "")
		got, err := f.s.GetUserTenantInvite(f.ctx, e.ID, tn.ID, u.ID)
		must(t, "GetUserTenantInvite", err)
		equal(t, "the user's invite after the conflicts", got, inv)

		// Once deleted, the user's invite and its hash are free again.
		must(t, "DeleteTenantInvite", f.s.DeleteTenantInvite(f.ctx, e.ID, inv.ID))
		again := f.newInvite(tn, u.ID)
		again.Hash = bytes.Clone(inv.Hash)
		must(t, "CreateTenantInvite(after delete)", f.s.CreateTenantInvite(f.ctx, again))
	}},
	{"UpdateAndDelete", func(t *testing.T, f *fx) {
		e := f.env()
		tn, u := f.tenant(e.ID), f.user(e.ID)
		inv := f.invite(tn, u.ID)

		upd := clone(inv)
		upd.RoleIDs = []string{"role-z"}
		upd.ShouldSendEmail = false
		upd.UpdatedAt = at(50 * time.Hour)
		upd.ExpiresAt = at(60*time.Hour + time.Microsecond)
		// The rest of the record never changes.
		upd.TenantID, upd.UserID, upd.Hash = "other", "other", hashOf("other")
		upd.CreatedAt = at(time.Minute)
		must(t, "UpdateTenantInvite", f.s.UpdateTenantInvite(f.ctx, upd))
		want := clone(inv)
		want.RoleIDs, want.ShouldSendEmail, want.UpdatedAt, want.ExpiresAt = []string{"role-z"}, false, upd.UpdatedAt, upd.ExpiresAt
		got, err := f.s.GetTenantInvite(f.ctx, e.ID, inv.ID)
		must(t, "GetTenantInvite", err)
		equal(t, "updated invite", got, want)
		got, err = f.s.GetTenantInviteByHash(f.ctx, inv.Hash)
		must(t, "GetTenantInviteByHash", err)
		equal(t, "updated invite by its old hash", got, want)

		upd.RoleIDs = nil
		must(t, "UpdateTenantInvite(no roles)", f.s.UpdateTenantInvite(f.ctx, upd))
		got, err = f.s.GetTenantInvite(f.ctx, e.ID, inv.ID)
		must(t, "GetTenantInvite", err)
		if len(got.RoleIDs) != 0 {
			t.Fatalf("RoleIDs after clearing = %q", got.RoleIDs)
		}

		must(t, "DeleteTenantInvite", f.s.DeleteTenantInvite(f.ctx, e.ID, inv.ID))
		_, err = f.s.GetTenantInvite(f.ctx, e.ID, inv.ID)
		wantErr(t, "GetTenantInvite(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetTenantInviteByHash(f.ctx, inv.Hash)
		wantErr(t, "GetTenantInviteByHash(deleted)", err, store.ErrNotFound)
		_, err = f.s.GetUserTenantInvite(f.ctx, e.ID, tn.ID, u.ID)
		wantErr(t, "GetUserTenantInvite(deleted)", err, store.ErrNotFound)
		wantErr(t, "DeleteTenantInvite(twice)", f.s.DeleteTenantInvite(f.ctx, e.ID, inv.ID), store.ErrNotFound)
	}},
	{"List", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn, tn2, u := f.tenant(e.ID), f.tenant(e.ID), f.user(e.ID)
		a := f.invite(tn, u.ID)
		b := f.invite(tn2, "")
		expired := f.newInvite(tn, "")
		expired.ExpiresAt = at(-time.Hour)
		must(t, "CreateTenantInvite(expired)", f.s.CreateTenantInvite(f.ctx, expired))
		f.invite(f.tenant(other.ID), "")

		got, err := f.s.ListTenantInvites(f.ctx, e.ID)
		must(t, "ListTenantInvites", err)
		equalIDs(t, "invites of the environment", ids(got, inviteID), []string{a.ID, b.ID, expired.ID})
		equal(t, "listed invite", &got[0], a)
		got, err = f.s.ListTenantInvites(f.ctx, "missing")
		must(t, "ListTenantInvites(unknown environment)", err)
		equalIDs(t, "invites of an unknown environment", ids(got, inviteID), []string{})
	}},
	{"Cascade", func(t *testing.T, f *fx) {
		e := f.env()
		tn, kept := f.tenant(e.ID), f.tenant(e.ID)
		u, v := f.user(e.ID), f.user(e.ID)
		personal := f.invite(kept, u.ID)
		general := f.invite(kept, "")
		others := f.invite(kept, v.ID)
		doomed := []*store.TenantInvite{f.invite(tn, u.ID), f.invite(tn, "")}

		// Deleting a tenant removes its invites.
		must(t, "DeleteTenant", f.s.DeleteTenant(f.ctx, e.ID, tn.ID))
		for _, inv := range doomed {
			_, err := f.s.GetTenantInvite(f.ctx, e.ID, inv.ID)
			wantErr(t, "GetTenantInvite(of a deleted tenant)", err, store.ErrNotFound)
			_, err = f.s.GetTenantInviteByHash(f.ctx, inv.Hash)
			wantErr(t, "GetTenantInviteByHash(of a deleted tenant)", err, store.ErrNotFound)
		}
		// Deleting a user removes the user's own invites only.
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		_, err := f.s.GetTenantInvite(f.ctx, e.ID, personal.ID)
		wantErr(t, "GetTenantInvite(of a deleted user)", err, store.ErrNotFound)
		got, err := f.s.ListTenantInvites(f.ctx, e.ID)
		must(t, "ListTenantInvites", err)
		equalIDs(t, "invites left", ids(got, inviteID), []string{general.ID, others.ID})
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		tn, u := f.tenant(e.ID), f.user(e.ID)
		inv := f.newInvite(tn, u.ID)
		id, hash := inv.ID, bytes.Clone(inv.Hash)
		checkCopies(t, "TenantInvite", inv,
			func(x *store.TenantInvite) error { return f.s.CreateTenantInvite(f.ctx, x) },
			func() (*store.TenantInvite, error) { return f.s.GetTenantInvite(f.ctx, e.ID, id) })
		want, err := f.s.GetTenantInvite(f.ctx, e.ID, id)
		must(t, "GetTenantInvite", err)
		byHash, err := f.s.GetTenantInviteByHash(f.ctx, hash)
		must(t, "GetTenantInviteByHash", err)
		scramble(byHash)
		listed, err := f.s.ListTenantInvites(f.ctx, e.ID)
		must(t, "ListTenantInvites", err)
		scramble(&listed[0])
		got, err := f.s.GetTenantInvite(f.ctx, e.ID, id)
		must(t, "GetTenantInvite", err)
		equal(t, "invite after changing returned copies", got, want)
	}},
}
