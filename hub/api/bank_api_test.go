package api_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ektamall/hub/api"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// TestBankChangeNeedsASecondPerson: finance asks for a producer's new bank
// account; it is not paid into until someone else approves it; the asker
// cannot approve their own change; a rejection needs a reason; finance and
// the audit log see who asked and who decided. The catalog is the hub
// admin's: finance may no longer change prices.
func TestBankChangeNeedsASecondPerson(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	now := time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	err := db.Transact(ctx, func(tx sqldb.Tx) error {
		for _, u := range []struct {
			name string
			role auth.Role
		}{{"fin", auth.Finance}, {"fin2", auth.Finance}, {"admin", auth.HubAdmin}} {
			if _, err := store.CreateUser(ctx, tx, u.name, "pass-word-1", u.name, u.role, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A sale of the producer's goods, old enough to be paid.
	ps := ledgertest.Products(t, 1)
	producer := ps[0].ProducerID
	m := ledgertest.NewMall("LKO1")
	at := now.Add(-10 * 24 * time.Hour)
	sale := m.Sale("SH1", at, []ledgertest.Item{{Product: ps[0], Qty: 2}}, nil)
	if err := ledgertest.Apply(ctx, db, ledger.NewApplier(clock), m.Envelope(events.SaleCompleted, at, sale)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := settle.New(db, settle.Config{}, clock, log)
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: log, Ledger: api.LedgerDeps{Settle: svc, Now: clock}}))
	t.Cleanup(srv.Close)
	anon := client{t: t, base: srv.URL}
	login := func(u string) client {
		var out struct{ Token string }
		anon.json("POST", "/api/v1/auth/login", map[string]string{"username": u, "password": "pass-word-1"}, http.StatusOK, &out)
		return client{t: t, base: srv.URL, token: out.Token}
	}
	fin, fin2, admin := login("fin"), login("fin2"), login("admin")
	current := func() string {
		var acct string
		err := db.Reader().QueryRowContext(context.Background(), `SELECT account_no FROM producer_bank_accounts WHERE producer_id = ?`, producer).Scan(&acct)
		if err == sql.ErrNoRows {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		return acct
	}
	path := "/api/v1/producers/" + producer + "/bank"
	acct := map[string]string{"beneficiary": "Moradabad Brass Guild", "account_no": "123456789012", "ifsc": "SBIN0001234"}

	admin.json("PUT", path, acct, http.StatusForbidden, nil)
	var ch settle.BankChange
	fin.json("PUT", path, acct, http.StatusAccepted, &ch)
	if ch.Status != "pending" || ch.RequestedBy != "fin" || current() != "" {
		t.Fatalf("after the request: %+v, paid into %q", ch, current())
	}
	fin.json("POST", "/api/v1/bank-changes/"+ch.ID+"/approve", nil, http.StatusForbidden, nil)
	var pending []settle.BankChange
	fin.json("GET", "/api/v1/bank-changes?status=pending", nil, http.StatusOK, &pending)
	if len(pending) != 1 || pending[0].ID != ch.ID {
		t.Fatalf("pending %+v", pending)
	}
	var done settle.BankChange
	fin2.json("POST", "/api/v1/bank-changes/"+ch.ID+"/approve", nil, http.StatusOK, &done)
	if done.Status != "approved" || done.DecidedBy != "fin2" || current() != "123456789012" {
		t.Fatalf("after approval: %+v, paid into %q", done, current())
	}
	fin2.json("POST", "/api/v1/bank-changes/"+ch.ID+"/approve", nil, http.StatusConflict, nil)

	// A second request supersedes the first; a rejection needs a reason
	// and leaves the approved account in place. A settlement run while a
	// change is pending pays the approved account.
	acct["account_no"] = "999988887777"
	var first, second settle.BankChange
	fin.json("PUT", path, acct, http.StatusAccepted, &first)
	var run settle.Run
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusCreated, &run)
	var payouts []settle.Payout
	fin.json("GET", "/api/v1/settlements/"+run.ID+"/payouts", nil, http.StatusOK, &payouts)
	if len(payouts) != 1 || payouts[0].ProducerID != producer || payouts[0].AccountNo != "123456789012" {
		t.Fatalf("payouts while a change is pending: %+v", payouts)
	}
	acct["account_no"] = "555544443333"
	fin.json("PUT", path, acct, http.StatusAccepted, &second)
	if second.Current == nil || second.Current.AccountNo != "123456789012" {
		t.Fatalf("the checker is not shown the account being replaced: %+v", second.Current)
	}
	admin.json("POST", "/api/v1/bank-changes/"+first.ID+"/approve", nil, http.StatusConflict, nil)
	admin.json("POST", "/api/v1/bank-changes/"+second.ID+"/reject", map[string]string{"reason": "  "}, http.StatusBadRequest, nil)
	admin.json("POST", "/api/v1/bank-changes/"+second.ID+"/reject", map[string]string{"reason": "caller could not confirm the account"}, http.StatusOK, nil)
	if current() != "123456789012" {
		t.Fatalf("a rejected change is paid into: %q", current())
	}
	var all []settle.BankChange
	fin.json("GET", "/api/v1/bank-changes", nil, http.StatusOK, &all)
	got := map[string]string{}
	for _, c := range all {
		got[c.ID] = c.Status
	}
	if got[ch.ID] != "approved" || got[first.ID] != "superseded" || got[second.ID] != "rejected" {
		t.Fatalf("statuses %v", got)
	}
	var n int
	db.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN ('producer.bank_requested', 'producer.bank_approved', 'producer.bank_rejected')`).Scan(&n)
	if n != 5 {
		t.Fatalf("%d audit rows for 3 requests and 2 decisions", n)
	}
	fin.json("GET", "/api/v1/bank-changes?status=maybe", nil, http.StatusBadRequest, nil)

	// The catalog belongs to the hub admin.
	fin.json("POST", "/api/v1/catalog/prices", map[string]string{"sku": "UP-MBD-001", "mrp": "1.00"}, http.StatusForbidden, nil)
	fin.json("POST", "/api/v1/catalog/products", map[string]string{}, http.StatusForbidden, nil)
}
