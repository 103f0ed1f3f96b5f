package identity

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// DefaultArgon2Params are the production argon2id parameters: 19 MiB, two
// passes, one lane (OWASP's recommended minimum). They are pinned rather than
// taken from argon2id.DefaultParams, whose parallelism follows the host's CPU
// count and would make the cost differ between machines.
var DefaultArgon2Params = argon2id.Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Password length limits. The upper bound keeps a hostile request from
// making the server hash megabytes.
const (
	MinPasswordLength = 6
	MaxPasswordLength = 128
)

// passwordHasher hashes and checks passwords with argon2id, bounding the
// number of concurrent hashes to the CPU count so a login storm queues
// instead of exhausting memory.
type passwordHasher struct {
	params argon2id.Params
	sem    chan struct{}
	// dummy is a hash of a random password with the current parameters,
	// verified when the user does not exist so that unknown and known users
	// take the same time.
	dummyOnce sync.Once
	dummy     string
}

func newPasswordHasher(p argon2id.Params) *passwordHasher {
	return &passwordHasher{params: p, sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

func (h *passwordHasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *passwordHasher) release() { <-h.sem }

// hash returns the encoded argon2id hash of password.
func (h *passwordHasher) hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	s, err := argon2id.CreateHash(password, &p)
	if err != nil {
		return "", fmt.Errorf("identity: hashing password: %w", err)
	}
	return s, nil
}

// verify reports whether password matches encoded, and whether encoded was
// made with other parameters than the current ones (so it should be
// rehashed).
func (h *passwordHasher) verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	ok, p, err := argon2id.CheckHash(password, encoded)
	if err != nil {
		return false, false, fmt.Errorf("identity: checking password hash: %w", err)
	}
	if ok {
		cur := h.params
		rehash = p.Memory != cur.Memory || p.Iterations != cur.Iterations ||
			p.Parallelism != cur.Parallelism || p.KeyLength != cur.KeyLength || p.SaltLength != cur.SaltLength
	}
	return ok, rehash, nil
}

// burn spends the time of one verification on a throwaway hash.
func (h *passwordHasher) burn(ctx context.Context, password string) {
	h.dummyOnce.Do(func() {
		p := h.params
		h.dummy, _ = argon2id.CreateHash("yolk-dummy-password", &p)
	})
	if h.dummy != "" {
		_, _, _ = h.verify(ctx, password, h.dummy)
	}
}

// checkPasswordRules validates a new password against the basic rules.
func checkPasswordRules(field, password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return &Error{Kind: ErrInvalidInput, Code: CodeWeakPassword, Field: field,
			Message: fmt.Sprintf("%s must be at least %d characters", field, MinPasswordLength)}
	}
	if n > MaxPasswordLength || len(password) > 4*MaxPasswordLength {
		return &Error{Kind: ErrInvalidInput, Code: CodeWeakPassword, Field: field,
			Message: fmt.Sprintf("%s must be at most %d characters", field, MaxPasswordLength)}
	}
	return nil
}
