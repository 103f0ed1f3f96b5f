// Package httpmw serves yolk's identity API over HTTP: one declarative route
// table (method, path, operationId, auth kind, handler) mounted by a small
// router, one JSON decoder, one error mapper, and the auth middleware the
// routes and the host application share.
//
// Mount the handler under a prefix with http.StripPrefix:
//
//	mux.Handle("/identity/", http.StripPrefix("/identity", httpmw.New(id)))
package httpmw

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/yolkauth/yolk/identity"
)

// AuthKind says what credentials a route needs.
type AuthKind int

const (
	// Public routes need no token (login, sign-up, refresh, activation…).
	Public AuthKind = iota
	// User routes need a user access token, or the environment token
	// together with the frontegg-user-id (and frontegg-tenant-id) headers.
	User
	// Vendor routes need the environment token.
	Vendor
)

// String returns "public", "user" or "vendor", as in the operation inventory.
func (k AuthKind) String() string {
	switch k {
	case User:
		return "user"
	case Vendor:
		return "vendor"
	}
	return "public"
}

// Route is one entry of the route table.
type Route struct {
	Method      string
	Path        string
	OperationID string
	Auth        AuthKind
	// Perm is the permission key a user principal must hold (see
	// identity.Can); empty for none. The environment token holds them all.
	Perm string
	// Status is the success status (200 when zero).
	Status int
	handle func(c *call) (any, error)
	params []string
}

// DefaultMaxBodyBytes bounds request bodies unless WithMaxBodyBytes says
// otherwise.
const DefaultMaxBodyBytes = 1 << 20

// Handler serves the identity API. Create it with New.
type Handler struct {
	id      *identity.Identity
	log     *slog.Logger
	maxBody int64
	root    *node
	routes  []*Route
}

// Option configures a Handler.
type Option func(*Handler)

// WithMaxBodyBytes sets the request-body limit; larger bodies get 413.
func WithMaxBodyBytes(n int64) Option { return func(h *Handler) { h.maxBody = n } }

// WithLogger sets the logger for server faults (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// New returns the handler of every route of the table, served relative to
// its mount point.
func New(id *identity.Identity, opts ...Option) *Handler {
	h := &Handler{id: id, log: slog.Default(), maxBody: DefaultMaxBodyBytes, root: newNode()}
	for _, o := range opts {
		o(h)
	}
	for _, rt := range routeTable() {
		rt := rt
		for _, seg := range splitPath(rt.Path) {
			if strings.HasPrefix(seg, "{") {
				rt.params = append(rt.params, seg[1:len(seg)-1])
			}
		}
		if !h.root.insert(&rt) {
			panic(fmt.Sprintf("httpmw: route %s %s registered twice", rt.Method, rt.Path))
		}
		h.routes = append(h.routes, &rt)
	}
	return h
}

// RouteInfo describes a mounted route.
type RouteInfo struct {
	Method      string
	Path        string
	OperationID string
	Auth        AuthKind
}

// Routes lists the mounted routes, sorted by path then method.
func (h *Handler) Routes() []RouteInfo {
	out := make([]RouteInfo, 0, len(h.routes))
	for _, r := range h.routes {
		out = append(out, RouteInfo{Method: r.Method, Path: r.Path, OperationID: r.OperationID, Auth: r.Auth})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// ServeHTTP routes the request: unknown paths get a JSON 404, known paths
// with another method a JSON 405 with an Allow header.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, vals := h.root.match(splitPath(r.URL.Path), nil)
	if n == nil {
		writeError(w, r, h.log, &httpError{status: http.StatusNotFound, code: identity.CodeNotFound, msg: "no route for " + r.URL.Path})
		return
	}
	rt, ok := n.routes[r.Method]
	if !ok && r.Method == http.MethodHead {
		rt, ok = n.routes[http.MethodGet]
	}
	if !ok {
		allow := make([]string, 0, len(n.routes))
		for m := range n.routes {
			allow = append(allow, m)
		}
		sort.Strings(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, r, h.log, &httpError{status: http.StatusMethodNotAllowed, code: "ER-00405", msg: fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path)})
		return
	}
	c := &call{h: h, w: w, r: r, route: rt, vals: vals}
	if err := h.authenticate(c); err != nil {
		writeError(w, r, h.log, err)
		return
	}
	out, err := rt.handle(c)
	if err != nil {
		writeError(w, r, h.log, err)
		return
	}
	if p, ok := out.(pageLinker); ok {
		p.Link(c.pageURL)
	}
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
}

// call is one request being served.
type call struct {
	h         *Handler
	w         http.ResponseWriter
	r         *http.Request
	route     *Route
	vals      []string
	principal *identity.Principal
}

func (c *call) ctx() context.Context { return c.r.Context() }

func (c *call) id() *identity.Identity { return c.h.id }

// decode reads the JSON body into dst.
func (c *call) decode(dst any) error { return decodeJSON(c.r, c.h.maxBody, dst) }

// param returns the path parameter name.
func (c *call) param(name string) string {
	for i, p := range c.route.params {
		if p == name && i < len(c.vals) {
			return c.vals[i]
		}
	}
	return ""
}

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// pageLinker is a listing page whose links the handler fills in.
type pageLinker interface {
	Link(url func(offset int) string)
}

// pageURL is the address of the same listing starting at offset.
func (c *call) pageURL(offset int) string {
	q := c.r.URL.Query()
	q.Set("_offset", strconv.Itoa(offset))
	return c.r.URL.Path + "?" + q.Encode()
}

// queryInt reads an optional integer query parameter.
func (c *call) queryInt(name string) (int, error) {
	v := c.query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("query parameter %s must be an integer", name)
	}
	return n, nil
}

// queryBool reads an optional boolean query parameter.
func (c *call) queryBool(name string) (*bool, error) {
	v := c.query(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequest("query parameter %s must be true or false", name)
	}
	return &b, nil
}

// pageQuery reads _limit, _offset, _sortBy and _order.
func (c *call) pageQuery() (identity.PageQuery, error) {
	limit, err := c.queryInt("_limit")
	if err != nil {
		return identity.PageQuery{}, err
	}
	offset, err := c.queryInt("_offset")
	if err != nil {
		return identity.PageQuery{}, err
	}
	return identity.PageQuery{Limit: limit, Offset: offset, SortBy: c.query("_sortBy"), Order: c.query("_order")}, nil
}

func (c *call) client() identity.ClientInfo {
	ip := c.r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	ci := identity.ClientInfo{UserAgent: c.r.UserAgent(), IP: ip}
	if ck, err := c.r.Cookie(RememberDeviceCookie); err == nil {
		ci.RememberDeviceToken = ck.Value
	}
	return ci
}
