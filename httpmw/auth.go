package httpmw

import (
	"net/http"
	"strings"

	"github.com/yolkauth/yolk/identity"
)

// Header names the official clients send.
const (
	HeaderAccessToken = "x-access-token"
	HeaderTenantID    = "frontegg-tenant-id"
	HeaderUserID      = "frontegg-user-id"
)

// bearerToken returns the access token of r: the x-access-token header, or
// an "Authorization: Bearer" header.
func bearerToken(r *http.Request) string {
	if t := strings.TrimSpace(r.Header.Get(HeaderAccessToken)); t != "" {
		return t
	}
	a := r.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

// principalOf authenticates r for a route of kind. It returns nil and no
// error for a public route.
func principalOf(id *identity.Identity, r *http.Request, kind AuthKind) (*identity.Principal, error) {
	if kind == Public {
		return nil, nil
	}
	p, err := id.Authenticate(r.Context(), bearerToken(r))
	if err != nil {
		return nil, err
	}
	if p.Vendor {
		// The environment acts on behalf of the user and tenant it names.
		p.UserID = strings.TrimSpace(r.Header.Get(HeaderUserID))
		p.TenantID = strings.TrimSpace(r.Header.Get(HeaderTenantID))
		return p, nil
	}
	if kind == Vendor {
		return nil, &identity.Error{Kind: identity.ErrForbidden, Code: identity.CodeForbidden, Message: "this route requires an environment (vendor) token"}
	}
	return p, nil
}

func (h *Handler) authenticate(c *call) error {
	p, err := principalOf(h.id, c.r, c.route.Auth)
	if err != nil {
		return err
	}
	if c.route.Perm != "" && !identity.Can(p, c.route.Perm) {
		return &identity.Error{Kind: identity.ErrForbidden, Code: identity.CodeForbidden, Message: "missing permission " + c.route.Perm}
	}
	if p != nil {
		c.principal = p
		c.r = c.r.WithContext(identity.NewContext(c.r.Context(), p))
	}
	return nil
}

// RequireUser is middleware for the host application's own routes: it lets
// through requests carrying a valid user access token and puts the
// principal in the request context (identity.FromContext). Other requests
// get a JSON 401.
func RequireUser(id *identity.Identity) func(http.Handler) http.Handler {
	return require(id, User)
}

// RequireVendor is RequireUser for the environment token.
func RequireVendor(id *identity.Identity) func(http.Handler) http.Handler {
	return require(id, Vendor)
}

func require(id *identity.Identity, kind AuthKind) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := principalOf(id, r, kind)
			if err == nil && kind == User && p.Vendor && p.UserID == "" {
				err = &identity.Error{Kind: identity.ErrUnauthorized, Code: identity.CodeUnauthorized, Message: "a user access token is required"}
			}
			if err != nil {
				writeError(w, r, nil, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(identity.NewContext(r.Context(), p)))
		})
	}
}

// RequirePermission is middleware for the host application's routes: the
// request needs a valid access token whose principal holds the permission
// key (wildcards such as "fe.secure.*" in the token are honoured). Missing
// token: JSON 401; missing permission: JSON 403.
func RequirePermission(id *identity.Identity, key string) func(http.Handler) http.Handler {
	return requireWith(id, func(p *identity.Principal) bool { return identity.Can(p, key) }, "missing permission "+key)
}

// RequireRole is RequirePermission for a role key.
func RequireRole(id *identity.Identity, key string) func(http.Handler) http.Handler {
	return requireWith(id, func(p *identity.Principal) bool { return identity.HasRole(p, key) }, "missing role "+key)
}

func requireWith(id *identity.Identity, allowed func(*identity.Principal) bool, refusal string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return require(id, User)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, _ := identity.FromContext(r.Context())
			if !allowed(p) {
				writeError(w, r, nil, &identity.Error{Kind: identity.ErrForbidden, Code: identity.CodeForbidden, Message: refusal})
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}
