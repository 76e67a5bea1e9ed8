package webe2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The defects of issue 21 items 5 and 6, each on its own so that each fails
// by itself on the code before its fix (they were checked so, see the
// issue's report). They touch only what the zone screen has always had:
// the receive form, the stock tab's exceptions and the SKU history.

// TestZoneTakesBarcodes is issue 21 item 5: the zone screen asks for "SKU
// or barcode", and a scanned barcode is received and its history shown.
func TestZoneTakesBarcodes(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p, _ := upProducts(t)
	if p.Barcode == "" || p.Barcode == p.SKU {
		t.Fatalf("%s needs a barcode distinct from its SKU", p.SKU)
	}
	loginScreen(t, ctx, e.mall.URL, "/zone", "zm.up")
	browse(t, ctx, "receive by barcode", chromedp.Click("#tab-receive", chromedp.ByQuery), chromedp.WaitVisible("#rcv-sku-0", chromedp.ByQuery),
		setValue("#rcv-producer", p.ProducerID), chromedp.SendKeys("#rcv-sku-0", p.Barcode, chromedp.ByQuery),
		chromedp.SendKeys("#rcv-qty-0", "5", chromedp.ByQuery), chromedp.Click("#rcv-submit", chromedp.ByQuery))
	waitText(t, ctx, "#rcv-done", "5 units")
	if got := stockOf(t, e, p.SKU); got != 5 {
		t.Fatalf("backroom of %s after receiving 5 by its barcode: %d", p.SKU, got)
	}
	browse(t, ctx, "history by barcode", chromedp.Click("#tab-history", chromedp.ByQuery), chromedp.WaitVisible("#hist-sku", chromedp.ByQuery),
		setValue("#hist-sku", p.Barcode), chromedp.Click("#hist-form button", chromedp.ByQuery))
	browse(t, ctx, "a movement listed", chromedp.WaitVisible("#hist-table tbody tr", chromedp.ByQuery))
	if s := textOf(t, ctx, "#hist-sku-err"); s != "" {
		t.Fatalf("the history refused the barcode: %q", s)
	}
	waitText(t, ctx, "#hist-table tbody", "5")
}

// TestZoneExceptionNamesProductAndInvoice is issue 21 item 6: a sale of
// stock the system does not hold is listed by product, shortfall and
// invoice number (not "SKU : (uuid)"), can be resolved, and the SKU's
// history names the invoice, not an id.
func TestZoneExceptionNamesProductAndInvoice(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	_, p := upProducts(t)
	_, invoice, _ := apiSale(t, e, "C04", p.SKU, 2)
	loginScreen(t, ctx, e.mall.URL, "/zone", "zm.up")
	// The exceptions were a list (#exc-list) before the fix and are a table now.
	exc := "#exc-table, #exc-list"
	waitText(t, ctx, exc, "Invoice "+invoice)
	waitText(t, ctx, exc, p.Name)
	waitText(t, ctx, exc, "2 units")
	if s := textOf(t, ctx, exc); uuidRE.MatchString(s) {
		t.Fatalf("the exception shows an id: %q", s)
	}
	shot(t, ctx, "zone-item6-exception")
	row := `#exc-table tr[data-sku="` + p.SKU + `"]`
	browse(t, ctx, "resolve", chromedp.SendKeys(row+" input", "two found in an unopened carton", chromedp.ByQuery),
		chromedp.Click(row+" button", chromedp.ByQuery))
	waitText(t, ctx, exc, "No open exceptions.")
	browse(t, ctx, "history", chromedp.Click("#tab-history", chromedp.ByQuery), chromedp.WaitVisible("#hist-sku", chromedp.ByQuery),
		setValue("#hist-sku", p.SKU), chromedp.Click("#hist-form button", chromedp.ByQuery))
	waitText(t, ctx, "#hist-table", "Invoice "+invoice)
	if h := textOf(t, ctx, "#hist-table"); uuidRE.MatchString(h) || !strings.Contains(h, invoice) {
		t.Fatalf("history shows an id or lacks the invoice: %q", h)
	}
}
