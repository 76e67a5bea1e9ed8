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
	"ektamall/hub/channel"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/sqldb"
)

// A channel's settlement file over HTTP: finance only, a bad row is a 400
// naming its line, an unknown channel a 400, the same file twice a 409,
// and the report answers what the import found.
func TestChannelSettlementAPI(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	now := func() time.Time { return time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC) }
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		if _, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, ""); err != nil {
			return err
		}
		_, err := store.CreateUser(ctx, tx, "admin", "admin-pass1", "Admin", auth.HubAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ch := channel.New(db, now, nil)
	if _, err := ch.Create(ctx, "ondc-buyer"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: log,
		Ledger: api.LedgerDeps{Settle: settle.New(db, settle.Config{}, now, log), Now: now}, Channel: ch}))
	t.Cleanup(srv.Close)
	login := func(user, pass string) client {
		var out struct{ Token string }
		client{t: t, base: srv.URL}.json("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pass}, http.StatusOK, &out)
		return client{t: t, base: srv.URL, token: out.Token}
	}
	fin, admin := login("fin", "finance-pass"), login("admin", "admin-pass1")
	const path = "/api/v1/recon/channel-settlements?channel=ondc-buyer&filename=s.csv"
	good := "order_id,gross,fee,fee_tax,net,utr\nORD-1,100.00,10.00,1.80,88.20,UTR1\n"

	admin.json("POST", path, good, http.StatusForbidden, nil)
	var e struct {
		Error struct{ Code, Message string }
	}
	fin.json("POST", path, "order_id,gross,fee,fee_tax,net,utr\nORD-1,100.00,10.00,1.80,88.20,UTR1\nORD-2,100.00,10.00,1.80,80.00,UTR1\n", http.StatusBadRequest, &e)
	if e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "line 3") {
		t.Errorf("a row that does not add up: %+v, want invalid naming line 3", e)
	}
	fin.json("POST", "/api/v1/recon/channel-settlements?channel=nobody", good, http.StatusBadRequest, nil)

	var rep channel.SettlementReport
	fin.json("POST", path, good, http.StatusCreated, &rep)
	if rep.Counts[channel.Unknown] != 1 || len(rep.Lines) != 1 || rep.Lines[0].OrderID != "ORD-1" {
		t.Fatalf("report %+v, want ORD-1 unknown (nothing sold online)", rep)
	}
	fin.json("POST", path, good, http.StatusConflict, nil)
	var again channel.SettlementReport
	admin.json("GET", "/api/v1/recon/channel-settlements/"+rep.Import.ID, nil, http.StatusOK, &again)
	if again.Import.ID != rep.Import.ID || again.Counts[channel.Unknown] != 1 {
		t.Errorf("GET report %+v", again)
	}
	admin.json("GET", "/api/v1/recon/channel-settlements/nope", nil, http.StatusNotFound, nil)
}
