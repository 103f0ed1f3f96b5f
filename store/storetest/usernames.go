package storetest

import (
	"testing"

	"github.com/yolkauth/yolk/store"
)

var usernameTests = []test{
	{"ListUsersByUsername", func(t *testing.T, f *fx) {
		e, other := f.env(), f.env()
		mk := func(envID, name string) *store.User {
			t.Helper()
			u := f.newUser(envID)
			u.Username = name
			must(t, "CreateUser("+name+")", f.s.CreateUser(f.ctx, u))
			return u
		}
		alice, alan, albert := mk(e.ID, "alice"), mk(e.ID, "ALAN"), mk(e.ID, "Albert")
		bob, umit := mk(e.ID, "bob"), mk(e.ID, "Ümit")
		a := mk(e.ID, "a")
		mk(e.ID, "") // no username: never listed
		mk(other.ID, "alma")

		check := func(what string, flt store.UsernameFilter, want ...*store.User) {
			t.Helper()
			got, err := f.s.ListUsersByUsername(f.ctx, e.ID, flt)
			must(t, what, err)
			if got == nil {
				t.Fatalf("%s returned nil, want a non-nil slice", what)
			}
			w := make([]store.User, len(want))
			for i, u := range want {
				w[i] = *u
			}
			byID := func(u *store.User) string { return u.ID }
			equalIDs(t, what, ids(got, byID), ids(w, byID))
			for i := range got {
				equal(t, what, &got[i], &w[i])
			}
		}
		check("all", store.UsernameFilter{}, a, alan, albert, alice, bob, umit)
		check("prefix al", store.UsernameFilter{Prefix: "al"}, alan, albert, alice)
		check("prefix AL (case)", store.UsernameFilter{Prefix: "AL"}, alan, albert, alice)
		check("prefix ali", store.UsernameFilter{Prefix: "ali"}, alice)
		check("prefix a", store.UsernameFilter{Prefix: "a"}, a, alan, albert, alice)
		check("prefix ü (non-ASCII)", store.UsernameFilter{Prefix: "Ü"}, umit)
		check("prefix without match", store.UsernameFilter{Prefix: "zz"})
		check("user ids", store.UsernameFilter{UserIDs: []string{bob.ID, alice.ID, "missing"}}, alice, bob)
		check("no user ids", store.UsernameFilter{UserIDs: []string{}})
		check("usernames", store.UsernameFilter{Usernames: []string{"BOB", "alan", "nobody"}}, alan, bob)
		check("no usernames", store.UsernameFilter{Usernames: []string{}})
		check("prefix and user ids", store.UsernameFilter{Prefix: "al", UserIDs: []string{alice.ID, bob.ID}}, alice)
		check("prefix and usernames", store.UsernameFilter{Prefix: "b", Usernames: []string{"alice", "bob"}}, bob)

		// A changed username is listed under its new spelling.
		upd := clone(bob)
		upd.Username = "Aaron"
		must(t, "UpdateUser", f.s.UpdateUser(f.ctx, upd))
		check("after rename", store.UsernameFilter{Prefix: "a"}, a, upd, alan, albert, alice)
	}},
}
