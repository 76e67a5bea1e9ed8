package hub

import (
	"context"
	"database/sql"

	"ektamall/shared/sqlitedb"
)

// Store is the hub's database seam. Every hub write (ingest's event
// store and watermarks, the ledger's postings through EventApplier,
// settlement runs, reconciliation, the finance API) happens inside one
// database/sql transaction handed down as *sql.Tx, and every read goes
// through a *sql.DB; so the seam is the transaction, not a method per
// query. The hub packages (ingest, settle, recon, api) take a Store; only
// the process assembly in hub/app knows it is SQLite, for backups and
// health. A server database for a hub that has outgrown one machine
// implements Store over its own driver, plus the hub migrations in its
// dialect: the queries are plain SQL with ? arguments, ON CONFLICT
// upserts and integer paise for money, which PostgreSQL also has. What is
// still SQLite's own: sqlitedb.IsUnique and Classify read its error codes,
// and the ledger relies on one writer at a time (a server database needs
// SERIALIZABLE transactions, which Transact already retries).
type Store interface {
	// Transact runs fn in one write transaction, retrying it when the
	// database reports a transient conflict; fn must be idempotent.
	Transact(ctx context.Context, fn func(*sql.Tx) error) error
	// Reader is a pool for reads that need no transaction.
	Reader() *sql.DB
	// Writer is the write pool, for the few one-statement writes outside
	// Transact (an idempotent upsert).
	Writer() *sql.DB
}

// SQLite, one file with one writer, is the default Store.
var _ Store = (*sqlitedb.DB)(nil)
