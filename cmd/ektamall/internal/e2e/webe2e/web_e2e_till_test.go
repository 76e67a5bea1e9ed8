package webe2e

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/shared/auth"
	"ektamall/shared/catalog"
	"ektamall/shared/money"
)

// Browser tests of the cashier's till defects of issue 21 (#19): each
// subtest walks the till as the report describes and fails on the defect.

// addMallUsers creates more users at the test mall.
func addMallUsers(t *testing.T, e *env, users map[string]auth.Role) {
	t.Helper()
	ctx := context.Background()
	for name, role := range users {
		err := e.mall.DB.Transact(ctx, func(tx *sql.Tx) error {
			_, err := e.mall.Auth.CreateUser(ctx, tx, name, password, name, role, "")
			return err
		})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
	}
}

// tillAs opens the till on a fresh session (nothing left in the browser's
// storage) and logs user in, opening a shift when the till asks for one.
func tillAs(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	browse(t, ctx, "fresh till for "+user, chromedp.Navigate(base+"/"), chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Evaluate(`sessionStorage.clear(); localStorage.clear(); true`, nil),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
	loginTill(t, ctx, user)
}

// loginTill logs user in on the login form shown and gets to the scan box.
func loginTill(t *testing.T, ctx context.Context, user string) {
	t.Helper()
	browse(t, ctx, "log in "+user, chromedp.WaitVisible("#login-user", chromedp.ByQuery), setValue("#login-user", user), setValue("#login-pass", password),
		chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
		chromedp.Poll(`!document.querySelector('#shift-view').hidden || !document.querySelector('#sell-view').hidden`, nil,
			chromedp.WithPollingInterval(50*time.Millisecond)))
	var shiftView bool
	browse(t, ctx, "which view", chromedp.Evaluate(`!document.querySelector('#shift-view').hidden`, &shiftView))
	if shiftView {
		browse(t, ctx, "open shift", chromedp.SendKeys("#shift-float", kb.Enter, chromedp.ByQuery))
	}
	browse(t, ctx, "scan box", chromedp.WaitVisible("#scan", chromedp.ByQuery))
}

func scanItem(t *testing.T, ctx context.Context, p catalog.Product) {
	t.Helper()
	browse(t, ctx, "scan "+p.SKU, chromedp.SendKeys("#scan", p.Barcode+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p.SKU+`"]`, chromedp.ByQuery))
}

// dialogOpen waits until the dialog is open.
func dialogOpen(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	browse(t, ctx, id+" opens", chromedp.Poll(`document.querySelector('#`+id+`').open`, nil, chromedp.WithPollingInterval(50*time.Millisecond)))
}

func dialogClosed(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	browse(t, ctx, id+" closes", chromedp.Poll(`!document.querySelector('#`+id+`').open`, nil, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// payExact completes the sale on screen in exact cash and returns its invoice number.
func payExact(t *testing.T, ctx context.Context) string {
	t.Helper()
	browse(t, ctx, "pay", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery),
		chromedp.SendKeys("#pay-cash", kb.Enter, chromedp.ByQuery))
	dialogOpen(t, ctx, "doc-dlg")
	inv := invoiceRE.FindString(textOf(t, ctx, "#doc-h"))
	if inv == "" {
		t.Fatalf("no invoice number in %q", textOf(t, ctx, "#doc-h"))
	}
	return inv
}

// quickly checks a condition with a short deadline: words that must change
// at once, not on the next refresh.
func quickly(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel()
	if err := chromedp.Run(c, chromedp.Poll(js, nil, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		shot(t, ctx, "FAILED-"+strings.ReplaceAll(what, " ", "-"))
		t.Fatalf("%s: not within 1.5 s (%v)", what, err)
	}
}

func TestTill(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	addMallUsers(t, e, map[string]auth.Role{"cashier2": auth.Cashier, "admin": auth.MallAdmin})
	p1, p2 := upProducts(t)
	var inv1 string

	t.Run("1 an over-limit discount is approved on the till when applied", func(t *testing.T) {
		tillAs(t, ctx, e.mall.URL, "cashier")
		scanItem(t, ctx, p1)
		browse(t, ctx, "25% discount", chromedp.KeyEvent(kb.F4), chromedp.WaitVisible("#edit-val", chromedp.ByQuery),
			setValue("#edit-val", "25%"), chromedp.SendKeys("#edit-val", kb.Enter, chromedp.ByQuery))
		dialogOpen(t, ctx, "appr-dlg")
		waitText(t, ctx, "#appr-limit", "10%")
		shot(t, ctx, "till-01-approval")
		browse(t, ctx, "wrong admin password", setValue("#appr-user", "admin"), setValue("#appr-pass", "not-it"),
			chromedp.SendKeys("#appr-pass", kb.Enter, chromedp.ByQuery))
		waitText(t, ctx, "#appr-pass-err", "wrong")
		browse(t, ctx, "admin approves", setValue("#appr-pass", password), chromedp.SendKeys("#appr-pass", kb.Enter, chromedp.ByQuery))
		dialogClosed(t, ctx, "appr-dlg")
		row := `#cart tbody tr[data-sku="` + p1.SKU + `"]`
		waitText(t, ctx, row, "approved by admin")
		off := (p1.MRP.Paise()*2500 + 5000) / 10000
		// The discount column keeps its rupee sign.
		waitText(t, ctx, row+" .disc", "−"+inr(money.FromPaise(off)))
		shot(t, ctx, "till-02-approved")
		inv1 = payExact(t, ctx)
		tok := webLogin(t, e.mall.URL, "cashier")
		var found []struct{ Total string }
		if code := webCall(t, "GET", e.mall.URL+"/api/v1/sales?invoice_no="+inv1, tok, nil, &found); code != 200 || len(found) != 1 ||
			found[0].Total != money.FromPaise(p1.MRP.Paise()-off).String() {
			t.Fatalf("sale %s: %d %+v, want total %s", inv1, code, found, money.FromPaise(p1.MRP.Paise()-off))
		}
		browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape))
		dialogClosed(t, ctx, "doc-dlg")
	})

	t.Run("2 the next cashier does not inherit the cart", func(t *testing.T) {
		scanItem(t, ctx, p2)
		browse(t, ctx, "close shift", alt("z"))
		dialogOpen(t, ctx, "close-dlg")
		waitText(t, ctx, "#close-warn", "1 unsold")
		shot(t, ctx, "till-03-close-warns")
		browse(t, ctx, "close it", chromedp.Click("#close-submit", chromedp.ByQuery))
		waitText(t, ctx, "#doc-h", "Z report")
		browse(t, ctx, "log out after Z", chromedp.KeyEvent(kb.Escape), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
		var user string
		browse(t, ctx, "login form", chromedp.Value("#login-user", &user, chromedp.ByQuery))
		if user != "" {
			t.Errorf("after log out the login form still says %q", user)
		}
		loginTill(t, ctx, "cashier2")
		var rows int
		browse(t, ctx, "cart rows", chromedp.Evaluate(`document.querySelectorAll('#cart tbody tr').length`, &rows))
		if rows != 0 {
			shot(t, ctx, "FAILED-inherited-cart")
			t.Fatalf("cashier2 starts with %d lines of cashier's cart", rows)
		}
	})

	t.Run("3 the scan box works after the return dialog is cancelled", func(t *testing.T) {
		browse(t, ctx, "open return", alt("r"), chromedp.WaitVisible("#ret-inv", chromedp.ByQuery),
			chromedp.SendKeys("#ret-inv", inv1+kb.Enter, chromedp.ByQuery), chromedp.WaitVisible("#ret-q-0", chromedp.ByQuery),
			chromedp.Click("#return-form .cancel", chromedp.ByQuery))
		dialogClosed(t, ctx, "return-dlg")
		// Typed as a scanner does, into whatever has the focus: no click first.
		browse(t, ctx, "type a barcode", chromedp.KeyEvent(p1.Barcode), chromedp.KeyEvent(kb.Enter))
		browse(t, ctx, "item added", chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p1.SKU+`"]`, chromedp.ByQuery))
	})

	t.Run("4 the UPI QR asks for what is still due and refunds go back the way they came", func(t *testing.T) {
		browse(t, ctx, "pay", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery), setValue("#pay-cash", "100"), alt("q"))
		waitText(t, ctx, "#qr-cap", inr(p1.MRP.Sub(money.MustParse("100.00"))))
		shot(t, ctx, "till-04-qr-rest")
		browse(t, ctx, "complete", setValue("#pay-upiref", "UTR1234567"), chromedp.SendKeys("#pay-upiref", kb.Enter, chromedp.ByQuery))
		dialogOpen(t, ctx, "doc-dlg")
		inv2 := invoiceRE.FindString(textOf(t, ctx, "#doc-h"))
		browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape))
		dialogClosed(t, ctx, "doc-dlg")
		browse(t, ctx, "return it", alt("r"), chromedp.WaitVisible("#ret-inv", chromedp.ByQuery),
			chromedp.SendKeys("#ret-inv", inv2+kb.Enter, chromedp.ByQuery), chromedp.WaitVisible("#ret-q-0", chromedp.ByQuery))
		var refund string
		browse(t, ctx, "refund method", chromedp.Value("#ret-refund", &refund, chromedp.ByQuery))
		if refund != "original" {
			t.Errorf("the refund goes to %q by default, want the original tender", refund)
		}
		browse(t, ctx, "issue", setValue("#ret-q-0", "1"), setValue("#ret-reason", "box damaged"), chromedp.Click("#ret-submit", chromedp.ByQuery))
		waitText(t, ctx, "#doc-h", "Credit note")
		waitText(t, ctx, "#doc-body", "Refunds: UPI")
		browse(t, ctx, "close note", chromedp.KeyEvent(kb.Escape))
		dialogClosed(t, ctx, "doc-dlg")
		browse(t, ctx, "return again", alt("r"), chromedp.WaitVisible("#ret-inv", chromedp.ByQuery))
		var reason string
		browse(t, ctx, "reason", chromedp.Value("#ret-reason", &reason, chromedp.ByQuery), chromedp.KeyEvent(kb.Escape))
		if reason != "" {
			t.Errorf("a new return starts with the last reason %q", reason)
		}
		dialogClosed(t, ctx, "return-dlg")
	})

	t.Run("8 the Z report carries the mall's address and GSTIN in a fresh session", func(t *testing.T) {
		tillAs(t, ctx, e.mall.URL, "cashier2")
		browse(t, ctx, "close shift", alt("z"))
		dialogOpen(t, ctx, "close-dlg")
		browse(t, ctx, "close it", chromedp.Click("#close-submit", chromedp.ByQuery))
		waitText(t, ctx, "#doc-h", "Z report")
		waitText(t, ctx, "#doc-body", "Awadh Shilpgram")
		waitText(t, ctx, "#doc-body", "GSTIN")
		shot(t, ctx, "till-05-z-report")
		browse(t, ctx, "log out", chromedp.KeyEvent(kb.Escape), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
	})

	t.Run("9 a change of language redraws every word and Hindi finds Hindi names", func(t *testing.T) {
		tillHindi(t, ctx, e, p1, p2)
	})

	t.Run("10 smaller defects", func(t *testing.T) {
		tillSmall(t, ctx, e, p1)
	})
}

