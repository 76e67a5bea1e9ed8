package webe2e

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/money"
)

// upProducts returns two Uttar Pradesh products of the seed catalog (the
// mall's catalog before the hub sends its own).
func upProducts(t *testing.T) (a, b catalog.Product) {
	t.Helper()
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	var up []catalog.Product
	for _, p := range seed.Products {
		if p.State == "UP" && p.Barcode != "" {
			up = append(up, p)
		}
	}
	if len(up) < 2 {
		t.Fatalf("the seed has %d UP products with barcodes", len(up))
	}
	return up[0], up[1]
}

// alt presses Alt+key. It is dispatched as a DOM keydown on the focused
// element: CDP key events with the Alt modifier leave headless Chromium
// refusing typed text afterwards.
func alt(key string) chromedp.Action {
	return chromedp.Evaluate(`(document.activeElement || document.body).dispatchEvent(new KeyboardEvent('keydown',
		{key: `+jsString(key)+`, code: 'Key' + `+jsString(strings.ToUpper(key))+`, altKey: true, bubbles: true, cancelable: true}))`, nil)
}

// TestScreens walks the screens as their users would, in one browser:
// a cashier rings and returns a sale and closes the shift, the UP zone
// manager receives stock, and finance at the hub sees the sale.
func TestScreens(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p1, p2 := upProducts(t)

	var invoice string
	t.Run("cashier sells, returns and closes the shift", func(t *testing.T) {
		invoice = cashier(t, ctx, e, p1, p2)
	})
	t.Run("zone manager receives stock", func(t *testing.T) {
		zoneManager(t, ctx, e, p1)
	})
	t.Run("finance sees the sale", func(t *testing.T) {
		if invoice == "" {
			t.Skip("no sale was rung")
		}
		finance(t, ctx, e, p1)
	})
}

var invoiceRE = regexp.MustCompile(`[A-Z0-9]+/[0-9]{4}/[0-9]+`)

