package httpmw_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

var (
	mailLinkPattern = regexp.MustCompile(`https?://\S+`)
	mailCodePattern = regexp.MustCompile(`code, enter: (\d{6})`)
)

// mail is the link (path, userId, token) and code of an e-mail.
type mail struct {
	subject, path, userID, token, code string
}

// lastMail returns the newest e-mail to email.
func (s *testServer) lastMail(t testing.TB, email string) mail {
	t.Helper()
	msgs := s.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.To != email {
			continue
		}
		u, err := url.Parse(mailLinkPattern.FindString(m.Body))
		if err != nil || u.Path == "" {
			t.Fatalf("e-mail %q has no link: %q", m.Subject, m.Body)
		}
		out := mail{subject: m.Subject, path: u.Path, userID: u.Query().Get("userId"), token: u.Query().Get("token")}
		if c := mailCodePattern.FindStringSubmatch(m.Body); c != nil {
			out.code = c[1]
		}
		return out
	}
	t.Fatalf("no e-mail to %s", email)
	return mail{}
}

// vendorIn returns options acting as the environment in tenantID (and as
// userID when set).
func vendorIn(vt, tenantID, userID string) []reqOpt {
	opts := []reqOpt{accessToken(vt), header("frontegg-tenant-id", tenantID)}
	if userID != "" {
		opts = append(opts, header("frontegg-user-id", userID))
	}
	return opts
}

// inviteHTTP invites email to tenantID over HTTP with the vendor token and
// returns the created user's id and the invitation e-mail.
func (s *testServer) inviteHTTP(t testing.TB, vt, tenantID string, body map[string]any) (string, mail) {
	t.Helper()
	m := s.do(t, http.MethodPost, "/resources/users/v2", body, vendorIn(vt, tenantID, "")...).want(t, http.StatusCreated).object(t)
	id := wantString(t, m, "id")
	return id, s.lastMail(t, body["email"].(string))
}
