package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/cmd/ektamall/internal/linkproxy"
	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/shared/natsx"
	"ektamall/shared/sqlitedb"
)

// linkCut is how long the bench cuts the leaf link (at least: the cut
// lasts until the backlog is in the mall's stream).
const linkCut = 15 * time.Second

// catchUp is how long a backlog of o.events took to reach the hub after an
// outage ended: into the hub's ledger (the app), and into the hub's stream
// through a durable cross-domain source (raw NATS, the same outage, the
// same run).
type catchUp struct {
	restart, cut       time.Duration // app: hub restart, link cut
	rawRestart, rawCut time.Duration // raw durable source
	cutFor, rawCutFor  time.Duration // how long each link was cut
}

// measureCatchUp runs the app's and the raw outages one after the other.
func measureCatchUp(ctx context.Context, o *Options, dir string, log *slog.Logger) (catchUp, error) {
	var r catchUp
	var err error
	if r.rawRestart, r.rawCut, r.rawCutFor, err = rawCatchUp(ctx, filepath.Join(dir, "raw"), o.events, log); err != nil {
		return r, fmt.Errorf("raw: %w", err)
	}
	r.restart, r.cut, r.cutFor, err = appCatchUp(ctx, o, filepath.Join(dir, "app"), log)
	return r, err
}

// appCatchUp: a hub child and a mall child linked through a proxy. The
// hub stops while the mall puts a backlog in its stream, and starts again;
// then the link is cut while it puts another. Each figure runs from the
// end of the outage (hub process started, link healed) until the hub's
// watermark covers the backlog, i.e. until its ledger holds every event.
func appCatchUp(ctx context.Context, o *Options, dir string, log *slog.Logger) (restart, cut, cutFor time.Duration, err error) {
	const mall = "LKO3"
	hubDir, mallDir := filepath.Join(dir, "hub"), filepath.Join(dir, mall)
	if err = os.MkdirAll(hubDir, 0o750); err != nil {
		return
	}
	creds, err := hubapp.ProvisionMallInDir(ctx, hubDir, ingest.MallInfo{ID: mall, State: "UP"}, true, log)
	if err != nil {
		return
	}
	credsPath := filepath.Join(dir, "leaf.creds")
	if err = os.WriteFile(credsPath, creds, 0o600); err != nil {
		return
	}
	if _, err = InitMall(ctx, mallDir, mall, log); err != nil {
		return
	}
	hubHTTP, err := freeAddr()
	if err != nil {
		return
	}
	leaf, err := freeAddr()
	if err != nil {
		return
	}
	hubArgs := []string{"hub", "--dir", hubDir, "--http", hubHTTP, "--leaf", leaf, "--metrics", "off"}
	h, _, err := startChild(ctx, hubHTTP, hubArgs...)
	if err != nil {
		return
	}
	defer func() {
		if h != nil { // nil if it failed to start again
			h.stop()
		}
	}()
	proxy, err := linkproxy.New(leaf)
	if err != nil {
		return
	}
	defer proxy.Close()
	mallHTTP, err := freeAddr()
	if err != nil {
		return
	}
	m, _, err := startChild(ctx, mallHTTP, "mall", "--dir", mallDir, "--id", mall, "--state", "UP", "--http", mallHTTP, "--metrics", "off",
		"--hub", "nats-leaf://"+proxy.Addr, "--creds", credsPath)
	if err != nil {
		return
	}
	defer m.stop()
	hdb, err := sqlitedb.Open(ctx, filepath.Join(hubDir, "hub.db"), sqlitedb.Options{})
	if err != nil {
		return
	}
	defer hdb.Close()
	mdb, err := sqlitedb.Open(ctx, filepath.Join(mallDir, "mall.db"), sqlitedb.Options{})
	if err != nil {
		return
	}
	defer mdb.Close()
	watermark := func(target int64, limit time.Duration) error {
		return waitFor(ctx, limit, fmt.Sprintf("the hub's watermark to reach %d", target), func() (bool, error) {
			var wm int64
			err := hdb.R.QueryRowContext(ctx, `SELECT watermark FROM mall_sync WHERE mall_id = ?`, mall).Scan(&wm)
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			return wm >= target, err
		})
	}
	relayed := func(target int64) error {
		return waitFor(ctx, 5*time.Minute, fmt.Sprintf("the mall's relay to reach %d", target), func() (bool, error) {
			var seq int64
			err := mdb.R.QueryRowContext(ctx, `SELECT relayed_seq FROM sync_state WHERE id = 1`).Scan(&seq)
			if errors.Is(err, sql.ErrNoRows) {
				return false, nil
			}
			return seq >= target, err
		})
	}
	// The link works and the hub's mirror of the mall is set up.
	next := 0
	target, err := appendBacklog(ctx, mallDir, mall, next, 1000)
	if err != nil {
		return
	}
	next += 1000
	if err = watermark(target, 2*time.Minute); err != nil {
		return
	}

	// (a) The hub restarts while the mall has a backlog in its stream.
	h.stop()
	if target, err = appendBacklog(ctx, mallDir, mall, next, o.events); err != nil {
		return
	}
	next += o.events
	if err = relayed(target); err != nil {
		return
	}
	start := time.Now()
	if h, _, err = startChild(ctx, hubHTTP, hubArgs...); err != nil {
		return
	}
	if err = watermark(target, 8*time.Minute); err != nil {
		return
	}
	restart = time.Since(start)

	// (b) The leaf link is cut while the mall puts a backlog in its stream.
	cutAt := time.Now()
	proxy.SetCut(true)
	if target, err = appendBacklog(ctx, mallDir, mall, next, o.events); err != nil {
		return
	}
	if err = relayed(target); err != nil {
		return
	}
	sleepUntil(ctx, cutAt.Add(linkCut))
	cutFor = time.Since(cutAt)
	start = time.Now()
	proxy.SetCut(false)
	if err = watermark(target, 8*time.Minute); err != nil {
		return
	}
	cut = time.Since(start)
	return restart, cut, cutFor, nil
}

