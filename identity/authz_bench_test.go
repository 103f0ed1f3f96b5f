package identity_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// benchAuthzKeys are the permission keys of benchPrincipal's token: 500
// permissions held through 50 roles, beside the built-in ones of Admin.
func benchAuthzKeys() []string {
	keys := make([]string, 0, 500)
	for r := range 50 {
		for p := range 10 {
			keys = append(keys, fmt.Sprintf("app.area%02d.action%02d", r, p))
		}
	}
	return keys
}

const (
	benchHitKey  = "app.area37.action05"
	benchMissKey = "app.area37.action99"
)

// benchPrincipal logs in a user holding 50 roles of 10 permissions each and
// returns the verified principal of its access token.
func benchPrincipal(b *testing.B) *identity.Principal {
	b.Helper()
	ctx := context.Background()
	e := newTestEnv(b)
	u := e.user(b, "bench@example.com")
	keys := benchAuthzKeys()
	var roleIDs []string
	for r := range 50 {
		in := make([]identity.CreatePermissionInput, 10)
		for p := range 10 {
			in[p] = identity.CreatePermissionInput{Key: keys[r*10+p], Name: keys[r*10+p]}
		}
		ps, err := e.id.CreatePermissions(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		rs, err := e.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: fmt.Sprintf("role%02d", r), Name: "Role", Level: ptr(5)}})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		if _, err := e.id.SetRolePermissions(ctx, "", rs[0].ID, ids); err != nil {
			b.Fatal(err)
		}
		roleIDs = append(roleIDs, rs[0].ID)
	}
	if _, err := e.id.AssignUserRoles(ctx, vendorIn(u.TenantID), u.ID, roleIDs); err != nil {
		b.Fatal(err)
	}
	p := e.principal(b, e.login(b, "bench@example.com").AccessToken)
	if n := len(p.Claims.Permissions); n < 500 {
		b.Fatalf("token holds %d permissions, want at least 500", n)
	}
	return p
}

// BenchmarkAuthorizationDecision is identity.Can for a principal whose
// token holds 500 permissions from 50 roles (plus Admin's wildcard
// built-ins): a hit and a miss once the principal has been asked before
// (the steady state of a request that checks several permissions), and the
// first check of a fresh principal (one check per request). Judge it
// against BenchmarkMapLookup.
func BenchmarkAuthorizationDecision(b *testing.B) {
	p := benchPrincipal(b)
	for _, c := range []struct {
		name string
		key  string
		want bool
	}{{"hit", benchHitKey, true}, {"miss", benchMissKey, false}} {
		b.Run(c.name, func(b *testing.B) {
			for range 4 {
				identity.Can(p, c.key)
			}
			b.ReportAllocs()
			for b.Loop() {
				if identity.Can(p, c.key) != c.want {
					b.Fatal("wrong decision")
				}
			}
		})
		b.Run("first-check-"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fresh := &identity.Principal{UserID: p.UserID, TenantID: p.TenantID, Claims: p.Claims}
				if identity.Can(fresh, c.key) != c.want {
					b.Fatal("wrong decision")
				}
			}
		})
	}
}

// BenchmarkMapLookup is the floor of an authorization decision: a bare
// map[string]struct{} lookup among the same 500 keys.
func BenchmarkMapLookup(b *testing.B) {
	set := map[string]struct{}{}
	for _, k := range benchAuthzKeys() {
		set[k] = struct{}{}
	}
	for _, c := range []struct {
		name string
		key  string
		want bool
	}{{"hit", benchHitKey, true}, {"miss", benchMissKey, false}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := set[c.key]; ok != c.want {
					b.Fatal("wrong lookup")
				}
			}
		})
	}
}
