package webe2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"ektamall/shared/auth"
)

// Issue 20 item 5 on the screens: a zone manager's write-off waits for a
// mall admin (nothing moves), a return to the producer is approved by the
// admin typing their login on the zone screen, and the admin approves the
// waiting write-off on /manage.
func TestBrowserStockApprovals(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p, _ := upProducts(t)
	addMallUser(t, e, "lko1.admin", auth.MallAdmin, "")
	zm := webLogin(t, e.mall.URL, "zm.up")
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/zones/UP/receipts", zm, map[string]any{"producer_id": p.ProducerID,
		"lines": []any{map[string]any{"sku": p.SKU, "qty": 5}}}, nil); code != 201 {
		t.Fatalf("receive: %d", code)
	}
	loginScreen(t, ctx, e.mall.URL, "/zone", "zm.up")

	browse(t, ctx, "ask to write off", chromedp.Click("#tab-damage", chromedp.ByQuery), chromedp.WaitVisible("#dmg-reason", chromedp.ByQuery),
		setValue("#dmg-from", "backroom"), setValue("#dmg-cause", "in_store"), chromedp.SendKeys("#dmg-reason", "dropped while restocking", chromedp.ByQuery),
		chromedp.SendKeys("#dmg-sku-0", p.SKU, chromedp.ByQuery), chromedp.SendKeys("#dmg-qty-0", "1", chromedp.ByQuery),
		chromedp.Click("#damage-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#dmg-done", "Sent to a mall admin")
	waitText(t, ctx, "#sr-table tbody", "Waiting for approval")
	if got := stockOf(t, e, p.SKU); got != 5 {
		t.Fatalf("backroom after a write-off waiting for approval: %d, want 5", got)
	}
	shot(t, ctx, "stockreq-01-zone-pending")

	browse(t, ctx, "return to the producer with the admin's login", setValue("#pret-producer", p.ProducerID), setValue("#pret-from", "backroom"),
		chromedp.SendKeys("#pret-reason", "unsold after the festival", chromedp.ByQuery),
		chromedp.SendKeys("#pret-sku-0", p.SKU, chromedp.ByQuery), chromedp.SendKeys("#pret-qty-0", "2", chromedp.ByQuery),
		setValue("#appr-user", "lko1.admin"), setValue("#appr-pass", password),
		chromedp.Click("#pret-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#pret-done", "2 units handed back")
	waitText(t, ctx, "#sr-table tbody", "Print the return note")
	if got := stockOf(t, e, p.SKU); got != 3 {
		t.Fatalf("backroom after returning 2: %d, want 3", got)
	}

	loginScreen(t, ctx, e.mall.URL, "/manage", "lko1.admin")
	browse(t, ctx, "approvals tab", chromedp.Click("#tab-approvals", chromedp.ByQuery), chromedp.WaitVisible("#sr-table", chromedp.ByQuery))
	waitText(t, ctx, "#sr-table tbody", "dropped while restocking")
	shot(t, ctx, "stockreq-02-manage")
	browse(t, ctx, "approve", chromedp.Click("#sr-table tbody button.primary", chromedp.ByQuery))
	waitText(t, ctx, "#sr-table tbody", "Nothing waiting")
	waitText(t, ctx, "#ap-table tbody", "Write-off or return approved")
	if got := stockOf(t, e, p.SKU); got != 2 {
		t.Fatalf("backroom after the approved write-off: %d, want 2", got)
	}
}
