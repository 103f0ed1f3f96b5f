package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// pragmaState is what one connection reports for the pragmas Open sets.
type pragmaState struct {
	journalMode string
	foreignKeys int
	busyTimeout int
	synchronous int
	queryOnly   int
	tempStore   int
}

func readPragmas(t *testing.T, ctx context.Context, c *sql.Conn) pragmaState {
	t.Helper()
	var p pragmaState
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA journal_mode", &p.journalMode},
		{"PRAGMA foreign_keys", &p.foreignKeys},
		{"PRAGMA busy_timeout", &p.busyTimeout},
		{"PRAGMA synchronous", &p.synchronous},
		{"PRAGMA query_only", &p.queryOnly},
		{"PRAGMA temp_store", &p.tempStore},
	} {
		if err := c.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return p
}

// poolPragmas holds n connections of db open at once, so that each is a
// distinct connection, and returns what each reports.
func poolPragmas(t *testing.T, ctx context.Context, db *sql.DB, n int) []pragmaState {
	t.Helper()
	var out []pragmaState
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatalf("Conn: %v", err)
		}
		conns = append(conns, c)
		out = append(out, readPragmas(t, ctx, c))
	}
	return out
}

func TestPragmasFile(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), WithReadConns(3))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// synchronous NORMAL is 1.
	// temp_store MEMORY is 2.
	writer := pragmaState{journalMode: "wal", foreignKeys: 1, busyTimeout: 5000, synchronous: 1, queryOnly: 0, tempStore: 2}
	for i, got := range poolPragmas(t, ctx, s.wdb, 1) {
		if got != writer {
			t.Errorf("writer connection %d: %+v, want %+v", i, got, writer)
		}
	}
	reader := writer
	reader.queryOnly = 1
	for i, got := range poolPragmas(t, ctx, s.rdb, 3) {
		if got != reader {
			t.Errorf("reader connection %d: %+v, want %+v", i, got, reader)
		}
	}
	if got := s.rdb.Stats().MaxOpenConnections; got != 3 {
		t.Errorf("reader pool MaxOpenConnections = %d, want 3", got)
	}
	if got := s.wdb.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool MaxOpenConnections = %d, want 1", got)
	}
}

func TestPragmasMemory(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, ":memory:", WithBusyTimeout(250*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := pragmaState{journalMode: "memory", foreignKeys: 1, busyTimeout: 250, synchronous: 1, tempStore: 2}
	if got := poolPragmas(t, ctx, s.wdb, 1)[0]; got != want {
		t.Errorf("memory connection: %+v, want %+v", got, want)
	}
	if s.rdb != nil || s.r != s.w {
		t.Error(":memory: must read and write through one pool")
	}
	if got := s.wdb.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("MaxOpenConnections = %d, want 1", got)
	}
}

func TestReaderIsReadOnly(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "ro.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.rdb.ExecContext(ctx, `DELETE FROM tenants`)
	var se *sqlitedrv.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_READONLY {
		t.Fatalf("write on the reader pool: err = %v, want SQLITE_READONLY", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("migrations = %+v, want them to start at version 1", ms)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].version <= ms[i-1].version {
			t.Errorf("migration %s does not follow %s", ms[i].name, ms[i-1].name)
		}
	}
}

