// Package hubdb opens the hub's books: the SQLite file in the hub's data
// directory (the default), or a PostgreSQL database named by a URL, each
// migrated to the newest schema in its dialect.
package hubdb

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"ektamall/hub"
	"ektamall/migrations"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// Open opens and migrates the hub's books: the SQLite file hub.db in dir
// (lite is that database, for backups and file health) when url is "",
// else the PostgreSQL database url names (lite is nil).
func Open(ctx context.Context, url, dir, synchronous string, log *slog.Logger) (_ hub.Store, lite *sqlitedb.DB, err error) {
	if url == "" {
		if lite, err = sqlitedb.Open(ctx, filepath.Join(dir, "hub.db"), sqlitedb.Options{Synchronous: synchronous}); err != nil {
			return nil, nil, err
		}
		if _, err = migrations.Apply(ctx, lite.W, migrations.Hub, log); err != nil {
			lite.Close()
			return nil, nil, err
		}
		return sqldb.FromSQLite(lite), lite, nil
	}
	pg, err := sqldb.OpenPostgres(ctx, url, sqldb.PGOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("--db: %w", err)
	}
	if err = MigratePG(ctx, pg, log); err != nil {
		pg.Close()
		return nil, nil, err
	}
	return pg, nil, nil
}

// MigratePG applies the PostgreSQL twin of the hub's migrations. Several
// hub nodes may start at once against one database: a session advisory
// lock lets one migrate while the others wait, then find nothing to do.
func MigratePG(ctx context.Context, pg *sqldb.PGStore, log *slog.Logger) error {
	conn, err := pg.Pool().Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close()
	const lockKey = 0x656b74616d616c6c // "ektamall"
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(lockKey)); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(lockKey))
	var collate string
	if err := conn.QueryRowContext(ctx, `SELECT datcollate FROM pg_database WHERE datname = current_database()`).Scan(&collate); err == nil &&
		collate != "C" && collate != "POSIX" {
		log.Warn("the hub's PostgreSQL database sorts text by "+collate+", not byte order: lists come out in a different order than on SQLite (create it with LC_COLLATE 'C')", "collate", collate)
	}
	_, err = migrations.Apply(ctx, pg.Pool(), migrations.HubPG, log)
	return err
}
