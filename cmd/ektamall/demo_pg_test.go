package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgtest"
)

// TestDemoOnPostgres runs the demo with its hub's books on PostgreSQL: the
// history is seeded through the store seam into the server, /ledger/check
// balances over HTTP, and the hub's CONTRACT.md answers (ledger, malls,
// settlements, GSTR-1, reports, the producer's and the channel's views)
// carry their shapes. The demo command started again with --hub-db on the
// same directory and database finds its history and writes none again.
func TestDemoOnPostgres(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set (make test-pg)")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	now := time.Now()
	d := startHistoryDemo(t, dir, historyOpts(now))
	if d.hub.Store.Dialect() != sqldb.Postgres || d.hub.DB != nil {
		t.Fatalf("the demo's hub runs on %s, want PostgreSQL only", d.hub.Store.Dialect())
	}
	if _, err := os.Stat(filepath.Join(dir, "hub", "hub.db")); !os.IsNotExist(err) {
		t.Errorf("a PostgreSQL hub left a SQLite file in its directory: %v", err)
	}
	for _, m := range d.summary.Malls {
		if m.Sales == 0 || m.AtHub != m.Events {
			t.Errorf("%s: %d sales, %d of %d events at the hub", m.ID, m.Sales, m.AtHub, m.Events)
		}
	}
	checkSeededRuns(t, d.hub.Store)
	checkHubContract(t, d.hub.URL, d, now)
	var runs int
	d.hub.Store.Reader().QueryRowContext(ctx, `SELECT count(*) FROM settlement_runs`).Scan(&runs)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	// The command line: the same directory and database, no history again.
	rctx, cancel := context.WithCancel(ctx)
	out, errOut := &safeBuf{}, &safeBuf{}
	done := make(chan int, 1)
	go func() {
		done <- run(rctx, []string{"demo", "--dir", dir, "--http", "127.0.0.1:0", "--hub-db", demoHubDB(t, dir)}, out, errOut)
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("demo did not shut down within 30 s")
		}
	}()
	var info demoFile
	e2e.WaitFor(t, 2*time.Minute, "the demo's banner", func() error {
		b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
		if err != nil || json.Unmarshal(b, &info) != nil || !strings.Contains(out.String(), "running") {
			return os.ErrNotExist
		}
		return nil
	})
	if strings.Contains(out.String(), "First start") {
		t.Errorf("the restart wrote history again:\n%s", out.String())
	}
	tok := e2e.Login(t, info.Hub.URL, "finance", userPass(t, d, "finance"))
	var check struct {
		OK bool `json:"ok"`
	}
	if code := e2e.Call(t, "GET", info.Hub.URL+"/api/v1/ledger/check", tok, nil, &check); code != 200 || !check.OK {
		t.Errorf("ledger check after the restart: %d %+v", code, check)
	}
	var runs2 []json.RawMessage
	if code := e2e.Call(t, "GET", info.Hub.URL+"/api/v1/settlements", tok, nil, &runs2); code != 200 || len(runs2) != runs {
		t.Errorf("settlement runs after the restart: status %d, %d runs, want %d", code, len(runs2), runs)
	}
}

// checkHubContract calls the hub's finance, producer and channel answers
// CONTRACT.md names and checks the fields clients read.
func checkHubContract(t *testing.T, base string, d *demo, now time.Time) {
	t.Helper()
	tok := e2e.Login(t, base, "finance", userPass(t, d, "finance"))
	var check struct {
		OK      bool   `json:"ok"`
		Debits  string `json:"debits"`
		Credits string `json:"credits"`
		Entries int64  `json:"entries"`
	}
	if code := e2e.Call(t, "GET", base+"/api/v1/ledger/check", tok, nil, &check); code != 200 || !check.OK || check.Entries == 0 || check.Debits != check.Credits {
		t.Errorf("GET /ledger/check: %d %+v", code, check)
	}
	var bal struct{ Debits, Credits string }
	if code := e2e.Call(t, "GET", base+"/api/v1/ledger/balance", tok, nil, &bal); code != 200 || bal.Debits == "" || bal.Debits != bal.Credits || bal.Debits == "0.00" {
		t.Errorf("GET /ledger/balance: %d %+v", code, bal)
	}
	var malls []struct {
		ID        string `json:"id"`
		State     string `json:"state"`
		Watermark int64  `json:"watermark"`
	}
	if code := e2e.Call(t, "GET", base+"/api/v1/malls", tok, nil, &malls); code != 200 || len(malls) < 2 {
		t.Errorf("GET /malls: %d %+v", code, malls)
	}
	for _, m := range malls {
		if m.State == "" || (m.ID == "LKO1" || m.ID == "BLR1") && m.Watermark == 0 {
			t.Errorf("GET /malls: %+v", m)
		}
	}
	var totals map[string]any
	from, to := now.AddDate(0, 0, -30).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)
	if code := e2e.Call(t, "GET", base+"/api/v1/malls/LKO1/totals?from="+from+"&to="+to, tok, nil, &totals); code != 200 || len(totals) == 0 {
		t.Errorf("GET /malls/LKO1/totals: %d %v", code, totals)
	}
	settleToday(t, d)
	var gstr1 struct {
		GSTIN string `json:"gstin"`
		FP    string `json:"fp"`
	}
	period := now.AddDate(0, 0, -10).Format("2006-01")
	if code := e2e.Call(t, "GET", base+"/api/v1/gst/gstr1?mall=LKO1&period="+period, tok, nil, &gstr1); code != 200 || gstr1.GSTIN == "" || gstr1.FP == "" {
		t.Errorf("GET /gst/gstr1: %d %+v", code, gstr1)
	}
	var rows []map[string]any
	if code := e2e.Call(t, "GET", base+"/api/v1/reports/sales?by=state&from="+from[:10]+"&to="+to[:10], tok, nil, &rows); code != 200 || len(rows) == 0 {
		t.Errorf("GET /reports/sales?by=state: %d %v", code, rows)
	}
	ptok := e2e.Login(t, base, "producer.lucknow", userPass(t, d, "producer.lucknow"))
	var psales json.RawMessage
	if code := e2e.Call(t, "GET", base+"/api/v1/producer/sales?from="+from[:10]+"&to="+to[:10], ptok, nil, &psales); code != 200 || len(psales) < 3 {
		t.Errorf("GET /producer/sales: %d %s", code, psales)
	}
	var payouts json.RawMessage
	if code := e2e.Call(t, "GET", base+"/api/v1/producer/payouts", ptok, nil, &payouts); code != 200 || len(payouts) < 3 {
		t.Errorf("GET /producer/payouts: %d %s", code, payouts)
	}
	var cat json.RawMessage
	if code := e2e.Call(t, "GET", base+"/api/v1/channel/catalog", d.info.Channels[0].Key, nil, &cat); code != 200 || len(cat) < 3 {
		t.Errorf("GET /channel/catalog: %d %.200s", code, cat)
	}
}
