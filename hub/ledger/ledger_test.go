package ledger_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"ektamall/hub"
	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

var t0 = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)

func setup(t *testing.T) (context.Context, hub.Store, *ledger.Applier) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	return ctx, db, ledger.NewApplier(func() time.Time { return t0.Add(time.Hour) })
}

func balance(t *testing.T, db hub.Store, account string) int64 {
	t.Helper()
	v, err := ledger.AccountBalance(context.Background(), db.Reader(), account)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// entryAmount is the amount of a journal entry, 0 if there is none.
func entryAmount(t *testing.T, db hub.Store, id string) int64 {
	t.Helper()
	var n int64
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustCheck(t *testing.T, db hub.Store) ledger.Report {
	t.Helper()
	r, err := ledger.Check(context.Background(), db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK {
		t.Fatalf("ledger invariants broken: %v", r.Problems)
	}
	return r
}

func TestSalePostsBalancedEntry(t *testing.T) {
	ctx, db, a := setup(t)
	m := ledgertest.NewMall("LKO1")
	p := ledgertest.Products(t, 20)[3]
	s := m.Sale("SH1", t0, []ledgertest.Item{{Product: p, Qty: 2}}, []events.Tender{{Method: "cash", Amount: p.MRP.MulInt(2).Add(money.MustParse("50.00"))}})
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, t0, s)); err != nil {
		t.Fatal(err)
	}
	// The sale's entry, and its batch's summary of the tax and commission.
	r := mustCheck(t, db)
	if got := entryAmount(t, db, ledger.SaleEntryID("LKO1", s.SaleID)); r.Entries != 2 || got != p.MRP.MulInt(2).Paise() {
		t.Fatalf("want a sale entry of %s and its summary, got %d entries, the sale's %d paise", p.MRP.MulInt(2), r.Entries, got)
	}
	// Cash collected net of change; GST to the mall's state (UP), not the
	// product's; commission 10% of taxable by the default rule.
	l := s.Lines[0]
	if got := balance(t, db, ledger.ClearingAccount("LKO1", "cash")); got != l.Amount.Paise() {
		t.Fatalf("cash clearing %d, want %d", got, l.Amount.Paise())
	}
	if got := -balance(t, db, ledger.GSTAccount("UP", "cgst")); got != l.CGST.Paise() {
		t.Fatalf("UP CGST %d, want %d", got, l.CGST.Paise())
	}
	comm := (l.Taxable.Paise()*1000 + 5000) / 10000
	if got := -balance(t, db, ledger.CommissionAccount("LKO1")); got != comm {
		t.Fatalf("commission %d, want %d", got, comm)
	}
	if got := -balance(t, db, ledger.ProducerAccount(p.ProducerID)); got != l.Taxable.Paise()-comm {
		t.Fatalf("producer payable %d, want %d", got, l.Taxable.Paise()-comm)
	}
}

func TestApplyIsIdempotentAndRejectsBadEvents(t *testing.T) {
	ctx, db, a := setup(t)
	m := ledgertest.NewMall("BLR1")
	ps := ledgertest.Products(t, 20)
	s := m.Sale("SH1", t0, []ledgertest.Item{{Product: ps[0], Qty: 1}, {Product: ps[5], Qty: 3}}, nil)
	ev := m.Envelope(events.SaleCompleted, t0, s)
	for range 3 {
		if err := ledgertest.Apply(ctx, db, a, ev); err != nil {
			t.Fatal(err)
		}
	}
	if r := mustCheck(t, db); r.Entries != 2 || entryAmount(t, db, ledger.SaleEntryID("BLR1", s.SaleID)) != s.Total.Paise() {
		t.Fatalf("replays booked again: %d entries, %s debits", r.Entries, r.Debits)
	}
	// The same sale under a new event (a mall bug) is parked, not booked.
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, t0, s)); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("duplicate sale id: want invalid, got %v", err)
	}

	bad := func(mutate func(*events.Sale)) events.Envelope {
		c := m.Sale("SH1", t0, []ledgertest.Item{{Product: ps[1], Qty: 1}}, nil)
		mutate(&c)
		return m.Envelope(events.SaleCompleted, t0, c)
	}
	cases := []struct {
		name string
		ev   events.Envelope
		code errs.Code
	}{
		{"unknown product", bad(func(s *events.Sale) { s.Lines[0].SKU = "ZZ-ZZZ-999" }), errs.NotFound},
		{"unknown producer", bad(func(s *events.Sale) { s.Lines[0].ProducerID = "PR-NOWHERE" }), errs.NotFound},
		{"tax does not add up", bad(func(s *events.Sale) { s.Lines[0].CGST = s.Lines[0].CGST.Add(money.MustParse("0.01")) }), errs.Invalid},
		{"short tender", bad(func(s *events.Sale) { s.Tenders[0].Amount = money.MustParse("1.00"); s.Change = money.Zero }), errs.Invalid},
		{"zero qty", bad(func(s *events.Sale) { s.Lines[0].Qty = 0 }), errs.Invalid},
		{"unknown tender", bad(func(s *events.Sale) { s.Tenders[0].Method = "cheque" }), errs.Invalid},
		{"not json", func() events.Envelope {
			e := m.Envelope(events.SaleCompleted, t0, map[string]any{})
			e.Payload = json.RawMessage(`{"lines": "nope"}`)
			return e
		}(), errs.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := ledgertest.Apply(ctx, db, a, c.ev); errs.CodeOf(err) != c.code {
				t.Fatalf("want %s, got %v", c.code, err)
			}
		})
	}
	// Ingest never hands the books an event of a mall the hub does not
	// know (it has no stream), but the books need the mall's State: they
	// refuse one.
	x := ledgertest.NewMall("XXX1")
	env := x.Envelope(events.SaleCompleted, t0, x.Sale("S", t0, []ledgertest.Item{{Product: ps[1], Qty: 1}}, nil))
	p, err := events.DecodePayload(env)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Transact(ctx, func(tx sqldb.Tx) error { return a.Open(tx).Book(ctx, events.Event{Envelope: env, Payload: p}) })
	if errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("sale of an unknown mall: want not_found, got %v", err)
	}
	if r := mustCheck(t, db); r.Entries != 2 {
		t.Fatalf("a rejected event wrote to the books: %d entries", r.Entries)
	}
}

