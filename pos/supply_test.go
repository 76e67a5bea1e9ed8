package pos_test

import (
	"strings"
	"testing"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

// kurta is UP-LKO-002, the ₹4,200 chikankari kurta (HSN 6204).
const kurta = "UP-LKO-002"

// recompute checks a line independently of the till: the rate by the
// 5%/18% band of apparel at ₹2,500 a piece (the dearest piece of the line,
// excluding tax at 5%), and taxable + taxes = amount with the taxable
// value from integer arithmetic (round half up).
func recompute(t *testing.T, where string, l pos.SaleLine, banded bool) {
	t.Helper()
	amount := l.Amount.Paise()
	rateBP := l.GSTRate.BasisPoints()
	if banded {
		unit := (amount + l.Qty - 1) / l.Qty
		want := int64(1800)
		if unit*100*100 <= 2500_00*10500 { // unit / 1.05 ≤ 2,500.00
			want = 500
		}
		if rateBP != want {
			t.Errorf("%s line %d: rate %d bp, the band of a %d-paise piece is %d bp", where, l.LineNo, rateBP, unit, want)
		}
	}
	den := int64(10000 + rateBP)
	taxable := (2*amount*10000 + den) / (2 * den)
	if l.Taxable.Paise() != taxable {
		t.Errorf("%s line %d: taxable %s, want %d paise", where, l.LineNo, l.Taxable, taxable)
	}
	if s := l.Taxable.Add(l.CGST).Add(l.SGST).Add(l.UTGST).Add(l.IGST); !s.Equal(l.Amount) {
		t.Errorf("%s line %d: taxable + taxes = %s, amount %s", where, l.LineNo, s, l.Amount)
	}
}

func TestPriceBandKurta(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	openShift(t, m, "admin", "C09") // a mall admin may give any discount
	for _, c := range []struct {
		off, amount, taxable, rate string
	}{
		{"45%", "2310.00", "2200.00", "5"},  // ₹2,200 a piece before tax: 5%
		{"30%", "2940.00", "2491.53", "18"}, // over ₹2,500 at 5% (₹2,800): 18%
		{"", "4200.00", "3559.32", "18"},
	} {
		s := mustSell(t, m, "admin", pos.SaleRequest{ShiftID: shiftOf(t, m, "admin"),
			Lines: []pos.LineRequest{{SKU: kurta, Qty: 1, Discount: c.off}}, Tenders: upi(c.amount)})
		l := s.Lines[0]
		if l.Amount.String() != c.amount || l.Taxable.String() != c.taxable || l.GSTRate.String() != c.rate {
			t.Errorf("kurta at %s off: amount %s taxable %s rate %s%%, want %s %s %s%%", c.off, l.Amount, l.Taxable, l.GSTRate,
				c.amount, c.taxable, c.rate)
		}
		if !strings.Contains(l.BandNote, c.rate+"%") {
			t.Errorf("band note %q does not name the %s%% band", l.BandNote, c.rate)
		}
		recompute(t, s.InvoiceNo, l, true)
		// A return uses the invoice's rate, never the catalog's.
		r, _, err := m.POS.Return(ctx, m.Actor("admin"), ids.New(), pos.ReturnRequest{SaleID: s.ID,
			Lines: []pos.ReturnLineRequest{{SKU: kurta, Qty: 1}}, RefundMethod: pos.Cash})
		if err != nil {
			t.Fatal(err)
		}
		if rl := r.Lines[0]; rl.GSTRate.String() != c.rate || !rl.CGST.Equal(l.CGST) || !rl.Taxable.Equal(l.Taxable) {
			t.Errorf("credit note at %s%% with CGST %s, the invoice had %s%% and %s", rl.GSTRate, rl.CGST, l.GSTRate, l.CGST)
		}
	}
	// A handmade shawl under the handicraft table keeps 5% above ₹2,500.
	s := mustSell(t, m, "admin", pos.SaleRequest{ShiftID: shiftOf(t, m, "admin"),
		Lines: []pos.LineRequest{{SKU: "UK-ALM-001", Qty: 1}}, Tenders: upi("2800.00")})
	if l := s.Lines[0]; l.GSTRate.String() != "5" || l.BandNote != "" {
		t.Errorf("handicraft shawl at ₹2,800: %s%% %q, want 5%% and no band", l.GSTRate, l.BandNote)
	}
}

func TestB2BBuyer(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	buyer := &pos.Buyer{GSTIN: "27aapfu0939f1zv", Name: "Unique Traders LLP", Address: "12 MG Road, Pune"}
	s := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Buyer: buyer,
		Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: upi("480.00")})
	if !s.B2B || s.EInvoice != "pending" || s.Buyer == nil || s.Buyer.GSTIN != "27AAPFU0939F1ZV" || s.Buyer.State != "MH" {
		t.Fatalf("B2B sale: b2b=%v einvoice=%q buyer=%+v", s.B2B, s.EInvoice, s.Buyer)
	}
	// Handed over at the counter in Uttar Pradesh: intra-State although
	// the buyer is registered in Maharashtra.
	if s.PlaceOfSupply != "Uttar Pradesh (09)" || s.Supply != "intra" || !s.IGST.IsZero() || !s.CGST.IsPositive() {
		t.Errorf("place of supply %q %s, igst %s cgst %s", s.PlaceOfSupply, s.Supply, s.IGST, s.CGST)
	}
	for _, c := range []struct{ gstin, says string }{
		{"27AAPFU0939F1ZW", "check character"},
		{"27AAPFU0939F1Z", "15 characters"},
		{"98AAPFU0939F1ZV", "not a State/UT code"},
	} {
		b := *buyer
		b.GSTIN = c.gstin
		_, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh.ID, Buyer: &b,
			Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: upi("480.00")})
		if c.gstin[:2] == "98" {
			// 98 fails the check character first unless it is recomputed.
			first := c.gstin[:14]
			b.GSTIN = first + string(gst.GSTINCheckChar(first))
			_, _, err = m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh.ID, Buyer: &b,
				Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: upi("480.00")})
		}
		wantCode(t, err, errs.Invalid, c.says)
	}
	b := *buyer
	b.Address = ""
	_, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh.ID, Buyer: &b,
		Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: upi("480.00")})
	wantCode(t, err, errs.Invalid, "legal name and address")
}

