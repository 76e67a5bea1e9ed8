package settle_test

import (
	"testing"
	"time"

	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
)

// A payout's lines explain it for an inter-State sale too: a line's tax
// counts its IGST, so amount less tax, commission and its GST is what the
// producer was paid for it.
func TestPaidLinesCountIGST(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 10)[4]
	s := f.mall.Sale("SH1", f.now, []ledgertest.Item{{Product: p, Qty: 2}}, nil)
	for i := range s.Lines {
		l := &s.Lines[i]
		l.IGST, l.CGST, l.SGST = l.CGST.Add(l.SGST), l.CGST.Sub(l.CGST), l.SGST.Sub(l.SGST)
	}
	if err := ledgertest.Apply(f.ctx, f.db, f.a, f.mall.Envelope(events.SaleCompleted, f.now, s)); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(8 * 24 * time.Hour)
	r, pay := f.run(t)
	if pay[p.ProducerID] == 0 {
		t.Fatalf("run %+v paid nothing", r)
	}
	ps, err := f.svc.Payouts(f.ctx, r.ID)
	if err != nil || len(ps) != 1 {
		t.Fatalf("payouts %v %v", ps, err)
	}
	d, err := f.svc.GetPayout(f.ctx, ps[0].Reference)
	if err != nil || len(d.Lines) != 1 {
		t.Fatalf("payout %+v %v", d, err)
	}
	l := d.Lines[0]
	if !l.Tax.Equal(s.Lines[0].IGST) || !l.Amount.Sub(l.Tax).Sub(l.Commission).Sub(l.CommissionGST).Equal(l.Net) {
		t.Fatalf("line %+v does not add up with IGST %s", l, s.Lines[0].IGST)
	}
}