// rawCatchUp is the same two outages with NATS alone: a mall server's
// stream sourced by a hub server's mirror through a durable push consumer
// on the mall (as the app's mirror is), across the leaf link through the
// proxy. The mall server does not fsync every message here, so that the
// backlog is in its stream quickly; that does not change how the source
// resumes. Each figure runs from the end of the outage until the hub's
// mirror holds every message.
func rawCatchUp(ctx context.Context, dir string, n int, log *slog.Logger) (restart, cut, cutFor time.Duration, err error) {
	leaf, err := freeAddr()
	if err != nil {
		return
	}
	hubCfg := natsx.Config{Name: "catchup-hub", Domain: "hub", JetStream: true, StoreDir: filepath.Join(dir, "hub"),
		LeafListen: leaf, LeafNoAdvertise: true, Logger: log}
	hub, err := natsx.Start(ctx, hubCfg)
	if err != nil {
		return
	}
	defer func() {
		if hub != nil {
			hub.Shutdown()
		}
	}()
	proxy, err := linkproxy.New(leaf)
	if err != nil {
		return
	}
	defer proxy.Close()
	mall, err := natsx.Start(ctx, natsx.Config{Name: "catchup-mall", Domain: "mall-CATCH", JetStream: true,
		StoreDir: filepath.Join(dir, "mall"), LeafRemotes: []string{"nats-leaf://" + proxy.Addr}, LeafNoAdvertise: true,
		LeafReconnectInterval: 100 * time.Millisecond, Logger: log})
	if err != nil {
		return
	}
	defer mall.Shutdown()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err = mall.WaitLeafConnected(wctx); err != nil {
		return
	}
	mc, err := mall.Connect()
	if err != nil {
		return
	}
	defer mc.Close()
	mjs, err := jetstream.New(mc)
	if err != nil {
		return
	}
	if _, err = mjs.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"pos.CATCH.>"}, Storage: jetstream.FileStorage}); err != nil {
		return
	}
	const deliver = "hub.deliver.CATCH"
	if _, err = mjs.CreateOrUpdatePushConsumer(ctx, "EVENTS", jetstream.ConsumerConfig{Durable: "TO_HUB", DeliverSubject: deliver,
		DeliverPolicy: jetstream.DeliverAllPolicy, AckPolicy: jetstream.AckFlowControlPolicy, FlowControl: true, IdleHeartbeat: time.Second,
		MaxAckPending: 20000}); err != nil {
		return
	}
	body := []byte(`{"sale":` + strings.Repeat(`"x",`, 250) + `"x"}`)
	publish := func(k int) error {
		for i := 0; i < k; i++ {
			if _, err := mjs.PublishAsync("pos.CATCH.sale.completed", body); err != nil {
				return err
			}
			if i%1000 == 999 || i == k-1 {
				select {
				case <-mjs.PublishAsyncComplete():
				case <-time.After(time.Minute):
					return fmt.Errorf("publish stalled at %d", i)
				}
			}
		}
		return nil
	}
	mirrored := func(want uint64) error {
		return waitFor(ctx, 5*time.Minute, fmt.Sprintf("the hub's mirror to hold %d", want), func() (bool, error) {
			hc, err := hub.Connect()
			if err != nil {
				return false, nil
			}
			defer hc.Close()
			hjs, err := jetstream.New(hc)
			if err != nil {
				return false, err
			}
			s, err := hjs.Stream(ctx, "MALL_CATCH")
			if err != nil {
				return false, nil // the restarted server is still loading its streams
			}
			info, err := s.Info(ctx)
			if err != nil {
				return false, nil
			}
			return info.State.Msgs >= want, nil
		})
	}
	hc, err := hub.Connect()
	if err != nil {
		return
	}
	hjs, err := jetstream.New(hc)
	if err != nil {
		hc.Close()
		return
	}
	_, err = hjs.CreateStream(ctx, jetstream.StreamConfig{Name: "MALL_CATCH", Storage: jetstream.FileStorage,
		Mirror: &jetstream.StreamSource{Name: "EVENTS", External: &jetstream.ExternalStream{APIPrefix: "$JS.mall-CATCH.API"},
			Consumer: &jetstream.StreamConsumerSource{Name: "TO_HUB", DeliverSubject: deliver}}})
	hc.Close()
	if err != nil {
		return
	}
	total := uint64(1000)
	if err = publish(1000); err != nil {
		return
	}
	if err = mirrored(total); err != nil {
		return
	}

	// (a) The hub server restarts (its store kept) after the backlog.
	hub.Shutdown()
	if err = publish(n); err != nil {
		return
	}
	total += uint64(n)
	start := time.Now()
	if hub, err = natsx.Start(ctx, hubCfg); err != nil {
		return
	}
	if err = mirrored(total); err != nil {
		return
	}
	restart = time.Since(start)

	// (b) The link is cut while the backlog is written.
	cutAt := time.Now()
	proxy.SetCut(true)
	if err = publish(n); err != nil {
		return
	}
	total += uint64(n)
	sleepUntil(ctx, cutAt.Add(linkCut))
	cutFor = time.Since(cutAt)
	start = time.Now()
	proxy.SetCut(false)
	if err = mirrored(total); err != nil {
		return
	}
	cut = time.Since(start)
	return restart, cut, cutFor, nil
}

