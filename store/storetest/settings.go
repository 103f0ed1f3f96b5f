package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newSetting returns an unsaved setting name of (envID, tenantID).
func (f *fx) newSetting(envID, tenantID, name string) *store.Setting {
	return &store.Setting{
		EnvID:     envID,
		TenantID:  tenantID,
		Name:      name,
		Value:     `{"owner":"` + envID + "/" + tenantID + `"}`,
		UpdatedAt: f.now(),
	}
}

// setting saves and returns a setting.
func (f *fx) setting(envID, tenantID, name string) *store.Setting {
	f.t.Helper()
	s := f.newSetting(envID, tenantID, name)
	must(f.t, "PutSetting", f.s.PutSetting(f.ctx, s))
	return s
}

var settingTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		s := f.newSetting(e.ID, tn.ID, "password-policy")
		s.UpdatedAt = at(9*time.Second + 909090*time.Microsecond)
		allSet(t, s)
		must(t, "PutSetting", f.s.PutSetting(f.ctx, s))
		envWide := f.setting(e.ID, "", "password-policy")
		got, err := f.s.GetSetting(f.ctx, e.ID, tn.ID, "password-policy")
		must(t, "GetSetting(tenant)", err)
		equal(t, "tenant setting", got, s)
		got, err = f.s.GetSetting(f.ctx, e.ID, "", "password-policy")
		must(t, "GetSetting(environment-wide)", err)
		equal(t, "environment-wide setting", got, envWide)
	}},
	{"NotFound", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tn := f.tenant(e.ID)
		f.setting(e.ID, "", "captcha")
		_, err := f.s.GetSetting(f.ctx, e.ID, "", "lockout")
		wantErr(t, "GetSetting(never saved)", err, store.ErrNotFound)
		// The environment-wide value is not a tenant's value.
		_, err = f.s.GetSetting(f.ctx, e.ID, tn.ID, "captcha")
		wantErr(t, "GetSetting(tenant without its own value)", err, store.ErrNotFound)
		_, err = f.s.GetSetting(f.ctx, other.ID, "", "captcha")
		wantErr(t, "GetSetting(other environment)", err, store.ErrNotFound)
		wantErr(t, "DeleteSetting(never saved)", f.s.DeleteSetting(f.ctx, e.ID, "", "lockout"), store.ErrNotFound)
		wantErr(t, "DeleteSetting(tenant without its own value)", f.s.DeleteSetting(f.ctx, e.ID, tn.ID, "captcha"), store.ErrNotFound)
		wantErr(t, "DeleteSetting(other environment)", f.s.DeleteSetting(f.ctx, other.ID, "", "captcha"), store.ErrNotFound)
		_, err = f.s.GetSetting(f.ctx, e.ID, "", "captcha")
		must(t, "GetSetting after rejected deletes", err)
	}},
	{"Replace", func(t *testing.T, f *fx) {
		e := f.env()
		f.setting(e.ID, "", "mfa")
		repl := &store.Setting{EnvID: e.ID, Name: "mfa", Value: `{"enforce":"force"}`, UpdatedAt: at(time.Hour)}
		must(t, "PutSetting(replace)", f.s.PutSetting(f.ctx, repl))
		got, err := f.s.GetSetting(f.ctx, e.ID, "", "mfa")
		must(t, "GetSetting", err)
		equal(t, "after replace", got, repl)
		list, err := f.s.ListSettings(f.ctx, e.ID, "mfa")
		must(t, "ListSettings", err)
		if len(list) != 1 {
			t.Fatalf("replacing a setting left %d values, want 1", len(list))
		}
		equal(t, "listed setting", &list[0], repl)
	}},
	{"Delete", func(t *testing.T, f *fx) {
		e := f.env()
		tn := f.tenant(e.ID)
		envWide := f.setting(e.ID, "", "lockout")
		f.setting(e.ID, tn.ID, "lockout")
		otherName := f.setting(e.ID, tn.ID, "captcha")
		must(t, "DeleteSetting", f.s.DeleteSetting(f.ctx, e.ID, tn.ID, "lockout"))
		_, err := f.s.GetSetting(f.ctx, e.ID, tn.ID, "lockout")
		wantErr(t, "GetSetting(deleted)", err, store.ErrNotFound)
		wantErr(t, "DeleteSetting(deleted)", f.s.DeleteSetting(f.ctx, e.ID, tn.ID, "lockout"), store.ErrNotFound)
		got, err := f.s.GetSetting(f.ctx, e.ID, "", "lockout")
		must(t, "GetSetting(environment-wide)", err)
		equal(t, "environment-wide value after deleting the tenant's", got, envWide)
		got, err = f.s.GetSetting(f.ctx, e.ID, tn.ID, "captcha")
		must(t, "GetSetting(other name)", err)
		equal(t, "other setting of the tenant", got, otherName)
	}},
	{"List", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		tenants := []*store.Tenant{f.tenant(e.ID), f.tenant(e.ID), f.tenant(e.ID)}
		// Saved out of order; listed by tenant id, environment-wide first.
		byTenant := map[string]*store.Setting{}
		for _, tid := range []string{tenants[2].ID, tenants[0].ID, "", tenants[1].ID} {
			byTenant[tid] = f.setting(e.ID, tid, "policy")
		}
		f.setting(e.ID, tenants[0].ID, "other-name")
		f.setting(e.ID, "", "other-name")
		f.setting(other.ID, "", "policy")
		got, err := f.s.ListSettings(f.ctx, e.ID, "policy")
		must(t, "ListSettings", err)
		order := []string{"", tenants[0].ID, tenants[1].ID, tenants[2].ID}
		equalIDs(t, "ListSettings order (environment-wide first, then by tenant id)",
			ids(got, func(s *store.Setting) string { return s.TenantID }), order)
		for i, tid := range order {
			equal(t, "ListSettings item", &got[i], byTenant[tid])
		}
		got, err = f.s.ListSettings(f.ctx, e.ID, "never-saved")
		must(t, "ListSettings(unknown name)", err)
		if len(got) != 0 {
			t.Fatalf("ListSettings of an unknown name returned %d values", len(got))
		}
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		checkCopies(t, "Setting", f.newSetting(e.ID, "", "branding"),
			func(x *store.Setting) error { return f.s.PutSetting(f.ctx, x) },
			func() (*store.Setting, error) { return f.s.GetSetting(f.ctx, e.ID, "", "branding") })
		want, err := f.s.GetSetting(f.ctx, e.ID, "", "branding")
		must(t, "GetSetting", err)
		list, err := f.s.ListSettings(f.ctx, e.ID, "branding")
		must(t, "ListSettings", err)
		scramble(&list[0])
		got, err := f.s.GetSetting(f.ctx, e.ID, "", "branding")
		must(t, "GetSetting", err)
		equal(t, "setting after changing a listed copy", got, want)
	}},
	{"Transaction", func(t *testing.T, f *fx) {
		e := f.env()
		kept := f.setting(e.ID, "", "kept")
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			s := f.newSetting(e.ID, "", "rolled-back")
			if err := tx.PutSetting(f.ctx, s); err != nil {
				return err
			}
			got, err := tx.GetSetting(f.ctx, e.ID, "", "rolled-back")
			must(t, "GetSetting inside the transaction", err)
			equal(t, "setting inside the transaction", got, s)
			if err := tx.DeleteSetting(f.ctx, e.ID, "", "kept"); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx returned %v, want %v", err, errRollback)
		}
		_, err = f.s.GetSetting(f.ctx, e.ID, "", "rolled-back")
		wantErr(t, "GetSetting(put in a rolled back transaction)", err, store.ErrNotFound)
		got, err := f.s.GetSetting(f.ctx, e.ID, "", "kept")
		must(t, "GetSetting(deleted in a rolled back transaction)", err)
		equal(t, "setting deleted in a rolled back transaction", got, kept)
	}},
}
