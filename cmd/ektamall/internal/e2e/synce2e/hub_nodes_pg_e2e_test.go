package synce2e

import (
	"context"
	"database/sql"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub"
	"ektamall/hub/hubdb"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/migrations"
	"ektamall/pos/mallsync"
	"ektamall/shared/catalogdb"
	"ektamall/shared/events"
	"ektamall/shared/natsx"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgtest"
)

// TestHubNodesShareOnePostgres (issue 23 item 3): two hub application
// nodes ingest from one three-node NATS cluster into one PostgreSQL
// database. The node holding the mall's ingest lease is killed while a
// backlog drains: its database sessions are terminated (its open
// transaction rolls back, as when its process dies), its NATS node and
// pool go away without giving the lease up. The other node takes the
// mall over within seconds, and every sale is booked exactly once.
func TestHubNodesShareOnePostgres(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set (make test-pg)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	const mall = "TWO1"
	url := pgtest.NewDatabase(t)
	// Each node's sessions carry its name, so the test can cut them.
	nodeURL := func(name string) string {
		u, err := neturl.Parse(url)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	stores := make([]hub.Store, 2)
	for i := range stores {
		var err error
		if stores[i], _, err = hubdb.Open(ctx, nodeURL(fmt.Sprintf("hub-%d", i+1)), "", "", e2e.Quiet()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	seed := loadSeed(t)
	if err := stores[0].Transact(ctx, func(tx sqldb.Tx) error { return catalogdb.InsertSeed(ctx, tx, seed, false, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	key, err := ingest.Provision(ctx, stores[0], ingest.MallInfo{ID: mall, State: "UP"}, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mdir := filepath.Join(dir, "mall")
	if err := os.MkdirAll(mdir, 0o750); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(mdir, "leaf.creds")
	if err := os.WriteFile(creds, ingest.CredsFile(mall, key), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := ingest.Users(ctx, stores[0])
	if err != nil {
		t.Fatal(err)
	}
	cl := startHubCluster(t, dir, users)

	// The hub application on nodes 1 and 2 (node 3 is NATS only).
	svcs := make([]*ingest.Service, 2)
	for i := range svcs {
		e2e.WaitFor(t, 60*time.Second, "ingest on the cluster", func() error {
			svcs[i], err = ingest.Start(ctx, ingest.Config{DB: stores[i], NATS: cl.nodes[i], NATSConfig: cl.cfgs[i], Log: testLog(),
				WatchEvery: 200 * time.Millisecond, Replicas: 3, Node: fmt.Sprintf("hub-%d", i+1), Books: ledger.NewApplier(nil).Open,
				BatchSize: 500})
			return err
		})
		t.Cleanup(func() {
			if svcs[i] != nil {
				svcs[i].Close()
			}
		})
	}

	m := &mallNode{t: t, ID: mall, dir: mdir, creds: creds}
	m.DB = openDB(t, filepath.Join(mdir, "mall.db"), migrations.Mall, true)
	if _, err := m.DB.W.Exec(`INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES (?, 'UP', 'Mall', '', '', ?)`,
		mall, time.Now().UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	if m.NATS, err = natsx.Start(ctx, natsx.Config{Name: "mall-" + mall, Domain: "mall-" + mall, JetStream: true, SyncAlways: true,
		StoreDir: filepath.Join(mdir, "nats"), LeafRemotes: []string{cl.leafs[2]}, LeafCredentials: creds, LeafNoAdvertise: true,
		LeafReconnectInterval: 250 * time.Millisecond, Logger: e2e.Quiet()}); err != nil {
		t.Fatal(err)
	}
	if m.Svc, err = mallsync.Start(ctx, mallsync.Config{MallID: mall, DB: m.DB, NATS: m.NATS, Log: e2e.Quiet(), HubLinked: true,
		PollEvery: 20 * time.Millisecond, ResendAfter: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.stop)
	p := seed.Products[0]
	var paise int64
	sell := func(n int) {
		t.Helper()
		for i := 0; i < n; i += 100 {
			err := m.DB.Transact(ctx, func(tx *sql.Tx) error {
				for j := i; j < min(n, i+100); j++ {
					s := sampleSaleOf(mall, m.sold+j, p.SKU, p.ProducerID)
					paise += s.Total.Paise()
					if _, err := events.Append(ctx, tx, mall, events.SaleCompleted, s.At, s); err != nil {
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
	}
	// The test reads through a pool of its own: the nodes' go away.
	reader, _, err := hubdb.Open(ctx, nodeURL("test"), "", "", e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	pg := reader.Reader()
	wmOf := func() (wm int64) {
		pg.QueryRowContext(ctx, `SELECT watermark FROM mall_sync WHERE mall_id = ?`, mall).Scan(&wm)
		return wm
	}
	sell(3000)
	e2e.WaitFor(t, 60*time.Second, "the backlog draining", func() error {
		if wm := wmOf(); wm < 1 {
			return fmt.Errorf("watermark %d", wm)
		}
		return nil
	})
	var holder string
	if err := pg.QueryRowContext(ctx, `SELECT holder FROM ingest_leases WHERE mall_id = ?`, mall).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	victim := map[string]int{"hub-1": 0, "hub-2": 1}[holder]
	survivor := 1 - victim
	atKill := wmOf()
	t.Logf("killing %s, which holds the lease, at watermark %d of 3000", holder, atKill)
	killed := time.Now()
	if _, err := stores[survivor].Writer().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?`, holder); err != nil {
		t.Fatal(err)
	}
	stores[victim].Close()
	cl.nodes[victim].Shutdown()
	svcs[victim].Close()
	svcs[victim] = nil

	e2e.WaitFor(t, 30*time.Second, "the other node taking the mall over", func() error {
		var h string
		var left int64
		if err := pg.QueryRowContext(ctx, `SELECT holder, expires_ms - (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM ingest_leases WHERE mall_id = ?`, mall).Scan(&h, &left); err != nil {
			return err
		}
		if wm := wmOf(); h != fmt.Sprintf("hub-%d", survivor+1) || wm <= atKill {
			return fmt.Errorf("lease held by %q for %d ms more, watermark %d", h, left, wm)
		}
		return nil
	})
	took := time.Since(killed)
	t.Logf("hub-%d ingesting %s after the kill", survivor+1, took.Round(100*time.Millisecond))
	if took > 20*time.Second {
		t.Fatalf("takeover took %s, want within seconds", took)
	}
	sell(500)
	const total = 3500
	e2e.WaitFor(t, 90*time.Second, "every sale at the hub", func() error {
		if wm := wmOf(); wm != total {
			return fmt.Errorf("watermark %d, want %d", wm, total)
		}
		return nil
	})
	var sales, received, counted int64
	var booked int64
	if err := pg.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM hub_sales WHERE mall = ?), (SELECT COALESCE(SUM(total), 0) FROM hub_sales WHERE mall = ?),
		(SELECT count(*) FROM events_received WHERE mall_id = ? AND status = 'applied'), (SELECT events FROM mall_sync WHERE mall_id = ?)`,
		mall, mall, mall, mall).Scan(&sales, &booked, &received, &counted); err != nil {
		t.Fatal(err)
	}
	if sales != total || booked != paise || received != total || counted != total {
		t.Fatalf("hub: %d sales worth %d paise, %d events applied, %d counted; the mall sold %d worth %d", sales, booked, received, counted, total, paise)
	}
	if r, err := ledger.Check(ctx, pg); err != nil || !r.OK {
		t.Fatalf("ledger check: %+v, %v", r, err)
	}
}

var testLog = e2e.Quiet
