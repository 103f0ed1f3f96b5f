package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServer runs the server with args until the test ends and returns
// its base URL and everything it printed up to the listening line.
func startServer(t *testing.T, env map[string]string, args ...string) (string, string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	var printed strings.Builder
	sc := bufio.NewScanner(pr)
	base := ""
	for sc.Scan() {
		line := sc.Text()
		printed.WriteString(line + "\n")
		if rest, ok := strings.CutPrefix(line, "yolk identity API on "); ok {
			base = strings.TrimSuffix(strings.Fields(rest)[0], "/identity")
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("server did not start: %v\n%s", <-done, printed.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stop := func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server did not shut down cleanly: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	}
	return base, printed.String(), stop
}

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "json") {
		t.Errorf("GET %s: Content-Type %q, want JSON", url, ct)
	}
	if into != nil {
		if err := json.NewDecoder(res.Body).Decode(into); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return res.StatusCode
}

func TestServerGeneratesCredentialsOnceAndPersists(t *testing.T) {
	db := filepath.Join(t.TempDir(), "yolk.db")
	base, printed, stop := startServer(t, nil, "-db", db, "-dev")
	if !strings.Contains(printed, "YOLK_SECRET=") || !strings.Contains(printed, "YOLK_CLIENT_ID=") {
		t.Fatalf("first start did not print generated credentials:\n%s", printed)
	}
	var health map[string]string
	if code := getJSON(t, base+"/healthz", &health); code != 200 || health["status"] != "ok" {
		t.Fatalf("healthz: %d %v", code, health)
	}
	var outbox []map[string]any
	if code := getJSON(t, base+"/dev/outbox", &outbox); code != 200 || outbox == nil {
		t.Fatalf("dev outbox: %d %v", code, outbox)
	}
	var notFound map[string]any
	if code := getJSON(t, base+"/nothing-here", &notFound); code != 404 || notFound["errorCode"] == nil {
		t.Fatalf("unknown path: %d %v", code, notFound)
	}
	for _, p := range []string{"/identity/.well-known/jwks.json", "/.well-known/jwks.json", "/frontegg/identity/.well-known/jwks.json"} {
		var jwks struct{ Keys []any }
		if code := getJSON(t, base+p, &jwks); code != 200 || len(jwks.Keys) != 1 {
			t.Fatalf("GET %s: %d, %d keys", p, code, len(jwks.Keys))
		}
	}
	clientID := ""
	for _, l := range strings.Split(printed, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "YOLK_CLIENT_ID="); ok {
			clientID = v
		}
	}
	stop()

	_, printed, stop = startServer(t, nil, "-db", db)
	defer stop()
	if strings.Contains(printed, "YOLK_SECRET=") {
		t.Fatalf("second start printed the secret again:\n%s", printed)
	}
	if !strings.Contains(printed, clientID) {
		t.Fatalf("second start has another client id than %s:\n%s", clientID, printed)
	}
}

func TestServerUsesGivenCredentials(t *testing.T) {
	base, printed, stop := startServer(t, map[string]string{"YOLK_CLIENT_ID": "my-client", "YOLK_SECRET": "my-secret"}, "-db", ":memory:")
	defer stop()
	if strings.Contains(printed, "my-secret") {
		t.Fatal("a secret given through the environment was printed")
	}
	res, err := http.Post(base+"/auth/vendor", "application/json", strings.NewReader(`{"clientId":"my-client","secret":"my-secret"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("vendor auth with the given credentials: %d", res.StatusCode)
	}
	if code := getJSON(t, base+"/dev/outbox", nil); code != 404 {
		t.Fatalf("outbox without -dev: %d, want 404", code)
	}
}

func TestServerRefusesBadFlags(t *testing.T) {
	err := run(context.Background(), []string{"-no-such-flag"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("unknown flag accepted")
	}
}
