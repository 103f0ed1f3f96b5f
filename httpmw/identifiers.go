package httpmw

import "strings"

// queryList reads a list query parameter, sent repeated (userIds=a&userIds=b)
// or comma-separated (userIds=a,b, as @frontegg/rest-api sends it); empty
// entries are dropped. It returns nil when the parameter is absent.
func (c *call) queryList(name string) []string {
	var out []string
	for _, v := range c.r.URL.Query()[name] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// emptyBody is the answer of operations that return no data.
var emptyBody = struct{}{}
