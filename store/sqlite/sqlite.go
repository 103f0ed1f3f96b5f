package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/yolkauth/yolk/store"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// driverName is the database/sql name modernc.org/sqlite registers.
const driverName = "sqlite"

// memoryDSN is the dsn that selects a private in-memory database.
const memoryDSN = ":memory:"

var _ store.Store = (*Store)(nil)

// errTxClose is returned by Close on the Store passed to an InTx function.
var errTxClose = errors.New("sqlite: Close called on a transaction's Store")

// Option configures Open.
type Option func(*config)

type config struct {
	readConns   int
	busyTimeout time.Duration
}

// WithReadConns sets how many read-only connections a file database keeps
// for reads made outside a transaction. The default is the larger of 4 and
// GOMAXPROCS. Values below 1 are ignored. It has no effect on ":memory:".
func WithReadConns(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.readConns = n
		}
	}
}

// WithBusyTimeout sets how long a connection waits for a lock held by
// another connection (the busy_timeout pragma) before failing with
// SQLITE_BUSY. The default is 5s; values below 1ms are ignored.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Millisecond {
			c.busyTimeout = d
		}
	}
}

// querier runs statements; *sql.DB and *sql.Tx satisfy it, so every store
// method is written once and runs both outside and inside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is a store.Store kept in SQLite. It is safe for concurrent use. The
// Store passed to an InTx function runs every method in that transaction.
type Store struct {
	// w runs writes, r runs reads. Outside a transaction w is the writer
	// pool and r the reader pool (the same pool for ":memory:"); inside
	// one both are the *sql.Tx.
	w, r querier

	// wdb and rdb are the pools the Store owns; nil inside a transaction.
	wdb, rdb *sql.DB

	// tx is the transaction, nil outside one; savepoints numbers the
	// savepoints of nested InTx calls.
	tx         *sql.Tx
	savepoints *atomic.Int64
}

// Open opens the SQLite database at dsn, a file path (created if missing)
// or ":memory:" for a private in-memory database, and applies the schema
// migrations it lacks. Close the Store when done.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("sqlite: empty dsn: want a file path or \":memory:\"")
	}
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	cfg := config{readConns: max(4, runtime.GOMAXPROCS(0)), busyTimeout: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}

	if dsn == memoryDSN {
		db, err := openPool(ctx, memoryDSN+"?"+pragmas(cfg, false, false), 1)
		if err != nil {
			return nil, err
		}
		if err := migrate(ctx, db, ms); err != nil {
			db.Close()
			return nil, err
		}
		return &Store{w: db, r: db, wdb: db}, nil
	}

	uri, err := fileURI(dsn)
	if err != nil {
		return nil, err
	}
	wdb, err := openPool(ctx, uri+"?"+pragmas(cfg, true, false), 1)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, wdb, ms); err != nil {
		wdb.Close()
		return nil, err
	}
	rdb, err := openPool(ctx, uri+"?"+pragmas(cfg, true, true), cfg.readConns)
	if err != nil {
		wdb.Close()
		return nil, err
	}
	return &Store{w: wdb, r: rdb, wdb: wdb, rdb: rdb}, nil
}

// fileURI turns a file path into an absolute SQLite URI filename, escaped so
// that any character of the path (such as '?' or '#') is taken literally.
func fileURI(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("sqlite: %w", err)
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path: file:///C:/…
	}
	return "file://" + (&url.URL{Path: p}).EscapedPath(), nil
}

// pragmas returns the DSN query that configures every connection of a pool.
// modernc.org/sqlite runs each _pragma when it opens a connection, so they
// hold on every connection, including ones the pool opens later.
// _txlock=immediate makes write transactions BEGIN IMMEDIATE.
func pragmas(cfg config, file, readOnly bool) string {
	q := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", cfg.busyTimeout.Milliseconds()),
		"_pragma=foreign_keys(1)",
		"_pragma=synchronous(NORMAL)",
		// Statement journals (a statement that fires triggers or foreign
		// key actions inside a transaction keeps one) and temporary
		// b-trees stay in memory instead of temporary files.
		"_pragma=temp_store(MEMORY)",
	}
	if file {
		q = append(q, "_pragma=journal_mode(WAL)")
	}
	if readOnly {
		q = append(q, "_pragma=query_only(1)")
	} else {
		q = append(q, "_txlock=immediate")
	}
	return strings.Join(q, "&")
}

