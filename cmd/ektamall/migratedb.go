package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"ektamall/hub/hubdb"
	"ektamall/shared/sqldb"
)

func migrateDBFlags(fs *flag.FlagSet) (from, to *string) {
	from = fs.String("from", "", "data directory of the SQLite hub to copy (its hub.db; stop that hub first)")
	to = fs.String("to", "", "postgres:// URL of an empty database for the hub's books")
	return
}

// runMigrateDB is 'ektamall hub migrate-db': it copies a SQLite hub's
// books into PostgreSQL and checks the copy (row counts, money sums,
// account totals, the ledger check) before committing it.
func runMigrateDB(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flagSet("hub migrate-db", os.Stderr)
	from, to := migrateDBFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || !sqldb.IsPostgresURL(*to) {
		return errors.New("--from DIR (a SQLite hub's data directory) and --to postgres://... are required")
	}
	if _, err := os.Stat(filepath.Join(*from, "hub.db")); err != nil {
		return fmt.Errorf("--from %s: no hub database there: %w", *from, err)
	}
	_, lite, err := hubdb.Open(ctx, "", *from, "FULL", log)
	if err != nil {
		return err
	}
	defer lite.Close()
	store, _, err := hubdb.Open(ctx, *to, "", "", log)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := hubdb.Copy(ctx, lite, store.(*sqldb.PGStore))
	if err != nil {
		return err
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(stdout, "%-24s %10d rows\n", t.Table, t.Copied)
	}
	fmt.Fprintf(stdout, "ledger balanced: %d entries, debits %s = credits %s; every count and sum matches the SQLite hub.\n"+
		"run the hub on it with: ektamall hub --dir DIR --db <the --to URL>\n", rep.Ledger.Entries, rep.Ledger.Debits, rep.Ledger.Credits)
	return nil
}
