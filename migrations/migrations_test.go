package migrations_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"ektamall/migrations"
	"ektamall/shared/sqlitedb"
)

func open(t *testing.T, path string) *sqlitedb.DB {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), path, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestApplyFreshThenAgain(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, set := range []migrations.Set{migrations.Mall, migrations.Hub} {
		t.Run(string(set), func(t *testing.T) {
			db := open(t, filepath.Join(t.TempDir(), "x.db"))
			v1, err := migrations.Apply(ctx, db.W, set, quiet)
			if err != nil {
				t.Fatalf("first apply: %v", err)
			}
			if v1 < 1 {
				t.Fatalf("version after apply = %d", v1)
			}
			// The schema is really there: the tables every later layer uses.
			for _, table := range []string{"states", "products", "users", "sessions", "audit_log"} {
				var n int
				if err := db.R.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, table).Scan(&n); err != nil || n != 1 {
					t.Errorf("table %s missing (n=%d, err=%v)", table, n, err)
				}
			}
			v2, err := migrations.Apply(ctx, db.W, set, quiet)
			if err != nil || v2 != v1 {
				t.Fatalf("re-apply: version %d, err %v; want %d, nil", v2, err, v1)
			}
		})
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := open(t, filepath.Join(t.TempDir(), "x.db"))
	v, err := migrations.Apply(ctx, db.W, migrations.Mall, quiet)
	if err != nil {
		t.Fatal(err)
	}
	// Pretend a newer binary migrated this file.
	if _, err := db.W.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, v+5); err != nil {
		t.Fatal(err)
	}
	_, err = migrations.Apply(ctx, db.W, migrations.Mall, quiet)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("want refusal of a newer schema, got %v", err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := open(t, filepath.Join(t.TempDir(), "x.db"))
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, quiet); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`INSERT INTO audit_log (at, action) VALUES ('2026-01-01T00:00:00Z', 'login')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`UPDATE audit_log SET action = 'nothing'`); err == nil {
		t.Error("audit_log row was updated")
	}
	if _, err := db.W.Exec(`DELETE FROM audit_log`); err == nil {
		t.Error("audit_log row was deleted")
	}
}
