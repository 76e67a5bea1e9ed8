package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/api"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

func TestSettleCommand(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		if err := settle.SeedDemoBankAccounts(ctx, tx, time.Now()); err != nil {
			return err
		}
		_, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	a := ledger.NewApplier(nil)
	m := ledgertest.NewMall("BLR1")
	ps := ledgertest.Products(t, 8)
	want := int64(0)
	for i, p := range ps {
		at := time.Now().Add(-time.Duration(8+i) * 24 * time.Hour)
		s := m.Sale("SH", at, []ledgertest.Item{{Product: p, Qty: 2}}, nil)
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, at, s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Reader().QueryRowContext(ctx, `SELECT SUM(producer_net) FROM hub_sale_lines`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	svc := settle.New(db, settle.Config{}, nil, e2e.Quiet())
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: e2e.Quiet(), Ledger: api.LedgerDeps{Settle: svc}}))
	t.Cleanup(srv.Close)

	out := filepath.Join(t.TempDir(), "payouts.csv")
	var stdout, stderr bytes.Buffer
	t.Setenv("EKTAMALL_PASSWORD", "finance-pass")
	if code := run(ctx, []string{"settle", "--hub", srv.URL, "--user", "fin", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "payouts totalling "+money.FromPaise(want).String()) {
		t.Fatalf("summary: %s", stdout.String())
	}
	f, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, r := range recs[1:] {
		sum += money.MustParse(r[4]).Paise()
		if r[2] == "" || len(r[3]) != 11 {
			t.Fatalf("payout row without bank details: %v", r)
		}
	}
	if sum != want || len(recs)-1 != len(ps) {
		t.Fatalf("file pays %d over %d rows, want %d over %d", sum, len(recs)-1, want, len(ps))
	}
	// A wrong password is a one-line error and exit 1.
	stderr.Reset()
	if code := run(ctx, []string{"settle", "--hub", srv.URL, "--user", "fin", "--password", "wrong-pass", "--quiet"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "wrong username or password") {
		t.Fatalf("bad login: exit %d, %s", code, stderr.String())
	}
}
