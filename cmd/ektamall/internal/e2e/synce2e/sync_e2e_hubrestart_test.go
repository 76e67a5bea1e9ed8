package synce2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
)

// The hub is stopped in the middle of ingesting a backlog and started
// again on the same data: every event is there once.
func TestHubRestartMidIngest(t *testing.T) {
	dir := t.TempDir()
	hdir := filepath.Join(dir, "hub")
	h := startHub(t, hdir, "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	sku := firstSKU(t)
	const n = 6000
	m.sell(t, n, 200, func(int) string { return sku })

	e2e.WaitFor(t, 30*time.Second, "hub ingests part of the backlog", func() error {
		if wm, _ := watermark(h.DB, "LKO1"); wm < 1000 {
			return errNotYet
		}
		return nil
	})
	h.stop()
	wm, _ := watermark(openHubStore(t, hdir), "LKO1")
	if wm >= n {
		t.Fatalf("the hub finished (watermark %d) before it was stopped", wm)
	}
	t.Logf("hub stopped at watermark %d", wm)

	h = startHub(t, hdir, h.leaf, nil)
	waitWatermark(t, h, m, n, 60*time.Second)
	hc, hp := hubTotals(t, h.DB, "LKO1")
	mc, mp := mallTotals(t, m.DB)
	if hc != n || hp != mp || mc != n {
		t.Fatalf("hub %d sales / %d paise, mall %d / %d", hc, hp, mc, mp)
	}
}

// The hub's JetStream store is lost while its SQLite survives: the hub's
// mirror starts empty, the hub reports what it is missing, the mall
// re-sends from the watermark and the hub converges without duplicates.
func TestHubStoreLostMallResends(t *testing.T) {
	dir := t.TempDir()
	hdir := filepath.Join(dir, "hub")
	h := startHub(t, hdir, "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	sku := firstSKU(t)
	m.sell(t, 500, 100, func(int) string { return sku })
	waitWatermark(t, h, m, 500, 30*time.Second)

	// Events reach the hub's stream but are not ingested, then the store
	// goes: the hub's mirror acked them, so the mall will not send them
	// again on its own.
	h.Svc.Close()
	h.Svc = nil
	m.sell(t, 300, 100, func(int) string { return sku })
	e2e.WaitFor(t, 20*time.Second, "hub mirror holds the new events", func() error {
		if st := m.status(t); st.RelayedSeq != 800 {
			return fmt.Errorf("relayed %d", st.RelayedSeq)
		}
		return mirrorHas(h, "LKO1", 800)
	})
	leaf := h.leaf
	h.stop()
	if err := os.RemoveAll(filepath.Join(hdir, "nats")); err != nil {
		t.Fatal(err)
	}
	h = startHub(t, hdir, leaf, nil)
	m.sell(t, 200, 100, func(int) string { return sku }) // life goes on
	waitWatermark(t, h, m, 1000, 60*time.Second)
	hc, hp := hubTotals(t, h.DB, "LKO1")
	mc, mp := mallTotals(t, m.DB)
	if hc != 1000 || hp != mp || mc != 1000 {
		t.Fatalf("hub %d sales / %d paise, mall %d / %d", hc, hp, mc, mp)
	}
	if st := m.status(t); st.ResendGen == 0 {
		t.Fatalf("converged without a re-send? %+v", st)
	}
}
