package identity_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
)

// account creates an account with in, failing the test on error.
func (e *testEnv) account(t testing.TB, in identity.CreateTenantInput) *identity.Tenant {
	t.Helper()
	if in.Name == "" {
		in.Name = "Account " + in.TenantID
	}
	tn, err := e.id.CreateTenant(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateTenant(%+v): %v", in, err)
	}
	return tn
}

// storedTenant reads a tenant straight from the store.
func (e *testEnv) storedTenant(t testing.TB, tenantID string) (*store.Tenant, error) {
	t.Helper()
	return e.id.Store().GetTenant(context.Background(), e.id.EnvironmentID(), tenantID)
}

func TestCreateTenantKeepsEveryField(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	var in identity.CreateTenantInput
	if err := json.Unmarshal([]byte(`{"tenantId":"acme","name":" Acme ","metadata":{"plan":"pro","seats":5},"alias":"Acme-EU",
		"status":"trial","isReseller":true,"creatorName":"Ann","creatorEmail":"Ann@Example.com","website":"https://acme.example",
		"applicationUrl":"https://app.acme.example","logo":"data:image/png;base64,iVBORw0KGgo=","address":"1 Main St",
		"timezone":"Europe/Paris","currency":"eur","countryCode":"fr","tenantType":"customer","numberOfEmployees":12,"yearFounded":1999}`), &in); err != nil {
		t.Fatal(err)
	}
	tn, err := e.id.CreateTenant(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if tn.TenantID != "acme" || tn.ID != "acme" || tn.Name != "Acme" || tn.VendorID != e.id.EnvironmentID() {
		t.Fatalf("ids and name: %+v", tn)
	}
	if tn.Metadata != `{"plan":"pro","seats":5}` || tn.Alias != "acme-eu" || !tn.HasCustomLogin || tn.Status != "trial" || !tn.IsReseller {
		t.Fatalf("metadata, alias, status, reseller: %+v", tn)
	}
	if tn.CreatorName != "Ann" || tn.CreatorEmail != "ann@example.com" {
		t.Fatalf("creator: %q %q", tn.CreatorName, tn.CreatorEmail)
	}
	if tn.Currency != "EUR" || tn.CountryCode != "FR" || tn.Timezone != "Europe/Paris" || tn.Website != "https://acme.example" ||
		tn.NumberOfEmployees == nil || *tn.NumberOfEmployees != 12 || tn.YearFounded == nil || *tn.YearFounded != 1999 {
		t.Fatalf("profile: %+v", tn.TenantProfile)
	}
	for _, get := range []func() (*identity.Tenant, error){
		func() (*identity.Tenant, error) { return e.id.GetTenant(ctx, "acme") },
		func() (*identity.Tenant, error) { return e.id.GetTenantByAlias(ctx, "ACME-eu") },
	} {
		got, err := get()
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(tn)
		if string(a) != string(b) {
			t.Fatalf("read back\n%s\nwant\n%s", a, b)
		}
	}

	// Metadata may also come as a string holding an object.
	if err := json.Unmarshal([]byte(`{"name":"Str","metadata":"{\"a\":1}"}`), &in); err != nil {
		t.Fatal(err)
	}
	if got := e.account(t, identity.CreateTenantInput{Name: "Str", Metadata: in.Metadata}); got.Metadata != `{"a":1}` || got.ID == "" {
		t.Fatalf("metadata from a string: %q (id %q)", got.Metadata, got.ID)
	}
}

func TestCreateTenantRefusals(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "taken", Alias: "taken"})
	for _, c := range []struct {
		name  string
		in    identity.CreateTenantInput
		field string
	}{
		{"no name", identity.CreateTenantInput{Name: "  "}, "name"},
		{"tenant id with a slash", identity.CreateTenantInput{TenantID: "a/b", Name: "x"}, "tenantId"},
		{"tenant id with a space", identity.CreateTenantInput{TenantID: "a b", Name: "x"}, "tenantId"},
		{"metadata not an object", identity.CreateTenantInput{Name: "x", Metadata: "[1,2]"}, "metadata"},
		{"alias with a dot", identity.CreateTenantInput{Name: "x", Alias: "a.b"}, "alias"},
		{"creator e-mail", identity.CreateTenantInput{Name: "x", CreatorEmail: "nope"}, "creatorEmail"},
		{"website", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{Website: "acme.example"}}, "website"},
		{"logo", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{Logo: "not base64!"}}, "logo"},
		{"currency", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{Currency: "EURO"}}, "currency"},
		{"country", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{CountryCode: "FRA"}}, "countryCode"},
		{"timezone", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{Timezone: "Paris time"}}, "timezone"},
		{"tenant type", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{TenantType: "partner"}}, "tenantType"},
		{"year founded in the future", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{YearFounded: ptr(3000)}}, "yearFounded"},
		{"employees", identity.CreateTenantInput{Name: "x", TenantProfile: identity.TenantProfile{NumberOfEmployees: ptr(-1)}}, "numberOfEmployees"},
	} {
		_, err := e.id.CreateTenant(ctx, c.in)
		if err == nil {
			t.Fatalf("%s: accepted", c.name)
		}
		wantField(t, err, c.field)
	}
	_, err := e.id.CreateTenant(ctx, identity.CreateTenantInput{TenantID: "taken", Name: "again"})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "same alias", Alias: "TAKEN"})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "orphan", ParentTenantID: "missing"})
	wantErr(t, err, identity.ErrNotFound)
	ts, err := e.id.Store().ListTenants(ctx, e.id.EnvironmentID())
	if err != nil || len(ts) != 1 {
		t.Fatalf("refused creates left %d tenants (%v)", len(ts), err)
	}
	_, err = e.id.GetTenant(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.GetTenant(ctx, "")
	wantField(t, err, "tenantId")
	_, err = e.id.GetTenantByAlias(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)
}

