package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

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

func backupFlags(fs *flag.FlagSet) (dir, out *string) {
	dir = fs.String("dir", "", "data directory of the mall or hub to back up (required)")
	out = fs.String("out", "", "file to write the copy to; must not exist (required)")
	return
}

// runBackup copies a mall's or the hub's database while it runs.
func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("backup", os.Stderr)
	dir, out := backupFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *out == "" {
		return errors.New("--dir and --out are required")
	}
	src, _, err := dbOf(*dir)
	if err != nil {
		return err
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription("backup pages"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	err = sqlitedb.Backup(ctx, src, *out, func(done, total int) {
		bar.ChangeMax(total)
		bar.Set(done)
	})
	bar.Finish()
	if err != nil {
		return err
	}
	if err := sqlitedb.Verify(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (verified)\n", src, *out)
	return nil
}

func restoreFlags(fs *flag.FlagSet) (dir, from *string) {
	dir = fs.String("dir", "", "data directory of the stopped mall or hub to restore into (required)")
	from = fs.String("from", "", "backup file made by 'ektamall backup' (required)")
	return
}

// runRestore checks a backup and puts it in place of a stopped process's
// database; the replaced file is kept beside it.
func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("restore", os.Stderr)
	dir, from := restoreFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *from == "" {
		return errors.New("--dir and --from are required")
	}
	dst, set, err := dbOf(*dir)
	if err != nil {
		return err
	}
	if err := sqlitedb.Verify(ctx, *from); err != nil {
		return err
	}
	if err := sameOwner(ctx, *from, dst, set); err != nil {
		return err
	}
	if set == migrations.Mall {
		return restoreMall(ctx, dst, *from, stdout)
	}
	if err := sqlitedb.Restore(ctx, *from, dst); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s; the replaced database is at %s.before-restore\n", dst, *from, dst)
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
