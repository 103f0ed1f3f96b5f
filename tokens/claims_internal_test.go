package tokens

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestClaimFieldsMatchTags keeps claimFields (which decides what a standard
// claim is) in step with the JSON tags of Claims and its embedded
// jwt.RegisteredClaims.
func TestClaimFieldsMatchTags(t *testing.T) {
	var tags []string
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for f := range rt.Fields() {
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				tags = append(tags, name)
			}
		}
	}
	walk(reflect.TypeFor[Claims]())
	var keys []string
	for k := range claimFields {
		keys = append(keys, k)
	}
	slices.Sort(tags)
	slices.Sort(keys)
	if !slices.Equal(tags, keys) {
		t.Fatalf("struct tags %v\nclaimFields %v", tags, keys)
	}
	// Each decoder must point at the field carrying that tag.
	var c Claims
	v := reflect.ValueOf(&c).Elem()
	for name, field := range claimFields {
		ptr := reflect.ValueOf(field(&c)).Pointer()
		if !fieldWithTag(v, name, ptr) {
			t.Errorf("claimFields[%q] does not decode into the field tagged %q", name, name)
		}
	}
}

func fieldWithTag(v reflect.Value, name string, ptr uintptr) bool {
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Anonymous {
			if fieldWithTag(v.Field(i), name, ptr) {
				return true
			}
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i).Addr().Pointer() == ptr
		}
	}
	return false
}

func TestOnlyStandardKeys(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{}`, true},
		{` { } `, true},
		{`{"sub":"u1"}`, true},
		{` {"sub" : "u1" , "roles":[ "a" , "b" ],"metadata":{"x":{"y":[1,{"z":"}"}]}},"exp":1.5e9 , "superUser":true,"name":null}`, true},
		{`{"name":"a \"quoted\" } ] , name"}`, true},
		{`{"sub":"u1","extra":1}`, false},
		{`{"Sub":"u1"}`, false},
		{`{"s\u0075b":"u1"}`, false},
		{`{"sub":"u1","sub":"u2"}`, false},
		{`{"metadata":{"a":1},"metadata":{"b":2}}`, false},
		{`{"metadata":{"custom":1}}`, true},
		{`[]`, false},
		{``, false},
		{`{"sub"`, false},
		{`{"sub":"u1"`, false},
		{`{"sub":"u1",}`, false},
		{`{"sub" "u1"}`, false},
	}
	for _, tt := range tests {
		if got := onlyStandardKeys([]byte(tt.in)); got != tt.want {
			t.Errorf("onlyStandardKeys(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzClaimsUnmarshal checks that the fast path of UnmarshalJSON decodes
// exactly like the general per-key decoder, and never panics.
func FuzzClaimsUnmarshal(f *testing.F) {
	for _, s := range []string{
		`{"sub":"u1","tenantIds":["t"],"roles":[],"permissions":["p"],"email_verified":true,"exp":1700000000,"aud":"a"}`,
		`{"sub":"u1","custom":{"k":[1,2]},"Roles":["x"]}`,
		`{"metadata":{"a":1},"metadata":{"b":2}}`,
		`{"roles":["a","b"],"roles":["c"]}`,
		`{"aud":["a","b"],"iat":1.5,"nbf":null,"auth_time":12}`,
		`{"name":"a\"}b","amr":null}`,
		`{"s\u0075b":"u1"}`,
		`{"sub":1}`,
		`[]`, `null`, `{`, `{"exp":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow Claims
		errFast := fast.UnmarshalJSON(b)
		errSlow := slow.unmarshalByKey(b)
		if (errFast == nil) != (errSlow == nil) {
			t.Fatalf("%s: fast err %v, general err %v", b, errFast, errSlow)
		}
		if errFast == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s:\nfast    %#v\ngeneral %#v", b, fast, slow)
		}
	})
}
