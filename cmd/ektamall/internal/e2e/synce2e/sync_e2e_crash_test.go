package synce2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallsync"
	"ektamall/shared/natsx"
	"ektamall/shared/sqldb/pgtest"
	"ektamall/shared/sqlitedb"
)

func TestMain(m *testing.M) {
	if os.Getenv("SYNCE2E_CHILD_DIR") != "" {
		os.Exit(runChildMall())
	}
	pgtest.Main(m)
}

// testHubDB is the --db of a test's hub: "" (SQLite in its directory), or
// a fresh PostgreSQL database when EKTAMALL_TEST_PG is set (make test-pg).
func testHubDB(t testing.TB) string {
	if !pgtest.Enabled() {
		return ""
	}
	return pgtest.NewDatabase(t)
}

// runChildMall is a mall's sync side in a process of its own, so the test
// can kill -9 it in the middle of relaying.
func runChildMall() int {
	ctx := context.Background()
	dir, id := os.Getenv("SYNCE2E_CHILD_DIR"), os.Getenv("SYNCE2E_CHILD_ID")
	db, err := sqlitedb.Open(ctx, filepath.Join(dir, "mall.db"), sqlitedb.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ns, err := natsx.Start(ctx, natsx.Config{Name: "mall-" + id, Domain: "mall-" + id, JetStream: true, SyncAlways: true,
		StoreDir: filepath.Join(dir, "nats"), LeafRemotes: []string{os.Getenv("SYNCE2E_CHILD_REMOTE")},
		LeafCredentials: os.Getenv("SYNCE2E_CHILD_CREDS"), LeafNoAdvertise: true, Logger: e2e.Quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := mallsync.Start(ctx, mallsync.Config{MallID: id, DB: db, NATS: ns, Log: e2e.Quiet(), HubLinked: true,
		PollEvery: 10 * time.Millisecond, BatchSize: 50}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	select {} // until killed
}

// The mall process is killed (SIGKILL) in the middle of relaying a
// backlog and started again: the hub ends with every event once.
func TestMallKilledMidRelay(t *testing.T) {
	dir := t.TempDir()
	h := startHub(t, filepath.Join(dir, "hub"), "", nil)
	p := newProxy(t, h.leaf)
	mdir := filepath.Join(dir, "LKO1")
	creds := h.provision("LKO1", "UP", mdir)
	m := startMall(t, "LKO1", "UP", mdir, p.url(), creds, nil)
	m.stopNATS() // the child process runs NATS and the relay on this store
	sku := firstSKU(t)
	const n = 5000
	m.sell(t, n, 100, func(int) string { return sku })

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SYNCE2E_CHILD_DIR="+mdir, "SYNCE2E_CHILD_ID=LKO1",
		"SYNCE2E_CHILD_REMOTE="+p.url(), "SYNCE2E_CHILD_CREDS="+creds)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	var relayed int64
	e2e.WaitFor(t, 30*time.Second, "child relays part of the backlog", func() error {
		m.DB.R.QueryRow(`SELECT relayed_seq FROM sync_state WHERE id = 1`).Scan(&relayed)
		if relayed < 300 {
			return fmt.Errorf("relayed %d", relayed)
		}
		return nil
	})
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	m.DB.R.QueryRow(`SELECT relayed_seq FROM sync_state WHERE id = 1`).Scan(&relayed)
	wm, _ := watermark(h.DB, "LKO1")
	if relayed >= n {
		t.Fatalf("the kill came too late: all %d relayed", relayed)
	}
	t.Logf("killed with %d relayed, hub watermark %d", relayed, wm)

	m.startNATS()
	waitWatermark(t, h, m, n, 60*time.Second)
	hc, hp := hubTotals(t, h.DB, "LKO1")
	mc, mp := mallTotals(t, m.DB)
	if hc != n || mc != n || hp != mp {
		t.Fatalf("hub %d sales / %d paise, mall %d / %d", hc, hp, mc, mp)
	}
	var parked int
	h.DB.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM parked_events`).Scan(&parked)
	if parked != 0 {
		t.Fatalf("%d events parked", parked)
	}
}
