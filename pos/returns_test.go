package pos_test

import (
	"testing"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// TestReturnPieceByPiece returns 7 units of a discounted line one at a
// time and checks the credit notes add up to the line exactly, head by
// head, and that an eighth unit is refused.
func TestReturnPieceByPiece(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	sale := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines:   []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 7, Discount: "3.33%"}, {SKU: "UP-AMT-001", Qty: 1}},
		Tenders: cash("5000.00")})
	line := sale.Lines[0]
	sum := pos.ReturnLine{}
	for i := range 7 {
		r, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
			Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.Cash})
		if err != nil {
			t.Fatalf("return %d: %v", i+1, err)
		}
		l := r.Lines[0]
		if !l.Taxable.Add(l.CGST).Add(l.SGST).Equal(l.Amount) || !r.Total.Equal(l.Amount) {
			t.Fatalf("credit note %s does not add up: %+v", r.CreditNoteNo, l)
		}
		sum.Amount, sum.Taxable = sum.Amount.Add(l.Amount), sum.Taxable.Add(l.Taxable)
		sum.CGST, sum.SGST = sum.CGST.Add(l.CGST), sum.SGST.Add(l.SGST)
	}
	if !sum.Amount.Equal(line.Amount) || !sum.Taxable.Equal(line.Taxable) || !sum.CGST.Equal(line.CGST) || !sum.SGST.Equal(line.SGST) {
		t.Errorf("7 single returns sum to %s/%s/%s/%s, line was %s/%s/%s/%s", sum.Amount, sum.Taxable, sum.CGST, sum.SGST,
			line.Amount, line.Taxable, line.CGST, line.SGST)
	}
	before := m.Count(t, postest.Tables...)
	_, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.Cash})
	wantCode(t, err, errs.Conflict, "not yet returned")
	_, _, err = m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-AMT-001", Qty: 2}}, RefundMethod: pos.Cash})
	wantCode(t, err, errs.Invalid, "sold 1")
	_, _, err = m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-AMR-001", Qty: 1}}, RefundMethod: pos.Cash})
	wantCode(t, err, errs.Invalid, "not on invoice")
	_, _, err = m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: ids.New(),
		Lines: []pos.ReturnLineRequest{{SKU: "UP-AMT-001", Qty: 1}}, RefundMethod: pos.Cash})
	wantCode(t, err, errs.NotFound, "no sale")
	_, _, err = m.POS.Return(ctx, m.Actor("zm.up"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-AMT-001", Qty: 1}}, RefundMethod: pos.Cash})
	wantCode(t, err, errs.Forbidden, "zone_manager")
	if after := m.Count(t, postest.Tables...); !equalCounts(before, after) {
		t.Errorf("refused returns changed the database: %v → %v", before, after)
	}
	// The goods came back to the backroom: the shelf went to -7 on the
	// sale (there was no stock), the backroom got the 7 back.
	if n, _ := inventory.Balance(ctx, m.DB.R, "UP-ALG-001", inventory.Backroom); n != 7 {
		t.Errorf("backroom after returns = %d, want 7", n)
	}
	got, _ := m.POS.GetSale(ctx, m.Actor("cashier1"), sale.ID)
	if got.Lines[0].Returned != 7 || len(got.CreditNotes) != 7 || got.CreditNotes[6].CreditNoteNo[:6] != "CNC01/" {
		t.Errorf("sale after returns: returned %d, credit notes %v", got.Lines[0].Returned, got.CreditNotes)
	}
}

// TestRefundToOriginalTenders splits a refund over cash and UPI in
// proportion, and refuses a UPI refund larger than was paid by UPI.
func TestRefundToOriginalTenders(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	sale := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines:   []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 2}},                                                                  // 960.00
		Tenders: []pos.Tender{{Method: pos.UPI, Amount: amt("720.00"), Ref: "UTR9"}, {Method: pos.Cash, Amount: amt("500.00")}}}) // cash net 240
	_, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 2}}, RefundMethod: pos.Card})
	wantCode(t, err, errs.Invalid, "paid by card")
	r, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.RefundOriginal, RestockTo: "damaged"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{pos.Cash: "120.00", pos.UPI: "360.00"}
	for _, f := range r.Refunds {
		if f.Amount.String() != want[f.Method] {
			t.Errorf("refund %s %s, want %s", f.Method, f.Amount, want[f.Method])
		}
	}
	if n, _ := inventory.Balance(ctx, m.DB.R, "UP-ALG-001", inventory.Damaged); n != 1 {
		t.Errorf("damaged = %d, want 1", n)
	}
	// The rest to UPI: 360 left on UPI, refund 480 → refused; 480 in cash fine.
	_, _, err = m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.UPI})
	wantCode(t, err, errs.Invalid, "360.00 was paid by upi")
	key := ids.New()
	req := pos.ReturnRequest{SaleID: sale.ID, Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.Cash}
	r2, _, err := m.POS.Return(ctx, m.Actor("cashier1"), key, req)
	if err != nil {
		t.Fatal(err)
	}
	again, replay, err := m.POS.Return(ctx, m.Actor("cashier1"), key, req)
	if err != nil || !replay || again.ID != r2.ID {
		t.Errorf("retried return: replay=%v id %s vs %s err=%v", replay, again.ID, r2.ID, err)
	}
	if !r.Total.Add(r2.Total).Equal(sale.Total) {
		t.Errorf("two returns of the whole sale sum to %s, sale was %s", r.Total.Add(r2.Total), sale.Total)
	}
}

