package httpmw_test

import (
	"strings"
	"testing"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

func coverageIdentity(t *testing.T) *identity.Identity {
	t.Helper()
	id, err := identity.New(memory.New())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRouteTableMatchesSpec fails when the route table mounts anything that
// is neither a spec operation nor a documented extra route, or mounts an
// operation under another method or path than the spec's.
func TestRouteTableMatchesSpec(t *testing.T) {
	h := httpmw.New(coverageIdentity(t))
	c := h.Coverage()
	for _, r := range c.Unknown {
		t.Errorf("route %s %s (%s) is not in the spec and not a documented extra route", r.Method, r.Path, r.OperationID)
	}
	for _, r := range c.Misplaced {
		t.Errorf("route %s %s claims operationId %s, which the spec puts elsewhere", r.Method, r.Path, r.OperationID)
	}
	if c.Total["identity"] != 307 || c.Total["tenants"] != 25 {
		t.Errorf("inventories hold %d identity and %d tenants operations, want 307 and 25", c.Total["identity"], c.Total["tenants"])
	}
	if got := len(c.Extra); got != len(httpmw.ExtraRoutes) {
		t.Errorf("%d extra routes mounted, %d documented", got, len(httpmw.ExtraRoutes))
	}
	if c.Mounted["identity"]+len(c.Extra) != len(h.Routes()) {
		t.Errorf("mounted %d spec operations + %d extras, but the table has %d routes", c.Mounted["identity"], len(c.Extra), len(h.Routes()))
	}
	t.Log("\n" + c.String())
	if !strings.Contains(c.String(), "mounted ") {
		t.Fatal("report lacks the summary line")
	}
}

// TestRouteAuthMatchesInventory checks each mounted operation's auth kind
// against the inventory, where the inventory is specific.
func TestRouteAuthMatchesInventory(t *testing.T) {
	ops := map[string]httpmw.Operation{}
	for _, op := range httpmw.Operations() {
		ops[op.Method+" "+op.Path] = op
	}
	for _, r := range httpmw.New(coverageIdentity(t)).Routes() {
		op, ok := ops[r.Method+" "+r.Path]
		if !ok {
			continue
		}
		if op.Auth != r.Auth.String() {
			t.Errorf("%s %s: auth %s, inventory says %s", r.Method, r.Path, r.Auth, op.Auth)
		}
	}
}
