// Package migrations holds the forward-only SQL schema of the mall and the
// hub, embedded in the binary and applied at start-up by goose.
//
// Files are numbered NNNN_name.sql and never edited once released: a change
// is a new file. A database written by a newer binary (a version this one
// does not know) is refused rather than guessed at.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
)

//go:embed mall/*.sql hub/*.sql hub_pg/*.sql
var files embed.FS

// Set names one schema.
type Set string

const (
	Mall Set = "mall"
	Hub  Set = "hub"
	// HubPG is the hub's schema in PostgreSQL's dialect: the twin of every
	// file in hub/, with the same number (a hub on PostgreSQL is at the
	// same version as one on SQLite with the same tables).
	HubPG Set = "hub_pg"
)

func (s Set) dialect() goose.Dialect {
	if s == HubPG {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// Apply brings db up to the newest schema of set and returns the version.
func Apply(ctx context.Context, db *sql.DB, set Set, log *slog.Logger) (int64, error) {
	sub, err := fs.Sub(files, string(set))
	if err != nil {
		return 0, fmt.Errorf("migrations %s: %w", set, err)
	}
	p, err := goose.NewProvider(set.dialect(), db, sub)
	if err != nil {
		return 0, fmt.Errorf("migrations %s: %w", set, err)
	}
	known := int64(0)
	for _, s := range p.ListSources() {
		known = max(known, s.Version)
	}
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations %s: read version: %w", set, err)
	}
	if have > known {
		return have, fmt.Errorf("database schema version %d is newer than this binary knows (%d): run a newer ektamall, or restore a backup made by this version", have, known)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return have, fmt.Errorf("migrations %s: %w", set, err)
	}
	for _, r := range res {
		log.Info("migration applied", "set", set, "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	return known, nil
}

// Latest is the newest schema version of set that this binary knows.
func Latest(set Set) (int64, error) {
	sub, err := fs.Sub(files, string(set))
	if err != nil {
		return 0, err
	}
	entries, err := fs.Glob(sub, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		v, err := goose.NumericComponent(e)
		if err != nil {
			return 0, fmt.Errorf("migrations %s: %w", set, err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
