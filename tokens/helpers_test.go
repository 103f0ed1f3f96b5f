package tokens_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yolkauth/yolk/store"
)

// keyStore is a minimal in-memory store.SigningKeyStore that counts its
// reads and can be told to fail.
type keyStore struct {
	mu    sync.Mutex
	keys  []store.SigningKey // insertion order
	lists atomic.Int64
	fail  atomic.Bool
}

var errStoreDown = errors.New("store down")

func (s *keyStore) CreateSigningKey(_ context.Context, k *store.SigningKey) error {
	if s.fail.Load() {
		return errStoreDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.keys {
		if e.ID == k.ID {
			return store.ErrConflict
		}
	}
	s.keys = append(s.keys, cloneKey(*k))
	return nil
}

func (s *keyStore) ListSigningKeys(_ context.Context, envID string) ([]store.SigningKey, error) {
	s.lists.Add(1)
	if s.fail.Load() {
		return nil, errStoreDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []store.SigningKey
	for i := len(s.keys) - 1; i >= 0; i-- { // newest inserted first
		if s.keys[i].EnvID == envID {
			out = append(out, cloneKey(s.keys[i]))
		}
	}
	slices.SortStableFunc(out, func(a, b store.SigningKey) int { return cmp.Compare(b.CreatedAt.UnixNano(), a.CreatedAt.UnixNano()) })
	return out, nil
}

func (s *keyStore) UpdateSigningKey(_ context.Context, k *store.SigningKey) error {
	if s.fail.Load() {
		return errStoreDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.keys {
		if e.ID == k.ID {
			s.keys[i] = cloneKey(*k)
			return nil
		}
	}
	return store.ErrNotFound
}

func (s *keyStore) count(envID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.keys {
		if k.EnvID == envID {
			n++
		}
	}
	return n
}

func cloneKey(k store.SigningKey) store.SigningKey {
	k.PrivateKey = slices.Clone(k.PrivateKey)
	if k.RetiredAt != nil {
		t := *k.RetiredAt
		k.RetiredAt = &t
	}
	if k.VerifyUntil != nil {
		t := *k.VerifyUntil
		k.VerifyUntil = &t
	}
	return k
}

// clock is a settable clock safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const testEnv = "env-1"
