package identity

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/tokens"
)

// TestStandardClaimVarsMatchTokens keeps standardClaimVars equal to the
// claims tokens.Claims issues itself (and so drops from Extra): a template
// may then neither shadow a standard claim nor miss one.
func TestStandardClaimVarsMatchTokens(t *testing.T) {
	now := jwt.NewNumericDate(time.Unix(1700000000, 0))
	full := tokens.Claims{
		TenantID: "t", TenantIDs: []string{"t"}, Type: "userToken", Roles: []string{"r"}, Permissions: []string{"p"},
		Email: "e@example.com", EmailVerified: true, Name: "n", Metadata: map[string]any{"a": 1.0},
		ProfilePictureURL: "https://example.com/p.png", SuperUser: true, AMR: []string{"pwd"}, AuthTime: 1, SessionID: "s",
		RegisteredClaims: jwt.RegisteredClaims{Issuer: "i", Subject: "u", Audience: jwt.ClaimStrings{"a"}, ExpiresAt: now, NotBefore: now, IssuedAt: now, ID: "j"},
	}
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var issued map[string]any
	if err := json.Unmarshal(b, &issued); err != nil {
		t.Fatal(err)
	}
	got, want := slices.Sorted(maps.Keys(standardClaimVars)), slices.Sorted(maps.Keys(issued))
	if !slices.Equal(got, want) {
		t.Fatalf("standardClaimVars names %v\ntokens.Claims issues   %v", got, want)
	}
	// Each variable a standard claim maps to is one a template may name in
	// that position.
	for name, v := range standardClaimVars {
		if !knownVariable(v) && !slices.Contains(standardOnlyVariables, v) {
			t.Errorf("standard claim %s maps to unknown variable %s", name, v)
		}
	}
}

func TestResolveTemplateClaimsSkipsStandard(t *testing.T) {
	vars := func(v string) (any, bool) {
		if v == "user.email" {
			return "e@example.com", true
		}
		return nil, false
	}
	got := resolveTemplateClaims(map[string]any{"email": "{{user.email}}", "mail": "{{user.email}}", "n": 1.5, "none": "{{user.metadata.x}}"}, vars)
	want := map[string]any{"mail": "e@example.com", "n": 1.5}
	if !maps.EqualFunc(got, want, func(a, b any) bool { return a == b }) {
		t.Fatalf("resolveTemplateClaims = %v, want %v", got, want)
	}
}