func TestUpdateTenant(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "other", Alias: "other"})
	e.account(t, identity.CreateTenantInput{TenantID: "acme", Metadata: `{"a":1}`, TenantProfile: identity.TenantProfile{Address: "1 Main St", City: "Paris"}})
	e.clock.Advance(1000)

	md := identity.JSONObject(`{"b":2}`)
	got, err := e.id.UpdateTenant(ctx, "acme", identity.UpdateTenantInput{Name: ptr("Acme Inc"), Metadata: &md, Alias: ptr("Acme"),
		TenantProfileUpdate: identity.TenantProfileUpdate{City: ptr(""), Currency: ptr("usd")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Acme Inc" || got.Metadata != `{"b":2}` || got.Alias != "acme" || got.Address != "1 Main St" || got.City != "" || got.Currency != "USD" {
		t.Fatalf("after update: %+v", got)
	}
	if !got.UpdatedAt.After(got.CreatedAt) {
		t.Fatalf("updatedAt %v not after createdAt %v", got.UpdatedAt, got.CreatedAt)
	}
	again, err := e.id.GetTenant(ctx, "acme")
	if err != nil || again.City != "" || again.Currency != "USD" || again.Name != "Acme Inc" {
		t.Fatalf("read back: %+v %v", again, err)
	}

	_, err = e.id.UpdateTenant(ctx, "acme", identity.UpdateTenantInput{})
	wantErr(t, err, identity.ErrInvalidInput)
	_, err = e.id.UpdateTenant(ctx, "acme", identity.UpdateTenantInput{Name: ptr(" ")})
	wantField(t, err, "name")
	_, err = e.id.UpdateTenant(ctx, "acme", identity.UpdateTenantInput{Alias: ptr("other")})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.UpdateTenant(ctx, "acme", identity.UpdateTenantInput{TenantProfileUpdate: identity.TenantProfileUpdate{LoginURL: ptr("ftp://x")}})
	wantField(t, err, "loginUrl")
	_, err = e.id.UpdateTenant(ctx, "missing", identity.UpdateTenantInput{Status: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)
	after, _ := e.id.GetTenant(ctx, "acme")
	if after.Alias != "acme" || after.LoginURL != "" {
		t.Fatalf("refused updates changed the tenant: %+v", after)
	}
}

func TestTenantMetadata(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "acme", Metadata: `{"plan":"free","seats":1}`})
	got, err := e.id.SetTenantMetadata(ctx, "acme", `{"plan":"pro","region":"eu"}`)
	if err != nil {
		t.Fatal(err)
	}
	if got.Metadata != `{"plan":"pro","region":"eu","seats":1}` {
		t.Fatalf("merged metadata %s", got.Metadata)
	}
	got, err = e.id.DeleteTenantMetadata(ctx, "acme", "seats")
	if err != nil || got.Metadata != `{"plan":"pro","region":"eu"}` {
		t.Fatalf("after deleting a key: %s %v", got.Metadata, err)
	}
	got, err = e.id.DeleteTenantMetadata(ctx, "acme", "absent")
	if err != nil || got.Metadata != `{"plan":"pro","region":"eu"}` {
		t.Fatalf("deleting an absent key: %s %v", got.Metadata, err)
	}
	_, err = e.id.SetTenantMetadata(ctx, "acme", `"text"`)
	wantField(t, err, "metadata")
	_, err = e.id.SetTenantMetadata(ctx, "acme", "")
	wantField(t, err, "metadata")
	_, err = e.id.SetTenantMetadata(ctx, "missing", `{"a":1}`)
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.DeleteTenantMetadata(ctx, "missing", "a")
	wantErr(t, err, identity.ErrNotFound)
	tn, _ := e.storedTenant(t, "acme")
	if tn.Metadata != `{"plan":"pro","region":"eu"}` {
		t.Fatalf("refusals changed metadata: %s", tn.Metadata)
	}
}

