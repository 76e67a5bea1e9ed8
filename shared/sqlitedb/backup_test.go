package sqlitedb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"ektamall/shared/sqlitedb"
)

// TestBackupWhileWritingThenRestore takes an online backup while another
// goroutine keeps committing, then restores it: the copy is intact and
// holds a consistent prefix of the writes.
func TestBackupWhileWritingThenRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "mall.db")
	db, err := sqlitedb.Open(ctx, src, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.W.Exec(`CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT)`)
	for i := 1; i <= 2000; i++ {
		db.W.Exec(`INSERT INTO t VALUES (?, printf('%.200c', 'x'))`, i)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 2001; !stop.Load(); n++ {
			if err := db.Transact(ctx, func(tx *sql.Tx) error {
				_, err := tx.Exec(`INSERT INTO t VALUES (?, 'y')`, n)
				return err
			}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	out := filepath.Join(dir, "backup", "mall.db")
	calls := 0
	if err := sqlitedb.Backup(ctx, src, out, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	stop.Store(true)
	wg.Wait()
	if calls == 0 {
		t.Error("no progress reported")
	}
	if err := sqlitedb.Verify(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := sqlitedb.Backup(ctx, src, out, nil); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	var live int
	db.R.QueryRow(`SELECT count(*) FROM t`).Scan(&live)
	db.Close()

	if err := sqlitedb.Restore(ctx, out, src); err != nil {
		t.Fatal(err)
	}
	back, err := sqlitedb.Open(ctx, src, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	var n, maxN int
	back.R.QueryRow(`SELECT count(*), max(n) FROM t`).Scan(&n, &maxN)
	if n < 2000 || n != maxN || n > live {
		t.Fatalf("restored %d rows (max %d), live had %d: want a gapless prefix of at least 2000", n, maxN, live)
	}
	if _, err := os.Stat(src + ".before-restore"); err != nil {
		t.Fatalf("the replaced database was not kept: %v", err)
	}
}

func TestRestoreRefusesACorruptFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte("this is not a database, just text that is long enough to be read as a header......"), 0o600)
	if err := sqlitedb.Restore(ctx, bad, filepath.Join(dir, "mall.db")); err == nil {
		t.Fatal("restored a corrupt file")
	}
	if _, err := os.Stat(filepath.Join(dir, "mall.db")); !os.IsNotExist(err) {
		t.Fatal("a failed restore created the target")
	}
}
