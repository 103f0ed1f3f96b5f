// Package webauthntest helps tests drive WebAuthn ceremonies with the
// software authenticator github.com/descope/virtualwebauthn. Only tests
// import it.
package webauthntest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"testing"

	"github.com/descope/virtualwebauthn"
)

// NewCredential is virtualwebauthn.NewCredential with a P-256 key whose
// coordinates both have a non-zero leading byte: the virtual authenticator
// encodes them with big.Int.Bytes, which drops leading zeros, and WebAuthn
// rightly refuses a 31-byte coordinate — about one key in 128 would make a
// test fail at random.
func NewCredential(t testing.TB, kind virtualwebauthn.KeyType) virtualwebauthn.Credential {
	t.Helper()
	if kind != virtualwebauthn.KeyTypeEC2 {
		return virtualwebauthn.NewCredential(kind)
	}
	for {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := priv.PublicKey.ECDH()
		if err != nil {
			t.Fatal(err)
		}
		point := pub.Bytes() // 0x04 || X (32 bytes) || Y (32 bytes)
		if point[1] == 0 || point[33] == 0 {
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		return virtualwebauthn.NewCredentialWithImportedKey(kind, der)
	}
}
