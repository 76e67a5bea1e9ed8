package pos_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/catalogdb"
	"ektamall/shared/gst"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// expectLine is an independent integer model of one line's tax: taxable =
// amount × 10000 / (10000 + rate bp) rounded half up, CGST = half the tax
// rounded half up, SGST the rest.
func expectLine(amountPaise, bp int64) (taxable, cgst, sgst int64) {
	den := 10000 + bp
	taxable = (2*amountPaise*10000 + den) / (2 * den)
	tax := amountPaise - taxable
	cgst = (tax + 1) / 2
	return taxable, cgst, tax - cgst
}

func randomCart(r *rand.Rand, ps []catalogdb.Product, shiftID string) pos.SaleRequest {
	req := pos.SaleRequest{ShiftID: shiftID}
	total := money.Zero
	for range 1 + r.IntN(6) {
		p := ps[r.IntN(len(ps))]
		qty := int64(1 + r.IntN(12))
		if r.IntN(50) == 0 {
			qty = int64(1 + r.IntN(999))
		}
		gross := p.MRP.MulInt(qty)
		l := pos.LineRequest{SKU: p.SKU, Qty: qty}
		switch r.IntN(4) {
		case 1: // an amount up to 10% of the line
			if off := money.FromPaise(1 + r.Int64N(max(gross.Paise()/10, 1))); off.LessThan(gross) {
				l.Discount = off.String()
			}
		case 2: // a percentage up to 10.00%
			l.Discount = money.FromPaise(1+r.Int64N(1000)).String() + "%"
		}
		if r.IntN(3) == 0 {
			l.SKU = p.Barcode // scanned, not typed
		}
		req.Lines = append(req.Lines, l)
		d, _ := pos.ParseDiscount(l.Discount)
		total = total.Add(gross.Sub(d.Off(gross)))
	}
	// Tenders: some exact by UPI or card, some split, some with cash change,
	// of the payable amount (rounded to the rupee).
	total, _ = gst.RoundOffRupee.Apply(total)
	switch r.IntN(4) {
	case 0:
		req.Tenders = []pos.Tender{{Method: pos.Cash, Amount: total.Add(money.FromPaise(r.Int64N(50000)))}}
	case 1:
		req.Tenders = []pos.Tender{{Method: pos.UPI, Amount: total, Ref: fmt.Sprintf("UTR%d", r.Uint64())}}
	case 2:
		card := money.FromPaise(1 + r.Int64N(total.Paise()))
		req.Tenders = []pos.Tender{{Method: pos.Card, Amount: card, Ref: "AUTH"}}
		if rest := total.Sub(card); rest.IsPositive() {
			req.Tenders = append(req.Tenders, pos.Tender{Method: pos.Cash, Amount: rest.Add(money.FromPaise(r.Int64N(10000)))})
		}
	default:
		upi := money.FromPaise(r.Int64N(total.Paise()/2 + 1))
		card := money.FromPaise(r.Int64N(total.Paise()/2 + 1))
		req.Tenders = append(req.Tenders, pos.Tender{Method: pos.Cash, Amount: total.Sub(upi).Sub(card).Add(money.FromPaise(r.Int64N(2000)))})
		for _, t := range []pos.Tender{{Method: pos.UPI, Amount: upi, Ref: fmt.Sprintf("U%d", r.Uint64())}, {Method: pos.Card, Amount: card, Ref: "C"}} {
			if t.Amount.IsPositive() {
				req.Tenders = append(req.Tenders, t)
			}
		}
		if !req.Tenders[0].Amount.IsPositive() {
			req.Tenders = req.Tenders[1:]
		}
	}
	return req
}

func checkSale(t *testing.T, s pos.Sale, cashLeft money.Amount) {
	t.Helper()
	total, taxable, cgst, sgst := money.Zero, money.Zero, money.Zero, money.Zero
	for _, l := range s.Lines {
		wt, wc, ws := expectLine(l.Amount.Paise(), l.GSTRate.BasisPoints())
		if l.Taxable.Paise() != wt || l.CGST.Paise() != wc || l.SGST.Paise() != ws {
			t.Fatalf("%s line %d: %s = taxable %s + cgst %s + sgst %s; model says %d + %d + %d paise",
				s.InvoiceNo, l.LineNo, l.Amount, l.Taxable, l.CGST, l.SGST, wt, wc, ws)
		}
		if !l.Taxable.Add(l.CGST).Add(l.SGST).Equal(l.Amount) || !l.Gross().Sub(l.Discount).Equal(l.Amount) || !l.Amount.IsPositive() {
			t.Fatalf("%s line %d does not add up: %+v", s.InvoiceNo, l.LineNo, l)
		}
		total, taxable = total.Add(l.Amount), taxable.Add(l.Taxable)
		cgst, sgst = cgst.Add(l.CGST), sgst.Add(l.SGST)
	}
	if !total.Equal(s.Total) || !taxable.Equal(s.Taxable) || !cgst.Equal(s.CGST) || !sgst.Equal(s.SGST) {
		t.Fatalf("%s: lines sum to %s, invoice total %s", s.InvoiceNo, total, s.Total)
	}
	tendered, cash := money.Zero, money.Zero
	for _, tn := range s.Tenders {
		tendered = tendered.Add(tn.Amount)
		if tn.Method == pos.Cash {
			cash = cash.Add(tn.Amount)
		}
	}
	if payable, ro := gst.RoundOffRupee.Apply(s.Total); !payable.Equal(s.Payable) || !ro.Equal(s.RoundOff) {
		t.Fatalf("%s: total %s rounds to %s (%s), invoice says %s (%s)", s.InvoiceNo, s.Total, payable, ro, s.Payable, s.RoundOff)
	}
	if !tendered.Sub(s.Change).Equal(s.Payable) || s.Change.GreaterThan(cash) || s.Change.IsNegative() {
		t.Fatalf("%s: tendered %s − change %s != payable %s (cash %s)", s.InvoiceNo, tendered, s.Change, s.Payable, cash)
	}
}

