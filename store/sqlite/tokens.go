package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/yolkauth/yolk/store"
)

const signingKeyColumns = `id, env_id, algorithm, private_key, created_at, retired_at, verify_until`

func scanSigningKey(sc scanner) (*store.SigningKey, error) {
	var k store.SigningKey
	var created int64
	var retired, verifyUntil sql.NullInt64
	if err := sc.Scan(&k.ID, &k.EnvID, &k.Algorithm, &k.PrivateKey, &created, &retired, &verifyUntil); err != nil {
		return nil, err
	}
	k.CreatedAt, k.RetiredAt, k.VerifyUntil = fromMicros(created), fromNullMicros(retired), fromNullMicros(verifyUntil)
	return &k, nil
}

// CreateSigningKey inserts k; ErrConflict if the id exists.
func (s *Store) CreateSigningKey(ctx context.Context, k *store.SigningKey) error {
	_, err := s.exec(ctx, "create signing key",
		`INSERT INTO signing_keys (`+signingKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.EnvID, k.Algorithm, k.PrivateKey, micros(k.CreatedAt), nullMicros(k.RetiredAt), nullMicros(k.VerifyUntil))
	return err
}

// ListSigningKeys returns envID's keys, newest first.
func (s *Store) ListSigningKeys(ctx context.Context, envID string) ([]store.SigningKey, error) {
	return list(ctx, s.r, "list signing keys", scanSigningKey,
		`SELECT `+signingKeyColumns+` FROM signing_keys WHERE env_id = ? ORDER BY created_at DESC, rowid DESC`, envID)
}

// UpdateSigningKey replaces the stored key (matched by ID and EnvID);
// ErrNotFound if absent.
func (s *Store) UpdateSigningKey(ctx context.Context, k *store.SigningKey) error {
	return s.execOne(ctx, "update signing key",
		`UPDATE signing_keys SET algorithm = ?, private_key = ?, created_at = ?, retired_at = ?, verify_until = ?
		 WHERE id = ? AND env_id = ?`,
		k.Algorithm, k.PrivateKey, micros(k.CreatedAt), nullMicros(k.RetiredAt), nullMicros(k.VerifyUntil), k.ID, k.EnvID)
}

const oneTimeColumns = `id, env_id, kind, user_id, tenant_id, hash, data, attempts, created_at, expires_at, used_at`

func scanOneTimeToken(sc scanner) (*store.OneTimeToken, error) {
	var t store.OneTimeToken
	var created, expires int64
	var used sql.NullInt64
	if err := sc.Scan(&t.ID, &t.EnvID, &t.Kind, &t.UserID, &t.TenantID, &t.Hash, &t.Data, &t.Attempts,
		&created, &expires, &used); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt, t.UsedAt = fromMicros(created), fromMicros(expires), fromNullMicros(used)
	return &t, nil
}

// CreateOneTimeToken inserts t; ErrConflict if the id or (kind, hash)
// exists.
func (s *Store) CreateOneTimeToken(ctx context.Context, t *store.OneTimeToken) error {
	_, err := s.exec(ctx, "create one-time token",
		`INSERT INTO one_time_tokens (`+oneTimeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.EnvID, t.Kind, t.UserID, t.TenantID, nonNil(t.Hash), t.Data, t.Attempts,
		micros(t.CreatedAt), micros(t.ExpiresAt), nullMicros(t.UsedAt))
	return err
}

// GetOneTimeToken returns token id.
func (s *Store) GetOneTimeToken(ctx context.Context, id string) (*store.OneTimeToken, error) {
	return getOne(ctx, s.r, "get one-time token", scanOneTimeToken,
		`SELECT `+oneTimeColumns+` FROM one_time_tokens WHERE id = ?`, id)
}

// GetOneTimeTokenByHash returns the token of kind whose hash is hash.
func (s *Store) GetOneTimeTokenByHash(ctx context.Context, kind string, hash []byte) (*store.OneTimeToken, error) {
	return getOne(ctx, s.r, "get one-time token by hash", scanOneTimeToken,
		`SELECT `+oneTimeColumns+` FROM one_time_tokens WHERE kind = ? AND hash = ?`, kind, nonNil(hash))
}

// ConsumeOneTimeToken marks token id used at at, as one compare-and-set
// UPDATE: ErrConflict if it was already used, ErrNotFound if it does not
// exist.
func (s *Store) ConsumeOneTimeToken(ctx context.Context, id string, at time.Time) error {
	return s.compareAndSet(ctx, "consume one-time token", "one_time_tokens", id, at)
}

// IncrementOneTimeTokenAttempts adds one failed attempt and returns the new
// count, in one atomic UPDATE … RETURNING; ErrNotFound if absent.
func (s *Store) IncrementOneTimeTokenAttempts(ctx context.Context, id string) (int, error) {
	const op = "increment one-time token attempts"
	var n int
	err := s.w.QueryRowContext(ctx,
		`UPDATE one_time_tokens SET attempts = attempts + 1 WHERE id = ? RETURNING attempts`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound(op)
	}
	if err != nil {
		return 0, wrap(op, err)
	}
	return n, nil
}

// DeleteUserOneTimeTokens removes userID's unused tokens of kind (all kinds
// when kind is "") and returns how many it removed.
func (s *Store) DeleteUserOneTimeTokens(ctx context.Context, userID, kind string) (int, error) {
	n, err := s.exec(ctx, "delete user one-time tokens",
		`DELETE FROM one_time_tokens WHERE user_id = ? AND used_at IS NULL AND (? = '' OR kind = ?)`,
		userID, kind, kind)
	return int(n), err
}

// ListUserOneTimeTokens returns userID's tokens of kind (every kind when
// kind is ""), used and expired ones included, oldest first.
func (s *Store) ListUserOneTimeTokens(ctx context.Context, userID, kind string) ([]store.OneTimeToken, error) {
	return list(ctx, s.r, "list user one-time tokens", scanOneTimeToken,
		`SELECT `+oneTimeColumns+` FROM one_time_tokens WHERE user_id = ? AND (? = '' OR kind = ?)
		 ORDER BY created_at, id`, userID, kind, kind)
}

// DeleteOneTimeToken removes token id, used or not; ErrNotFound if absent.
func (s *Store) DeleteOneTimeToken(ctx context.Context, id string) error {
	return s.execOne(ctx, "delete one-time token", `DELETE FROM one_time_tokens WHERE id = ?`, id)
}