func TestListTenants(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	for _, n := range []string{"Charlie", "alpha", "Bravo", "alpha two"} {
		e.account(t, identity.CreateTenantInput{TenantID: "t-" + n[:1] + "-" + n[len(n)-1:], Name: n,
			TenantProfile: identity.TenantProfile{City: n}})
		e.clock.Advance(1e9)
	}
	names := func(p *identity.Page[identity.Tenant]) []string {
		var out []string
		for _, t := range p.Items {
			out = append(out, t.Name)
		}
		return out
	}
	check := func(q identity.TenantQuery, total int, want ...string) {
		t.Helper()
		p, err := e.id.ListTenants(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got := names(p)
		if p.Metadata.TotalItems != total || len(got) != len(want) {
			t.Fatalf("%+v: %v (total %d), want %v (total %d)", q, got, p.Metadata.TotalItems, want, total)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: %v, want %v", q, got, want)
			}
		}
	}
	check(identity.TenantQuery{}, 4, "Charlie", "alpha", "Bravo", "alpha two")
	check(identity.TenantQuery{Page: identity.PageQuery{SortBy: "name"}}, 4, "alpha", "alpha two", "Bravo", "Charlie")
	check(identity.TenantQuery{Page: identity.PageQuery{SortBy: "name", Order: "desc", Limit: 2, Offset: 1}}, 4, "Bravo", "alpha two")
	check(identity.TenantQuery{Filter: "ALPHA"}, 2, "alpha", "alpha two")
	check(identity.TenantQuery{TenantIDs: []string{"t-B-o", "t-C-e", "nope"}}, 2, "Charlie", "Bravo")
	p, err := e.id.ListTenants(ctx, identity.TenantQuery{TenantIDs: []string{"t-B-o"}})
	if err != nil || p.Items[0].City != "Bravo" {
		t.Fatalf("listed tenants carry their profile: %+v %v", p.Items, err)
	}
	for _, c := range []struct {
		q     identity.TenantQuery
		field string
	}{
		{identity.TenantQuery{Page: identity.PageQuery{Limit: identity.MaxTenantPageLimit + 1}}, "_limit"},
		{identity.TenantQuery{Page: identity.PageQuery{SortBy: "email"}}, "_sortBy"},
		{identity.TenantQuery{Page: identity.PageQuery{Order: "up"}}, "_order"},
	} {
		_, err := e.id.ListTenants(ctx, c.q)
		wantField(t, err, c.field)
	}
}

// deleteFixture is an account with everything that hangs on it: a parent,
// a sub-account, a role of its own, settings, a member who belongs only to
// it and a member who also belongs to another account (logged in, so it
// has a session there).
type deleteFixture struct {
	parent, doomed, child, other string
	ownRole, envRole             string
	group, invite                string
	onlyHere, alsoElsewhere      *identity.User
}

