package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/hubdb"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/events"
	"ektamall/shared/sqldb/pgtest"
)

// A SQLite hub's books (sales, a return, a settlement run) move into
// PostgreSQL: every table's rows, the ledger balanced with the same
// totals, and the hub goes on booking there. A second copy into the same
// database is refused.
func TestMigrateDB(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set (make test-pg)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	lite := ledgertest.OpenAt(t, "", dir)
	ledgertest.BankAccounts(t, lite)
	now := time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)
	a := ledger.NewApplier(func() time.Time { return now })
	m := ledgertest.NewMall("LKO1")
	var sales []events.Sale
	for i, p := range ledgertest.Products(t, 6) {
		s := m.Sale("SH1", now.Add(time.Duration(i)*time.Minute), []ledgertest.Item{{Product: p, Qty: int64(1 + i%3)}}, nil)
		if err := ledgertest.Apply(ctx, lite, a, m.Envelope(events.SaleCompleted, s.At, s)); err != nil {
			t.Fatal(err)
		}
		sales = append(sales, s)
	}
	r := m.Return(sales[0], ledgertest.ReturnState{}, map[int]int64{1: 1}, "upi", now.Add(time.Hour))
	if err := ledgertest.Apply(ctx, lite, a, m.Envelope(events.ReturnCompleted, r.At, r)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * 24 * time.Hour)
	run, _, err := settle.New(lite, settle.Config{}, func() time.Time { return now }, e2e.Quiet()).Create(ctx, time.Time{}, "test", nil)
	if err != nil || run.PayoutCount == 0 {
		t.Fatalf("settlement before the move: %+v, %v", run, err)
	}
	want, err := ledger.Check(ctx, lite.Reader())
	if err != nil || !want.OK {
		t.Fatalf("the SQLite books: %+v, %v", want, err)
	}
	lite.Close()

	url := pgtest.NewDatabase(t)
	var out bytes.Buffer
	if err := runMigrateDB(ctx, []string{"--from", dir, "--to", url}, &out, e2e.Quiet()); err != nil {
		t.Fatalf("migrate-db: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "ledger balanced") {
		t.Fatalf("migrate-db said:\n%s", out.String())
	}
	pg, _, err := hubdb.Open(ctx, url, "", "", e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	got, err := ledger.Check(ctx, pg.Reader())
	if err != nil || !got.OK || !got.Debits.Equal(want.Debits) || !got.Credits.Equal(want.Credits) || got.Entries != want.Entries {
		t.Fatalf("ledger on PostgreSQL %+v (%v), want the SQLite one %+v", got, err, want)
	}
	var runs, lines int
	if err := pg.Reader().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM settlement_runs), (SELECT count(*) FROM hub_sale_lines)`).Scan(&runs, &lines); err != nil || runs != 1 || lines != len(sales) {
		t.Fatalf("runs %d lines %d (%v), want 1 and %d", runs, lines, err, len(sales))
	}
	// The hub books on: the next sale lands after the copied ones.
	s := m.Sale("SH2", now, []ledgertest.Item{{Product: ledgertest.Products(t, 6)[1], Qty: 1}}, nil)
	if err := ledgertest.Apply(ctx, pg, a, m.Envelope(events.SaleCompleted, s.At, s)); err != nil {
		t.Fatalf("booking on PostgreSQL after the move: %v", err)
	}
	// Its entry and its batch's summary of the tax and commission.
	if rep, err := ledger.Check(ctx, pg.Reader()); err != nil || !rep.OK || rep.Entries != want.Entries+2 {
		t.Fatalf("after one more sale: %+v, %v", rep, err)
	}
	out.Reset()
	if err := runMigrateDB(ctx, []string{"--from", dir, "--to", url}, &out, e2e.Quiet()); err == nil || !strings.Contains(err.Error(), "already holds books") {
		t.Fatalf("a second copy into the same database: %v", err)
	}
}

// TestMigrateDBMovesTheDemo moves the demo's books (a seeded history on
// SQLite: sales, returns, transfers, settlement runs and bank results) to
// PostgreSQL with the command, starts the demo again on the same directory
// with --hub-db naming the copy, and finance's /ledger/check balances with
// the same totals there; the history is not written again.
func TestMigrateDBMovesTheDemo(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set (make test-pg)")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	d, err := startDemo(ctx, demoConfig{Dir: dir, HTTP: "127.0.0.1:0", MallAddr: func(int) string { return "127.0.0.1:0" },
		History: historyOpts(time.Now())}, e2e.Quiet()) // HubDB "": SQLite
	if err != nil {
		t.Fatal(err)
	}
	want, err := ledger.Check(ctx, d.hub.Store.Reader())
	if err != nil || !want.OK || want.Entries == 0 {
		t.Fatalf("the demo's SQLite books: %+v, %v", want, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	url := pgtest.NewDatabase(t)
	var out bytes.Buffer
	if err := runMigrateDB(ctx, []string{"--from", filepath.Join(dir, "hub"), "--to", url}, &out, e2e.Quiet()); err != nil {
		t.Fatalf("migrate-db: %v\n%s", err, out.String())
	}
	if err := os.Rename(filepath.Join(dir, "hub", "hub.db"), filepath.Join(dir, "hub", "hub.db.moved")); err != nil {
		t.Fatal(err)
	}
	d, err = startDemo(ctx, demoConfig{Dir: dir, HTTP: "127.0.0.1:0", MallAddr: func(int) string { return "127.0.0.1:0" },
		History: historyOpts(time.Now()), HubDB: url}, e2e.Quiet())
	if err != nil {
		t.Fatalf("the demo on the moved books: %v", err)
	}
	defer d.Close()
	tok := e2e.Login(t, d.hub.URL, "finance", userPass(t, d, "finance"))
	var got ledger.Report
	if code := e2e.Call(t, "GET", d.hub.URL+"/api/v1/ledger/check", tok, nil, &got); code != 200 || !got.OK ||
		got.Entries != want.Entries || !got.Debits.Equal(want.Debits) {
		t.Fatalf("/ledger/check on PostgreSQL: %d %+v, want the SQLite books' %+v", code, got, want)
	}
	var n int
	d.hub.Store.Reader().QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'demo.history_seeded'`).Scan(&n)
	if n != 1 {
		t.Errorf("history seeded %d times after the move", n)
	}
}
