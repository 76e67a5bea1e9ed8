package inventory_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"ektamall/inventory"
	"ektamall/shared/sqlitedb"
)

// A sale takes all its lines out of stock at once (SellOutAll, issue 24).
// It must leave exactly what taking them one line at a time (SellOut) left:
// the same balances, moves, shortfalls and stock.low events, with a SKU on
// several lines of one sale, shelves running out into the backroom and
// below zero, and reorder points crossed mid-sale.
func TestSellOutAllMatchesLineByLine(t *testing.T) {
	ctx := context.Background()
	whole := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	byLine := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	for _, s := range []*inventory.Service{whole, byLine} {
		receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 40}, inventory.Line{SKU: skuThali, Qty: 25})
		must[inventory.Movement](t)(s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: skuVase, Qty: 12}, {SKU: skuThali, Qty: 3}}}))
		must[inventory.ReorderPoint](t)(s.SetReorderPoint(ctx, upMgr, "UP", skuVase, 20))
		must[inventory.ReorderPoint](t)(s.SetReorderPoint(ctx, upMgr, "UP", skuThali, 4))
	}
	rng := rand.New(rand.NewPCG(24, 24))
	at := time.Now()
	for sale := range 12 {
		var lines []inventory.Sold
		for range 1 + rng.IntN(4) {
			sku := []string{skuVase, skuThali}[rng.IntN(2)]
			lines = append(lines, inventory.Sold{SKU: sku, Zone: "UP", Qty: int64(1 + rng.IntN(6))})
		}
		if err := whole.DB.Transact(ctx, func(tx *sql.Tx) error {
			return inventory.SellOutAll(ctx, tx, "LKO1", lines, "INV", cashier.ID, at)
		}); err != nil {
			t.Fatal(err)
		}
		if err := byLine.DB.Transact(ctx, func(tx *sql.Tx) error {
			for _, l := range lines {
				if err := inventory.SellOut(ctx, tx, "LKO1", l.SKU, l.Zone, l.Qty, "INV", cashier.ID, at); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if a, b := stockState(t, whole), stockState(t, byLine); a != b {
			t.Fatalf("after sale %d (%+v):\n all at once: %s\n line by line: %s", sale+1, lines, a, b)
		}
	}
	if !strings.Contains(stockState(t, whole), "stock.low") || !strings.Contains(stockState(t, whole), "short") {
		t.Fatalf("the sales never crossed a reorder point or ran short: %s", stockState(t, whole))
	}
}

// stockState is what selling leaves behind, in a comparable form.
func stockState(t *testing.T, s *inventory.Service) string {
	t.Helper()
	var out string
	err := s.DB.R.QueryRow(`SELECT
		(SELECT group_concat(sku || '@' || location || '=' || qty, ' ') FROM (SELECT * FROM stock ORDER BY sku, location)) || ' | ' ||
		(SELECT group_concat(sku || ' ' || from_loc || ' ' || qty, ', ') FROM (SELECT * FROM stock_moves WHERE kind = 'sale' ORDER BY rowid)) || ' | ' ||
		COALESCE((SELECT group_concat(sku || ' short ' || shortfall, ', ') FROM (SELECT * FROM stock_exceptions ORDER BY rowid)), '') || ' | ' ||
		COALESCE((SELECT group_concat(type || ' ' || json_extract(payload, '$.payload.sku') || ' ' || json_extract(payload, '$.payload.available'), ', ')
			FROM (SELECT * FROM outbox WHERE type = 'stock.low' ORDER BY seq)), '')`).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
