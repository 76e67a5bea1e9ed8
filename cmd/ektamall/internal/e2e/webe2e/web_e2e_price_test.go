package webe2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/auth"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// TestPriceChangeOneSKU is issue 21 item 13's single price change: the hub
// admin sets a new MRP for one SKU on the Prices tab, and the mall sells at
// it. (Bulk and festival prices: TestFinanceOps.)
func TestPriceChangeOneSKU(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p, _ := upProducts(t)
	bg := context.Background()
	if err := e.hub.Store.Transact(bg, func(tx sqldb.Tx) error {
		_, err := e.hub.Auth.CreateUser(bg, tx, "catalog", password, "Catalog", auth.HubAdmin, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	newMRP := p.MRP.Add(money.MustParse("25.00"))
	loginScreen(t, ctx, e.hub.URL, "/", "catalog")
	browse(t, ctx, "one price", chromedp.Click("#tab-prices", chromedp.ByQuery), chromedp.WaitVisible("#price-sku", chromedp.ByQuery),
		chromedp.SendKeys("#price-sku", p.SKU, chromedp.ByQuery), chromedp.SendKeys("#price-mrp", newMRP.String(), chromedp.ByQuery),
		chromedp.Click("#price-form button", chromedp.ByQuery))
	waitText(t, ctx, "#price-done", p.SKU)
	shot(t, ctx, "94-finance-one-price")
	if s := textOf(t, ctx, "#price-err"); s != "" {
		t.Fatalf("the price change was refused: %q", s)
	}
	cashier := webLogin(t, e.mall.URL, "cashier")
	e2e.WaitFor(t, 15*time.Second, "the new price at the mall", func() error {
		var got struct{ MRP string }
		webCall(t, "GET", e.mall.URL+"/api/v1/products/"+p.SKU, cashier, nil, &got)
		if got.MRP == newMRP.String() {
			return nil
		}
		return fmt.Errorf("mall sells %s at %s, want %s", p.SKU, got.MRP, newMRP)
	})
}
