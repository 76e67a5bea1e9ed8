package recon_test

import (
	"context"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/recon"
	"ektamall/shared/events"
)

// TestCompletenessAcrossRestoreEpochs: a mall restored from a backup
// numbers its events from a new epoch's start; the jump is not a gap, a
// missing event inside an epoch is.
func TestCompletenessAcrossRestoreEpochs(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	a := ledger.NewApplier(func() time.Time { return now })
	ps := ledgertest.Products(t, 3)
	for _, mall := range []struct {
		id   string
		skip int64 // a sequence of epoch 1 that never arrives (0: none)
	}{{"LKO1", 0}, {"BLR1", events.EpochStart(1) + 2}} {
		m := ledgertest.NewMall(mall.id)
		apply := func(typ string, payload any) {
			ev := m.Envelope(typ, now, payload)
			if ev.Seq == mall.skip {
				return
			}
			if err := ledgertest.Apply(ctx, db, a, ev); err != nil {
				t.Fatal(err)
			}
		}
		sale := func() {
			apply(events.SaleCompleted, m.Sale("SH-"+mall.id, now, []ledgertest.Item{{Product: ps[0], Qty: 1}},
				[]events.Tender{{Method: "cash", Amount: ps[0].MRP}}))
		}
		sale()
		sale()
		m.Seq = events.EpochStart(1) - 1
		apply(events.MallRestored, events.Restore{Epoch: 1, PrevSeq: 1, RestoredAt: now, Series: "A"})
		sale()
		sale()
		sale()
	}
	comp, err := recon.Completeness(ctx, db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range comp {
		switch c.Mall {
		case "LKO1":
			if !c.Complete || c.Missing != 0 || len(c.Gaps) != 0 || c.Events != 6 {
				t.Fatalf("LKO1 holds both histories whole: %+v", c)
			}
		case "BLR1":
			gap := events.EpochStart(1) + 2
			if c.Complete || c.Missing != 1 || len(c.Gaps) != 1 || c.Gaps[0] != [2]int64{gap, gap} {
				t.Fatalf("BLR1 misses one event of epoch 1: %+v", c)
			}
		default:
			continue
		}
		checked++
	}
	if checked != 2 {
		t.Fatalf("completeness of %d of the 2 malls: %+v", checked, comp)
	}
}