func TestDeliveryToAnotherState(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	s := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		DeliverTo: &pos.Delivery{Name: "Asha Rao", Address: "4 Residency Road, Bengaluru", State: "ka", Pincode: "560025"},
		Lines:     []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 2}, {SKU: kurta, Qty: 1}}, Tenders: upi("5160.00")})
	if s.PlaceOfSupply != "Karnataka (29)" || s.POSState != "KA" || s.Supply != "inter" {
		t.Fatalf("place of supply %q %q %s", s.PlaceOfSupply, s.POSState, s.Supply)
	}
	for _, l := range s.Lines {
		if !l.CGST.IsZero() || !l.SGST.IsZero() || !l.IGST.IsPositive() {
			t.Errorf("line %d: cgst %s sgst %s igst %s, want IGST only", l.LineNo, l.CGST, l.SGST, l.IGST)
		}
		recompute(t, s.InvoiceNo, l, l.SKU == kurta)
	}
	// 960 at 18%: taxable 813.56, IGST 146.44 (the whole tax, same rate).
	if l := s.Lines[0]; l.Taxable.String() != "813.56" || l.IGST.String() != "146.44" {
		t.Errorf("line 1 taxable %s igst %s, want 813.56 146.44", l.Taxable, l.IGST)
	}
	r, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: s.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.Cash})
	if err != nil {
		t.Fatal(err)
	}
	if r.IGST.String() != "73.22" || !r.CGST.IsZero() || r.PlaceOfSupply != "Karnataka (29)" {
		t.Errorf("credit note igst %s cgst %s pos %q, want 73.22 0.00 Karnataka (29)", r.IGST, r.CGST, r.PlaceOfSupply)
	}
	// Delivered within the mall's own State: still CGST + SGST.
	s = mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, DeliverTo: &pos.Delivery{Address: "Hazratganj, Lucknow", State: "UP"},
		Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: upi("480.00")})
	if s.Supply != "intra" || !s.IGST.IsZero() {
		t.Errorf("delivery inside UP: %s igst %s", s.Supply, s.IGST)
	}
	_, _, err = m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh.ID,
		DeliverTo: &pos.Delivery{Address: "somewhere", State: "XX"}, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: upi("480.00")})
	wantCode(t, err, errs.Invalid, "State/UT code")
}

