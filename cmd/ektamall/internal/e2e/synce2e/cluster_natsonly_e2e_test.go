package synce2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/ingest"
	"ektamall/shared/tlstest"
)

// TestHubClusterWithNATSOnlyNodes runs a hub cluster the way the compose
// file and the runbook do: the hub application on node 1, 'hub
// --nats-only' on nodes 2 and 3. A mall provisioned after start connects
// to node 3 alone, so it can sync only once node 3 has learned its key
// from the hub application through the cluster (whose routes run mutual
// TLS from the --cluster-tls-* files); every sale reaches the hub's books
// once.
func TestHubClusterWithNATSOnlyNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster test")
	}
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	routeAddrs := freeAddrs(t, 3)
	var routes string
	for i, a := range routeAddrs {
		if i > 0 {
			routes += ","
		}
		routes += "nats-route://" + a
	}
	// Routes with mutual TLS, from PEM files as an operator installs them.
	ca := tlstest.NewCA(t, "hub cluster CA")
	cfgs := make([]hubapp.Config, 3)
	for i := range cfgs {
		name := fmt.Sprintf("hub-%d", i+1)
		cert, key, caFile := ca.WriteFiles(t, dir, name)
		cfgs[i] = hubapp.Config{Dir: filepath.Join(dir, name), HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
			Synchronous: "FULL", ShutdownFor: 5 * time.Second,
			Cluster: hubapp.ClusterConfig{ServerName: name, Name: "ektamall-hub", Listen: routeAddrs[i],
				Routes: routes, Replicas: 3, TLSCert: cert, TLSKey: key, TLSCA: caFile}}
	}
	cfg := func(i int) hubapp.Config { return cfgs[i] }
	// The three start together: a clustered JetStream node waits for its peers.
	var hub *hubapp.Hub
	nodes := make([]*hubapp.NATSNode, 2)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	wg.Go(func() { hub, errs[0] = hubapp.Open(ctx, cfg(0), e2e.Quiet()) })
	for i := range nodes {
		wg.Go(func() { nodes[i], errs[i+1] = hubapp.OpenNATSNode(ctx, cfg(i+1), e2e.Quiet()) })
	}
	wg.Wait()
	var running sync.WaitGroup
	t.Cleanup(func() { cancel(); running.Wait() })
	if hub != nil {
		running.Go(func() { _ = hub.Run(ctx) })
	}
	for _, n := range nodes {
		if n != nil {
			running.Go(func() { _ = n.Run(ctx) })
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i+1, err)
		}
	}

	// Provisioned while the cluster runs: only the hub application's
	// database knows the key at first.
	creds, err := hub.ProvisionMall(ctx, ingest.MallInfo{ID: "NOD1", State: "UP"}, false)
	if err != nil {
		t.Fatal(err)
	}
	mdir := filepath.Join(dir, "NOD1")
	if err := os.MkdirAll(mdir, 0o750); err != nil {
		t.Fatal(err)
	}
	credsPath := filepath.Join(mdir, "leaf.creds")
	if err := os.WriteFile(credsPath, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	e2e.WaitFor(t, 30*time.Second, "node 3 ready with the mall keys", func() error {
		resp, err := http.Get(nodes[1].URL + "/readyz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/readyz %d", resp.StatusCode)
		}
		return nil
	})

	m := startMall(t, "NOD1", "UP", mdir, nodes[1].LeafURL, credsPath, nil)
	sku := firstSKU(t)
	const n = 300
	m.sell(t, n, 50, func(int) string { return sku })
	waitWatermark(t, &hubNode{t: t, DB: hub.Store}, m, n, 60*time.Second)
	if !nodes[1].NATS.LeafConnected() {
		t.Fatal("the mall's leaf link is not on node 3")
	}
	hc, hp := hubTotals(t, hub.Store, "NOD1")
	mc, mp := mallTotals(t, m.DB)
	if hc != n || mc != n || hp != mp {
		t.Fatalf("hub %d sales / %d paise, mall %d / %d", hc, hp, mc, mp)
	}
}