// openPool opens a pool of at most n connections and checks that one can be
// opened, so a bad path or pragma fails Open rather than the first query.
func openPool(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	// Connections live as long as the pool: for ":memory:" the single
	// connection is the database.
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	return db, nil
}

// Close closes the database. Closing the Store passed to an InTx function
// returns an error and closes nothing.
func (s *Store) Close() error {
	if s.tx != nil {
		return errTxClose
	}
	var errs []error
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	errs = append(errs, s.wdb.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// InTx runs fn in a transaction: fn's writes commit together if it returns
// nil and are rolled back if it returns an error or panics (the panic is
// re-raised after the rollback). The Store given to fn runs every method in
// the transaction. InTx on that Store joins the transaction through a
// savepoint: the nested fn's writes are rolled back if it fails, and commit
// with the outer transaction otherwise.
func (s *Store) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	if s.tx != nil {
		return s.inSavepoint(ctx, fn)
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			// Runs on an error and while a panic unwinds; the panic
			// continues once the transaction is rolled back.
			_ = tx.Rollback()
		}
	}()
	if err := fn(&Store{w: tx, r: tx, tx: tx, savepoints: new(atomic.Int64)}); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(err))
	}
	return nil
}

// inSavepoint runs fn inside a savepoint of the current transaction.
func (s *Store) inSavepoint(ctx context.Context, fn func(tx store.Store) error) error {
	name := fmt.Sprintf("yolk_sp_%d", s.savepoints.Add(1))
	if _, err := s.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	done := false
	defer func() {
		if !done {
			// ROLLBACK TO keeps the savepoint open; RELEASE ends it.
			bg := context.WithoutCancel(ctx)
			_, _ = s.tx.ExecContext(bg, "ROLLBACK TO "+name)
			_, _ = s.tx.ExecContext(bg, "RELEASE "+name)
		}
	}()
	if err := fn(s); err != nil {
		return err
	}
	done = true
	if _, err := s.tx.ExecContext(ctx, "RELEASE "+name); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", mapErr(err))
	}
	return nil
}

// mapErr translates constraint failures into the store sentinels, keeping
// the driver error in the chain: a unique or primary key violation is
// store.ErrConflict, and so is a trigger's RAISE (the schema's triggers
// enforce only uniqueness rules that span tables); a foreign key violation
// (a reference to a missing record) store.ErrNotFound. Other errors are
// returned unchanged.
func mapErr(err error) error {
	var se *sqlitedrv.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	return err
}

// wrap prefixes err with the operation, after mapping it; nil stays nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sqlite: %s: %w", op, mapErr(err))
}

// notFound is the error of a lookup or update that matched no record.
func notFound(op string) error {
	return fmt.Errorf("sqlite: %s: %w", op, store.ErrNotFound)
}

// exec runs a write and returns how many rows it changed.
func (s *Store) exec(ctx context.Context, op, query string, args ...any) (int64, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(op, err)
	}
	return n, nil
}

// execOne runs a write that must change exactly one row; ErrNotFound if it
// changed none.
func (s *Store) execOne(ctx context.Context, op, query string, args ...any) error {
	n, err := s.exec(ctx, op, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// getOne reads one record with q and scan; ErrNotFound if there is none.
func getOne[T any](ctx context.Context, q querier, op string, scan func(scanner) (*T, error), query string, args ...any) (*T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, wrap(op, err)
	}
	return v, nil
}

// list reads every record query returns, in its order.
func list[T any](ctx context.Context, q querier, op string, scan func(scanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// micros encodes a time for storage: microseconds since the Unix epoch.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros decodes a stored time, in UTC.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullMicros encodes an optional time; nil is NULL.
func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// fromNullMicros decodes an optional time; NULL is nil.
func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// nonNil returns b, or an empty slice for nil, for NOT NULL blob columns.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
