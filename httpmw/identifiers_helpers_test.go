package httpmw_test

import (
	"context"
	"log/slog"
	"regexp"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

// newIdentifiersServer is newTestServer whose Identity also texts through
// the outbox.
func newIdentifiersServer(t testing.TB) *testServer {
	t.Helper()
	s := &testServer{st: memory.New(), clock: newFakeClock(), outbox: delivery.NewOutbox()}
	id, err := identity.New(s.st,
		identity.WithArgon2Params(argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}),
		identity.WithSigningKeyBits(1024),
		identity.WithClock(s.clock.Now),
		identity.WithMailer(s.outbox),
		identity.WithSMSSender(s.outbox),
		identity.WithLogger(slog.New(slog.DiscardHandler)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := id.EnsureEnvironment(context.Background(), testClientID, testSecret); err != nil {
		t.Fatal(err)
	}
	s.id = id
	s.h = httpmw.New(id)
	return s
}

// memberToken creates a user in tenantID holding roleIDs (the tenant's
// first-user or default roles when none are given) and returns its access
// token and id.
func (s *testServer) memberToken(t testing.TB, email, tenantID string, roleIDs ...string) (token, userID string) {
	t.Helper()
	u, err := s.id.CreateUser(context.Background(), identity.CreateUserInput{Email: email, Password: testPassword, TenantID: tenantID, RoleIDs: roleIDs})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.login(t, email)
	return wantString(t, m, "accessToken"), u.ID
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// lastCode returns the code of the newest message to to.
func (s *testServer) lastCode(t testing.TB, to string) string {
	t.Helper()
	msgs := s.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == to {
			if c := sixDigits.FindString(msgs[i].Body); c != "" {
				return c
			}
			t.Fatalf("message to %s has no code: %q", to, msgs[i].Body)
		}
	}
	t.Fatalf("no message to %s", to)
	return ""
}

// otherCode is a code that differs from code.
func otherCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// pageItems checks the FronteggPaginationWrapper shape and returns the
// items.
func pageItems(t testing.TB, m map[string]any) []map[string]any {
	t.Helper()
	wantKeys(t, "page", m, "items", "_links", "_metadata")
	meta, _ := m["_metadata"].(map[string]any)
	wantKeys(t, "_metadata", meta, "totalItems", "totalPages")
	links, _ := m["_links"].(map[string]any)
	wantKeys(t, "_links", links, "next", "prev", "first", "last")
	raw, ok := m["items"].([]any)
	if !ok {
		t.Fatalf("items = %#v", m["items"])
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i], _ = it.(map[string]any)
	}
	return out
}

// userEmailKeys are the required fields of UserEmailResponseDto.
var userEmailKeys = []string{"id", "userId", "email", "verified", "isPrimary", "createdAt", "updatedAt"}

// phoneKeys are the required fields of UserPhoneNumberResponseDto.
var phoneKeys = []string{"id", "userId", "phoneNumber", "verified", "createdAt", "updatedAt"}
