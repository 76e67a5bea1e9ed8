package mallapp

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ektamall/migrations"
	"ektamall/pos/api"
	"ektamall/pos/online"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/gst"
	"ektamall/shared/httpx"
	"ektamall/shared/lifecycle"
	"ektamall/shared/natsx"
	"ektamall/shared/sqlitedb"
)

// Mall is one running mall process.
type Mall struct {
	cfg  Config
	log  *slog.Logger
	DB   *sqlitedb.DB
	Auth *auth.Store
	NATS *natsx.Server
	// Metrics is the mall's own registry (the demo runs three processes
	// in one binary, each with its own /metrics).
	Metrics *prometheus.Registry
	srv     lifecycle.Server
	sync    mallSync // see app_sync.go
	// Online runs the online orders allocated to this mall (issue 22).
	Online *online.Service
	// URL is the base URL of the HTTP API.
	URL string
	// MetricsURL is the base URL of /metrics ("" when off).
	MetricsURL string
}

// Open prepares a mall: it binds the HTTP port first (so a port in use
// fails before anything is written), then opens and migrates the database,
// records the mall's identity on first start, and starts embedded NATS. On
// any error everything started is stopped, and a data directory created by
// this call is removed again.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (_ *Mall, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		cfg.Name = "PM Ekta Mall " + cfg.ID
	}
	m := &Mall{cfg: cfg, log: log.With("mall", cfg.ID)}
	created, err := m.srv.Begin(cfg.Dir, cfg.HTTP)
	if err != nil {
		return nil, err
	}
	defer lifecycle.UndoOnError(&err, cfg.Dir, created, m.Close)
	m.URL = m.srv.URL
	if m.DB, _, err = lifecycle.OpenDB(ctx, filepath.Join(cfg.Dir, "mall.db"), sqlitedb.Options{Synchronous: cfg.Synchronous}, migrate(ctx, m.log)); err != nil {
		return nil, err
	}
	if err = m.ensureIdentity(ctx); err != nil {
		return nil, err
	}
	m.Auth = auth.NewStore(m.DB, auth.Policy{BcryptCost: cfg.PasswordCost})
	m.Auth.CacheSessions()
	ncfg := natsx.Config{
		Name: "mall-" + cfg.ID, Domain: "mall-" + cfg.ID, JetStream: true, SyncAlways: true,
		StoreDir: filepath.Join(cfg.Dir, "nats"), Host: "127.0.0.1", Port: cfg.NATSPort, Logger: m.log.With("component", "nats"),
		LeafCredentials: cfg.Creds,
	}
	if cfg.Hub != "" {
		ncfg.LeafRemotes = []string{cfg.Hub}
	}
	if err = m.syncNATS(&ncfg); err != nil { // leaf TLS
		return nil, err
	}
	if m.NATS, err = natsx.Start(ctx, ncfg); err != nil {
		return nil, err
	}
	if m.Metrics, err = m.newMetrics(); err != nil {
		return nil, err
	}
	if err = m.srv.ListenMetrics(cfg.Metrics, m.Metrics); err != nil {
		return nil, err
	}
	m.MetricsURL = m.srv.MetricsURL
	deps := api.Deps{MallID: cfg.ID, State: cfg.State, DB: m.DB, Auth: m.Auth, Log: m.log, Edge: httpx.Edge{Registry: m.Metrics, Ready: m.ready}}
	deps.Edge.TrustedProxies, _ = httpx.ParseProxies(cfg.TrustedProxies) // checked by Validate
	if deps.POS, err = m.posDeps(); err != nil {
		return nil, err
	}
	if deps.Inventory, err = m.inventoryDeps(); err != nil {
		return nil, err
	}
	m.Online = &online.Service{DB: m.DB, MallID: cfg.ID, POS: deps.POS.Service}
	deps.Online.Orders = m.Online
	if deps.Sync, err = m.startSync(ctx); err != nil {
		return nil, err
	}
	m.srv.Handle(api.New(deps), 60*time.Second)
	return m, nil
}

