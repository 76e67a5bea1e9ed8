package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/hub"
	"ektamall/hub/api"
	"ektamall/hub/hubdb"
	"ektamall/hub/producer"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/natsx"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqlitedb"
)

// Hub is the running hub process.
type Hub struct {
	cfg Config
	log *slog.Logger
	// Store holds the hub's books (SQLite or PostgreSQL, see --db); DB is
	// the same database when it is SQLite, nil on PostgreSQL.
	Store hub.Store
	DB    *sqlitedb.DB
	Auth  *auth.Store
	NATS  *natsx.Server
	// Metrics is the hub's own registry.
	Metrics *prometheus.Registry
	http    *http.Server
	ln      net.Listener
	metrics *httpx.MetricsServer
	// Applier books ingested events into the ledger; set by ledgerDeps
	// (which runs before startSync) for ingest to use.
	Applier hub.EventApplier
	// Producer serves producers' views and logins.
	Producer *producer.Service
	sync     hubSync // see app_sync.go
	// URL is the base URL of the HTTP API; LeafURL is where malls connect;
	// MetricsURL is the base URL of /metrics ("" when off).
	URL, LeafURL, MetricsURL string
}

// Open prepares the hub; see the mall's Open for the order and the
// clean-up on failure.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (_ *Hub, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &Hub{cfg: cfg, log: log.With("component", "hub")}
	created := false
	if _, serr := os.Stat(cfg.Dir); errors.Is(serr, os.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("--dir %s: %w", cfg.Dir, err)
	}
	defer func() {
		if err != nil {
			h.Close()
			if created {
				os.RemoveAll(cfg.Dir)
			}
		}
	}()
	if err = os.WriteFile(filepath.Join(cfg.Dir, ".write-test"), nil, 0o600); err != nil {
		return nil, fmt.Errorf("--dir %s is not writable: %w", cfg.Dir, err)
	}
	os.Remove(filepath.Join(cfg.Dir, ".write-test"))
	if h.ln, err = net.Listen("tcp", cfg.HTTP); err != nil {
		return nil, fmt.Errorf("--http %s: %w", cfg.HTTP, err)
	}
	h.URL = "http://" + h.ln.Addr().String()
	if h.Store, h.DB, err = hubdb.Open(ctx, cfg.DB, cfg.Dir, cfg.Synchronous, h.log); err != nil {
		return nil, err
	}
	if err = h.seedCatalog(ctx); err != nil {
		return nil, err
	}
	h.Auth = auth.NewStoreOn(h.Store, auth.Policy{})
	ncfg := natsx.Config{
		Name: "hub", Domain: "hub", JetStream: true, StoreDir: filepath.Join(cfg.Dir, "nats"),
		Host: "127.0.0.1", Port: cfg.NATSPort, LeafListen: cfg.Leaf, Logger: log.With("component", "nats", "process", "hub"),
	}
	if err = h.cfg.Cluster.apply(&ncfg); err != nil {
		return nil, err
	}
	if err = h.syncNATS(ctx, &ncfg); err != nil { // mall keys, leaf TLS
		return nil, err
	}
	if h.NATS, err = natsx.Start(ctx, ncfg); err != nil {
		return nil, err
	}
	h.LeafURL = h.NATS.LeafURL()
	if h.Metrics, err = h.newMetrics(); err != nil {
		return nil, err
	}
	if h.metrics, err = httpx.ListenMetrics(cfg.Metrics, h.Metrics); err != nil {
		return nil, err
	}
	if h.metrics != nil {
		h.MetricsURL = h.metrics.URL
	}
	deps := api.Deps{DB: h.Store, Auth: h.Auth, Log: h.log, Edge: httpx.Edge{Registry: h.Metrics, Ready: h.ready}}
	deps.Edge.TrustedProxies, _ = httpx.ParseProxies(cfg.TrustedProxies) // checked by Validate
	if deps.Ledger, err = h.ledgerDeps(ctx); err != nil {
		return nil, err
	}
	if err = h.observeSettlements(deps.Ledger.Settle); err != nil { // ops.go
		return nil, err
	}
	h.Producer = producer.New(h.Store, h.Auth, time.Now)
	deps.Producer = h.Producer
	if deps.Sync, err = h.startSync(ctx); err != nil {
		return nil, err
	}
	h.http = &http.Server{
		Handler:           api.New(deps),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // settlement CSVs can be large
		IdleTimeout:       2 * time.Minute,
	}
	return h, nil
}

// seedCatalog loads the master catalog on first start.
func (h *Hub) seedCatalog(ctx context.Context) error {
	ok, err := catalogdb.Seeded(ctx, h.Store.Reader())
	if err != nil || ok {
		return err
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		return err
	}
	return h.Store.Transact(ctx, func(tx sqldb.Tx) error {
		return catalogdb.InsertSeed(ctx, tx, seed, false, time.Now())
	})
}

// RegisterMall records a mall the hub accepts events from. Registering the
// same mall again with the same state is a no-op.
func (h *Hub) RegisterMall(ctx context.Context, id, state, name, gstin string) error {
	return h.Store.Transact(ctx, func(tx sqldb.Tx) error {
		var have string
		err := tx.QueryRowContext(ctx, `SELECT state FROM malls WHERE id = ?`, id).Scan(&have)
		if err == nil {
			if have != state {
				return errs.E(errs.Conflict, "mall %s is registered in %s, not %s", id, have, state)
			}
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO malls (id, state, name, gstin, created_at) VALUES (?, ?, ?, ?, ?)`,
			id, state, name, gstin, time.Now().UTC().Format(time.RFC3339Nano))
		return err
	})
}

// Run serves HTTP until ctx is cancelled, then shuts everything down.
func (h *Hub) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	srv, ln := h.http, h.ln // Close clears them
	go func() { errc <- srv.Serve(ln) }()
	h.metrics.Serve()
	h.log.Info("hub serving", "url", h.URL, "leaf", h.LeafURL, "metrics", h.MetricsURL)
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			h.Close()
			return fmt.Errorf("hub http: %w", err)
		}
	}
	return h.Close()
}

// Close stops HTTP, then NATS, then the database; safe to call twice.
func (h *Hub) Close() error {
	var errList []error
	if h.http != nil {
		sctx, cancel := context.WithTimeout(context.Background(), h.cfg.ShutdownFor)
		if err := h.http.Shutdown(sctx); err != nil {
			errList = append(errList, err)
		}
		cancel()
		h.http = nil
	} else if h.ln != nil {
		h.ln.Close()
	}
	h.ln = nil
	errList = append(errList, h.metrics.Close())
	h.metrics = nil
	h.stopSync()
	if h.NATS != nil {
		h.NATS.Shutdown()
		h.NATS = nil
	}
	if h.Store != nil {
		errList = append(errList, h.Store.Close())
		h.Store, h.DB = nil, nil
	}
	return errors.Join(errList...)
}
