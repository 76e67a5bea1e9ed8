package inventory_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/inventory"
	"ektamall/migrations"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/sqlitedb"
)

// Moradabad brassware (UP) and Channapatna-style KA goods from the seed.
const (
	skuVase  = "UP-MBD-001"
	skuThali = "UP-MBD-002"
	prodMBD  = "PR-UP-MORADABAD-01"
)

var (
	upMgr   = inventory.Actor{User: auth.User{ID: "u-up", Username: "zm.up", Role: auth.ZoneManager, Zone: "UP"}}
	kaMgr   = inventory.Actor{User: auth.User{ID: "u-ka", Username: "zm.ka", Role: auth.ZoneManager, Zone: "KA"}}
	admin   = inventory.Actor{User: auth.User{ID: "u-admin", Username: "admin", Role: auth.MallAdmin}}
	cashier = inventory.Actor{User: auth.User{ID: "u-cash", Username: "cashier", Role: auth.Cashier}}
)

// newMall opens a migrated, seeded mall database in a temp dir.
func newMall(t testing.TB, id, state string, o sqlitedb.Options) *inventory.Service {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "mall.db"), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	err = db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES (?, ?, ?, '', '', ?)`,
			id, state, "Test "+id, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		return catalogdb.InsertSeed(ctx, tx, seed, true, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	return inventory.New(db, id)
}

// zoneProduct finds a seed SKU of a zone and its producer.
func zoneProduct(t testing.TB, s *inventory.Service, zone string) (sku, producer string) {
	t.Helper()
	err := s.DB.R.QueryRow(`SELECT sku, producer_id FROM products WHERE state = ? ORDER BY sku LIMIT 1`, zone).Scan(&sku, &producer)
	if err != nil {
		t.Fatal(err)
	}
	return sku, producer
}

func bal(t testing.TB, s *inventory.Service, sku string, loc inventory.Location) int64 {
	t.Helper()
	n, err := inventory.Balance(context.Background(), s.DB.R, sku, loc)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error %v has code %s; want %s", err, got, code)
	}
}

// snapshot is every table a zone operation may write, summed, so a test
// can prove a refused request changed nothing.
func snapshot(t testing.TB, s *inventory.Service) string {
	t.Helper()
	var out string
	err := s.DB.R.QueryRow(`SELECT
		(SELECT count(*) FROM stock_moves) || '/' || (SELECT COALESCE(SUM(qty), 0) || ':' || count(*) FROM stock) || '/' ||
		(SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM grns) || '/' || (SELECT count(*) FROM grn_lines) || '/' ||
		(SELECT count(*) FROM transfers) || '/' || (SELECT COALESCE(SUM(qty_received), -1) FROM transfer_lines) || '/' ||
		(SELECT count(*) FROM counts WHERE status = 'posted') || '/' || (SELECT count(*) FROM counts) || '/' ||
		(SELECT count(*) FROM reorder_points) || '/' || (SELECT count(*) FROM stock_exceptions WHERE resolved_at IS NULL) || '/' ||
		(SELECT count(*) FROM audit_log) || '/' || (SELECT count(*) FROM peer_malls)`).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func outboxTypes(t testing.TB, s *inventory.Service) map[string]int {
	t.Helper()
	rows, err := s.DB.R.Query(`SELECT type, count(*) FROM outbox GROUP BY type`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			t.Fatal(err)
		}
		out[typ] = n
	}
	return out
}

func addPeer(t testing.TB, s *inventory.Service, id, state string) {
	t.Helper()
	if _, err := s.AddPeerMall(context.Background(), admin, inventory.PeerMall{ID: id, State: state, Name: "Peer " + id}); err != nil {
		t.Fatal(err)
	}
}

func receive(t testing.TB, s *inventory.Service, a inventory.Actor, zone, producer string, lines ...inventory.Line) inventory.GRN {
	t.Helper()
	return must[inventory.GRN](t)(s.Receive(context.Background(), a, zone, inventory.ReceiptInput{ProducerID: producer, Lines: lines}))
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
