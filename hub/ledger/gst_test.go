package ledger_test

import (
	"testing"

	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
	"ektamall/shared/money"
)

// TestIGSTUTGSTAndRoundOff books an inter-State sale (IGST), a sale with a
// round-off line at a UT mall (UTGST) and their full returns: each head
// and the round-off go to their own accounts, the returns reverse them
// exactly, and the books check.
func TestIGSTUTGSTAndRoundOff(t *testing.T) {
	ctx, db, a := setup(t)
	p := ledgertest.Products(t, 20)[3]

	lko := ledgertest.NewMall("LKO1")
	s := lko.Sale("SH1", t0, []ledgertest.Item{{Product: p, Qty: 2}}, nil)
	intra := s
	intra.Lines = append([]events.SaleLine(nil), s.Lines...)
	for i := range s.Lines { // delivered to Karnataka: the whole tax is IGST
		l := &s.Lines[i]
		l.IGST, l.CGST, l.SGST = l.CGST.Add(l.SGST), money.Zero, money.Zero
	}
	s.POSState, s.ShipTo = "KA", "KA"
	s.B2B, s.EInvoice = true, "pending"
	s.Buyer = &events.Buyer{GSTIN: "27AAPFU0939F1ZV", Name: "Unique Traders LLP", Address: "Pune", State: "MH"}
	if err := ledgertest.Apply(ctx, db, a, lko.Envelope(events.SaleCompleted, t0, s)); err != nil {
		t.Fatal(err)
	}
	igst := s.Lines[0].IGST.Paise()
	if got := -balance(t, db, ledger.GSTAccount("UP", "igst")); got != igst || balance(t, db, ledger.GSTAccount("UP", "cgst")) != 0 {
		t.Fatalf("UP IGST payable %d, want %d (and no CGST)", got, igst)
	}
	var pos, gstin string
	var b2b int
	if err := db.Reader().QueryRowContext(ctx, `SELECT pos_state, b2b, buyer_gstin FROM hub_sales WHERE sale_id = ?`, s.SaleID).Scan(&pos, &b2b, &gstin); err != nil {
		t.Fatal(err)
	}
	if pos != "KA" || b2b != 1 || gstin != "27AAPFU0939F1ZV" {
		t.Errorf("hub_sales keeps pos %q b2b %d buyer %q", pos, b2b, gstin)
	}
	r := lko.Return(intra, ledgertest.ReturnState{}, map[int]int64{1: 2}, "upi", t0.Add(2*60e9))
	for i := range r.Lines {
		l := &r.Lines[i]
		l.IGST, l.CGST, l.SGST = l.CGST.Add(l.SGST), money.Zero, money.Zero
	}
	if err := ledgertest.Apply(ctx, db, a, lko.Envelope(events.ReturnCompleted, t0, r)); err != nil {
		t.Fatal(err)
	}
	if got := balance(t, db, ledger.GSTAccount("UP", "igst")); got != 0 {
		t.Errorf("IGST after the full return %d, want 0", got)
	}

	chd := ledgertest.NewMall("CHD1")
	s2 := chd.Sale("SH2", t0, []ledgertest.Item{{Product: p, Qty: 1, Discount: money.MustParse("0.40")}}, nil)
	payable, _ := money.Parse(s2.Total.String())
	payable = money.FromPaise((payable.Paise() + 50) / 100 * 100)
	s2.RoundOff = payable.Sub(s2.Total)
	s2.Tenders = []events.Tender{{Method: "cash", Amount: money.MustParse("5000.00")}}
	s2.Change = money.MustParse("5000.00").Sub(payable)
	if err := ledgertest.Apply(ctx, db, a, chd.Envelope(events.SaleCompleted, t0, s2)); err != nil {
		t.Fatal(err)
	}
	if got := -balance(t, db, ledger.GSTAccount("CH", "utgst")); got != s2.Lines[0].SGST.Paise() || got == 0 {
		t.Errorf("CH UTGST %d, want %d", got, s2.Lines[0].SGST.Paise())
	}
	if got := -balance(t, db, ledger.RoundOffAccount("CHD1")); got != s2.RoundOff.Paise() || got == 0 {
		t.Errorf("round-off account %d, want %d", got, s2.RoundOff.Paise())
	}
	r2 := chd.Return(s2, ledgertest.ReturnState{}, map[int]int64{1: 1}, "cash", t0.Add(3*60e9))
	r2.RoundOff = s2.RoundOff
	r2.Refunds = []events.Tender{{Method: "cash", Amount: r2.Total.Add(r2.RoundOff)}}
	if err := ledgertest.Apply(ctx, db, a, chd.Envelope(events.ReturnCompleted, t0, r2)); err != nil {
		t.Fatal(err)
	}
	if got := balance(t, db, ledger.RoundOffAccount("CHD1")); got != 0 {
		t.Errorf("round-off after the full return %d, want 0", got)
	}
	if got := balance(t, db, ledger.ClearingAccount("CHD1", "cash")); got != 0 {
		t.Errorf("cash clearing after the full return %d, want 0", got)
	}
	mustCheck(t, db)
	// A sale whose tenders do not cover total + round-off is refused.
	s3 := chd.Sale("SH2", t0, []ledgertest.Item{{Product: p, Qty: 1}}, nil)
	s3.RoundOff = money.MustParse("0.30")
	if err := ledgertest.Apply(ctx, db, a, chd.Envelope(events.SaleCompleted, t0, s3)); err == nil {
		t.Error("a sale paying less than total + round-off was booked")
	}
}

