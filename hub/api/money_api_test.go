package api_test

import (
	"context"
	"database/sql"
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
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/sqlitedb"
)

// finance is the hub's finance API over a real SQLite file on 127.0.0.1,
// with a logged-in finance user and a clock the test moves.
type finance struct {
	fin     client
	db      *sqlitedb.DB
	applier *ledger.Applier
	mall    *ledgertest.Mall
	now     time.Time
}

func newFinance(t *testing.T) *finance {
	t.Helper()
	ctx := context.Background()
	f := &finance{db: ledgertest.Open(t), now: time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	store := auth.NewStore(f.db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := f.db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := settle.New(f.db, settle.Config{}, clock, log)
	srv := httptest.NewServer(api.New(api.Deps{DB: f.db, Auth: store, Log: log, Ledger: api.LedgerDeps{Settle: svc, Now: clock}}))
	t.Cleanup(srv.Close)
	anon := client{t: t, base: srv.URL}
	var out struct{ Token string }
	anon.json("POST", "/api/v1/auth/login", map[string]string{"username": "fin", "password": "finance-pass"}, http.StatusOK, &out)
	f.fin = client{t: t, base: srv.URL, token: out.Token}
	f.applier = ledger.NewApplier(clock)
	f.mall = ledgertest.NewMall("LKO1")
	return f
}

// Issue 14 item 10: a stray quote in an uploaded statement or bank
// response is a 400 naming the line, never a panic (500).
func TestCSVBadRowIs400(t *testing.T) {
	f := newFinance(t)
	for _, up := range []struct{ path, body string }{
		{"/api/v1/recon/statements", "reference,amount,time\nR1,10.00,2026-04-19T10:00:00Z\n\"R2\"x,10.00,2026-04-19T10:00:00Z\n"},
		{"/api/v1/recon/statements", "reference,amount,time\nR1,10.00,2026-04-19T10:00:00Z\nR2,\"10.00,2026-04-19T10:00:00Z\n"},
		{"/api/v1/payouts/results", "reference,status,utr\nEKTA-R0001-00001,paid,UTR1\n\"EKTA\"-R0001-00002,paid,UTR2\n"},
	} {
		var e struct {
			Error struct{ Code, Message string }
		}
		f.fin.json("POST", up.path, up.body, http.StatusBadRequest, &e)
		if e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "line 3") {
			t.Fatalf("%s: %+v, want invalid naming line 3", up.path, e)
		}
	}
}
