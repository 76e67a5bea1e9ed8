package sqldb

import (
	"context"
	"database/sql"

	"ektamall/shared/sqlitedb"
)

// SQLiteStore is a SQLite database (one file, one writer) seen as a DB.
// Its statements go to the driver as written.
type SQLiteStore struct {
	Lite *sqlitedb.DB
}

// FromSQLite wraps db; closing the store closes db.
func FromSQLite(db *sqlitedb.DB) *SQLiteStore { return &SQLiteStore{Lite: db} }

// Transact runs fn in one transaction on the single writer.
func (s *SQLiteStore) Transact(ctx context.Context, fn func(Tx) error) error {
	return s.Lite.Transact(ctx, func(tx *sql.Tx) error { return fn(tx) })
}

func (s *SQLiteStore) Reader() Querier  { return s.Lite.R }
func (s *SQLiteStore) Writer() Querier  { return s.Lite.W }
func (s *SQLiteStore) Dialect() Dialect { return SQLite }
func (s *SQLiteStore) Close() error     { return s.Lite.Close() }

var _ DB = (*SQLiteStore)(nil)
