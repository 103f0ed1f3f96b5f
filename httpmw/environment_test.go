package httpmw_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func TestAuthenticateVendorRoute(t *testing.T) {
	s := newTestServer(t)
	m := s.do(t, http.MethodPost, "/auth/vendor", map[string]string{"clientId": testClientID, "secret": testSecret}).want(t, http.StatusOK).object(t)
	tok := wantString(t, m, "token")
	if exp, ok := m["expiresIn"].(float64); !ok || exp != 3600 {
		t.Fatalf("expiresIn = %#v, want the number 3600", m["expiresIn"])
	}
	// The token opens vendor routes.
	s.do(t, http.MethodGet, "/resources/configurations/v1/basic", nil, accessToken(tok)).want(t, http.StatusOK)

	_, code := s.do(t, http.MethodPost, "/auth/vendor", map[string]string{"clientId": testClientID, "secret": "wrong"}).wantError(t, http.StatusUnauthorized)
	if code != "ER-01011" {
		t.Errorf("wrong secret errorCode = %s", code)
	}
	s.do(t, http.MethodPost, "/auth/vendor", map[string]string{"clientId": "someone-else", "secret": testSecret}).wantError(t, http.StatusUnauthorized)
	msg, _ := s.do(t, http.MethodPost, "/auth/vendor", map[string]string{"clientId": testClientID}).wantError(t, http.StatusBadRequest)
	if msg == "" {
		t.Error("empty message")
	}
	s.do(t, http.MethodPost, "/auth/vendor", `{"clientId": 1}`).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, "/auth/vendor", nil).wantError(t, http.StatusMethodNotAllowed)
}

func TestJWKSRoute(t *testing.T) {
	s := newTestServer(t)
	vt := s.vendorToken(t)
	cfg := s.do(t, http.MethodGet, "/resources/configurations/v1", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	pub, err := jwt.ParseRSAPublicKeyFromPEM([]byte(wantString(t, cfg, "publicKey")))
	if err != nil {
		t.Fatal(err)
	}

	var set struct {
		Keys []struct {
			Kty, Kid, Use, Alg, N, E string
		} `json:"keys"`
	}
	r := s.do(t, http.MethodGet, "/.well-known/jwks.json", nil).want(t, http.StatusOK)
	if err := json.Unmarshal(r.body, &set); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.Kid == "" {
			t.Errorf("JWK %+v", k)
		}
		n, err := base64.RawURLEncoding.DecodeString(k.N)
		if err != nil {
			t.Fatal(err)
		}
		e, err := base64.RawURLEncoding.DecodeString(k.E)
		if err != nil {
			t.Fatal(err)
		}
		jk := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if jk.Equal(pub) {
			found = true
		}
	}
	if !found {
		t.Fatal("the configuration's publicKey is not in the JWKS")
	}
	s.do(t, http.MethodPost, "/.well-known/jwks.json", nil).wantError(t, http.StatusMethodNotAllowed)
}
