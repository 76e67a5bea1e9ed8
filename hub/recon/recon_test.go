package recon_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/hub/recon"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/money"
)

var now = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

func TestCompletenessAndShifts(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	a := ledger.NewApplier(func() time.Time { return now })
	ps := ledgertest.Products(t, 10)
	// BLR1's sequences 2 and 3 never reach the hub (4 waits behind them).
	b := ledgertest.NewMall("BLR1")
	for i := range 4 {
		ev := b.Envelope(events.SaleCompleted, now, b.Sale("SH9", now, []ledgertest.Item{{Product: ps[i], Qty: 1}}, nil))
		if i == 1 || i == 2 {
			continue
		}
		if err := ledgertest.Apply(ctx, db, a, ev); err != nil {
			t.Fatal(err)
		}
	}
	// LKO1 sends two of the four sales its shift rang up.
	m := ledgertest.NewMall("LKO1")
	var sales []events.Sale
	for i := range 4 {
		s := m.Sale("SH1", now, []ledgertest.Item{{Product: ps[i], Qty: 1}}, []events.Tender{{Method: "cash", Amount: ps[i].MRP}})
		if i == 1 || i == 2 {
			continue
		}
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, now, s)); err != nil {
			t.Fatal(err)
		}
		sales = append(sales, s)
	}
	comp, err := recon.Completeness(ctx, db.Reader())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comp {
		switch c.Mall {
		case "BLR1":
			if c.Complete || c.Missing != 2 || len(c.Gaps) != 1 || c.Gaps[0] != [2]int64{2, 3} || c.Highest != 4 {
				t.Fatalf("BLR1: %+v", c)
			}
		case "LKO1":
			if !c.Complete || c.Highest != 2 {
				t.Fatalf("LKO1: %+v", c)
			}
		default:
			if !c.Complete || c.Highest != 0 {
				t.Fatalf("%s: %+v", c.Mall, c)
			}
		}
	}

	// The Z report claims one more sale than the hub got.
	total := sales[0].Total.Add(sales[1].Total)
	z := events.ShiftClose{ShiftID: "SH1", Counter: "C01", OpenedAt: now, ClosedAt: now, SalesCount: 3, SalesTotal: total.Add(ps[1].MRP),
		Tenders: map[string]money.Amount{"cash": total.Add(ps[1].MRP)}}
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.ShiftClosed, now, z)); err != nil {
		t.Fatal(err)
	}
	z2 := events.ShiftClose{ShiftID: "SH2", Counter: "C02", OpenedAt: now, ClosedAt: now, Tenders: map[string]money.Amount{}}
	if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.ShiftClosed, now, z2)); err != nil {
		t.Fatal(err)
	}
	sh, err := recon.Shifts(ctx, db.Reader(), "LKO1")
	if err != nil {
		t.Fatal(err)
	}
	if len(sh) != 2 {
		t.Fatalf("shifts: %+v", sh)
	}
	for _, s := range sh {
		switch s.ShiftID {
		case "SH1":
			if s.Matched || s.Counts[0].Mall != 3 || s.Counts[0].Hub != 2 {
				t.Fatalf("SH1 should not match: %+v", s)
			}
			for _, f := range s.Amounts {
				if (f.Name == "sales_total" || f.Name == "tender_cash") && !f.Diff.Equal(ps[1].MRP) {
					t.Fatalf("SH1 %s diff %s, want %s", f.Name, f.Diff, ps[1].MRP)
				}
			}
		case "SH2":
			if !s.Matched {
				t.Fatalf("empty shift should match: %+v", s)
			}
		}
	}
}

// TestStatementBreaks plants one break of each kind in a generated
// statement and expects to find exactly those.
func TestStatementBreaks(t *testing.T) {
	ctx := context.Background()
	db := ledgertest.Open(t)
	a := ledger.NewApplier(func() time.Time { return now })
	m := ledgertest.NewMall("BLR1")
	ps := ledgertest.Products(t, 40)
	day := time.Date(2026, 5, 2, 5, 0, 0, 0, time.UTC)
	var sales []events.Sale
	for i := range 30 {
		at := day.Add(time.Duration(i) * 10 * time.Minute)
		s := m.Sale("SH", at, []ledgertest.Item{{Product: ps[i], Qty: 1}}, nil)
		if err := ledgertest.Apply(ctx, db, a, m.Envelope(events.SaleCompleted, at, s)); err != nil {
			t.Fatal(err)
		}
		sales = append(sales, s)
	}
	var b strings.Builder
	b.WriteString("time,reference,amount,payer\n")
	want := map[string]string{}
	for i, s := range sales {
		ref, amt := s.Tenders[0].Ref, s.Tenders[0].Amount
		switch i {
		case 3:
			amt = amt.Add(money.MustParse("0.01"))
			want[ref] = "amount_mismatch"
		case 7:
			want[ref] = "missing_in_statement"
			continue
		case 11:
			fmt.Fprintf(&b, "%s,%s,%s,x\n", s.At.Format(time.RFC3339), ref, amt)
			want[ref+"#dup"] = "duplicate_in_statement"
		}
		fmt.Fprintf(&b, "%s,%s,%s,x\n", s.At.Format(time.RFC3339), ref, amt)
	}
	fmt.Fprintf(&b, "%s,UPI-STRANGER,99.00,x\n", day.Format(time.RFC3339))
	want["UPI-STRANGER"] = "missing_in_hub"

	im, err := recon.ImportStatement(ctx, db, "upi.csv", []byte(b.String()), "fin", now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := recon.Breaks(ctx, db.Reader(), im.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, br := range rep.Breaks {
		k := br.Ref
		if br.Category == "duplicate_in_statement" {
			k += "#dup"
		}
		got[k] = br.Category
		if br.AgeDays != 2 {
			t.Errorf("break %s aged %d days, want 2", br.Ref, br.AgeDays)
		}
	}
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) || rep.Matched != 28 {
		t.Fatalf("breaks %v (matched %d), want %v", got, rep.Matched, want)
	}
	if _, err := recon.ImportStatement(ctx, db, "again.csv", []byte(b.String()), "fin", now); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("second import: %v", err)
	}
	_, err = recon.ImportStatement(ctx, db, "bad.csv", []byte("reference,amount,time\nA,1.00,2026-05-02T10:00:00Z\nB,1.001,2026-05-02T10:00:00Z\n,2.00,never\n"), "fin", now)
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("bad rows: %v", err)
	}
}

func sorted(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
