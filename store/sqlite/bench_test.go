package sqlite

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRawSQLiteWrite measures the bare SQL cost of the writes of one
// refresh-token rotation, the floor for the library's BenchmarkRefresh. It
// uses database/sql directly (no Store) on a file database in WAL mode with
// the Store's schema, pragmas and single writer connection, and runs per
// iteration one transaction of exactly these statements:
//
//	BEGIN IMMEDIATE
//	UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL   -- the token presented (1 row)
//	INSERT INTO refresh_tokens (id, session_id, env_id, hash, created_at, expires_at, used_at)
//	       VALUES (?, ?, ?, ?, ?, ?, NULL)                                   -- its successor
//	UPDATE sessions SET last_used_at = ?, tenant_id = ? WHERE id = ?        -- the session (1 row)
//	COMMIT
//
// The statements are not prepared ahead, as the Store does not prepare them
// either (the driver prepares each on use).
func BenchmarkRawSQLiteWrite(b *testing.B) {
	ctx := b.Context()
	uri, err := fileURI(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	cfg := config{busyTimeout: 5 * time.Second}
	db, err := openPool(ctx, uri+"?"+pragmas(cfg, true, false), 1)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ms, err := loadMigrations()
	if err != nil {
		b.Fatal(err)
	}
	if err := migrate(ctx, db, ms); err != nil {
		b.Fatal(err)
	}

	now := time.Now().UnixMicro()
	for _, q := range []string{
		`INSERT INTO users (id, env_id, email, email_key, username, username_key, name, phone_number,
			profile_picture_url, provider, verified, locked, mfa_bypass, super_user, invisible,
			metadata, vendor_metadata, external_id, active_tenant_id, created_at, updated_at)
		 VALUES ('u', 'e', 'u@x', 'u@x', '', '', '', '', '', 'local', 1, 0, 0, 0, 0, '{}', '{}', '', 't', 0, 0)`,
		`INSERT INTO sessions (id, env_id, user_id, tenant_id, amr, auth_time, user_agent, ip, created_at,
			last_used_at, expires_at) VALUES ('s', 'e', 'u', 't', '["pwd"]', 0, '', '', 0, 0, 0)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	hash := func(i int) []byte {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], uint64(i))
		h := sha256.Sum256(buf[:])
		return h[:]
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO refresh_tokens (id, session_id, env_id, hash, created_at, expires_at)
		VALUES ('rt-0', 's', 'e', ?, ?, ?)`, hash(0), now, now+int64(time.Hour/time.Microsecond)); err != nil {
		b.Fatal(err)
	}

	rotate := func(i int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		at := now + int64(i)
		res, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL`,
			at, fmt.Sprintf("rt-%d", i-1))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("use token rt-%d: %d rows, %v", i-1, n, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO refresh_tokens (id, session_id, env_id, hash, created_at, expires_at, used_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL)`,
			fmt.Sprintf("rt-%d", i), "s", "e", hash(i), at, at+int64(time.Hour/time.Microsecond)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET last_used_at = ?, tenant_id = ? WHERE id = ?`,
			at, "t", "s"); err != nil {
			return err
		}
		return tx.Commit()
	}

	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		if err := rotate(i); err != nil {
			b.Fatal(err)
		}
	}
}