func tillHindi(t *testing.T, ctx context.Context, e *env, p1, p2 catalog.Product) {
	tillAs(t, ctx, e.mall.URL, "cashier")
	scanItem(t, ctx, p1)
	payExact(t, ctx)
	browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape))
	dialogClosed(t, ctx, "doc-dlg")
	waitText(t, ctx, "#sale-msg", "Sale complete")
	waitText(t, ctx, "#sync-pill", "ync") // Synced, or n waiting to sync
	browse(t, ctx, "Hindi", alt("l"))
	quickly(t, ctx, "message in Hindi", `document.querySelector('#sale-msg').textContent.includes('बिक्री पूरी')`)
	quickly(t, ctx, "sync pill in Hindi", `/सिंक/.test(document.querySelector('#sync-pill').textContent)`)
	quickly(t, ctx, "footer in Hindi", `document.querySelector('footer.keys').textContent.includes('जोड़ें')`)
	// Product names in Hindi, on the cart and in a Devanagari search.
	scanItem(t, ctx, p1)
	waitText(t, ctx, `#cart tbody tr[data-sku="`+p1.SKU+`"] .name`, p1.Names["hi"])
	browse(t, ctx, "search in Hindi", chromedp.KeyEvent(kb.F2), chromedp.WaitVisible("#search-q", chromedp.ByQuery),
		setValue("#search-q", p2.Names["hi"]))
	waitText(t, ctx, "#search-list", p2.Names["hi"])
	shot(t, ctx, "till-06-hindi-search")
	browse(t, ctx, "add it", chromedp.SendKeys("#search-q", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p2.SKU+`"]`, chromedp.ByQuery))
	shot(t, ctx, "till-07-hindi-cart")
	// A refusal by the server reads in Hindi only.
	browse(t, ctx, "pay with a bad GSTIN", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery), alt("b"),
		setValue("#buyer-gstin", "27AAPFU0939F1ZX"), chromedp.SendKeys("#pay-cash", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#pay-err", chromedp.ByQuery))
	if msg := textOf(t, ctx, "#pay-err"); msg == "" || strings.ContainsAny(msg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		shot(t, ctx, "FAILED-hindi-refusal")
		t.Errorf("the Hindi refusal reads %q", msg)
	}
	shot(t, ctx, "till-08-hindi-refusal")
	browse(t, ctx, "cancel payment", chromedp.KeyEvent(kb.Escape))
	dialogClosed(t, ctx, "pay-dlg")
	// The choice is the user's: it comes back with the next login, on a
	// browser that has forgotten it.
	tillAs(t, ctx, e.mall.URL, "cashier")
	waitText(t, ctx, "#pay-btn", "भुगतान")
	shot(t, ctx, "till-09-hindi-remembered")
	browse(t, ctx, "back to English", alt("l"))
	waitText(t, ctx, "#pay-btn", "Pay")
}

