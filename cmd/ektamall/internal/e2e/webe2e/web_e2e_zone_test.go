package webe2e

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"ektamall/shared/auth"
)

// TestZoneScreens drives the zone manager's screens: a consignment
// received by scanning barcodes (issue 21 item 5), its shelf labels on an
// A4 sheet and a roll with barcodes a decoder reads back, damage, reorder
// points, a stock exception named by product and invoice and resolved
// (item 6), movement history showing document numbers, and transfers out
// and in with a shortage (item 12).
func TestZoneScreens(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p1, p2 := upProducts(t)
	admin := addMallUser(t, e, "lko1.admin", auth.MallAdmin, "")
	loginScreen(t, ctx, e.mall.URL, "/zone", "zm.up")

	// Item 5: the line says "SKU or barcode"; a scanned barcode is received.
	browse(t, ctx, "receive by barcode", chromedp.Click("#tab-receive", chromedp.ByQuery), chromedp.WaitVisible("#rcv-producer", chromedp.ByQuery),
		setValue("#rcv-producer", p1.ProducerID), chromedp.SendKeys("#rcv-sku-0", p1.Barcode, chromedp.ByQuery),
		chromedp.SendKeys("#rcv-qty-0", "5", chromedp.ByQuery), chromedp.Click("#rcv-submit", chromedp.ByQuery))
	waitText(t, ctx, "#rcv-done", "5 units")
	grn, _, _ := strings.Cut(strings.TrimPrefix(textOf(t, ctx, "#rcv-done"), "Received "), ":")
	if stockOf(t, e, p1.SKU) != 5 {
		t.Fatalf("backroom of %s after receiving 5 by barcode: %d", p1.SKU, stockOf(t, e, p1.SKU))
	}

	// Item 12: labels for what came in, one per unit, decoded back.
	browse(t, ctx, "labels on an A4 sheet", chromedp.Click("#rcv-labels-a4", chromedp.ByQuery),
		chromedp.WaitVisible("#lbl-preview .label-sheet.a4 .label", chromedp.ByQuery))
	waitText(t, ctx, "#lbl-title", "5 labels for "+grn)
	var n int
	browse(t, ctx, "count labels", chromedp.Evaluate(`document.querySelectorAll('#lbl-preview .label').length`, &n))
	if n != 5 {
		t.Fatalf("%d labels for 5 units", n)
	}
	label := textOf(t, ctx, "#lbl-preview .label")
	for _, want := range []string{p1.Name, inr(p1.MRP), "incl. of all taxes", p1.SKU} {
		if !strings.Contains(label, want) {
			t.Errorf("label %q lacks %q", label, want)
		}
	}
	// Issue 21 item 15: customers read where it was made in Hindi (LKO1 is
	// in UP) above the English.
	if local := textOf(t, ctx, `#lbl-preview .label .l-local[lang="hi"]`); !strings.Contains(local, "उत्तर प्रदेश") {
		t.Errorf("the label's Hindi origin reads %q", local)
	}
	if got := decodeLabel(t, ctx, "#lbl-preview .label .l-code svg"); got != p1.Barcode {
		t.Fatalf("the label's barcode decodes as %q, want %s", got, p1.Barcode)
	}
	shot(t, ctx, "60-zone-labels-a4")
	browse(t, ctx, "labels on a roll", chromedp.Click(`#grn-table tr[data-grn="`+grn+`"] button:nth-of-type(2)`, chromedp.ByQuery),
		chromedp.WaitVisible("#lbl-preview .label-sheet.roll", chromedp.ByQuery))
	browse(t, ctx, "count roll pages", chromedp.Evaluate(`document.querySelectorAll('#lbl-preview .label-sheet.roll .label-page').length`, &n))
	if n != 5 {
		t.Fatalf("%d roll labels (one a page) for 5 units", n)
	}
	if got := decodeLabel(t, ctx, "#lbl-preview .label .l-code svg"); got != p1.Barcode {
		t.Fatalf("the roll label's barcode decodes as %q, want %s", got, p1.Barcode)
	}
	shot(t, ctx, "61-zone-labels-roll")

	// Damage: one unit from the backroom, a mall admin typing their login to approve it.
	browse(t, ctx, "write off damage", chromedp.Click("#tab-damage", chromedp.ByQuery), chromedp.WaitVisible("#dmg-reason", chromedp.ByQuery),
		setValue("#appr-user", "lko1.admin"), setValue("#appr-pass", password),
		setValue("#dmg-from", "backroom"), chromedp.SendKeys("#dmg-reason", "cracked in transit", chromedp.ByQuery),
		chromedp.SendKeys("#dmg-sku-0", p1.SKU, chromedp.ByQuery), chromedp.SendKeys("#dmg-qty-0", "1", chromedp.ByQuery),
		chromedp.Click("#damage-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#dmg-done", "Wrote off 1 unit")
	if got := stockOf(t, e, p1.SKU); got != 4 {
		t.Fatalf("backroom after writing off 1 of 5: %d", got)
	}

	// Reorder point, set by scanning the barcode.
	browse(t, ctx, "reorder point", chromedp.Click("#tab-reorder", chromedp.ByQuery), chromedp.WaitVisible("#rp-sku", chromedp.ByQuery),
		chromedp.SendKeys("#rp-sku", p1.Barcode, chromedp.ByQuery), chromedp.SendKeys("#rp-qty", "6", chromedp.ByQuery),
		chromedp.Click("#rp-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#rp-done", p1.SKU+" is now 6")
	waitText(t, ctx, `#rp-table tr.low[data-sku="`+p1.SKU+`"]`, "6")

	// Item 6: a sale of stock the system does not hold is an exception
	// that names the product, the shortfall and the invoice, and resolves.
	_, invoice, _ := apiSale(t, e, "C04", p2.SKU, 2)
	browse(t, ctx, "stock tab", chromedp.Click("#tab-stock", chromedp.ByQuery))
	row := `#exc-table tr[data-sku="` + p2.SKU + `"]`
	waitText(t, ctx, row, "Invoice "+invoice)
	waitText(t, ctx, row, p2.Name)
	waitText(t, ctx, row, "2 units")
	shot(t, ctx, "62-zone-exception")
	browse(t, ctx, "resolve the exception", chromedp.SendKeys(row+" input", "two found in an unopened carton", chromedp.ByQuery),
		chromedp.Click(row+" button", chromedp.ByQuery))
	waitText(t, ctx, "#exc-table", "No open exceptions.")

	// History by barcode: the document numbers, not ids.
	browse(t, ctx, "history by barcode", chromedp.Click("#tab-history", chromedp.ByQuery), setValue("#hist-sku", p2.Barcode),
		chromedp.Click("#hist-form button", chromedp.ByQuery))
	waitText(t, ctx, "#hist-table", "Invoice "+invoice)
	browse(t, ctx, "history of the received SKU", setValue("#hist-sku", p1.SKU), chromedp.Click("#hist-form button", chromedp.ByQuery))
	waitText(t, ctx, "#hist-table", grn)
	if h := textOf(t, ctx, "#hist-table"); uuidRE.MatchString(h) {
		t.Fatalf("history shows an id: %q", h)
	}

	// Transfers: out to a partner mall, and in from it with one unit short.
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/peer-malls", admin, map[string]string{"id": "BLR1", "state": "KA", "name": "PM Ekta Mall, Bengaluru"}, nil); code != 201 {
		t.Fatalf("add peer mall: %d", code)
	}
	in := map[string]any{"transfer_id": "0193a1c2-0000-7000-8000-000000000001", "from_mall": "BLR1", "to_mall": "LKO1", "zone": "UP",
		"lines": []map[string]any{{"sku": p2.SKU, "qty": 3}}, "by": "blr1.zm.up", "at": "2026-12-01T05:00:00Z"}
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/transfers/incoming", admin, in, nil); code != 201 {
		t.Fatalf("register incoming transfer: %d", code)
	}
	browse(t, ctx, "transfers tab", chromedp.Click("#tab-transfers", chromedp.ByQuery), chromedp.WaitReady(`#xfer-to option[value="BLR1"]`, chromedp.ByQuery),
		setValue("#xfer-to", "BLR1"), setValue("#xfer-from", "backroom"),
		chromedp.SendKeys("#xfer-sku-0", p1.Barcode, chromedp.ByQuery), chromedp.SendKeys("#xfer-qty-0", "2", chromedp.ByQuery),
		chromedp.Click("#xfer-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#xfer-done", "2 units now in transit")
	// The list redraws after the send: edit the incoming transfer only
	// once the sent one is listed, or the redraw would undo the edit.
	waitText(t, ctx, "#xfers", "To BLR1")
	waitText(t, ctx, "#xfers", "From BLR1")
	browse(t, ctx, "record 2 of 3 arrived", setValue(`#xfers input[data-sku="`+p2.SKU+`"]`, "2"),
		chromedp.Click(`#xfers form button[type=submit]`, chromedp.ByQuery))
	waitText(t, ctx, "#xfers", "1 short")
	waitText(t, ctx, "#xfers", "received 2")
	shot(t, ctx, "63-zone-transfers")
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// decodeLabel screenshots the first barcode matching sel at 3 device
// pixels per CSS pixel (a label printer prints far finer than a screen)
// and reads it with ZXing's EAN-13 reader, an implementation independent
// of the one that drew it.
func decodeLabel(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var png []byte
	browse(t, ctx, "screenshot the barcode",
		chromedp.ActionFunc(func(c context.Context) error {
			return emulation.SetDeviceMetricsOverride(1366, 768, 3, false).Do(c)
		}),
		chromedp.Screenshot(sel, &png, chromedp.ByQuery),
		chromedp.ActionFunc(func(c context.Context) error {
			return emulation.SetDeviceMetricsOverride(1366, 768, 1, false).Do(c)
		}))
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("barcode screenshot: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	r, err := oned.NewEAN13Reader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("decode the label's barcode: %v", err)
	}
	return r.GetText()
}
