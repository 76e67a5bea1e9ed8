package gstr_test

import (
	"strings"
	"testing"
	"time"

	"ektamall/hub/gstr"
	"ektamall/hub/ledger/ledgertest"
	"ektamall/shared/events"
	"ektamall/shared/invoice"
)

// TestIRNGoldenVector: the IRN is SHA-256 of GSTIN + financial year +
// type + number, as the IRP computes it (GSTZen's published example).
func TestIRNGoldenVector(t *testing.T) {
	at := time.Date(2019, 12, 10, 12, 0, 0, 0, invoice.IST)
	got := gstr.IRN("29AAFCC9980M1ZR", at, "INV", "2019-20/KA/1")
	if got != "23f498ee41441ecad30f72ba5b9907506c3df70a17b0e0dff46b76a786400662" {
		t.Errorf("IRN %s", got)
	}
}

// TestEInvoiceDocuments lists a B2B invoice and its credit note with INV-01
// documents that pass the schema's rules; a buyer address without a PIN
// code is reported, not sent; a B2C invoice is never e-invoiced.
func TestEInvoiceDocuments(t *testing.T) {
	f := newFixture(t)
	p := ledgertest.Products(t, 20)[3]
	at := time.Date(2026, 11, 10, 11, 0, 0, 0, invoice.IST)
	s := f.sale(t, at, p, 2, func(s *events.Sale) {
		buyer(s)
		s.Buyer.Address = "12 MG Road, Pune 411001"
	})
	f.ret(t, at.Add(time.Hour), s, 1)
	f.sale(t, at, p, 1, nil)
	nopin := f.sale(t, at, p, 1, buyer) // "Pune": no PIN code
	list, err := f.svc.EInvoices(f.ctx, "LKO1", "pending")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d pending, want the two B2B invoices and the credit note", len(list))
	}
	for _, e := range list {
		switch {
		case e.InvoiceNo == nopin.InvoiceNo:
			if len(e.Errors) == 0 || !strings.Contains(strings.Join(e.Errors, " "), "BuyerDtls.Pin") {
				t.Errorf("a buyer without a PIN code: errors %v", e.Errors)
			}
		case len(e.Errors) > 0:
			t.Errorf("%s %s breaks the schema: %v", e.DocType, e.InvoiceNo, e.Errors)
		}
		if e.DocType == "CRN" && (e.Doc.RefDtls == nil || e.Doc.RefDtls.PrecDocDtls[0].InvNo != s.InvoiceNo) {
			t.Errorf("credit note without its invoice: %+v", e.Doc.RefDtls)
		}
		if e.DocType == "INV" && e.InvoiceNo == s.InvoiceNo && int64(e.Doc.ValDtls.TotInvVal) != s.Total.Paise() {
			t.Errorf("TotInvVal %s, invoice total %s", e.Doc.ValDtls.TotInvVal, s.Total)
		}
	}
	// Each rule bites: a broken document is reported field by field.
	bad := list[0].Doc
	bad.DocDtls.No = "0ABC"
	bad.ItemList[0].TotItemVal++
	bad.ValDtls.RndOffAmt = 12000
	if errs := gstr.ValidateINV01(bad); len(errs) < 3 {
		t.Errorf("a document with a bad number, item value and round-off: %v", errs)
	}
	if _, err := f.svc.EInvoices(f.ctx, "LKO1", "sent"); err == nil {
		t.Error("an unknown status was accepted")
	}
}
