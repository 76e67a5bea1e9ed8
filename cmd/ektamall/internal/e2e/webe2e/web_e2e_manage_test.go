package webe2e

import (
	"testing"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"ektamall/shared/auth"
)

// TestMallAdminScreen drives /manage (issue 21 item 11) as a mall admin:
// an open drawer's X report and cash paid out of it, voiding an invoice
// with a reason, the approvals given at a till, the stock ledger check,
// every zone's open exceptions (resolved here), and a reorder point set in
// another zone than the mall's own. Users and the audit log are /admin's
// (TestAdminScreen); the screen links there.
func TestMallAdminScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p1, p2 := upProducts(t)
	admin := addMallUser(t, e, "lko1.admin", auth.MallAdmin, "")
	_, keep, _ := apiSale(t, e, "C03", p1.SKU, 1)
	_, gone, _ := apiSale(t, e, "C03", p2.SKU, 1)
	cashier := webLogin(t, e.mall.URL, "cashier")
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/approvals", cashier, map[string]any{"username": "lko1.admin", "password": password,
		"sku": p1.SKU, "discount": "25%", "max_amount": "500.00"}, nil); code != 201 {
		t.Fatalf("approval at the till: %d", code)
	}

	loginScreen(t, ctx, e.mall.URL, "/manage", "lko1.admin")
	waitText(t, ctx, "#admin-link", "Users and audit log")

	// The drawer of C03: X report, then ₹100 paid out for the porter.
	row := `#sh-table tr[data-counter="C03"]`
	waitText(t, ctx, row, "cashier")
	browse(t, ctx, "X report", chromedp.Click(row+" button", chromedp.ByQuery))
	waitText(t, ctx, "#xrep", "X report, counter C03")
	browse(t, ctx, "cash out", chromedp.Click(row+" button:nth-of-type(2)", chromedp.ByQuery), setValue("#cash-kind", "out"),
		chromedp.SendKeys("#cash-amount", "100", chromedp.ByQuery), chromedp.SendKeys("#cash-reason", "porter for a consignment", chromedp.ByQuery),
		chromedp.Click("#cash-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#cash-done", "₹100.00 paid out of the drawer of C03")
	waitText(t, ctx, "#xrep-totals", "₹100.00")
	shot(t, ctx, "70-manage-drawers")
	var shifts []struct {
		ID      string `json:"id"`
		Counter string `json:"counter"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/shifts?status=open", admin, nil, &shifts)
	if len(shifts) != 1 || shifts[0].Counter != "C03" {
		t.Fatalf("open shifts: %+v", shifts)
	}
	var x struct {
		PaidOut string `json:"paid_out"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/shifts/"+shifts[0].ID+"/x-report", admin, nil, &x)
	if x.PaidOut != "100.00" {
		t.Fatalf("paid out on the X report: %q", x.PaidOut)
	}

	// Void the second invoice, with a reason.
	browse(t, ctx, "find the invoice", chromedp.Click("#tab-voids", chromedp.ByQuery), chromedp.SendKeys("#void-inv", gone, chromedp.ByQuery),
		chromedp.Click("#void-find button", chromedp.ByQuery), chromedp.WaitVisible("#void-reason", chromedp.ByQuery))
	waitText(t, ctx, "#void-sale", p2.Name)
	browse(t, ctx, "void it", chromedp.SendKeys("#void-reason", "rung twice by mistake", chromedp.ByQuery),
		chromedp.Evaluate(`window.confirm = () => true`, nil), chromedp.Click("#void-form button", chromedp.ByQuery))
	waitText(t, ctx, "#void-done", "Invoice "+gone+" is cancelled")
	shot(t, ctx, "71-manage-void")
	var found []struct{ Status string }
	webCall(t, "GET", e.mall.URL+"/api/v1/sales?invoice_no="+gone, admin, nil, &found)
	if len(found) != 1 || found[0].Status != "cancelled" {
		t.Fatalf("voided invoice on the server: %+v", found)
	}

	// The approval given at the till.
	browse(t, ctx, "approvals", chromedp.Click("#tab-approvals", chromedp.ByQuery))
	waitText(t, ctx, `#ap-table tr[data-action="approval_granted"]`, "Approval given")
	waitText(t, ctx, `#ap-table tr[data-action="approval_granted"]`, "25%")

	// Stock: the ledger checks out; both sales of unheld stock are
	// exceptions (the void put stock back but the shortfall was real).
	browse(t, ctx, "stock check", chromedp.Click("#tab-stock", chromedp.ByQuery), chromedp.Click("#check-btn", chromedp.ByQuery))
	waitText(t, ctx, "#check-out", "Stock ledger consistent")
	exc := `#exc-table tr[data-sku="` + p1.SKU + `"]`
	waitText(t, ctx, exc, "Invoice "+keep)
	waitText(t, ctx, exc, p1.Name)
	shot(t, ctx, "72-manage-stock")
	browse(t, ctx, "resolve", chromedp.SendKeys(exc+" input", "sold from an unbooked carton; GRN follows", chromedp.ByQuery),
		chromedp.Click(exc+" button", chromedp.ByQuery), chromedp.WaitNotPresent(exc, chromedp.ByQuery))

	// A reorder point in Karnataka's zone, which a UP zone manager cannot touch.
	browse(t, ctx, "reorder", chromedp.Click("#tab-reorder", chromedp.ByQuery), chromedp.WaitReady(`#rp-zone option[value="KA"]`, chromedp.ByQuery),
		setValue("#rp-zone", "KA"))
	var kaSKU string
	browse(t, ctx, "a KA product", chromedp.Evaluate(`fetch('/api/v1/products?zone=KA', {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('ekta.token')}}).then(r => r.json()).then(l => l[0].sku)`, &kaSKU,
		func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
	browse(t, ctx, "set it", chromedp.SendKeys("#rp-sku", kaSKU, chromedp.ByQuery), chromedp.SendKeys("#rp-qty", "4", chromedp.ByQuery),
		chromedp.Click("#rp-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#rp-done", kaSKU+" is now 4")
	waitText(t, ctx, `#rp-table tr[data-sku="`+kaSKU+`"]`, "4")

}
