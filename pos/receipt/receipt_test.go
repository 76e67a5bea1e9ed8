package receipt_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/pos/receipt"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// TestReceiptsShowGSTParticulars prints a B2B-style invoice with a PAN, a
// delivery to Karnataka (IGST), a price-band line and a round-off, and its
// credit note, on 42 columns and in HTML.
func TestReceiptsShowGSTParticulars(t *testing.T) {
	ctx := context.Background()
	m := postest.Open(t, sqlitedb.Options{})
	a := m.Actor("admin")
	sh, err := m.POS.OpenShift(ctx, a, "C01", money.MustParse("2000.00"))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := m.POS.Checkout(ctx, a, ids.New(), pos.SaleRequest{ShiftID: sh.ID,
		Buyer:     &pos.Buyer{Name: "Asha Rao", Address: "4 Residency Road, Bengaluru", State: "KA", PAN: "ABCPR1234K"},
		DeliverTo: &pos.Delivery{Address: "4 Residency Road, Bengaluru", State: "KA", Pincode: "560025"},
		Lines:     []pos.LineRequest{{SKU: "UP-LKO-002", Qty: 1, Discount: "45%"}, {SKU: "UP-FTH-001", Qty: 1, Discount: "0.40"}},
		Tenders:   []pos.Tender{{Method: pos.Cash, Amount: money.MustParse("3500.00")}}})
	if err != nil {
		t.Fatal(err)
	}
	txt := receipt.InvoiceText(m.POS.Mall(), s)
	for _, want := range []string{"Place of supply:", "Karnataka (29)", "IGST 5%", "Price band: 5% (up to ₹2500.00 a piece)",
		"Round off", "+0.40", "PAYABLE INR", "3410.00", "XXXXXX234K", "Asha Rao", "Deliver to:"} {
		if !strings.Contains(txt, want) {
			t.Errorf("42-column invoice lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "ABCPR1234K") {
		t.Error("the full PAN is printed")
	}
	for i, l := range strings.Split(txt, "\n") {
		if n := utf8.RuneCountInString(l); n > receipt.Width {
			t.Errorf("line %d is %d columns: %q", i+1, n, l)
		}
	}
	html, err := receipt.InvoiceHTML(m.POS.Mall(), s, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Karnataka (29)", "<th class=\"n\">IGST</th>", "Price band: 5%", "Round off", "XXXXXX234K", "3410.00"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("HTML invoice lacks %q", want)
		}
	}
	// The same invoice in Kannada and Hindi: labels and places from the
	// translation files; numbers, GSTIN and HSN as they are.
	for lang, wants := range map[string][]string{
		"kn": {`<html lang="kn">`, "ತೆರಿಗೆ ಇನ್‌ವಾಯ್ಸ್", "ಕರ್ನಾಟಕ (29)", "ಲಕ್ನೋ, ಉತ್ತರ ಪ್ರದೇಶ", "ಪೂರ್ಣಾಂಕ ಹೊಂದಾಣಿಕೆ", "3410.00", "GSTIN"},
		"hi": {`<html lang="hi">`, "कर बीजक", "कर्नाटक (29)", "लखनऊ, उत्तर प्रदेश", "पूर्णांकन", "3410.00", "नकद"},
	} {
		h, err := receipt.InvoiceHTML(m.POS.Mall(), s, lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range wants {
			if !strings.Contains(string(h), want) {
				t.Errorf("%s invoice lacks %q", lang, want)
			}
		}
		// The mall's address is as configured; everything after it is translated.
		_, body, _ := strings.Cut(string(h), "</header>")
		for _, english := range []string{"Round off", "Description", "Taxable value", "Uttar Pradesh", "Karnataka", "Cash"} {
			if strings.Contains(body, english) {
				t.Errorf("%s invoice says %q in English", lang, english)
			}
		}
	}
	r, _, err := m.POS.Return(ctx, a, ids.New(), pos.ReturnRequest{SaleID: s.ID, RefundMethod: pos.Cash,
		Lines: []pos.ReturnLineRequest{{SKU: "UP-LKO-002", Qty: 1}, {SKU: "UP-FTH-001", Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	cn := receipt.CreditNoteText(m.POS.Mall(), r)
	for _, want := range []string{"CREDIT NOTE", "Karnataka (29)", "IGST", "Round off", "REFUND INR", "3410.00"} {
		if !strings.Contains(cn, want) {
			t.Errorf("credit note lacks %q:\n%s", want, cn)
		}
	}
	// A counter sale in the mall's State to a registered buyer.
	b2b, _, err := m.POS.Checkout(ctx, a, ids.New(), pos.SaleRequest{ShiftID: sh.ID,
		Buyer: &pos.Buyer{GSTIN: "27AAPFU0939F1ZV", Name: "Unique Traders LLP", Address: "12 MG Road, Pune"},
		Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: []pos.Tender{{Method: pos.UPI, Amount: money.MustParse("480.00"), Ref: "U1"}}})
	if err != nil {
		t.Fatal(err)
	}
	txt = receipt.InvoiceText(m.POS.Mall(), b2b)
	for _, want := range []string{"TAX INVOICE (B2B)", "Buyer GSTIN:", "27AAPFU0939F1ZV", "Uttar Pradesh (09)", "CGST 9%", "SGST 9%", "handed over at the counter"} {
		if !strings.Contains(txt, want) {
			t.Errorf("B2B invoice lacks %q:\n%s", want, txt)
		}
	}
}
