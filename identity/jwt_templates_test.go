package identity_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/identity"
)

// partnerClaims is a template mixing standard claims (with their own
// variables), static values and mappings from user fields and metadata.
func partnerClaims() map[string]any {
	return map[string]any{
		"sub":                      "{{sub}}",
		"email":                    "{{ user.email }}",
		"exp":                      "{{exp}}",
		"https://example.com/plan": "{{user.metadata.plan}}",
		"tier":                     "{{user.metadata.org.tier}}",
		"static":                   42,
		"flags":                    map[string]any{"beta": true, "who": "{{user.email}}", "gone": "{{user.metadata.nope}}"},
		"greeting":                 "hi {{user.name}} of {{user.tenantId}}{{user.metadata.nope}}",
		"tenants":                  "{{user.tenantIds}}",
		"missing":                  "{{user.metadata.nope}}",
		"app":                      "{{applicationId}}",
		"kind":                     "{{type}}",
		"list":                     []any{"{{user.verified}}", "x"},
	}
}

func newTemplate(t *testing.T, e *testEnv, key, alg string, expiration int, claims map[string]any) *identity.JWTTemplate {
	t.Helper()
	tpl, err := e.id.CreateJWTTemplate(context.Background(), identity.JWTTemplateInput{
		Key: ptr(key), Name: ptr("Template " + key), Expiration: ptr(expiration), Algorithm: ptr(alg),
		TemplateSchema: &identity.JWTTemplateSchema{Claims: claims},
	})
	if err != nil {
		t.Fatalf("CreateJWTTemplate(%s): %v", key, err)
	}
	return tpl
}

func targetUsers(t *testing.T, e *testEnv, treatment string, userIDs ...string) *identity.JWTTemplateTargeting {
	t.Helper()
	tg, err := e.id.UpdateJWTTemplateTargeting(context.Background(), identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{{
		ConditionLogic: ptr("and"), Treatment: ptr(treatment),
		Conditions: []identity.JWTTargetingConditionInput{{Attribute: ptr("userId"), Op: ptr("in_list"), Negate: ptr(false), Value: &identity.JWTConditionValue{List: userIDs}}},
	}}})
	if err != nil {
		t.Fatalf("UpdateJWTTemplateTargeting: %v", err)
	}
	return tg
}

func lifetime(c *jwt.RegisteredClaims) time.Duration { return c.ExpiresAt.Sub(c.IssuedAt.Time) }

