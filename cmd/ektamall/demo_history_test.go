package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/demoseed"
	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/ledger"
	"ektamall/inventory"
	"ektamall/shared/sqldb"
	"ektamall/shared/sqldb/pgtest"
)

// historyOpts is a short history (16 days, a dozen sales a day) so the
// test runs in seconds under the race detector; it still has a seeded
// settlement run, a failed payout, a transfer, a count, voids and returns.
func historyOpts(now time.Time) demoseed.Options {
	return demoseed.Options{Seed: 7, Days: 16, SalesPerDay: 12, Now: now}
}

// startHistoryDemo starts the demo on dir with history o. Its hub keeps
// its books in SQLite, or under make test-pg in a PostgreSQL database of
// the directory's own (the same one again when dir is started again).
func startHistoryDemo(t *testing.T, dir string, o demoseed.Options) *demo {
	t.Helper()
	d, err := startDemo(context.Background(), demoConfig{Dir: dir, HTTP: "127.0.0.1:0", MallAddr: func(int) string { return "127.0.0.1:0" },
		History: o, HubDB: demoHubDB(t, dir)}, e2e.Quiet())
	if err != nil {
		t.Fatalf("start demo: %v", err)
	}
	return d
}

// TestDemoHistory seeds a demo through the real services (SQLite, embedded
// NATS, hub and malls) and checks what finance and the zone managers rely
// on: the hub's books balance and hold every mall event; each mall's stock
// equals the sum of its movements; the seeded runs paid, one payout failed
// and was paid again; the first settlement finance runs today pays payouts
// with sale lines; a restart writes nothing more; the same seed gives the
// same history.
func TestDemoHistory(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	dir := filepath.Join(t.TempDir(), "a")
	d := startHistoryDemo(t, dir, historyOpts(now))
	sum := d.summary
	for _, m := range sum.Malls {
		if m.Sales < 100 || m.Returns == 0 || m.Shelf == 0 || m.ShiftsClosed == 0 {
			t.Errorf("%s: %d sales, %d returns, %d units on shelves, %d shifts closed: want a history", m.ID, m.Sales, m.Returns, m.Shelf, m.ShiftsClosed)
		}
		if m.AtHub != m.Events || m.Events == 0 {
			t.Errorf("%s: the hub holds events up to %d of %d", m.ID, m.AtHub, m.Events)
		}
		if got := m.Last.Sub(m.First); got < 14*24*time.Hour {
			t.Errorf("%s: sales span %v, want the 16 days seeded", m.ID, got)
		}
	}
	rep, err := ledger.Check(ctx, d.hub.Store.Reader())
	if err != nil || !rep.OK {
		t.Fatalf("hub ledger check: %+v, %v", rep, err)
	}
	for i, m := range d.malls {
		if bad, err := inventory.Check(ctx, m.DB.R); err != nil || len(bad) > 0 {
			t.Errorf("%s stock check: %v %v", demoMalls[i].ID, bad, err)
		}
	}
	b2b := 0
	for _, m := range d.malls {
		var n int
		m.DB.R.QueryRow(`SELECT count(*) FROM sales WHERE b2b = 1 AND buyer_gstin != ''`).Scan(&n)
		b2b += n
	}
	if b2b == 0 {
		t.Error("no B2B invoice (a registered buyer's GSTIN) in the history")
	}
	checkSeededOnce(t, d)
	checkSeededRuns(t, d.hub.Store)
	settleToday(t, d)
	checkProducerView(t, d)
	fp := fingerprint(t, d)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	// A restart finds the marker and writes nothing.
	d = startHistoryDemo(t, dir, historyOpts(now))
	for k, v := range fingerprint(t, d) {
		if fp[k] != v {
			t.Errorf("the restart changed %s's data", k)
		}
	}
	checkSeededOnce(t, d)
	d.Close()

	// The same seed on another directory writes the same history.
	d2 := startHistoryDemo(t, filepath.Join(t.TempDir(), "b"), historyOpts(now))
	defer d2.Close()
	settleToday(t, d2)
	for k, v := range fingerprint(t, d2) {
		if fp[k] != v {
			t.Errorf("same seed, different %s", k)
		}
	}
}

// checkSeededOnce: one marker, and as many sales as sale events.
func checkSeededOnce(t *testing.T, d *demo) {
	t.Helper()
	var n int
	d.hub.Store.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'demo.history_seeded'`).Scan(&n)
	if n != 1 {
		t.Errorf("history seeded %d times", n)
	}
	for i, m := range d.malls {
		var sales, evs int
		m.DB.R.QueryRow(`SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM outbox WHERE type = 'sale.completed')`).Scan(&sales, &evs)
		if sales != evs {
			t.Errorf("%s: %d sales, %d sale events", demoMalls[i].ID, sales, evs)
		}
	}
}

// checkSeededRuns: every seeded payout has the bank's result, one failed,
// and its producer was paid again by the next run (here: today's).
func checkSeededRuns(t *testing.T, db sqldb.DB) {
	t.Helper()
	var runs, payouts, results, failed int
	db.Reader().QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM settlement_runs), (SELECT count(*) FROM settlement_payouts),
		(SELECT count(*) FROM payout_results), (SELECT count(*) FROM payout_results WHERE status = 'failed')`).Scan(&runs, &payouts, &results, &failed)
	if runs == 0 || payouts == 0 || results != payouts || failed != 1 {
		t.Errorf("seeded runs %d, payouts %d, bank results %d (%d failed): want runs, every payout answered, one failed", runs, payouts, results, failed)
	}
}

