package httpmw_test

import (
	"net/http"
	"testing"
)

func TestAccountSettingsRoutes(t *testing.T) {
	accountStores(t, func(t *testing.T, a *accountsServer) {
		adminTok, _, home := a.userToken(t, testUserEmail)
		roTok, _ := a.readOnlyToken(t, "ro@example.com")
		plainTok, _, plainHome := a.plainToken(t, "plain@example.com")

		got := a.call(t, http.MethodPut, "/resources/account-settings/v1", map[string]any{"name": "Acme SA", "timezone": "Europe/Paris",
			"currency": "eur", "applicationUrl": "https://app.acme.example", "loginUrl": "https://login.acme.example"}, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if got["tenantId"] != home || got["name"] != "Acme SA" || got["currency"] != "EUR" || got["timezone"] != "Europe/Paris" {
			t.Fatalf("updated settings: %v", got)
		}
		got = a.call(t, http.MethodGet, "/resources/account-settings/v1", nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if got["name"] != "Acme SA" || got["loginUrl"] != "https://login.acme.example" {
			t.Fatalf("settings: %v", got)
		}
		wantMessage(t, a.call(t, http.MethodPut, "/resources/account-settings/v1", map[string]any{}, bearer(adminTok)), http.StatusBadRequest, "at least one setting")
		wantMessage(t, a.call(t, http.MethodPut, "/resources/account-settings/v1", map[string]any{"applicationUrl": "app.acme"}, bearer(adminTok)), http.StatusBadRequest, "applicationUrl")

		// The read-only user reads but does not write; the plain user neither.
		if got := a.call(t, http.MethodGet, "/resources/account-settings/v1", nil, bearer(roTok)).want(t, http.StatusOK).object(t); got["tenantId"] == home {
			t.Fatalf("the read-only user read another account: %v", got)
		}
		a.call(t, http.MethodPut, "/resources/account-settings/v1", map[string]any{"currency": "USD"}, bearer(roTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodGet, "/resources/account-settings/v1", nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		a.call(t, http.MethodGet, "/resources/account-settings/v1", nil).wantError(t, http.StatusUnauthorized)

		// Public settings: any user of the account, or the environment naming it.
		pub := a.call(t, http.MethodGet, "/resources/account-settings/v1/public", nil, bearer(plainTok)).want(t, http.StatusOK).object(t)
		if pub["tenantId"] != plainHome || pub["applicationUrl"] != nil {
			t.Fatalf("public settings of the plain user's account: %v", pub)
		}
		pub = a.call(t, http.MethodGet, "/resources/account-settings/v1/public", nil, a.asVendor(home)).want(t, http.StatusOK).object(t)
		if pub["applicationUrl"] != "https://app.acme.example" || pub["loginUrl"] != "https://login.acme.example" || pub["name"] != nil {
			t.Fatalf("public settings: %v", pub)
		}
		a.call(t, http.MethodGet, "/resources/account-settings/v1/public", nil, a.asVendor("missing")).wantError(t, http.StatusNotFound)
		a.call(t, http.MethodGet, "/resources/account-settings/v1/public", nil).wantError(t, http.StatusUnauthorized)
		// The environment writes the settings of the account it names.
		got = a.call(t, http.MethodPut, "/resources/account-settings/v1", map[string]any{"dateFormat": "yyyy-MM-dd"}, a.asVendor(plainHome)).want(t, http.StatusOK).object(t)
		if got["tenantId"] != plainHome || got["dateFormat"] != "yyyy-MM-dd" {
			t.Fatalf("the environment's update: %v", got)
		}
	})
}