func TestVoidAndReturnsReverseExactly(t *testing.T) {
	ctx, db, a := setup(t)
	m := ledgertest.NewMall("CHD1") // a UT: UTGST instead of SGST
	ps := ledgertest.Products(t, 30)
	items := []ledgertest.Item{{Product: ps[2], Qty: 3, Discount: money.MustParse("7.33")}, {Product: ps[9], Qty: 1}}
	s1 := m.Sale("SH1", t0, items, nil)
	s2 := m.Sale("SH1", t0, items, nil)
	for _, s := range []events.Sale{s1, s2} {
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, t0, s)); err != nil {
			t.Fatal(err)
		}
	}
	if balance(t, db, ledger.GSTAccount("CH", "utgst")) >= 0 {
		t.Fatal("a Chandigarh sale booked no UTGST")
	}
	// Void the first sale; return the second one unit at a time.
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleVoided, t0, events.Void{SaleID: s1.SaleID, InvoiceNo: s1.InvoiceNo, At: t0})); err != nil {
		t.Fatal(err)
	}
	prev := ledgertest.ReturnState{}
	for _, q := range []map[int]int64{{1: 1}, {1: 1, 2: 1}, {1: 1}} {
		r := m.Return(s2, prev, q, "upi", t0)
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.ReturnCompleted, t0, r)); err != nil {
			t.Fatal(err)
		}
	}
	over := m.Return(s2, ledgertest.ReturnState{}, map[int]int64{1: 1}, "upi", t0)
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.ReturnCompleted, t0, over)); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("return beyond what was sold: want invalid, got %v", err)
	}
	late := m.Envelope(events.SaleVoided, t0, events.Void{SaleID: s2.SaleID})
	if err := ledgertest.Apply(ctx, db, a, late); errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("void of a returned sale: want invalid, got %v", err)
	}
	mustCheck(t, db)
	accts, err := ledger.Accounts(ctx, db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	for _, ac := range accts {
		if !ac.Balance.IsZero() {
			t.Errorf("after a void and full returns %s is %s, want 0", ac.ID, ac.Balance)
		}
	}
	// The books refuse edits.
	_, err = db.Writer().ExecContext(ctx, `UPDATE ledger_postings SET debit = debit + 1`)
	if err == nil {
		t.Fatal("a posting could be edited")
	}
}

