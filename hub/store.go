package hub

import (
	"ektamall/shared/sqldb"
)

// Store is the hub's database seam: where its books live. Every hub write
// (ingest's event store and watermarks, the ledger's postings through
// Books, settlement runs, reconciliation, the finance API) happens
// inside Transact, in one transaction handed down as an sqldb.Tx; reads
// go through Reader. Two implementations: SQLite (sqldb.FromSQLite, one
// file with one writer: the demo and a small deployment) and PostgreSQL
// (sqldb.OpenPostgres: several hub nodes sharing one server, every write
// transaction SERIALIZABLE and run again after a serialization failure).
//
// The hub's SQL is written once, in the subset both share (see
// shared/sqldb): ? arguments, ON CONFLICT upserts, RETURNING, integer
// paise, times computed in Go. The schema has one migration set per
// dialect (migrations/hub and its twin migrations/hub_pg), and driver
// errors are read through sqldb.IsUnique and sqldb.Classify. A statement
// that fails on PostgreSQL aborts its transaction: code that expects a
// statement to fail and carries on runs it under a SAVEPOINT, or asks
// with ON CONFLICT instead.
type Store = sqldb.DB
