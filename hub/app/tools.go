package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"ektamall/hub"
	"ektamall/hub/hubdb"
	"ektamall/hub/ingest"
	"ektamall/migrations"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// OpenDatabase opens the hub's database in dir for an operator tool
// (create-user), creating dir if needed and migrating and seeding it
// exactly as the hub does on start. It may run beside a running hub:
// SQLite lets it wait for the hub's writer, and the hub reads users
// afresh on every login. fresh says whether there was no database yet.
func OpenDatabase(ctx context.Context, dir string, log *slog.Logger) (db *sqlitedb.DB, fresh bool, err error) {
	path := filepath.Join(dir, "hub.db")
	if _, serr := os.Stat(path); errors.Is(serr, os.ErrNotExist) {
		fresh = true
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, false, fmt.Errorf("--dir %s: %w", dir, err)
	}
	if db, err = sqlitedb.Open(ctx, path, sqlitedb.Options{}); err != nil {
		return nil, false, err
	}
	opened := db
	defer func() {
		if err != nil {
			opened.Close()
		}
	}()
	if _, err = migrations.Apply(ctx, db.W, migrations.Hub, log); err != nil {
		return nil, false, err
	}
	err = (&Hub{Store: sqldb.FromSQLite(db)}).seedCatalog(ctx)
	return db, fresh, err
}

// OpenBooks opens the hub's books for an operator tool (create-user,
// provision-mall): the PostgreSQL database url names (the hub's --db), or
// with url "" the SQLite file in dir as OpenDatabase does; migrated and
// seeded as the hub does on start, so it works on books no hub has opened
// yet and beside running hub nodes. fresh says whether the books were new.
func OpenBooks(ctx context.Context, url, dir string, log *slog.Logger) (_ hub.Store, fresh bool, err error) {
	if url == "" {
		db, fresh, err := OpenDatabase(ctx, dir, log)
		if err != nil {
			return nil, false, err
		}
		return sqldb.FromSQLite(db), fresh, nil
	}
	pg, err := sqldb.OpenPostgres(ctx, url, sqldb.PGOptions{MaxConns: 2})
	if err != nil {
		return nil, false, fmt.Errorf("--db: %w", err)
	}
	defer func() {
		if err != nil {
			pg.Close()
		}
	}()
	var missing bool // the schema's first table is not there yet
	if err = pg.Pool().QueryRowContext(ctx, `SELECT to_regclass('audit_log') IS NULL`).Scan(&missing); err != nil {
		return nil, false, fmt.Errorf("--db: %w", err)
	}
	if err = hubdb.MigratePG(ctx, pg, log); err != nil {
		return nil, false, err
	}
	if err = (&Hub{Store: pg}).seedCatalog(ctx); err != nil {
		return nil, false, err
	}
	return pg, missing, nil
}

// ProvisionMallInDir provisions a mall in the hub's data directory without
// starting the hub (the command 'ektamall hub provision-mall'). A running
// hub on the same directory picks the new key up within seconds.
func ProvisionMallInDir(ctx context.Context, dir string, m ingest.MallInfo, rotate bool, log *slog.Logger) ([]byte, error) {
	return ProvisionMallIn(ctx, "", dir, m, rotate, log)
}

// ProvisionMallIn is ProvisionMallInDir on the hub's books at url (its
// --db; "" for the SQLite file in dir, which must exist). Every hub node
// on those books picks the new key up within seconds.
func ProvisionMallIn(ctx context.Context, url, dir string, m ingest.MallInfo, rotate bool, log *slog.Logger) ([]byte, error) {
	if url == "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("--dir %s: %w", dir, err)
		}
	}
	store, _, err := OpenBooks(ctx, url, dir, log) // the malls table refers to the seeded states
	if err != nil {
		return nil, err
	}
	defer store.Close()
	seed, err := ingest.Provision(ctx, store, m, rotate, time.Now())
	if err != nil {
		return nil, err
	}
	return ingest.CredsFile(m.ID, seed), nil
}
