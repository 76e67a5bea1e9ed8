package webe2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/hub/producer"
	"ektamall/shared/sqldb"
)

// Issue 20 item 1: a district officer logs in at /producer, sees the
// producers of their own district only, reads a producer's sales (a sale
// made at the mall just now) without any way to change them, and gives
// the producer a one-time login code that the producer can use.
func TestBrowserDistrictOfficer(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	e := startEnv(t)
	ctx := browser(t)
	const pid, sku = "PR-UP-LUCKNOW-01", "UP-LKO-001"
	bg := context.Background()
	if err := e.hub.Store.Transact(bg, func(tx sqldb.Tx) error {
		return e.hub.Producer.CreateOfficerLogin(bg, tx, "district.lucknow", password, "UP-LUCKNOW")
	}); err != nil {
		t.Fatal(err)
	}
	zm := webLogin(t, e.mall.URL, "zm.up")
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/zones/UP/receipts", zm, map[string]any{"producer_id": pid,
		"lines": []any{map[string]any{"sku": sku, "qty": 3}}}, nil); code != 201 {
		t.Fatalf("receive: %d", code)
	}
	_, invoice, _ := apiSale(t, e, "C01", sku, 1)
	officer := webLogin(t, e.hub.URL, "district.lucknow")
	e2e.WaitFor(t, 15*time.Second, "the sale at the hub", func() error {
		var ls []producer.SaleLine
		if code := webCall(t, "GET", e.hub.URL+"/api/v1/district/producers/"+pid+"/sales", officer, nil, &ls); code != 200 || len(ls) == 0 {
			return errStatus(code)
		}
		return nil
	})

	// On a phone's screen (issue 20 item 1: narrow layout, large type).
	browse(t, ctx, "phone screen", chromedp.EmulateViewport(390, 844))
	browse(t, ctx, "producer page", chromedp.Navigate(e.hub.URL+"/producer"), chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Evaluate(`sessionStorage.clear(); localStorage.clear(); true`, nil),
		chromedp.Navigate(e.hub.URL+"/producer"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		setValue("#login-user", "district.lucknow"), setValue("#login-pass", password), chromedp.SendKeys("#login-pass", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#district", chromedp.ByQuery))
	waitText(t, ctx, "#district-name", "Lucknow")
	waitText(t, ctx, "#pick-producer", "Lucknow Chikankari Weavers Cooperative Society")
	waitText(t, ctx, "#me", "read only")
	waitText(t, ctx, "#sales-list", invoice)
	shot(t, ctx, "district-officer-01-sales")
	var fit struct {
		Overflow bool    `json:"overflow"`
		Font     float64 `json:"font"`
	}
	browse(t, ctx, "measure", chromedp.Evaluate(`({overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
		font: parseFloat(getComputedStyle(document.querySelector('#sales-list li')).fontSize)})`, &fit))
	if fit.Overflow || fit.Font < 16 {
		var wide []string
		browse(t, ctx, "what is wide", chromedp.Evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`, &wide))
		t.Fatalf("on a 390px phone the producer's page scrolls sideways (%v: %v) or its type is %.1fpx, under 16", fit.Overflow, wide, fit.Font)
	}
	if opts := textOf(t, ctx, "#pick-producer"); strings.Contains(opts, "Varanasi") || strings.Contains(opts, "Karnataka") {
		t.Fatalf("the officer is offered another district's producers: %s", opts)
	}

	browse(t, ctx, "give a login code", chromedp.Click("#issue-code", chromedp.ByQuery), chromedp.WaitVisible("#code-out", chromedp.ByQuery))
	out := textOf(t, ctx, "#code-out")
	shot(t, ctx, "district-officer-02-code")
	browse(t, ctx, "back to a desktop screen", chromedp.EmulateViewport(1366, 768))
	i := strings.Index(out, "code ")
	if i < 0 {
		t.Fatalf("no code shown: %q", out)
	}
	code := strings.Fields(out[i+5:])[0]
	if c := webCall(t, "POST", e.hub.URL+"/api/v1/auth/setup", "", map[string]string{"code": code, "password": password}, nil); c != 200 {
		t.Fatalf("the code shown (%q) does not set the producer's password: %d", code, c)
	}
	var ls []producer.SaleLine
	if c := webCall(t, "GET", e.hub.URL+"/api/v1/producer/sales", webLogin(t, e.hub.URL, strings.ToLower(pid)), nil, &ls); c != 200 || len(ls) != 1 {
		t.Fatalf("the producer's own view: %d, %d lines", c, len(ls))
	}
}
