package mfa

import (
	"encoding/base32"
	"fmt"
	"io"
	"strings"

	"github.com/yolkauth/yolk/tokens"
)

// CodeDigits is the length of the one-time codes sent by SMS and e-mail.
const CodeDigits = 6

// recoveryBytes is the entropy of a recovery code: 100 bits.
const recoveryBytes = 13

// NewCode draws a one-time code for SMS or e-mail from r.
func NewCode(r io.Reader) (string, error) { return tokens.NewCode(r, CodeDigits) }

// CodeHash is the stored form of code issued for challengeID. Binding the
// code to its challenge keeps two challenges that happen to draw the same
// six digits apart in the store's (kind, hash) index, and makes a code
// worthless for any other challenge.
func CodeHash(challengeID, code string) []byte {
	return tokens.HashSecret(challengeID + "\x00" + NormalizeCode(code))
}

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRecoveryCode draws a recovery code from r: 100 random bits as four
// groups of five base32 characters ("ABCDE-FGHIJ-KLMNO-PQRST"). It is
// shown once; store RecoveryCodeHash of it.
func NewRecoveryCode(r io.Reader) (string, error) {
	b := make([]byte, recoveryBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("mfa: reading random recovery code: %w", err)
	}
	s := recoveryEncoding.EncodeToString(b)[:20]
	return s[0:5] + "-" + s[5:10] + "-" + s[10:15] + "-" + s[15:20], nil
}

// RecoveryCodeHash is the stored form of a recovery code. Case, spaces and
// dashes do not matter.
func RecoveryCodeHash(code string) []byte {
	return tokens.HashSecret("recovery\x00" + strings.ToUpper(NormalizeCode(code)))
}
