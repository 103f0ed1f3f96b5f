package identity_test

import (
	"fmt"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

// targetFacts are the facts every row of TestMatchTargeting is judged on.
var targetFacts = identity.TokenFacts{
	UserID:        "u-1",
	ApplicationID: "app-9",
	TenantID:      "t-7",
	RoleIDs:       []string{"role-admin", "role-viewer"},
	TokenType:     "userToken",
	UserEmail:     "Ann@Example.COM",
}

// TestMatchTargeting runs every attribute with every operator, each with a
// value list that matches targetFacts and one that does not, negated and
// not: a rule picks its template exactly when match != negate, and a token
// no rule picks gets the default (no treatment).
func TestMatchTargeting(t *testing.T) {
	rows := []struct {
		attr, op        string
		match, mismatch []string
	}{
		{identity.TargetUserID, identity.OpInList, []string{"x", "u-1"}, []string{"u-10", "u", "U-1"}},
		{identity.TargetUserID, identity.OpContains, []string{"-1"}, []string{"-2", "u-1-"}},
		{identity.TargetUserID, identity.OpEndsWith, []string{"1"}, []string{"u-"}},
		{identity.TargetApplicationID, identity.OpInList, []string{"app-9"}, []string{"app", "app-99"}},
		{identity.TargetApplicationID, identity.OpContains, []string{"zz", "pp-"}, []string{"zz"}},
		{identity.TargetApplicationID, identity.OpEndsWith, []string{"-9"}, []string{"app"}},
		{identity.TargetTenantID, identity.OpInList, []string{"t-7"}, []string{"t-", "T-7"}},
		{identity.TargetTenantID, identity.OpContains, []string{"-7"}, []string{"8"}},
		{identity.TargetTenantID, identity.OpEndsWith, []string{"7"}, []string{"t"}},
		// roleIds has several values: any of them matching is enough.
		{identity.TargetRoleIDs, identity.OpInList, []string{"role-viewer"}, []string{"role", "role-owner"}},
		{identity.TargetRoleIDs, identity.OpContains, []string{"admin"}, []string{"owner"}},
		{identity.TargetRoleIDs, identity.OpEndsWith, []string{"-viewer"}, []string{"role-"}},
		{identity.TargetTokenType, identity.OpInList, []string{"tenantApiToken", "userToken"}, []string{"userApiToken", "UserToken"}},
		{identity.TargetTokenType, identity.OpContains, []string{"Token"}, []string{"ApiToken"}},
		{identity.TargetTokenType, identity.OpEndsWith, []string{"Token"}, []string{"user"}},
		// userEmail is compared case-insensitively.
		{identity.TargetUserEmail, identity.OpInList, []string{"ann@example.com"}, []string{"bob@example.com"}},
		{identity.TargetUserEmail, identity.OpContains, []string{"@EXAMPLE."}, []string{"@other."}},
		{identity.TargetUserEmail, identity.OpEndsWith, []string{"@example.com"}, []string{"example.org"}},
	}
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.attr+" "+r.op] = true
		for _, c := range []struct {
			list []string
			hits bool
		}{{r.match, true}, {r.mismatch, false}} {
			for _, negate := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/%v/negate=%v", r.attr, r.op, c.list, negate)
				t.Run(name, func(t *testing.T) {
					rules := []identity.JWTTargetingRule{{
						ConditionLogic: identity.LogicAnd,
						Conditions:     []identity.JWTTargetingCondition{{Attribute: r.attr, Op: r.op, Value: identity.JWTConditionValue{List: c.list}, Negate: negate}},
						Treatment:      "tpl",
					}}
					key, ok := identity.MatchTargeting(rules, targetFacts)
					want := c.hits != negate
					if ok != want || (ok && key != "tpl") || (!ok && key != "") {
						t.Fatalf("MatchTargeting = %q, %v; want picked=%v", key, ok, want)
					}
				})
			}
		}
	}
	if len(covered) != 6*3 {
		t.Fatalf("table covers %d attribute/operator pairs, want 18", len(covered))
	}
}

func TestMatchTargetingRules(t *testing.T) {
	cond := func(attr, op string, negate bool, list ...string) identity.JWTTargetingCondition {
		return identity.JWTTargetingCondition{Attribute: attr, Op: op, Negate: negate, Value: identity.JWTConditionValue{List: list}}
	}
	rule := func(treatment string, cs ...identity.JWTTargetingCondition) identity.JWTTargetingRule {
		if cs == nil {
			cs = []identity.JWTTargetingCondition{}
		}
		return identity.JWTTargetingRule{ConditionLogic: identity.LogicAnd, Conditions: cs, Treatment: treatment}
	}
	admin := cond(identity.TargetRoleIDs, identity.OpInList, false, "role-admin")
	otherTenant := cond(identity.TargetTenantID, identity.OpInList, false, "t-8")
	for _, c := range []struct {
		name  string
		rules []identity.JWTTargetingRule
		facts identity.TokenFacts
		want  string // "" for the default token
	}{
		{"no rules: default token", nil, targetFacts, ""},
		{"no rule matches: default token", []identity.JWTTargetingRule{rule("a", otherTenant)}, targetFacts, ""},
		{"first matching rule wins", []identity.JWTTargetingRule{rule("a", otherTenant), rule("b", admin), rule("c")}, targetFacts, "b"},
		{"a rule without conditions matches every token", []identity.JWTTargetingRule{rule("a", otherTenant), rule("catch-all")}, targetFacts, "catch-all"},
		{"and: every condition must hold", []identity.JWTTargetingRule{rule("a", admin, otherTenant)}, targetFacts, ""},
		{"and: all hold", []identity.JWTTargetingRule{rule("a", admin, cond(identity.TargetUserEmail, identity.OpEndsWith, false, "@example.com"))}, targetFacts, "a"},
		{"a user without roles matches no roleIds list", []identity.JWTTargetingRule{rule("a", admin)}, identity.TokenFacts{UserID: "u-2"}, ""},
		{"…and every negated one", []identity.JWTTargetingRule{rule("a", cond(identity.TargetRoleIDs, identity.OpInList, true, "role-admin"))}, identity.TokenFacts{UserID: "u-2"}, "a"},
		{"an unknown attribute never holds, even negated", []identity.JWTTargetingRule{rule("a", cond("plan", identity.OpInList, true, "x"))}, targetFacts, ""},
		{"an unknown operator never holds, even negated", []identity.JWTTargetingRule{rule("a", cond(identity.TargetUserID, "starts_with", true, "u"))}, targetFacts, ""},
		{"another condition logic is skipped", []identity.JWTTargetingRule{{ConditionLogic: "or", Conditions: []identity.JWTTargetingCondition{admin}, Treatment: "a"}, rule("b", admin)}, targetFacts, "b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			key, ok := identity.MatchTargeting(c.rules, c.facts)
			if key != c.want || ok != (c.want != "") {
				t.Fatalf("MatchTargeting = %q, %v; want %q", key, ok, c.want)
			}
		})
	}
}
