package tokens_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/tokens"
)

func fullClaims() tokens.Claims {
	at := time.Unix(1740830400, 0) // NumericDate decodes to local time
	return tokens.Claims{
		TenantID:          "t1",
		TenantIDs:         []string{"t1", "t2"},
		Type:              tokens.TypeUserToken,
		Roles:             []string{"Admin"},
		Permissions:       []string{"fe.secure.read.users", "fe.secure.write.users"},
		Email:             "ann@example.com",
		EmailVerified:     true,
		Name:              "Ann",
		Metadata:          map[string]any{"plan": "pro", "seats": float64(3)},
		ProfilePictureURL: "https://example.com/ann.png",
		SuperUser:         true,
		AMR:               []string{"pwd", "mfa"},
		AuthTime:          at.Unix(),
		SessionID:         "s1",
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    "https://auth.example.com",
			Subject:   "u1",
			Audience:  jwt.ClaimStrings{"app"},
			ExpiresAt: jwt.NewNumericDate(at.Add(time.Hour)),
			NotBefore: jwt.NewNumericDate(at),
			IssuedAt:  jwt.NewNumericDate(at),
			ID:        "j1",
		},
		Extra: map[string]any{
			"department": "R&D",
			"levels":     []any{float64(1), "two"},
			"nested":     map[string]any{"a": true},
		},
	}
}

func TestClaimsRoundTrip(t *testing.T) {
	c := fullClaims()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got tokens.Claims
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip:\n got %#v\nwant %#v\njson %s", got, c, b)
	}
	// A pointer encodes the same as a value.
	pb, err := json.Marshal(&c)
	if err != nil || string(pb) != string(b) {
		t.Fatalf("pointer encoding differs: %s vs %s (%v)", pb, b, err)
	}
}

func TestClaimsJSONNames(t *testing.T) {
	b, err := json.Marshal(fullClaims())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sub", "tenantId", "tenantIds", "type", "roles", "permissions", "email",
		"email_verified", "name", "metadata", "profilePictureUrl", "superUser",
		"amr", "auth_time", "sid", "iss", "aud", "iat", "exp", "nbf", "jti",
		"department", "levels", "nested",
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if _, ok := m["aud"].([]any); !ok {
		t.Fatalf("aud = %#v, want an array", m["aud"])
	}
}

func TestClaimsEmptyArraysAndOmitted(t *testing.T) {
	b, err := json.Marshal(tokens.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: "u1"}})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"tenantIds":[],"roles":[],"permissions":[],"email_verified":false,"sub":"u1"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestClaimsExtraNeverOverrides(t *testing.T) {
	c := tokens.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: "u1"},
		Extra: map[string]any{
			"sub":       "attacker",
			"exp":       9999999999,
			"email":     "forged@example.com", // Email is empty: still reserved
			"superUser": true,
			"x":         1,
		},
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"tenantIds":[],"roles":[],"permissions":[],"email_verified":false,"sub":"u1","x":1}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestClaimsUnmarshal(t *testing.T) {
	var c tokens.Claims
	in := `{"sub":"u1","aud":"single","exp":1700000000.5,"Roles":["x"],"roles":["r"],"custom":{"k":[1]}}`
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if c.Subject != "u1" || !slices.Equal(c.Audience, jwt.ClaimStrings{"single"}) || !slices.Equal(c.Roles, []string{"r"}) {
		t.Fatalf("decoded %+v", c)
	}
	if c.ExpiresAt == nil || c.ExpiresAt.Unix() != 1700000000 {
		t.Fatalf("exp = %v", c.ExpiresAt)
	}
	// Names are case-sensitive: "Roles" is not the roles claim.
	want := map[string]any{"Roles": []any{"x"}, "custom": map[string]any{"k": []any{float64(1)}}}
	if !reflect.DeepEqual(c.Extra, want) {
		t.Fatalf("Extra = %#v, want %#v", c.Extra, want)
	}
	// Decoding replaces earlier contents.
	if err := json.Unmarshal([]byte(`{"sub":"u2"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Subject != "u2" || c.Roles != nil || c.Extra != nil {
		t.Fatalf("second decode kept old data: %+v", c)
	}
}

func TestClaimsUnmarshalErrors(t *testing.T) {
	for _, in := range []string{
		`[]`,
		`{"sub":1}`,
		`{"roles":"admin"}`,
		`{"exp":"tomorrow"}`,
		`{"email_verified":"yes"}`,
		`{"sub":"u1"`,
	} {
		var c tokens.Claims
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("%s: decoded without error: %+v", in, c)
		} else if strings.Contains(err.Error(), "panic") {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func TestClaimsExtraUnmarshalable(t *testing.T) {
	c := tokens.Claims{Extra: map[string]any{"f": func() {}}}
	if _, err := json.Marshal(c); err == nil {
		t.Fatal("marshalled a func claim")
	}
}