func TestLargeSales(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	sell := func(req pos.SaleRequest) (pos.Sale, error) {
		req.ShiftID = sh.ID
		s, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), req)
		return s, err
	}
	named := &pos.Buyer{Name: "R. Mehta", Address: "22 Civil Lines, Kanpur", State: "UP"}
	// 48 kurtas less ₹1,600: ₹2,00,000.00 exactly, in cash: refused.
	cart := []pos.LineRequest{{SKU: kurta, Qty: 48, Discount: "1600.00"}}
	_, err := sell(pos.SaleRequest{Lines: cart, Buyer: named, Tenders: cash("200000.00")})
	wantCode(t, err, errs.Invalid, "section 269ST of the Income-tax Act, 1961; section 186 of the Income-tax Act, 2025")
	// Cash up to ₹1,99,999.99 is lawful; the rest by UPI.
	if _, err := sell(pos.SaleRequest{Lines: cart, Buyer: named, Tenders: []pos.Tender{{Method: pos.Cash, Amount: amt("199999.99")},
		{Method: pos.UPI, Amount: amt("0.01"), Ref: "U1"}}}); err != nil {
		t.Fatalf("₹1,99,999.99 in cash: %v", err)
	}
	// ₹2,02,000 by UPI: above ₹2,00,000 needs PAN or Form 60.
	cart = []pos.LineRequest{{SKU: kurta, Qty: 49, Discount: "3800.00"}}
	_, err = sell(pos.SaleRequest{Lines: cart, Buyer: named, Tenders: upi("202000.00")})
	wantCode(t, err, errs.Invalid, "Rule 114B")
	withPAN := *named
	withPAN.PAN = "abcpm1234k"
	s, err := sell(pos.SaleRequest{Lines: cart, Buyer: &withPAN, Tenders: upi("202000.00")})
	if err != nil {
		t.Fatalf("₹2,02,000 by UPI with a PAN: %v", err)
	}
	if s.Buyer.PAN != "XXXXXX234K" {
		t.Errorf("PAN shown as %q, want it masked to the last 4", s.Buyer.PAN)
	}
	if got, err := m.POS.GetSale(ctx, m.Actor("cashier1"), s.ID); err != nil || got.Buyer.PAN != "XXXXXX234K" {
		t.Errorf("stored invoice shows PAN %q (%v)", got.Buyer.PAN, err)
	}
	withF60 := *named
	withF60.Form60 = "F60/LKO1/000123"
	if _, err := sell(pos.SaleRequest{Lines: cart, Buyer: &withF60, Tenders: upi("202000.00")}); err != nil {
		t.Fatalf("with Form 60: %v", err)
	}
	bad := withPAN
	bad.PAN = "ABCD1234K"
	_, err = sell(pos.SaleRequest{Lines: cart, Buyer: &bad, Tenders: upi("202000.00")})
	wantCode(t, err, errs.Invalid, "invalid PAN")
	// Taxable value ≥ ₹50,000 to an unregistered buyer: name, address and
	// State required (15 kurtas: ₹63,000, taxable ₹53,389.83).
	cart = []pos.LineRequest{{SKU: kurta, Qty: 15}}
	_, err = sell(pos.SaleRequest{Lines: cart, Tenders: upi("63000.00")})
	wantCode(t, err, errs.Invalid, "Rule 46(e)")
	_, err = sell(pos.SaleRequest{Lines: cart, Buyer: &pos.Buyer{Name: "R. Mehta"}, Tenders: upi("63000.00")})
	wantCode(t, err, errs.Invalid, "name, address and State")
	if _, err := sell(pos.SaleRequest{Lines: cart, Buyer: named, Tenders: upi("63000.00")}); err != nil {
		t.Fatalf("named buyer: %v", err)
	}
	// A registered buyer's GSTIN particulars suffice.
	if _, err := sell(pos.SaleRequest{Lines: cart, Buyer: &pos.Buyer{GSTIN: "27AAPFU0939F1ZV", Name: "Unique Traders LLP",
		Address: "12 MG Road, Pune"}, Tenders: upi("63000.00")}); err != nil {
		t.Fatalf("registered buyer: %v", err)
	}
	// Thresholds are configuration.
	low := postest.OpenIn(t, "UP", pos.Config{Limits: pos.Limits{CashFrom: amt("10000.00")}})
	sh2 := openShift(t, low, "cashier1", "C01")
	_, _, err = low.POS.Checkout(ctx, low.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh2.ID,
		Lines: []pos.LineRequest{{SKU: kurta, Qty: 3}}, Tenders: cash("12600.00")})
	wantCode(t, err, errs.Invalid, "₹10,000.00 or more in cash")
}