func TestCommissionRuleInForceAtSaleTime(t *testing.T) {
	ctx, db, a := setup(t)
	ps := ledgertest.Products(t, 40)
	p := ps[7]
	rules := []ledger.Rule{
		{Scope: ledger.ScopeState, Key: p.State, RateBP: 800, EffectiveFrom: t0},
		{Scope: ledger.ScopeProducer, Key: p.ProducerID, RateBP: 500, GSTBP: 1800, EffectiveFrom: t0.Add(48 * time.Hour)},
		{Scope: ledger.ScopeCategory, Key: p.Category, RateBP: 1200, EffectiveFrom: t0.Add(24 * time.Hour)},
	}
	err := db.Transact(ctx, func(tx sqldb.Tx) error {
		for _, r := range rules {
			if _, err := ledger.CreateRule(ctx, tx, r, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := ledgertest.NewMall("LKO1")
	want := []struct {
		at        time.Time
		bp, gstBP int64
	}{{t0.Add(-time.Hour), 1000, 0}, {t0.Add(time.Hour), 800, 0}, {t0.Add(25 * time.Hour), 1200, 0}, {t0.Add(49 * time.Hour), 500, 1800}}
	for _, w := range want {
		s := m.Sale("SH", w.at, []ledgertest.Item{{Product: p, Qty: 1}}, nil)
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, w.at, s)); err != nil {
			t.Fatal(err)
		}
		var bp, comm, cg int64
		if err := db.Reader().QueryRowContext(ctx, `SELECT commission_bp, commission, commission_gst FROM hub_sale_lines WHERE sale_id = ?`, s.SaleID).Scan(&bp, &comm, &cg); err != nil {
			t.Fatal(err)
		}
		tx := s.Lines[0].Taxable.Paise()
		if bp != w.bp || comm != (tx*w.bp+5000)/10000 || cg != (comm*w.gstBP+5000)/10000 {
			t.Errorf("sale at %s: rule %d bp, commission %d, GST %d; want %d bp", w.at, bp, comm, cg, w.bp)
		}
	}
	// A rule back-dated behind booked sales is refused.
	err = db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := ledger.CreateRule(ctx, tx, ledger.Rule{Scope: ledger.ScopeDefault, RateBP: 900, EffectiveFrom: t0}, t0)
		return err
	})
	if errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("back-dated rule: want conflict, got %v", err)
	}
	mustCheck(t, db)
}

