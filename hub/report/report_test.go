package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/report"
	"ektamall/shared/events"
	"ektamall/shared/money"
)

// TestSalesReport books sales at LKO1 on two IST days (one of them just
// after IST midnight, still the previous day in UTC), a partial return and
// a voided sale, and checks each grouping against the sums a finance clerk
// would make by hand.
func TestSalesReport(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	a := ledger.NewApplier(func() time.Time { return now })
	mall := ledgertest.NewMall("LKO1")
	ps := ledgertest.Products(t, 40)
	p1, p2 := ps[0], ps[1]
	for _, p := range ps {
		if p.State != p1.State {
			p2 = p
			break
		}
	}
	apply := func(typ string, at time.Time, v any) {
		t.Helper()
		if err := ledgertest.Apply(ctx, db, a, mall.Envelope(typ, at, v)); err != nil {
			t.Fatal(err)
		}
	}
	day1 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)      // 28 Nov IST
	lateDay1 := time.Date(2026, 11, 28, 18, 20, 0, 0, time.UTC) // 23:50 IST, 28 Nov
	day2 := time.Date(2026, 11, 28, 18, 40, 0, 0, time.UTC)     // 00:10 IST, 29 Nov
	s1 := mall.Sale("SH1", day1, []ledgertest.Item{{Product: p1, Qty: 3}}, nil)
	apply(events.SaleCompleted, day1, s1)
	s2 := mall.Sale("SH1", lateDay1, []ledgertest.Item{{Product: p2, Qty: 1}}, nil)
	apply(events.SaleCompleted, lateDay1, s2)
	s3 := mall.Sale("SH1", day2, []ledgertest.Item{{Product: p1, Qty: 1}}, nil)
	apply(events.SaleCompleted, day2, s3)
	voided := mall.Sale("SH1", day2, []ledgertest.Item{{Product: p2, Qty: 5}}, nil)
	apply(events.SaleCompleted, day2, voided)
	apply(events.SaleVoided, day2, events.Void{SaleID: voided.SaleID, InvoiceNo: voided.InvoiceNo, Reason: "wrong item", By: "admin", At: day2})
	ret := mall.Return(s1, ledgertest.ReturnState{}, map[int]int64{1: 1}, "upi", day2)
	apply(events.ReturnCompleted, day2, ret)

	byDay, err := report.Sales(ctx, db.Reader(), report.ByDay, report.Range{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want1 := p1.MRP.MulInt(3).Add(p2.MRP)
	want2 := p1.MRP.Sub(ret.Total)
	if len(byDay) != 2 || byDay[0].Key != "2026-11-28" || !byDay[0].Net.Equal(want1) || byDay[1].Key != "2026-11-29" || !byDay[1].Net.Equal(want2) {
		t.Fatalf("by day: %+v, want 28 Nov %s and 29 Nov %s", byDay, want1, want2)
	}
	if byDay[1].QtyReturned != 1 || !byDay[1].Returns.Equal(ret.Total) {
		t.Fatalf("29 Nov returns: %+v, want 1 unit worth %s", byDay[1], ret.Total)
	}

	byProduct, err := report.Sales(ctx, db.Reader(), report.ByProduct, report.Range{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	net1 := p1.MRP.MulInt(4).Sub(ret.Total)
	if len(byProduct) != 2 || byProduct[0].Key != p1.SKU || !byProduct[0].Net.Equal(net1) || byProduct[0].Label != p1.Name || byProduct[0].QtySold != 4 {
		t.Fatalf("by product: %+v, want %s first with net %s (the voided sale of %s counts for nothing)", byProduct, p1.SKU, net1, p2.SKU)
	}

	// A range of one IST day keeps the sale at 23:50 and leaves out 00:10.
	from, _ := time.ParseInLocation("2006-01-02", "2026-11-28", report.IST)
	byState, err := report.Sales(ctx, db.Reader(), report.ByState, report.Range{From: from, To: from.AddDate(0, 0, 1)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	total := money.Zero
	for _, r := range byState {
		total = total.Add(r.Net)
	}
	if len(byState) != 2 || !total.Equal(want1) {
		t.Fatalf("by state on 28 Nov: %+v, want 2 States adding up to %s", byState, want1)
	}
	if top, _ := report.Sales(ctx, db.Reader(), report.ByProduct, report.Range{}, 1); len(top) != 1 || top[0].Key != p1.SKU {
		t.Fatalf("top 1 product: %+v", top)
	}

	mix, err := report.Tenders(ctx, db.Reader(), report.Range{})
	if err != nil {
		t.Fatal(err)
	}
	allNet := want1.Add(want2)
	if len(mix) != 3 || mix[1].Method != "upi" || !mix[1].Net.Equal(allNet) || mix[1].Share != "100.0" || mix[0].Share != "0.0" {
		t.Fatalf("tender mix: %+v, want all %s by UPI", mix, allNet)
	}

	svg := string(report.SVG("Net sales by product", []report.Bar{{Label: p1.Name, Value: net1}}))
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, report.INR(net1)) || !strings.Contains(svg, "<rect") {
		t.Fatalf("chart: %s", svg)
	}
}

func TestINR(t *testing.T) {
	for in, want := range map[string]string{"0.00": "₹0.00", "1449.50": "₹1,449.50", "12345678.90": "₹1,23,45,678.90", "-100.00": "−₹100.00", "999.00": "₹999.00"} {
		if got := report.INR(money.MustParse(in)); got != want {
			t.Errorf("INR(%s) = %s, want %s", in, got, want)
		}
	}
}
