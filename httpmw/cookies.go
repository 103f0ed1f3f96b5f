package httpmw

import (
	"net/http"
	"strings"
	"time"

	"github.com/yolkauth/yolk/identity"
)

// refreshCookieName is fe_refresh_<client id without dashes>, the cookie the
// official browser client expects. It is read per use (one small store read
// beside a ~1 ms token signature) so a changed client id takes effect at once.
func (h *Handler) refreshCookieName(c *call) (string, error) {
	clientID, err := h.id.ClientID(c.ctx())
	if err != nil {
		return "", err
	}
	return "fe_refresh_" + strings.ReplaceAll(clientID, "-", ""), nil
}

// refreshTokenOf returns the refresh token of the request: the cookie, or a
// refreshToken given in the body by a non-browser client.
func (h *Handler) refreshTokenOf(c *call, fromBody string) (string, error) {
	name, err := h.refreshCookieName(c)
	if err != nil {
		return "", err
	}
	if ck, err := c.r.Cookie(name); err == nil && ck.Value != "" {
		return ck.Value, nil
	}
	return fromBody, nil
}

// setRefreshCookie stores the refresh token of res in the HttpOnly cookie
// (Secure when the request came over TLS, SameSite from the configuration).
func (h *Handler) setRefreshCookie(c *call, res *identity.AuthResponse) error {
	if res == nil || res.RefreshToken == "" {
		return nil
	}
	name, err := h.refreshCookieName(c)
	if err != nil {
		return err
	}
	cfg, err := h.id.RefreshCookiePolicy(c.ctx())
	if err != nil {
		return err
	}
	http.SetCookie(c.w, h.cookie(c, name, res.RefreshToken, cfg.Lifetime, cfg.SameSite))
	return nil
}

// clearRefreshCookie removes the cookie (logout).
func (h *Handler) clearRefreshCookie(c *call) error {
	name, err := h.refreshCookieName(c)
	if err != nil {
		return err
	}
	ck := h.cookie(c, name, "", 0, "")
	ck.MaxAge = -1
	http.SetCookie(c.w, ck)
	return nil
}

func (h *Handler) cookie(c *call, name, value string, lifetime time.Duration, sameSite string) *http.Cookie {
	secure := c.r.TLS != nil || strings.EqualFold(c.r.Header.Get("X-Forwarded-Proto"), "https")
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: secure, MaxAge: int(lifetime / time.Second)}
	switch sameSite {
	case "STRICT":
		ck.SameSite = http.SameSiteStrictMode
	case "NONE":
		// Browsers drop SameSite=None cookies that are not Secure; fall
		// back to Lax on plain HTTP (local development).
		if secure {
			ck.SameSite = http.SameSiteNoneMode
		} else {
			ck.SameSite = http.SameSiteLaxMode
		}
	default:
		ck.SameSite = http.SameSiteLaxMode
	}
	return ck
}

// tokens answers with a login-style response, also setting its refresh
// token as the cookie.
func (c *call) tokens(res *identity.AuthResponse, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return res, c.h.setRefreshCookie(c, res)
}

// signUpTokens is tokens for a sign-up, which logs in only when the account
// needs no activation.
func (c *call) signUpTokens(res *identity.SignUpResult, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return res, c.h.setRefreshCookie(c, res.AuthResponse)
}
