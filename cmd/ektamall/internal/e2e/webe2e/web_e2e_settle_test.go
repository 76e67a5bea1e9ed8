package webe2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ektamall/cmd/ektamall/internal/e2e"
)

// TestSettlementToday is issue 21 item 7: finance picks today as the
// cutoff (it used to be refused as "in the future"), the run pays nothing
// because today's sale is still inside its return window, and the screen
// says so, with the day the sale becomes payable in words, India time.
func TestSettlementToday(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p1, _ := upProducts(t)
	apiSale(t, e, "C06", p1.SKU, 1)
	fin := webLogin(t, e.hub.URL, "finance")
	e2e.WaitFor(t, 20*time.Second, "the sale at the hub", func() error {
		var rows []struct{ Key string }
		webCall(t, "GET", e.hub.URL+"/api/v1/reports/sales?by=state", fin, nil, &rows)
		if len(rows) == 1 {
			return nil
		}
		return fmt.Errorf("sales by state: %+v", rows)
	})

	loginScreen(t, ctx, e.hub.URL, "/", "finance")
	today := time.Now().In(istZone)
	browse(t, ctx, "run a settlement to today", chromedp.Click("#tab-settle", chromedp.ByQuery), chromedp.WaitVisible("#settle-cutoff", chromedp.ByQuery),
		setValue("#settle-cutoff", today.Format("2006-01-02")), chromedp.Click("#settle-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#run-h", "Run #1: 0 payouts")
	waitText(t, ctx, "#run-h", "IST")
	waitText(t, ctx, "#run-why", "no sale older than the 7-day return window")
	// The sale was rung a moment ago: payable seven days on, whatever the hour.
	waitText(t, ctx, "#run-why", "become payable on "+today.AddDate(0, 0, 7).Format("2 January 2006"))
	shot(t, ctx, "80-finance-settle-today")
	if s := textOf(t, ctx, "#settle-err"); s != "" {
		t.Fatalf("the screen refused today: %q", s)
	}
	// A day after today is refused on the screen, in words.
	browse(t, ctx, "tomorrow", setValue("#settle-cutoff", today.AddDate(0, 0, 1).Format("2006-01-02")), chromedp.Click("#settle-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#settle-err", "Choose today ("+today.Format("2 January 2006")+")")
}
