package tokens_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/tokens"
)

func TestNewSecret(t *testing.T) {
	in := bytes.Repeat([]byte{0xfb}, 32)
	s, err := tokens.NewSecret(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 43 || strings.ContainsAny(s, "+/=") {
		t.Fatalf("secret %q: want 43 base64url characters without padding", s)
	}
	got, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("secret decodes to %x, %v; want %x", got, err, in)
	}
	a, _ := tokens.NewSecret(rand.Reader)
	b, _ := tokens.NewSecret(rand.Reader)
	if a == b {
		t.Fatal("two secrets from crypto/rand are equal")
	}
	if _, err := tokens.NewSecret(bytes.NewReader(make([]byte, 31))); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short reader: err = %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestNewCode(t *testing.T) {
	for _, digits := range []int{1, 6, 8, 19} {
		c, err := tokens.NewCode(rand.Reader, digits)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9]{` + strconv.Itoa(digits) + `}$`).MatchString(c) {
			t.Fatalf("NewCode(%d) = %q", digits, c)
		}
	}
	// Leading zeros are kept.
	c, err := tokens.NewCode(bytes.NewReader(make([]byte, 8)), 6)
	if err != nil || c != "000000" {
		t.Fatalf("zero input: %q, %v; want 000000", c, err)
	}
	// A value in the biased top range is rejected and a fresh one drawn.
	in := append(bytes.Repeat([]byte{0xff}, 8), 0, 0, 0, 0, 0, 0, 0x01, 0x02)
	r := bytes.NewReader(in)
	c, err = tokens.NewCode(r, 6)
	if err != nil || c != "000258" || r.Len() != 0 {
		t.Fatalf("rejection: %q, %v, %d bytes left; want 000258 and all input used", c, err, r.Len())
	}
	for _, digits := range []int{0, -1, 20} {
		if _, err := tokens.NewCode(rand.Reader, digits); err == nil {
			t.Fatalf("NewCode(%d) succeeded", digits)
		}
	}
	if _, err := tokens.NewCode(bytes.NewReader(make([]byte, 4)), 6); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short reader: err = %v", err)
	}
}

// TestNewCodeUniform checks the digit distribution with a chi-square test
// (9 degrees of freedom; 27.88 is the 0.999 quantile, so a correct
// implementation fails about once in a thousand runs).
func TestNewCodeUniform(t *testing.T) {
	const n = 20000
	var counts [10]int
	for range n {
		c, err := tokens.NewCode(rand.Reader, 1)
		if err != nil {
			t.Fatal(err)
		}
		counts[c[0]-'0']++
	}
	var chi2 float64
	for _, k := range counts {
		d := float64(k) - n/10
		chi2 += d * d / (n / 10)
	}
	if chi2 > 27.88 {
		t.Fatalf("digit counts %v: chi-square %.1f, not uniform", counts, chi2)
	}
}

func TestHashSecret(t *testing.T) {
	got := hex.EncodeToString(tokens.HashSecret("abc"))
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got != want {
		t.Fatalf("HashSecret(abc) = %s, want %s", got, want)
	}
}

func TestEqualHash(t *testing.T) {
	h := tokens.HashSecret("s1")
	tests := []struct {
		name string
		a, b []byte
		want bool
	}{
		{"same", h, tokens.HashSecret("s1"), true},
		{"different", h, tokens.HashSecret("s2"), false},
		{"prefix", h, h[:16], false},
		{"empty vs empty", nil, []byte{}, false},
		{"hash vs empty", h, nil, false},
	}
	for _, tt := range tests {
		if got := tokens.EqualHash(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: EqualHash = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNewID(t *testing.T) {
	id, err := tokens.NewID(bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)))
	if err != nil {
		t.Fatal(err)
	}
	if id != "ffffffff-ffff-4fff-bfff-ffffffffffff" {
		t.Fatalf("NewID(all ones) = %s", id)
	}
	id, err = tokens.NewID(bytes.NewReader(make([]byte, 16)))
	if err != nil || id != "00000000-0000-4000-8000-000000000000" {
		t.Fatalf("NewID(zeros) = %s, %v", id, err)
	}
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id, err := tokens.NewID(rand.Reader)
		if err != nil || !re.MatchString(id) || seen[id] {
			t.Fatalf("NewID = %q, %v (seen before: %v)", id, err, seen[id])
		}
		seen[id] = true
	}
	if _, err := tokens.NewID(bytes.NewReader(make([]byte, 15))); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short reader: err = %v", err)
	}
}