func newDeleteFixture(t *testing.T, e *testEnv) *deleteFixture {
	t.Helper()
	ctx := context.Background()
	f := &deleteFixture{parent: "parent", doomed: "doomed", child: "child", other: "other"}
	e.account(t, identity.CreateTenantInput{TenantID: f.parent})
	e.account(t, identity.CreateTenantInput{TenantID: f.doomed, ParentTenantID: f.parent, TenantProfile: identity.TenantProfile{City: "Paris"}})
	e.account(t, identity.CreateTenantInput{TenantID: f.child, ParentTenantID: f.doomed})
	e.account(t, identity.CreateTenantInput{TenantID: f.other, TenantProfile: identity.TenantProfile{City: "Rome"}})
	rs, err := e.id.CreateRoles(ctx, f.doomed, []identity.CreateRoleInput{{Key: "doomed-admin", Name: "Doomed admin", Level: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	f.ownRole = rs[0].ID
	rs, err = e.id.CreateRoles(ctx, "", []identity.CreateRoleInput{{Key: "everywhere", Name: "Everywhere", Level: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	f.envRole = rs[0].ID
	if _, err := e.id.UpdateSubTenantHierarchySettings(ctx, vendor(""), f.doomed, identity.HierarchySettingsInput{SubAccountAccessType: "alwaysOn"}); err != nil {
		t.Fatal(err)
	}
	if err := e.id.Store().PutSetting(ctx, &store.Setting{EnvID: e.id.EnvironmentID(), TenantID: f.doomed, Name: "lockout-policy", Value: `{}`}); err != nil {
		t.Fatal(err)
	}
	f.onlyHere = e.userIn(t, "only@example.com", f.doomed, f.ownRole)
	f.alsoElsewhere = e.userIn(t, "both@example.com", f.doomed, f.ownRole, f.envRole)
	if err := e.id.Store().PutMembership(ctx, storeMembership(f.alsoElsewhere.ID, f.other, e.id.EnvironmentID(), f.envRole)); err != nil {
		t.Fatal(err)
	}
	e.login(t, "both@example.com")
	g, err := e.id.CreateGroup(ctx, vendorPrincipal(f.doomed), identity.CreateGroupInput{Name: "Doomed group"})
	if err != nil {
		t.Fatal(err)
	}
	f.group = g.ID
	inv, err := e.id.CreateTenantInvite(ctx, identity.CreateTenantInviteInput{TenantID: f.doomed})
	if err != nil {
		t.Fatal(err)
	}
	f.invite = inv.ID
	return f
}

// wantIntact fails unless nothing of the fixture was deleted.
func (f *deleteFixture) wantIntact(t *testing.T, e *testEnv) {
	t.Helper()
	ctx := context.Background()
	env := e.id.EnvironmentID()
	for _, id := range []string{f.parent, f.doomed, f.child, f.other} {
		if _, err := e.storedTenant(t, id); err != nil {
			t.Fatalf("tenant %s: %v", id, err)
		}
	}
	if c, _ := e.storedTenant(t, f.child); c.ParentID != f.doomed {
		t.Fatalf("child's parent is %q", c.ParentID)
	}
	if _, err := e.id.Store().GetRole(ctx, env, f.ownRole); err != nil {
		t.Fatalf("own role: %v", err)
	}
	for _, u := range []*identity.User{f.onlyHere, f.alsoElsewhere} {
		if _, err := e.id.Store().GetMembership(ctx, u.ID, f.doomed); err != nil {
			t.Fatalf("membership of %s: %v", u.Email, err)
		}
	}
	if _, err := e.id.Store().GetSetting(ctx, env, f.doomed, "lockout-policy"); err != nil {
		t.Fatalf("setting: %v", err)
	}
	if _, err := e.id.Store().GetGroup(ctx, f.doomed, f.group); err != nil {
		t.Fatalf("group: %v", err)
	}
	if _, err := e.id.Store().GetTenantInvite(ctx, env, f.invite); err != nil {
		t.Fatalf("invitation link: %v", err)
	}
	ss, _ := e.id.Store().ListUserSessions(ctx, f.alsoElsewhere.ID)
	if len(ss) != 1 || ss[0].RevokedAt != nil {
		t.Fatalf("session: %+v", ss)
	}
}

func TestDeleteTenantCascades(t *testing.T) { runDeleteTenantCascades(t, newTestEnv(t)) }

func runDeleteTenantCascades(t *testing.T, e *testEnv) {
	ctx := context.Background()
	env := e.id.EnvironmentID()
	f := newDeleteFixture(t, e)
	f.wantIntact(t, e)

	if err := e.id.DeleteTenant(ctx, f.doomed); err != nil {
		t.Fatal(err)
	}
	if _, err := e.storedTenant(t, f.doomed); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted tenant: %v", err)
	}
	// The sub-account moved up to the deleted account's parent.
	if c, err := e.storedTenant(t, f.child); err != nil || c.ParentID != f.parent {
		t.Fatalf("sub-account after delete: %+v %v", c, err)
	}
	// The account's own role went; the environment's stayed.
	if _, err := e.id.Store().GetRole(ctx, env, f.ownRole); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("own role: %v", err)
	}
	if _, err := e.id.Store().GetRole(ctx, env, f.envRole); err != nil {
		t.Fatalf("environment role: %v", err)
	}
	// The member of no other account was deleted; the other one kept its
	// other account and lost its session in the deleted one.
	if _, err := e.id.Store().GetUser(ctx, env, f.onlyHere.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("member of only the deleted account: %v", err)
	}
	ms, err := e.id.Store().ListUserMemberships(ctx, f.alsoElsewhere.ID)
	if err != nil || len(ms) != 1 || ms[0].TenantID != f.other {
		t.Fatalf("memberships of the other member: %+v %v", ms, err)
	}
	ss, _ := e.id.Store().ListUserSessions(ctx, f.alsoElsewhere.ID)
	if len(ss) != 1 || ss[0].RevokedAt == nil {
		t.Fatalf("session in the deleted account not revoked: %+v", ss)
	}
	// Its settings went; other accounts' stayed.
	for _, name := range []string{"lockout-policy", "tenant-profile"} {
		if _, err := e.id.Store().GetSetting(ctx, env, f.doomed, name); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("setting %s of the deleted account: %v", name, err)
		}
	}
	// Its groups and invitation links went too.
	if _, err := e.id.Store().GetGroup(ctx, f.doomed, f.group); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("group of the deleted account: %v", err)
	}
	if _, err := e.id.Store().GetTenantInvite(ctx, env, f.invite); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("invitation link of the deleted account: %v", err)
	}
	if o, err := e.id.GetTenant(ctx, f.other); err != nil || o.City != "Rome" {
		t.Fatalf("other account: %+v %v", o, err)
	}
	wantErr(t, e.id.DeleteTenant(ctx, f.doomed), identity.ErrNotFound)

	// Deleting a top-level account makes its sub-accounts top-level.
	if err := e.id.DeleteTenant(ctx, f.parent); err != nil {
		t.Fatal(err)
	}
	if c, _ := e.storedTenant(t, f.child); c.ParentID != "" {
		t.Fatalf("sub-account of a deleted top-level account has parent %q", c.ParentID)
	}
	// The id may be used again.
	e.account(t, identity.CreateTenantInput{TenantID: f.doomed})
}

// failingTenantDelete is a store whose DeleteTenant fails, inside
// transactions too: what a deletion did before it must be rolled back.
type failingTenantDelete struct{ store.Store }

func (s failingTenantDelete) InTx(ctx context.Context, fn func(store.Store) error) error {
	return s.Store.InTx(ctx, func(tx store.Store) error { return fn(failingTenantDelete{tx}) })
}

func (failingTenantDelete) DeleteTenant(context.Context, string, string) error {
	return errors.New("disk full")
}

func TestDeleteTenantIsOneTransaction(t *testing.T) {
	runDeleteTenantIsOneTransaction(t, newTestEnv(t))
}

func runDeleteTenantIsOneTransaction(t *testing.T, e *testEnv) {
	f := newDeleteFixture(t, e)
	broken, err := identity.New(failingTenantDelete{e.id.Store()}, cheapOptions(e.clock, e.outbox)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := broken.DeleteTenant(context.Background(), f.doomed); err == nil || errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("DeleteTenant over a failing store: %v", err)
	}
	f.wantIntact(t, e)
}

func TestDeleteTenantsAllOrNone(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "a"})
	e.account(t, identity.CreateTenantInput{TenantID: "b"})
	wantErr(t, e.id.DeleteTenants(ctx, []string{"a", "missing", "b"}), identity.ErrNotFound)
	for _, id := range []string{"a", "b"} {
		if _, err := e.storedTenant(t, id); err != nil {
			t.Fatalf("tenant %s after a refused bulk delete: %v", id, err)
		}
	}
	wantField(t, e.id.DeleteTenants(ctx, nil), "tenantIds")
	if err := e.id.DeleteTenants(ctx, []string{"a", "b", "a"}); err != nil {
		t.Fatal(err)
	}
	ts, _ := e.id.Store().ListTenants(ctx, e.id.EnvironmentID())
	if len(ts) != 0 {
		t.Fatalf("%d tenants left", len(ts))
	}
}

func TestDeleteCurrentTenant(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.account(t, identity.CreateTenantInput{TenantID: "mine"})
	u := e.userIn(t, "owner@example.com", "mine")
	p := userPrincipal(u.ID, "mine")
	wantErr(t, e.id.DeleteCurrentTenant(ctx, p), identity.ErrForbidden)
	wantField(t, e.id.DeleteCurrentTenant(ctx, vendor("")), "frontegg-tenant-id")
	wantErr(t, e.id.DeleteCurrentTenant(ctx, nil), identity.ErrUnauthorized)
	if _, err := e.storedTenant(t, "mine"); err != nil {
		t.Fatalf("refused deletes removed the tenant: %v", err)
	}
	if err := e.id.DeleteCurrentTenant(ctx, userPrincipal(u.ID, "mine", identity.PermDeleteAccount)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.storedTenant(t, "mine"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("tenant after DeleteCurrentTenant: %v", err)
	}
	if _, err := e.id.Store().GetUser(ctx, e.id.EnvironmentID(), u.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the account's only user after DeleteCurrentTenant: %v", err)
	}
}
