package tokens_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/yolkauth/yolk/store/memory"
	"github.com/yolkauth/yolk/tokens"
)

func ExampleIssuer() {
	ctx := context.Background()
	st := memory.New() // or any other store.SigningKeyStore

	// The first Sign generates the environment's RSA key and stores it.
	keys := tokens.NewKeyManager(st, "env-1")
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	iss := tokens.NewIssuer(keys,
		tokens.WithIssuer("https://auth.example.com"),
		tokens.WithClock(func() time.Time { return now }),
	)

	token, expires, err := iss.Sign(ctx, tokens.AlgRS256, &tokens.Claims{
		Type:             tokens.TypeUserToken,
		TenantID:         "tenant-1",
		Roles:            []string{"Admin"},
		RegisteredClaims: jwt.RegisteredClaims{Subject: "user-1"},
	}, 15*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("expires:", expires.UTC().Format(time.Kitchen))

	claims, err := iss.Verify(ctx, token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.Subject, claims.TenantID, claims.Roles, claims.Issuer)

	now = now.Add(time.Hour)
	_, err = iss.Verify(ctx, token)
	fmt.Println("expired:", errors.Is(err, tokens.ErrExpired), errors.Is(err, tokens.ErrInvalidToken))
	// Output:
	// expires: 12:15PM
	// user-1 tenant-1 [Admin] https://auth.example.com
	// expired: true true
}
