package synce2e

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/money"
)

// TestTransferTaxInvoiceEInvoiced sends goods worth over ₹50,000 from
// LKO1 (UP) to BLR1 (KA) through the mall's API: a tax invoice with IGST
// whose dispatch waits for the e-way bill. With Part B and the number in,
// the hub lists the document with its e-way bill for finance, and, the
// transfer being a B2B supply between two GSTINs, a pending INV-01
// e-invoice to BLR1's GSTIN with every mandatory field; importing the
// portal's response sends the IRN down to the mall, which shows it on the
// transfer's tax invoice.
func TestTransferTaxInvoiceEInvoiced(t *testing.T) {
	a := startApps(t)
	ctx := context.Background()
	lko, blr := mallapp.DemoGSTIN("UP", "LKO1"), mallapp.DemoGSTIN("KA", "BLR1")
	if err := a.hub.SetMallDetails(ctx, "LKO1", lko, "Awadh Shilpgram, Lucknow 226010", ""); err != nil {
		t.Fatal(err)
	}
	if err := a.hub.RegisterMall(ctx, "BLR1", "KA", "PM Ekta Mall, Bengaluru", ""); err != nil {
		t.Fatal(err)
	}
	if err := a.hub.SetMallDetails(ctx, "BLR1", blr, "MG Road, Bengaluru 560001", ""); err != nil {
		t.Fatal(err)
	}
	e2e.Expect(t, "POST", a.mallURL+"/api/v1/peer-malls", a.mallTok, map[string]string{"id": "BLR1", "state": "KA", "name": "PM Ekta Mall, Bengaluru",
		"gstin": blr}, 201, nil)
	var mrp int64
	a.mall.DB.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = 'UP-MBD-001'`).Scan(&mrp)
	qty := 50000_00/mrp + 1
	keyedCall(t, a.mallURL+"/api/v1/zones/UP/receipts", a.mallTok, map[string]any{"producer_id": "PR-UP-MORADABAD-01",
		"lines": []map[string]any{{"sku": "UP-MBD-001", "qty": qty}}}, 201, nil)
	type transfer struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		Document struct {
			Kind   string `json:"kind"`
			Number string `json:"number"`
			IGST   string `json:"igst"`
			Total  string `json:"total"`
			IRN    *struct {
				IRN   string `json:"irn"`
				AckNo string `json:"ack_no"`
			} `json:"irn"`
		} `json:"document"`
	}
	var tr transfer
	keyedCall(t, a.mallURL+"/api/v1/zones/UP/transfers", a.mallTok, map[string]any{"to_mall": "BLR1",
		"lines": []map[string]any{{"sku": "UP-MBD-001", "qty": qty}}}, 201, &tr)
	if tr.Status != "awaiting_eway_bill" || tr.Document.Kind != "tax_invoice" || !money.MustParse(tr.Document.IGST).IsPositive() {
		t.Fatalf("transfer to KA: %+v", tr)
	}
	put := func(body any) {
		t.Helper()
		e2e.Expect(t, "PUT", a.mallURL+"/api/v1/transfers/"+tr.ID+"/eway-bill", a.mallTok, body, 200, &tr)
	}
	put(map[string]any{"vehicle_no": "UP32AB1234", "distance_km": 1900})
	valid := time.Now().Add(9 * 24 * time.Hour).UTC().Truncate(time.Second)
	put(map[string]any{"number": "331009876543", "valid_until": valid.Format(time.RFC3339)})
	if tr.Status != "sent" {
		t.Fatalf("after the e-way bill number: status %s", tr.Status)
	}

	var docs []struct {
		Kind     string `json:"kind"`
		Number   string `json:"number"`
		ToGSTIN  string `json:"to_gstin"`
		Total    string `json:"total"`
		EWayBill *struct {
			Number     string    `json:"number"`
			ValidUntil time.Time `json:"valid_until"`
			Vehicle    string    `json:"vehicle"`
		} `json:"eway_bill"`
	}
	e2e.WaitFor(t, 20*time.Second, "the transfer's document at the hub", func() error {
		docs = nil
		e2e.Call(t, "GET", a.hubURL+"/api/v1/gst/transfers?mall=LKO1", a.hubTok, nil, &docs)
		if len(docs) != 1 {
			return fmt.Errorf("%d documents", len(docs))
		}
		return nil
	})
	d := docs[0]
	if d.Number != tr.Document.Number || d.ToGSTIN != blr || d.Total != tr.Document.Total || d.EWayBill == nil ||
		d.EWayBill.Number != "331009876543" || !d.EWayBill.ValidUntil.Equal(valid) || d.EWayBill.Vehicle != "UP32AB1234" {
		t.Errorf("finance's transfer document: %+v %+v", d, d.EWayBill)
	}

	var pending []struct {
		InvoiceNo string          `json:"invoice_no"`
		DocType   string          `json:"doc_type"`
		IRN       string          `json:"irn"`
		Errors    []string        `json:"errors"`
		Doc       json.RawMessage `json:"doc"`
	}
	e2e.Expect(t, "GET", a.hubURL+"/api/v1/gst/einvoices?mall=LKO1&status=pending", a.hubTok, nil, 200, &pending)
	if len(pending) != 1 || pending[0].InvoiceNo != tr.Document.Number || pending[0].DocType != "INV" || len(pending[0].Errors) != 0 {
		t.Fatalf("pending e-invoices: %+v", pending)
	}
	for _, miss := range missingINV01(t, pending[0].Doc) {
		t.Errorf("the transfer's INV-01 lacks %s", miss)
	}
	var doc struct {
		BuyerDtls struct{ Gstin, Pos string }
		ValDtls   struct{ TotInvVal, IgstVal, CgstVal json.Number }
	}
	json.Unmarshal(pending[0].Doc, &doc)
	if doc.BuyerDtls.Gstin != blr || doc.BuyerDtls.Pos != "29" || doc.ValDtls.TotInvVal.String() != tr.Document.Total ||
		doc.ValDtls.IgstVal.String() != tr.Document.IGST || doc.ValDtls.CgstVal.String() != "0.00" {
		t.Errorf("the transfer's INV-01: buyer %+v, values %+v; want BLR1's GSTIN, POS 29, IGST %s of %s", doc.BuyerDtls, doc.ValDtls,
			tr.Document.IGST, tr.Document.Total)
	}
	resp := portalResponse(lko, blr, tr.Document.Number, tr.Document.Total, pending[0].IRN, 1120000099, time.Now().Add(-time.Hour))
	var res struct{ Generated int }
	if code, body := postJSON(t, a.hubURL+"/api/v1/gst/einvoices/responses", a.hubTok, []any{resp}, &res); code != 200 || res.Generated != 1 {
		t.Fatalf("import: %d %s", code, body)
	}
	e2e.WaitFor(t, 20*time.Second, "the IRN on the mall's transfer invoice", func() error {
		e2e.Call(t, "GET", a.mallURL+"/api/v1/transfers/"+tr.ID, a.mallTok, nil, &tr)
		if tr.Document.IRN == nil || tr.Document.IRN.IRN != pending[0].IRN || tr.Document.IRN.AckNo != "1120000099" {
			return fmt.Errorf("IRN %+v", tr.Document.IRN)
		}
		return nil
	})
}
