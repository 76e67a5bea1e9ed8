package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"

	"ektamall/cmd/ektamall/internal/backup"
	"ektamall/shared/sqldb"
)

func backupFlags(fs *flag.FlagSet) (dir, db, out *string) {
	dir = fs.String("dir", "", "data directory of the mall or hub to back up (required unless --db)")
	db = fs.String("db", "", "a PostgreSQL hub's books (its --db URL): dumped with PostgreSQL's pg_dump instead of copying a SQLite file")
	out = fs.String("out", "", "file to write the copy to; must not exist (required)")
	return
}

// runBackup copies a mall's or the hub's database while it runs.
func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("backup", os.Stderr)
	dir, db, out := backupFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db != "" {
		if !sqldb.IsPostgresURL(*db) {
			return fmt.Errorf("--db: %q is not a postgres:// URL (a SQLite hub is backed up with --dir)", *db)
		}
		if *out == "" {
			return errors.New("--out is required")
		}
		if err := backup.BackupPG(ctx, *db, *out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backed up the hub's PostgreSQL books to %s (pg_dump archive, verified)\n", *out)
		return nil
	}
	if *dir == "" || *out == "" {
		return errors.New("--dir and --out are required")
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription("backup pages"),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(),
		// The library's spinner goroutine reads the bar without its lock
		// (a data race); the copy's progress turns it instead.
		progressbar.OptionSetSpinnerChangeInterval(0))
	src, err := backup.Backup(ctx, *dir, *out, func(done, total int) {
		bar.ChangeMax(total)
		bar.Set(done)
	})
	bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (verified)\n", src, *out)
	return nil
}

func restoreFlags(fs *flag.FlagSet) (dir, db, from *string) {
	dir = fs.String("dir", "", "data directory of the stopped mall or hub to restore into (required unless --db)")
	db = fs.String("db", "", "an empty PostgreSQL database (postgres:// URL) to load a PostgreSQL hub's backup into with pg_restore")
	from = fs.String("from", "", "backup file made by 'ektamall backup' (required)")
	return
}

// runRestore checks a backup and puts it in place of a stopped process's
// database; the replaced file is kept beside it.
func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flagSet("restore", os.Stderr)
	dir, db, from := restoreFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db != "" {
		if !sqldb.IsPostgresURL(*db) {
			return fmt.Errorf("--db: %q is not a postgres:// URL", *db)
		}
		if *from == "" {
			return errors.New("--from is required")
		}
		return backup.RestorePG(ctx, *db, *from, stdout)
	}
	if *dir == "" || *from == "" {
		return errors.New("--dir and --from are required")
	}
	return backup.Restore(ctx, *dir, *from, stdout)
}
