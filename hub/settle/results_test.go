package settle_test

import (
	"strings"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/settle"
	"ektamall/shared/errs"
)

// The bank's response marks payouts paid (with the UTR) or failed; a
// failed payout is owed to the producer again and paid by the next run.
// A file is applied whole or not at all, and only once.
func TestBankResponse(t *testing.T) {
	f := newFixture(t)
	ps := ledgertest.Products(t, 10)
	a := ps[0]
	b := ps[1]
	for _, p := range ps[1:] {
		if p.ProducerID != a.ProducerID {
			b = p
			break
		}
	}
	f.sell(t, f.now, ledgertest.Item{Product: a, Qty: 2})
	f.sell(t, f.now, ledgertest.Item{Product: b, Qty: 3})
	f.now = f.now.Add(8 * 24 * time.Hour)
	run, pay := f.run(t)
	if len(pay) != 2 {
		t.Fatalf("want two payouts, got %v", pay)
	}
	payouts, err := f.svc.Payouts(f.ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	paid, failed := payouts[0], payouts[1]
	imp := func(csv string) (settle.ResultsImport, error) {
		return settle.ImportResults(f.ctx, f.db, "resp.csv", []byte(csv), "finance", f.now)
	}

	// Bad rows are named by line; an unknown reference rejects the file.
	_, err = imp("reference,status,utr,reason\n" + paid.Reference + ",maybe,,\nEKTA-NOPE,paid,UTR1,\n")
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad status: %v", err)
	}
	_, err = imp("reference,status,utr,reason\n" + paid.Reference + ",paid,SBIN0001,\nEKTA-NOPE,paid,UTR1,\n")
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "EKTA-NOPE") {
		t.Fatalf("unknown reference: %v", err)
	}
	if got := statusOf(t, f, run.ID, paid.Reference); got != "sent" {
		t.Fatalf("a rejected file changed a payout to %q", got)
	}

	resp := "Reference,Status,UTR,Reason\n" + paid.Reference + ",paid,SBIN0001,\n" + failed.Reference + ",failed,,account closed\n"
	im, err := imp(resp)
	if err != nil || im.Paid != 1 || im.Failed != 1 {
		t.Fatalf("import: %+v %v", im, err)
	}
	if got := statusOf(t, f, run.ID, paid.Reference); got != "paid" {
		t.Fatalf("paid payout shows %q", got)
	}
	if got := statusOf(t, f, run.ID, failed.Reference); got != "failed" {
		t.Fatalf("failed payout shows %q", got)
	}
	if _, err := imp(resp); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("the same file again: %v", err)
	}
	_, err = imp("reference,status,utr\n" + paid.Reference + ",failed,,\n")
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "needs the bank's reason") {
		t.Fatalf("a paid payout failed without a reason: %v", err)
	}
	_, err = imp("reference,status,utr\n" + failed.Reference + ",paid,SBIN0002,\n")
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "cannot be marked paid") {
		t.Fatalf("a failed payout marked paid: %v", err)
	}

	// The books: nothing in flight, the bank paid out the one, the producer
	// of the other is owed it again, and the next run pays it.
	bal := func(acct string) int64 {
		v, err := ledger.AccountBalance(f.ctx, f.db.Reader(), acct)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := bal(ledger.PayoutsInFlight); v != 0 {
		t.Fatalf("in flight %d after every result came back", v)
	}
	if v := bal(ledger.BankAccount); v != -paid.Amount.Paise() {
		t.Fatalf("bank %d, want -%d", v, paid.Amount.Paise())
	}
	if v := bal(ledger.ProducerAccount(failed.ProducerID)); v != -failed.Amount.Paise() {
		t.Fatalf("producer of the failed payout: balance %d, want -%d (owed)", v, failed.Amount.Paise())
	}
	f.now = f.now.Add(time.Hour)
	_, again := f.run(t)
	if len(again) != 1 || again[failed.ProducerID] != failed.Amount.Paise() {
		t.Fatalf("next run paid %v, want %s to %s again", again, failed.Amount, failed.ProducerID)
	}
	if r, err := ledger.Check(f.ctx, f.db.Reader()); err != nil || !r.OK {
		t.Fatalf("ledger check: %+v %v", r, err)
	}
}

func statusOf(t *testing.T, f *fixture, runID, ref string) string {
	t.Helper()
	ps, err := f.svc.Payouts(f.ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Reference == ref {
			return p.Status
		}
	}
	t.Fatalf("no payout %s", ref)
	return ""
}
