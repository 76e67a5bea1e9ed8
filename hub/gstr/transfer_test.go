package gstr_test

import (
	"testing"
	"time"

	"ektamall/hub/gstr"
	"ektamall/hub/ledger"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
)

// TestTransfersInGSTR1: an LKO1 → BLR1 transfer on a tax invoice books
// IGST as LKO1's output tax and BLR1's input tax credit, and is a b2b
// invoice to BLR1's GSTIN in LKO1's GSTR-1; a transfer to another UP mall
// on a delivery challan books nothing and is counted in the documents
// issued. The return still equals the ledger. The tax invoice is listed
// among the e-invoices to generate (a B2B supply to BLR1's GSTIN), unless
// transfer e-invoicing is off; finance's transfer list shows both
// documents and the invoice's e-way bill.
func TestTransfersInGSTR1(t *testing.T) {
	f := newFixture(t)
	blr := "29AAFCC9980M1ZR"
	if _, err := f.db.Writer().ExecContext(f.ctx, `UPDATE malls SET gstin = ?, address = 'MG Road, Bengaluru', pincode = '560001' WHERE id = 'BLR1'`, blr); err != nil {
		t.Fatal(err)
	}
	// A second mall in Uttar Pradesh, for a transfer within the State.
	if _, err := f.db.Writer().ExecContext(f.ctx, `INSERT INTO malls (id, state, name, gstin, created_at) VALUES ('LKO2', 'UP', 'Lucknow 2', '', ?)`,
		ledger.TS(time.Now())); err != nil {
		t.Fatal(err)
	}
	p := ledgertest.Products(t, 20)[3]
	at := time.Date(2026, 11, 12, 21, 0, 0, 0, invoice.IST)
	doc := func(kind, no, to, state string, qty int64) *events.TransferDocument {
		gross := p.MRP.MulInt(qty)
		tv := gst.TaxableOf(gross, p.GSTRate)
		tax := money.Zero
		if kind == "tax_invoice" {
			tax = gross.Sub(tv)
		}
		return &events.TransferDocument{Kind: kind, Number: no, At: at, FromGSTIN: mallGSTIN, ToGSTIN: to, ToState: state, Taxable: tv, IGST: tax,
			Lines: []events.TransferDocumentLine{{SKU: p.SKU, HSN: p.HSN, Qty: qty, GSTRate: p.GSTRate, Taxable: tv, IGST: tax}}}
	}
	inter := events.Transfer{TransferID: ids.New(), FromMall: "LKO1", ToMall: "BLR1", Zone: p.State, By: "zm", At: at,
		Lines: []events.TransferLine{{SKU: p.SKU, Qty: 40}}, Document: doc("tax_invoice", "TRI/2627/0000001", "", "KA", 40)}
	intra := events.Transfer{TransferID: ids.New(), FromMall: "LKO1", ToMall: "LKO2", Zone: p.State, By: "zm", At: at,
		Lines: []events.TransferLine{{SKU: p.SKU, Qty: 2}}, Document: doc("delivery_challan", "DC/2627/00000001", "09AAACE1234F2Z4", "UP", 2)}
	until := at.Add(72 * time.Hour).UTC()
	inter.Document.EWayBill = &events.TransferEWayBill{Number: "331001234567", ValidUntil: until, VehicleNo: "UP32AB1234", DistanceKm: 1900}
	f.apply(t, events.TransferSent, at, inter)
	f.apply(t, events.TransferSent, at, intra)
	f.sale(t, at, p, 1, nil)

	igst := inter.Document.IGST.Paise()
	if got, _ := ledger.AccountBalance(f.ctx, f.db.Reader(), ledger.ITCAccount("BLR1", "igst")); got != igst || igst == 0 {
		t.Errorf("BLR1's input tax credit %d, want %d", got, igst)
	}
	nov := gstr.Period{Year: 2026, Month: time.November}
	f.clk.t = time.Date(2026, 12, 2, 9, 0, 0, 0, invoice.IST)
	r, _, err := f.svc.GSTR1(f.ctx, "LKO1", nov)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.B2B) != 1 || r.B2B[0].CTIN != blr || r.B2B[0].Inv[0].Inum != "TRI/2627/0000001" || r.B2B[0].Inv[0].Pos != "29" ||
		int64(*r.B2B[0].Inv[0].Itms[0].ItmDet.Iamt) != igst {
		t.Errorf("b2b: %+v", r.B2B)
	}
	var challans int64
	for _, d := range r.DocIssue.DocDet {
		if d.DocNum == 12 {
			challans = d.Docs[0].TotNum
		}
	}
	if challans != 1 {
		t.Errorf("delivery challans issued %d, want 1: %+v", challans, r.DocIssue)
	}
	if c, err := f.svc.Check(f.ctx, "LKO1", nov); err != nil || !c.OK {
		t.Errorf("check: %+v %v", c.Diff, err)
	}

	list, err := f.svc.EInvoices(f.ctx, "LKO1", "pending")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].InvoiceNo != "TRI/2627/0000001" || len(list[0].Errors) != 0 || list[0].Doc.BuyerDtls.Gstin != blr ||
		list[0].Doc.BuyerDtls.Pin != 560001 || int64(list[0].Doc.ValDtls.IgstVal) != igst {
		t.Errorf("the transfer's e-invoice: %+v", list)
	}
	off := &gstr.Service{DB: f.db, Now: f.clk.now, NoTransferEInvoices: true}
	if list, err := off.EInvoices(f.ctx, "LKO1", "all"); err != nil || len(list) != 0 {
		t.Errorf("transfer e-invoicing off: %d listed, %v", len(list), err)
	}
	docs, err := f.svc.TransferDocs(f.ctx, "LKO1")
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]gstr.TransferDoc{}
	for _, d := range docs {
		byKind[d.Kind] = d
	}
	ti, dc := byKind["tax_invoice"], byKind["delivery_challan"]
	if len(docs) != 2 || ti.EWayBill == nil || ti.EWayBill.Number != "331001234567" || !ti.EWayBill.ValidUntil.Equal(until) ||
		ti.ToGSTIN != blr || ti.IGST != inter.Document.IGST.String() || dc.EWayBill != nil || dc.IGST != "0.00" {
		t.Errorf("finance's transfer documents: %+v", docs)
	}
}
