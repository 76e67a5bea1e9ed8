// Package sqldb is the SQL seam of the hub's books: the transaction and
// query interface its packages write against, with one implementation per
// database (SQLite, the embedded default, and PostgreSQL for a hub that has
// outgrown one machine) and error classification for both drivers.
//
// Queries are written once, in the portable subset both databases share:
// ? (or ?N) arguments, INSERT ... ON CONFLICT ... DO NOTHING/UPDATE,
// RETURNING, integer paise, times as fixed-width RFC 3339 text computed in
// Go. The PostgreSQL store rebinds ? to $N; nothing else is translated.
package sqldb

import (
	"context"
	"database/sql"
)

// Querier runs statements. *sql.DB and *sql.Tx satisfy it (the SQLite
// store hands them out as they are); the PostgreSQL store wraps them to
// rebind arguments.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Tx is one write transaction's statements. Inner helpers take (ctx, tx,
// ...) and compose inside DB.Transact.
type Tx = Querier

// Dialect names the database behind a DB, for the few places that must
// know it (migrations, backups, health).
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a database the hub's books live in.
type DB interface {
	// Transact runs fn in one write transaction: committed if fn returns
	// nil, rolled back on an error or a panic. The PostgreSQL store runs
	// it SERIALIZABLE and runs fn again after a serialization failure, so
	// fn must be idempotent and keep no state across attempts.
	Transact(ctx context.Context, fn func(Tx) error) error
	// Reader is for reads that need no transaction.
	Reader() Querier
	// Writer is for the few one-statement writes outside Transact (an
	// idempotent upsert).
	Writer() Querier
	Dialect() Dialect
	Close() error
}
