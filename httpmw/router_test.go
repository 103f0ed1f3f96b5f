package httpmw_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/httpmw"
)

func TestUnknownPath(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/", "/nope", "/resources/users/v9/me", "/resources/auth/v1/user/extra/segments"} {
		_, code := s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusNotFound)
		if code != "ER-00404" {
			t.Errorf("%s: errorCode %s", path, code)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := newTestServer(t)
	r := s.do(t, http.MethodDelete, "/resources/configurations/v1", nil)
	r.wantError(t, http.StatusMethodNotAllowed)
	if allow := r.header.Get("Allow"); allow != "GET, POST" {
		t.Fatalf("Allow = %q, want \"GET, POST\"", allow)
	}
	r = s.do(t, http.MethodGet, "/resources/auth/v1/user", nil)
	r.wantError(t, http.StatusMethodNotAllowed)
	if allow := r.header.Get("Allow"); allow != "POST" {
		t.Fatalf("Allow = %q, want POST", allow)
	}
}

func TestMalformedJSON(t *testing.T) {
	s := newTestServer(t)
	msg, code := s.do(t, http.MethodPost, "/resources/auth/v1/user", `{"email": "a@example.com" "password": "x"}`).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "byte 27") || code != "ER-00400" {
		t.Fatalf("message %q (%s) does not name the byte offset 27", msg, code)
	}
	for _, body := range []string{`{"email": `, `[1,2]`, `"str"`, `{"email":"a@example.com"} {}`, `{"email":"a@example.com"}x`} {
		s.do(t, http.MethodPost, "/resources/auth/v1/user", body).wantError(t, http.StatusBadRequest)
	}
}

func TestWrongTypeNamesField(t *testing.T) {
	s := newTestServer(t)
	msg, _ := s.do(t, http.MethodPost, "/resources/auth/v1/user", `{"email": "a@example.com", "password": 123}`).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, `"password"`) || !strings.Contains(msg, "string") {
		t.Fatalf("message %q does not name the field and the expected type", msg)
	}
	msg, _ = s.do(t, http.MethodPost, "/resources/users/v1/signUp", `{"email":"a@example.com","roleIds":"admin"}`).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "roleIds") || !strings.Contains(msg, "array") {
		t.Fatalf("message %q does not name roleIds as an array", msg)
	}
}

func TestUnknownFieldsIgnored(t *testing.T) {
	s := newTestServer(t)
	s.createUser(t, testUserEmail)
	s.do(t, http.MethodPost, "/resources/auth/v1/user", `{"email":"ann@example.com","password":"correct horse battery","recaptchaToken":"","invitationToken":"","somethingNew":{"a":[1,2]}}`).want(t, http.StatusOK)
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, httpmw.WithMaxBodyBytes(64))
	big := `{"email":"ann@example.com","password":"` + strings.Repeat("x", 100) + `"}`
	_, code := s.do(t, http.MethodPost, "/resources/auth/v1/user", big).wantError(t, http.StatusRequestEntityTooLarge)
	if code == "" {
		t.Fatal("no code")
	}
	s.do(t, http.MethodPost, "/resources/users/v1/signUp", big).wantError(t, http.StatusRequestEntityTooLarge)
	if n := s.tenantCount(t); n != 0 {
		t.Fatalf("%d tenants after an oversized sign-up", n)
	}
	// Small bodies still work under the limit.
	s.do(t, http.MethodPost, "/resources/auth/v1/user", `{"email":"a@example.com","password":"x"}`).wantError(t, http.StatusUnauthorized)
}

func TestDefaultBodyLimit(t *testing.T) {
	s := newTestServer(t)
	huge := `{"email":"` + strings.Repeat("a", httpmw.DefaultMaxBodyBytes) + `"}`
	s.do(t, http.MethodPost, "/resources/auth/v1/user", huge).wantError(t, http.StatusRequestEntityTooLarge)
}