func cashier(t *testing.T, ctx context.Context, e *env, p1, p2 catalog.Product) string {
	browse(t, ctx, "open the till", chromedp.Navigate(e.mall.URL+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
	shot(t, ctx, "01-cashier-login")

	// A wrong password is explained next to the password field.
	browse(t, ctx, "bad login", chromedp.SendKeys("#login-user", "cashier", chromedp.ByQuery),
		chromedp.SendKeys("#login-pass", "not-the-password"+kb.Enter, chromedp.ByQuery))
	waitText(t, ctx, "#login-pass-err", "do not match")
	browse(t, ctx, "log in", setValue("#login-pass", ""),
		chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#shift-float", chromedp.ByQuery))
	shot(t, ctx, "02-cashier-open-shift")
	browse(t, ctx, "open shift", chromedp.SendKeys("#shift-float", kb.Enter, chromedp.ByQuery), chromedp.WaitVisible("#scan", chromedp.ByQuery))

	// An unknown barcode is explained under the scan field; nothing is added.
	browse(t, ctx, "scan unknown", chromedp.SendKeys("#scan", "0000000000000"+kb.Enter, chromedp.ByQuery))
	waitText(t, ctx, "#scan-err", "No product with that barcode")

	// Two lines, by typing each barcode and Enter as a scanner does.
	browse(t, ctx, "scan two items",
		chromedp.SendKeys("#scan", p1.Barcode+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p1.SKU+`"]`, chromedp.ByQuery),
		chromedp.SendKeys("#scan", p2.Barcode+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p2.SKU+`"]`, chromedp.ByQuery))
	total := p1.MRP.Add(p2.MRP)
	waitText(t, ctx, "#t-total", inr(total))
	shot(t, ctx, "03-cashier-cart")

	// Pay: first look at the UPI QR, then take cash with change.
	browse(t, ctx, "open payment", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery))
	browse(t, ctx, "show UPI QR", chromedp.Click("#pay-allupi", chromedp.ByQuery), chromedp.Click("#pay-qr", chromedp.ByQuery),
		chromedp.WaitVisible("#qr-img", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector('#qr-img').complete && document.querySelector('#qr-img').naturalWidth > 0`, nil))
	shot(t, ctx, "04-cashier-pay-upi-qr")
	given := total.Add(money.MustParse("500.00"))
	browse(t, ctx, "cash with change", chromedp.Click("#pay-allcash", chromedp.ByQuery), setValue("#pay-cash", ""),
		chromedp.SendKeys("#pay-cash", given.String(), chromedp.ByQuery))
	waitText(t, ctx, "#pay-change", "₹500.00")
	shot(t, ctx, "05-cashier-pay-cash")
	browse(t, ctx, "complete sale", chromedp.SendKeys("#pay-cash", kb.Enter, chromedp.ByQuery), chromedp.WaitVisible("#doc-dlg", chromedp.ByQuery))
	waitText(t, ctx, "#doc-h", "invoice")
	head := textOf(t, ctx, "#doc-h")
	invoice := invoiceRE.FindString(head)
	if invoice == "" {
		t.Fatalf("no invoice number in %q", head)
	}
	waitText(t, ctx, "#doc-body", invoice)
	waitText(t, ctx, "#doc-body", "₹500.00") // the change, on the receipt
	waitText(t, ctx, "#doc-body", p1.Name)
	waitText(t, ctx, "#doc-body", p2.Name)
	shot(t, ctx, "06-cashier-receipt")

	// The server holds exactly one sale of that total.
	tok := webLogin(t, e.mall.URL, "cashier")
	var found []struct {
		ID, Total string
	}
	if code := webCall(t, "GET", e.mall.URL+"/api/v1/sales?invoice_no="+invoice, tok, nil, &found); code != 200 || len(found) != 1 || found[0].Total != total.String() {
		t.Fatalf("sale %s on the server: %d %+v, want total %s", invoice, code, found, total)
	}

	// Return one item of the first line against the invoice number.
	browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible("#doc-dlg", chromedp.ByQuery))
	browse(t, ctx, "open return", alt("r"), chromedp.WaitVisible("#ret-inv", chromedp.ByQuery),
		chromedp.SendKeys("#ret-inv", invoice+kb.Enter, chromedp.ByQuery), chromedp.WaitVisible("#ret-q-0", chromedp.ByQuery),
		setValue("#ret-q-0", "1"))
	shot(t, ctx, "07-cashier-return")
	browse(t, ctx, "issue credit note", chromedp.Click("#ret-submit", chromedp.ByQuery), chromedp.WaitVisible("#doc-dlg", chromedp.ByQuery))
	waitText(t, ctx, "#doc-h", "Credit note")
	waitText(t, ctx, "#doc-body", inr(p1.MRP))
	shot(t, ctx, "08-cashier-credit-note")
	browse(t, ctx, "close credit note", chromedp.Click("#doc-done", chromedp.ByQuery), chromedp.WaitNotVisible("#doc-dlg", chromedp.ByQuery))

	// Hindi labels, then back.
	browse(t, ctx, "switch to Hindi", alt("l"))
	waitText(t, ctx, "#pay-btn", "भुगतान")
	browse(t, ctx, "scan in Hindi", chromedp.Click("#scan", chromedp.ByQuery), chromedp.SendKeys("#scan", p2.Barcode+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p2.SKU+`"]`, chromedp.ByQuery))
	shot(t, ctx, "09-cashier-hindi")
	browse(t, ctx, "back to English", alt("l"), chromedp.KeyEvent(kb.Delete))
	waitText(t, ctx, "#pay-btn", "Pay")

	// Close the shift with a denomination count and read the Z report.
	browse(t, ctx, "open close shift", alt("z"), chromedp.WaitVisible("#den-n-2000", chromedp.ByQuery),
		chromedp.SendKeys("#den-n-2000", "1", chromedp.ByQuery), chromedp.SendKeys("#den-n-500", "3", chromedp.ByQuery),
		chromedp.SendKeys("#den-c-5", "4", chromedp.ByQuery))
	waitText(t, ctx, "#close-total", "₹3,520.00")
	shot(t, ctx, "10-cashier-close-shift")
	browse(t, ctx, "close shift", chromedp.Click("#close-submit", chromedp.ByQuery), chromedp.WaitVisible("#doc-dlg", chromedp.ByQuery))
	waitText(t, ctx, "#doc-h", "Z report")
	waitText(t, ctx, "#doc-body", invoice)
	waitText(t, ctx, "#doc-body", "₹3,520.00")
	shot(t, ctx, "11-cashier-z-report")
	browse(t, ctx, "log out after Z", chromedp.KeyEvent(kb.Escape), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
	return invoice
}

func zoneManager(t *testing.T, ctx context.Context, e *env, p catalog.Product) {
	browse(t, ctx, "open zone screen", chromedp.Navigate(e.mall.URL+"/zone"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "zm.up", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#stock-table tbody tr[data-sku="`+p.SKU+`"]`, chromedp.ByQuery))
	shot(t, ctx, "20-zone-stock")
	before := stockOf(t, e, p.SKU)

	browse(t, ctx, "fill a receipt", chromedp.Click("#tab-receive", chromedp.ByQuery), chromedp.WaitVisible("#rcv-producer", chromedp.ByQuery),
		setValue("#rcv-producer", p.ProducerID),
		chromedp.SendKeys("#rcv-sku-0", p.SKU, chromedp.ByQuery), chromedp.SendKeys("#rcv-qty-0", "12", chromedp.ByQuery),
		chromedp.SendKeys("#rcv-ref", "CH-2025-17", chromedp.ByQuery))
	shot(t, ctx, "21-zone-receive")
	browse(t, ctx, "receive", chromedp.Click("#rcv-submit", chromedp.ByQuery))
	waitText(t, ctx, "#rcv-done", "12 units")
	if after := stockOf(t, e, p.SKU); after != before+12 {
		t.Fatalf("backroom of %s: %d before, %d after receiving 12", p.SKU, before, after)
	}
	grn, _, _ := strings.Cut(strings.TrimPrefix(textOf(t, ctx, "#rcv-done"), "Received "), ":")
	browse(t, ctx, "back to stock", chromedp.Click("#tab-stock", chromedp.ByQuery),
		chromedp.WaitVisible(`#stock-table tbody tr[data-sku="`+p.SKU+`"]`, chromedp.ByQuery))
	shot(t, ctx, "22-zone-after-receipt")
	browse(t, ctx, "history", chromedp.Click(`#stock-table tr[data-sku="`+p.SKU+`"] button`, chromedp.ByQuery))
	waitText(t, ctx, "#hist-table", grn)
	shot(t, ctx, "23-zone-history")
	browse(t, ctx, "log out", chromedp.Click("#logout-btn", chromedp.ByQuery), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
}

// stockOf is the backroom quantity of sku, read through the API.
func stockOf(t *testing.T, e *env, sku string) int64 {
	t.Helper()
	var rows []struct {
		SKU      string `json:"sku"`
		Backroom int64  `json:"backroom"`
	}
	if code := webCall(t, "GET", e.mall.URL+"/api/v1/stock?zone=UP", webLogin(t, e.mall.URL, "zm.up"), nil, &rows); code != 200 {
		t.Fatalf("stock: %d", code)
	}
	for _, r := range rows {
		if r.SKU == sku {
			return r.Backroom
		}
	}
	t.Fatalf("%s not in the UP zone's stock", sku)
	return 0
}

func finance(t *testing.T, ctx context.Context, e *env, p catalog.Product) {
	tok := webLogin(t, e.hub.URL, "finance")
	if code := webCall(t, "GET", e.hub.URL+"/api/v1/malls", tok, nil, nil); code == 404 {
		t.Skip("the hub has no GET /api/v1/malls yet (sync, issue 5): finance cannot see malls or their sales")
	}
	browse(t, ctx, "open finance", chromedp.Navigate(e.hub.URL+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "finance", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#malls tr[data-mall="LKO1"]`, chromedp.ByQuery))
	shot(t, ctx, "30-finance-malls")
	// The sale reaches the hub through sync; the screen refreshes itself.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var txt string
		browse(t, ctx, "read mall row", chromedp.Text(`#malls tr[data-mall="LKO1"]`, &txt, chromedp.ByQuery))
		if strings.Contains(txt, "1 sale ") {
			break
		}
		if time.Now().After(deadline) {
			var st []struct {
				ID        string `json:"id"`
				Connected bool   `json:"connected"`
				Watermark int64  `json:"watermark"`
			}
			webCall(t, "GET", e.hub.URL+"/api/v1/malls", tok, nil, &st)
			if len(st) > 0 && !st[0].Connected && st[0].Watermark == 0 {
				t.Skipf("the mall's events never reached the hub (sync, issue 5: LKO1 not connected, watermark 0), so finance cannot see the sale yet; the row reads %q", txt)
			}
			shot(t, ctx, "FAILED-finance-sale")
			t.Fatalf("the hub never showed LKO1's sale; the row reads %q (hub status %+v)", txt, st)
		}
		time.Sleep(250 * time.Millisecond)
	}
	shot(t, ctx, "31-finance-sale-arrived")
	// A colleague asks for a producer's new bank account; finance sees
	// it pending and approves it (a second person), after which it is the
	// account paid into.
	fin2 := bankColleague(t, e)
	acct := map[string]string{"beneficiary": "Brass Guild", "account_no": "123456789012", "ifsc": "SBIN0001234"}
	if code := webCall(t, "PUT", e.hub.URL+"/api/v1/producers/"+p.ProducerID+"/bank", fin2, acct, nil); code != 202 {
		t.Fatalf("bank change: %d", code)
	}
	browse(t, ctx, "settlements tab", chromedp.Click("#tab-settle", chromedp.ByQuery), chromedp.WaitVisible("#runs", chromedp.ByQuery))
	waitText(t, ctx, "#bank-changes", "pending")
	shot(t, ctx, "32-finance-settlements")
	browse(t, ctx, "approve the bank change", chromedp.Click("#bank-changes button", chromedp.ByQuery))
	waitText(t, ctx, "#bank-changes", "approved")
	var changes []struct {
		Status    string `json:"status"`
		DecidedBy string `json:"decided_by"`
	}
	webCall(t, "GET", e.hub.URL+"/api/v1/bank-changes", tok, nil, &changes)
	if len(changes) != 1 || changes[0].Status != "approved" || changes[0].DecidedBy != "finance" {
		t.Fatalf("after Approve: %+v", changes)
	}
	shot(t, ctx, "33-finance-bank-approved")
}

// bankColleague logs in a second finance user at the hub.
func bankColleague(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	err := e.hub.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := e.hub.Auth.CreateUser(ctx, tx, "finance.two", password, "Finance Two", auth.Finance, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return webLogin(t, e.hub.URL, "finance.two")
}

// inr formats a like the screens do: ₹1,23,456.78.
func inr(a money.Amount) string {
	s := a.String()
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) > 3 {
		head, last := whole[:len(whole)-3], whole[len(whole)-3:]
		var parts []string
		for len(head) > 2 {
			parts = append([]string{head[len(head)-2:]}, parts...)
			head = head[:len(head)-2]
		}
		if head != "" {
			parts = append([]string{head}, parts...)
		}
		whole = strings.Join(append(parts, last), ",")
	}
	return "₹" + whole + "." + frac
}
