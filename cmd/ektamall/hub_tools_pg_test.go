package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/hubdb"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
	"ektamall/shared/sqldb/pgtest"
)

// TestHubToolsOnPostgres is a PostgreSQL hub's operator commands with
// --db (and EKTAMALL_DB): create-user makes the first admin in a database
// no hub has opened, provision-mall registers a mall and writes its
// credentials, a hub node on that database lets the admin in and knows
// the mall's key; backup dumps the books with pg_dump while the node runs
// and restore loads them into an empty database, where the ledger
// balances as it did and the admin still logs in. A restore into a
// database that holds books, and a SQLite-only flag value, are refused.
func TestHubToolsOnPostgres(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip(pgtest.Env + " not set (make test-pg)")
	}
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	out, pass, err := createUser(t, "hub", "", "--db", url, "--username", "hubadmin", "--role", "hub_admin")
	if err != nil || pass == "" || !strings.Contains(out, "a new database") || !strings.Contains(out, "PostgreSQL") {
		t.Fatalf("hub create-user --db: %v\n%s", err, out)
	}
	t.Setenv("EKTAMALL_DB", url) // the environment names the books as well as --db
	if out, _, err := createUser(t, "hub", "", "--username", "finance", "--role", "finance"); err != nil || strings.Contains(out, "a new database") {
		t.Fatalf("hub create-user with EKTAMALL_DB: %v\n%s", err, out)
	}
	t.Setenv("EKTAMALL_DB", "")
	if _, _, err := createUser(t, "hub", "", "--username", "x.y", "--role", "finance"); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Fatalf("hub create-user with neither --dir nor --db: %v", err)
	}
	credsDir := t.TempDir()
	var pout bytes.Buffer
	if err := runProvisionMall(ctx, []string{"--db", url, "--id", "LKO1", "--state", "UP", "--out", credsDir}, &pout, e2e.Quiet()); err != nil {
		t.Fatalf("provision-mall --db: %v", err)
	}
	creds, err := os.ReadFile(filepath.Join(credsDir, "LKO1.creds"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ingest.PublicKeyOfCreds(creds)
	if err != nil {
		t.Fatal(err)
	}

	// Books to back up: sales booked on the same database.
	store, _, err := hubdb.Open(ctx, url, "", "", e2e.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)
	a := ledger.NewApplier(func() time.Time { return now })
	m := ledgertest.NewMall("LKO1")
	for i, p := range ledgertest.Products(t, 4) {
		s := m.Sale("SH1", now.Add(time.Duration(i)*time.Minute), []ledgertest.Item{{Product: p, Qty: 1}}, nil)
		if err := ledgertest.Apply(ctx, store, a, m.Envelope(events.SaleCompleted, s.At, s)); err != nil {
			t.Fatal(err)
		}
	}
	want, err := ledger.Check(ctx, store.Reader())
	store.Close()
	if err != nil || !want.OK || want.Entries == 0 {
		t.Fatalf("the books: %+v, %v", want, err)
	}

	h, err := hubapp.Open(ctx, hubapp.Config{Dir: t.TempDir(), DB: url, HTTP: "127.0.0.1:0", Leaf: "127.0.0.1:0",
		Synchronous: "NORMAL", ShutdownFor: 5 * time.Second}, e2e.Quiet())
	if err != nil {
		t.Fatalf("open hub: %v", err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.Run(rctx) }()
	defer func() { stop(); <-done }()
	e2e.WaitOK(t, h.URL+"/healthz", 20*time.Second)
	e2e.Login(t, h.URL, "hubadmin", pass)
	if key, err := h.MallKey(ctx, "LKO1"); err != nil || key != pub {
		t.Fatalf("the hub's key for LKO1 %q (%v), want the provisioned %q", key, err, pub)
	}

	file := filepath.Join(t.TempDir(), "hub.pgdump")
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"backup", "--db", url, "--out", file}, &stdout, &stderr); code != 0 {
		t.Fatalf("backup --db: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(ctx, []string{"backup", "--db", url, "--out", file}, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "exists") {
		t.Fatalf("backup over an existing file: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(ctx, []string{"restore", "--db", url, "--from", file}, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "empty database") {
		t.Fatalf("restore into the live books: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run(ctx, []string{"backup", "--db", "/var/lib/hub.db", "--out", file + "2"}, io.Discard, &stderr); code == 0 || !strings.Contains(stderr.String(), "--db") {
		t.Fatalf("backup --db of a path: exit %d: %s", code, stderr.String())
	}

	fresh := pgtest.NewDatabase(t)
	stdout.Reset()
	stderr.Reset()
	if code := run(ctx, []string{"restore", "--db", fresh, "--from", file}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "ledger balanced") {
		t.Fatalf("restore --db: exit %d: %s%s", code, stdout.String(), stderr.String())
	}
	back, _, err := hubdb.Open(ctx, fresh, "", "", e2e.Quiet())
	if err != nil {
		t.Fatalf("the restored books open as a hub's: %v", err)
	}
	defer back.Close()
	got, err := ledger.Check(ctx, back.Reader())
	if err != nil || !got.OK || got.Entries != want.Entries || !got.Debits.Equal(want.Debits) {
		t.Fatalf("restored ledger %+v (%v), want %+v", got, err, want)
	}
	var users int
	back.Reader().QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username IN ('hubadmin', 'finance')`).Scan(&users)
	if users != 2 {
		t.Errorf("restored books hold %d of the 2 users", users)
	}
	// The restored books book on: the ledger's triggers came back too.
	s := m.Sale("SH2", now.Add(time.Hour), []ledgertest.Item{{Product: ledgertest.Products(t, 4)[0], Qty: 1}}, nil)
	if err := ledgertest.Apply(ctx, back, a, m.Envelope(events.SaleCompleted, s.At, s)); err != nil {
		t.Fatalf("booking on the restored books: %v", err)
	}
	if _, err := back.Writer().ExecContext(ctx, `UPDATE ledger_postings SET debit = debit + 1 WHERE debit > 0`); err == nil {
		t.Error("the restored ledger lets a posting be changed")
	}
}
