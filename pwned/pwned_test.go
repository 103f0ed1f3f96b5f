package pwned_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/pwned"
)

func sha(p string) string {
	s := sha1.Sum([]byte(p))
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

// rangeServer answers like the Pwned Passwords API for the given breached
// passwords, with padding entries, and records the prefixes asked.
func rangeServer(t *testing.T, breached ...string) (*httptest.Server, *[]string) {
	t.Helper()
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefix := strings.TrimPrefix(r.URL.Path, "/range/")
		asked = append(asked, prefix)
		if r.Header.Get("Add-Padding") != "true" {
			t.Errorf("Add-Padding header = %q", r.Header.Get("Add-Padding"))
		}
		fmt.Fprintf(w, "%s:0\r\n", strings.Repeat("0", 35))
		for _, p := range breached {
			if h := sha(p); h[:5] == prefix {
				fmt.Fprintf(w, "%s:42\r\n", strings.ToLower(h[5:]))
			}
		}
		// A padding entry equal to a real suffix must not count.
		fmt.Fprintf(w, "%s:0\r\n", sha("padded-only")[5:])
	}))
	t.Cleanup(srv.Close)
	return srv, &asked
}

func TestRangeChecker(t *testing.T) {
	srv, asked := rangeServer(t, "password123")
	c := pwned.NewRangeChecker(pwned.WithRangeURL(srv.URL+"/range/"), pwned.WithHTTPClient(srv.Client()))
	ctx := context.Background()
	for _, tc := range []struct {
		password string
		want     bool
	}{{"password123", true}, {"a long and unusual passphrase", false}, {"padded-only", false}} {
		got, err := c.Breached(ctx, tc.password)
		if err != nil || got != tc.want {
			t.Errorf("Breached(%q) = %v, %v; want %v", tc.password, got, err, tc.want)
		}
	}
	for _, p := range *asked {
		if len(p) != 5 {
			t.Errorf("asked for prefix %q: only five characters may leave the process", p)
		}
	}
}

func TestRangeCheckerErrors(t *testing.T) {
	ctx := context.Background()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "rate limited", http.StatusTooManyRequests)
	}))
	defer down.Close()
	if _, err := pwned.NewRangeChecker(pwned.WithRangeURL(down.URL+"/")).Breached(ctx, "x"); err == nil {
		t.Error("a 429 answer must be an error")
	}
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html>not a range answer</html>")
	}))
	defer garbage.Close()
	if _, err := pwned.NewRangeChecker(pwned.WithRangeURL(garbage.URL+"/")).Breached(ctx, "x"); err == nil {
		t.Error("a malformed answer must be an error")
	}
}

func TestStaticChecker(t *testing.T) {
	c := pwned.NewStaticChecker("hunter22")
	if ok, _ := c.Breached(context.Background(), "hunter22"); !ok {
		t.Error("a listed password must be breached")
	}
	if ok, _ := c.Breached(context.Background(), "other"); ok {
		t.Error("an unlisted password must not be breached")
	}
}
