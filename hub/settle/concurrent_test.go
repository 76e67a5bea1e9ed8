package settle_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// TestSettlementWhileMallsBook: a settlement run over a large region while
// two malls' sales keep being booked, as on a live hub (on PostgreSQL, by
// other hub nodes at the same moment). The run completes (on PostgreSQL it
// is not starved by bookings that keep invalidating its snapshot), and
// every sale line is paid exactly once: by this run if it was booked
// before its cutoff, else by the next.
func TestSettlementWhileMallsBook(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 8)
	old := f.now.Add(-20 * 24 * time.Hour)
	var lines int64
	if f.db.Dialect() == sqldb.Postgres {
		lines = bulkLines(t, f, 200_000, old)
	} else {
		for range 40 {
			f.sell(t, old, ledgertest.Item{Product: p[0], Qty: 1}, ledgertest.Item{Product: p[1], Qty: 2})
			lines += 2
		}
	}

	ctx, stop := context.WithCancel(f.ctx)
	var wg sync.WaitGroup
	var booked atomic.Int64
	errc := make(chan error, 2)
	bookAt := f.now // the malls' booking clock, apart from the fixture's, which the test moves
	books := ledger.NewApplier(func() time.Time { return bookAt })
	for i, id := range []string{"BLR1", "CHD1"} {
		m := ledgertest.NewMall(id)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				s := m.Sale("SH1", old, []ledgertest.Item{{Product: p[2+i], Qty: 1}}, nil)
				if err := ledgertest.Apply(f.ctx, f.db, books, m.Envelope(events.SaleCompleted, s.At, s)); err != nil {
					errc <- err
					return
				}
				booked.Add(1)
			}
		}()
	}
	for booked.Load() < 5 { // the malls are booking before the run starts
		time.Sleep(5 * time.Millisecond)
	}
	f.now = f.now.Add(time.Second)
	run, _, err := f.svc.Create(f.ctx, time.Time{}, "test", nil)
	time.Sleep(100 * time.Millisecond) // and go on after it
	stop()
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatalf("booking beside the run: %v", err)
	}
	if err != nil {
		t.Fatalf("settlement beside bookings: %v", err)
	}
	f.now = f.now.Add(time.Hour)
	next, _, err := f.svc.Create(f.ctx, time.Time{}, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	total := lines + booked.Load()
	if run.ItemCount+next.ItemCount != total || run.ItemCount < lines {
		t.Errorf("the runs paid %d + %d sale lines, want the %d booked before and %d beside, each once", run.ItemCount, next.ItemCount, lines, booked.Load())
	}
	var paid int64
	if err := f.db.Reader().QueryRowContext(f.ctx, `SELECT COALESCE(SUM(sale_lines), 0) FROM settlement_balances`).Scan(&paid); err != nil || paid != total {
		t.Errorf("balances count %d sale lines (%v), want %d", paid, err, total)
	}
	mustBalance(t, f)
	t.Logf("%d lines before the run, %d booked beside it; the run paid %d", lines, booked.Load(), run.ItemCount)
}

// bulkLines writes n one-line sales for LKO1 at `at` in SQL (PostgreSQL's
// generate_series), each line's producer taken round the catalog: a
// region large enough that a run takes a while.
func bulkLines(t *testing.T, f *fixture, n int, at time.Time) int64 {
	t.Helper()
	ts := ledger.TS(at)
	err := f.db.Transact(f.ctx, func(tx sqldb.Tx) error {
		if _, err := tx.ExecContext(f.ctx, `INSERT INTO hub_sales (mall, sale_id, invoice_no, shift_id, counter, at, ingested_at, event_id, total, change, tax)
			SELECT 'LKO1', 'B' || i, 'BINV' || i, 'SH1', 'C01', ?, ?, 'BE' || i, 100000, 0, 0 FROM generate_series(1, ?::bigint) AS i`, ts, ts, n); err != nil {
			return err
		}
		_, err := tx.ExecContext(f.ctx, `WITH bp AS (SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS k, id, district_id, state, count(*) OVER () AS np FROM producers)
			INSERT INTO hub_sale_lines (mall, sale_id, line_no, invoice_no, sku, producer_id, district_id, state, category, hsn, qty,
				unit_price, discount, amount, taxable, gst_rate_bp, cgst, sgst, utgst, commission_rule_id, commission_bp, commission,
				commission_gst, producer_net, at, ingested_at)
			SELECT 'LKO1', 'B' || i, 1, 'BINV' || i, 'SKU', bp.id, bp.district_id, bp.state, 'craft', '6911', 1,
				100000, 0, 100000, 95238, 500, 2381, 2381, 0, 'default', 1000, 10000, 1800, 83438, ?, ?
			FROM generate_series(1, ?::bigint) AS i JOIN bp ON bp.k = i % bp.np`, ts, ts, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return int64(n)
}
