package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

// CreateRefreshToken inserts t; ErrNotFound if its session does not exist,
// ErrConflict if the id or hash exists.
func (s *Store) CreateRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	c := cpRefresh(t)
	return s.write(ctx, func(st *state) error {
		if _, err := st.session(c.SessionID); err != nil {
			return err
		}
		if _, ok := st.refresh[c.ID]; ok {
			return fmt.Errorf("memory: refresh token %q exists: %w", c.ID, store.ErrConflict)
		}
		hk := hashKey(c.Hash)
		if _, ok := st.refreshByHash[hk]; ok {
			return fmt.Errorf("memory: refresh token hash exists: %w", store.ErrConflict)
		}
		st.refresh[c.ID] = c
		st.refreshByHash[hk] = c.ID
		st.refreshBySession.add(c.SessionID, c.ID)
		return nil
	})
}

// GetRefreshTokenByHash returns the token whose hash is hash.
func (s *Store) GetRefreshTokenByHash(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	var out *store.RefreshToken
	err := s.read(ctx, func(st *state) error {
		id, ok := st.refreshByHash[hashKey(hash)]
		if !ok {
			return fmt.Errorf("memory: refresh token by hash: %w", store.ErrNotFound)
		}
		out = cpRefresh(st.refresh[id])
		return nil
	})
	return out, err
}

// UseRefreshToken marks token id used at at. It is a compare-and-set: if the
// token was already used it returns ErrConflict, so of two concurrent
// rotations exactly one succeeds. ErrNotFound if the token does not exist.
func (s *Store) UseRefreshToken(ctx context.Context, id string, at time.Time) error {
	at = normTime(at)
	return s.write(ctx, func(st *state) error {
		old, ok := st.refresh[id]
		if !ok {
			return fmt.Errorf("memory: refresh token %q: %w", id, store.ErrNotFound)
		}
		if old.UsedAt != nil {
			return fmt.Errorf("memory: refresh token %q already used: %w", id, store.ErrConflict)
		}
		c := *old
		c.UsedAt = &at
		st.refresh[id] = &c
		return nil
	})
}

// CreateSigningKey inserts k; ErrConflict if the id exists.
func (s *Store) CreateSigningKey(ctx context.Context, k *store.SigningKey) error {
	c := cpKey(k)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.keys[c.ID]; ok {
			return fmt.Errorf("memory: signing key %q exists: %w", c.ID, store.ErrConflict)
		}
		st.keys[c.ID] = c
		st.keysByEnv.add(c.EnvID, c.ID)
		return nil
	})
}

// ListSigningKeys returns envID's keys, newest first.
func (s *Store) ListSigningKeys(ctx context.Context, envID string) ([]store.SigningKey, error) {
	var out []store.SigningKey
	err := s.read(ctx, func(st *state) error {
		out = list(st.keys, st.keysByEnv.ids(envID),
			func(k *store.SigningKey) time.Time { return k.CreatedAt },
			func(k *store.SigningKey) string { return k.ID }, cpKey, true)
		return nil
	})
	return out, err
}

// UpdateSigningKey replaces the stored key (matched by ID and EnvID), for
// example to retire it; ErrNotFound if absent.
func (s *Store) UpdateSigningKey(ctx context.Context, k *store.SigningKey) error {
	c := cpKey(k)
	return s.write(ctx, func(st *state) error {
		old, ok := st.keys[c.ID]
		if !ok || old.EnvID != c.EnvID {
			return fmt.Errorf("memory: signing key %q of environment %q: %w", c.ID, c.EnvID, store.ErrNotFound)
		}
		st.keys[c.ID] = c
		return nil
	})
}

// CreateOneTimeToken inserts t; ErrConflict if the id or (kind, hash)
// exists.
func (s *Store) CreateOneTimeToken(ctx context.Context, t *store.OneTimeToken) error {
	c := cpOTT(t)
	return s.write(ctx, func(st *state) error {
		if _, ok := st.otts[c.ID]; ok {
			return fmt.Errorf("memory: one-time token %q exists: %w", c.ID, store.ErrConflict)
		}
		hk := scopedKey(c.Kind, hashKey(c.Hash))
		if _, ok := st.ottByHash[hk]; ok {
			return fmt.Errorf("memory: %s token hash exists: %w", c.Kind, store.ErrConflict)
		}
		st.otts[c.ID] = c
		st.ottByHash[hk] = c.ID
		if c.UserID != "" {
			st.ottsByUser.add(c.UserID, c.ID)
		}
		return nil
	})
}

