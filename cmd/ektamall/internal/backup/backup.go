// Package backup copies a running mall's or the hub's database and puts a
// copy back in place of a stopped one ('ektamall backup' and 'restore'):
// it refuses a copy of another mall or a newer schema, and a mall restored
// from a backup that may lack events starts a new epoch.
package backup

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"ektamall/migrations"
	"ektamall/shared/sqlitedb"
)

// dbOf finds the database in a hub's or mall's data directory.
func dbOf(dir string) (path string, set migrations.Set, err error) {
	for _, c := range []struct {
		file string
		set  migrations.Set
	}{{"mall.db", migrations.Mall}, {"hub.db", migrations.Hub}} {
		p := filepath.Join(dir, c.file)
		if _, err := os.Stat(p); err == nil {
			return p, c.set, nil
		}
	}
	return "", "", fmt.Errorf("--dir %s holds neither mall.db nor hub.db", dir)
}

// Backup copies the database in dir to out while its process runs, and
// verifies the copy; progress (may be nil) sees pages done and in all.
// It returns the path of the database it copied.
func Backup(ctx context.Context, dir, out string, progress func(done, total int)) (string, error) {
	src, _, err := dbOf(dir)
	if err != nil {
		return "", err
	}
	if err := sqlitedb.Backup(ctx, src, out, progress); err != nil {
		return "", err
	}
	return src, sqlitedb.Verify(ctx, out)
}

// Restore checks the backup from and puts it in place of the stopped
// process's database in dir; the replaced file is kept beside it. What
// happened is written to stdout.
func Restore(ctx context.Context, dir, from string, stdout io.Writer) error {
	dst, set, err := dbOf(dir)
	if err != nil {
		return err
	}
	if err := sqlitedb.Verify(ctx, from); err != nil {
		return err
	}
	if err := sameOwner(ctx, from, dst, set); err != nil {
		return err
	}
	if set == migrations.Mall {
		return restoreMall(ctx, dst, from, stdout)
	}
	if err := sqlitedb.Restore(ctx, from, dst); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s; the replaced database is at %s.before-restore\n", dst, from, dst)
	return nil
}

// sameOwner refuses a backup of another mall, of the other kind of process,
// or written by a newer schema than this binary knows.
func sameOwner(ctx context.Context, backup, current string, set migrations.Set) error {
	latest, err := migrations.Latest(set)
	if err != nil {
		return err
	}
	b, err := sql.Open("sqlite3", "file:"+backup+"?mode=ro")
	if err != nil {
		return err
	}
	defer b.Close()
	var v int64
	if err := b.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version`).Scan(&v); err != nil {
		return fmt.Errorf("--from %s is not an ektamall database: %w", backup, err)
	}
	if v > latest {
		return fmt.Errorf("--from %s has schema %d, newer than this binary knows (%d)", backup, v, latest)
	}
	if set != migrations.Mall {
		return nil
	}
	var bID, cID string
	if err := b.QueryRowContext(ctx, `SELECT id FROM mall`).Scan(&bID); err != nil {
		return fmt.Errorf("--from %s is not a mall database", backup)
	}
	c, err := sql.Open("sqlite3", "file:"+current+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.QueryRowContext(ctx, `SELECT id FROM mall`).Scan(&cID); err == nil && cID != bID {
		return fmt.Errorf("--from %s is a backup of mall %s, but --dir holds mall %s", backup, bID, cID)
	}
	return nil
}
