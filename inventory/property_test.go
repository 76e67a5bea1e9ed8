package inventory_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

type key struct {
	sku string
	loc inventory.Location
}

// model is the test's own account of where every unit is.
type model map[key]int64

func (m model) move(sku string, from, to inventory.Location, n int64) {
	if from != inventory.Outside {
		m[key{sku, from}] -= n
	}
	if to != inventory.Outside {
		m[key{sku, to}] += n
	}
}

// recompute sums the ledger's moves in Go, independently of Check's SQL.
func recompute(t *testing.T, s *inventory.Service) model {
	t.Helper()
	rows, err := s.DB.R.Query(`SELECT sku, COALESCE(from_loc, ''), COALESCE(to_loc, ''), qty FROM stock_moves`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := model{}
	for rows.Next() {
		var sku, from, to string
		var n int64
		if err := rows.Scan(&sku, &from, &to, &n); err != nil {
			t.Fatal(err)
		}
		if n <= 0 {
			t.Fatalf("a move of %d units", n)
		}
		m.move(sku, inventory.Location(from), inventory.Location(to), n)
	}
	return m
}

func balances(t *testing.T, s *inventory.Service) model {
	t.Helper()
	rows, err := s.DB.R.Query(`SELECT sku, location, qty FROM stock`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := model{}
	for rows.Next() {
		var sku, loc string
		var n int64
		if err := rows.Scan(&sku, &loc, &n); err != nil {
			t.Fatal(err)
		}
		m[key{sku, inventory.Location(loc)}] = n
	}
	return m
}

func sameModel(a, b model) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// proveLedger checks the invariant three ways: Check finds nothing, the
// balances equal a Go recomputation from the moves, and the zone's stock
// listing shows the same numbers.
func proveLedger(t *testing.T, s *inventory.Service) model {
	t.Helper()
	if mm := must[[]inventory.Mismatch](t)(s.CheckLedger(context.Background(), admin)); len(mm) != 0 {
		t.Fatalf("Check found %d mismatches: %+v", len(mm), mm[:min(len(mm), 5)])
	}
	b, r := balances(t, s), recompute(t, s)
	for k, v := range r {
		if v == 0 {
			delete(r, k)
		}
	}
	for k, v := range b {
		if v == 0 {
			delete(b, k)
		}
	}
	if !sameModel(b, r) {
		t.Fatalf("balances %v\n!= sum of moves %v", b, r)
	}
	for _, row := range must[[]inventory.StockRow](t)(s.Stock(context.Background(), admin, "UP")) {
		if row.Shelf != b[key{row.SKU, inventory.Shelf}] || row.Backroom != b[key{row.SKU, inventory.Backroom}] || row.Damaged != b[key{row.SKU, inventory.Damaged}] {
			t.Fatalf("stock listing %+v disagrees with balances", row)
		}
	}
	return b
}

// TestLedgerProperty applies thousands of random movements of every kind,
// then concurrent sales and returns racing a manager's receipts and
// restocks, and proves after each phase that on-hand is the sum of moves.
func TestLedgerProperty(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	addPeer(t, s, "BLR1", "KA")
	type item struct{ sku, producer string }
	var items []item
	rows, err := s.DB.R.Query(`SELECT sku, producer_id FROM products WHERE state = 'UP' ORDER BY sku LIMIT 4`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.sku, &it.producer); err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	rows.Close()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 42))
	want := model{}
	var pending []inventory.Transfer
	steps := 2000
	if testing.Short() {
		steps = 400
	}
	for step := range steps {
		it := items[rng.IntN(len(items))]
		q := int64(1 + rng.IntN(8))
		line := []inventory.Line{{SKU: it.sku, Qty: q}}
		switch op := rng.IntN(9); op {
		case 0, 1:
			receive(t, s, upMgr, "UP", it.producer, line...)
			want.move(it.sku, inventory.Outside, inventory.Backroom, q)
		case 2:
			_, err := s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: line})
			if want[key{it.sku, inventory.Backroom}] < q {
				wantCode(t, err, errs.Conflict)
			} else if err != nil {
				t.Fatal(err)
			} else {
				want.move(it.sku, inventory.Backroom, inventory.Shelf, q)
			}
		case 3:
			from := []inventory.Location{inventory.Shelf, inventory.Backroom}[rng.IntN(2)]
			_, err := s.WriteOffDamage(ctx, upMgr, "UP", inventory.DamageInput{From: from, Reason: "broken", Lines: line})
			if want[key{it.sku, from}] < q {
				wantCode(t, err, errs.Conflict)
			} else if err != nil {
				t.Fatal(err)
			} else {
				want.move(it.sku, from, inventory.Damaged, q)
			}
		case 4, 5:
			if err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
				return inventory.SellOut(ctx, tx, "LKO1", it.sku, "UP", q, "INV", cashier.ID, time.Now())
			}); err != nil {
				t.Fatal(err)
			}
			shelf, back := want[key{it.sku, inventory.Shelf}], want[key{it.sku, inventory.Backroom}]
			fromShelf := min(q, max(shelf, 0))
			fromBack := min(q-fromShelf, max(back, 0))
			want.move(it.sku, inventory.Shelf, inventory.Outside, q-fromBack)
			want.move(it.sku, inventory.Backroom, inventory.Outside, fromBack)
		case 6:
			to := []inventory.Location{inventory.Shelf, inventory.Backroom, inventory.Damaged}[rng.IntN(3)]
			if err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
				return inventory.PutBack(ctx, tx, "LKO1", inventory.KindReturn, it.sku, "UP", q, to, "CN", cashier.ID, time.Now())
			}); err != nil {
				t.Fatal(err)
			}
			want.move(it.sku, inventory.Outside, to, q)
		case 7:
			tr, err := s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "BLR1", Lines: line})
			if want[key{it.sku, inventory.Backroom}] < q {
				wantCode(t, err, errs.Conflict)
				break
			} else if err != nil {
				t.Fatal(err)
			}
			want.move(it.sku, inventory.Backroom, inventory.Transit, q)
			pending = append(pending, tr)
			if len(pending) > 2 { // the oldest arrives, maybe short
				tr, pending = pending[0], pending[1:]
				got := tr.Lines[0].Sent - int64(rng.IntN(2))
				rec := events.TransferReceipt{TransferID: tr.ID, FromMall: "LKO1", ToMall: "BLR1", Zone: "UP", By: "blr",
					Lines: []events.TransferReceiptLine{{SKU: tr.Lines[0].SKU, Sent: tr.Lines[0].Sent, Received: got}}, At: time.Now()}
				if err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return inventory.ConfirmDelivered(ctx, tx, "LKO1", rec) }); err != nil {
					t.Fatal(err)
				}
				want.move(tr.Lines[0].SKU, inventory.Transit, inventory.Outside, tr.Lines[0].Sent)
			}
		case 8:
			c := must[inventory.Count](t)(s.CreateCount(ctx, upMgr, "UP", inventory.CountInput{SKUs: []string{it.sku}}))
			var entries []inventory.CountEntry
			for _, loc := range []inventory.Location{inventory.Shelf, inventory.Backroom} {
				n := max(want[key{it.sku, loc}]+int64(rng.IntN(5)-2), 0)
				entries = append(entries, inventory.CountEntry{SKU: it.sku, Location: loc, Counted: n})
				want[key{it.sku, loc}] = n
			}
			must[inventory.Count](t)(s.SubmitCount(ctx, upMgr, c.ID, entries))
			must[inventory.Count](t)(s.PostCount(ctx, upMgr, c.ID))
		}
		if step%250 == 0 || step == steps-1 {
			got := proveLedger(t, s)
			for k, v := range want {
				if got[k] != v {
					t.Fatalf("step %d: %s/%s = %d, the model says %d", step, k.sku, k.loc, got[k], v)
				}
			}
		}
	}

	// Concurrent phase: four counters sell and take returns while the
	// manager receives and restocks. Where a sale takes its units from
	// depends on the interleaving, so the model checks totals per SKU.
	total := func(m model, sku string) int64 {
		return m[key{sku, inventory.Shelf}] + m[key{sku, inventory.Backroom}] + m[key{sku, inventory.Damaged}] + m[key{sku, inventory.Transit}]
	}
	before := map[string]int64{}
	for _, it := range items {
		before[it.sku] = total(want, it.sku)
	}
	var mu sync.Mutex
	delta := map[string]int64{}
	var wg sync.WaitGroup
	worker := func(w int, manager bool) {
		defer wg.Done()
		r := rand.New(rand.NewPCG(seed, uint64(w)))
		for range 150 {
			it := items[r.IntN(len(items))]
			q := int64(1 + r.IntN(4))
			var d int64
			var err error
			switch {
			case manager && r.IntN(2) == 0:
				_, err = s.Receive(ctx, upMgr, "UP", inventory.ReceiptInput{ProducerID: it.producer, Lines: []inventory.Line{{SKU: it.sku, Qty: q}}})
				d = q
			case manager:
				_, err = s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: it.sku, Qty: q}}})
				if errs.CodeOf(err) == errs.Conflict {
					err = nil
				}
			case r.IntN(3) == 0:
				err = s.DB.Transact(ctx, func(tx *sql.Tx) error {
					return inventory.PutBack(ctx, tx, "LKO1", inventory.KindReturn, it.sku, "UP", q, inventory.Backroom, "CN", cashier.ID, time.Now())
				})
				d = q
			default:
				err = s.DB.Transact(ctx, func(tx *sql.Tx) error {
					return inventory.SellOut(ctx, tx, "LKO1", it.sku, "UP", q, "INV", cashier.ID, time.Now())
				})
				d = -q
			}
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			delta[it.sku] += d
			mu.Unlock()
		}
	}
	for w := range 5 {
		wg.Add(1)
		go worker(w, w == 0)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	got := proveLedger(t, s)
	for _, it := range items {
		if g, w := total(got, it.sku), before[it.sku]+delta[it.sku]; g != w {
			t.Errorf("%s: %d units on hand after the concurrent phase, want %d", it.sku, g, w)
		}
	}
}
