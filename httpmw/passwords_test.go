package httpmw_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/yolkauth/yolk/identity"
)

// drain waits for the Identity's background deliveries (password-reset
// messages go out apart from the request).
func (s *testServer) drain(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.id.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// loginWith logs email in with password over HTTP and returns the answer.
func (s *testServer) loginWith(t testing.TB, email, password string) *response {
	t.Helper()
	return s.do(t, http.MethodPost, "/resources/auth/v1/user", map[string]string{"email": email, "password": password})
}

func TestPasswordResetRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		userID, _ := s.createUser(t, testUserEmail)
		old, _ := s.login(t, testUserEmail)

		// v1: the same answer for a known and an unknown e-mail.
		known := s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset", map[string]any{"email": testUserEmail}).want(t, http.StatusCreated)
		unknown := s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset", map[string]any{"email": "nobody@example.com"}).want(t, http.StatusCreated)
		if !bytes.Equal(known.body, unknown.body) {
			t.Fatalf("known %s, unknown %s: the answers differ", known.body, unknown.body)
		}
		s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset", map[string]any{}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset", map[string]any{"identifier": "x", "identifierType": "fax"}).wantError(t, http.StatusBadRequest)
		s.drain(t)
		if n := len(s.outbox.Messages()); n != 1 {
			t.Fatalf("%d messages, want the one reset e-mail", n)
		}
		m := s.lastMail(t, testUserEmail)
		if m.path != "/account/reset-password" || m.userID != userID {
			t.Fatalf("reset e-mail link: %+v", m)
		}

		// verify: refusals, then the reset, then single use.
		const verify = "/resources/users/v1/passwords/reset/verify"
		s.do(t, http.MethodPost, verify, map[string]any{"userId": userID, "token": m.token, "password": "x"}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, verify, map[string]any{"userId": userID, "token": "forged", "password": "new password 1"}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, verify, map[string]any{"userId": userID, "token": m.token, "password": "new password 1"}).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, verify, map[string]any{"userId": userID, "token": m.token, "password": "new password 2"}).wantError(t, http.StatusBadRequest)
		s.loginWith(t, testUserEmail, testPassword).wantError(t, http.StatusUnauthorized)
		s.loginWith(t, testUserEmail, "new password 1").want(t, http.StatusOK)
		// The reset revoked the sessions opened before it.
		s.do(t, http.MethodPost, "/resources/auth/v1/user/token/refresh", map[string]any{"refreshToken": old["refreshToken"]}).wantError(t, http.StatusUnauthorized)

		// v2 by e-mail answers a session id, known or not.
		const v2email = "/resources/users/v2/passwords/reset/email"
		a := s.do(t, http.MethodPost, v2email, map[string]any{"identifier": testUserEmail, "identifierType": "email"}).want(t, http.StatusOK).object(t)
		b := s.do(t, http.MethodPost, v2email, map[string]any{"identifier": "nobody@example.com", "identifierType": "email"}).want(t, http.StatusOK).object(t)
		if wantString(t, a, "sessionId") == wantString(t, b, "sessionId") || len(a) != 1 || len(b) != 1 {
			t.Fatalf("v2 e-mail answers: %v and %v", a, b)
		}
		s.do(t, http.MethodPost, v2email, map[string]any{"identifier": testUserEmail}).wantError(t, http.StatusBadRequest)
		s.drain(t)
		m2 := s.lastMail(t, testUserEmail)
		if m2.token == m.token || m2.userID != userID {
			t.Fatalf("v2 reset e-mail: %+v", m2)
		}
		s.do(t, http.MethodPost, verify, map[string]any{"userId": userID, "token": m2.token, "password": "new password 2"}).want(t, http.StatusCreated)
		s.loginWith(t, testUserEmail, "new password 2").want(t, http.StatusOK)
	})
}

func TestPasswordResetSMSRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		userID, _ := s.createUser(t, testUserEmail)
		const phone = "+15557654321"
		if _, err := s.id.AddUserPhoneNumber(context.Background(), userID, phone); err != nil {
			t.Fatal(err)
		}
		const sms, verify = "/resources/users/v2/passwords/reset/sms", "/resources/users/v2/passwords/reset/sms/verify"
		s.do(t, http.MethodPost, sms, map[string]any{"identifier": "12", "identifierType": "phoneNumber"}).wantError(t, http.StatusBadRequest)
		unknown := s.do(t, http.MethodPost, sms, map[string]any{"identifier": "+15550001111", "identifierType": "phoneNumber"}).want(t, http.StatusOK).object(t)
		wantString(t, unknown, "sessionId")
		res := s.do(t, http.MethodPost, sms, map[string]any{"identifier": phone, "identifierType": "phoneNumber"}).want(t, http.StatusOK).object(t)
		session := wantString(t, res, "sessionId")
		s.drain(t)
		code := s.lastCode(t, phone)

		s.do(t, http.MethodPost, verify, map[string]any{"sessionId": session}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, verify, map[string]any{"sessionId": session, "otcToken": otherCode(code)}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, verify, map[string]any{"sessionId": unknown["sessionId"], "otcToken": code}).wantError(t, http.StatusBadRequest)
		grant := s.do(t, http.MethodPost, verify, map[string]any{"sessionId": session, "otcToken": code}).want(t, http.StatusOK).object(t)
		if grant["userId"] != userID {
			t.Fatalf("grant: %v", grant)
		}
		token := wantString(t, grant, "token")
		s.do(t, http.MethodPost, verify, map[string]any{"sessionId": session, "otcToken": code}).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset/verify", map[string]any{"userId": userID, "token": token, "password": "texted password"}).want(t, http.StatusCreated)
		s.loginWith(t, testUserEmail, "texted password").want(t, http.StatusOK)
	})
}

func TestChangePasswordRoute(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		token, userID, tenantID := s.userToken(t, testUserEmail)
		const path = "/resources/users/v1/passwords/change"
		s.do(t, http.MethodPost, path, map[string]any{"password": testPassword, "newPassword": "new password 1"}).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodPost, path, map[string]any{"password": "wrong", "newPassword": "new password 1"}, bearer(token)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"password": testPassword, "newPassword": "short"}, bearer(token)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"password": testPassword, "newPassword": 12}, bearer(token)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"password": testPassword, "newPassword": "new password 1"}, bearer(token)).want(t, http.StatusCreated)
		s.loginWith(t, testUserEmail, testPassword).wantError(t, http.StatusUnauthorized)
		s.loginWith(t, testUserEmail, "new password 1").want(t, http.StatusOK)
		// The environment acts for the user it names.
		s.do(t, http.MethodPost, path, map[string]any{"password": "new password 1", "newPassword": "new password 2"}, vendorIn(s.vendor, tenantID, userID)...).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, path, map[string]any{"password": "new password 2", "newPassword": "new password 3"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.loginWith(t, testUserEmail, "new password 2").want(t, http.StatusOK)
	})
}

func TestPasswordConfigRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		adminTok, userID, tenantID := s.userToken(t, testUserEmail)
		plainTok, _, _ := s.plainToken(t, "plain@example.com")
		const path = "/resources/configurations/v1/password"

		// The public configuration the login box renders.
		pub := s.do(t, http.MethodGet, "/resources/users/v1/passwords/config", nil).want(t, http.StatusOK).object(t)
		wantKeys(t, "password config", pub, "allowPassphrases", "maxLength", "minLength", "minPhraseLength", "minOptionalTestsToPass", "blockPwnedPasswords", "optionalTests", "requiredTests")
		if pub["minLength"] != float64(identity.MinPasswordLength) || pub["blockPwnedPasswords"] != false {
			t.Fatalf("default public config: %v", pub)
		}

		s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodGet, path, nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]any{"minLength": 12}, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]any{"minLength": 0}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"minLength": "long"}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)
		env := s.do(t, http.MethodPost, path, map[string]any{"minLength": 10, "minOptionalTestsToPass": 1, "optionalTests": map[string]any{"requireNumbers": true}}, bearer(s.vendor)).want(t, http.StatusCreated).object(t)
		if env["minLength"] != float64(10) || env["optionalTests"].(map[string]any)["requireNumbers"] != true {
			t.Fatalf("saved config: %v", env)
		}
		// The tenant's administrator tightens its own tenant's.
		own := s.do(t, http.MethodPost, path, map[string]any{"minLength": 14}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		if own["minLength"] != float64(14) || own["minOptionalTestsToPass"] != float64(1) {
			t.Fatalf("tenant config: %v", own)
		}
		if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).want(t, http.StatusOK).object(t); g["minLength"] != float64(10) {
			t.Fatalf("environment config: %v", g)
		}
		if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t); g["minLength"] != float64(14) {
			t.Fatalf("tenant config read by the environment: %v", g)
		}
		if g := s.do(t, http.MethodGet, "/resources/users/v1/passwords/config?userId="+url.QueryEscape(userID), nil).want(t, http.StatusOK).object(t); g["minLength"] != float64(14) {
			t.Fatalf("the user's strictest config: %v", g)
		}
		// It is enforced: a change to a password the tenant refuses fails.
		s.do(t, http.MethodPost, "/resources/users/v1/passwords/change", map[string]any{"password": testPassword, "newPassword": "only12chars1"}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, "/resources/users/v1/passwords/change", map[string]any{"password": testPassword, "newPassword": "fourteen chars 1"}, bearer(adminTok)).want(t, http.StatusCreated)
	})
}

func TestPasswordHistoryRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		adminTok, _, _ := s.userToken(t, testUserEmail)
		plainTok, _, _ := s.plainToken(t, "plain@example.com")
		const path = "/resources/configurations/v1/password-history-policy"
		s.do(t, http.MethodGet, path, nil, bearer(adminTok)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPatch, path, map[string]any{"enabled": true, "historySize": 2}, bearer(adminTok)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "historySize": 11}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "historySize": 2}, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, path, nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
		p := s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "historySize": 2}, bearer(adminTok)).want(t, http.StatusCreated).object(t)
		wantKeys(t, "history policy", p, "id", "enabled", "historySize", "createdAt", "updatedAt")
		s.do(t, http.MethodPost, path, map[string]any{"enabled": true, "historySize": 2}, bearer(adminTok)).wantError(t, http.StatusConflict)
		got := s.do(t, http.MethodGet, path, nil, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if got["id"] != p["id"] || got["historySize"] != float64(2) {
			t.Fatalf("read policy %v, created %v", got, p)
		}
		// Enforced: the previous password is refused.
		const change = "/resources/users/v1/passwords/change"
		s.do(t, http.MethodPost, change, map[string]any{"password": testPassword, "newPassword": "second password"}, bearer(adminTok)).want(t, http.StatusCreated)
		s.do(t, http.MethodPost, change, map[string]any{"password": "second password", "newPassword": testPassword}, bearer(adminTok)).wantError(t, http.StatusBadRequest)
		up := s.do(t, http.MethodPatch, path, map[string]any{"enabled": false}, bearer(adminTok)).want(t, http.StatusOK).object(t)
		if up["enabled"] != false || up["historySize"] != float64(2) {
			t.Fatalf("patched policy: %v", up)
		}
		s.do(t, http.MethodPost, change, map[string]any{"password": "second password", "newPassword": testPassword}, bearer(adminTok)).want(t, http.StatusCreated)
	})
}

