package httpmw_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzPasswordlessAndMailBodies posts arbitrary bytes to the passwordless
// routes and the vendor's e-mail template and mail configuration routes:
// the answer is never a server error and always a JSON object or array.
func FuzzPasswordlessAndMailBodies(f *testing.F) {
	for _, seed := range []string{
		`{"email":"ann@example.com"}`,
		`{"token":"123456","email":"ann@example.com"}`,
		`{"phoneNumber":"+15551230000","token":"1"}`,
		`{"type":"MagicLink","htmlTemplate":"{{redirectURL}}","subject":"{{"}`,
		`{"payload":{"provider":"smtp","host":"127.0.0.1","from":"a@example.com","port":-1}}`,
		`{"provider":"mailgun","secret":"k","domain":"d","region":7}`,
		`{"email":1}`,
		`[]`,
		`null`,
		``,
	} {
		f.Add([]byte(seed), uint8(0))
	}
	s := newTestServer(f)
	s.createUser(f, testUserEmail)
	vendor := s.vendorToken(f)
	paths := []string{
		"/resources/auth/v1/passwordless/magiclink/prelogin",
		"/resources/auth/v1/passwordless/code/postlogin",
		"/resources/auth/v1/passwordless/smscode/prelogin",
		"/resources/mail/v1/configs/templates",
		"/resources/mail/v2/configurations",
		"/resources/mail/v1/configurations",
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		req := httptest.NewRequest(http.MethodPost, paths[int(which)%len(paths)], bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+vendor)
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", w.Code, body, w.Body.Bytes())
		}
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("answer %q to body %q is not JSON: %v", w.Body.Bytes(), body, err)
		}
	})
}
