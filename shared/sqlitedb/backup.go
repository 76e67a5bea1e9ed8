package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"
)

// Backup writes a consistent copy of the database at src to dst using
// SQLite's online backup API, so it is safe while the owning process keeps
// writing (WAL). progress, if set, gets (pages done, pages total). dst must
// not exist; a partial file is removed on failure.
func Backup(ctx context.Context, src, dst string, progress func(done, total int)) (err error) {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("backup: %s already exists", dst)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	srcDB, err := sql.Open("sqlite3", "file:"+src+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer srcDB.Close()
	dstDB, err := sql.Open("sqlite3", "file:"+dst+"?_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		dstDB.Close()
		if err != nil {
			os.Remove(dst)
		}
	}()
	sc, err := srcDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer sc.Close()
	dc, err := dstDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: create %s: %w", dst, err)
	}
	defer dc.Close()
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			for {
				if err := ctx.Err(); err != nil {
					b.Close()
					return err
				}
				done, err := b.Step(256)
				if progress != nil {
					total := b.PageCount()
					progress(total-b.Remaining(), total)
				}
				if err != nil {
					b.Close()
					return fmt.Errorf("backup: step: %w", err)
				}
				if done {
					return b.Close()
				}
			}
		})
	})
}

// Verify checks that the file at path is an intact SQLite database.
func Verify(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("verify %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("verify %s: integrity check failed: %s", path, res)
	}
	return nil
}

// Restore replaces the database at dst with the verified copy at src. The
// database it replaces is kept beside it as dst.before-restore; the old WAL
// and shared-memory files are removed so SQLite cannot replay them over the
// restored file. The owning process must be stopped.
func Restore(ctx context.Context, src, dst string) error {
	if err := Verify(ctx, src); err != nil {
		return err
	}
	keep := dst + ".before-restore"
	if _, err := os.Stat(dst); err == nil {
		if _, err := os.Stat(keep); err == nil {
			return fmt.Errorf("restore: %s exists from an earlier restore; move it away first", keep)
		}
		// Fold the WAL into the old file first so the kept copy is whole.
		if db, err := sql.Open("sqlite3", "file:"+dst+"?_busy_timeout=1000"); err == nil {
			var busy, logPages, done int
			cerr := db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done)
			db.Close()
			if cerr != nil || busy != 0 {
				return fmt.Errorf("restore: %s is in use; stop its process first", dst)
			}
		}
		if err := os.Rename(dst, keep); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	for _, sfx := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + sfx); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	tmp := dst + ".restoring"
	if err := Backup(ctx, src, tmp, nil); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}
