package migrations

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"ektamall/shared/errs"
	"ektamall/shared/idem"
	"ektamall/shared/sqlitedb"
)

// A mall upgraded in place keeps answering retries of requests made before
// the upgrade: keys from the point of sale's idempotency_keys and from
// inventory's inventory_requests both replay from the one table.
func TestOldIdempotencyKeysReplayAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "mall.db"), sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sub, err := fs.Sub(files, string(Mall))
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.W, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 12); err != nil { // a schema from before the merge
		t.Fatal(err)
	}
	sale := idem.New("sale", "0190a0a0-0000-7000-8000-00000000sale", "user-cashier", map[string]any{"shift_id": "s1"})
	grn := idem.New("receipt", "0190a0a0-0000-7000-8000-000000000grn", "user-zm", []any{"receipt", "UP"})
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	for _, row := range []struct {
		table string
		r     idem.Request
		doc   string
	}{{"idempotency_keys", sale, "sale-1"}, {"inventory_requests", grn, "grn-1"}} {
		if _, err := db.W.ExecContext(ctx, `INSERT INTO `+row.table+` (key, kind, user_id, body_hash, doc_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			row.r.Key, row.r.Kind, row.r.User, row.r.Hash, row.doc, at); err != nil {
			t.Fatalf("%s: %v", row.table, err)
		}
	}

	if _, err := Apply(ctx, db.W, Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	for r, want := range map[*idem.Request]string{&sale: "sale-1", &grn: "grn-1"} {
		if got, err := r.Replay(ctx, db.R); err != nil || got != want {
			t.Errorf("%s key after upgrade: replays %q, %v; want %q", r.Kind, got, err, want)
		}
	}
	other := grn
	other.User = "user-other"
	if _, err := other.Replay(ctx, db.R); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("an old key sent by someone else: %v, want a conflict", err)
	}
	var old int
	if err := db.R.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'inventory_requests'`).Scan(&old); err != nil || old != 0 {
		t.Errorf("inventory_requests still there (%d, %v)", old, err)
	}
}
