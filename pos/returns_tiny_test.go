package pos_test

import (
	"math/rand/v2"
	"testing"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// Issue 14 item 7: lines discounted to a few paise a unit, at every GST
// rate, returned in random slices until nothing is left. Every credit-note
// line must be one the mall's schema and the hub accept: an amount of at
// least a paisa, no negative head, heads adding up to the amount, never
// more of a head back than the line charged, and the last slice reversing
// the line exactly. A discount leaving less than a paisa a unit is refused
// at the till.
func TestTinyUnitReturnSlices(t *testing.T) {
	seed := uint64(14)
	r := rand.New(rand.NewPCG(seed, seed*31))
	m := postest.Open(t, sqlitedb.Options{Synchronous: "NORMAL"})
	sh := openShift(t, m, "admin", "C09")
	a := m.Actor("admin")
	byRate := map[string][]string{}
	for _, p := range m.Products(t, 1000) {
		byRate[p.GSTRate.String()] = append(byRate[p.GSTRate.String()], p.SKU)
	}
	var rates []string
	for rt := range byRate {
		rates = append(rates, rt)
	}
	t.Logf("seed %d, GST rates %v", seed, rates)
	price := func(sku string) money.Amount {
		for _, p := range m.Products(t, 1000) {
			if p.SKU == sku {
				return p.MRP
			}
		}
		t.Fatalf("no product %s", sku)
		return money.Zero
	}
	trials := 150
	if testing.Short() {
		trials = 30
	}
	for trial := range trials {
		skus := byRate[rates[trial%len(rates)]]
		sku := skus[r.IntN(len(skus))]
		qty := 1 + r.Int64N(25)
		if trial%3 == 0 {
			qty = 10 + r.Int64N(16) // enough paise for two paise of tax
		}
		gross := price(sku).MulInt(qty)
		amount := qty + r.Int64N(2*qty+4) // a paisa to a few paise a unit
		if trial%3 == 0 {
			amount = qty // exactly a paisa a unit: the tightest case
		}
		if amount >= gross.Paise() {
			continue
		}
		off := gross.Sub(money.FromPaise(amount))
		req := pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: sku, Qty: qty, Discount: off.String()}},
			Tenders: cash("10.00")} // paise: with the rupee round-off the payable may be 0.00 or 1.00
		s := mustSell(t, m, "admin", req)
		l := s.Lines[0]
		var back pos.ReturnLine
		for left := qty; left > 0; {
			k := int64(1) // unit by unit on even trials, random slices on odd ones
			if trial%2 == 1 {
				k = 1 + r.Int64N(left)
			}
			ret, _, err := m.POS.Return(ctx, a, ids.New(), pos.ReturnRequest{SaleID: s.ID,
				Lines: []pos.ReturnLineRequest{{SKU: sku, Qty: k}}, RefundMethod: pos.Cash})
			if err != nil {
				t.Fatalf("trial %d: %d of %s (%d units for %s at %s%%), %d already back: %v", trial, k, sku, qty, l.Amount, l.GSTRate, qty-left, err)
			}
			if len(ret.Lines) != 1 {
				t.Fatalf("trial %d: %d credit-note lines for one invoice line", trial, len(ret.Lines))
			}
			rl := ret.Lines[0]
			switch {
			case !rl.Amount.IsPositive():
				t.Fatalf("trial %d: slice of %d units credits %s", trial, k, rl.Amount)
			case rl.Taxable.IsNegative() || rl.CGST.IsNegative() || rl.SGST.IsNegative():
				t.Fatalf("trial %d: negative head in %+v", trial, rl)
			case !rl.Taxable.Add(rl.CGST).Add(rl.SGST).Equal(rl.Amount):
				t.Fatalf("trial %d: heads do not add up: %+v", trial, rl)
			}
			back.Amount, back.Taxable = back.Amount.Add(rl.Amount), back.Taxable.Add(rl.Taxable)
			back.CGST, back.SGST = back.CGST.Add(rl.CGST), back.SGST.Add(rl.SGST)
			if back.Amount.GreaterThan(l.Amount) || back.Taxable.GreaterThan(l.Taxable) || back.CGST.GreaterThan(l.CGST) || back.SGST.GreaterThan(l.SGST) {
				t.Fatalf("trial %d: more back than charged: %+v of %+v", trial, back, l)
			}
			left -= k
		}
		if !back.Amount.Equal(l.Amount) || !back.Taxable.Equal(l.Taxable) || !back.CGST.Equal(l.CGST) || !back.SGST.Equal(l.SGST) {
			t.Fatalf("trial %d: all back is %+v, the line was %+v", trial, back, l)
		}
	}
	// Less than a paisa a unit cannot be sold: a unit worth 0.00 could
	// never be credited.
	gross := price("UP-ALG-001").MulInt(5)
	_, _, err := m.POS.Checkout(ctx, a, ids.New(), pos.SaleRequest{ShiftID: sh.ID,
		Lines:   []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 5, Discount: gross.Sub(money.FromPaise(4)).String()}},
		Tenders: cash("10.00")})
	if errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("5 units for 0.04: %v, want invalid", err)
	}
}