// TestJWTTemplateShapesToken: the targeted user's login and refresh tokens
// carry the template's claims and lifetime; other users get the default.
func TestJWTTemplateShapesToken(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	tn := e.tenant(t, "Partners")
	tina, err := e.id.CreateUser(ctx, identity.CreateUserInput{Email: "tina@example.com", Name: "Tina", Password: testPassword, TenantID: tn.ID, Metadata: `{"plan":"gold","org":{"tier":3}}`})
	if err != nil {
		t.Fatal(err)
	}
	e.user(t, "olaf@example.com")
	newTemplate(t, e, "partner", "RS256", 600, partnerClaims())
	targetUsers(t, e, "partner", tina.ID)

	res := e.login(t, "tina@example.com")
	c := e.principal(t, res.AccessToken).Claims
	if got := lifetime(&c.RegisteredClaims); got != 600*time.Second || res.ExpiresIn != 600 {
		t.Fatalf("exp-iat = %v, expiresIn = %d; want the template's 600 s", got, res.ExpiresIn)
	}
	want := map[string]any{
		"https://example.com/plan": "gold",
		"tier":                     float64(3),
		"static":                   float64(42),
		"flags":                    map[string]any{"beta": true, "who": "tina@example.com", "gone": nil},
		"greeting":                 "hi Tina of " + tn.ID,
		"tenants":                  []any{tn.ID},
		"kind":                     "userToken",
		"list":                     []any{true, "x"},
	}
	if !reflect.DeepEqual(c.Extra, want) {
		t.Fatalf("custom claims = %#v\nwant %#v", c.Extra, want)
	}
	// The standard claims are yolk's, whatever the template lists.
	if c.Subject != tina.ID || c.Email != "tina@example.com" || c.TenantID != tn.ID || c.Type != identity.TokenTypeUser || c.SessionID == "" {
		t.Fatalf("standard claims = %+v", c)
	}

	// Refreshed tokens are shaped the same way.
	next, err := e.id.Refresh(ctx, res.RefreshToken, "", identity.ClientInfo{})
	if err != nil {
		t.Fatal(err)
	}
	c = e.principal(t, next.AccessToken).Claims
	if lifetime(&c.RegisteredClaims) != 600*time.Second || c.Extra["static"] != float64(42) {
		t.Fatalf("refreshed token: lifetime %v, claims %v", lifetime(&c.RegisteredClaims), c.Extra)
	}

	// A user no rule targets gets the environment's default token.
	other := e.login(t, "olaf@example.com")
	oc := e.principal(t, other.AccessToken).Claims
	if got := lifetime(&oc.RegisteredClaims); got != 86400*time.Second || len(oc.Extra) != 0 || tokenAlg(t, other.AccessToken) != "RS256" {
		t.Fatalf("untargeted token: lifetime %v, extra %v", got, oc.Extra)
	}

	// Without targeting, the template shapes nothing.
	tg, err := e.id.GetJWTTemplateTargeting(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.id.DeleteJWTTemplateTargeting(ctx, tg.ID); err != nil {
		t.Fatal(err)
	}
	res = e.login(t, "tina@example.com")
	if c := e.principal(t, res.AccessToken).Claims; len(c.Extra) != 0 || lifetime(&c.RegisteredClaims) != 86400*time.Second {
		t.Fatalf("token after the targeting was deleted: %v, %v", c.Extra, lifetime(&c.RegisteredClaims))
	}
}

// TestJWTTemplateHS256 signs a targeted user's tokens with HS256 while the
// environment stays RS256; they verify with the environment's jwtSecret.
func TestJWTTemplateHS256(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	u := e.user(t, "hana@example.com")
	e.user(t, "rolf@example.com")
	newTemplate(t, e, "hmac", "HS256", 120, map[string]any{"team": "blue"})
	targetUsers(t, e, "hmac", u.ID)

	cfg, err := e.id.GetVendorConfig(ctx)
	if err != nil || cfg.JWTAlgorithm != "RS256" || cfg.JWTSecret == "" {
		t.Fatalf("config after creating an HS256 template: alg %q, secret set %v, %v", cfg.JWTAlgorithm, cfg.JWTSecret != "", err)
	}
	res := e.login(t, "hana@example.com")
	if alg := tokenAlg(t, res.AccessToken); alg != "HS256" {
		t.Fatalf("alg = %q, want HS256", alg)
	}
	c := e.principal(t, res.AccessToken).Claims
	if lifetime(&c.RegisteredClaims) != 120*time.Second || c.Extra["team"] != "blue" {
		t.Fatalf("HS256 token: lifetime %v, claims %v", lifetime(&c.RegisteredClaims), c.Extra)
	}
	// A third party verifies it with the secret the configuration shows.
	parsed, err := jwt.Parse(res.AccessToken, func(*jwt.Token) (any, error) { return []byte(cfg.JWTSecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(e.clock.Now))
	if err != nil || !parsed.Valid {
		t.Fatalf("verifying with jwtSecret: %v", err)
	}
	if _, err := jwt.Parse(res.AccessToken, func(*jwt.Token) (any, error) { return []byte("wrong"), nil }, jwt.WithTimeFunc(e.clock.Now)); err == nil {
		t.Fatal("an HS256 token verified with the wrong secret")
	}
	// Everyone else keeps RS256.
	if alg := tokenAlg(t, e.login(t, "rolf@example.com").AccessToken); alg != "RS256" {
		t.Fatalf("untargeted alg = %q", alg)
	}
	// Once no template uses HS256 (and the environment does not), HS256
	// tokens are refused again: the algorithm is pinned.
	tpls, err := e.id.ListJWTTemplates(ctx, identity.JWTTemplateQuery{})
	if err != nil || len(tpls.Items) != 1 {
		t.Fatalf("ListJWTTemplates = %+v, %v", tpls, err)
	}
	if _, err := e.id.UpdateJWTTemplate(ctx, tpls.Items[0].ID, identity.JWTTemplateInput{Algorithm: ptr("RS256")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.Authenticate(ctx, res.AccessToken)
	wantErr(t, err, identity.ErrUnauthorized)
}

func TestJWTTemplateCRUD(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	claims := map[string]any{"plan": "{{user.metadata.plan}}"}
	valid := func() identity.JWTTemplateInput {
		return identity.JWTTemplateInput{Key: ptr("basic"), Name: ptr("Basic"), Expiration: ptr(300), Algorithm: ptr("RS256"), TemplateSchema: &identity.JWTTemplateSchema{Claims: claims}}
	}
	for _, c := range []struct {
		change func(*identity.JWTTemplateInput)
		field  string
	}{
		{func(in *identity.JWTTemplateInput) { in.Key = nil }, "key"},
		{func(in *identity.JWTTemplateInput) { in.Name = nil }, "name"},
		{func(in *identity.JWTTemplateInput) { in.Expiration = nil }, "expiration"},
		{func(in *identity.JWTTemplateInput) { in.Algorithm = nil }, "algorithm"},
		{func(in *identity.JWTTemplateInput) { in.TemplateSchema = nil }, "templateSchema"},
		{func(in *identity.JWTTemplateInput) { in.TemplateSchema = &identity.JWTTemplateSchema{} }, "templateSchema.claims"},
		{func(in *identity.JWTTemplateInput) { in.Key = ptr("has space") }, "key"},
		{func(in *identity.JWTTemplateInput) { in.Name = ptr("  ") }, "name"},
		{func(in *identity.JWTTemplateInput) { in.Expiration = ptr(9) }, "expiration"},
		{func(in *identity.JWTTemplateInput) { in.Expiration = ptr(identity.MaxJWTTemplateExpiration + 1) }, "expiration"},
		{func(in *identity.JWTTemplateInput) { in.Algorithm = ptr("ES256") }, "algorithm"},
		{func(in *identity.JWTTemplateInput) {
			in.TemplateSchema = &identity.JWTTemplateSchema{Claims: map[string]any{"x": "{{user.password}}"}}
		}, "templateSchema.claims.x"},
		{func(in *identity.JWTTemplateInput) {
			in.TemplateSchema = &identity.JWTTemplateSchema{Claims: map[string]any{"x": map[string]any{"y": []any{"{{nope}}"}}}}
		}, "templateSchema.claims.x.y[0]"},
		{func(in *identity.JWTTemplateInput) {
			in.TemplateSchema = &identity.JWTTemplateSchema{Claims: map[string]any{"email": "{{user.name}}"}}
		}, "templateSchema.claims.email"},
		{func(in *identity.JWTTemplateInput) {
			in.TemplateSchema = &identity.JWTTemplateSchema{Claims: map[string]any{"sub": "static"}}
		}, "templateSchema.claims.sub"},
		{func(in *identity.JWTTemplateInput) {
			in.TemplateSchema = &identity.JWTTemplateSchema{Claims: map[string]any{"until": "{{exp}}"}}
		}, "templateSchema.claims.until"},
		{func(in *identity.JWTTemplateInput) {
			in.TemplateSchema = &identity.JWTTemplateSchema{Claims: map[string]any{"f": func() {}}}
		}, "templateSchema.claims"},
	} {
		in := valid()
		c.change(&in)
		_, err := e.id.CreateJWTTemplate(ctx, in)
		wantField(t, err, c.field)
	}
	if page, err := e.id.ListJWTTemplates(ctx, identity.JWTTemplateQuery{}); err != nil || len(page.Items) != 0 {
		t.Fatalf("refused creations stored templates: %+v, %v", page, err)
	}

	// The bounds are inclusive.
	in := valid()
	in.Expiration, in.Description = ptr(identity.MinJWTTemplateExpiration), ptr("short-lived")
	basic, err := e.id.CreateJWTTemplate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if basic.ID == "" || basic.VendorID != e.id.EnvironmentID() || basic.Key != "basic" || basic.Expiration != 10 || *basic.Description != "short-lived" || !basic.CreatedAt.Equal(e.clock.Now()) {
		t.Fatalf("created = %+v", basic)
	}
	_, err = e.id.CreateJWTTemplate(ctx, valid())
	wantErr(t, err, identity.ErrConflict)
	e.clock.Advance(time.Second)
	long := newTemplate(t, e, "long", "HS256", identity.MaxJWTTemplateExpiration, map[string]any{"a": 1, "b": []string{"x"}})
	if got, err := e.id.GetJWTTemplate(ctx, long.ID); err != nil || !reflect.DeepEqual(got, long) {
		t.Fatalf("GetJWTTemplate = %+v, %v; want what CreateJWTTemplate returned, %+v", got, err, long)
	}
	e.clock.Advance(time.Second)
	newTemplate(t, e, "alpha", "RS256", 60, map[string]any{})

	got, err := e.id.GetJWTTemplate(ctx, basic.ID)
	if err != nil || !reflect.DeepEqual(got, basic) {
		t.Fatalf("GetJWTTemplate = %+v, %v; want %+v", got, err, basic)
	}
	_, err = e.id.GetJWTTemplate(ctx, "missing")
	wantErr(t, err, identity.ErrNotFound)

	keys := func(p *identity.Page[identity.JWTTemplate]) []string {
		var ks []string
		for _, t := range p.Items {
			ks = append(ks, t.Key)
		}
		return ks
	}
	for _, c := range []struct {
		q     identity.JWTTemplateQuery
		want  []string
		total int
	}{
		{identity.JWTTemplateQuery{}, []string{"basic", "long", "alpha"}, 3},
		{identity.JWTTemplateQuery{PageQuery: identity.PageQuery{SortBy: "key"}}, []string{"alpha", "basic", "long"}, 3},
		{identity.JWTTemplateQuery{PageQuery: identity.PageQuery{SortBy: "createdAt", Order: "DESC"}}, []string{"alpha", "long", "basic"}, 3},
		{identity.JWTTemplateQuery{PageQuery: identity.PageQuery{Limit: 2, Offset: 2}}, []string{"alpha"}, 3},
		{identity.JWTTemplateQuery{Keys: []string{"long", "alpha"}}, []string{"long", "alpha"}, 2},
		{identity.JWTTemplateQuery{IDs: []string{basic.ID}}, []string{"basic"}, 1},
		{identity.JWTTemplateQuery{Keys: []string{"long"}, IDs: []string{basic.ID}}, nil, 0},
	} {
		page, err := e.id.ListJWTTemplates(ctx, c.q)
		if err != nil || !reflect.DeepEqual(keys(page), c.want) || page.Metadata.TotalItems != c.total {
			t.Errorf("ListJWTTemplates(%+v) = %v (total %d), %v; want %v (total %d)", c.q, keys(page), page.Metadata.TotalItems, err, c.want, c.total)
		}
	}
	_, err = e.id.ListJWTTemplates(ctx, identity.JWTTemplateQuery{PageQuery: identity.PageQuery{SortBy: "expiration"}})
	wantField(t, err, "_sortBy")

	// Update changes only what it is given.
	e.clock.Advance(time.Minute)
	up, err := e.id.UpdateJWTTemplate(ctx, basic.ID, identity.JWTTemplateInput{Name: ptr("Renamed"), Expiration: ptr(900)})
	if err != nil || up.Name != "Renamed" || up.Expiration != 900 || up.Key != "basic" || up.Algorithm != "RS256" || !reflect.DeepEqual(up.TemplateSchema.Claims, claims) || !up.UpdatedAt.After(up.CreatedAt) {
		t.Fatalf("UpdateJWTTemplate = %+v, %v", up, err)
	}
	_, err = e.id.UpdateJWTTemplate(ctx, basic.ID, identity.JWTTemplateInput{Key: ptr("long")})
	wantErr(t, err, identity.ErrConflict)
	_, err = e.id.UpdateJWTTemplate(ctx, basic.ID, identity.JWTTemplateInput{Expiration: ptr(5)})
	wantField(t, err, "expiration")
	_, err = e.id.UpdateJWTTemplate(ctx, "missing", identity.JWTTemplateInput{Name: ptr("x")})
	wantErr(t, err, identity.ErrNotFound)
	if got, _ := e.id.GetJWTTemplate(ctx, basic.ID); got.Expiration != 900 || got.Key != "basic" {
		t.Fatalf("refused updates changed the template: %+v", got)
	}

	// A template the targeting names cannot be deleted; renaming its key
	// carries the rule along.
	targetUsers(t, e, "basic", "u-1")
	err = e.id.DeleteJWTTemplate(ctx, basic.ID)
	wantErr(t, err, identity.ErrConflict)
	if _, err := e.id.UpdateJWTTemplate(ctx, basic.ID, identity.JWTTemplateInput{Key: ptr("basic-v2")}); err != nil {
		t.Fatal(err)
	}
	tg, err := e.id.GetJWTTemplateTargeting(ctx)
	if err != nil || tg.Targeting.Rules[0].Treatment != "basic-v2" {
		t.Fatalf("targeting after the key was renamed: %+v, %v", tg, err)
	}
	if err := e.id.DeleteJWTTemplate(ctx, long.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetJWTTemplate(ctx, long.ID)
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.DeleteJWTTemplate(ctx, long.ID), identity.ErrNotFound)
}

func TestJWTTemplateTargetingCRUD(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	newTemplate(t, e, "a", "RS256", 60, map[string]any{})
	newTemplate(t, e, "b", "RS256", 60, map[string]any{})
	_, err := e.id.GetJWTTemplateTargeting(ctx)
	wantErr(t, err, identity.ErrNotFound)

	cond := func() identity.JWTTargetingConditionInput {
		return identity.JWTTargetingConditionInput{Attribute: ptr("userEmail"), Op: ptr("ends_with"), Negate: ptr(false), Value: &identity.JWTConditionValue{List: []string{"@example.com"}}}
	}
	rule := func(treatment string, cs ...identity.JWTTargetingConditionInput) identity.JWTTargetingRuleInput {
		if cs == nil {
			cs = []identity.JWTTargetingConditionInput{}
		}
		return identity.JWTTargetingRuleInput{ConditionLogic: ptr("and"), Treatment: ptr(treatment), Conditions: cs}
	}
	for _, c := range []struct {
		rule  identity.JWTTargetingRuleInput
		field string
	}{
		{rule("missing"), "rules[0].treatment"},
		{identity.JWTTargetingRuleInput{ConditionLogic: ptr("and"), Conditions: []identity.JWTTargetingConditionInput{}}, "rules[0].treatment"},
		{identity.JWTTargetingRuleInput{Treatment: ptr("a"), Conditions: []identity.JWTTargetingConditionInput{}}, "rules[0].conditionLogic"},
		{identity.JWTTargetingRuleInput{ConditionLogic: ptr("or"), Treatment: ptr("a"), Conditions: []identity.JWTTargetingConditionInput{}}, "rules[0].conditionLogic"},
		{identity.JWTTargetingRuleInput{ConditionLogic: ptr("and"), Treatment: ptr("a")}, "rules[0].conditions"},
		{rule("a", cond(), func() identity.JWTTargetingConditionInput { c := cond(); c.Attribute = ptr("plan"); return c }()), "rules[0].conditions[1].attribute"},
		{rule("a", func() identity.JWTTargetingConditionInput { c := cond(); c.Attribute = nil; return c }()), "rules[0].conditions[0].attribute"},
		{rule("a", func() identity.JWTTargetingConditionInput { c := cond(); c.Op = ptr("starts_with"); return c }()), "rules[0].conditions[0].op"},
		{rule("a", func() identity.JWTTargetingConditionInput { c := cond(); c.Op = nil; return c }()), "rules[0].conditions[0].op"},
		{rule("a", func() identity.JWTTargetingConditionInput { c := cond(); c.Negate = nil; return c }()), "rules[0].conditions[0].negate"},
		{rule("a", func() identity.JWTTargetingConditionInput { c := cond(); c.Value = nil; return c }()), "rules[0].conditions[0].value"},
		{rule("a", func() identity.JWTTargetingConditionInput {
			c := cond()
			c.Value = &identity.JWTConditionValue{}
			return c
		}()), "rules[0].conditions[0].value"},
	} {
		_, err := e.id.CreateJWTTemplateTargeting(ctx, identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{c.rule}})
		wantField(t, err, c.field)
	}
	_, err = e.id.GetJWTTemplateTargeting(ctx)
	wantErr(t, err, identity.ErrNotFound)

	tg, err := e.id.CreateJWTTemplateTargeting(ctx, identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{rule("a", cond())}})
	if err != nil {
		t.Fatal(err)
	}
	wantRule := identity.JWTTargetingRule{ConditionLogic: "and", Treatment: "a", Conditions: []identity.JWTTargetingCondition{{Attribute: "userEmail", Op: "ends_with", Value: identity.JWTConditionValue{List: []string{"@example.com"}}}}}
	if tg.ID == "" || len(tg.Targeting.Rules) != 1 || !reflect.DeepEqual(tg.Targeting.Rules[0], wantRule) {
		t.Fatalf("created targeting = %+v", tg)
	}
	_, err = e.id.CreateJWTTemplateTargeting(ctx, identity.JWTTemplateTargetingInput{})
	wantErr(t, err, identity.ErrConflict)

	// PUT replaces the rules and keeps the configuration.
	e.clock.Advance(time.Second)
	up, err := e.id.UpdateJWTTemplateTargeting(ctx, identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{rule("b"), rule("a", cond())}})
	if err != nil || up.ID != tg.ID || len(up.Targeting.Rules) != 2 || up.Targeting.Rules[0].Treatment != "b" || !up.CreatedAt.Equal(tg.CreatedAt) || !up.UpdatedAt.After(tg.UpdatedAt) {
		t.Fatalf("UpdateJWTTemplateTargeting = %+v, %v", up, err)
	}
	got, err := e.id.GetJWTTemplateTargeting(ctx)
	if err != nil || !reflect.DeepEqual(got, up) {
		t.Fatalf("GetJWTTemplateTargeting = %+v, %v; want %+v", got, err, up)
	}

	// PATCH by id: no rules changes nothing, rules replace them.
	_, err = e.id.PatchJWTTemplateTargeting(ctx, "other", identity.JWTTemplateTargetingInput{})
	wantErr(t, err, identity.ErrNotFound)
	same, err := e.id.PatchJWTTemplateTargeting(ctx, tg.ID, identity.JWTTemplateTargetingInput{})
	if err != nil || len(same.Targeting.Rules) != 2 {
		t.Fatalf("PatchJWTTemplateTargeting(no rules) = %+v, %v", same, err)
	}
	_, err = e.id.PatchJWTTemplateTargeting(ctx, tg.ID, identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{rule("zzz")}})
	wantField(t, err, "rules[0].treatment")
	patched, err := e.id.PatchJWTTemplateTargeting(ctx, tg.ID, identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{}})
	if err != nil || len(patched.Targeting.Rules) != 0 {
		t.Fatalf("PatchJWTTemplateTargeting(empty) = %+v, %v", patched, err)
	}

	wantErr(t, e.id.DeleteJWTTemplateTargeting(ctx, "other"), identity.ErrNotFound)
	if err := e.id.DeleteJWTTemplateTargeting(ctx, tg.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.id.GetJWTTemplateTargeting(ctx)
	wantErr(t, err, identity.ErrNotFound)
	wantErr(t, e.id.DeleteJWTTemplateTargeting(ctx, tg.ID), identity.ErrNotFound)
	_, err = e.id.PatchJWTTemplateTargeting(ctx, tg.ID, identity.JWTTemplateTargetingInput{})
	wantErr(t, err, identity.ErrNotFound)
	// PUT creates it again, under a new id.
	again, err := e.id.UpdateJWTTemplateTargeting(ctx, identity.JWTTemplateTargetingInput{})
	if err != nil || again.ID == "" || again.ID == tg.ID || again.Targeting.Rules == nil {
		t.Fatalf("UpdateJWTTemplateTargeting(none yet) = %+v, %v", again, err)
	}
}

// TestJWTTemplateTargetingByRole targets a role id of the user's membership
// in the token's tenant.
func TestJWTTemplateTargetingByRole(t *testing.T) {
	ctx := context.Background()
	e := newTestEnv(t)
	rita := e.user(t, "rita@example.com")
	// The membership names the role directly, whatever roles exist.
	m, err := e.st.GetMembership(ctx, rita.ID, rita.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	m.RoleIDs = []string{"role-x"}
	if err := e.st.PutMembership(ctx, m); err != nil {
		t.Fatal(err)
	}
	e.user(t, "norm@example.com")
	newTemplate(t, e, "roles", "RS256", 77, map[string]any{"roleIds": "{{user.tenant.roleIds}}"})
	_, err = e.id.UpdateJWTTemplateTargeting(ctx, identity.JWTTemplateTargetingInput{Rules: []identity.JWTTargetingRuleInput{{
		ConditionLogic: ptr("and"), Treatment: ptr("roles"),
		Conditions: []identity.JWTTargetingConditionInput{{Attribute: ptr("roleIds"), Op: ptr("in_list"), Negate: ptr(false), Value: &identity.JWTConditionValue{List: []string{"role-x"}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.principal(t, e.login(t, "rita@example.com").AccessToken).Claims
	if lifetime(&c.RegisteredClaims) != 77*time.Second || !reflect.DeepEqual(c.Extra["roleIds"], []any{"role-x"}) {
		t.Fatalf("role-targeted token: lifetime %v, claims %v", lifetime(&c.RegisteredClaims), c.Extra)
	}
	if c := e.principal(t, e.login(t, "norm@example.com").AccessToken).Claims; len(c.Extra) != 0 {
		t.Fatalf("user without the role got template claims %v", c.Extra)
	}
}
