package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"ektamall/hub/ingest"
	"ektamall/shared/httpx"
	"ektamall/shared/metrics"
	"ektamall/shared/natsx"
)

// NATSNode is a hub cluster member that runs NATS only: it holds replicas
// of the hub's streams and takes malls' leaf links, while the hub
// application (database, ingest, finance API) runs on one other node. It
// learns the malls' leaf keys from the hub application through the
// cluster itself (ingest.WatchLeafKeys) and serves /healthz and /readyz
// on --http, /metrics on --metrics.
type NATSNode struct {
	cfg  Config
	log  *slog.Logger
	ncfg natsx.Config
	NATS *natsx.Server
	// URL is the node's HTTP base URL; LeafURL is where malls connect.
	URL, LeafURL string
	http         *http.Server
	ln           net.Listener
	metrics      *httpx.MetricsServer
	keysLoaded   atomic.Bool
}

// OpenNATSNode starts a NATS-only node. Like every clustered JetStream
// server it is ready only once it sees its peers, so the nodes of a
// cluster start together.
func OpenNATSNode(ctx context.Context, cfg Config, log *slog.Logger) (_ *NATSNode, err error) {
	cfg.NATSOnly = true
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := &NATSNode{cfg: cfg, log: log.With("component", "hub-nats")}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("--dir %s: %w", cfg.Dir, err)
	}
	if n.ln, err = net.Listen("tcp", cfg.HTTP); err != nil {
		return nil, fmt.Errorf("--http %s: %w", cfg.HTTP, err)
	}
	n.URL = "http://" + n.ln.Addr().String()
	n.ncfg = natsx.Config{Name: "hub", Domain: "hub", JetStream: true, StoreDir: filepath.Join(cfg.Dir, "nats"), Host: "127.0.0.1",
		Port: cfg.NATSPort, LeafListen: cfg.Leaf, RequireAuth: true, Logger: log.With("component", "nats", "process", "hub")}
	if err := cfg.Cluster.apply(&n.ncfg); err != nil {
		return nil, err
	}
	if n.ncfg.LeafTLS, err = cfg.leafTLS(); err != nil {
		return nil, err
	}
	if n.NATS, err = natsx.Start(ctx, n.ncfg); err != nil {
		return nil, err
	}
	n.LeafURL = n.NATS.LeafURL()
	reg := metrics.NewRegistry()
	if err := metrics.RegisterHealth(reg, metrics.Health{NATS: func() *server.Server { return n.NATS.Inner() }}); err != nil {
		return nil, err
	}
	if n.metrics, err = httpx.ListenMetrics(cfg.Metrics, reg); err != nil {
		return nil, err
	}
	n.http = &http.Server{Handler: httpx.NewEngine(n.log, httpx.Edge{Registry: reg, Ready: n.ready}), ReadHeaderTimeout: 10 * time.Second}
	return n, nil
}

// Run watches the leaf keys and serves HTTP until ctx ends.
func (n *NATSNode) Run(ctx context.Context) error {
	nc, err := n.NATS.Connect()
	if err != nil {
		n.Close()
		return err
	}
	defer nc.Close()
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ingest.WatchLeafKeys(wctx, nc, n.applyKeys, n.log)
	}()
	errc := make(chan error, 1)
	srv, ln := n.http, n.ln // Close clears them
	go func() { errc <- srv.Serve(ln) }()
	n.metrics.Serve()
	n.log.Info("hub NATS node serving", "node", n.cfg.Cluster.String(), "leaf", n.LeafURL, "url", n.URL)
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	stop()
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, n.Close())
}

func (n *NATSNode) applyKeys(us []natsx.User) error {
	c := n.ncfg
	c.Users = us
	if err := n.NATS.Reload(c); err != nil {
		return err
	}
	n.keysLoaded.Store(true)
	return nil
}

// ready: NATS with JetStream running, and the malls' keys loaded (until
// then no mall can land here).
func (n *NATSNode) ready(context.Context) httpx.Readiness {
	r := httpx.Readiness{Ready: true, Checks: map[string]string{}}
	if n.NATS == nil || !n.NATS.Inner().Running() || !n.NATS.Inner().JetStreamEnabled() {
		r.Ready, r.Checks["nats"] = false, "embedded NATS with JetStream is not running"
	} else {
		r.Checks["nats"] = "running with JetStream, " + n.cfg.Cluster.String()
	}
	if n.keysLoaded.Load() {
		r.Checks["mall_keys"] = "loaded from the hub application"
	} else {
		r.Ready, r.Checks["mall_keys"] = false, "not yet published by the hub application"
	}
	return r
}

// Close stops HTTP, then NATS; safe to call twice.
func (n *NATSNode) Close() error {
	var err error
	if n.http != nil {
		sctx, cancel := context.WithTimeout(context.Background(), n.cfg.ShutdownFor)
		err = n.http.Shutdown(sctx)
		cancel()
		n.http = nil
	} else if n.ln != nil {
		n.ln.Close()
	}
	n.ln = nil
	err = errors.Join(err, n.metrics.Close())
	n.metrics = nil
	if n.NATS != nil {
		n.NATS.Shutdown()
		n.NATS = nil
	}
	return err
}
