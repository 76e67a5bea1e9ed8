package pos_test

import (
	"sync"
	"testing"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/sqlitedb"
)

// TestConcurrentCheckoutsOneSKU: 32 goroutines at 4 counters sell the same
// SKU at once, past its stock. Every sale must be recorded, the stock must
// equal the initial quantity less what was sold (negative is allowed and
// flagged), the ledger must equal its moves, and each counter's invoice
// series and the outbox sequence must have no gaps.
func TestConcurrentCheckoutsOneSKU(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	const (
		sku        = "UP-ALG-001"
		initial    = 100
		goroutines = 32
		each       = 6
	)
	m.Receive(t, sku, initial)
	counters := []string{"C01", "C02", "C03", "C04"}
	users := []string{"cashier1", "cashier2", "cashier3", "cashier4"}
	m.AddUser(t, "cashier3", auth.Cashier)
	m.AddUser(t, "cashier4", auth.Cashier)
	shifts := make([]pos.Shift, len(counters))
	for i := range counters {
		shifts[i] = openShift(t, m, users[i], counters[i])
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		sold int64
		per  = map[string]int{}
	)
	for g := range goroutines {
		wg.Go(func() {
			k := g % len(counters)
			for i := range each {
				qty := int64(1 + (g+i)%3)
				s, _, err := m.POS.Checkout(ctx, m.Actor(users[k]), ids.New(), pos.SaleRequest{ShiftID: shifts[k].ID,
					Lines: []pos.LineRequest{{SKU: sku, Qty: qty}}, Tenders: cash("2000.00")})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				sold += qty
				per[s.Counter]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	shelf, _ := inventory.Balance(ctx, m.DB.R, sku, inventory.Shelf)
	back, _ := inventory.Balance(ctx, m.DB.R, sku, inventory.Backroom)
	if shelf+back != initial-sold {
		t.Errorf("stock shelf %d + backroom %d = %d, want %d − %d = %d", shelf, back, shelf+back, initial, sold, initial-sold)
	}
	if bad, err := inventory.Check(ctx, m.DB.R); err != nil || len(bad) != 0 {
		t.Errorf("stock ledger: %v %v", bad, err)
	}
	var short int64
	m.DB.R.QueryRow(`SELECT COALESCE(SUM(shortfall), 0) FROM stock_exceptions WHERE sku = ?`, sku).Scan(&short)
	if short != sold-initial {
		t.Errorf("shortfall flagged %d, want %d", short, sold-initial)
	}
	for _, c := range counters {
		rows, err := m.DB.R.Query(`SELECT invoice_no, seq FROM sales WHERE series = ? ORDER BY seq`, c)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(1)
		for rows.Next() {
			var (
				no  string
				seq int64
			)
			rows.Scan(&no, &seq)
			_, _, parsed, err := invoice.Parse(no)
			if seq != want || parsed != seq || err != nil {
				t.Errorf("counter %s: invoice %s (seq %d), want seq %d", c, no, seq, want)
			}
			want++
		}
		rows.Close()
		if int(want-1) != per[c] {
			t.Errorf("counter %s has %d invoices, %d sales were rung", c, want-1, per[c])
		}
	}
	var n, maxSeq int64
	m.DB.R.QueryRow(`SELECT count(*), MAX(seq) FROM outbox`).Scan(&n, &maxSeq)
	if n != goroutines*each || maxSeq != n {
		t.Errorf("outbox has %d events up to seq %d, want %d without gaps", n, maxSeq, goroutines*each)
	}
}
