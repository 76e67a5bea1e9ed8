package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

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