// settleToday runs finance's first settlement over HTTP with today's
// cutoff: it pays payouts with sale lines, one bringing the failed payout
// forward.
func settleToday(t *testing.T, d *demo) {
	t.Helper()
	var pass string
	for _, u := range d.info.Users {
		if u.Username == "finance" {
			pass = u.Password
		}
	}
	var login struct{ Token string }
	if code := e2e.Call(t, "POST", d.hub.URL+"/api/v1/auth/login", "", map[string]string{"username": "finance", "password": pass}, &login); code != 200 {
		t.Fatalf("finance login: %d", code)
	}
	var run struct {
		ID          string `json:"id"`
		PayoutCount int64  `json:"payout_count"`
	}
	if code := e2e.Call(t, "POST", d.hub.URL+"/api/v1/settlements", login.Token, map[string]any{"cutoff": time.Now().UTC().Format(time.RFC3339)}, &run); code != 201 || run.PayoutCount == 0 {
		t.Fatalf("today's settlement: status %d, %d payouts", code, run.PayoutCount)
	}
	var payouts []struct {
		SaleLines      int64  `json:"sale_lines"`
		BroughtForward string `json:"brought_forward"`
	}
	e2e.Call(t, "GET", d.hub.URL+"/api/v1/settlements/"+run.ID+"/payouts", login.Token, nil, &payouts)
	var lines int64
	repaid := false
	for _, p := range payouts {
		lines += p.SaleLines
		repaid = repaid || p.BroughtForward != "0.00"
	}
	if lines == 0 {
		t.Errorf("today's run pays %d payouts with no sale lines", len(payouts))
	}
	if !repaid {
		t.Errorf("no payout of today's run brings the failed payout forward")
	}
}

// fingerprint hashes what the history is made of, per database: each
// mall's invoices, credit notes, stock, shifts and transfers, and the
// hub's settlement runs and payouts (ids are random; these are not).
func fingerprint(t *testing.T, d *demo) map[string]string {
	t.Helper()
	out := map[string]string{}
	hash := func(db sqldb.Querier, qs ...string) string {
		h := sha256.New()
		for _, q := range qs {
			rows, err := db.QueryContext(context.Background(), q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				fmt.Fprintln(h, vals...)
			}
			rows.Close()
		}
		return fmt.Sprintf("%x", h.Sum(nil))
	}
	for i, m := range d.malls {
		out[demoMalls[i].ID] = hash(m.DB.R,
			`SELECT invoice_no, at, total_paise, status, counter FROM sales ORDER BY invoice_no`,
			`SELECT l.sku, l.qty, l.amount_paise FROM sale_lines l JOIN sales s ON s.id = l.sale_id ORDER BY s.invoice_no, l.line_no`,
			`SELECT credit_note_no, at, total_paise FROM returns ORDER BY credit_note_no`,
			`SELECT sku, location, qty FROM stock ORDER BY sku, location`,
			`SELECT counter, opened_at, closed_at, counted_cash_paise FROM shifts ORDER BY opened_at, counter`,
			`SELECT direction, status, sent_at, received_at FROM transfers ORDER BY sent_at`)
	}
	out["hub"] = hash(d.hub.Store.Reader(),
		`SELECT run_no, cutoff, window_end, item_count, payout_count, payout_total FROM settlement_runs WHERE run_no < (SELECT MAX(run_no) FROM settlement_runs) ORDER BY run_no`,
		`SELECT p.reference, p.producer_id, p.amount, r.status, r.utr FROM settlement_payouts p LEFT JOIN payout_results r ON r.payout_id = p.id
			WHERE r.status IS NOT NULL ORDER BY p.reference`)
	return out
}

var (
	demoDBsMu sync.Mutex
	demoDBs   = map[string]string{} // demo directory → its hub's PostgreSQL database
)

// demoHubDB is the hub's --db for a test demo on dir: "" (SQLite) unless
// EKTAMALL_TEST_PG is set, then a database on that server made for dir
// on its first start and kept for its restarts.
func demoHubDB(t *testing.T, dir string) string {
	if !pgtest.Enabled() {
		return ""
	}
	demoDBsMu.Lock()
	defer demoDBsMu.Unlock()
	if demoDBs[dir] == "" {
		demoDBs[dir] = pgtest.NewDatabase(t)
	}
	return demoDBs[dir]
}
