package api_test

import (
	"bytes"
	"context"
	"ektamall/hub"
	"encoding/csv"
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
	"ektamall/shared/catalog"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// finance is the hub's finance API over a real SQLite file on 127.0.0.1,
// with a logged-in finance user and a clock the test moves.
type finance struct {
	fin     client
	db      hub.Store
	applier *ledger.Applier
	mall    *ledgertest.Mall
	now     time.Time
}

func newFinance(t *testing.T) *finance {
	t.Helper()
	ctx := context.Background()
	f := &finance{db: ledgertest.Open(t), now: time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	store := auth.NewStoreOn(f.db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := f.db.Transact(ctx, func(tx sqldb.Tx) error {
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

// sell books a sale of each item at the hub, as ingest would.
func (f *finance) sell(t *testing.T, at time.Time, items ...ledgertest.Item) events.Sale {
	t.Helper()
	s := f.mall.Sale("SH1", at, items, nil)
	if err := ledgertest.Apply(context.Background(), f.db, f.applier, f.mall.Envelope(events.SaleCompleted, at, s)); err != nil {
		t.Fatal(err)
	}
	return s
}

// twoProducers are seed products of two different producers.
func twoProducers(t *testing.T) (catalog.Product, catalog.Product) {
	ps := ledgertest.Products(t, 20)
	for _, p := range ps[1:] {
		if p.ProducerID != ps[0].ProducerID {
			return ps[0], p
		}
	}
	t.Fatal("no two producers")
	return catalog.Product{}, catalog.Product{}
}

func (f *finance) settle(t *testing.T, want int) (settle.Run, []settle.Payout) {
	t.Helper()
	var run settle.Run
	f.fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": f.now}, want, &run)
	f.fin.json("GET", "/api/v1/settlements/"+run.ID, nil, http.StatusOK, &run)
	var ps []settle.Payout
	f.fin.json("GET", "/api/v1/settlements/"+run.ID+"/payouts", nil, http.StatusOK, &ps)
	return run, ps
}

func (f *finance) payoutFile(t *testing.T, runID string) [][]string {
	t.Helper()
	res, body := f.fin.do("GET", "/api/v1/settlements/"+runID+"/payouts", "text/csv", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("payout file: %d %s", res.StatusCode, body)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func (f *finance) booksBalance(t *testing.T) {
	t.Helper()
	var bal map[string]string
	f.fin.json("GET", "/api/v1/ledger/balance", nil, http.StatusOK, &bal)
	if bal["debits"] != bal["credits"] {
		t.Fatalf("ledger balance %v", bal)
	}
	if r, err := ledger.Check(context.Background(), f.db.Reader()); err != nil || !r.OK {
		t.Fatalf("ledger check: %+v %v", r, err)
	}
}

func (f *finance) balanceOf(t *testing.T, account string) int64 {
	t.Helper()
	v, err := ledger.AccountBalance(context.Background(), f.db.Reader(), account)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Issue 14 item 9: each payout keeps the bank account on file when its
// run was made, so editing the account later never changes an old run's
// file; a producer owed money without an account is held (shown in the
// run, carried forward), never written with a blank account, and paid by
// the first run after the account is on file.
func TestPayoutFileSnapshotsBankAccount(t *testing.T) {
	f := newFinance(t)
	ctx := context.Background()
	a, b := twoProducers(t)
	ledgertest.BankAccounts(t, f.db)
	if _, err := f.db.Writer().ExecContext(context.Background(), `DELETE FROM producer_bank_accounts WHERE producer_id = ?`, b.ProducerID); err != nil {
		t.Fatal(err)
	}
	f.sell(t, f.now.Add(-10*24*time.Hour), ledgertest.Item{Product: a, Qty: 2})
	f.sell(t, f.now.Add(-10*24*time.Hour), ledgertest.Item{Product: b, Qty: 1})
	run, ps := f.settle(t, http.StatusCreated)
	if len(ps) != 1 || ps[0].ProducerID != a.ProducerID || ps[0].AccountNo == "" || ps[0].IFSC == "" {
		t.Fatalf("payouts %+v, want one to %s with its account", ps, a.ProducerID)
	}
	if run.HeldCount != 1 || len(run.Held) != 1 || run.Held[0].ProducerID != b.ProducerID || !run.Held[0].Amount.IsPositive() ||
		!run.Held[0].Amount.Equal(run.HeldTotal) || run.Held[0].Reason == "" {
		t.Fatalf("run %+v: want %s held", run, b.ProducerID)
	}
	before := f.payoutFile(t, run.ID)
	if len(before) != 2 || before[1][2] != ps[0].AccountNo {
		t.Fatalf("payout file %v", before)
	}
	for _, rec := range before[1:] {
		if rec[2] == "" || rec[3] == "" {
			t.Fatalf("payout file has a row without an account: %v", rec)
		}
	}
	// The account is edited (as an approved change writes it): the old
	// run's file does not move.
	if err := f.db.Transact(ctx, func(tx sqldb.Tx) error {
		return settle.PutBankAccount(ctx, tx, settle.BankAccount{ProducerID: a.ProducerID, Beneficiary: "New Holder", AccountNo: "123456789012",
			IFSC: "HDFC0001234"}, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	after := f.payoutFile(t, run.ID)
	if strings.Join(after[1], ",") != strings.Join(before[1], ",") {
		t.Fatalf("old run's file changed with the account:\n%v\n%v", before[1], after[1])
	}
	var detail settle.PayoutDetail
	f.fin.json("GET", "/api/v1/payouts/"+ps[0].Reference, nil, http.StatusOK, &detail)
	if detail.AccountNo != ps[0].AccountNo {
		t.Fatalf("payout detail shows account %s, it was paid to %s", detail.AccountNo, ps[0].AccountNo)
	}
	// The held producer gets an account: the next run pays what was held,
	// to the new account.
	if err := f.db.Transact(ctx, func(tx sqldb.Tx) error {
		return settle.PutBankAccount(ctx, tx, settle.BankAccount{ProducerID: b.ProducerID, Beneficiary: "Weavers Group", AccountNo: "998877665544",
			IFSC: "SBIN0004321"}, f.now)
	}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	run2, ps2 := f.settle(t, http.StatusCreated)
	if len(ps2) != 1 || ps2[0].ProducerID != b.ProducerID || !ps2[0].Amount.Equal(run.HeldTotal) || ps2[0].AccountNo != "998877665544" || run2.HeldCount != 0 {
		t.Fatalf("next run %+v pays %+v, want %s to %s", run2, ps2, run.HeldTotal, b.ProducerID)
	}
	f.booksBalance(t)
}

// Issue 14 item 8: a payout the bank reported paid can come back failed
// (a returned NEFT credit) with the bank's reason: it is booked back to
// the producer, paid by the next run under a new reference, and never
// marked paid again; the books balance throughout.
func TestPaidPayoutCanFail(t *testing.T) {
	f := newFinance(t)
	a, _ := twoProducers(t)
	ledgertest.BankAccounts(t, f.db)
	f.sell(t, f.now.Add(-10*24*time.Hour), ledgertest.Item{Product: a, Qty: 3})
	_, ps := f.settle(t, http.StatusCreated)
	if len(ps) != 1 {
		t.Fatalf("payouts %+v", ps)
	}
	p := ps[0]
	var im settle.ResultsImport
	f.fin.json("POST", "/api/v1/payouts/results", "reference,status,utr,reason\n"+p.Reference+",paid,SBINR52026041900001,\n", http.StatusCreated, &im)
	if im.Paid != 1 || f.balanceOf(t, ledger.BankAccount) != -p.Amount.Paise() || f.balanceOf(t, ledger.ProducerAccount(a.ProducerID)) != 0 {
		t.Fatalf("after paid: %+v, bank %d", im, f.balanceOf(t, ledger.BankAccount))
	}
	// Days later the credit comes back. Without a reason it is refused.
	f.now = f.now.Add(3 * 24 * time.Hour)
	f.fin.json("POST", "/api/v1/payouts/results", "reference,status,utr\n"+p.Reference+",failed,\n", http.StatusBadRequest, nil)
	f.fin.json("POST", "/api/v1/payouts/results", "reference,status,utr,reason\n"+p.Reference+",failed,,R03 account closed\n", http.StatusCreated, &im)
	if im.Failed != 1 {
		t.Fatalf("returned credit: %+v", im)
	}
	var d settle.PayoutDetail
	f.fin.json("GET", "/api/v1/payouts/"+p.Reference, nil, http.StatusOK, &d)
	if d.Status != "failed" || !d.Returned || d.Reason != "R03 account closed" || d.UTR != "SBINR52026041900001" {
		t.Fatalf("payout after the return: %+v", d.Payout)
	}
	if bank, owed := f.balanceOf(t, ledger.BankAccount), f.balanceOf(t, ledger.ProducerAccount(a.ProducerID)); bank != 0 || owed != -p.Amount.Paise() {
		t.Fatalf("after the return: bank %d, producer %d; want 0 and -%d (owed)", bank, owed, p.Amount.Paise())
	}
	f.booksBalance(t)
	// The same return again changes nothing; paid again is refused.
	f.fin.json("POST", "/api/v1/payouts/results", "reference,status,utr,reason\n"+p.Reference+",failed,,R03 account closed (copy)\n", http.StatusCreated, &im)
	if im.Failed != 0 || im.Paid != 0 {
		t.Fatalf("a repeated return applied again: %+v", im)
	}
	f.fin.json("POST", "/api/v1/payouts/results", "reference,status,utr\n"+p.Reference+",paid,SBINR52026041900002\n", http.StatusBadRequest, nil)
	// The next run pays it again, under a new reference.
	f.now = f.now.Add(time.Hour)
	_, again := f.settle(t, http.StatusCreated)
	if len(again) != 1 || again[0].Reference == p.Reference || !again[0].Amount.Equal(p.Amount) || again[0].ProducerID != a.ProducerID {
		t.Fatalf("next run paid %+v, want %s again to %s", again, p.Amount, a.ProducerID)
	}
	f.fin.json("POST", "/api/v1/payouts/results", "reference,status,utr\n"+again[0].Reference+",paid,SBINR52026042300003\n", http.StatusCreated, &im)
	if bank, owed := f.balanceOf(t, ledger.BankAccount), f.balanceOf(t, ledger.ProducerAccount(a.ProducerID)); bank != -p.Amount.Paise() || owed != 0 {
		t.Fatalf("after paying again: bank %d, producer %d", bank, owed)
	}
	if got := money.FromPaise(-f.balanceOf(t, ledger.BankAccount)); !got.Equal(p.Amount) {
		t.Fatalf("paid out %s in all, want %s once", got, p.Amount)
	}
	f.booksBalance(t)
}

// Issue 14 item 5 at the hub: statement rows match tenders one to one. A
// UPI reference on two sales (the same day, or one paid days earlier)
// with one statement row leaves the second tender as a break naming its
// invoice, instead of both counting as matched.
func TestReconReferenceUsedTwiceIsBreak(t *testing.T) {
	f := newFinance(t)
	a, b := twoProducers(t)
	day := f.now.Add(-24 * time.Hour)
	pay := func(p catalog.Product, ref string) []events.Tender {
		return []events.Tender{{Method: "upi", Amount: p.MRP, Ref: ref}}
	}
	first := f.mall.Sale("SH1", day, []ledgertest.Item{{Product: a, Qty: 1}}, pay(a, "UTR-DUP-1"))
	second := f.mall.Sale("SH1", day.Add(time.Hour), []ledgertest.Item{{Product: a, Qty: 1}}, pay(a, "UTR-DUP-1"))
	earlier := f.mall.Sale("SH1", day.Add(-5*24*time.Hour), []ledgertest.Item{{Product: b, Qty: 1}}, pay(b, "UTR-DUP-2"))
	again := f.mall.Sale("SH1", day.Add(2*time.Hour), []ledgertest.Item{{Product: b, Qty: 1}}, pay(b, "UTR-DUP-2"))
	for _, s := range []events.Sale{earlier, first, second, again} {
		if err := ledgertest.Apply(context.Background(), f.db, f.applier, f.mall.Envelope(events.SaleCompleted, s.At, s)); err != nil {
			t.Fatal(err)
		}
	}
	stmt := "reference,amount,time\n" +
		"UTR-DUP-1," + a.MRP.String() + "," + first.At.Format(time.RFC3339) + "\n" +
		"UTR-DUP-2," + b.MRP.String() + "," + again.At.Format(time.RFC3339) + "\n"
	var out struct {
		Report struct {
			Matched int
			Breaks  []struct {
				Category, Ref string
				InvoiceNo     string `json:"invoice_no"`
			}
		}
	}
	f.fin.json("POST", "/api/v1/recon/statements", stmt, http.StatusCreated, &out)
	got := map[string]string{}
	for _, br := range out.Report.Breaks {
		got[br.Category+" "+br.Ref] = br.InvoiceNo
	}
	if out.Report.Matched != 2 || len(out.Report.Breaks) != 2 || got["duplicate_in_hub UTR-DUP-1"] != second.InvoiceNo ||
		got["duplicate_in_hub UTR-DUP-2"] != earlier.InvoiceNo {
		t.Fatalf("matched %d, breaks %+v; want 2 matched and the second use of each reference (%s, %s) as a break",
			out.Report.Matched, out.Report.Breaks, second.InvoiceNo, earlier.InvoiceNo)
	}
}
