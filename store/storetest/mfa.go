package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newMFADevice returns an unsaved, enrolled device of kind for u.
func (f *fx) newMFADevice(u *store.User, kind string) *store.MFADevice {
	id := next("mfa")
	now := f.now()
	return &store.MFADevice{
		ID:        id,
		EnvID:     u.EnvID,
		UserID:    u.ID,
		Kind:      kind,
		Name:      "Device " + id,
		CreatedAt: now,
		UpdatedAt: now,
	}
}

// mfaDevice creates and returns a device of kind for u.
func (f *fx) mfaDevice(u *store.User, kind string) *store.MFADevice {
	f.t.Helper()
	d := f.newMFADevice(u, kind)
	must(f.t, "CreateMFADevice", f.s.CreateMFADevice(f.ctx, d))
	return d
}

var mfaDeviceTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		d := f.newMFADevice(u, store.MFAWebAuthn)
		d.Pending = true
		d.Secret = "JBSWY3DPEHPK3PXP"
		d.PhoneNumber = "+14155550100"
		d.DeviceType = "CrossPlatform"
		d.CredentialID = []byte{0x00, 0x01, 0xfe, 0xff}
		d.Credential = `{"publicKey":"pQECAyYgASFYIA"}`
		d.Counter = 57
		d.UpdatedAt = at(3*time.Second + 333333*time.Microsecond)
		d.LastUsedAt = ptr(at(4*time.Second + 444444*time.Microsecond))
		allSet(t, d)
		must(t, "CreateMFADevice", f.s.CreateMFADevice(f.ctx, d))
		got, err := f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice", err)
		equal(t, "device", got, d)
		list, err := f.s.ListUserMFADevices(f.ctx, u.ID)
		must(t, "ListUserMFADevices", err)
		if len(list) != 1 {
			t.Fatalf("ListUserMFADevices returned %d devices, want 1", len(list))
		}
		equal(t, "listed device", &list[0], d)
	}},
	{"NotFoundAndConflict", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		u := f.user(e.ID)
		d := f.mfaDevice(u, store.MFAAuthenticator)
		_, err := f.s.GetMFADevice(f.ctx, e.ID, "missing")
		wantErr(t, "GetMFADevice(missing)", err, store.ErrNotFound)
		_, err = f.s.GetMFADevice(f.ctx, other.ID, d.ID)
		wantErr(t, "GetMFADevice(other environment)", err, store.ErrNotFound)
		orphan := f.newMFADevice(u, store.MFASMS)
		orphan.UserID = "missing-user"
		wantErr(t, "CreateMFADevice(unknown user)", f.s.CreateMFADevice(f.ctx, orphan), store.ErrNotFound)
		wrongEnv := f.newMFADevice(u, store.MFASMS)
		wrongEnv.EnvID = other.ID
		wantErr(t, "CreateMFADevice(user of another environment)", f.s.CreateMFADevice(f.ctx, wrongEnv), store.ErrNotFound)
		dup := f.newMFADevice(u, store.MFASMS)
		dup.ID = d.ID
		wantErr(t, "CreateMFADevice(same id)", f.s.CreateMFADevice(f.ctx, dup), store.ErrConflict)
		got, err := f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice", err)
		equal(t, "device after rejected creates", got, d)

		missing := f.newMFADevice(u, store.MFASMS)
		wantErr(t, "UpdateMFADevice(missing)", f.s.UpdateMFADevice(f.ctx, missing), store.ErrNotFound)
		moved := clone(d)
		moved.EnvID = other.ID
		wantErr(t, "UpdateMFADevice(other environment)", f.s.UpdateMFADevice(f.ctx, moved), store.ErrNotFound)
		wantErr(t, "UseMFADevice(missing)", f.s.UseMFADevice(f.ctx, "missing", 1, f.now()), store.ErrNotFound)
		wantErr(t, "DeleteMFADevice(missing)", f.s.DeleteMFADevice(f.ctx, e.ID, "missing"), store.ErrNotFound)
		wantErr(t, "DeleteMFADevice(other environment)", f.s.DeleteMFADevice(f.ctx, other.ID, d.ID), store.ErrNotFound)
		got, err = f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice after rejected changes", err)
		equal(t, "device after rejected changes", got, d)
	}},
	{"Update", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		d := f.newMFADevice(u, store.MFAAuthenticator)
		d.Pending = true
		d.Secret = "JBSWY3DPEHPK3PXP"
		must(t, "CreateMFADevice", f.s.CreateMFADevice(f.ctx, d))
		upd := clone(d)
		upd.Pending = false
		upd.Name = "Phone app"
		upd.Counter = 12
		upd.UpdatedAt = at(time.Hour + 123456*time.Microsecond)
		must(t, "UpdateMFADevice", f.s.UpdateMFADevice(f.ctx, upd))
		got, err := f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice", err)
		equal(t, "after update", got, upd)
	}},
	{"UseMovesCounterForward", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		d := f.mfaDevice(u, store.MFAAuthenticator)
		first := at(time.Minute + 100001*time.Microsecond)
		must(t, "UseMFADevice(100)", f.s.UseMFADevice(f.ctx, d.ID, 100, first))
		want := clone(d)
		want.Counter, want.LastUsedAt = 100, ptr(first)
		got, err := f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice", err)
		equal(t, "after first use", got, want)
		wantErr(t, "UseMFADevice(same counter)", f.s.UseMFADevice(f.ctx, d.ID, 100, f.now()), store.ErrConflict)
		wantErr(t, "UseMFADevice(older counter)", f.s.UseMFADevice(f.ctx, d.ID, 99, f.now()), store.ErrConflict)
		wantErr(t, "UseMFADevice(zero after non-zero)", f.s.UseMFADevice(f.ctx, d.ID, 0, f.now()), store.ErrConflict)
		got, err = f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice", err)
		equal(t, "after rejected uses", got, want)
		second := at(2*time.Minute + 200002*time.Microsecond)
		must(t, "UseMFADevice(101)", f.s.UseMFADevice(f.ctx, d.ID, 101, second))
		want.Counter, want.LastUsedAt = 101, ptr(second)
		got, err = f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		must(t, "GetMFADevice", err)
		equal(t, "after second use", got, want)

		// An authenticator without a counter reports 0 every time.
		zero := f.mfaDevice(u, store.MFAWebAuthn)
		must(t, "UseMFADevice(0 on 0)", f.s.UseMFADevice(f.ctx, zero.ID, 0, f.now()))
		must(t, "UseMFADevice(0 on 0, again)", f.s.UseMFADevice(f.ctx, zero.ID, 0, f.now()))
	}},
	{"UseConcurrently", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		d := f.mfaDevice(u, store.MFAAuthenticator)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.s.UseMFADevice(f.ctx, d.ID, 42, at(time.Hour))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !isErr(err, store.ErrConflict):
				t.Fatalf("UseMFADevice: unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d of %d concurrent uses of the same counter succeeded, want exactly 1", ok, n)
		}
	}},
	{"ListAndDelete", func(t *testing.T, f *fx) {
		e := f.env()
		u, other := f.user(e.ID), f.user(e.ID)
		a := f.mfaDevice(u, store.MFAAuthenticator)
		s1 := f.mfaDevice(u, store.MFASMS)
		w := f.mfaDevice(u, store.MFAWebAuthn)
		s2 := f.mfaDevice(u, store.MFASMS)
		theirs := f.mfaDevice(other, store.MFASMS)
		list, err := f.s.ListUserMFADevices(f.ctx, u.ID)
		must(t, "ListUserMFADevices", err)
		equalIDs(t, "devices oldest first", ids(list, func(d *store.MFADevice) string { return d.ID }), []string{a.ID, s1.ID, w.ID, s2.ID})
		empty, err := f.s.ListUserMFADevices(f.ctx, "missing-user")
		must(t, "ListUserMFADevices(unknown user)", err)
		if len(empty) != 0 {
			t.Fatalf("ListUserMFADevices(unknown user) = %d devices, want 0", len(empty))
		}

		n, err := f.s.DeleteUserMFADevices(f.ctx, u.ID, store.MFASMS)
		must(t, "DeleteUserMFADevices(sms)", err)
		if n != 2 {
			t.Fatalf("DeleteUserMFADevices(sms) = %d, want 2", n)
		}
		list, err = f.s.ListUserMFADevices(f.ctx, u.ID)
		must(t, "ListUserMFADevices", err)
		equalIDs(t, "devices after deleting SMS ones", ids(list, func(d *store.MFADevice) string { return d.ID }), []string{a.ID, w.ID})

		must(t, "DeleteMFADevice", f.s.DeleteMFADevice(f.ctx, e.ID, w.ID))
		wantErr(t, "DeleteMFADevice(again)", f.s.DeleteMFADevice(f.ctx, e.ID, w.ID), store.ErrNotFound)
		_, err = f.s.GetMFADevice(f.ctx, e.ID, w.ID)
		wantErr(t, "GetMFADevice(deleted)", err, store.ErrNotFound)

		n, err = f.s.DeleteUserMFADevices(f.ctx, u.ID, "")
		must(t, "DeleteUserMFADevices(all)", err)
		if n != 1 {
			t.Fatalf("DeleteUserMFADevices(all) = %d, want 1", n)
		}
		list, err = f.s.ListUserMFADevices(f.ctx, u.ID)
		must(t, "ListUserMFADevices", err)
		if len(list) != 0 {
			t.Fatalf("user still has %d devices", len(list))
		}
		got, err := f.s.GetMFADevice(f.ctx, e.ID, theirs.ID)
		must(t, "GetMFADevice(another user's)", err)
		equal(t, "another user's device", got, theirs)
	}},
	{"DeleteUserCascades", func(t *testing.T, f *fx) {
		e := f.env()
		u, other := f.user(e.ID), f.user(e.ID)
		d := f.mfaDevice(u, store.MFAAuthenticator)
		keep := f.mfaDevice(other, store.MFAAuthenticator)
		must(t, "DeleteUser", f.s.DeleteUser(f.ctx, e.ID, u.ID))
		_, err := f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		wantErr(t, "GetMFADevice(of deleted user)", err, store.ErrNotFound)
		list, err := f.s.ListUserMFADevices(f.ctx, u.ID)
		must(t, "ListUserMFADevices(deleted user)", err)
		if len(list) != 0 {
			t.Fatalf("deleted user still has %d devices", len(list))
		}
		_, err = f.s.GetMFADevice(f.ctx, e.ID, keep.ID)
		must(t, "GetMFADevice(other user's)", err)
	}},
	{"Transactions", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		d := f.newMFADevice(u, store.MFASMS)
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			if err := tx.CreateMFADevice(f.ctx, d); err != nil {
				return err
			}
			if _, err := tx.GetMFADevice(f.ctx, e.ID, d.ID); err != nil {
				return err
			}
			return errRollback
		})
		wantErr(t, "InTx", err, errRollback)
		_, err = f.s.GetMFADevice(f.ctx, e.ID, d.ID)
		wantErr(t, "GetMFADevice(rolled back)", err, store.ErrNotFound)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		u := f.user(e.ID)
		d := f.newMFADevice(u, store.MFAWebAuthn)
		d.CredentialID = []byte{1, 2, 3, 4}
		d.LastUsedAt = ptr(f.now())
		id := d.ID
		checkCopies(t, "MFADevice", d,
			func(x *store.MFADevice) error { return f.s.CreateMFADevice(f.ctx, x) },
			func() (*store.MFADevice, error) { return f.s.GetMFADevice(f.ctx, e.ID, id) })
	}},
}
