package httpmw

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
)

// The operation inventories the route table is checked against, copied
// from the specifications.
var (
	//go:embed spec/operations.tsv
	identityInventory []byte
	//go:embed spec/tenants-operations.tsv
	tenantsInventory []byte
)

// Operation is one operation of a specification.
type Operation struct {
	// API is APIIdentity or APITenants.
	API         string
	Tag         string
	Method      string
	Path        string
	OperationID string
	Deprecated  bool
	// Auth is the inventory's judgement: public, user or vendor.
	Auth string
	// Group is Authentication, Management, Self-Service, Applications (or
	// Accounts for the tenants API).
	Group string
}

func parseInventory(api string, data []byte) []Operation {
	var ops []Operation
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			panic(fmt.Sprintf("httpmw: malformed inventory line %q", line))
		}
		ops = append(ops, Operation{API: api, Tag: f[0], Method: f[1], Path: f[2], OperationID: f[3], Deprecated: f[4] == "true", Auth: f[5], Group: f[6]})
	}
	return ops
}

// Operations returns both inventories: the identity API's operations, then
// the accounts API's.
func Operations() []Operation {
	return append(parseInventory(APIIdentity, identityInventory), parseInventory(APITenants, tenantsInventory)...)
}

// Coverage compares the route table with the inventories.
type Coverage struct {
	// Mounted and Total count operations per API ("identity", "tenants").
	Mounted, Total map[string]int
	// ByTag counts mounted/total operations per "API/group/tag".
	ByTag map[string][2]int
	// Extra are mounted routes listed in ExtraRoutes.
	Extra []RouteInfo
	// Unknown are mounted routes that are neither spec operations nor
	// extras; Misplaced are routes whose operationId belongs to another
	// method or path. Both must stay empty.
	Unknown, Misplaced []RouteInfo
}

// Coverage reports how much of its API's specification the handler
// mounts (the other API's operations count as not mounted).
func (h *Handler) Coverage() Coverage { return coverageOf(h.routes) }

// TableCoverage reports the whole route table, both APIs: what New and
// NewAccounts mount together.
func TableCoverage() Coverage {
	table := routeTable()
	routes := make([]*Route, len(table))
	for i := range table {
		routes[i] = &table[i]
	}
	return coverageOf(routes)
}

func coverageOf(routes []*Route) Coverage {
	c := Coverage{Mounted: map[string]int{}, Total: map[string]int{}, ByTag: map[string][2]int{}}
	byKey := map[string]Operation{} // API, method and path
	byID := map[string]Operation{}
	for _, op := range Operations() {
		byKey[op.API+" "+op.Method+" "+op.Path] = op
		byID[op.OperationID] = op
		c.Total[op.API]++
	}
	mounted := map[string]bool{}
	for _, r := range routeInfos(routes) {
		key := r.Method + " " + r.Path
		op, inSpec := byKey[r.API+" "+key]
		switch {
		case inSpec && op.OperationID == r.OperationID:
			mounted[r.API+" "+key] = true
		case inSpec:
			c.Misplaced = append(c.Misplaced, r)
		default:
			if other, ok := byID[r.OperationID]; ok && (other.API != r.API || other.Method+" "+other.Path != key) {
				c.Misplaced = append(c.Misplaced, r)
			} else if _, ok := ExtraRoutes[key]; ok && r.API == APIIdentity {
				c.Extra = append(c.Extra, r)
			} else {
				c.Unknown = append(c.Unknown, r)
			}
		}
	}
	for key, op := range byKey {
		tag := op.API + "/" + op.Group + "/" + op.Tag
		n := c.ByTag[tag]
		n[1]++
		if mounted[key] {
			n[0]++
			c.Mounted[op.API]++
		}
		c.ByTag[tag] = n
	}
	return c
}

// String renders the report: one summary line per API, then one line per
// group and tag.
func (c Coverage) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mounted %d/%d operations (identity API)\n", c.Mounted[APIIdentity], c.Total[APIIdentity])
	fmt.Fprintf(&b, "mounted %d/%d operations (accounts API, httpmw.NewAccounts, served at /tenants)\n", c.Mounted[APITenants], c.Total[APITenants])
	groups := map[string][2]int{}
	keys := make([]string, 0, len(c.ByTag))
	for k, n := range c.ByTag {
		keys = append(keys, k)
		g := k[:strings.LastIndex(k, "/")]
		s := groups[g]
		s[0], s[1] = s[0]+n[0], s[1]+n[1]
		groups[g] = s
	}
	sort.Strings(keys)
	last := ""
	for _, k := range keys {
		g := k[:strings.LastIndex(k, "/")]
		if g != last {
			fmt.Fprintf(&b, "%-40s %3d/%d\n", g, groups[g][0], groups[g][1])
			last = g
		}
		n := c.ByTag[k]
		fmt.Fprintf(&b, "    %-36s %3d/%d\n", k[len(g)+1:], n[0], n[1])
	}
	for _, r := range c.Extra {
		fmt.Fprintf(&b, "extra: %s %s (%s)\n", r.Method, r.Path, ExtraRoutes[r.Method+" "+r.Path])
	}
	return b.String()
}
