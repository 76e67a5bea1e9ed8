package migrations_test

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"ektamall/migrations"
	"ektamall/shared/sqldb/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Every hub migration has its PostgreSQL twin with the same number, and
// no twin is left without its SQLite original.
func TestHubPGTwins(t *testing.T) {
	names := func(dir string) []string {
		es, err := fs.Glob(os.DirFS(dir), "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(es)
		return es
	}
	hub, pg := names("hub"), names("hub_pg")
	if !reflect.DeepEqual(hub, pg) {
		t.Fatalf("migrations/hub_pg must hold a PostgreSQL twin of every migrations/hub file, with the same name:\nhub:    %v\nhub_pg: %v", hub, pg)
	}
}

// The twins build the same tables with the same columns.
func TestHubPGSchemaMatchesSQLite(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set")
	}
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	lite := open(t, filepath.Join(t.TempDir(), "hub.db"))
	vl, err := migrations.Apply(ctx, lite.W, migrations.Hub, quiet)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sql.Open("pgx", pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	vp, err := migrations.Apply(ctx, pg, migrations.HubPG, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if vl != vp {
		t.Fatalf("versions: sqlite %d, postgres %d", vl, vp)
	}
	want := columns(t, lite.R, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`)
	got := columns(t, pg, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("PostgreSQL columns differ from SQLite's:\npostgres: %v\nsqlite:   %v", got, want)
	}
}

func columns(t *testing.T, db *sql.DB, q string) map[string][]string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, cs := range out {
		sort.Strings(cs)
	}
	return out
}