// ensureIdentity records which mall this database belongs to on first
// start, seeds the catalog copy it sells from until the hub's catalog
// arrives, and refuses a directory that belongs to another mall.
func (m *Mall) ensureIdentity(ctx context.Context) error {
	var id, state string
	err := m.DB.R.QueryRowContext(ctx, `SELECT id, state FROM mall`).Scan(&id, &state)
	if err == nil {
		if id != m.cfg.ID || state != m.cfg.State {
			return fmt.Errorf("--dir %s holds mall %s (%s), not %s (%s)", m.cfg.Dir, id, state, m.cfg.ID, m.cfg.State)
		}
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read mall identity: %w", err)
	}
	gstin := m.cfg.GSTIN
	if gstin == "" {
		gstin = DemoGSTIN(m.cfg.State, m.cfg.ID)
	}
	if err := gst.ValidGSTIN(gstin); err != nil {
		return fmt.Errorf("--gstin: %w", err)
	}
	now := time.Now().UTC()
	return m.DB.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			m.cfg.ID, m.cfg.State, m.cfg.Name, gstin, m.cfg.Address, now.Format(time.RFC3339Nano)); err != nil {
			return err
		}
		return seedCatalog(ctx, tx, now) // unless create-user did already
	})
}

// seedCatalog loads the catalog copy the mall sells from (and its zones)
// into a database that has none, until the hub's catalog arrives.
func seedCatalog(ctx context.Context, tx *sql.Tx, now time.Time) error {
	if ok, err := catalogdb.Seeded(ctx, tx); err != nil || ok {
		return err
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		return err
	}
	return catalogdb.InsertSeed(ctx, tx, seed, true, now)
}

// OpenDatabase opens the database of the mall in dir for an operator tool
// (create-user), creating dir if needed and migrating it exactly as the
// mall process does, with the catalog and zones seeded. The mall's
// identity (--id, --state, --name, --gstin) is left for its first start to
// record. SQLite allows this while the mall runs: the tool waits for the
// running process's writer (busy timeout) and the process reads users
// afresh on every login. fresh says whether the directory had no database.
func OpenDatabase(ctx context.Context, dir string, log *slog.Logger) (db *sqlitedb.DB, fresh bool, err error) {
	if _, err := lifecycle.PrepareDir(dir); err != nil {
		return nil, false, err
	}
	return lifecycle.OpenDB(ctx, filepath.Join(dir, "mall.db"), sqlitedb.Options{}, func(db *sqlitedb.DB) error {
		if err := migrate(ctx, log)(db); err != nil {
			return err
		}
		return db.Transact(ctx, func(tx *sql.Tx) error { return seedCatalog(ctx, tx, time.Now()) })
	})
}

// migrate brings a mall database to the newest schema.
func migrate(ctx context.Context, log *slog.Logger) func(*sqlitedb.DB) error {
	return func(db *sqlitedb.DB) error {
		_, err := migrations.Apply(ctx, db.W, migrations.Mall, log)
		return err
	}
}

// DemoGSTIN makes a well-formed GSTIN for a demo mall: the state's GST
// code, a PAN-shaped middle derived from the mall id, and a valid check
// character. It is not a registered GSTIN.
func DemoGSTIN(state, mallID string) string {
	st, _ := catalog.StateByCode(state)
	h := sha256.Sum256([]byte(mallID))
	n := (int(h[0])<<8 | int(h[1])) % 10000
	first14 := fmt.Sprintf("%sAAAGE%04d%c1Z", st.GSTCode, n, 'A'+h[2]%26)
	return first14 + string(gst.GSTINCheckChar(first14))
}

// Run serves HTTP until ctx is cancelled, then shuts everything down.
func (m *Mall) Run(ctx context.Context) error {
	m.log.Info("mall serving", "url", m.URL, "metrics", m.MetricsURL, "state", m.cfg.State)
	return m.srv.Run(ctx, "mall "+m.cfg.ID, m.Close)
}

// Close stops the mall in reverse dependency order: HTTP (letting
// in-flight sales finish), then sync, NATS and the database. It is safe to
// call more than once.
func (m *Mall) Close() error {
	errList := []error{m.srv.Close(m.cfg.ShutdownFor)}
	m.stopSync()
	if m.NATS != nil {
		m.NATS.Shutdown()
		m.NATS = nil
	}
	if m.DB != nil {
		errList = append(errList, m.DB.Close())
		m.DB = nil
	}
	return errors.Join(errList...)
}
