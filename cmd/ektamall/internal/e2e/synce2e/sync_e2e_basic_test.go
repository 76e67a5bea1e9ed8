package synce2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
)

func TestSaleReachesHub(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	p := newProxy(t, h.leaf)
	creds := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	m := startMall(t, "LKO1", "UP", filepath.Join(dir, "LKO1"), p.url(), creds, nil)
	sku := firstSKU(t)
	m.sell(t, 3, 1, func(int) string { return sku })
	start := time.Now()
	waitWatermark(t, h, m, 3, 20*time.Second)
	t.Logf("3 events at the hub in %s", time.Since(start))
	e2e.WaitFor(t, 5*time.Second, "mall sees watermark", func() error {
		st := m.status(t)
		if st.HubWatermark != 3 || st.Pending != 0 || !st.Connected {
			return fmt.Errorf("%+v", st)
		}
		return nil
	})
}
