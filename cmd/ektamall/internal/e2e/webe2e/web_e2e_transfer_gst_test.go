package webe2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/money"
)

// xferJSON is a transfer as the mall's API answers it.
type xferJSON struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Document *struct {
		Kind    string `json:"kind"`
		Number  string `json:"number"`
		ToGSTIN string `json:"to_gstin"`
		IGST    string `json:"igst"`
		Total   string `json:"total"`
	} `json:"document"`
	EWayBill *struct {
		Status string          `json:"status"`
		Number string          `json:"number"`
		JSON   json.RawMessage `json:"json"`
	} `json:"eway_bill"`
}

// transferPeers adds BLR1 (Karnataka, with its GSTIN) and AGR1 (Uttar
// Pradesh) as partner malls of LKO1, registers both at the hub, and
// receives qty of sku into LKO1's UP backroom. It returns BLR1's GSTIN.
func transferPeers(t *testing.T, e *env, admin, sku string, qty int64) string {
	t.Helper()
	blr := mallapp.DemoGSTIN("KA", "BLR1")
	for _, p := range []map[string]string{{"id": "BLR1", "state": "KA", "name": "PM Ekta Mall, Bengaluru", "gstin": blr},
		{"id": "AGR1", "state": "UP", "name": "PM Ekta Mall, Agra", "gstin": mallapp.DemoGSTIN("UP", "AGR1")}} {
		if code := webCall(t, "POST", e.mall.URL+"/api/v1/peer-malls", admin, p, nil); code != 201 {
			t.Fatalf("add peer mall %s: %d", p["id"], code)
		}
	}
	if code := e2e.Call(t, "POST", e.mall.URL+"/api/v1/zones/UP/receipts", admin, map[string]any{"producer_id": "PR-UP-MORADABAD-01",
		"lines": []map[string]any{{"sku": sku, "qty": qty}}}, nil, apiclient.Key(ids.New())); code != 201 {
		t.Fatalf("receive %d × %s: %d", qty, sku, code)
	}
	return blr
}

