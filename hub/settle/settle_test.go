package settle_test

import (
	"context"
	"ektamall/hub"
	"io"
	"log/slog"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/errs"
	"ektamall/shared/events"
)

type fixture struct {
	ctx  context.Context
	db   hub.Store
	now  time.Time
	a    *ledger.Applier
	svc  *settle.Service
	mall *ledgertest.Mall
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{ctx: context.Background(), db: ledgertest.Open(t), now: time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC), mall: ledgertest.NewMall("LKO1")}
	ledgertest.BankAccounts(t, f.db)
	clock := func() time.Time { return f.now }
	f.a = ledger.NewApplier(clock)
	f.svc = settle.New(f.db, settle.Config{}, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return f
}

func (f *fixture) sell(t *testing.T, at time.Time, items ...ledgertest.Item) events.Sale {
	t.Helper()
	s := f.mall.Sale("SH1", at, items, nil)
	if err := ledgertest.Apply(f.ctx, f.db, f.a, f.mall.Envelope(events.SaleCompleted, at, s)); err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) run(t *testing.T) (settle.Run, map[string]int64) {
	t.Helper()
	r, _, err := f.svc.Create(f.ctx, time.Time{}, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, payoutsOf(t, f.svc, r)
}

func netOf(t *testing.T, f *fixture, s events.Sale) int64 {
	var v int64
	if err := f.db.Reader().QueryRowContext(f.ctx, `SELECT SUM(producer_net) FROM hub_sale_lines WHERE sale_id = ?`, s.SaleID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestWindowNegativeCarryAndLateArrival(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 10)[4]
	s1 := f.sell(t, f.now, ledgertest.Item{Product: p, Qty: 3})

	f.now = f.now.Add(24 * time.Hour)
	if _, pay := f.run(t); len(pay) != 0 {
		t.Fatalf("paid inside the return window: %v", pay)
	}
	f.now = f.now.Add(7 * 24 * time.Hour)
	r2, pay := f.run(t)
	if pay[p.ProducerID] != netOf(t, f, s1) || r2.PayoutCount != 1 {
		t.Fatalf("after the window: paid %v, want %d", pay, netOf(t, f, s1))
	}
	d, err := f.svc.GetPayout(f.ctx, r2.ID)
	if errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("a run id is not a payout: %v", err)
	}
	ps, _ := f.svc.Payouts(f.ctx, r2.ID)
	if d, err = f.svc.GetPayout(f.ctx, ps[0].Reference); err != nil || len(d.Lines) != 1 || d.Lines[0].InvoiceNo != s1.InvoiceNo || d.Lines[0].Qty != 3 {
		t.Fatalf("drill-down: %+v %v", d, err)
	}

	// The whole sale comes back after it was paid: the producer owes the
	// hub, carried forward, no negative payout.
	ret := f.mall.Return(s1, ledgertest.ReturnState{}, map[int]int64{1: 3}, "cash", f.now)
	if err := ledgertest.Apply(f.ctx, f.db, f.a, f.mall.Envelope(events.ReturnCompleted, f.now, ret)); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	r3, pay := f.run(t)
	if len(pay) != 0 || r3.CarriedTotal.Paise() != -netOf(t, f, s1) {
		t.Fatalf("return after payout: paid %v, carried %s", pay, r3.CarriedTotal)
	}

	// A sale made offline long ago arrives now: the run that follows its
	// arrival pays it (its window is long past), net of the debt.
	late := f.sell(t, f.now.Add(-20*24*time.Hour), ledgertest.Item{Product: p, Qty: 5})
	f.now = f.now.Add(time.Minute)
	_, pay = f.run(t)
	if want := netOf(t, f, late) - netOf(t, f, s1); pay[p.ProducerID] != want {
		t.Fatalf("late sale net of the debt: paid %d, want %d", pay[p.ProducerID], want)
	}
	// The producer's account is square: every rupee earned was paid.
	if v, _ := ledger.AccountBalance(f.ctx, f.db.Reader(), ledger.ProducerAccount(p.ProducerID)); v != 0 {
		t.Fatalf("producer account %d after settling everything", v)
	}
}

func TestRunRules(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 10)[2]
	f.sell(t, f.now.Add(-10*24*time.Hour), ledgertest.Item{Product: p, Qty: 1})

	if _, _, err := f.svc.Create(f.ctx, f.now.Add(time.Minute), "t", nil); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("future cutoff: want invalid, got %v", err)
	}
	r1, created, err := f.svc.Create(f.ctx, f.now, "t", nil)
	if err != nil || !created || r1.PayoutCount != 1 {
		t.Fatalf("first run: %+v %v %v", r1, created, err)
	}
	if _, _, err := f.svc.Create(f.ctx, f.now.Add(-time.Hour), "t", nil); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("cutoff before the last run: want conflict, got %v", err)
	}
	if _, err := f.db.Writer().ExecContext(f.ctx, `UPDATE settlement_runs SET payout_total = 0`); err == nil {
		t.Fatal("a closed run could be edited")
	}
	if _, err := f.db.Writer().ExecContext(f.ctx, `DELETE FROM settlement_balances`); err == nil {
		t.Fatal("a closed run's balances could be deleted")
	}
	// The lines a run paid are fixed by its bounds: they cannot move.
	if _, err := f.db.Writer().ExecContext(f.ctx, `UPDATE hub_sale_lines SET at = '1999-01-01T00:00:00.000000Z'`); err == nil {
		t.Fatal("a paid sale line could be moved out of its run")
	}

	// A second run while one is computing is refused.
	f.sell(t, f.now.Add(-9*24*time.Hour), ledgertest.Item{Product: p, Qty: 2})
	f.now = f.now.Add(time.Hour)
	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, _, err := f.svc.Create(f.ctx, time.Time{}, "t", func(done, total int) {
			if done == 1 {
				close(inside)
				<-release
			}
		})
		done <- err
	}()
	select {
	case <-inside:
	case <-time.After(10 * time.Second):
		t.Fatal("the first run never reached its progress callback")
	}
	_, _, err = f.svc.Create(f.ctx, time.Time{}, "t", nil)
	close(release)
	if errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("concurrent run: want conflict, got %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	runs, err := f.svc.List(f.ctx)
	if err != nil || len(runs) != 2 || runs[0].PayoutCount != 1 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
}

// The hub's clock steps back after a run (an NTP correction): a sale booked
// then is stamped after the run's cutoff, so it is not lost inside the
// closed run's region but paid by the next run.
func TestClockBehindLatestCutoff(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 10)[2]
	old := f.now.Add(-30 * 24 * time.Hour)
	f.run(t)
	cutoff := f.now
	f.now = f.now.Add(-time.Hour) // the clock is now behind the cutoff
	s := f.sell(t, old, ledgertest.Item{Product: p, Qty: 1})
	var ingested string
	if err := f.db.Reader().QueryRowContext(f.ctx, `SELECT ingested_at FROM hub_sale_lines WHERE sale_id = ?`, s.SaleID).Scan(&ingested); err != nil {
		t.Fatal(err)
	}
	if ingested <= ledger.TS(cutoff) {
		t.Fatalf("booked at %s, inside the run that closed at %s", ingested, ledger.TS(cutoff))
	}
	f.now = cutoff.Add(time.Minute)
	if _, pay := f.run(t); pay[p.ProducerID] != netOf(t, f, s) {
		t.Fatalf("the next run paid %v, want %d", pay, netOf(t, f, s))
	}
}