// TestVoid: only a mall admin cancels, only while the shift is open; the
// number stays, stock comes back where it was taken from, and the Z report
// leaves the cancelled invoice out of takings.
func TestVoid(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	m.Receive(t, "UP-ALG-001", 1)
	sale := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 3}}, Tenders: cash("1440.00")})
	kept := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-AMT-001", Qty: 1}}, Tenders: cash("399.00")})
	_, err := m.POS.Void(ctx, m.Actor("cashier1"), sale.ID, "wrong item")
	wantCode(t, err, errs.Forbidden, "mall admin")
	_, err = m.POS.Void(ctx, m.Actor("admin"), sale.ID, "")
	wantCode(t, err, errs.Invalid, "reason")
	v, err := m.POS.Void(ctx, m.Actor("admin"), sale.ID, "customer changed mind at the counter")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != pos.StatusCancelled || v.InvoiceNo != sale.InvoiceNo || v.CancelledBy != "admin" {
		t.Errorf("voided sale: %s %s by %s", v.Status, v.InvoiceNo, v.CancelledBy)
	}
	_, err = m.POS.Void(ctx, m.Actor("admin"), sale.ID, "again")
	wantCode(t, err, errs.Conflict, "already cancelled")
	_, _, err = m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: sale.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-ALG-001", Qty: 1}}, RefundMethod: pos.Cash})
	wantCode(t, err, errs.Conflict, "cancelled")
	back, _ := inventory.Balance(ctx, m.DB.R, "UP-ALG-001", inventory.Backroom)
	shelf, _ := inventory.Balance(ctx, m.DB.R, "UP-ALG-001", inventory.Shelf)
	if back != 1 || shelf != 0 {
		t.Errorf("after void: backroom %d shelf %d, want 1 and 0 (as before the sale)", back, shelf)
	}
	if bad, err := inventory.Check(ctx, m.DB.R); err != nil || len(bad) != 0 {
		t.Errorf("stock ledger inconsistent: %v %v", bad, err)
	}
	z, err := m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("2399.00"), map[string]int64{"2000": 1, "200": 1, "100": 1, "50": 1, "20": 2, "5": 1, "2": 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Check(); err != nil {
		t.Error(err)
	}
	if z.Sales.Count != 1 || !z.Sales.Total.Equal(kept.Total) || z.Cancelled.Count != 1 || z.ExpectedCash.String() != "2399.00" ||
		!z.OverShort.IsZero() || z.FirstInvoiceNo != sale.InvoiceNo || z.LastInvoiceNo != kept.InvoiceNo {
		t.Errorf("Z report: %+v", z)
	}
	_, err = m.POS.Void(ctx, m.Actor("admin"), kept.ID, "too late")
	wantCode(t, err, errs.Conflict, "closed shift")
}

