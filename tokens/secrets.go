package tokens

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// secretBytes is the entropy of a secret made by NewSecret: 256 bits.
const secretBytes = 32

// maxCodeDigits is the longest code NewCode makes: 10^19 still fits in a
// uint64.
const maxCodeDigits = 19

// NewSecret returns 32 random bytes read from r, encoded as base64url without
// padding (43 characters). Pass crypto/rand.Reader in production. The result
// is what the server hands out (refresh token, API-token secret, reset or
// activation token); store only HashSecret of it.
func NewSecret(r io.Reader) (string, error) {
	var b [secretBytes]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("tokens: read random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// NewCode returns a uniformly random decimal code of exactly digits digits
// (1 to 19), leading zeros included, such as a six-digit one-time code sent
// by e-mail or SMS. Random 64-bit values that would bias the result (the top
// partial range modulo 10^digits) are rejected and drawn again, so every code
// is equally likely.
func NewCode(r io.Reader, digits int) (string, error) {
	if digits < 1 || digits > maxCodeDigits {
		return "", fmt.Errorf("tokens: code length %d out of range 1..%d", digits, maxCodeDigits)
	}
	n := uint64(1)
	for range digits {
		n *= 10
	}
	// limit is the largest multiple of n that is <= MaxUint64; values in
	// [0, limit) map onto [0, n) uniformly.
	limit := (math.MaxUint64 / n) * n
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return "", fmt.Errorf("tokens: read random code: %w", err)
		}
		v := binary.BigEndian.Uint64(b[:])
		if v >= limit {
			continue
		}
		s := strconv.FormatUint(v%n, 10)
		if len(s) < digits {
			s = strings.Repeat("0", digits-len(s)) + s
		}
		return s, nil
	}
}

// HashSecret returns the SHA-256 digest of secret, the form in which secrets
// are stored. A fast, unsalted hash is the right tool here, unlike for
// passwords: a secret from NewSecret carries 256 bits of entropy, so no
// amount of guessing can invert its digest and there is nothing for a slow
// hash or a salt to add, while a deterministic digest lets the store look a
// presented secret up by its hash in one indexed read. Short codes from
// NewCode are the exception: anyone holding the digest of a six-digit code
// can recover it by hashing every code, which is acceptable only because such
// codes are single use, expire within minutes and carry an attempt limit.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// EqualHash reports whether a and b are equal, in time that does not depend
// on their contents (crypto/subtle). Two empty inputs are NOT equal, so a
// missing stored hash never matches.
func EqualHash(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(a, b) == 1
}

// NewID returns a random (version 4) UUID read from r, in its canonical
// lower-case form xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx.
func NewID(r io.Reader) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(r, u[:]); err != nil {
		return "", fmt.Errorf("tokens: read random id: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return string(s[:]), nil
}
