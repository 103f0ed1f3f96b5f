package httpmw_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeLogin posts arbitrary bytes to the login route: the answer is
// never a server error, and always JSON carrying either errors or tokens.
func FuzzDecodeLogin(f *testing.F) {
	for _, seed := range []string{
		`{"email":"ann@example.com","password":"correct horse battery"}`,
		`{"email":"ann@example.com","password":"wrong"}`,
		`{"username":"ann","password":"x"}`,
		`{"email":1,"password":[]}`,
		`{"email":"ann@example.com"`,
		`[]`,
		`null`,
		``,
		`{"email":"\u0000","password":"\ud800"}`,
		`{"password":"` + string(bytes.Repeat([]byte("p"), 600)) + `","email":"ann@example.com"}`,
	} {
		f.Add([]byte(seed))
	}
	s := newTestServer(f)
	s.createUser(f, testUserEmail)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/resources/auth/v1/user", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", w.Code, body, w.Body.Bytes())
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("answer %q to body %q is not a JSON object: %v", w.Body.Bytes(), body, err)
		}
		_, hasErrors := m["errors"]
		_, hasToken := m["accessToken"]
		if hasErrors == hasToken {
			t.Fatalf("answer %s to body %q has errors=%v accessToken=%v; want exactly one", w.Body.Bytes(), body, hasErrors, hasToken)
		}
		if hasToken != (w.Code == http.StatusOK) {
			t.Fatalf("status %d with accessToken=%v", w.Code, hasToken)
		}
	})
}
