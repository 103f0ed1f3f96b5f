// Package pwned tells whether a password is known from data breaches. Its
// checkers satisfy identity.BreachedPasswordChecker: while a password
// configuration has blockPwnedPasswords set, the identity layer asks one
// about every new password.
//
// RangeChecker asks the Have I Been Pwned "Pwned Passwords" range API (or a
// self-hosted mirror speaking the same protocol) with k-anonymity: only the
// first five hexadecimal characters of the password's SHA-1 leave the
// process, and the answer lists every breached hash with that prefix.
// StaticChecker knows a fixed list and is meant for tests.
package pwned

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultRangeURL is the Pwned Passwords range endpoint; the five-character
// hash prefix is appended to it.
const DefaultRangeURL = "https://api.pwnedpasswords.com/range/"

// maxResponseBytes bounds how much of a range answer is read (a real one is
// about 30 KiB, padded).
const maxResponseBytes = 2 << 20

// Option configures a RangeChecker.
type Option func(*RangeChecker)

// WithRangeURL sets the range endpoint (default DefaultRangeURL); the hash
// prefix is appended to it.
func WithRangeURL(u string) Option { return func(c *RangeChecker) { c.url = u } }

// WithHTTPClient sets the HTTP client (default: a client with a 10 s
// timeout).
func WithHTTPClient(h *http.Client) Option { return func(c *RangeChecker) { c.client = h } }

// RangeChecker checks passwords with the Pwned Passwords range API. It asks
// for padded answers, so an observer of the traffic cannot tell the prefix
// from the answer's size. It is safe for concurrent use.
type RangeChecker struct {
	url    string
	client *http.Client
}

// NewRangeChecker returns a checker for DefaultRangeURL unless an option
// says otherwise.
func NewRangeChecker(opts ...Option) *RangeChecker {
	c := &RangeChecker{url: DefaultRangeURL, client: &http.Client{Timeout: 10 * time.Second}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Breached reports whether password appears in the breach corpus. An error
// means the service could not be asked or answered nonsense.
func (c *RangeChecker) Breached(ctx context.Context, password string) (bool, error) {
	sum := sha1.Sum([]byte(password))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	prefix, suffix := h[:5], h[5:]
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+prefix, nil)
	if err != nil {
		return false, fmt.Errorf("pwned: %w", err)
	}
	req.Header.Set("Add-Padding", "true")
	req.Header.Set("User-Agent", "yolk-identity")
	resp, err := c.client.Do(req)
	if err != nil {
		return false, fmt.Errorf("pwned: asking the range API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("pwned: range API answered %s", resp.Status)
	}
	sc := bufio.NewScanner(io.LimitReader(resp.Body, maxResponseBytes))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		s, count, ok := strings.Cut(line, ":")
		if !ok || len(s) != len(suffix) {
			return false, fmt.Errorf("pwned: malformed range answer line %q", line)
		}
		n, err := strconv.Atoi(strings.TrimSpace(count))
		if err != nil {
			return false, fmt.Errorf("pwned: malformed count in range answer line %q", line)
		}
		// Padding entries have a count of 0.
		if n > 0 && strings.EqualFold(s, suffix) {
			return true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("pwned: reading the range answer: %w", err)
	}
	return false, nil
}

// StaticChecker reports the passwords it was given as breached, and no
// others. It is meant for tests and local development.
type StaticChecker struct {
	known map[string]bool
}

// NewStaticChecker returns a checker that knows passwords.
func NewStaticChecker(passwords ...string) *StaticChecker {
	c := &StaticChecker{known: map[string]bool{}}
	for _, p := range passwords {
		c.known[p] = true
	}
	return c
}

// Breached reports whether password is one of the checker's.
func (c *StaticChecker) Breached(_ context.Context, password string) (bool, error) {
	return c.known[password], nil
}
