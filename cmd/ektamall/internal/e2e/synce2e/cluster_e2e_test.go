package synce2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ingest"
	"ektamall/migrations"
	"ektamall/pos/mallsync"
	"ektamall/shared/natsx"
	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// freeAddrs reserves n loopback ports and releases them for the servers.
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	var lns []net.Listener
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().String())
	}
	for _, ln := range lns {
		ln.Close()
	}
	return out
}

// hubCluster is three embedded hub NATS nodes clustered on loopback, the
// way three 'ektamall hub' nodes run with --cluster-*, --routes and
// --replicas 3; the hub application (ingest) runs on node 0.
type hubCluster struct {
	nodes []*natsx.Server
	leafs []string // nats-leaf:// URLs of every node
	cfgs  []natsx.Config
}

func startHubCluster(t testing.TB, dir string, users []natsx.User) *hubCluster {
	t.Helper()
	routeAddrs, leafAddrs := freeAddrs(t, 3), freeAddrs(t, 3)
	var routes []string
	for _, a := range routeAddrs {
		routes = append(routes, "nats-route://"+a)
	}
	c := &hubCluster{nodes: make([]*natsx.Server, 3)}
	for i := range 3 {
		c.cfgs = append(c.cfgs, natsx.Config{Name: fmt.Sprintf("hub-%d", i+1), Domain: "hub", JetStream: true,
			StoreDir: filepath.Join(dir, fmt.Sprintf("nats-%d", i+1)), LeafListen: leafAddrs[i], LeafNoAdvertise: true,
			RequireAuth: true, Users: users, ClusterName: "ektamall-hub", ClusterListen: routeAddrs[i], Routes: routes,
			Logger: e2e.Quiet()})
		c.leafs = append(c.leafs, "nats-leaf://"+leafAddrs[i])
	}
	// A clustered JetStream node is ready only once it sees its peers, so
	// the three start together.
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() { c.nodes[i], errs[i] = natsx.Start(context.Background(), c.cfgs[i]) })
	}
	wg.Wait()
	for i, n := range c.nodes {
		if n != nil {
			t.Cleanup(n.Shutdown)
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
	}
	return c
}

// TestClusteredHubSurvivesNodeLoss: a mall listing all three hub nodes
// keeps syncing while one hub node (the one holding its leaf link, or the
// mirror's leader) is stopped mid-stream; the hub database ends with every
// sale exactly once.
func TestClusteredHubSurvivesNodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	ctx := context.Background()
	dir := t.TempDir()
	const mall = "CLU1"
	hubDB := openDB(t, filepath.Join(dir, "hub.db"), migrations.Hub, false)
	t.Cleanup(func() { hubDB.Close() })
	seed, err := ingest.Provision(ctx, sqldb.FromSQLite(hubDB), ingest.MallInfo{ID: mall, State: "UP"}, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mdir := filepath.Join(dir, "mall")
	if err := os.MkdirAll(mdir, 0o750); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(mdir, "leaf.creds")
	if err := os.WriteFile(creds, ingest.CredsFile(mall, seed), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := ingest.Users(ctx, sqldb.FromSQLite(hubDB))
	if err != nil {
		t.Fatal(err)
	}
	cl := startHubCluster(t, dir, users)

	// The hub application on node 0; the first stream create waits for the
	// cluster's meta leader.
	var svc *ingest.Service
	e2e.WaitFor(t, 30*time.Second, "ingest on the cluster", func() error {
		svc, err = ingest.Start(ctx, ingest.Config{DB: sqldb.FromSQLite(hubDB), NATS: cl.nodes[0], NATSConfig: cl.cfgs[0], Log: e2e.Quiet(),
			WatchEvery: 200 * time.Millisecond, Replicas: 3})
		return err
	})
	t.Cleanup(svc.Close)

	m := &mallNode{t: t, ID: mall, dir: mdir, creds: creds}
	m.DB = openDB(t, filepath.Join(mdir, "mall.db"), migrations.Mall, true)
	if _, err := m.DB.W.Exec(`INSERT INTO mall (id, state, name, gstin, address, created_at) VALUES (?, 'UP', 'Mall', '', '', ?)`,
		mall, time.Now().UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	if m.NATS, err = natsx.Start(ctx, natsx.Config{Name: "mall-" + mall, Domain: "mall-" + mall, JetStream: true, SyncAlways: true,
		StoreDir: filepath.Join(mdir, "nats"), LeafRemotes: cl.leafs, LeafCredentials: creds, LeafNoAdvertise: true,
		LeafReconnectInterval: 250 * time.Millisecond, Logger: e2e.Quiet()}); err != nil {
		t.Fatal(err)
	}
	if m.Svc, err = mallsync.Start(ctx, mallsync.Config{MallID: mall, DB: m.DB, NATS: m.NATS, Log: e2e.Quiet(), HubLinked: true,
		PollEvery: 20 * time.Millisecond, ResendAfter: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.stop)
	sku := firstSKU(t)
	h := &hubNode{t: t, DB: sqldb.FromSQLite(hubDB)}

	m.sell(t, 1000, 50, func(int) string { return sku })
	e2e.WaitFor(t, 60*time.Second, "hub ingesting", func() error {
		if wm, _ := watermark(h.DB, mall); wm < 1 {
			return fmt.Errorf("watermark %d", wm)
		}
		return nil
	})

	js := clusterJS(t, cl.nodes[0])
	info, err := js.Stream(ctx, syncwire.HubMallStream(mall))
	if err != nil {
		t.Fatal(err)
	}
	if r := info.CachedInfo().Config.Replicas; r != 3 {
		t.Fatalf("mall mirror has %d replicas, want 3", r)
	}
	victim := pickVictim(cl, info.CachedInfo().Cluster.Leader)
	t.Logf("stopping %s mid-stream (watermark %d of 1000)", cl.nodes[victim].Name(), func() int64 { w, _ := watermark(h.DB, mall); return w }())
	cl.nodes[victim].Shutdown()

	m.sell(t, 200, 10, func(int) string { return sku })
	const total = 1200
	waitWatermark(t, h, m, total, 90*time.Second)
	hc, hp := hubTotals(t, h.DB, mall)
	mc, mp := mallTotals(t, m.DB)
	if hc != total || mc != total || hp != mp {
		t.Fatalf("hub holds %d sales (%d paise), mall sold %d (%d paise)", hc, hp, mc, mp)
	}
	var rows, distinct int
	if err := hubDB.R.QueryRow(`SELECT count(*), count(DISTINCT event_id) FROM events_received WHERE mall_id = ?`, mall).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != total || distinct != total {
		t.Fatalf("events_received: %d rows, %d distinct events, want %d", rows, distinct, total)
	}
}

// pickVictim chooses the node to stop among 1 and 2 (0 runs the hub
// application): the one holding the mall's leaf link, else the mirror's
// leader, else node 1.
func pickVictim(cl *hubCluster, leader string) int {
	for i := 1; i < 3; i++ {
		if cl.nodes[i].LeafConnected() {
			return i
		}
	}
	for i := 1; i < 3; i++ {
		if cl.nodes[i].Name() == leader {
			return i
		}
	}
	return 1
}

func clusterJS(t testing.TB, n *natsx.Server) jetstream.JetStream {
	t.Helper()
	nc, err := n.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}
