package webe2e

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/catalog"
)

// TestGSTAtTheCounter rings, at the cashier's screen, every case of issue
// 18's "done when": the ₹4,200 kurta at 45% off (5%) and at 30% off (18%),
// a B2B tax invoice, a wrong GSTIN check character, a delivery to
// Karnataka (IGST), ₹2,00,000 in cash, ₹2,02,000 by UPI without and with a
// PAN, ₹50,000 taxable to an unnamed buyer, a ₹999.60 cash sale paid with
// ₹1,000; then closes the shift (the Z report balances), checks every
// line by an independent recomputation, and the hub's books.
func TestGSTAtTheCounter(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	// A mall admin rings: their discounts need no approval.
	err := e.mall.DB.Transact(context.Background(), func(tx *sql.Tx) error {
		_, err := e.mall.Auth.CreateUser(context.Background(), tx, "admin.gst", password, "admin.gst", auth.MallAdmin, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	code := func(sku string) string {
		b, err := catalog.BarcodeForSKU(sku)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	kurta, brass, sheet := code("UP-LKO-002"), code("UP-ALG-001"), code("UP-FTH-001")

	browse(t, ctx, "open the till", chromedp.Navigate(e.mall.URL+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "admin.gst", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#shift-float", chromedp.ByQuery), chromedp.SendKeys("#shift-float", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#scan", chromedp.ByQuery))

	scan := func(barcode string, qty int, disc string) {
		t.Helper()
		browse(t, ctx, "scan "+barcode, chromedp.Click("#scan", chromedp.ByQuery), chromedp.SendKeys("#scan", barcode+kb.Enter, chromedp.ByQuery),
			chromedp.WaitVisible(`#cart tbody tr.sel`, chromedp.ByQuery))
		if qty > 1 {
			browse(t, ctx, "quantity", chromedp.KeyEvent(kb.F3), chromedp.WaitVisible("#edit-val", chromedp.ByQuery), setValue("#edit-val", ""),
				chromedp.SendKeys("#edit-val", itoa(qty)+kb.Enter, chromedp.ByQuery), chromedp.WaitNotVisible("#edit-dlg", chromedp.ByQuery))
		}
		if disc != "" {
			browse(t, ctx, "discount "+disc, chromedp.KeyEvent(kb.F4), chromedp.WaitVisible("#edit-val", chromedp.ByQuery), setValue("#edit-val", ""),
				chromedp.SendKeys("#edit-val", disc+kb.Enter, chromedp.ByQuery), chromedp.WaitNotVisible("#edit-dlg", chromedp.ByQuery))
		}
	}
	// pay opens the payment dialog, pays it all by UPI (or cash) and fills
	// the buyer box; it returns after the receipt or an error shows.
	type party struct{ gstin, name, address, state, pan, shipAddr, shipState string }
	pay := func(method string, p party) {
		t.Helper()
		browse(t, ctx, "open payment", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery))
		if method == "upi" {
			browse(t, ctx, "all by UPI", chromedp.Click("#pay-allupi", chromedp.ByQuery), chromedp.SendKeys("#pay-upiref", "UTR"+itoa(int(time.Now().UnixNano()%1e9)), chromedp.ByQuery))
		}
		fill := []chromedp.Action{chromedp.Evaluate(`document.querySelector('#buyer-box').open = true`, nil)}
		for sel, v := range map[string]string{"#buyer-gstin": p.gstin, "#buyer-name": p.name, "#buyer-address": p.address, "#buyer-state": p.state,
			"#buyer-pan": p.pan, "#ship-address": p.shipAddr, "#ship-state": p.shipState} {
			fill = append(fill, setValue(sel, v))
		}
		browse(t, ctx, "buyer", fill...)
		browse(t, ctx, "complete", chromedp.Click("#pay-submit", chromedp.ByQuery), chromedp.Poll(
			`document.querySelector('#doc-dlg').open || !document.querySelector('#pay-err').hidden`, nil))
	}
	refused := func(says, name string) {
		t.Helper()
		waitText(t, ctx, "#pay-err", says)
		if name != "" {
			shot(t, ctx, name)
		}
		browse(t, ctx, "cancel payment", chromedp.Click("#pay-dlg .cancel", chromedp.ByQuery), chromedp.WaitNotVisible("#pay-dlg", chromedp.ByQuery))
	}
	receipt := func(name string, says ...string) {
		t.Helper()
		browse(t, ctx, "receipt", chromedp.WaitVisible("#doc-dlg", chromedp.ByQuery))
		for _, s := range says {
			waitText(t, ctx, "#doc-body", s)
		}
		if name != "" {
			shot(t, ctx, name)
		}
		browse(t, ctx, "close receipt", chromedp.Click("#doc-done", chromedp.ByQuery), chromedp.WaitNotVisible("#doc-dlg", chromedp.ByQuery))
	}
	clearCart := func() {
		t.Helper()
		browse(t, ctx, "clear the cart", chromedp.Click("#scan", chromedp.ByQuery), chromedp.KeyEvent(kb.Delete),
			chromedp.Poll(`document.querySelectorAll('#cart tbody tr[data-sku]').length === 0`, nil))
	}

	scan(kurta, 1, "45%")
	pay("upi", party{})
	receipt("gst-01-kurta-45pc-5pc", "GST 5%", "Price band", "2,310.00")
	scan(kurta, 1, "30%")
	pay("upi", party{})
	receipt("", "GST 18%", "2,940.00")

	b2b := party{gstin: "27AAPFU0939F1ZV", name: "Unique Traders LLP", address: "12 MG Road, Pune"}
	scan(brass, 1, "")
	bad := b2b
	bad.gstin = "27AAPFU0939F1ZW"
	pay("upi", bad)
	refused("check character", "gst-02-wrong-gstin")
	pay("upi", b2b)
	receipt("gst-03-b2b", "TAX INVOICE (B2B)", "27AAPFU0939F1ZV", "Unique Traders LLP", "Uttar Pradesh (09)")

	scan(brass, 2, "")
	pay("upi", party{shipAddr: "4 Residency Road, Bengaluru", shipState: "KA"})
	receipt("gst-04-igst", "Karnataka (29)", "IGST")

	named := party{name: "R. Mehta", address: "22 Civil Lines, Kanpur", state: "UP"}
	scan(kurta, 48, "1600.00") // ₹2,00,000.00
	pay("cash", named)
	refused("section 269ST", "gst-05-cash-refused")
	clearCart()
	scan(kurta, 49, "3800.00") // ₹2,02,000.00
	pay("upi", named)
	refused("PAN", "")
	withPAN := named
	withPAN.pan = "ABCPM1234K"
	pay("upi", withPAN)
	receipt("gst-06-pan", "XXXXXX234K", "2,02,000.00")
	scan(kurta, 15, "") // ₹63,000, taxable ₹53,389.83
	pay("upi", party{name: "R. Mehta"})
	refused("Rule 46(e)", "")
	clearCart()

	scan(sheet, 1, "100.40") // ₹999.60
	browse(t, ctx, "open payment", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery))
	waitText(t, ctx, "#pay-due", "₹1,000.00")
	waitText(t, ctx, "#pay-round", "+0.40")
	shot(t, ctx, "gst-07-round-off")
	browse(t, ctx, "exact cash", chromedp.Click("#pay-allcash", chromedp.ByQuery), chromedp.Click("#pay-submit", chromedp.ByQuery))
	waitText(t, ctx, "#pay-change", "₹0.00")
	receipt("gst-08-round-off-receipt", "0.40", "1,000.00")

	// Close: ₹2,000 float + ₹1,000 cash = ₹3,000 counted; nothing over or short.
	browse(t, ctx, "open close shift", alt("z"), chromedp.WaitVisible("#den-n-2000", chromedp.ByQuery),
		chromedp.SendKeys("#den-n-2000", "1", chromedp.ByQuery), chromedp.SendKeys("#den-n-500", "2", chromedp.ByQuery))
	waitText(t, ctx, "#close-total", "₹3,000.00")
	browse(t, ctx, "close shift", chromedp.Click("#close-submit", chromedp.ByQuery), chromedp.WaitVisible("#doc-dlg", chromedp.ByQuery))
	waitText(t, ctx, "#doc-h", "Z report")
	waitText(t, ctx, "#doc-body", "0.40")
	shot(t, ctx, "gst-09-z-report")

	checkGSTBooks(t, e, 6)
}

// checkGSTBooks recomputes every line the mall sold and waits for the hub
// to book the wanted number of sales, then checks its accounts.
func checkGSTBooks(t *testing.T, e *env, wantSales int) {
	t.Helper()
	tok := webLogin(t, e.mall.URL, "admin.gst")
	var z map[string]any
	var sales []saleJSON
	var shiftID string
	if err := e.mall.DB.R.QueryRow(`SELECT id FROM shifts ORDER BY opened_at DESC LIMIT 1`).Scan(&shiftID); err != nil {
		t.Fatal(err)
	}
	if code := webCall(t, "GET", e.mall.URL+"/api/v1/shifts/"+shiftID+"/sales", tok, nil, &sales); code != 200 || len(sales) != wantSales {
		t.Fatalf("shift sales: %d, %d sales, want %d", code, len(sales), wantSales)
	}
	for _, s := range sales {
		for _, l := range s.Lines {
			recomputeLine(t, s.InvoiceNo, l)
		}
	}
	if code := webCall(t, "GET", e.mall.URL+"/api/v1/shifts/"+shiftID+"/z-report", tok, nil, &z); code != 200 || z["over_short"] != "0.00" || z["round_off"] != "0.40" {
		t.Errorf("Z report: %d over/short %v round-off %v", code, z["over_short"], z["round_off"])
	}
	fin := webLogin(t, e.hub.URL, "finance")
	var acc []struct {
		ID      string `json:"id"`
		Balance string `json:"balance"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var totals struct {
			Count int `json:"count"`
		}
		webCall(t, "GET", e.hub.URL+"/api/v1/malls/LKO1/totals", fin, nil, &totals)
		if totals.Count == wantSales {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub booked %d sales, want %d", totals.Count, wantSales)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var check struct {
		OK       bool     `json:"ok"`
		Problems []string `json:"problems"`
	}
	if code := webCall(t, "GET", e.hub.URL+"/api/v1/ledger/check", fin, nil, &check); code != 200 || !check.OK {
		t.Fatalf("ledger check: %d %v", code, check.Problems)
	}
	webCall(t, "GET", e.hub.URL+"/api/v1/ledger/accounts", fin, nil, &acc)
	bal := map[string]string{}
	for _, a := range acc {
		bal[a.ID] = a.Balance
	}
	if bal["gst:UP:igst"] == "" || bal["gst:UP:igst"] == "0.00" || bal["roundoff:LKO1"] != "0.40" {
		t.Errorf("hub accounts: igst %q round-off %q (all: %v)", bal["gst:UP:igst"], bal["roundoff:LKO1"], bal)
	}
	// The Z report reconciles with the hub head by head, round-off too.
	type field struct {
		Name, Mall, Hub, Diff string
	}
	var recon []struct {
		ShiftID string  `json:"shift_id"`
		Matched bool    `json:"matched"`
		Amounts []field `json:"amounts"`
	}
	for {
		recon = nil
		webCall(t, "GET", e.hub.URL+"/api/v1/recon/shifts?mall=LKO1", fin, nil, &recon)
		if len(recon) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(recon) != 1 || !recon[0].Matched {
		t.Fatalf("shift reconciliation: %+v", recon)
	}
	seen := map[string]string{}
	for _, f := range recon[0].Amounts {
		seen[f.Name] = f.Mall
	}
	if seen["round_off"] != "0.40" || seen["tax_igst"] == "" || seen["tax_igst"] == "0.00" || seen["tax_cgst"] == "" {
		t.Errorf("reconciled amounts %v: want round_off 0.40 and the tax heads", seen)
	}
}

type saleJSON struct {
	InvoiceNo string     `json:"invoice_no"`
	Lines     []lineJSON `json:"lines"`
}

type lineJSON struct {
	LineNo  int    `json:"line_no"`
	SKU     string `json:"sku"`
	HSN     string `json:"hsn"`
	Qty     int64  `json:"qty"`
	Amount  string `json:"amount"`
	Taxable string `json:"taxable_value"`
	Rate    string `json:"gst_rate"`
	CGST    string `json:"cgst"`
	SGST    string `json:"sgst"`
	UTGST   string `json:"utgst"`
	IGST    string `json:"igst"`
}

// recomputeLine checks a line without the till's code: the rate of the
// apparel band (5% while one piece is at most ₹2,500 before 5% tax, else
// 18%) for chapters 61-64, the taxable value by integer arithmetic, and
// taxable + taxes = amount.
func recomputeLine(t *testing.T, inv string, l lineJSON) {
	t.Helper()
	p := func(s string) int64 {
		whole, frac, _ := strings.Cut(s, ".")
		n := int64(0)
		for _, c := range whole + (frac + "00")[:2] {
			n = n*10 + int64(c-'0')
		}
		return n
	}
	amount, rate := p(l.Amount), p(l.Rate+".00")
	if ch := l.HSN[:2]; ch >= "61" && ch <= "64" {
		unit := (amount + l.Qty - 1) / l.Qty
		want := int64(1800)
		if unit*100 <= 2500_00*105 {
			want = 500
		}
		if rate != want {
			t.Errorf("%s line %d: %s%%, the band of a piece at %d paise is %d bp", inv, l.LineNo, l.Rate, unit, want)
		}
	}
	den := 10000 + rate
	taxable := (2*amount*10000 + den) / (2 * den)
	if p(l.Taxable) != taxable || p(l.Taxable)+p(l.CGST)+p(l.SGST)+p(l.UTGST)+p(l.IGST) != amount {
		t.Errorf("%s line %d: %s = %s + %s + %s + %s + %s; recomputed taxable %d", inv, l.LineNo, l.Amount, l.Taxable, l.CGST, l.SGST,
			l.UTGST, l.IGST, taxable)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestTaxBandsReachMall changes the price bands of one heading at the hub
// and sells at the mall by them: the hub owns the bands and sends them
// down like tax rates.
func TestTaxBandsReachMall(t *testing.T) {
	e := startEnv(t)
	ctx := context.Background()
	err := e.hub.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := e.hub.Auth.CreateUser(ctx, tx, "hubadmin", password, "hubadmin", auth.HubAdmin, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := webLogin(t, e.hub.URL, "hubadmin")
	// Women's kurtas (6204) at 5% only up to ₹1,000 a piece: a test value,
	// not the law.
	body := map[string]any{"hsn": "6204", "bands": []map[string]any{{"upto": "1000.00", "rate": "5"}, {"open": true, "rate": "18"}}}
	if code := webCall(t, "POST", e.hub.URL+"/api/v1/catalog/tax-bands", admin, body, nil); code != 201 {
		t.Fatalf("POST tax-bands: %d", code)
	}
	bad := map[string]any{"hsn": "6204", "bands": []map[string]any{{"upto": "1000.00", "rate": "5"}}}
	if code := webCall(t, "POST", e.hub.URL+"/api/v1/catalog/tax-bands", admin, bad, nil); code != 400 {
		t.Errorf("bands without an open top: %d, want 400", code)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		if err := e.mall.DB.R.QueryRow(`SELECT count(*) FROM tax_bands WHERE hsn = '6204'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the bands never reached the mall")
		}
		time.Sleep(50 * time.Millisecond)
	}
	tok := webLogin(t, e.mall.URL, "cashier")
	var sh struct {
		ID string `json:"id"`
	}
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/shifts", tok, map[string]string{"counter": "C07", "opening_float": "0.00"}, &sh); code != 201 {
		t.Fatalf("open shift: %d", code)
	}
	var sale struct {
		Lines []lineJSON `json:"lines"`
	}
	req := map[string]any{"shift_id": sh.ID, "lines": []map[string]any{{"sku": "UP-LKO-001", "qty": 1}},
		"tenders": []map[string]any{{"method": "upi", "amount": "1899.00", "ref": "U1"}}}
	if code := e2e.Call(t, "POST", e.mall.URL+"/api/v1/sales", tok, req, &sale, apiclient.Key("01a24e2f-1dca-77dc-bf65-61c457714399")); code != 201 {
		t.Fatalf("sale: %d", code)
	}
	// ₹1,899 is ₹1,808.57 before 5% tax: over the ₹1,000 ceiling, so 18%.
	if l := sale.Lines[0]; l.Rate != "18" {
		t.Errorf("UP-LKO-001 at ₹1,899 under the new 6204 bands: %s%%, want 18%%", l.Rate)
	}
}