// ott returns one-time token id, or ErrNotFound.
func (st *state) ott(id string) (*store.OneTimeToken, error) {
	t, ok := st.otts[id]
	if !ok {
		return nil, fmt.Errorf("memory: one-time token %q: %w", id, store.ErrNotFound)
	}
	return t, nil
}

// deleteOTT removes one-time token id.
func (st *state) deleteOTT(id string) {
	t, ok := st.otts[id]
	if !ok {
		return
	}
	delete(st.ottByHash, scopedKey(t.Kind, hashKey(t.Hash)))
	st.ottsByUser.remove(t.UserID, id)
	delete(st.otts, id)
}

// GetOneTimeToken returns token id.
func (s *Store) GetOneTimeToken(ctx context.Context, id string) (*store.OneTimeToken, error) {
	var out *store.OneTimeToken
	err := s.read(ctx, func(st *state) error {
		t, err := st.ott(id)
		if err != nil {
			return err
		}
		out = cpOTT(t)
		return nil
	})
	return out, err
}

// GetOneTimeTokenByHash returns the token of kind whose hash is hash.
func (s *Store) GetOneTimeTokenByHash(ctx context.Context, kind string, hash []byte) (*store.OneTimeToken, error) {
	var out *store.OneTimeToken
	err := s.read(ctx, func(st *state) error {
		id, ok := st.ottByHash[scopedKey(kind, hashKey(hash))]
		if !ok {
			return fmt.Errorf("memory: %s token by hash: %w", kind, store.ErrNotFound)
		}
		out = cpOTT(st.otts[id])
		return nil
	})
	return out, err
}

// ConsumeOneTimeToken marks token id used at at: a compare-and-set that
// returns ErrConflict if it was already used, ErrNotFound if it does not
// exist.
func (s *Store) ConsumeOneTimeToken(ctx context.Context, id string, at time.Time) error {
	at = normTime(at)
	return s.write(ctx, func(st *state) error {
		old, err := st.ott(id)
		if err != nil {
			return err
		}
		if old.UsedAt != nil {
			return fmt.Errorf("memory: one-time token %q already used: %w", id, store.ErrConflict)
		}
		c := *old
		c.UsedAt = &at
		st.otts[id] = &c
		return nil
	})
}

// IncrementOneTimeTokenAttempts adds one failed attempt and returns the new
// count; ErrNotFound if the token does not exist.
func (s *Store) IncrementOneTimeTokenAttempts(ctx context.Context, id string) (int, error) {
	var n int
	err := s.write(ctx, func(st *state) error {
		old, err := st.ott(id)
		if err != nil {
			return err
		}
		c := *old
		c.Attempts++
		st.otts[id] = &c
		n = c.Attempts
		return nil
	})
	return n, err
}

// DeleteUserOneTimeTokens removes userID's unused tokens of kind (all kinds
// when kind is "") and returns how many it removed.
func (s *Store) DeleteUserOneTimeTokens(ctx context.Context, userID, kind string) (int, error) {
	var n int
	err := s.write(ctx, func(st *state) error {
		for _, id := range st.ottsByUser.ids(userID) {
			t := st.otts[id]
			if t.UsedAt != nil || (kind != "" && t.Kind != kind) {
				continue
			}
			st.deleteOTT(id)
			n++
		}
		return nil
	})
	return n, err
}

// ListUserOneTimeTokens returns userID's tokens of kind (every kind when
// kind is ""), used and expired ones included, oldest first.
func (s *Store) ListUserOneTimeTokens(ctx context.Context, userID, kind string) ([]store.OneTimeToken, error) {
	var out []store.OneTimeToken
	err := s.read(ctx, func(st *state) error {
		var ids []string
		for _, id := range st.ottsByUser.ids(userID) {
			if kind == "" || st.otts[id].Kind == kind {
				ids = append(ids, id)
			}
		}
		out = list(st.otts, ids,
			func(t *store.OneTimeToken) time.Time { return t.CreatedAt },
			func(t *store.OneTimeToken) string { return t.ID }, cpOTT, false)
		return nil
	})
	return out, err
}

// DeleteOneTimeToken removes token id, used or not; ErrNotFound if absent.
func (s *Store) DeleteOneTimeToken(ctx context.Context, id string) error {
	return s.write(ctx, func(st *state) error {
		if _, err := st.ott(id); err != nil {
			return err
		}
		st.deleteOTT(id)
		return nil
	})
}
