package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/hub/api"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// TestCommissionSeriesOfMallsSharingAPrefix: two malls whose ids share
// their first four characters (LKO12, LKO13) each get a commission series
// of their own, so one settlement run issues both malls' documents. The
// series was "C" and the first four characters, so the second mall's
// first document collided with the first mall's and the run's documents
// could not be issued.
func TestCommissionSeriesOfMallsSharingAPrefix(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	ledgertest.BankAccounts(t, db)
	now := time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		for _, id := range []string{"LKO12", "LKO13"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO malls (id, state, name, gstin, created_at) VALUES (?, 'UP', ?, '', ?)`,
				id, id, ledger.TS(now)); err != nil {
				return err
			}
		}
		_, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := settle.New(db, settle.Config{}, clock, log)
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: log, Ledger: api.LedgerDeps{Settle: svc, Now: clock},
		Producer: producer.New(db, store, clock)}))
	t.Cleanup(srv.Close)

	a := ledger.NewApplier(clock)
	p := ledgertest.Products(t, 1)[0]
	for _, id := range []string{"LKO12", "LKO13"} {
		m := &ledgertest.Mall{ID: id, State: "UP"}
		at := now.AddDate(0, 0, -10)
		s := m.Sale("SH1", at, []ledgertest.Item{{Product: p, Qty: 1}}, nil)
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, at, s)); err != nil {
			t.Fatal(err)
		}
	}

	anon := client{t: t, base: srv.URL}
	var tok struct{ Token string }
	anon.json("POST", "/api/v1/auth/login", map[string]string{"username": "fin", "password": "finance-pass"}, http.StatusOK, &tok)
	fin := client{t: t, base: srv.URL, token: tok.Token}
	var run settle.Run
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusCreated, &run)
	var docs []producer.CommissionDoc
	fin.json("GET", "/api/v1/commission-invoices?run="+run.ID, nil, http.StatusOK, &docs)
	series := map[string]string{}
	for _, d := range docs {
		code, _, _ := strings.Cut(d.Number, "/")
		series[d.Mall] = code
	}
	if len(docs) != 2 || series["LKO12"] == "" || series["LKO13"] == "" || series["LKO12"] == series["LKO13"] {
		t.Fatalf("documents %+v: want one per mall in a series of its own, got series %v", docs, series)
	}
	// The second mall took the next free code, the first kept its own.
	if series["LKO12"] != "CLKO1" && series["LKO13"] != "CLKO1" {
		t.Fatalf("series %v: one mall keeps CLKO1", series)
	}
}