// TestShiftReports walks a shift: float, sales in three tenders, paid in
// and out, a return, an X report mid-way, then the Z report at close.
func TestShiftReports(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	_, err := m.POS.OpenShift(ctx, m.Actor("cashier2"), "C01", amt("0"))
	wantCode(t, err, errs.Conflict, "already has an open shift")
	_, err = m.POS.OpenShift(ctx, m.Actor("cashier1"), "C02", amt("0"))
	wantCode(t, err, errs.Conflict, "you already have")
	_, err = m.POS.OpenShift(ctx, m.Actor("zm.up"), "C03", amt("0"))
	wantCode(t, err, errs.Forbidden, "counter")
	_, err = m.POS.OpenShift(ctx, m.Actor("cashier2"), "counter-1", amt("0"))
	wantCode(t, err, errs.Invalid, "counter")

	s1 := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}, {SKU: "UP-AMR-001", Qty: 1}},
		Tenders: []pos.Tender{{Method: pos.Card, Amount: amt("1000.00"), Ref: "AUTH1"}, {Method: pos.Cash, Amount: amt("2500.00")}}}) // 3280; change 220
	mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-AMT-001", Qty: 2}},
		Tenders: []pos.Tender{{Method: pos.UPI, Amount: amt("798.00"), Ref: "UTR1"}}})
	if _, _, err := m.POS.CashMove(ctx, m.Actor("cashier1"), ids.New(), sh.ID, "in", amt("500.00"), "change float top-up"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.POS.CashMove(ctx, m.Actor("cashier1"), ids.New(), sh.ID, "out", amt("150.00"), "tea and snacks"); err != nil {
		t.Fatal(err)
	}
	_, _, err = m.POS.CashMove(ctx, m.Actor("cashier1"), ids.New(), sh.ID, "out", amt("100000.00"), "too much")
	wantCode(t, err, errs.Invalid, "drawer should hold")
	if _, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), pos.ReturnRequest{SaleID: s1.ID,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-AMR-001", Qty: 1}}, RefundMethod: pos.Cash}); err != nil {
		t.Fatal(err)
	}
	x, err := m.POS.XReport(ctx, m.Actor("cashier1"), sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Check(); err != nil {
		t.Fatal(err)
	}
	// cash: 2000 float + (2500 − 220) − 2800 refund + 500 − 150 = 1830.
	if x.Kind != "X" || x.ExpectedCash.String() != "1830.00" || x.NetSales.String() != "1278.00" || x.Returns.Count != 1 {
		t.Errorf("X report: kind %s expected cash %s net %s returns %d", x.Kind, x.ExpectedCash, x.NetSales, x.Returns.Count)
	}
	_, err = m.POS.XReport(ctx, m.Actor("cashier2"), sh.ID)
	wantCode(t, err, errs.Forbidden, "belongs to")
	_, err = m.POS.ZReport(ctx, m.Actor("cashier1"), sh.ID)
	wantCode(t, err, errs.Conflict, "still open")
	_, err = m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("1820.00"), map[string]int64{"500": 1})
	wantCode(t, err, errs.Invalid, "add up")
	z, err := m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("1820.00"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Check(); err != nil {
		t.Fatal(err)
	}
	if z.Kind != "Z" || z.OverShort.String() != "-10.00" || len(z.Tax) != 3 {
		t.Errorf("Z report: kind %s over/short %s tax rows %d", z.Kind, z.OverShort, len(z.Tax))
	}
	net := map[string]money.Amount{}
	for _, tt := range z.Tenders {
		net[tt.Method] = tt.Net
	}
	if net[pos.Cash].String() != "-520.00" || net[pos.UPI].String() != "798.00" || net[pos.Card].String() != "1000.00" {
		t.Errorf("tenders net %v", net)
	}
	stored, err := m.POS.ZReport(ctx, m.Actor("admin"), sh.ID)
	if err != nil || stored.ExpectedCash.String() != z.ExpectedCash.String() || stored.Kind != "Z" {
		t.Errorf("stored Z report %+v, %v", stored, err)
	}
	var ev int
	m.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE type = 'shift.closed'`).Scan(&ev)
	if ev != 1 {
		t.Errorf("shift.closed events = %d", ev)
	}
	_, err = m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("1820.00"), nil)
	wantCode(t, err, errs.Conflict, "closed")
	// The counter is free again.
	openShift(t, m, "cashier2", "C01")
}