// appliedMigrations returns schema_migrations as version → applied_at.
func appliedMigrations(t *testing.T, ctx context.Context, s *Store) map[int]int64 {
	t.Helper()
	rows, err := s.r.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int]int64{}
	for rows.Next() {
		var v int
		var at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		got[v] = at
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestMigrationsReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "m.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first := appliedMigrations(t, ctx, s)
	if len(first) != len(ms) {
		t.Fatalf("applied %v, want %d migrations", first, len(ms))
	}
	for _, m := range ms {
		if _, ok := first[m.version]; !ok {
			t.Errorf("migration %s not recorded", m.name)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Re-opening applies nothing: every applied_at is unchanged (a second
	// run of 0001 would also fail on CREATE TABLE).
	for range 2 {
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("re-open: %v", err)
		}
		again := appliedMigrations(t, ctx, s)
		if len(again) != len(first) {
			t.Errorf("after re-open: %v, want %v", again, first)
		}
		for v, at := range first {
			if again[v] != at {
				t.Errorf("migration %d re-applied: applied_at %d, was %d", v, again[v], at)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMigrationsRefuseNewerSchema(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "newer.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.wdb.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(ctx, path); err == nil {
		s.Close()
		t.Fatal("Open of a database with an unknown newer migration succeeded")
	}
}

func TestMigrationsApplyOnlyNew(t *testing.T) {
	ctx := t.Context()
	db, err := sql.Open(driverName, "file://"+filepath.ToSlash(filepath.Join(t.TempDir(), "syn.db"))+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	m1 := migration{1, "0001_a.sql", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"}
	m2 := migration{2, "0002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2);"}
	bad := migration{3, "0003_bad.sql", "CREATE TABLE c (z INTEGER); INSERT INTO nosuchtable VALUES (3);"}

	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if err := migrate(ctx, db, []migration{m1}); err != nil {
		t.Fatal(err)
	}
	// m1 again would fail on CREATE TABLE a; it must be skipped.
	if err := migrate(ctx, db, []migration{m1, m2}); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if err := migrate(ctx, db, []migration{m1, m2}); err != nil {
		t.Fatalf("third run: %v", err)
	}
	if got := count(`SELECT count(*) FROM a`); got != 2 {
		t.Errorf("rows of a = %d, want 2 (m1 and m2 each applied once)", got)
	}
	if got := count(`SELECT count(*) FROM schema_migrations`); got != 2 {
		t.Errorf("schema_migrations rows = %d, want 2", got)
	}

	// A failing migration leaves nothing behind: no table c, no version 3.
	if err := migrate(ctx, db, []migration{m1, m2, bad}); err == nil {
		t.Fatal("failing migration reported success")
	}
	if got := count(`SELECT count(*) FROM sqlite_schema WHERE name = 'c'`); got != 0 {
		t.Error("failed migration left table c behind")
	}
	if got := count(`SELECT count(*) FROM schema_migrations WHERE version = 3`); got != 0 {
		t.Error("failed migration was recorded")
	}
}

func TestErrorMapping(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()

	codeOf := func(err error) int {
		var se *sqlitedrv.Error
		if !errors.As(err, &se) {
			t.Fatalf("%v does not wrap *sqlite.Error", err)
		}
		return se.Code()
	}

	tn := &store.Tenant{ID: "t1", EnvID: "e1", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTenant(ctx, tn); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate tenant id: %v, want ErrConflict", err)
	}
	env := &store.Environment{ID: "e1", ClientID: "c1"}
	if err := s.CreateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	err = s.CreateEnvironment(ctx, &store.Environment{ID: "e1", ClientID: "c2"})
	if !errors.Is(err, store.ErrConflict) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		t.Errorf("duplicate environment id: %v, want ErrConflict from SQLITE_CONSTRAINT_PRIMARYKEY", err)
	}

	u := &store.User{ID: "u1", EnvID: "e1", Email: "Ann@Example.com", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	err = s.CreateUser(ctx, &store.User{ID: "u2", EnvID: "e1", Email: "ann@EXAMPLE.com"})
	if !errors.Is(err, store.ErrConflict) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		t.Errorf("duplicate e-mail: %v, want ErrConflict from SQLITE_CONSTRAINT_UNIQUE", err)
	}
	// Unicode case folding, beyond SQLite's ASCII lower().
	if err := s.CreateUser(ctx, &store.User{ID: "u3", EnvID: "e1", Username: "ÉLODIE"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &store.User{ID: "u4", EnvID: "e1", Username: "élodie"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate non-ASCII username: %v, want ErrConflict", err)
	}

	// The triggers that keep primary and additional e-mails apart.
	err = s.AddUserEmail(ctx, &store.UserEmail{ID: "m1", EnvID: "e1", UserID: "u3", Email: "ANN@example.com"})
	if !errors.Is(err, store.ErrConflict) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_TRIGGER {
		t.Errorf("additional e-mail that is a primary one: %v, want ErrConflict from SQLITE_CONSTRAINT_TRIGGER", err)
	}
	if err := s.AddUserEmail(ctx, &store.UserEmail{ID: "m2", EnvID: "e1", UserID: "u3", Email: "Extra@example.com"}); err != nil {
		t.Fatal(err)
	}
	err = s.CreateUser(ctx, &store.User{ID: "u5", EnvID: "e1", Email: "extra@EXAMPLE.com"})
	if !errors.Is(err, store.ErrConflict) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_TRIGGER {
		t.Errorf("primary e-mail that is an additional one: %v, want ErrConflict from SQLITE_CONSTRAINT_TRIGGER", err)
	}
	err = s.AddUserEmail(ctx, &store.UserEmail{ID: "m3", EnvID: "e1", UserID: "nobody", Email: "x@example.com"})
	if !errors.Is(err, store.ErrNotFound) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		t.Errorf("e-mail of unknown user: %v, want ErrNotFound from SQLITE_CONSTRAINT_FOREIGNKEY", err)
	}

	err = s.PutMembership(ctx, &store.Membership{UserID: "nobody", TenantID: "t1", EnvID: "e1"})
	if !errors.Is(err, store.ErrNotFound) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		t.Errorf("membership of unknown user: %v, want ErrNotFound from SQLITE_CONSTRAINT_FOREIGNKEY", err)
	}
	err = s.PutMembership(ctx, &store.Membership{UserID: "u1", TenantID: "nowhere", EnvID: "e1"})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("membership in unknown tenant: %v, want ErrNotFound", err)
	}
	err = s.CreateRefreshToken(ctx, &store.RefreshToken{ID: "r1", SessionID: "nosession", Hash: []byte{1}})
	if !errors.Is(err, store.ErrNotFound) || codeOf(err) != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		t.Errorf("refresh token of unknown session: %v, want ErrNotFound from SQLITE_CONSTRAINT_FOREIGNKEY", err)
	}
	err = s.PutPassword(ctx, &store.PasswordCredential{UserID: "nobody", Hash: "x"})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("password of unknown user: %v, want ErrNotFound", err)
	}

	other := errors.New("other")
	if got := mapErr(other); got != other {
		t.Errorf("mapErr(other) = %v, want it unchanged", got)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	if s, err := Open(ctx, ""); err == nil {
		s.Close()
		t.Error("Open(\"\") succeeded")
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "y.db")
	if s, err := Open(ctx, missing); err == nil {
		s.Close()
		t.Errorf("Open(%q) succeeded", missing)
	}
}

func TestPathIsLiteral(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	name := "we?ird #name %41&_pragma=x.db"
	s, err := Open(ctx, filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("database not created under its literal name: %v", err)
	}
}
