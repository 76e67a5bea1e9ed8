package sqlitedb_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"ektamall/shared/errs"
	"ektamall/shared/sqlitedb"
)

func openDB(t *testing.T) *sqlitedb.DB {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.W.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPragmasFromDSN(t *testing.T) {
	db := openDB(t)
	for _, pool := range []*sql.DB{db.W, db.R} {
		var mode string
		var fk, sync int
		if err := pool.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		if err := pool.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
		}
		if err := pool.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
			t.Errorf("synchronous = %d, %v; want 2 (FULL)", sync, err)
		}
	}
	if _, err := db.R.Exec(`INSERT INTO t VALUES ('x', 1)`); err == nil {
		t.Error("the read pool accepted a write")
	}
	var temp int
	if err := db.W.QueryRow(`PRAGMA temp_store`).Scan(&temp); err != nil || temp != 2 {
		t.Errorf("writer temp_store = %d, %v; want 2 (MEMORY: savepoints never spill to a file)", temp, err)
	}
}

func TestTransactCommitsRollsBackAndClassifies(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO t VALUES ('a', 1)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO t VALUES ('b', 2)`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic was swallowed")
			}
		}()
		_ = db.Transact(ctx, func(tx *sql.Tx) error {
			tx.Exec(`INSERT INTO t VALUES ('c', 3)`)
			panic("bug")
		})
	}()
	var n int
	db.R.QueryRow(`SELECT count(*) FROM t`).Scan(&n)
	if n != 1 {
		t.Fatalf("rows = %d, want only the committed one", n)
	}
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO t VALUES ('a', 9)`)
		return err
	})
	if errs.CodeOf(err) != errs.Conflict || !sqlitedb.IsUnique(err) {
		t.Fatalf("duplicate key: code %q, err %v; want conflict", errs.CodeOf(err), err)
	}
}

func TestConcurrentWritersSerialise(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	db.W.Exec(`INSERT INTO t VALUES ('ctr', 0)`)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if err := db.Transact(ctx, func(tx *sql.Tx) error {
					var n int
					if err := tx.QueryRow(`SELECT n FROM t WHERE k='ctr'`).Scan(&n); err != nil {
						return err
					}
					_, err := tx.Exec(`UPDATE t SET n = ? WHERE k='ctr'`, n+1)
					return err
				}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var n int
	db.R.QueryRow(`SELECT n FROM t WHERE k='ctr'`).Scan(&n)
	if n != 320 {
		t.Fatalf("counter = %d, want 320 (lost updates)", n)
	}
}
