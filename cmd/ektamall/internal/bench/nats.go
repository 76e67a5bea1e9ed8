package bench

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/shared/natsx"
)

// measureRawMirror is the raw limit of the uplink: a hub JetStream mirroring
// a mall's stream of n event-sized messages across a leaf link on
// loopback, with the same server settings (mall fsyncs every write), and
// no SQLite, no ingest and no ledger.
func measureRawMirror(ctx context.Context, dir string, n int, log *slog.Logger) (float64, error) {
	hub, err := natsx.Start(ctx, natsx.Config{Name: "bench-hub", Domain: "hub", JetStream: true, StoreDir: filepath.Join(dir, "hub"),
		LeafListen: "127.0.0.1:0", LeafNoAdvertise: true, Logger: log})
	if err != nil {
		return 0, err
	}
	defer hub.Shutdown()
	mall, err := natsx.Start(ctx, natsx.Config{Name: "bench-mall", Domain: "mall-BENCH", JetStream: true, SyncAlways: true,
		StoreDir: filepath.Join(dir, "mall"), LeafRemotes: []string{hub.LeafURL()}, LeafNoAdvertise: true, Logger: log})
	if err != nil {
		return 0, err
	}
	defer mall.Shutdown()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := mall.WaitLeafConnected(wctx); err != nil {
		return 0, err
	}
	mc, err := mall.Connect()
	if err != nil {
		return 0, err
	}
	defer mc.Close()
	mjs, err := jetstream.New(mc)
	if err != nil {
		return 0, err
	}
	if _, err := mjs.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"pos.BENCH.>"}, Storage: jetstream.FileStorage}); err != nil {
		return 0, err
	}
	body := []byte(`{"sale":` + strings.Repeat(`"x",`, 250) + `"x"}`)
	for i := 0; i < n; i++ {
		if _, err := mjs.PublishAsync("pos.BENCH.sale.completed", body); err != nil {
			return 0, err
		}
		if i%1000 == 999 {
			select {
			case <-mjs.PublishAsyncComplete():
			case <-time.After(time.Minute):
				return 0, fmt.Errorf("publish stalled at %d", i)
			}
		}
	}
	select {
	case <-mjs.PublishAsyncComplete():
	case <-time.After(time.Minute):
		return 0, fmt.Errorf("publish stalled")
	}
	hc, err := hub.Connect()
	if err != nil {
		return 0, err
	}
	defer hc.Close()
	hjs, err := jetstream.New(hc)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	s, err := hjs.CreateStream(ctx, jetstream.StreamConfig{Name: "MALL_BENCH", Storage: jetstream.FileStorage,
		Mirror: &jetstream.StreamSource{Name: "EVENTS", External: &jetstream.ExternalStream{APIPrefix: "$JS.mall-BENCH.API"}}})
	if err != nil {
		return 0, err
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		info, err := s.Info(ctx)
		if err != nil {
			return 0, err
		}
		if info.State.Msgs >= uint64(n) {
			return float64(n) / time.Since(start).Seconds(), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("mirror has %d of %d after 5 min", info.State.Msgs, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