// outboxSent counts the transfer.sent events the mall has written: goods
// are dispatched when theirs is.
func outboxSent(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.mall.DB.R.QueryRow(`SELECT count(*) FROM outbox WHERE type = 'transfer.sent'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTransferGSTPanel drives the zone manager's transfer screen (issue 19
// items 3-5): goods worth over ₹50,000 sent to BLR1 in Karnataka move on
// a tax invoice with IGST to BLR1's GSTIN and wait for their e-way bill
// (the JSON's Part A names the invoice); Part B is entered, a dispatch
// without the number or with an expired validity is refused with the
// reason while the goods stay, and the number dispatches them. A few
// units to AGR1 in Uttar Pradesh move on a delivery challan at once.
func TestTransferGSTPanel(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	admin := addMallUser(t, e, "lko1.admin", auth.MallAdmin, "")
	const sku = "UP-MBD-001"
	var mrp int64
	e.mall.DB.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = ?`, sku).Scan(&mrp)
	qty := 50000_00/mrp + 1 // just over ₹50,000 with tax
	blr := transferPeers(t, e, admin, sku, qty+5)
	zm := webLogin(t, e.mall.URL, "zm.up")
	loginScreen(t, ctx, e.mall.URL, "/zone", "zm.up")

	browse(t, ctx, "send to BLR1", chromedp.Click("#tab-transfers", chromedp.ByQuery), chromedp.WaitReady(`#xfer-to option[value="BLR1"]`, chromedp.ByQuery),
		setValue("#xfer-to", "BLR1"), setValue("#xfer-from", "backroom"),
		chromedp.SendKeys("#xfer-sku-0", sku, chromedp.ByQuery), chromedp.SendKeys("#xfer-qty-0", itoa(int(qty)), chromedp.ByQuery),
		chromedp.Click("#xfer-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#xfer-done", "they leave once the e-way bill is in")
	var list []xferJSON
	webCall(t, "GET", e.mall.URL+"/api/v1/zones/UP/transfers", zm, nil, &list)
	if len(list) != 1 || list[0].Document == nil || list[0].EWayBill == nil {
		t.Fatalf("transfers: %+v", list)
	}
	x := list[0]
	d := x.Document
	if d.Kind != "tax_invoice" || d.ToGSTIN != blr || !money.MustParse(d.IGST).IsPositive() || x.Status != "awaiting_eway_bill" {
		t.Fatalf("the transfer to KA: %+v %+v", x, d)
	}
	panel := `#xfers form[data-transfer="` + x.ID + `"] .gst`
	waitText(t, ctx, panel, "Tax invoice "+d.Number)
	waitText(t, ctx, panel, "IGST "+inr(money.MustParse(d.IGST)))
	waitText(t, ctx, panel, "to GSTIN "+blr)
	waitText(t, ctx, panel+" .eway-state", "E-way bill needed")
	var file struct {
		BillLists []struct {
			DocNo, DocType, FromGstin, ToGstin string
			IgstValue                          json.Number
		} `json:"billLists"`
	}
	if err := json.Unmarshal(x.EWayBill.JSON, &file); err != nil || len(file.BillLists) != 1 {
		t.Fatalf("e-way bill JSON: %v %s", err, x.EWayBill.JSON)
	}
	if b := file.BillLists[0]; b.DocNo != d.Number || b.DocType != "INV" || b.ToGstin != blr || b.IgstValue.String() != d.IGST {
		t.Errorf("Part A: %+v", b)
	}
	browse(t, ctx, "download the e-way bill JSON", chromedp.Click(panel+" .eway-json", chromedp.ByQuery))
	shot(t, ctx, "70-zone-transfer-tax-invoice")

	browse(t, ctx, "Part B", setValue(panel+" .eway-vehicle", "up 32 ab 1234"), setValue(panel+" .eway-km", "1900"),
		chromedp.Click(panel+" .eway-partb", chromedp.ByQuery))
	waitText(t, ctx, panel+" .eway-state", "then enter its number")
	browse(t, ctx, "dispatch without the number", chromedp.Click(panel+" .eway-dispatch", chromedp.ByQuery))
	waitText(t, ctx, panel+" .err", "cannot leave without it")
	browse(t, ctx, "a number without its validity", setValue(panel+" .eway-no", "331001234567"), chromedp.Click(panel+" .eway-dispatch", chromedp.ByQuery))
	waitText(t, ctx, panel+" .err", "validity")
	past := time.Now().Add(-2 * time.Hour).In(istZone).Format("2006-01-02T15:04")
	browse(t, ctx, "an expired e-way bill", setValue(panel+" .eway-until", past), chromedp.Click(panel+" .eway-dispatch", chromedp.ByQuery))
	waitText(t, ctx, panel+" .err", "expired")
	if n := outboxSent(t, e); n != 0 {
		t.Fatalf("the goods left without their e-way bill: %d transfer.sent", n)
	}
	shot(t, ctx, "71-zone-eway-refused")
	valid := time.Now().Add(9 * 24 * time.Hour).In(istZone)
	browse(t, ctx, "the e-way bill number", setValue(panel+" .eway-until", valid.Format("2006-01-02T15:04")),
		chromedp.Click(panel+" .eway-dispatch", chromedp.ByQuery))
	waitText(t, ctx, panel+" .eway-state", "E-way bill 331001234567")
	waitText(t, ctx, panel+" .eway-state", "valid until")
	webCall(t, "GET", e.mall.URL+"/api/v1/transfers/"+x.ID, zm, nil, &x)
	if x.Status != "sent" || x.EWayBill.Status != "generated" || outboxSent(t, e) != 1 {
		t.Errorf("after the number: status %s, e-way bill %s, %d transfer.sent", x.Status, x.EWayBill.Status, outboxSent(t, e))
	}
	shot(t, ctx, "72-zone-eway-generated")

	browse(t, ctx, "send to AGR1", setValue("#xfer-to", "AGR1"), chromedp.SendKeys("#xfer-sku-0", sku, chromedp.ByQuery),
		chromedp.SendKeys("#xfer-qty-0", "2", chromedp.ByQuery), chromedp.Click("#xfer-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#xfer-done", "2 units now in transit")
	waitText(t, ctx, "#xfers", "Delivery challan DC/")
	var challan string
	browse(t, ctx, "read the challan", chromedp.Evaluate(`[...document.querySelectorAll('#xfers .gst')].map((g) => g.textContent).find((s) => s.includes('Delivery challan')) || ''`, &challan))
	if strings.Contains(challan, "IGST") || strings.Contains(challan, "E-way bill") {
		t.Errorf("the challan within UP shows tax or an e-way bill: %q", challan)
	}
	if outboxSent(t, e) != 2 {
		t.Errorf("the challan's goods did not leave at once")
	}
	shot(t, ctx, "73-zone-delivery-challan")
}
