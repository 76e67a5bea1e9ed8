package synce2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/natsx"
	"ektamall/shared/syncwire"
)

// Mall A's credentials can neither publish on mall B's subjects nor read
// mall B's stream, deliveries or reports.
func TestMallCredentialsAreConfined(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	credsA := h.provision("LKO1", "UP", filepath.Join(dir, "LKO1"))
	credsB := h.provision("BLR1", "KA", filepath.Join(dir, "BLR1"))
	b := startMall(t, "BLR1", "KA", filepath.Join(dir, "BLR1"), "nats-leaf://"+h.leaf, credsB, nil)
	sku := firstSKU(t)
	b.sell(t, 5, 5, func(int) string { return sku })
	waitWatermark(t, h, b, 5, 20*time.Second)

	// A rogue server holding mall A's credentials.
	ctx := context.Background()
	rogue, err := natsx.Start(ctx, natsx.Config{Name: "rogue", LeafRemotes: []string{"nats-leaf://" + h.leaf},
		LeafCredentials: credsA, LeafNoAdvertise: true, Logger: e2e.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rogue.Shutdown)
	if err := rogue.WaitLeafConnected(deadline(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	rc, err := rogue.Connect()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := h.NATS.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()

	// Reading: B's deliveries, reports and downlink never reach A's link,
	// while A's own reports do (so the link itself works).
	snoop, _ := rc.SubscribeSync("ekm.>")
	own, _ := rc.SubscribeSync(syncwire.WatermarkSubject("LKO1"))
	rc.Flush()
	b.sell(t, 5, 5, func(int) string { return sku })
	waitWatermark(t, h, b, 10, 20*time.Second)
	if _, err := own.NextMsg(5 * time.Second); err != nil {
		t.Fatalf("A's own watermark reports do not arrive: %v", err)
	}
	for {
		m, err := snoop.NextMsg(100 * time.Millisecond)
		if err != nil {
			break
		}
		if m.Subject != syncwire.WatermarkSubject("LKO1") {
			t.Fatalf("A's link received %s", m.Subject)
		}
	}
	for _, subj := range []string{
		"$JS.hub.API.STREAM.INFO." + syncwire.HubMallStream("BLR1"),
		"$JS.hub.API.CONSUMER.CREATE." + syncwire.HubMallStream("BLR1"),
		"$JS.mall-BLR1.API.STREAM.INFO.EVENTS",
		"$JS.hub.API.CONSUMER.RESET." + syncwire.CatalogStream + "." + syncwire.CatalogConsumer("BLR1"),
	} {
		if m, err := rc.Request(subj, []byte(`{}`), time.Second); err == nil {
			t.Fatalf("A's credentials got an answer on %s: %s", subj, m.Data)
		}
	}

	// Publishing: A's message on B's deliver subject is refused at the
	// hub, while the same message on A's own one arrives (the control).
	got := map[string]chan struct{}{}
	for _, mall := range []string{"LKO1", "BLR1"} {
		ch := make(chan struct{}, 16)
		got[mall] = ch
		sub, _ := hc.Subscribe(syncwire.UplinkDeliver(mall), func(m *nats.Msg) {
			if string(m.Data) == "forged" {
				ch <- struct{}{}
			}
		})
		defer sub.Unsubscribe()
	}
	hc.Flush()
	// Interest travels to the leaf asynchronously: publish until the
	// control arrives, then a while longer.
	ownArrived := false
	for i := 0; i < 60; i++ {
		for _, subj := range []string{syncwire.UplinkDeliver("BLR1"), syncwire.UplinkDeliver("LKO1")} {
			if err := rc.Publish(subj, []byte("forged")); err != nil {
				t.Fatal(err)
			}
		}
		rc.Flush()
		select {
		case <-got["LKO1"]:
			ownArrived = true
		case <-time.After(100 * time.Millisecond):
		}
		if ownArrived && i >= 10 {
			break
		}
	}
	if !ownArrived {
		t.Fatal("A's link cannot publish on its own subject either: the test proves nothing")
	}
	select {
	case <-got["BLR1"]:
		t.Fatal("A's message reached B's deliver subject")
	case <-time.After(300 * time.Millisecond):
	}
	// Nothing of A's entered B's books. (B's mirror itself may hold more
	// than 10 messages: under load B's relay may re-send from the
	// watermark, which ingest de-duplicates.)
	if wm, hi := watermark(h.DB, "BLR1"); wm != 10 || hi != 10 {
		t.Fatalf("B's watermark %d, highest %d; want 10 and 10", wm, hi)
	}
	if ps, err := h.Svc.ParkedEvents(context.Background(), "BLR1", 0); err != nil || len(ps) != 0 {
		t.Fatalf("B has parked events %+v (%v): something foreign reached its stream", ps, err)
	}
}

func deadline(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
