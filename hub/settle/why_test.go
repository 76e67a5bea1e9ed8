package settle_test

import (
	"strings"
	"testing"
	"time"

	"ektamall/hub/ledger/ledgertest"
)

// TestRunThatPaysNothingSaysWhy: a run inside every sale's return window
// pays nobody and says when the first sale becomes payable, in IST words.
func TestRunThatPaysNothingSaysWhy(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 10)[4]
	f.sell(t, f.now, ledgertest.Item{Product: p, Qty: 1}) // 2 March 2026, 10:30 am IST
	f.now = f.now.Add(24 * time.Hour)
	r, pay := f.run(t)
	if len(pay) != 0 {
		t.Fatalf("paid inside the return window: %v", pay)
	}
	got, err := f.svc.Get(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 9, 5, 0, 0, 0, time.UTC)
	if got.Nothing == nil || got.Nothing.NextPayableAt == nil || !got.Nothing.NextPayableAt.Equal(want) ||
		!strings.Contains(got.Nothing.Reason, "7-day return window") || !strings.Contains(got.Nothing.Reason, "payable on 9 March 2026, 10:30 am IST") {
		t.Fatalf("why nothing was paid: %+v", got.Nothing)
	}
	f.now = f.now.Add(7 * 24 * time.Hour)
	r2, _ := f.run(t)
	if got, _ := f.svc.Get(f.ctx, r2.ID); got.PayoutCount != 1 || got.Nothing != nil {
		t.Fatalf("a run that pays: %+v", got)
	}
}