func TestRoundOff(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	// ₹1,100 bedsheet less ₹100.40 = ₹999.60: the customer pays ₹1,000.
	s := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines: []pos.LineRequest{{SKU: "UP-FTH-001", Qty: 1, Discount: "100.40"}}, Tenders: cash("1000.00")})
	if s.Total.String() != "999.60" || s.RoundOff.String() != "0.40" || s.Payable.String() != "1000.00" || !s.Change.IsZero() {
		t.Fatalf("total %s round-off %s payable %s change %s", s.Total, s.RoundOff, s.Payable, s.Change)
	}
	if s.Taxable.Add(s.CGST).Add(s.SGST).String() != "999.60" {
		t.Errorf("the round-off leaked into the taxable value or tax: %s + %s + %s", s.Taxable, s.CGST, s.SGST)
	}
	// Less than the payable amount is short, even by the round-off.
	_, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh.ID,
		Lines: []pos.LineRequest{{SKU: "UP-FTH-001", Qty: 1, Discount: "100.40"}}, Tenders: cash("999.60")})
	wantCode(t, err, errs.Invalid, "short")
	// A second sale, returned in full in two steps: the last credit note
	// gives back the round-off, so the refunds are what was paid.
	s2 := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1, Discount: "0.30"}, {SKU: "UP-FTH-001", Qty: 1}}, Tenders: cash("2000.00")})
	if s2.RoundOff.String() != "0.30" || s2.Payable.String() != "1580.00" {
		t.Fatalf("total %s round-off %s payable %s", s2.Total, s2.RoundOff, s2.Payable)
	}
	r1, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: s2.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.Cash})
	if err != nil {
		t.Fatal(err)
	}
	r2, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: s2.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-FTH-001", Qty: 1}}, RefundMethod: pos.Cash})
	if err != nil {
		t.Fatal(err)
	}
	if !r1.RoundOff.IsZero() || r2.RoundOff.String() != "0.30" || r1.Refund.Add(r2.Refund).String() != "1580.00" {
		t.Errorf("refunds %s (%s) + %s (%s), want 1580.00 with the round-off on the last", r1.Refund, r1.RoundOff, r2.Refund, r2.RoundOff)
	}
	// The Z report balances: float 2000 + 1000 + 1580 − 1580 in the drawer.
	z, err := m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("3000.00"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Check(); err != nil {
		t.Fatal(err)
	}
	if z.OverShort == nil || !z.OverShort.IsZero() || z.RoundOff.String() != "0.40" || z.ExpectedCash.String() != "3000.00" {
		t.Errorf("Z: expected %s over/short %v round-off %s", z.ExpectedCash, z.OverShort, z.RoundOff)
	}
	// The other modes.
	for _, c := range []struct {
		mode             gst.RoundOff
		payable, roundOf string
	}{{gst.RoundOffFifty, "999.50", "-0.10"}, {gst.RoundOffNone, "999.60", "0.00"}} {
		mm := postest.OpenIn(t, "UP", pos.Config{RoundOff: c.mode})
		sh := openShift(t, mm, "cashier1", "C01")
		s := mustSell(t, mm, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
			Lines: []pos.LineRequest{{SKU: "UP-FTH-001", Qty: 1, Discount: "100.40"}}, Tenders: cash("1000.00")})
		if s.Payable.String() != c.payable || s.RoundOff.String() != c.roundOf {
			t.Errorf("%s: payable %s round-off %s, want %s %s", c.mode, s.Payable, s.RoundOff, c.payable, c.roundOf)
		}
	}
}

// TestUnionTerritoryMalls sells in a UT without a legislature (CGST +
// UTGST) and in Delhi and J&K (CGST + SGST).
func TestUnionTerritoryMalls(t *testing.T) {
	for _, c := range []struct {
		state string
		ut    bool
	}{{"CH", true}, {"LA", true}, {"DL", false}, {"JK", false}} {
		m := postest.OpenIn(t, c.state, pos.Config{})
		sh := openShift(t, m, "cashier1", "C01")
		s := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
			Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}, {SKU: kurta, Qty: 1, Discount: "10%"}}, Tenders: upi("4260.00")})
		share := s.SGST
		if c.ut {
			share = s.UTGST
		}
		if !share.IsPositive() || !share.Add(s.CGST).Add(s.Taxable).Equal(s.Total) || (c.ut && !s.SGST.IsZero()) || (!c.ut && !s.UTGST.IsZero()) {
			t.Errorf("%s: cgst %s sgst %s utgst %s, want the state share as UTGST=%v", c.state, s.CGST, s.SGST, s.UTGST, c.ut)
		}
		for _, l := range s.Lines {
			recompute(t, c.state+" "+s.InvoiceNo, l, l.SKU == kurta)
		}
		z, err := m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("2000.00"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := z.Check(); err != nil {
			t.Fatalf("%s: %v", c.state, err)
		}
		if c.ut && (z.Sales.UTGST.IsZero() || !z.Sales.SGST.IsZero()) {
			t.Errorf("%s Z report: sgst %s utgst %s", c.state, z.Sales.SGST, z.Sales.UTGST)
		}
	}
}

// upi pays a by UPI under a fresh reference: one UPI payment pays one sale.
func upi(a string) []pos.Tender {
	return []pos.Tender{{Method: pos.UPI, Amount: amt(a), Ref: "UTR" + ids.New()[24:]}}
}

// shiftOf is the open shift of user.
func shiftOf(t *testing.T, m *postest.Mall, user string) string {
	t.Helper()
	var id string
	if err := m.DB.R.QueryRowContext(ctx, `SELECT id FROM shifts WHERE user_id = ? AND status = 'open'`, m.Users[user].ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
