// Package sqlite is the SQLite backend of yolk: a store.Store kept in one
// SQLite database file (or in memory), through the cgo-free driver
// modernc.org/sqlite.
//
// Open creates or opens the database, applies the embedded schema
// migrations that it does not have yet (each in its own transaction, recorded
// in the schema_migrations table) and returns a *Store ready for concurrent
// use:
//
//	s, err := sqlite.Open(ctx, "/var/lib/app/yolk.db")
//	if err != nil { … }
//	defer s.Close()
//	id := identity.New(s)
//
// # Connections and concurrency
//
// Every connection runs with busy_timeout(5000), foreign_keys(ON) and
// synchronous(NORMAL); a file database is in WAL mode. A file database is
// served by two connection pools: a writer pool of exactly one connection,
// which runs every write and every transaction, and a pool of read-only
// connections (see WithReadConns) for reads made outside a transaction.
// Writes therefore never contend with each other for the database lock, so
// they never fail with SQLITE_BUSY, and transactions (InTx) are serializable:
// a read-modify-write inside InTx cannot lose an update. In WAL mode readers
// see the last committed state and never block the writer. Write
// transactions also begin with BEGIN IMMEDIATE, which keeps them
// serializable when another process opens the same file.
//
// ":memory:" opens a private in-memory database held by a single connection
// (a second connection would see a different, empty database), so reads and
// writes share it. It is lost when the Store is closed.
//
// Because the writer is a single connection, a function passed to InTx must
// use the Store it is given: calling a write method of the outer Store (or,
// for ":memory:", any method of it) from inside fn waits for the connection
// the transaction holds, until the context ends.
//
// # Storage
//
// Times are stored as INTEGER microseconds since the Unix epoch and returned
// in UTC. E-mail and username uniqueness is enforced by unique indexes over
// their lower-cased forms per environment. Foreign keys cascade the deletes
// the store contract documents: deleting a user removes its memberships,
// password, sessions and their refresh tokens; deleting a tenant removes its
// memberships. A membership's foreign keys include its environment, so it
// can only join a user and a tenant of that environment. Writes that
// reference a missing user, tenant or session (a membership, password,
// session or refresh token) return store.ErrNotFound; writes that break a
// uniqueness rule return store.ErrConflict. Both wrap the driver's
// *sqlite.Error.
package sqlite
