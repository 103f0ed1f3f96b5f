package httpmw

import "strings"

// node is one path segment of the routing trie. Static children win over a
// parameter child, so "/users/v1/email" is not taken for "/users/v1/{id}".
type node struct {
	static map[string]*node
	param  *node
	name   string // parameter name of a param node
	routes map[string]*Route
}

func newNode() *node { return &node{static: map[string]*node{}, routes: map[string]*Route{}} }

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// insert adds rt; it reports false if the method and path are taken.
func (n *node) insert(rt *Route) bool {
	cur := n
	for _, seg := range splitPath(rt.Path) {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if cur.param == nil {
				cur.param = newNode()
			}
			cur = cur.param
			// The parameter name of the first route wins; handlers of other
			// routes on the same position read it by position-independent
			// lookup through Route.params.
			if cur.name == "" {
				cur.name = seg[1 : len(seg)-1]
			}
			continue
		}
		next, ok := cur.static[seg]
		if !ok {
			next = newNode()
			cur.static[seg] = next
		}
		cur = next
	}
	if _, dup := cur.routes[rt.Method]; dup {
		return false
	}
	cur.routes[rt.Method] = rt
	return true
}

// match finds the node for segs, collecting parameter values in order.
func (n *node) match(segs []string, vals []string) (*node, []string) {
	if len(segs) == 0 {
		if len(n.routes) == 0 {
			return nil, vals
		}
		return n, vals
	}
	if next, ok := n.static[segs[0]]; ok {
		if found, v := next.match(segs[1:], vals); found != nil {
			return found, v
		}
	}
	if n.param != nil && segs[0] != "" {
		if found, v := n.param.match(segs[1:], append(vals, segs[0])); found != nil {
			return found, v
		}
	}
	return nil, vals
}
