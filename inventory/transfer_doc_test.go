package inventory_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

// TestTransferDocuments: LKO1 (UP) sends goods worth over ₹50,000 to
// BLR1 (KA): a tax invoice from LKO1's GSTIN to BLR1's with IGST on the
// catalog price net of tax, and an e-way bill whose JSON carries Part A;
// the goods wait (no transfer.sent) until Part B and the e-way bill's
// number are entered. A small transfer to LKO2 (UP) moves on a delivery
// challan with no tax and no e-way bill, dispatched at once.
func TestTransferDocuments(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	if _, err := s.DB.W.Exec(`UPDATE mall SET gstin = '09AAACE1234F1ZY', address = 'Awadh Shilpgram, Lucknow 226010'`); err != nil {
		t.Fatal(err)
	}
	must[inventory.PeerMall](t)(s.AddPeerMall(ctx, admin, inventory.PeerMall{ID: "BLR1", State: "KA", Name: "Bengaluru", GSTIN: "29AAFCC9980M1ZR"}))
	addPeer(t, s, "LKO2", "UP")
	var mrp int64
	s.DB.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = ?`, skuVase).Scan(&mrp)
	qty := 50000_00/mrp + 1
	receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: qty + 2})
	outbox := func() int {
		var n int
		s.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE type = 'transfer.sent'`).Scan(&n)
		return n
	}

	inter := must[inventory.Transfer](t)(s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "BLR1", Lines: []inventory.Line{{SKU: skuVase, Qty: qty}}}))
	d := inter.Document
	if d == nil || d.Kind != "tax_invoice" || d.ToGSTIN != "29AAFCC9980M1ZR" || !d.IGST.IsPositive() || len(d.Number) != 16 {
		t.Fatalf("inter-State document %+v", d)
	}
	if d.Taxable.Add(d.IGST).Paise() != mrp*qty {
		t.Errorf("taxable %s + IGST %s is not the catalog value %d paise", d.Taxable, d.IGST, mrp*qty)
	}
	e := inter.EWayBill
	if e == nil || e.Status != "part_b_needed" || inter.Status != "awaiting_eway_bill" || outbox() != 0 {
		t.Fatalf("e-way bill %+v, status %s, %d events: want the goods held", e, inter.Status, outbox())
	}
	var file struct {
		BillLists []map[string]any `json:"billLists"`
	}
	if err := json.Unmarshal(e.JSON, &file); err != nil || len(file.BillLists) != 1 {
		t.Fatalf("e-way bill JSON: %v %s", err, e.JSON)
	}
	b := file.BillLists[0]
	if b["docNo"] != d.Number || b["docType"] != "INV" || b["toGstin"] != "29AAFCC9980M1ZR" || b["fromGstin"] != "09AAACE1234F1ZY" {
		t.Errorf("Part A: %v", b)
	}
	valid := time.Now().Add(48 * time.Hour)
	_, err := s.SetEWayBill(ctx, upMgr, inter.ID, inventory.EWayInput{Number: "331001234567", ValidUntil: &valid})
	if errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a number before Part B: %v", err)
	}
	got := must[inventory.Transfer](t)(s.SetEWayBill(ctx, upMgr, inter.ID, inventory.EWayInput{VehicleNo: "up32 ab 1234", DistanceKm: 1900}))
	if got.EWayBill.Status != "awaiting_number" || outbox() != 0 {
		t.Errorf("after Part B: %s, %d events", got.EWayBill.Status, outbox())
	}
	got = must[inventory.Transfer](t)(s.SetEWayBill(ctx, upMgr, inter.ID, inventory.EWayInput{Number: "331001234567", ValidUntil: &valid}))
	if got.EWayBill.Status != "generated" || got.EWayBill.Number != "331001234567" || got.Status != "sent" || outbox() != 1 {
		t.Errorf("after the number: %+v, status %s, %d events", got.EWayBill, got.Status, outbox())
	}
	var raw []byte
	s.DB.R.QueryRow(`SELECT payload FROM outbox WHERE type = 'transfer.sent'`).Scan(&raw)
	env, _ := events.Decode(raw)
	var ev events.Transfer
	json.Unmarshal(env.Payload, &ev)
	if ev.Document == nil || ev.Document.Number != d.Number || !ev.Document.IGST.Equal(d.IGST) {
		t.Errorf("transfer.sent carries document %+v", ev.Document)
	}

	intra := must[inventory.Transfer](t)(s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "LKO2", Lines: []inventory.Line{{SKU: skuVase, Qty: 1}}}))
	if c := intra.Document; c == nil || c.Kind != "delivery_challan" || !c.IGST.IsZero() || intra.EWayBill != nil || outbox() != 2 {
		t.Errorf("intra-State: document %+v, e-way bill %+v, %d events", c, intra.EWayBill, outbox())
	}
}

// TestTransferValuation: by default a transfer's taxable value is the
// catalog price net of tax (open-market value) and its IGST the rest of
// the price; with resale-90 (Rule 28's option for goods resold as such)
// the taxable value is 90% of that, to the paisa, and IGST the rate on it.
func TestTransferValuation(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	must[inventory.PeerMall](t)(s.AddPeerMall(ctx, admin, inventory.PeerMall{ID: "BLR1", State: "KA", Name: "Bengaluru", GSTIN: "29AAFCC9980M1ZR"}))
	receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: skuVase, Qty: 6})
	var mrp, bp int64
	s.DB.R.QueryRow(`SELECT mrp_paise, gst_rate_bp FROM products WHERE sku = ?`, skuVase).Scan(&mrp, &bp)
	const qty = 3
	// Independently: the taxable value of a tax-inclusive price, half up.
	open := (2*mrp*qty*10000 + 10000 + bp) / (2 * (10000 + bp))
	for _, c := range []struct {
		value         string
		taxable, igst int64
	}{
		{"", open, mrp*qty - open},
		{inventory.ValueResale90, (open*90 + 50) / 100, ((open*90+50)/100*bp + 5000) / 10000},
	} {
		s.TransferValue = c.value
		tr := must[inventory.Transfer](t)(s.TransferOut(ctx, upMgr, "UP", inventory.TransferInput{ToMall: "BLR1", Lines: []inventory.Line{{SKU: skuVase, Qty: qty}}}))
		d := tr.Document
		if d.Taxable.Paise() != c.taxable || d.IGST.Paise() != c.igst || d.Lines[0].Taxable.Paise() != c.taxable {
			t.Errorf("valuation %q: taxable %s, IGST %s; want %d and %d paise", c.value, d.Taxable, d.IGST, c.taxable, c.igst)
		}
	}
}
