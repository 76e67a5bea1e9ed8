// Package sqlitedb opens the SQLite databases of malls and the hub. It is
// the only place a DSN is built, so every connection gets the same pragmas.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/mattn/go-sqlite3"

	"ektamall/shared/errs"
)

// DB is a SQLite database with one writer connection and a pool of
// readers. A single writer is what SQLite allows anyway; doing it in the
// pool rather than via busy retries keeps the WAL from being starved of
// checkpoints (research/limits.md saw it grow to 333 MiB with 8 writers).
type DB struct {
	Path string
	W    *sql.DB // the writer: every transaction goes through Transact
	R    *sql.DB // readers: queries outside transactions

	group grouper       // TransactGrouped's committer (group.go)
	ckpt  *checkpointer // moves the WAL into the database file (checkpoint.go)
}

// Options tune Open.
type Options struct {
	// Synchronous is "FULL" (default: a printed receipt survives a power
	// cut) or "NORMAL" (only for benchmarks comparing the two).
	Synchronous string
	// Readers is the size of the read pool (default: 2 × CPUs, at least 4).
	Readers int
}

// writerDriver is go-sqlite3 with the writer's connection set up as no
// DSN parameter can: temp_store MEMORY keeps savepoints' sub-journals in
// memory. By default one spills to a temporary file past 64 KiB, which
// cost each grouped checkout or hub event under a savepoint tens of write
// calls. wal_autocheckpoint: the writer checkpoints inside a commit only
// past 10,000 pages; the background checkpointer does the rest
// (checkpoint.go).
const writerDriver = "sqlite3_writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = `+strconv.Itoa(writerCheckpointPages), nil)
		return err
	}})
}

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string, o Options) (*DB, error) {
	if o.Synchronous == "" {
		o.Synchronous = "FULL"
	}
	if o.Synchronous != "FULL" && o.Synchronous != "NORMAL" {
		return nil, fmt.Errorf("sqlite: synchronous must be FULL or NORMAL, got %q", o.Synchronous)
	}
	if o.Readers <= 0 {
		o.Readers = max(4, 2*runtime.NumCPU())
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// Pragmas live in the DSN so that every connection the pool opens gets
	// them: WAL for concurrent readers, a busy timeout instead of instant
	// SQLITE_BUSY, foreign keys enforced, and BEGIN IMMEDIATE so a writer
	// takes the lock up front rather than failing on upgrade mid-transaction.
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", o.Synchronous)
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_cache_size", "-16000") // 16 MiB page cache per connection
	// Keep prepared statements per connection: re-preparing the same
	// INSERT for every sale and every ingested event was a quarter of a
	// checkout's CPU and most of the ledger's (issue 8's profiles).
	q.Set("_stmt_cache_size", "256")
	dsn := "file:" + path + "?" + q.Encode()

	w, err := sql.Open(writerDriver, dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	q.Set("_query_only", "true")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(o.Readers)
	r.SetMaxIdleConns(o.Readers)
	q.Del("_query_only")
	c, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	c.SetMaxOpenConns(1)
	c.SetMaxIdleConns(1)
	c.SetConnMaxLifetime(0)
	return &DB{Path: path, W: w, R: r, ckpt: startCheckpointer(c)}, nil
}

// Reader is the read-only pool (hub.Store).
func (db *DB) Reader() *sql.DB { return db.R }

// Writer is the one-connection write pool (hub.Store).
func (db *DB) Writer() *sql.DB { return db.W }

// Close closes both pools.
func (db *DB) Close() error {
	db.group.close()
	return errors.Join(db.ckpt.close(), db.R.Close(), db.W.Close())
}

// Transact runs fn in one write transaction: it commits if fn returns nil
// and rolls back on an error or a panic (which it re-raises).
func (db *DB) Transact(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return Classify(fmt.Errorf("begin: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
			err = Classify(err)
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			err = Classify(fmt.Errorf("commit: %w", cerr))
			return
		}
		db.ckpt.wrote()
	}()
	return fn(tx)
}

// Classify turns driver errors into application codes by the driver's
// error codes (never by message text): a unique or primary-key violation is
// a Conflict, a busy or locked database Unavailable. Anything already an
// *errs.Error, or unrecognised, passes through unchanged.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch {
		case se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey:
			return fmt.Errorf("%w: %w", &errs.Error{Code: errs.Conflict, Message: "a record with this key already exists"}, err)
		case se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked:
			return fmt.Errorf("%w: %w", &errs.Error{Code: errs.Unavailable, Message: "the database is busy; try again"}, err)
		}
	}
	return err
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

// IsForeignKey reports whether err is a foreign-key violation: a row names
// another that does not exist.
func IsForeignKey(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey
}
