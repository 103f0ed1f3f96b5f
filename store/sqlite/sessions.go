package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

const sessionColumns = `id, env_id, user_id, tenant_id, amr, auth_time, user_agent, ip, created_at,
	last_used_at, expires_at, revoked_at`

func scanSession(sc scanner) (*store.Session, error) {
	var x store.Session
	var amr string
	var authTime, created, lastUsed, expires int64
	var revoked sql.NullInt64
	if err := sc.Scan(&x.ID, &x.EnvID, &x.UserID, &x.TenantID, &amr, &authTime, &x.UserAgent, &x.IP,
		&created, &lastUsed, &expires, &revoked); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(amr), &x.AMR); err != nil {
		return nil, fmt.Errorf("decode amr: %w", err)
	}
	x.AuthTime, x.CreatedAt, x.LastUsedAt = fromMicros(authTime), fromMicros(created), fromMicros(lastUsed)
	x.ExpiresAt, x.RevokedAt = fromMicros(expires), fromNullMicros(revoked)
	return &x, nil
}

// CreateSession inserts x; ErrConflict if the id exists, ErrNotFound if its
// user does not exist.
func (s *Store) CreateSession(ctx context.Context, x *store.Session) error {
	amr, err := jsonStrings(x.AMR)
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", err)
	}
	_, err = s.exec(ctx, "create session",
		`INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.EnvID, x.UserID, x.TenantID, amr, micros(x.AuthTime), x.UserAgent, x.IP,
		micros(x.CreatedAt), micros(x.LastUsedAt), micros(x.ExpiresAt), nullMicros(x.RevokedAt))
	return err
}

// GetSession returns session id.
func (s *Store) GetSession(ctx context.Context, id string) (*store.Session, error) {
	return getOne(ctx, s.r, "get session", scanSession,
		`SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id)
}

// TouchSession sets LastUsedAt and TenantID; ErrNotFound if absent.
func (s *Store) TouchSession(ctx context.Context, id, tenantID string, at time.Time) error {
	return s.execOne(ctx, "touch session",
		`UPDATE sessions SET last_used_at = ?, tenant_id = ? WHERE id = ?`, micros(at), tenantID, id)
}

// RevokeSession sets RevokedAt if not yet set; ErrNotFound if absent.
func (s *Store) RevokeSession(ctx context.Context, id string, at time.Time) error {
	return s.execOne(ctx, "revoke session",
		`UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, micros(at), id)
}

// ListUserSessions returns userID's sessions (revoked included), newest
// first.
func (s *Store) ListUserSessions(ctx context.Context, userID string) ([]store.Session, error) {
	return list(ctx, s.r, "list user sessions", scanSession,
		`SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC`, userID)
}

// ListActiveUserSessions returns userID's sessions that are not revoked and
// whose ExpiresAt is after at, newest first. The partial index
// sessions_user_active (migration 0012) keeps revoked sessions out of the
// scan.
func (s *Store) ListActiveUserSessions(ctx context.Context, userID string, at time.Time) ([]store.Session, error) {
	return list(ctx, s.r, "list active user sessions", scanSession,
		`SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?
		ORDER BY created_at DESC, rowid DESC`, userID, micros(at))
}

// RevokeUserSessions sets RevokedAt to at on userID's sessions not yet
// revoked, except exceptID, in one statement, and returns how many it
// revoked.
func (s *Store) RevokeUserSessions(ctx context.Context, userID, exceptID string, at time.Time) (int, error) {
	n, err := s.exec(ctx, "revoke user sessions",
		`UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?`,
		micros(at), userID, exceptID)
	return int(n), err
}

const refreshColumns = `id, session_id, env_id, hash, created_at, expires_at, used_at, rotation`

func scanRefreshToken(sc scanner) (*store.RefreshToken, error) {
	var t store.RefreshToken
	var created, expires int64
	var used sql.NullInt64
	if err := sc.Scan(&t.ID, &t.SessionID, &t.EnvID, &t.Hash, &created, &expires, &used, &t.Rotation); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt, t.UsedAt = fromMicros(created), fromMicros(expires), fromNullMicros(used)
	return &t, nil
}

// CreateRefreshToken inserts t; ErrNotFound if its session does not exist,
// ErrConflict if the id or hash exists.
func (s *Store) CreateRefreshToken(ctx context.Context, t *store.RefreshToken) error {
	_, err := s.exec(ctx, "create refresh token",
		`INSERT INTO refresh_tokens (`+refreshColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.SessionID, t.EnvID, nonNil(t.Hash), micros(t.CreatedAt), micros(t.ExpiresAt), nullMicros(t.UsedAt), t.Rotation)
	return err
}

// GetRefreshTokenByHash returns the token whose hash is hash.
func (s *Store) GetRefreshTokenByHash(ctx context.Context, hash []byte) (*store.RefreshToken, error) {
	return getOne(ctx, s.r, "get refresh token", scanRefreshToken,
		`SELECT `+refreshColumns+` FROM refresh_tokens WHERE hash = ?`, nonNil(hash))
}

// UseRefreshToken marks token id used at at, as one compare-and-set UPDATE:
// ErrConflict if it was already used, ErrNotFound if it does not exist.
func (s *Store) UseRefreshToken(ctx context.Context, id string, at time.Time) error {
	return s.compareAndSet(ctx, "use refresh token", "refresh_tokens", id, at)
}

// compareAndSet sets used_at of row id of table if it is still NULL. When no
// row changed it tells a missing row (ErrNotFound) from a used one
// (ErrConflict); rows are never un-used, so that second read cannot be
// wrong about a row the UPDATE saw used.
func (s *Store) compareAndSet(ctx context.Context, op, table, id string, at time.Time) error {
	n, err := s.exec(ctx, op, `UPDATE `+table+` SET used_at = ? WHERE id = ? AND used_at IS NULL`, micros(at), id)
	if err != nil || n == 1 {
		return err
	}
	var exists bool
	if err := s.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = ?)`, id).Scan(&exists); err != nil {
		return wrap(op, err)
	}
	if !exists {
		return notFound(op)
	}
	return fmt.Errorf("sqlite: %s: already used: %w", op, store.ErrConflict)
}
