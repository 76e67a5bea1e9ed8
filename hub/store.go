package hub

import (
	"context"
	"database/sql"

	"ektamall/shared/sqlitedb"
)

// Store is the hub's database seam. Every hub write (ingest's event
// store and watermarks, the ledger's postings through EventApplier,
// settlement runs, reconciliation, the finance API) already happens inside
// one database/sql transaction handed down as *sql.Tx, and every read goes
// through a *sql.DB; so the seam is the transaction, not a method per
// query. SQLiteStore is the default. A server database for a hub that has
// outgrown one machine implements Store over its own driver, plus the hub
// migrations in its dialect (the queries are plain SQL with ? arguments,
// ON CONFLICT upserts and integer paise for money, which PostgreSQL also
// has). The hub packages still take *sqlitedb.DB today; moving their
// Config fields to Store is the first step of that work.
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

// SQLiteStore is the default Store: one SQLite file with one writer.
type SQLiteStore struct{ DB *sqlitedb.DB }

var _ Store = SQLiteStore{}

// Transact implements Store.
func (s SQLiteStore) Transact(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.DB.Transact(ctx, fn)
}

// Reader implements Store.
func (s SQLiteStore) Reader() *sql.DB { return s.DB.R }

// Writer implements Store.
func (s SQLiteStore) Writer() *sql.DB { return s.DB.W }
