package api_test

import (
	"fmt"
	"math"
	"testing"

	"ektamall/inventory"
)

// Issue 14 item 2: a quantity past any real consignment is refused at the
// API with a 400 on every stock path, and the stock update itself refuses
// to overflow, so a SKU's balance stays an integer and the SKU keeps
// selling, counting and reading.
func TestStockQuantityOverflowRefused(t *testing.T) {
	m := newInvMall(t)
	line := func(q int64) []any { return []any{map[string]any{"sku": upSKU, "qty": q}} }
	stockOK := func() {
		t.Helper()
		var rows []map[string]any
		m.must(m.call("up", "GET", "/api/v1/stock?zone=UP", nil, &rows), 200)
		var typ string
		if err := m.db.R.QueryRow(`SELECT COALESCE((SELECT group_concat(DISTINCT typeof(qty)) FROM stock), 'integer')`).Scan(&typ); err != nil || typ != "integer" {
			t.Fatalf("stock rows hold %q (%v), want only integers", typ, err)
		}
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": line(20)}, nil), 201)
	var c struct{ ID string }
	m.must(m.call("up", "POST", "/api/v1/zones/UP/counts", map[string]any{"skus": []string{upSKU}}, &c), 201)
	before := m.state()
	for _, q := range []int64{math.MaxInt64, math.MaxInt64 / 2, inventory.MaxLineQty + 1} {
		var e struct {
			Error struct{ Code, Message string }
		}
		m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": line(q)}, &e), 400)
		if e.Error.Code != "invalid" || e.Error.Message == "" {
			t.Fatalf("receipt of %d: %+v", q, e)
		}
		m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": line(q)}, nil), 400)
		m.must(m.call("up", "POST", "/api/v1/zones/UP/damage", map[string]any{"from": "backroom", "reason": "broken", "lines": line(q)}, nil), 400)
		m.must(m.call("up", "POST", "/api/v1/zones/UP/transfers", map[string]any{"to_mall": "BLR1", "lines": line(q)}, nil), 400)
		csv := fmt.Sprintf("sku,qty\n%s,%d\n", upSKU, q)
		m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts/import?producer_id="+upProd, rawBody{"text/csv", csv}, nil), 400)
	}
	// Several receipts adding up past int64 are each refused the same way.
	for range 3 {
		m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": line(math.MaxInt64 / 2)}, nil), 400)
	}
	m.must(m.call("up", "POST", "/api/v1/counts/"+c.ID+"/submit", map[string]any{"lines": []any{
		map[string]any{"sku": upSKU, "location": "backroom", "counted": int64(math.MaxInt64)}}}, nil), 400)
	m.must(m.call("up", "POST", "/api/v1/counts/"+c.ID+"/submit", map[string]any{"lines": []any{
		map[string]any{"sku": upSKU, "location": "backroom", "counted": inventory.MaxLineQty + 1}}}, nil), 400)
	if m.state() != before {
		t.Fatal("refused quantities changed the database")
	}
	stockOK()
	// The largest line is accepted.
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": line(inventory.MaxLineQty)}, nil), 201)

	// The balance itself cannot pass its bound, whatever path adds to it:
	// a backroom a few units short of the bound refuses the next receipt
	// with a conflict and stays an integer that still sells and reads.
	if _, err := m.db.W.Exec(`UPDATE stock SET qty = ? WHERE sku = ? AND location = 'backroom'`, inventory.MaxStockQty-5, upSKU); err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	m.must(m.call("up", "POST", "/api/v1/zones/UP/receipts", map[string]any{"producer_id": upProd, "lines": line(10)}, &e), 409)
	if e.Error.Code != "conflict" {
		t.Fatalf("receipt past the bound: %+v", e)
	}
	m.sell(upSKU, "UP", 3)
	m.must(m.call("up", "POST", "/api/v1/zones/UP/restock", map[string]any{"lines": line(7)}, nil), 201)
	stockOK()
	// And the database refuses a REAL or out-of-range balance outright.
	for _, q := range []string{"9223372036854775807 + 1", "1e12", "1000000001", "-1000000001"} {
		if _, err := m.db.W.Exec(`UPDATE stock SET qty = ` + q + ` WHERE sku = '` + upSKU + `' AND location = 'shelf'`); err == nil {
			t.Fatalf("stock qty = %s accepted by the database", q)
		}
	}
	stockOK()
}