// TestPropertyCarts rings 10,000 random carts (barcodes and SKUs, amount
// and percentage discounts, every tender mix) and checks each invoice
// against an integer model; every 10th cart is returned in full and must
// be its exact negative, some piece by piece. The shift's Z report and
// the stock ledger must add up at the end.
func TestPropertyCarts(t *testing.T) {
	// 10,000 carts; 3,000 under -race (make test), where each costs
	// several times more and the interleavings, not the count, are new.
	n := 10_000
	switch {
	case testing.Short():
		n = 1_000
	case raceDetector:
		n = 3_000
	}
	seed := uint64(46)
	t.Logf("seed %d, %d carts", seed, n)
	r := rand.New(rand.NewPCG(seed, seed*7919))
	// Durability is not under test here; NORMAL keeps 10,000 commits quick.
	// The legal limits on large sales are not under test here either (see
	// supply_test.go): random carts run to lakhs of rupees.
	huge := money.MustParse("100000000.00")
	m := postest.OpenWith(t, filepath.Join(t.TempDir(), "mall.db"), sqlitedb.Options{Synchronous: "NORMAL"}, postest.State,
		pos.Config{Limits: pos.Limits{CashFrom: huge, PANAbove: huge, NamedFrom: huge}})
	ps := m.Products(t, 1000)
	sh := openShift(t, m, "cashier1", "C01")
	a := m.Actor("cashier1")
	var prevSeq string
	for i := range n {
		req := randomCart(r, ps, sh.ID)
		s := mustSell(t, m, "cashier1", req)
		checkSale(t, s, money.Zero)
		if s.InvoiceNo <= prevSeq {
			t.Fatalf("invoice %s after %s", s.InvoiceNo, prevSeq)
		}
		prevSeq = s.InvoiceNo
		switch {
		case i%10 == 0: // everything back at once
			var lines []pos.ReturnLineRequest
			for _, l := range s.Lines {
				lines = append(lines, pos.ReturnLineRequest{SKU: l.SKU, LineNo: l.LineNo, Qty: l.Qty})
			}
			ret, _, err := m.POS.Return(ctx, a, ids.New(), pos.ReturnRequest{SaleID: s.ID, Lines: lines, RefundMethod: pos.RefundOriginal})
			if err != nil {
				t.Fatal(err)
			}
			if !ret.Total.Equal(s.Total) || !ret.Taxable.Equal(s.Taxable) || !ret.CGST.Equal(s.CGST) || !ret.SGST.Equal(s.SGST) {
				t.Fatalf("full return %s of %s: %s/%s/%s/%s, want the sale's %s/%s/%s/%s", ret.CreditNoteNo, s.InvoiceNo,
					ret.Total, ret.Taxable, ret.CGST, ret.SGST, s.Total, s.Taxable, s.CGST, s.SGST)
			}
			refunded := money.Zero
			for _, f := range ret.Refunds {
				refunded = refunded.Add(f.Amount)
			}
			if !refunded.Equal(s.Payable) || !ret.RoundOff.Equal(s.RoundOff) {
				t.Fatalf("full return refunded %s (round-off %s) of %s paid (round-off %s)", refunded, ret.RoundOff, s.Payable, s.RoundOff)
			}
		case i%97 == 1 && s.Lines[0].Qty <= 15: // the first line back unit by unit
			l := s.Lines[0]
			sum, tax := money.Zero, money.Zero
			for range l.Qty {
				ret, _, err := m.POS.Return(ctx, a, ids.New(), pos.ReturnRequest{SaleID: s.ID,
					Lines: []pos.ReturnLineRequest{{SKU: l.SKU, LineNo: l.LineNo, Qty: 1}}, RefundMethod: pos.Cash})
				if err != nil {
					t.Fatal(err)
				}
				sum, tax = sum.Add(ret.Total), tax.Add(ret.CGST).Add(ret.SGST)
			}
			if !sum.Equal(l.Amount) || !tax.Equal(l.CGST.Add(l.SGST)) {
				t.Fatalf("%s line 1 returned unit by unit: %s (tax %s), line was %s (tax %s)", s.InvoiceNo, sum, tax, l.Amount, l.CGST.Add(l.SGST))
			}
		}
	}
	z, err := m.POS.CloseShift(ctx, a, sh.ID, amt("0"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Check(); err != nil {
		t.Fatal(err)
	}
	if z.Sales.Count != int64(n) {
		t.Errorf("Z report counts %d sales, want %d", z.Sales.Count, n)
	}
	if bad, err := inventory.Check(ctx, m.DB.R); err != nil || len(bad) != 0 {
		t.Fatalf("stock ledger: %v %v", bad, err)
	}
}
