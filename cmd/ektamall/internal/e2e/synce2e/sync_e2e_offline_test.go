package synce2e

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
)

// A mall cut off from the hub keeps selling; when the link returns the hub
// holds every sale exactly once and its totals equal the mall's to the paisa.
func TestOfflineTenThousandSales(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	skus := loadSeed(t).Products
	sku := func(i int) string { return skus[i%len(skus)].SKU }

	m.sell(t, 10, 5, sku) // connected first, so the cut is of a live link
	waitWatermark(t, h, m, 10, 20*time.Second)
	// The hub's report of it must reach the mall before the cut, or the
	// mall rightly counts the first sales as pending too.
	e2e.WaitFor(t, 10*time.Second, "mall sees watermark 10", func() error {
		if st := m.status(t); st.HubWatermark != 10 {
			return fmt.Errorf("mall sees watermark %d", st.HubWatermark)
		}
		return nil
	})

	p.stop()
	e2e.WaitFor(t, 10*time.Second, "mall notices the cut", func() error {
		if m.NATS.LeafConnected() {
			return errNotYet
		}
		return nil
	})
	m.sell(t, 9990, 100, func(i int) string { return sku(i + 10) })
	// While cut off the relay still moves everything into the local stream,
	// and nothing counts as delivered.
	e2e.WaitFor(t, 30*time.Second, "relay drains offline", func() error {
		st := m.status(t)
		if st.RelayedSeq != 10000 {
			return fmt.Errorf("relayed %d", st.RelayedSeq)
		}
		if st.HubWatermark != 10 || st.Pending != 9990 || st.Connected {
			return fmt.Errorf("offline status %+v", st)
		}
		return nil
	})
	if wm, _ := watermark(h.DB, "LKO1"); wm != 10 {
		t.Fatalf("hub watermark moved to %d while cut off", wm)
	}

	p.start()
	start := time.Now()
	waitWatermark(t, h, m, 10000, 60*time.Second)
	t.Logf("9,990-event backlog at the hub %s after the link returned", time.Since(start))
	e2e.WaitFor(t, 10*time.Second, "mall sees the hub has everything", func() error {
		if st := m.status(t); st.Pending != 0 || st.HubWatermark != 10000 {
			return fmt.Errorf("%+v", st)
		}
		return nil
	})

	hc, hp := hubTotals(t, h.DB, "LKO1")
	mc, mp := mallTotals(t, m.DB)
	if hc != 10000 || mc != 10000 || hp != mp {
		t.Fatalf("hub %d sales / %d paise, mall %d sales / %d paise", hc, hp, mc, mp)
	}
	var rows int
	h.DB.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM events_received WHERE mall_id = 'LKO1'`).Scan(&rows)
	if rows != 10000 {
		t.Fatalf("hub holds %d events, want 10000", rows)
	}
}
