// Package memory is an in-memory implementation of store.Store.
//
// It is meant for tests (an application's unit tests get a complete,
// isolated identity store with zero setup: call New in each test) and for
// embedded single-process use where persistence is not wanted. Everything
// lives in the process's memory and is lost when it exits.
//
// The store behaves like the SQLite store: it passes the same conformance
// suite (store/storetest). Records are copied in and out, times are kept in
// UTC truncated to the microsecond, and InTx is serializable: transactions
// run one at a time against a private copy of the data that replaces the
// shared one only when the transaction commits.
package memory

import (
	"context"
	"errors"
	"sync"

	"github.com/yolkauth/yolk/store"
)

// Store is an in-memory store.Store. The zero value is not usable; call New.
// A Store is safe for concurrent use.
type Store struct {
	db *db
	// tx is set on the Store a transaction hands to its function.
	tx *txState
}

var _ store.Store = (*Store)(nil)

// db is the committed state shared by a Store and its transactions.
type db struct {
	// writeMu serializes transactions and every write outside them, so a
	// committing transaction never overwrites a concurrent write.
	writeMu sync.Mutex
	// mu guards st: readers take it shared, a write or a commit exclusive.
	mu sync.RWMutex
	st *state
}

// txState is the private state of one open transaction.
type txState struct {
	mu   sync.Mutex
	st   *state
	done bool
}

// errTxDone is returned by a transaction's Store used after InTx returned.
var errTxDone = errors.New("memory: transaction has already ended")

// New returns an empty store.
func New() *Store {
	return &Store{db: &db{st: newState()}}
}

// read runs fn against the state visible to s.
func (s *Store) read(ctx context.Context, fn func(st *state) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.tx != nil {
		return s.tx.run(fn)
	}
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	return fn(s.db.st)
}

// write runs fn, which changes the state, either inside s's transaction or
// as a write of its own. fn checks everything before it changes anything, so
// an error leaves the state as it was.
func (s *Store) write(ctx context.Context, fn func(st *state) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.tx != nil {
		return s.tx.run(fn)
	}
	s.db.writeMu.Lock()
	defer s.db.writeMu.Unlock()
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	return fn(s.db.st)
}

// run runs fn against the transaction's state.
func (tx *txState) run(fn func(st *state) error) error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.done {
		return errTxDone
	}
	return fn(tx.st)
}

// InTx runs fn with a Store whose writes commit together if fn returns nil
// and are all discarded if it returns an error, panics, or ctx is done when
// it returns. Reads inside fn see fn's own writes; readers outside see the
// data as it was before the transaction until it commits.
//
// Transactions run one at a time, and a write outside a transaction waits
// for the running one to end, so every transaction is serializable. Calling
// InTx on the Store passed to fn runs inside the same transaction. Inside
// fn, use only that Store: a write through the outer Store would wait for
// the transaction fn belongs to, forever.
func (s *Store) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.db.writeMu.Lock()
	defer s.db.writeMu.Unlock()

	s.db.mu.RLock()
	tx := &txState{st: s.db.st.clone()}
	s.db.mu.RUnlock()
	// However fn ends (return, panic, runtime.Goexit), the transaction's
	// Store stops working; without a commit its state is simply dropped.
	defer func() {
		tx.mu.Lock()
		tx.done = true
		tx.mu.Unlock()
	}()

	if err := fn(&Store{db: s.db, tx: tx}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	s.db.mu.Lock()
	s.db.st = tx.st
	s.db.mu.Unlock()
	return nil
}

// Close releases nothing: the data is freed with the Store. It returns nil.
func (s *Store) Close() error { return nil }
