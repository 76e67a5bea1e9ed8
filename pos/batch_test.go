package pos_test

import (
	"testing"
	"time"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

// TestCheckoutBatch rings sales of two cashiers in one batch, each at its
// own time in the past: they are numbered in order in each counter's
// series, take stock, and reach the outbox with their own times; a key
// used again returns its sale; a bad sale anywhere writes nothing at all.
func TestCheckoutBatch(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	p := m.Products(t, 2)
	m.Receive(t, p[0].SKU, 10)
	s1, s2 := openShift(t, m, "cashier1", "C01"), openShift(t, m, "cashier2", "C02")
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	sale := func(user, shift string, at time.Time, key string) pos.BatchSale {
		return pos.BatchSale{Actor: m.Actor(user), Key: key, At: at, Req: pos.SaleRequest{ShiftID: shift,
			Lines: []pos.LineRequest{{SKU: p[0].SKU, Qty: 1}}, Tenders: cash(p[0].MRP.String())}}
	}
	key := ids.New()
	batch := []pos.BatchSale{
		sale("cashier1", s1.ID, day, key),
		sale("cashier2", s2.ID, day.Add(time.Minute), ids.New()),
		sale("cashier1", s1.ID, day.Add(2*time.Minute), ids.New()),
	}
	sales, err := m.POS.CheckoutBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	wantNos := []string{"C01/2627/0000001", "C02/2627/0000001", "C01/2627/0000002"}
	for i, s := range sales {
		if s.InvoiceNo != wantNos[i] || !s.At.Equal(batch[i].At) || !s.Total.Equal(p[0].MRP) {
			t.Errorf("sale %d: %s at %s total %s, want %s at %s total %s", i, s.InvoiceNo, s.At, s.Total, wantNos[i], batch[i].At, p[0].MRP)
		}
	}
	rows, err := m.DB.R.Query(`SELECT type, occurred_at FROM outbox ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var times []string
	for rows.Next() {
		var typ, at string
		rows.Scan(&typ, &at)
		if typ == events.SaleCompleted {
			times = append(times, at)
		}
	}
	rows.Close()
	if len(times) != 3 || times[0] != day.Format(time.RFC3339Nano) {
		t.Errorf("sale events at %v, want three from %s", times, day.Format(time.RFC3339Nano))
	}
	var back int64
	m.DB.R.QueryRow(`SELECT qty FROM stock WHERE sku = ? AND location = 'backroom'`, p[0].SKU).Scan(&back)
	if back != 7 {
		t.Errorf("backroom holds %d after selling 3 of 10", back)
	}

	// The first key again returns its sale; nothing new is rung.
	again, err := m.POS.CheckoutBatch(ctx, batch[:1])
	if err != nil || again[0].ID != sales[0].ID {
		t.Fatalf("replayed key: %v %v, want sale %s", again, err, sales[0].ID)
	}

	// One bad sale refuses the whole batch: an unknown SKU before
	// anything is written, a closed shift after the sale before it was.
	bad := sale("cashier2", s2.ID, day.Add(time.Hour), ids.New())
	bad.Req.Lines[0].SKU = "NO-SUCH-SKU"
	_, err = m.POS.CheckoutBatch(ctx, []pos.BatchSale{sale("cashier1", s1.ID, day.Add(time.Hour), ids.New()), bad})
	wantCode(t, err, errs.Invalid, "unknown SKU")
	if _, err := m.POS.CloseShift(ctx, m.Actor("cashier2"), s2.ID, amt("2000.00").Add(p[0].MRP), nil); err != nil {
		t.Fatal(err)
	}
	before := m.Count(t, postest.Tables...)
	_, err = m.POS.CheckoutBatch(ctx, []pos.BatchSale{sale("cashier1", s1.ID, day.Add(time.Hour), ids.New()),
		sale("cashier2", s2.ID, day.Add(time.Hour), ids.New())})
	wantCode(t, err, errs.Conflict, "closed")
	after := m.Count(t, postest.Tables...)
	for tb, n := range before {
		if after[tb] != n {
			t.Errorf("a refused batch changed %s: %d → %d rows", tb, n, after[tb])
		}
	}
}
