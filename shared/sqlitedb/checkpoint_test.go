package sqlitedb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ektamall/shared/sqlitedb"
)

// The writer checkpoints inside a commit only past 10,000 pages; the
// background checkpointer moves the WAL into the database file after
// writes, and closing leaves no WAL behind: a copy of the database file
// alone has every committed row.
func TestBackgroundCheckpointMovesTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ck.db")
	db, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := db.W.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 10000 {
		t.Fatalf("writer's wal_autocheckpoint = %d (%v), want 10000", auto, err)
	}
	if err := db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := db.Transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO t (k, v) VALUES (?, randomblob(8000))`, i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for db.Checkpoints().Runs == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no background checkpoint after 50 commits: %+v", db.Checkpoints())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("closed database left a WAL of %d bytes", fi.Size())
	}
	// The file alone holds all 50 rows.
	db2, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var n int
	if err := db2.R.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 50 {
		t.Fatalf("rows after reopening: %d (%v), want 50", n, err)
	}
}

// Under steady writes the background checkpointer never leaves the writer
// a fully copied WAL to start over; the writer's own checkpoint past
// 10,000 pages does, so the WAL stays bounded.
func TestWALStaysBoundedUnderSteadyWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ck.db")
	db, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var most int64
	for i := range 800 { // about 16,000 pages
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE k < 10`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if err := db.Transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO t (k, v) VALUES (?, randomblob(80000))`, i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		most = max(most, db.Checkpoints().Frames)
	}
	if ck := db.Checkpoints(); ck.Frames >= most || most > 11000 {
		t.Fatalf("WAL length %d frames at the last checkpoint, %d at most: not started over, or past the writer's 10,000", ck.Frames, most)
	}
}
