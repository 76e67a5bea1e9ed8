package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/nats-io/nats-server/v2/server"

	"ektamall/hub/ingest"
	"ektamall/shared/httpx"
	"ektamall/shared/lifecycle"
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
	srv          lifecycle.Server
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
	if err = n.srv.Listen(cfg.HTTP); err != nil {
		return nil, err
	}
	n.URL = n.srv.URL
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
	if err = n.srv.ListenMetrics(cfg.Metrics, reg); err != nil {
		return nil, err
	}
	n.srv.Handle(httpx.NewEngine(n.log, httpx.Edge{Registry: reg, Ready: n.ready}), 0)
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
	n.log.Info("hub NATS node serving", "node", n.cfg.Cluster.String(), "leaf", n.LeafURL, "url", n.URL)
	err = n.srv.Serve(ctx)
	stop()
	<-done
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
	err := n.srv.Close(n.cfg.ShutdownFor)
	if n.NATS != nil {
		n.NATS.Shutdown()
		n.NATS = nil
	}
	return err
}