// TestOldSaleEventStillBooks applies a sale.completed payload written
// before issue 18 (no igst, round_off, place of supply or buyer): it books
// with zeros and the mall's State as the place of supply.
func TestOldSaleEventStillBooks(t *testing.T) {
	ctx, db, a := setup(t)
	p := ledgertest.Products(t, 20)[3]
	m := ledgertest.NewMall("LKO1")
	s := m.Sale("SH1", t0, []ledgertest.Item{{Product: p, Qty: 1}}, nil)
	l := s.Lines[0]
	old := `{"sale_id":"` + s.SaleID + `","invoice_no":"` + s.InvoiceNo + `","shift_id":"SH1","counter":"C01","cashier_id":"u1",
		"at":"2026-01-05T10:00:00Z","lines":[{"line_no":1,"sku":"` + l.SKU + `","producer_id":"` + l.ProducerID + `","district_id":"` +
		l.DistrictID + `","state":"` + l.State + `","hsn":"` + l.HSN + `","qty":1,"unit_price":"` + l.UnitPrice.String() +
		`","discount":"0.00","amount":"` + l.Amount.String() + `","taxable_value":"` + l.Taxable.String() + `","gst_rate":"` +
		l.GSTRate.String() + `","cgst":"` + l.CGST.String() + `","sgst":"` + l.SGST.String() + `"}],
		"tenders":[{"method":"upi","amount":"` + s.Total.String() + `","ref":"U1"}],"total":"` + s.Total.String() + `","change":"0.00"}`
	ev := m.Envelope(events.SaleCompleted, t0, nil)
	ev.Payload = []byte(old)
	if err := ledgertest.Apply(ctx, db, a, ev); err != nil {
		t.Fatalf("an old sale event: %v", err)
	}
	var pos string
	var igst, ro int64
	if err := db.Reader().QueryRowContext(ctx, `SELECT pos_state, igst, round_off FROM hub_sales WHERE sale_id = ?`, s.SaleID).Scan(&pos, &igst, &ro); err != nil {
		t.Fatal(err)
	}
	if pos != "UP" || igst != 0 || ro != 0 {
		t.Errorf("old event booked with pos %q igst %d round-off %d", pos, igst, ro)
	}
	mustCheck(t, db)
}