// waitFor polls done every 20 ms until it reports true, fails, or limit
// passes.
func waitFor(ctx context.Context, limit time.Duration, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %s for %s", limit, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time) {
	if d := time.Until(t); d > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
}

// catchUpFigures are the two catch-up figures, each beside the raw
// durable source's time for the same outage in the same run.
func catchUpFigures(o *Options, cu catchUp) []figure {
	within3 := func(v, _, _ float64) bool { return v <= 3 }
	return []figure{
		newFigure("catchup_hub_restart", fmt.Sprintf("%d-event backlog into the ledger after a hub restart", o.events), cu.restart.Seconds(), "s",
			cu.rawRestart.Seconds(), "raw durable source after a restart, s", "≤ 3 s", within3),
		newFigure("catchup_link_cut", fmt.Sprintf("%d-event backlog into the ledger after a %.0f s link cut", o.events, cu.cutFor.Seconds()),
			cu.cut.Seconds(), "s", cu.rawCut.Seconds(), fmt.Sprintf("raw durable source after a %.0f s cut, s", cu.rawCutFor.Seconds()),
			"≤ 3 s", within3),
	}
}

// printTargets prints one line per target: met or missed, with the figure
// and its ratio to the baseline of the same run.
func printTargets(w io.Writer, figs []figure) {
	met, missed := 0, 0
	for _, f := range figs {
		if f.Target == "report" {
			continue
		}
		mark := "met   "
		if f.Met {
			met++
		} else {
			mark = "MISSED"
			missed++
		}
		fmt.Fprintf(w, "target %s %-24s %-48s %.2f %s (baseline %.2f, ratio %.2f)\n", mark, f.Target, f.What, f.Value, f.Unit, f.Baseline, f.Ratio)
	}
	fmt.Fprintf(w, "targets: %d met, %d missed\n\n", met, missed)
}