// A batch ingested in one transaction, where the books hold the accounts'
// totals back until the end and refused events are rolled back to a
// savepoint, leaves the same books and parks the same events as the same
// events ingested one by one.
func TestBatchBooksAsEventByEvent(t *testing.T) {
	ctx := context.Background()
	a := ledger.NewApplier(func() time.Time { return t0.Add(time.Hour) })
	ps := ledgertest.Products(t, 40)
	rule := ledger.Rule{Scope: ledger.ScopeProducer, Key: ps[3].ProducerID, RateBP: 500, GSTBP: 1800, EffectiveFrom: t0.Add(-time.Hour)}
	m := ledgertest.NewMall("LKO1")
	var evs []events.Envelope
	var sales []events.Sale
	for i := range 12 {
		at := t0.Add(time.Duration(i-6) * time.Hour) // before and after the rule
		s := m.Sale("SH1", at, []ledgertest.Item{{Product: ps[i%5], Qty: 1 + int64(i%3)}, {Product: ps[3], Qty: 1}}, nil)
		sales = append(sales, s)
		evs = append(evs, m.Envelope(events.SaleCompleted, at, s))
	}
	bad := m.Sale("SH1", t0, []ledgertest.Item{{Product: ps[7], Qty: 1}}, nil)
	bad.Lines[0].SKU = "ZZ-ZZZ-999"
	evs = append(evs,
		m.Envelope(events.SaleCompleted, t0, bad),      // refused: unknown product
		m.Envelope(events.SaleCompleted, t0, sales[1]), // refused: the same sale again
		evs[2], // a replay: no-op
		m.Envelope(events.SaleVoided, t0, events.Void{SaleID: sales[0].SaleID}),
		m.Envelope(events.ReturnCompleted, t0, m.Return(sales[4], ledgertest.ReturnState{}, map[int]int64{2: 1}, "cash", t0)),
		m.Envelope(events.SaleVoided, t0, events.Void{SaleID: "never-sold"})) // refused: not booked

	books := func(batch bool) (hub.Store, []errs.Code) {
		db := ledgertest.Open(t)
		if err := db.Transact(ctx, func(tx sqldb.Tx) error { _, err := ledger.CreateRule(ctx, tx, rule, t0.Add(-2*time.Hour)); return err }); err != nil {
			t.Fatal(err)
		}
		var codes []errs.Code
		if !batch {
			for _, ev := range evs {
				codes = append(codes, errs.CodeOf(ledgertest.Apply(ctx, db, a, ev)))
			}
			return db, codes
		}
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO mall_sync (mall_id) VALUES ('LKO1')`); err != nil {
			t.Fatal(err)
		}
		var msgs []ingest.Message
		for i, ev := range evs {
			raw, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, ingest.Raw(uint64(i+1), raw))
		}
		ing := &ingest.Ingester{DB: db, Books: a.Open, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		parked, err := ing.Ingest(ctx, "LKO1", msgs)
		if err != nil {
			t.Fatal(err)
		}
		bySeq := map[int64]errs.Code{}
		for _, p := range parked {
			bySeq[p.Seq] = errs.CodeOf(p.Reason)
		}
		for _, ev := range evs {
			codes = append(codes, bySeq[ev.Seq]) // the replay shares the booked sale's sequence
		}
		return db, codes
	}
	one, oneCodes := books(false)
	many, manyCodes := books(true)
	if fmt.Sprint(oneCodes) != fmt.Sprint(manyCodes) {
		t.Fatalf("event by event %v, in a batch %v", oneCodes, manyCodes)
	}
	want := append(make([]errs.Code, 12), errs.NotFound, errs.Invalid, "", "", "", errs.NotFound)
	if fmt.Sprint(oneCodes) != fmt.Sprint(want) {
		t.Fatalf("refusals %q, want %q", oneCodes, want)
	}
	// One summary per transaction: one per sale event by event, one for
	// the batch (its sales share a mall and a month).
	r1, rb := mustCheck(t, one), mustCheck(t, many)
	if r1.Entries-rb.Entries != 11 {
		t.Fatalf("event by event %d entries, %s; in a batch %d entries, %s", r1.Entries, r1.Debits, rb.Entries, rb.Debits)
	}
	a1, err := ledger.Accounts(ctx, one.Reader())
	if err != nil {
		t.Fatal(err)
	}
	ab, err := ledger.Accounts(ctx, many.Reader())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a1) != fmt.Sprint(ab) {
		t.Fatalf("accounts differ:\nevent by event %v\nin a batch     %v", a1, ab)
	}
}

// One ingest batch of two malls' sales on both sides of an IST month end
// posts one summary per mall and month, each dated in its month, each
// carrying exactly its sales' tax; /ledger/check catches a sale pointed at
// the wrong summary.
func TestSaleSummaryPerMallAndPeriod(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	a := ledger.NewApplier(func() time.Time { return t0.Add(40 * 24 * time.Hour) })
	ing := &ingest.Ingester{DB: db, Books: a.Open, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ps := ledgertest.Products(t, 10)
	jan := time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC) // 23:30 IST, 31 January
	feb := time.Date(2026, 1, 31, 19, 0, 0, 0, time.UTC) // 00:30 IST, 1 February
	for _, id := range []string{"LKO1", "BLR1"} {
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO mall_sync (mall_id) VALUES (?)`, id); err != nil {
			t.Fatal(err)
		}
		m := ledgertest.NewMall(id)
		var msgs []ingest.Message
		for i, at := range []time.Time{jan, feb, jan, feb, feb} {
			s := m.Sale("SH1", at, []ledgertest.Item{{Product: ps[i], Qty: 1}}, nil)
			raw, err := json.Marshal(m.Envelope(events.SaleCompleted, at, s))
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, ingest.Raw(uint64(i+1), raw))
		}
		if parked, err := ing.Ingest(ctx, id, msgs); err != nil || len(parked) > 0 {
			t.Fatal(err, parked)
		}
	}
	rows, err := db.Reader().QueryContext(ctx, `SELECT e.id, e.mall, e.effective_at,
			(SELECT SUM(p.credit - p.debit) FROM ledger_postings p WHERE p.entry_id = e.id AND p.account_id LIKE 'gst:%'),
			(SELECT SUM(s.tax) FROM hub_sales s WHERE s.summary_entry = e.id),
			(SELECT COUNT(*) FROM hub_sales s WHERE s.summary_entry = e.id AND s.mall = e.mall AND substr(s.at, 1, 10) = ?)
		FROM ledger_entries e WHERE e.kind = 'sale_summary' ORDER BY e.mall, e.effective_at`, ledger.TS(feb)[:10])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var ids []string
	for rows.Next() {
		var id, mall, at string
		var tax, salesTax, sameDay int64
		if err := rows.Scan(&id, &mall, &at, &tax, &salesTax, &sameDay); err != nil {
			t.Fatal(err)
		}
		if tax != salesTax || tax == 0 {
			t.Errorf("summary %s posts %d paise of GST, its sales charged %d", id, tax, salesTax)
		}
		eff, _ := ledger.ParseTS(at)
		got = append(got, fmt.Sprintf("%s %s %d", mall, eff.In(istZone).Format("2006-01"), sameDay))
		ids = append(ids, id)
	}
	rows.Close()
	// Both sides of the month end fall on 31 January in UTC: the split is
	// by the IST month.
	want := []string{"BLR1 2026-01 2", "BLR1 2026-02 3", "LKO1 2026-01 2", "LKO1 2026-02 3"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("summaries %v, want %v", got, want)
	}
	mustCheck(t, db)
	if _, err := db.Writer().ExecContext(ctx, `UPDATE hub_sales SET summary_entry = ? WHERE summary_entry = ? AND mall = 'LKO1'
		AND sale_id = (SELECT MIN(sale_id) FROM hub_sales WHERE summary_entry = ?)`, ids[3], ids[2], ids[2]); err != nil {
		t.Fatal(err)
	}
	if r, err := ledger.Check(ctx, db.Reader()); err != nil || r.OK {
		t.Fatalf("a sale moved to another month's summary passed the check: %+v %v", r, err)
	}
}

var istZone = time.FixedZone("IST", 5*3600+30*60)
