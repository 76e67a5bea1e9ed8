package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/shared/events"
)

// An event naming a product the hub does not know is parked with its
// reason, and the events behind it still arrive and apply.
func TestUnknownProductParkedOthersFlow(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	sku := firstSKU(t)
	m.sell(t, 2, 1, func(int) string { return sku })
	m.sell(t, 1, 1, func(int) string { return "ZZ-ZZZ-999" })
	m.sell(t, 5, 1, func(int) string { return sku })
	waitWatermark(t, h, m, 8, 20*time.Second)

	ps, err := h.Svc.ParkedEvents(context.Background(), "LKO1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Seq == nil || *ps[0].Seq != 3 || ps[0].Code != "not_found" {
		t.Fatalf("parked = %+v", ps)
	}
	if hc, _ := hubTotals(t, h.DB, "LKO1"); hc != 7 {
		t.Fatalf("hub applied %d sales, want 7", hc)
	}
	ms, err := h.Svc.Malls(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Watermark != 8 || ms[0].Parked != 1 || ms[0].Events != 8 || !ms[0].Connected || ms[0].LastEventAt == nil {
		t.Fatalf("malls = %+v", ms)
	}
}

// An event whose envelope names another mall is parked and never takes
// that sequence number from the mall's real event.
func TestForeignMallEventRejected(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	sku := firstSKU(t)
	ctx := context.Background()
	// A forged event in LKO1's stream claiming to be BLR1's sequence 1.
	err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
		s := sampleSale("BLR1", 0, sku)
		_, err := events.Append(ctx, tx, "BLR1", events.SaleCompleted, s.At, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m.sell(t, 3, 1, func(int) string { return sku })
	e2e.WaitFor(t, 20*time.Second, "forged event parked", func() error {
		ps, err := h.Svc.ParkedEvents(ctx, "LKO1", 0)
		if err != nil || len(ps) != 1 || ps[0].Code != "forbidden" {
			return fmt.Errorf("parked %+v %v", ps, err)
		}
		return nil
	})
	// The mall's own events 2..4 wait behind the gap at 1: the hub never
	// applies out of order, and the forged event cannot fill the gap.
	// (The forged event may be parked before 2..4 arrive: wait for them.)
	e2e.WaitFor(t, 20*time.Second, "events 2..4 received", func() error {
		if _, hi := watermark(h.DB, "LKO1"); hi != 4 {
			return fmt.Errorf("highest %d, want 4", hi)
		}
		return nil
	})
	if wm, _ := watermark(h.DB, "LKO1"); wm != 0 {
		t.Fatalf("watermark %d, want 0: the gap at 1 must hold", wm)
	}
}

// A backlog with an unknown product in the middle arrives in one batch:
// the hub parks that one event alone, books every other, and its books
// balance.
func TestRefusedEventInBacklogParkedAlone(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", func(c *ingest.Config) { c.Books = ledger.NewApplier(nil).Open })
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	p.stop()
	sku := firstSKU(t)
	m.sell(t, 20, 20, func(int) string { return sku })
	m.sell(t, 1, 1, func(int) string { return "ZZ-ZZZ-999" })
	m.sell(t, 20, 20, func(int) string { return sku })
	p.start()
	waitWatermark(t, h, m, 41, 30*time.Second)

	ps, err := h.Svc.ParkedEvents(context.Background(), "LKO1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Seq == nil || *ps[0].Seq != 21 || ps[0].Code != "not_found" {
		t.Fatalf("parked = %+v", ps)
	}
	if hc, _ := hubTotals(t, h.DB, "LKO1"); hc != 40 {
		t.Fatalf("hub applied %d sales, want 40", hc)
	}
	// One entry per sale booked, beside the batches' summaries of their tax.
	r, err := ledger.Check(context.Background(), h.DB.Reader())
	var sales int
	if err == nil {
		err = h.DB.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM ledger_entries WHERE kind = 'sale'`).Scan(&sales)
	}
	if err != nil || !r.OK || sales != 40 {
		t.Fatalf("books: %+v, %d sale entries, %v", r, sales, err)
	}
}
