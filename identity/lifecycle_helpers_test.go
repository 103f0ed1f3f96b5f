package identity_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/tokens"
)

var codePattern = regexp.MustCompile(`code, enter: (\d{6})`)

// mailLink is what a test reads from an e-mail: the first link's path and
// query, and the code when the e-mail carries one.
type mailLink struct {
	msg    delivery.OutboxMessage
	path   string
	userID string
	token  string
	code   string
}

// lastMail returns the newest e-mail to email, parsed.
func (e *testEnv) lastMail(t testing.TB, email string) mailLink {
	t.Helper()
	msgs := e.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.To != email {
			continue
		}
		link := linkPattern.FindString(m.Body)
		if link == "" {
			t.Fatalf("e-mail %q without a link: %q", m.Subject, m.Body)
		}
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("link %q: %v", link, err)
		}
		out := mailLink{msg: m, path: u.Path, userID: u.Query().Get("userId"), token: u.Query().Get("token")}
		if c := codePattern.FindStringSubmatch(m.Body); c != nil {
			out.code = c[1]
		}
		return out
	}
	t.Fatalf("no e-mail to %s in the outbox (%d messages)", email, len(msgs))
	return mailLink{}
}

// mailCount counts the e-mails sent to email.
func (e *testEnv) mailCount(email string) int {
	n := 0
	for _, m := range e.outbox.Messages() {
		if m.To == email {
			n++
		}
	}
	return n
}

// vendor is the environment principal acting in tenantID.
func vendor(tenantID string) *identity.Principal {
	return &identity.Principal{Vendor: true, TenantID: tenantID}
}

// userPrincipal is a user principal of userID in tenantID holding perms.
func userPrincipal(userID, tenantID string, perms ...string) *identity.Principal {
	c := &tokens.Claims{TenantID: tenantID, Type: identity.TokenTypeUser, Permissions: perms}
	c.Subject = userID
	return &identity.Principal{UserID: userID, TenantID: tenantID, Claims: c}
}

// invite invites email to tenantID as the environment and returns the
// invited user and the e-mail.
func (e *testEnv) invite(t testing.TB, tenantID string, in identity.InviteUserInput) (*identity.InvitedUser, mailLink) {
	t.Helper()
	u, err := e.id.InviteUser(context.Background(), vendor(tenantID), in)
	if err != nil {
		t.Fatalf("InviteUser(%s): %v", in.Email, err)
	}
	if in.SkipInviteEmail {
		return u, mailLink{}
	}
	return u, e.lastMail(t, strings.ToLower(in.Email))
}

func (e *testEnv) refresh(token, tenantID string) (*identity.AuthResponse, error) {
	return e.id.Refresh(context.Background(), token, tenantID, identity.ClientInfo{})
}

func (e *testEnv) tryLogin(email string) (*identity.AuthResponse, error) {
	return e.id.Login(context.Background(), identity.LoginInput{Email: email, Password: testPassword}, identity.ClientInfo{})
}
