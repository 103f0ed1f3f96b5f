package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// isErr reports errors.Is(err, target).
func isErr(err, target error) bool { return errors.Is(err, target) }

// equal reports, field by field, how got differs from want. Times are
// compared as instants truncated to the microsecond and must be returned in
// UTC; a nil slice equals an empty one; pointers must agree on nil-ness.
func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	var diffs []string
	diff(&diffs, "", reflect.ValueOf(got), reflect.ValueOf(want))
	for _, d := range diffs {
		t.Errorf("%s: %s", what, d)
	}
}

// diff appends the differences between g and w to out.
func diff(out *[]string, path string, g, w reflect.Value) {
	if !g.IsValid() || !w.IsValid() {
		if g.IsValid() != w.IsValid() {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", name(path), g, w))
		}
		return
	}
	if g.Type() != w.Type() {
		*out = append(*out, fmt.Sprintf("%s: type %s, want %s", name(path), g.Type(), w.Type()))
		return
	}
	if g.Type() == timeType {
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		if gt.Location() != time.UTC {
			*out = append(*out, fmt.Sprintf("%s: %v is in location %q, want UTC", name(path), gt, gt.Location()))
		}
		if !gt.Truncate(time.Microsecond).Equal(wt.Truncate(time.Microsecond)) {
			*out = append(*out, fmt.Sprintf("%s = %s, want %s", name(path),
				gt.UTC().Format(time.RFC3339Nano), wt.UTC().Format(time.RFC3339Nano)))
		}
		return
	}
	switch g.Kind() {
	case reflect.Pointer:
		if g.IsNil() || w.IsNil() {
			if g.IsNil() != w.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: got %s, want %s", name(path), describe(g), describe(w)))
			}
			return
		}
		diff(out, path, g.Elem(), w.Elem())
	case reflect.Struct:
		for i := range g.NumField() {
			diff(out, path+"."+g.Type().Field(i).Name, g.Field(i), w.Field(i))
		}
	case reflect.Slice:
		if g.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(g.Bytes(), w.Bytes()) {
				*out = append(*out, fmt.Sprintf("%s = %x, want %x", name(path), g.Bytes(), w.Bytes()))
			}
			return
		}
		if g.Len() != w.Len() {
			*out = append(*out, fmt.Sprintf("%s has %d elements, want %d: got %+v, want %+v",
				name(path), g.Len(), w.Len(), g.Interface(), w.Interface()))
			return
		}
		for i := range g.Len() {
			diff(out, fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i))
		}
	default:
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			*out = append(*out, fmt.Sprintf("%s = %#v, want %#v", name(path), g.Interface(), w.Interface()))
		}
	}
}

func name(path string) string {
	if path == "" {
		return "value"
	}
	return path[1:]
}

func describe(p reflect.Value) string {
	if p.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("%v", p.Elem().Interface())
}

// clone returns a deep copy of *p (slices and pointers included).
func clone[T any](p *T) *T {
	return deepCopy(reflect.ValueOf(p)).Interface().(*T)
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(deepCopy(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(deepCopy(v.Index(i)))
		}
		return s
	case reflect.Struct:
		if v.Type() == timeType {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			c.Field(i).Set(deepCopy(v.Field(i)))
		}
		return c
	default:
		return v
	}
}

// scramble changes every field of the record p points to in place: strings,
// numbers and booleans, the elements of slices and the times behind
// pointers. A store that shares memory with its callers shows the change.
func scramble(p any) { scrambleValue(reflect.ValueOf(p)) }

func scrambleValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scrambleValue(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour + time.Microsecond)))
			return
		}
		for i := range v.NumField() {
			scrambleValue(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			scrambleValue(v.Index(i))
		}
	case reflect.String:
		v.SetString(v.String() + "~")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(v.Int() + 1)
	case reflect.Uint8:
		v.SetUint(v.Uint() ^ 0xff)
	}
}

// allSet fails the test if the fixture record p points to leaves a field at
// its zero value, so round-trip tests really cover every field. A failure
// here means store's records gained a field the suite does not know yet.
func allSet(t *testing.T, p any) {
	t.Helper()
	v := reflect.ValueOf(p).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.IsZero() || (f.Kind() == reflect.Slice && f.Len() == 0) {
			t.Fatalf("storetest: fixture %s leaves field %s unset; update the suite to cover it",
				v.Type(), v.Type().Field(i).Name)
		}
	}
}

// checkCopies verifies the store's copy semantics for one record: rec is
// created with create, then scrambled, and get must still return the
// original; the record get returns is scrambled in turn and a second get
// must be unaffected.
func checkCopies[T any](t *testing.T, what string, rec *T, create func(*T) error, get func() (*T, error)) {
	t.Helper()
	want := clone(rec)
	must(t, what+": create", create(rec))
	scramble(rec)
	got, err := get()
	must(t, what+": get after changing the record passed in", err)
	equal(t, what+": after changing the record passed in", got, want)
	scramble(got)
	again, err := get()
	must(t, what+": get after changing the returned record", err)
	equal(t, what+": after changing the returned record", again, want)
}

// ids returns the id of every element of recs, taken by fn.
func ids[T any](recs []T, fn func(*T) string) []string {
	out := make([]string, len(recs))
	for i := range recs {
		out[i] = fn(&recs[i])
	}
	return out
}

// equalIDs fails the test unless got and want hold the same ids in the same
// order.
func equalIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: got %q, want %q", what, got, want)
		}
	}
}
