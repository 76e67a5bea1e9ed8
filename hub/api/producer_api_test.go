package api_test

import (
	"bytes"
	"context"
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
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/auth"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// TestProducerView: finance gives a producer a login with a one-time
// code; the producer sets a password with it and then sees only their own
// sales, returns and payouts (with the bank's UTR and date), and a
// statement whose total is their ledger account's movement.
func TestProducerView(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	ledgertest.BankAccounts(t, db)
	now := time.Date(2026, 4, 20, 6, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := auth.NewStoreOn(db, auth.Policy{BcryptCost: bcrypt.MinCost})
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := store.CreateUser(ctx, tx, "fin", "finance-pass", "Finance", auth.Finance, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := settle.New(db, settle.Config{}, clock, log)
	prod := producer.New(db, store, clock)
	srv := httptest.NewServer(api.New(api.Deps{DB: db, Auth: store, Log: log, Ledger: api.LedgerDeps{Settle: svc, Now: clock}, Producer: prod}))
	t.Cleanup(srv.Close)

	// Twenty days of sales at LKO1 of two producers' goods; one return.
	// The other producer's commission carries 18% GST (a producer rule).
	a := ledger.NewApplier(clock)
	m := ledgertest.NewMall("LKO1")
	ps := ledgertest.Products(t, 12)
	mine, theirs := ps[0], ps[1]
	if err := db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := ledger.CreateRule(ctx, tx, ledger.Rule{Scope: "producer", Key: theirs.ProducerID, RateBP: 1000, GSTBP: 1800,
			EffectiveFrom: now.AddDate(0, -2, 0)}, now.AddDate(0, -2, 0))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var first events.Sale
	for i := range 20 {
		at := now.Add(-time.Duration(20-i) * 24 * time.Hour)
		s := m.Sale("SH1", at, []ledgertest.Item{{Product: mine, Qty: 2}, {Product: theirs, Qty: 1}}, nil)
		if i == 0 {
			first = s
		}
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, at, s)); err != nil {
			t.Fatal(err)
		}
	}
	ret := m.Return(first, ledgertest.ReturnState{}, map[int]int64{1: 1}, "cash", now.Add(-19*24*time.Hour))
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.ReturnCompleted, ret.At, ret)); err != nil {
		t.Fatal(err)
	}

	anon := client{t: t, base: srv.URL}
	login := func(u, p string) client {
		var out struct{ Token string }
		anon.json("POST", "/api/v1/auth/login", map[string]string{"username": u, "password": p}, http.StatusOK, &out)
		return client{t: t, base: srv.URL, token: out.Token}
	}
	fin := login("fin", "finance-pass")

	// The run pays what is past the return window; the bank pays it.
	var run settle.Run
	fin.json("POST", "/api/v1/settlements", map[string]any{"cutoff": now}, http.StatusCreated, &run)
	var payouts []settle.Payout
	fin.json("GET", "/api/v1/settlements/"+run.ID+"/payouts", nil, http.StatusOK, &payouts)
	var myRef, theirRef string
	for _, p := range payouts {
		switch p.ProducerID {
		case mine.ProducerID:
			myRef = p.Reference
		case theirs.ProducerID:
			theirRef = p.Reference
		}
	}
	if myRef == "" || theirRef == "" {
		t.Fatalf("payouts %+v miss a producer", payouts)
	}
	fin.json("POST", "/api/v1/payouts/results", "reference,status,utr,reason\n"+myRef+",paid,SBINR52026042100007,\n", http.StatusCreated, nil)

	// A login with a one-time code; the code works once.
	var setup struct{ Username, Code, Link string }
	fin.json("POST", "/api/v1/producers/"+mine.ProducerID+"/login", nil, http.StatusCreated, &setup)
	if setup.Code == "" || !strings.Contains(setup.Link, "/producer#setup="+setup.Code) {
		t.Fatalf("setup %+v", setup)
	}
	anon.json("POST", "/api/v1/producers/"+mine.ProducerID+"/login", nil, http.StatusUnauthorized, nil)
	anon.json("POST", "/api/v1/auth/setup", map[string]string{"code": "not-the-code", "password": "my own password"}, http.StatusUnauthorized, nil)
	anon.json("POST", "/api/v1/auth/setup", map[string]string{"code": setup.Code, "password": "my own password"}, http.StatusOK, nil)
	anon.json("POST", "/api/v1/auth/setup", map[string]string{"code": setup.Code, "password": "another password"}, http.StatusUnauthorized, nil)
	me := login(setup.Username, "my own password")
	me.json("GET", "/api/v1/ledger/balance", nil, http.StatusForbidden, nil)
	fin.json("GET", "/api/v1/producer/sales", nil, http.StatusForbidden, nil)

	// Sales: the producer's own lines only, the return negative.
	var lines []producer.SaleLine
	me.json("GET", "/api/v1/producer/sales?from=2026-03-01", nil, http.StatusOK, &lines)
	var sold, returned int64
	for _, l := range lines {
		if l.SKU != mine.SKU {
			t.Fatalf("producer sees another's line %+v", l)
		}
		if l.Kind == "sale" {
			sold += l.Qty
		} else {
			returned += l.Qty
		}
	}
	if sold != 40 || returned != -1 {
		t.Fatalf("sold %d returned %d, want 40 and -1", sold, returned)
	}

	// Payouts: own only, paid with the bank's UTR and date.
	var mp []settle.ProducerPayout
	me.json("GET", "/api/v1/producer/payouts", nil, http.StatusOK, &mp)
	if len(mp) != 1 || mp[0].Reference != myRef || mp[0].UTR != "SBINR52026042100007" || mp[0].PaidAt == nil || mp[0].Status != "paid" {
		t.Fatalf("payouts %+v", mp)
	}
	p := mp[0]
	if !p.Gross.Sub(p.Tax).Sub(p.Commission).Sub(p.CommissionGST).Add(p.ReturnsNet).Add(p.BroughtForward).Equal(p.Amount) {
		t.Fatalf("deductions do not explain the payout: %+v", p)
	}
	me.json("GET", "/api/v1/producer/payouts/"+theirRef, nil, http.StatusNotFound, nil)
	me.json("GET", "/api/v1/producer/payouts/"+myRef, nil, http.StatusOK, nil)

	// The statement over all time closes on the ledger account's balance;
	// over a part, its lines add up to the postings of that part.
	var st producer.Statement
	me.json("GET", "/api/v1/producer/statement?from=2026-01-01&to=2026-04-30", nil, http.StatusOK, &st)
	bal, err := ledger.AccountBalance(ctx, db.Reader(), ledger.ProducerAccount(mine.ProducerID))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Opening.IsZero() || st.Closing.Paise() != -bal || st.Closing.IsZero() {
		t.Fatalf("statement %s→%s, ledger account %s", st.Opening, st.Closing, money.FromPaise(-bal))
	}
	if st.Kinds["payout"].Count != 1 || st.Kinds["return"].Count != 1 || st.Kinds["sale"].Count != 20 {
		t.Fatalf("statement kinds %+v", st.Kinds)
	}
	from, to := now.Add(-10*24*time.Hour), now.Add(-5*24*time.Hour)
	me.json("GET", "/api/v1/producer/statement?from="+from.Format(time.RFC3339)+"&to="+to.Format(time.RFC3339), nil, http.StatusOK, &st)
	var want int64
	if err := db.Reader().QueryRowContext(ctx, `SELECT COALESCE(SUM(p.credit - p.debit), 0) FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
		WHERE p.account_id = ? AND e.effective_at >= ? AND e.effective_at < ?`, ledger.ProducerAccount(mine.ProducerID), ledger.TS(from), ledger.TS(to)).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if got := st.Closing.Sub(st.Opening); got.Paise() != want || want == 0 || len(st.Lines) != 5 {
		t.Fatalf("part statement moves %s over %d lines, ledger %s", got, len(st.Lines), money.FromPaise(want))
	}

	// CSV and the printable page carry the same figures.
	res, body := me.do("GET", "/api/v1/producer/statement?from=2026-01-01", "text/csv", nil)
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("csv %d %v %s", res.StatusCode, err, body)
	}
	if last := recs[len(recs)-2]; last[1] != "closing_balance" || last[6] != money.FromPaise(-bal).String() {
		t.Fatalf("csv closing row %v, ledger %s", last, money.FromPaise(-bal))
	}
	res, body = me.do("GET", "/api/v1/producer/statement?format=html&from=2026-01-01", "", nil)
	if res.StatusCode != 200 || !strings.Contains(string(body), money.FromPaise(-bal).String()) || strings.Contains(string(body), "<script") {
		t.Fatalf("html %d: %.300s", res.StatusCode, body)
	}

	// Commission documents: the run issued each producer one for LKO1, in
	// LKO1's own series; a statement where no GST was charged, a tax
	// invoice where it was; each the net commission of the lines it paid.
	var docs []producer.CommissionDoc
	me.json("GET", "/api/v1/producer/invoices", nil, http.StatusOK, &docs)
	if len(docs) != 1 || docs[0].Number != "CLKO1/2627/00001" && docs[0].Number != "CLKO1/2627/00002" || docs[0].Kind != "statement" ||
		docs[0].ProducerID != mine.ProducerID || docs[0].RunID != run.ID {
		t.Fatalf("my commission documents %+v", docs)
	}
	var detail struct{ Lines []settle.PaidLine }
	me.json("GET", "/api/v1/producer/payouts/"+myRef, nil, http.StatusOK, &detail)
	comm := money.Zero
	for _, l := range detail.Lines {
		comm = comm.Add(l.Commission)
	}
	if !docs[0].Commission.Equal(comm) || !docs[0].Total.Equal(comm) || comm.IsZero() {
		t.Fatalf("document commission %s total %s, the paid lines' %s", docs[0].Commission, docs[0].Total, comm)
	}
	var all []producer.CommissionDoc
	fin.json("GET", "/api/v1/commission-invoices?run="+run.ID, nil, http.StatusOK, &all)
	if len(all) != 2 || all[0].Number == all[1].Number {
		t.Fatalf("finance sees %+v", all)
	}
	for _, d := range all {
		if d.ProducerID == theirs.ProducerID {
			if d.Kind != "tax_invoice" || d.CGST.Add(d.SGST).Add(d.IGST).IsZero() || !d.Total.Equal(d.Commission.Add(d.CGST).Add(d.SGST).Add(d.IGST)) {
				t.Fatalf("tax invoice %+v", d)
			}
			me.json("GET", "/api/v1/producer/invoices/"+d.ID, nil, http.StatusNotFound, nil)
		}
	}
	res, body = me.do("GET", "/api/v1/producer/invoices/"+docs[0].ID+"?format=html", "", nil)
	if res.StatusCode != 200 || !strings.Contains(string(body), "STATEMENT OF COMMISSION") || !strings.Contains(string(body), docs[0].Number) {
		t.Fatalf("document page %d: %.300s", res.StatusCode, body)
	}

	// Issue 21 item 15: the printable pages in the producer's language,
	// from the same translation files as the screens: ?lang=, else the
	// language they chose on their screens (also when finance opens them).
	page := func(c client, path string) string {
		t.Helper()
		res, body := c.do("GET", path, "", nil)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		return string(body)
	}
	if s := page(me, "/api/v1/producer/statement?format=html&from=2026-01-01&lang=hi"); !strings.Contains(s, "<h1>उत्पादक विवरण</h1>") ||
		!strings.Contains(s, "प्रारंभिक शेष") || !strings.Contains(s, "बिक्री") || !strings.Contains(s, money.FromPaise(-bal).String()) {
		t.Fatalf("statement in Hindi: %.600s", s)
	}
	if res, _ := me.do("GET", "/api/v1/producer/statement?format=html&lang=xx", "", nil); res.StatusCode != 400 {
		t.Fatalf("statement in language xx: %d, want 400", res.StatusCode)
	}
	me.json("PUT", "/api/v1/me/lang", map[string]string{"lang": "kn"}, http.StatusOK, nil)
	if s := page(me, "/api/v1/producer/statement?format=html&from=2026-01-01"); !strings.Contains(s, "<h1>ಉತ್ಪಾದಕರ ವಿವರಣೆ</h1>") || !strings.Contains(s, `lang="kn"`) {
		t.Fatalf("statement in the producer's Kannada: %.600s", s)
	}
	if s := page(me, "/api/v1/producer/invoices/"+docs[0].ID+"?format=html"); !strings.Contains(s, "ಕಮಿಷನ್ ವಿವರಣೆ") || !strings.Contains(s, docs[0].Number) {
		t.Fatalf("commission document in the producer's Kannada: %.600s", s)
	}
	if s := page(fin, "/api/v1/commission-invoices/"+docs[0].ID+"?format=html"); !strings.Contains(s, "ಕಮಿಷನ್ ವಿವರಣೆ") {
		t.Fatalf("finance opens the producer's document, not in their Kannada: %.600s", s)
	}
	if s := page(fin, "/api/v1/commission-invoices/"+docs[0].ID+"?format=html&lang=hi"); !strings.Contains(s, "कमीशन विवरण") || !strings.Contains(s, "उत्तर प्रदेश") {
		t.Fatalf("commission document in Hindi: %.600s", s)
	}
}