func TestRoutesListed(t *testing.T) {
	h := httpmw.New(newTestIdentity(t))
	want := map[string]httpmw.AuthKind{
		"POST /auth/vendor":                                     httpmw.Public,
		"GET /.well-known/jwks.json":                            httpmw.Public,
		"POST /resources/auth/v1/user":                          httpmw.Public,
		"POST /resources/auth/v1/user/token/refresh":            httpmw.Public,
		"POST /resources/auth/v1/logout":                        httpmw.Public,
		"POST /resources/users/v1/signUp":                       httpmw.Public,
		"POST /resources/users/v1/signUp/username":              httpmw.Public,
		"GET /resources/users/v1/activate/strategy":             httpmw.Public,
		"POST /resources/users/v1/activate":                     httpmw.Public,
		"POST /resources/vendor-only/users/v1":                  httpmw.Vendor,
		"GET /resources/vendor-only/users/v1/{userId}":          httpmw.Vendor,
		"POST /resources/vendor-only/users/v1/passwords/verify": httpmw.Vendor,
		"PUT /resources/users/v1/{userId}":                      httpmw.Vendor,
		"GET /resources/users/v1/{id}":                          httpmw.Vendor,
		"GET /resources/users/v1/email":                         httpmw.Vendor,
		"GET /resources/users/v2/me":                            httpmw.User,
		"GET /resources/users/v3/me":                            httpmw.User,
		"GET /resources/users/v1/me/tenants":                    httpmw.User,
		"GET /resources/users/v2/me/tenants":                    httpmw.User,
		"GET /resources/users/v3/me/tenants":                    httpmw.User,
		"GET /resources/users/v1/me/authorization":              httpmw.User,
		"GET /resources/configurations/v1":                      httpmw.Vendor,
		"POST /resources/configurations/v1":                     httpmw.Vendor,
		"GET /resources/configurations/v1/basic":                httpmw.Vendor,
	}
	got := map[string]httpmw.AuthKind{}
	for _, r := range h.Routes() {
		got[r.Method+" "+r.Path] = r.Auth
		if r.OperationID == "" {
			t.Errorf("%s %s has no operationId", r.Method, r.Path)
		}
	}
	for k, auth := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("route %s not mounted", k)
		} else if g != auth {
			t.Errorf("route %s auth %s, want %s", k, g, auth)
		}
	}
	if httpmw.Public.String() != "public" || httpmw.User.String() != "user" || httpmw.Vendor.String() != "vendor" {
		t.Error("AuthKind names")
	}
}

// TestMountedUnderPrefix runs the browser flow through a real server with
// the API mounted at /frontegg/identity and a cookie jar, as the official
// client does.
func TestMountedUnderPrefix(t *testing.T) {
	s := newTestServer(t)
	s.createUser(t, testUserEmail)
	mux := http.NewServeMux()
	mux.Handle("/frontegg/identity/", http.StripPrefix("/frontegg/identity", s.h))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	post := func(path, body string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/frontegg/identity"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post("/resources/auth/v1/user", `{"email":"ann@example.com","password":"correct horse battery"}`); res.StatusCode != http.StatusOK {
		t.Fatalf("login through the mount: %d", res.StatusCode)
	}
	if res := post("/resources/auth/v1/user/token/refresh", `{"tenantId":null}`); res.StatusCode != http.StatusCreated {
		t.Fatalf("refresh with the jar's cookie: %d", res.StatusCode)
	}
	if res := post("/resources/auth/v1/logout", ""); res.StatusCode != http.StatusCreated {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res := post("/resources/auth/v1/user/token/refresh", `{"tenantId":null}`); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %d, want 401", res.StatusCode)
	}
}

func TestNotFoundHandler(t *testing.T) {
	w := httptest.NewRecorder()
	httpmw.NotFound.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/elsewhere", nil))
	r := &response{code: w.Code, header: w.Header(), body: w.Body.Bytes(), resp: w.Result()}
	r.wantError(t, http.StatusNotFound)
}
