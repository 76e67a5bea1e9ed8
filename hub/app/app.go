package app

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/hub"
	"ektamall/hub/api"
	"ektamall/hub/channel"
	"ektamall/hub/channel/ondc"
	"ektamall/hub/gstr"
	"ektamall/hub/hubdb"
	"ektamall/hub/producer"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/httpx"
	"ektamall/shared/lifecycle"
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
	srv     lifecycle.Server
	// Books opens the ledger for ingest; set by ledgerDeps (which runs
	// before startSync) for ingest to use.
	Books hub.OpenBooks
	// Producer serves producers' views and logins.
	Producer *producer.Service
	// Channel serves online sales channels (issue 22).
	Channel *channel.Service
	// ONDC is the hub as an ONDC seller app (app_ondc.go).
	ONDC *ondc.Seller
	sync hubSync // see app_sync.go
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
	created, err := h.srv.Begin(cfg.Dir, cfg.HTTP)
	if err != nil {
		return nil, err
	}
	defer lifecycle.UndoOnError(&err, cfg.Dir, created, h.Close)
	h.URL = h.srv.URL
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
	if err = h.srv.ListenMetrics(cfg.Metrics, h.Metrics); err != nil {
		return nil, err
	}
	h.MetricsURL = h.srv.MetricsURL
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
	h.Channel = channel.New(h.Store, time.Now, h.Producer.CatchUpStock)
	deps.Channel = h.Channel
	if deps.ONDC, err = h.startONDC(ctx); err != nil {
		return nil, err
	}
	h.Books = h.Channel.Books(h.Books) // online orders' steps, then the ledger
	deps.GST = api.GSTDeps{Service: &gstr.Service{DB: h.Store, NoTransferEInvoices: h.cfg.EInvoiceTransfers == "off"}}
	if deps.Sync, err = h.startSync(ctx); err != nil {
		return nil, err
	}
	h.srv.Handle(api.New(deps), 5*time.Minute) // settlement CSVs can be large
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

// SetMallDetails records a registered mall's GSTIN, address and PIN code
// (the seller on its GST documents); an empty argument keeps what is
// stored.
func (h *Hub) SetMallDetails(ctx context.Context, id, gstin, address, pincode string) error {
	if gstin != "" {
		if err := gst.ValidGSTIN(gstin); err != nil {
			return errs.Field("gstin", "%v", err)
		}
	}
	return h.Store.Transact(ctx, func(tx sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE malls SET gstin = CASE WHEN ? = '' THEN gstin ELSE ? END,
			address = CASE WHEN ? = '' THEN address ELSE ? END, pincode = CASE WHEN ? = '' THEN pincode ELSE ? END WHERE id = ?`,
			gstin, gstin, address, address, pincode, pincode, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "unknown mall %q", id)
		}
		return nil
	})
}

// Run serves HTTP until ctx is cancelled, then shuts everything down.
func (h *Hub) Run(ctx context.Context) error {
	h.log.Info("hub serving", "url", h.URL, "leaf", h.LeafURL, "metrics", h.MetricsURL)
	return h.srv.Run(ctx, "hub", h.Close)
}

// Close stops HTTP, then sync, NATS and the database; safe to call twice.
func (h *Hub) Close() error {
	errList := []error{h.srv.Close(h.cfg.ShutdownFor)}
	if h.ONDC != nil {
		h.ONDC.Close() // its callbacks and status pushes read the store
		h.ONDC = nil
	}
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
