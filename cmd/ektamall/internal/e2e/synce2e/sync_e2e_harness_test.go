package synce2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub"
	"ektamall/hub/hubdb"
	"ektamall/hub/ingest"
	"ektamall/migrations"
	"ektamall/pos/mallsync"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/natsx"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgtest"
	"ektamall/shared/sqlitedb"
)

// proxy is a TCP proxy between a mall and the hub's leaf port; stop cuts
// every connection and refuses new ones until start.
type proxy struct {
	t      testing.TB
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

func newProxy(t testing.TB, target string) *proxy {
	p := &proxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.stop(); p.wg.Wait() })
	return p
}

func (p *proxy) url() string { return "nats-leaf://" + p.addr }

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			for _, pair := range [][2]net.Conn{{c, up}, {up, c}} {
				p.wg.Add(1)
				go func() {
					defer p.wg.Done()
					io.Copy(pair[0], pair[1])
					pair[0].Close()
					pair[1].Close()
				}()
			}
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *proxy) start() {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", p.addr)
		if err == nil {
			p.serve(ln)
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("proxy: re-listen on %s: %v", p.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var (
	seedOnce sync.Once
	seed     *catalog.Seed
	seedErr  error
)

func loadSeed(t testing.TB) *catalog.Seed {
	seedOnce.Do(func() { seed, seedErr = catalog.LoadSeed() })
	if seedErr != nil {
		t.Fatal(seedErr)
	}
	return seed
}

func openDB(t testing.TB, path string, set migrations.Set, zones bool) *sqlitedb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, path, sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Apply(ctx, db.W, set, e2e.Quiet()); err != nil {
		t.Fatal(err)
	}
	ok, err := catalogdb.Seeded(ctx, db.R)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		if err := db.Transact(ctx, func(tx *sql.Tx) error {
			return catalogdb.InsertSeed(ctx, tx, loadSeed(t), zones, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// hubNode is the hub's sync side: its database, NATS and ingest service.
type hubNode struct {
	t    testing.TB
	dir  string
	leaf string    // host:port, kept across restarts
	DB   hub.Store // SQLite in dir, or under make test-pg a PostgreSQL database of dir's own
	NATS *natsx.Server
	Svc  *ingest.Service
}

func startHub(t testing.TB, dir, leaf string, tune func(*ingest.Config)) *hubNode {
	t.Helper()
	ctx := context.Background()
	h := &hubNode{t: t, dir: dir}
	h.DB = openHubStore(t, dir)
	users, err := ingest.Users(ctx, h.DB)
	if err != nil {
		t.Fatal(err)
	}
	if leaf == "" {
		leaf = "127.0.0.1:0"
	}
	ncfg := natsx.Config{Name: "hub", Domain: "hub", JetStream: true, StoreDir: filepath.Join(dir, "nats"),
		LeafListen: leaf, LeafNoAdvertise: true, RequireAuth: true, Users: users, Logger: e2e.Quiet()}
	if h.NATS, err = natsx.Start(ctx, ncfg); err != nil {
		t.Fatal(err)
	}
	u := h.NATS.LeafURL()
	h.leaf = u[len("nats-leaf://"):]
	cfg := ingest.Config{DB: h.DB, NATS: h.NATS, NATSConfig: ncfg, Log: e2e.Quiet(), WatchEvery: 200 * time.Millisecond}
	if tune != nil {
		tune(&cfg)
	}
	if h.Svc, err = ingest.Start(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.stop)
	return h
}

func (h *hubNode) stop() {
	if h.Svc != nil {
		h.Svc.Close()
		h.Svc = nil
	}
	if h.NATS != nil {
		h.NATS.Shutdown()
		h.NATS = nil
	}
	if h.DB != nil {
		h.DB.Close()
		h.DB = nil
	}
}

// provision registers a mall at the hub and writes its creds file.
func (h *hubNode) provision(id, state, dir string) string {
	h.t.Helper()
	seed, err := ingest.Provision(context.Background(), h.DB, ingest.MallInfo{ID: id, State: state}, true, time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(dir, "leaf.creds")
	if err := os.WriteFile(path, ingest.CredsFile(id, seed), 0o600); err != nil {
		h.t.Fatal(err)
	}
	if err := h.Svc.Refresh(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	return path
}

// mallNode is a mall's sync side.
type mallNode struct {
	t      testing.TB
	ID     string
	dir    string
	remote string
	creds  string
	DB     *sqlitedb.DB
	NATS   *natsx.Server
	Svc    *mallsync.Service
	tune   func(*mallsync.Config)
	sold   int // sales written so far, for unique sale ids
}

func startMall(t testing.TB, id, state, dir, remote, creds string, tune func(*mallsync.Config)) *mallNode {
	t.Helper()
	m := &mallNode{t: t, ID: id, dir: dir, remote: remote, creds: creds, tune: tune}
	m.DB = openDB(t, filepath.Join(dir, "mall.db"), migrations.Mall, true)
	if _, err := m.DB.W.Exec(`INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES (?, ?, ?, '', '', ?) ON CONFLICT DO NOTHING`,
		id, state, "Mall "+id, time.Now().UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	m.startNATS()
	t.Cleanup(m.stop)
	return m
}

func (m *mallNode) startNATS() {
	m.t.Helper()
	ctx := context.Background()
	var err error
	m.NATS, err = natsx.Start(ctx, natsx.Config{Name: "mall-" + m.ID, Domain: "mall-" + m.ID, JetStream: true, SyncAlways: true,
		StoreDir: filepath.Join(m.dir, "nats"), LeafRemotes: []string{m.remote}, LeafCredentials: m.creds,
		LeafNoAdvertise: true, LeafReconnectInterval: 250 * time.Millisecond, Logger: e2e.Quiet()})
	if err != nil {
		m.t.Fatal(err)
	}
	cfg := mallsync.Config{MallID: m.ID, DB: m.DB, NATS: m.NATS, Log: e2e.Quiet(), HubLinked: true, PollEvery: 20 * time.Millisecond,
		ResendAfter: 2 * time.Second}
	if m.tune != nil {
		m.tune(&cfg)
	}
	if m.Svc, err = mallsync.Start(ctx, cfg); err != nil {
		m.t.Fatal(err)
	}
}

func (m *mallNode) stopNATS() {
	if m.Svc != nil {
		m.Svc.Close()
		m.Svc = nil
	}
	if m.NATS != nil {
		m.NATS.Shutdown()
		m.NATS = nil
	}
}

func (m *mallNode) stop() {
	m.stopNATS()
	if m.DB != nil {
		m.DB.Close()
		m.DB = nil
	}
}

func (m *mallNode) status(t testing.TB) mallsync.Status {
	t.Helper()
	st, err := m.Svc.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// sell writes n sale events to the outbox, batch per transaction, and
// returns their total in paise. sku picks the product of sale i.
func (m *mallNode) sell(t testing.TB, n, batch int, sku func(i int) string) int64 {
	t.Helper()
	ctx := context.Background()
	var total int64
	for i := 0; i < n; i += batch {
		err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
			for j := i; j < min(n, i+batch); j++ {
				s := sampleSale(m.ID, m.sold+j, sku(j))
				total += s.Total.Paise()
				if _, err := events.Append(ctx, tx, m.ID, events.SaleCompleted, s.At, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	m.sold += n
	return total
}

func sampleSale(mall string, i int, sku string) events.Sale { return sampleSaleOf(mall, i, sku, "") }

// sampleSaleOf is one sale of 1-3 units of sku (5% GST, cash, exact).
func sampleSaleOf(mall string, i int, sku, producer string) events.Sale {
	qty := int64(1 + i%3)
	unit := money.FromPaise(int64(10000 + (i%97)*137))
	amt := unit.MulInt(qty)
	split := gst.Inclusive(amt, gst.MustRate("5"), false)
	at := time.Now().UTC()
	return events.Sale{
		SaleID: fmt.Sprintf("%s-S%06d", mall, i), InvoiceNo: fmt.Sprintf("%sC01/%06d", mall, i), ShiftID: "SH1", Counter: "C01", CashierID: "u1", At: at,
		Lines: []events.SaleLine{{LineNo: 1, SKU: sku, ProducerID: producer, Qty: qty, UnitPrice: unit, Amount: amt, Taxable: split.Taxable,
			GSTRate: gst.MustRate("5"), CGST: split.CGST, SGST: split.SGST, HSN: "6911"}},
		Tenders: []events.Tender{{Method: "cash", Amount: amt}},
		Total:   amt,
	}
}

// firstSKU is a real seed SKU.
func firstSKU(t testing.TB) string { return loadSeed(t).Products[0].SKU }

// hubTotals sums the sales the hub holds from mall: count and paise, from
// the events it ingested (not parked ones), and checks there is no
// duplicate event id or sequence.
func hubTotals(t testing.TB, db sqldb.DB, mall string) (count int, paise int64) {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT envelope FROM events_received WHERE mall_id = ? AND type = ? AND status = 'applied' ORDER BY seq`,
		mall, events.SaleCompleted)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		s := decodeSale(t, raw)
		if seen[s.SaleID] {
			t.Fatalf("sale %s twice at the hub", s.SaleID)
		}
		seen[s.SaleID] = true
		count++
		paise += s.Total.Paise()
	}
	return count, paise
}

// decodeSale is the sale in an event as stored (the hub's events, a
// mall's outbox).
func decodeSale(t testing.TB, raw []byte) events.Sale {
	t.Helper()
	ev, err := events.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	var s events.Sale
	if err := json.Unmarshal(ev.Payload, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// mallTotals sums the sales in the mall's outbox.
func mallTotals(t testing.TB, db *sqlitedb.DB) (count int, paise int64) {
	t.Helper()
	rows, err := db.R.Query(`SELECT payload FROM outbox WHERE type = ? ORDER BY seq`, events.SaleCompleted)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		s := decodeSale(t, raw)
		count++
		paise += s.Total.Paise()
	}
	return count, paise
}

func watermark(db sqldb.DB, mall string) (wm, highest int64) {
	db.Reader().QueryRowContext(context.Background(), `SELECT watermark, highest FROM mall_sync WHERE mall_id = ?`, mall).Scan(&wm, &highest)
	return wm, highest
}

func waitWatermark(t testing.TB, h *hubNode, m *mallNode, want int64, d time.Duration) {
	t.Helper()
	e2e.WaitFor(t, d, "hub watermark of "+m.ID, func() error {
		wm, hi := watermark(h.DB, m.ID)
		if wm != want {
			return fmt.Errorf("watermark %d (highest %d), want %d", wm, hi, want)
		}
		return nil
	})
}

var errNotYet = errors.New("not yet")

var (
	hubDBsMu sync.Mutex
	hubDBs   = map[string]string{} // hub directory → its PostgreSQL database
)

// openHubStore opens the hub's books for the hub in dir, migrated and
// seeded: its SQLite file, or under make test-pg a PostgreSQL database
// made for dir on first use and the same one again after (a restart).
// The store is closed when the test ends (or by hubNode.stop).
func openHubStore(t testing.TB, dir string) hub.Store {
	t.Helper()
	ctx := context.Background()
	url := ""
	if pgtest.Enabled() {
		hubDBsMu.Lock()
		if hubDBs[dir] == "" {
			hubDBs[dir] = pgtest.NewDatabase(t)
		}
		url = hubDBs[dir]
		hubDBsMu.Unlock()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	db, _, err := hubdb.Open(ctx, url, dir, "NORMAL", e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ok, err := catalogdb.Seeded(ctx, db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		if err := db.Transact(ctx, func(tx sqldb.Tx) error {
			return catalogdb.InsertSeed(ctx, tx, loadSeed(t), false, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// mirrorHas checks the hub's copy of a mall's stream has reached sequence
// n. It may be further on: a mall whose events the hub does not ingest
// re-sends them (with new message ids) after a while.
func mirrorHas(h *hubNode, mall string, n uint64) error {
	nc, err := h.NATS.Connect()
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	st, err := js.Stream(context.Background(), "MALL_"+mall)
	if err != nil {
		return err
	}
	if got := st.CachedInfo().State.LastSeq; got < n {
		return fmt.Errorf("hub mirror at %d, want %d", got, n)
	}
	return nil
}
