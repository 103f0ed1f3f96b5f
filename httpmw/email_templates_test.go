package httpmw_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestEmailTemplateRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		const path = "/resources/mail/v1/configs/templates"
		body := map[string]any{"type": "MagicLink", "subject": "Sign in to {{tenantName}}", "htmlTemplate": `<a href="{{redirectURL}}">go</a>`, "senderEmail": "noreply@example.com"}
		s.do(t, http.MethodPost, path, body).wantError(t, http.StatusUnauthorized)
		userTok, _, _ := s.userToken(t, testUserEmail)
		s.do(t, http.MethodPost, path, body, bearer(userTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]any{"type": "MagicLink", "htmlTemplate": "{{secret}}"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"subject": "x"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		got := s.do(t, http.MethodPost, path, body, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
		id := wantString(t, got, "id")
		if got["type"] != "MagicLink" || got["active"] != true || got["senderEmail"] != "noreply@example.com" {
			t.Fatalf("created template: %v", got)
		}
		list := s.do(t, http.MethodGet, path+"?type=MagicLink", nil, bearer(s.vendor)).want(t, http.StatusOK).array(t)
		if len(list) != 1 || list[0]["id"] != id {
			t.Fatalf("templates: %v", list)
		}
		if l := s.do(t, http.MethodGet, path+"?type=OTC", nil, bearer(s.vendor)).want(t, http.StatusOK).array(t); len(l) != 0 {
			t.Fatalf("OTC templates: %v", l)
		}
		s.do(t, http.MethodGet, path+"?type=Fax", nil, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		// The template is used: the magic link e-mail gets its subject.
		s.do(t, http.MethodPost, "/resources/auth/v1/passwordless/magiclink/prelogin", map[string]any{"email": testUserEmail}).want(t, http.StatusOK)
		s.drain(t)
		msgs := s.outbox.Messages()
		if last := msgs[len(msgs)-1]; !strings.HasPrefix(last.Subject, "Sign in to ") {
			t.Fatalf("magic-link e-mail subject %q", last.Subject)
		}

		def := s.do(t, http.MethodGet, "/resources/mail/v1/configs/ResetPassword/default", nil, bearer(s.vendor)).want(t, http.StatusOK).object(t)
		if def["type"] != "ResetPassword" || !strings.Contains(def["htmlTemplate"].(string), "{{redirectURL}}") {
			t.Fatalf("default template: %v", def)
		}
		s.do(t, http.MethodGet, "/resources/mail/v1/configs/Fax/default", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodGet, "/resources/mail/v1/configs/ResetPassword/default", nil, bearer(userTok)).wantError(t, http.StatusForbidden)

		s.do(t, http.MethodDelete, path+"/nope", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodDelete, path+"/"+id, nil, bearer(s.vendor)).want(t, http.StatusOK)
		if l := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).array(t); len(l) != 0 {
			t.Fatalf("templates after delete: %v", l)
		}
	})
}
