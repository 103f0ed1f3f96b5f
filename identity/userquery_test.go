package identity_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// userIDs returns the ids of a page.
func userIDs(p *identity.Page[identity.User]) []string {
	out := make([]string, len(p.Items))
	for i, u := range p.Items {
		out[i] = u.ID
	}
	return out
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func TestListUsers(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	acme := e.tenant(t, "Acme")
	sub, err := e.id.CreateTenant(ctx, identity.CreateTenantInput{Name: "Acme EU", ParentTenantID: acme.ID})
	if err != nil {
		t.Fatal(err)
	}
	other := e.tenant(t, "Other")
	mk := func(email, name, tenantID string) *identity.User {
		t.Helper()
		e.clock.Advance(1e9)
		u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: email, Name: name, TenantID: tenantID, Username: "u_" + name})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ann := mk("ann@acme.com", "Ann", acme.ID)
	bob := mk("bob@acme.com", "Bob", acme.ID)
	eve := mk("eve@acme.com", "Eve", sub.ID)
	zed := mk("zed@other.com", "Zed", other.ID)
	// Bob is invisible: hidden from the tenant's own users.
	bu, _ := e.st.GetUser(ctx, e.id.EnvironmentID(), bob.ID)
	bu.Invisible = true
	if err := e.st.UpdateUser(ctx, bu); err != nil {
		t.Fatal(err)
	}
	list := func(p *identity.Principal, q identity.UserQuery, page identity.PageQuery) *identity.Page[identity.User] {
		t.Helper()
		got, err := e.id.ListUsers(ctx, p, q, page)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// The environment lists everyone, paged.
	all := list(vendor(""), identity.UserQuery{}, identity.PageQuery{Limit: 3})
	sameIDs(t, "environment, first page", userIDs(all), []string{ann.ID, bob.ID, eve.ID})
	if all.Metadata.TotalItems != 4 || all.Metadata.TotalPages != 2 {
		t.Fatalf("metadata = %+v", all.Metadata)
	}
	sameIDs(t, "environment, second page", userIDs(list(vendor(""), identity.UserQuery{}, identity.PageQuery{Limit: 3, Offset: 3})), []string{zed.ID})
	sameIDs(t, "environment by name desc", userIDs(list(vendor(""), identity.UserQuery{}, identity.PageQuery{SortBy: "name", Order: "desc"})),
		[]string{zed.ID, eve.ID, bob.ID, ann.ID})
	// One tenant, with its sub-accounts by default, without on request.
	sameIDs(t, "tenant with sub-accounts", userIDs(list(vendor(""), identity.UserQuery{TenantID: acme.ID}, identity.PageQuery{})),
		[]string{ann.ID, bob.ID, eve.ID})
	sameIDs(t, "tenant without sub-accounts", userIDs(list(vendor(""), identity.UserQuery{TenantID: acme.ID, IncludeSubTenants: ptr(false)}, identity.PageQuery{})),
		[]string{ann.ID, bob.ID})
	sameIDs(t, "tenant from the header", userIDs(list(vendor(other.ID), identity.UserQuery{}, identity.PageQuery{})), []string{zed.ID})
	// Views are rendered for the listed tenant.
	if v := list(vendor(""), identity.UserQuery{TenantID: acme.ID, IDs: []string{ann.ID}}, identity.PageQuery{}).Items[0]; v.TenantID != acme.ID {
		t.Fatalf("view tenant %q", v.TenantID)
	}

	// Filters.
	sameIDs(t, "email prefix", userIDs(list(vendor(""), identity.UserQuery{Email: "B"}, identity.PageQuery{})), []string{bob.ID})
	sameIDs(t, "name prefix", userIDs(list(vendor(""), identity.UserQuery{NamePrefix: "z"}, identity.PageQuery{})), []string{zed.ID})
	sameIDs(t, "username identifier", userIDs(list(vendor(""), identity.UserQuery{Identifier: "u_e", IdentifierType: "username"}, identity.PageQuery{})), []string{eve.ID})
	sameIDs(t, "email identifier and _email", userIDs(list(vendor(""), identity.UserQuery{Email: "ann", Identifier: "ann@", IdentifierType: "email"}, identity.PageQuery{})), []string{ann.ID})
	sameIDs(t, "disagreeing e-mail prefixes", userIDs(list(vendor(""), identity.UserQuery{Email: "ann", Identifier: "bob", IdentifierType: "email"}, identity.PageQuery{})), []string{})
	sameIDs(t, "ids", userIDs(list(vendor(""), identity.UserQuery{IDs: []string{zed.ID + "," + ann.ID}}, identity.PageQuery{})), []string{ann.ID, zed.ID})
	sameIDs(t, "phrase", userIDs(list(vendor(""), identity.UserQuery{Contains: []string{"acme"}, Excludes: []string{"eve"}}, identity.PageQuery{})), []string{ann.ID, bob.ID})

	// A user principal needs the permission and sees its tenant's visible
	// users only.
	_, err = e.id.ListUsers(ctx, userPrincipal(ann.ID, acme.ID), identity.UserQuery{}, identity.PageQuery{})
	wantErr(t, err, identity.ErrForbidden)
	mine := list(userPrincipal(ann.ID, acme.ID, identity.PermReadUsers), identity.UserQuery{}, identity.PageQuery{})
	sameIDs(t, "user principal", userIDs(mine), []string{ann.ID})
	withSubs := list(userPrincipal(ann.ID, acme.ID, identity.PermReadUsers, identity.PermReadSubAccounts), identity.UserQuery{}, identity.PageQuery{})
	sameIDs(t, "user principal reading sub-accounts", userIDs(withSubs), []string{ann.ID, eve.ID})
	sameIDs(t, "user principal listing its sub-account", userIDs(list(userPrincipal(ann.ID, acme.ID, identity.PermReadUsers, identity.PermReadSubAccounts),
		identity.UserQuery{TenantID: sub.ID}, identity.PageQuery{})), []string{eve.ID})
	for _, target := range []string{other.ID, sub.ID} {
		_, err = e.id.ListUsers(ctx, userPrincipal(ann.ID, acme.ID, identity.PermReadUsers), identity.UserQuery{TenantID: target}, identity.PageQuery{})
		wantErr(t, err, identity.ErrForbidden)
	}

	// Refusals name the parameter.
	for field, q := range map[string]identity.UserQuery{
		"_identifierType":       {Identifier: "ann"},
		"_identifier":           {IdentifierType: "email"},
		"_phraseSearchContains": {Contains: []string{"ab"}},
		"_phraseSearchExcludes": {Excludes: []string{"x"}},
	} {
		_, err := e.id.ListUsers(ctx, vendor(""), q, identity.PageQuery{})
		wantField(t, err, field)
	}
	_, err = e.id.ListUsers(ctx, vendor(""), identity.UserQuery{Identifier: "a", IdentifierType: "fax"}, identity.PageQuery{})
	wantField(t, err, "_identifierType")
	_, err = e.id.ListUsers(ctx, vendor(""), identity.UserQuery{}, identity.PageQuery{Limit: identity.MaxUserPageLimit + 1})
	wantField(t, err, "_limit")
	_, err = e.id.ListUsers(ctx, vendor(""), identity.UserQuery{}, identity.PageQuery{SortBy: "shoeSize"})
	wantField(t, err, "_sortBy")
	_, err = e.id.ListUsers(ctx, vendor(""), identity.UserQuery{TenantID: "missing"}, identity.PageQuery{})
	wantErr(t, err, identity.ErrNotFound)
	_, err = e.id.ListUsers(ctx, nil, identity.UserQuery{}, identity.PageQuery{})
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestSearchUsersApproximate(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Acme")
	u, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "jose@example.com", Name: "José Núñez", TenantID: tn.ID})
	if err != nil {
		t.Fatal(err)
	}
	exact, err := e.id.SearchUsers(ctx, vendor(""), identity.UserQuery{Contains: []string{"nunez"}}, identity.PageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "exact", userIDs(exact), []string{})
	approx, err := e.id.SearchUsers(ctx, vendor(""), identity.UserQuery{Contains: []string{"nunez"}, Approximate: true}, identity.PageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "approximate", userIDs(approx), []string{u.ID})
}
