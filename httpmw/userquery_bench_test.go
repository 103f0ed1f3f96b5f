package httpmw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/sqlite"
)

// benchUsers is the population of BenchmarkListUsersV3.
const benchUsers = 100_000

// seedBenchUsers fills the environment with benchUsers users in one
// transaction, straight through the store: tenants of 100 users each, and
// every other user also in the tenant "big".
func seedBenchUsers(b *testing.B, st store.Store, envID string) {
	b.Helper()
	ctx := context.Background()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err := st.InTx(ctx, func(tx store.Store) error {
		tenants := []string{"big"}
		for i := range benchUsers/100 + 1 {
			tenants = append(tenants, fmt.Sprintf("t%04d", i))
		}
		for _, id := range tenants {
			if err := tx.CreateTenant(ctx, &store.Tenant{ID: id, EnvID: envID, Name: id, CreatedAt: base, UpdatedAt: base}); err != nil {
				return err
			}
		}
		for i := range benchUsers {
			at := base.Add(time.Duration(i) * time.Second)
			u := &store.User{ID: fmt.Sprintf("u%06d", (i*7919)%benchUsers), EnvID: envID,
				Email: fmt.Sprintf("user%06d@example%d.com", i, i%10), Name: fmt.Sprintf("Name %06d", (i*31)%benchUsers),
				Provider: "local", Verified: i%3 == 0, Metadata: "{}", VendorMetadata: "{}",
				ActiveTenantID: tenants[1+i/100], CreatedAt: at, UpdatedAt: at}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: u.ActiveTenantID, EnvID: envID, CreatedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
			if i%2 == 0 {
				if err := tx.PutMembership(ctx, &store.Membership{UserID: u.ID, TenantID: "big", EnvID: envID, CreatedAt: at, UpdatedAt: at}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListUsersV3 serves GET /resources/users/v3 (environment token,
// 50 users a page) over a SQLite file holding 100,000 users. The file is
// seeded once per run of the benchmark, in its temporary directory, and
// every sub-benchmark reads it.
func BenchmarkListUsersV3(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "users.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	id, err := identity.New(st, identity.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(ctx, testClientID, testSecret); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	seedBenchUsers(b, st, id.EnvironmentID())
	b.Logf("seeded %d users in %v", benchUsers, time.Since(start).Round(time.Millisecond))
	h := httpmw.New(id)
	token := func() string {
		req := httptest.NewRequest(http.MethodPost, "/auth/vendor", jsonBody(map[string]string{"clientId": testClientID, "secret": testSecret}))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var out struct{ Token string }
		decodeBody(b, w.Body.Bytes(), &out)
		return out.Token
	}()

	for _, c := range []struct{ name, query string }{
		{"FirstPage", "_limit=50"},
		{"DeepPage", "_limit=50&_offset=90000"},
		{"MiddlePage", "_limit=50&_offset=50000"},
		{"DeepPageByNameDesc", "_limit=50&_offset=90000&_sortBy=name&_order=DESC"},
		{"Tenant", "_limit=50&_tenantId=t0420"},
		{"BigTenantFirstPage", "_limit=50&_tenantId=big"},
		{"BigTenantDeepPage", "_limit=50&_offset=45000&_tenantId=big"},
		{"EmailPrefix", "_limit=50&_email=user0123"},
		{"NamePrefixByName", "_limit=50&_namePrefix=name%200999&_sortBy=name"},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/resources/users/v3?"+c.query, nil)
			req.Header.Set("x-access-token", token)
			var w *httptest.ResponseRecorder
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				w = httptest.NewRecorder()
				h.ServeHTTP(w, req)
			}
			b.StopTimer()
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
			}
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			decodeBody(b, w.Body.Bytes(), &page)
			if len(page.Items) == 0 {
				b.Fatalf("%s listed nothing", c.query)
			}
		})
	}
}

// jsonBody encodes v as a request body.
func jsonBody(v any) *bytes.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return bytes.NewReader(b)
}

// decodeBody decodes a JSON response body into dst.
func decodeBody(tb testing.TB, body []byte, dst any) {
	tb.Helper()
	if err := json.Unmarshal(body, dst); err != nil {
		tb.Fatalf("body %s: %v", body, err)
	}
}