func tillSmall(t *testing.T, ctx context.Context, e *env, p catalog.Product) {
	// Alt+P in a new session shows the shift's last receipt.
	tillAs(t, ctx, e.mall.URL, "cashier")
	browse(t, ctx, "last receipt", alt("p"))
	dialogOpen(t, ctx, "doc-dlg")
	waitText(t, ctx, "#doc-h", "invoice")
	browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape))
	dialogClosed(t, ctx, "doc-dlg")

	// A parked cart says what it is worth.
	long := productBySKU(t, "UP-LKO-002")
	scanItem(t, ctx, long)
	browse(t, ctx, "park", chromedp.KeyEvent(kb.F7), chromedp.WaitVisible("#cart-empty", chromedp.ByQuery), chromedp.KeyEvent(kb.F8))
	dialogOpen(t, ctx, "recall-dlg")
	waitText(t, ctx, "#recall-list", inr(long.MRP))
	waitText(t, ctx, "#recall-list", "items: 1")
	shot(t, ctx, "till-10-parked")
	browse(t, ctx, "recall", chromedp.Click("#recall-list button", chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+long.SKU+`"]`, chromedp.ByQuery))

	// The 80 mm receipt: a page size, and a long name on at most two lines.
	payExact(t, ctx)
	var hasPage bool
	browse(t, ctx, "page rule", chromedp.Evaluate(`[...document.styleSheets].some((s) => [...s.cssRules].some((r) => r instanceof CSSPageRule && /80mm/.test(r.cssText)))`, &hasPage))
	if !hasPage {
		t.Errorf("no @page rule sizes the 80 mm roll")
	}
	var lines float64
	browse(t, ctx, "print layout", chromedp.Evaluate(`(() => {
		document.querySelector('#print-area').replaceChildren(document.querySelector('#doc-body .doc').cloneNode(true));
		const a = document.querySelector('#print-area');
		a.style.cssText = 'display:block;width:72mm;font-size:8.5pt';
		const c = [...a.querySelectorAll('td')].find((td) => td.textContent.includes('chikankari'));
		const h = c.getBoundingClientRect().height, lh = parseFloat(getComputedStyle(c).fontSize) * 1.4;
		a.style.cssText = '';
		return h / lh;
	})()`, &lines))
	if lines > 2.5 {
		t.Errorf("the product name takes %.1f lines on an 80 mm roll", lines)
	}
	browse(t, ctx, "close receipt", chromedp.KeyEvent(kb.Escape))
	dialogClosed(t, ctx, "doc-dlg")

	// A cashier at the hub is told this login is for a mall.
	browse(t, ctx, "hub login", chromedp.Navigate(e.hub.URL+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		setValue("#login-user", "cashier"), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery))
	waitText(t, ctx, "#login-pass-err", "mall")

	// Empty stock is not "OK" on the zone screen.
	var rows []struct {
		SKU      string `json:"sku"`
		Shelf    int64  `json:"shelf"`
		Backroom int64  `json:"backroom"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/stock?zone=UP", webLogin(t, e.mall.URL, "zm.up"), nil, &rows)
	empty := ""
	for _, r := range rows {
		if r.Shelf+r.Backroom == 0 {
			empty = r.SKU
			break
		}
	}
	if empty == "" {
		t.Fatalf("no empty product in the UP zone to look at")
	}
	browse(t, ctx, "zone screen", chromedp.Navigate(e.mall.URL+"/zone"), chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Evaluate(`sessionStorage.clear(); true`, nil), chromedp.Navigate(e.mall.URL+"/zone"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		setValue("#login-user", "zm.up"), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#stock-table tbody tr[data-sku="`+empty+`"]`, chromedp.ByQuery))
	if s := textOf(t, ctx, `#stock-table tbody tr[data-sku="`+empty+`"] td:last-child`); s == "OK" {
		t.Errorf("%s has no stock and reads %q", empty, s)
	}
	browse(t, ctx, "zone log out", chromedp.Click("#logout-btn", chromedp.ByQuery), chromedp.WaitVisible("#login-user", chromedp.ByQuery))
}

func productBySKU(t *testing.T, sku string) catalog.Product {
	t.Helper()
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range seed.Products {
		if p.SKU == sku {
			return p
		}
	}
	t.Fatalf("no %s in the seed", sku)
	return catalog.Product{}
}