func TestPasswordRotationRoutes(t *testing.T) {
	stores(t, func(t *testing.T, s *mfaServer) {
		adminTok, _, tenantID := s.userToken(t, testUserEmail)
		const path = "/resources/configurations/v1/password-rotation"
		s.do(t, http.MethodGet, path, nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodGet, path+"/vendor", nil, bearer(s.vendor)).wantError(t, http.StatusNotFound)
		s.do(t, http.MethodPost, path, map[string]any{"isActive": true}, bearer(adminTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, path+"/vendor", nil, bearer(adminTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodPost, path, map[string]any{"isActive": true, "rotationPeriod": 0}, bearer(s.vendor)).wantError(t, http.StatusBadRequest)

		env := s.do(t, http.MethodPost, path, map[string]any{"isActive": true, "rotationPeriod": 120, "notificationPeriod": 60}, bearer(s.vendor)).want(t, http.StatusOK).object(t)
		wantKeys(t, "rotation", env, "createdAt", "updatedAt", "isActive", "rotationPeriod", "notificationPeriod", "tenantId")
		if env["tenantId"] != "" || env["rotationPeriod"] != float64(120) {
			t.Fatalf("environment rotation: %v", env)
		}
		tn := s.do(t, http.MethodPost, path, map[string]any{"rotationPeriod": 90}, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t)
		if tn["tenantId"] != tenantID || tn["isActive"] != true || tn["notificationPeriod"] != float64(60) {
			t.Fatalf("tenant rotation: %v", tn)
		}
		if g := s.do(t, http.MethodGet, path, nil, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t); g["rotationPeriod"] != float64(90) {
			t.Fatalf("tenant rotation read: %v", g)
		}
		if g := s.do(t, http.MethodGet, path+"/vendor", nil, bearer(s.vendor), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t); g["rotationPeriod"] != float64(120) {
			t.Fatalf("environment rotation read: %v", g)
		}

		// Login warns within the notification period, then hands out a
		// reset token instead of tokens (and no refresh cookie).
		s.clock.Advance(40 * time.Minute)
		m, _ := s.login(t, testUserEmail)
		if m["passwordExpiresIn"] != float64(50) || m["notificationPeriod"] != float64(60) || m["accessToken"] == "" {
			t.Fatalf("login near expiry: %v", m)
		}
		s.clock.Advance(50 * time.Minute)
		r := s.loginWith(t, testUserEmail, testPassword).want(t, http.StatusOK)
		m = r.object(t)
		reset := wantString(t, m, "resetPasswordToken")
		if m["accessToken"] != "" || m["passwordExpiresIn"] != float64(0) || r.hasCookie(testCookieName) {
			t.Fatalf("expired login: %v", m)
		}
		s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset/verify", map[string]any{"userId": m["userId"], "token": reset, "password": "rotated password"}).want(t, http.StatusCreated)
		m, _ = s.loginWithOK(t, testUserEmail, "rotated password")
		if _, warned := m["passwordExpiresIn"]; warned || m["accessToken"] == "" {
			t.Fatalf("login after the rotation: %v", m)
		}
	})
}

// loginWithOK logs in with password and expects tokens.
func (s *testServer) loginWithOK(t testing.TB, email, password string) (map[string]any, *response) {
	t.Helper()
	r := s.loginWith(t, email, password).want(t, http.StatusOK)
	return r.object(t), r
}

// FuzzPasswordConfig posts arbitrary bytes as the environment's password
// configuration: the answer is never a server error; it is either the
// saved configuration, within its bounds, or a 400 error. A password
// checked against whatever was saved never gets a server error either.
func FuzzPasswordConfig(f *testing.F) {
	for _, seed := range []string{
		`{"minLength":10,"minOptionalTestsToPass":2,"optionalTests":{"requireNumbers":true,"requireUppercase":true}}`,
		`{"allowPassphrases":true,"minPhraseLength":20,"maxLength":64}`,
		`{"requiredTests":{"checkThreeRepeatedChars":true}}`,
		`{"minLength":1e30}`, `{"maxLength":-1}`, `{"minOptionalTestsToPass":4}`,
		`{"optionalTests":null}`, `{"optionalTests":[]}`, `{"blockPwnedPasswords":true}`,
		`{}`, `[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(seed), "Correct-Horse 9")
	}
	s := newTestServer(f)
	vendor := s.vendorToken(f)
	userID, _ := s.createUser(f, testUserEmail)
	link, err := s.id.GeneratePasswordResetLink(context.Background(), userID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, password string) {
		r := s.do(t, http.MethodPost, "/resources/configurations/v1/password", body, bearer(vendor))
		switch r.code {
		case http.StatusCreated:
			m := r.object(t)
			minLen, _ := m["minLength"].(float64)
			maxLen, _ := m["maxLength"].(float64)
			opt, _ := m["minOptionalTestsToPass"].(float64)
			if minLen < 1 || maxLen < minLen || maxLen > identity.MaxPasswordLength || opt < 0 || opt > 4 {
				t.Fatalf("saved config %s from body %q is out of bounds", r.body, body)
			}
		case http.StatusBadRequest:
			r.wantError(t, http.StatusBadRequest)
		default:
			t.Fatalf("status %d for body %q: %s", r.code, body, r.body)
		}
		// The reset checks password against the saved rules; the token is
		// not used up unless the password passes, so reset it each time.
		res := s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset/verify", map[string]any{"userId": userID, "token": link.Token, "password": password})
		if res.code >= 500 {
			t.Fatalf("status %d checking %q: %s", res.code, password, res.body)
		}
		if res.code == http.StatusCreated {
			if link, err = s.id.GeneratePasswordResetLink(context.Background(), userID); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzPasswordResetRequest posts arbitrary bytes to the reset request: the
// answer is never a server error, and it is the same empty object for every
// well-formed request, whoever it names.
func FuzzPasswordResetRequest(f *testing.F) {
	for _, seed := range []string{
		`{"email":"ann@example.com"}`, `{"email":"nobody@example.com"}`,
		`{"identifier":"ann","identifierType":"username"}`,
		`{"identifier":"+15551234567","identifierType":"phoneNumber"}`,
		`{"identifier":"x","identifierType":"fax"}`, `{"email":7}`,
		`{}`, `[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	s := newTestServer(f)
	s.createUser(f, testUserEmail)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := s.do(t, http.MethodPost, "/resources/users/v1/passwords/reset", body)
		switch r.code {
		case http.StatusCreated:
			if string(r.body) != "{}" {
				t.Fatalf("answer %s to body %q; want {}", r.body, body)
			}
		case http.StatusBadRequest:
			r.wantError(t, http.StatusBadRequest)
		default:
			t.Fatalf("status %d for body %q: %s", r.code, body, r.body)
		}
	})
}
