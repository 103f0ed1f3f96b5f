package httpmw_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
)

func TestPasswordlessRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		userID, _ := s.createUser(t, testUserEmail)
		const base = "/resources/auth/v1/passwordless/"

		// Magic link: the same answer for a known and an unknown e-mail.
		known := s.do(t, http.MethodPost, base+"magiclink/prelogin", map[string]any{"type": "MagicLink", "email": testUserEmail}).want(t, http.StatusOK)
		unknown := s.do(t, http.MethodPost, base+"magiclink/prelogin", map[string]any{"type": "MagicLink", "email": "nobody@example.com"}).want(t, http.StatusOK)
		if !bytes.Equal(known.body, unknown.body) {
			t.Fatalf("known %s, unknown %s: the answers differ", known.body, unknown.body)
		}
		s.do(t, http.MethodPost, base+"magiclink/prelogin", map[string]any{}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, base+"magiclink/prelogin", map[string]any{"email": 7}).wantError(t, http.StatusBadRequest)
		s.drain(t)
		if n := len(s.outbox.Messages()); n != 1 {
			t.Fatalf("%d messages, want the one magic-link e-mail", n)
		}
		m := s.lastMail(t, testUserEmail)
		if m.path != "/account/login/magic-link" || m.token == "" {
			t.Fatalf("magic link: %+v", m)
		}
		s.do(t, http.MethodPost, base+"magiclink/postlogin", map[string]any{"token": "forged"}).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPost, base+"magiclink/postlogin", map[string]any{}).wantError(t, http.StatusBadRequest)
		res := s.do(t, http.MethodPost, base+"magiclink/postlogin", map[string]any{"type": "MagicLink", "token": m.token}).want(t, http.StatusCreated)
		body := res.object(t)
		if tok := wantString(t, body, "accessToken"); s.principalOf(t, tok) != userID {
			t.Fatalf("magic-link login is not for the user")
		}
		if !res.hasCookie(testCookieName) {
			t.Fatal("no refresh cookie after a magic-link login")
		}
		s.do(t, http.MethodPost, base+"magiclink/postlogin", map[string]any{"token": m.token}).wantError(t, http.StatusUnauthorized)

		// E-mail code.
		s.do(t, http.MethodPost, base+"code/prelogin", map[string]any{"email": testUserEmail}).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, base+"code/prelogin", map[string]any{"username": ""}).wantError(t, http.StatusBadRequest)
		s.drain(t)
		code := s.lastCode(t, testUserEmail)
		s.do(t, http.MethodPost, base+"code/postlogin", map[string]any{"token": code}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, base+"code/postlogin", map[string]any{"token": code, "email": "nobody@example.com"}).wantError(t, http.StatusUnauthorized)
		body = s.do(t, http.MethodPost, base+"code/postlogin", map[string]any{"token": code, "email": testUserEmail}).want(t, http.StatusCreated).object(t)
		wantString(t, body, "refreshToken")
		s.do(t, http.MethodPost, base+"code/postlogin", map[string]any{"token": code, "email": testUserEmail}).wantError(t, http.StatusUnauthorized)

		// SMS code, to the user's verified phone.
		const phone = "+15551230000"
		if _, err := s.id.AddUserPhoneNumber(context.Background(), userID, phone); err != nil {
			t.Fatal(err)
		}
		s.do(t, http.MethodPost, base+"smscode/prelogin", map[string]any{"email": testUserEmail}).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, base+"smscode/prelogin", map[string]any{"phoneNumber": "not a phone"}).wantError(t, http.StatusBadRequest)
		s.drain(t)
		code = s.lastCode(t, phone)
		s.do(t, http.MethodPost, base+"smscode/postlogin", map[string]any{"token": "x" + code, "phoneNumber": phone}).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPost, base+"smscode/postlogin", map[string]any{"token": code, "phoneNumber": phone}).want(t, http.StatusCreated)

		// A forced MFA policy still challenges a passwordless login.
		s.policy(t, map[string]any{"enforceMFAType": "Force"})
		s.do(t, http.MethodPost, base+"magiclink/prelogin", map[string]any{"email": testUserEmail}).want(t, http.StatusOK)
		s.drain(t)
		body = s.do(t, http.MethodPost, base+"magiclink/postlogin", map[string]any{"token": s.lastMail(t, testUserEmail).token}).want(t, http.StatusCreated).object(t)
		if body["mfaRequired"] != true || body["accessToken"] != "" {
			t.Fatalf("passwordless login under a forced MFA policy: %v", body)
		}
	})
}

// principalOf returns the user id of an access token.
func (s *mfaServer) principalOf(t testing.TB, token string) string {
	t.Helper()
	p, err := s.id.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return p.UserID
}
