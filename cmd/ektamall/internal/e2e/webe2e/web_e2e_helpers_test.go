package webe2e

import (
	"context"
	"database/sql"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/money"
)

// apiSale opens a shift on counter as the cashier (once per counter) and
// rings one sale of qty × sku paid in cash, through the mall's API. It
// returns the sale's id, invoice number and total.
func apiSale(t *testing.T, e *env, counter, sku string, qty int) (id, invoice string, total money.Amount) {
	t.Helper()
	tok := webLogin(t, e.mall.URL, "cashier")
	var sh struct {
		ID string `json:"id"`
	}
	if code := webCall(t, "GET", e.mall.URL+"/api/v1/shifts/current?counter="+counter, tok, nil, &sh); code != 200 || sh.ID == "" {
		if code := webCall(t, "POST", e.mall.URL+"/api/v1/shifts", tok, map[string]string{"counter": counter, "opening_float": "0.00"}, &sh); code != 201 {
			t.Fatalf("open shift on %s: %d", counter, code)
		}
	}
	req := map[string]any{"shift_id": sh.ID, "lines": []map[string]any{{"sku": sku, "qty": qty}}}
	var sale struct {
		ID        string `json:"id"`
		InvoiceNo string `json:"invoice_no"`
		Payable   string `json:"payable"`
		Total     string `json:"total"`
	}
	// Paid in cash, ₹10 over the catalog price (the change is given back).
	var ps []struct {
		SKU string `json:"sku"`
		MRP string `json:"mrp"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/products?q="+sku, tok, nil, &ps)
	for _, p := range ps {
		if p.SKU == sku {
			req["tenders"] = []map[string]any{{"method": "cash", "amount": money.MustParse(p.MRP).MulInt(int64(qty)).Add(money.MustParse("10.00")).String()}}
		}
	}
	if code := e2e.Call(t, "POST", e.mall.URL+"/api/v1/sales", tok, req, &sale, apiclient.Key(ids.New())); code != 201 {
		t.Fatalf("sale of %d × %s: %d", qty, sku, code)
	}
	return sale.ID, sale.InvoiceNo, money.MustParse(sale.Total)
}

// addMallUser creates a user of role at the test mall and logs them in.
func addMallUser(t *testing.T, e *env, name string, role auth.Role, zone string) string {
	t.Helper()
	ctx := context.Background()
	if err := e.mall.DB.Transact(ctx, func(tx *sql.Tx) error {
		_, err := e.mall.Auth.CreateUser(ctx, tx, name, password, name, role, zone)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return webLogin(t, e.mall.URL, name)
}

// loginScreen opens path at base and logs in as user.
func loginScreen(t *testing.T, ctx context.Context, base, path, user string) {
	t.Helper()
	browse(t, ctx, "log in as "+user+" at "+path, chromedp.Navigate(base+path), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", user, chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#app-view", chromedp.ByQuery))
}
