package webe2e

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/apiclient"
	"ektamall/shared/money"
	"ektamall/shared/webui"
)

// TestFinanceReports rings two sales at LKO1 through the mall's API and
// reads them on the finance screen's Reports tab: net sales by district
// with a total, the hub's SVG chart, the tender mix, the top products,
// "Ledger balanced" with debits equal to credits, and the CSV export.
func TestFinanceReports(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	p1, p2 := upProducts(t)
	_, _, t1 := apiSale(t, e, "C05", p1.SKU, 2)
	_, _, t2 := apiSale(t, e, "C05", p2.SKU, 1)
	want := t1.Add(t2)

	fin := webLogin(t, e.hub.URL, "finance")
	e2e.WaitFor(t, 20*time.Second, "both sales at the hub", func() error {
		var rows []struct{ Net string }
		webCall(t, "GET", e.hub.URL+"/api/v1/reports/sales?by=state", fin, nil, &rows)
		if len(rows) == 1 && money.MustParse(rows[0].Net).Equal(want) {
			return nil
		}
		return fmt.Errorf("by state: %+v, want UP %s", rows, want)
	})

	browse(t, ctx, "log in as finance", chromedp.Navigate(e.hub.URL+"/"), chromedp.WaitVisible("#login-user", chromedp.ByQuery),
		chromedp.SendKeys("#login-user", "finance", chromedp.ByQuery), chromedp.SendKeys("#login-pass", password+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible("#tab-reports", chromedp.ByQuery))
	browse(t, ctx, "open reports", chromedp.Click("#tab-reports", chromedp.ByQuery), chromedp.WaitVisible("#rep-form", chromedp.ByQuery))
	waitText(t, ctx, "#rep-total", inr(want))
	browse(t, ctx, "by district", setValue("#rep-by", "district"), chromedp.Click("#rep-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, "#rep-key-h", "District")
	waitText(t, ctx, `#rep-table tbody tr[data-key="`+p1.DistrictID+`"]`, inr(t1))
	waitText(t, ctx, "#rep-total", inr(want))
	// The chart is the hub's SVG, one bar per district, labelled in rupees.
	waitText(t, ctx, "#rep-chart svg", inr(t1))
	var bars int
	browse(t, ctx, "count bars", chromedp.Evaluate(`document.querySelectorAll('#rep-chart svg rect').length`, &bars))
	if wantBars := map[bool]int{true: 1, false: 2}[p1.DistrictID == p2.DistrictID]; bars != wantBars {
		t.Fatalf("%d bars in the chart, want %d", bars, wantBars)
	}
	// Every sale was cash, so cash carries all of it.
	waitText(t, ctx, `#rep-tenders tr[data-method="cash"]`, "100.0%")
	waitText(t, ctx, `#rep-tenders tr[data-method="cash"]`, inr(want))
	waitText(t, ctx, "#rep-top-products", p1.Name)
	waitText(t, ctx, "#rep-ledger", "Ledger balanced: debits ₹")
	if s := textOf(t, ctx, "#rep-ledger"); !strings.Contains(s, " = credits ") {
		t.Fatalf("ledger pill: %q", s)
	} else if d, c, _ := strings.Cut(strings.TrimPrefix(s, "Ledger balanced: debits "), " = credits "); d != c || d == "₹0.00" {
		t.Fatalf("ledger pill %q: debits %s, credits %s", s, d, c)
	}
	// The range is shown in words, India time.
	waitText(t, ctx, "#rep-range", time.Now().In(istZone).Format("2 January 2006"))
	shot(t, ctx, "50-finance-reports")

	// By day: today's row, named in words.
	browse(t, ctx, "by day", setValue("#rep-by", "day"), chromedp.Click("#rep-form button[type=submit]", chromedp.ByQuery))
	today := time.Now().In(istZone)
	waitText(t, ctx, `#rep-table tbody tr[data-key="`+today.Format("2006-01-02")+`"]`, today.Format("Monday, 2 January 2006"))

	// The CSV the Download button asks for.
	c := &apiclient.Client{Token: fin}
	resp, err := c.Send(context.Background(), "GET", e.hub.URL+"/api/v1/reports/sales?by=district", nil, apiclient.Header("Accept", "text/csv"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(body), "district,name,state,") ||
		!strings.Contains(string(body), p1.DistrictID+",") {
		t.Fatalf("CSV: %s %q", resp.Header.Get("Content-Type"), body)
	}
	browse(t, ctx, "download csv", chromedp.Click("#rep-csv", chromedp.ByQuery))

	// In Hindi, districts and States are named in Hindi (the translation files' place names).
	hi, err := webui.Dict("hi")
	if err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "Hindi", alt("l"), chromedp.Poll(`document.documentElement.lang === 'hi'`, nil),
		setValue("#rep-by", "district"), chromedp.Click("#rep-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, `#rep-table tbody tr[data-key="`+p1.DistrictID+`"]`, hi["district."+p1.DistrictID])
	browse(t, ctx, "by State", setValue("#rep-by", "state"), chromedp.Click("#rep-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, `#rep-table tbody tr[data-key="UP"]`, hi["state.UP"])
	// By producer and by product, each row keyed by its id; the top lists count units in Hindi.
	browse(t, ctx, "by producer", setValue("#rep-by", "producer"), chromedp.Click("#rep-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, `#rep-table tbody tr[data-key="`+p1.ProducerID+`"]`, inr(t1))
	browse(t, ctx, "by product", setValue("#rep-by", "product"), chromedp.Click("#rep-form button[type=submit]", chromedp.ByQuery))
	waitText(t, ctx, `#rep-table tbody tr[data-key="`+p2.SKU+`"]`, inr(t2))
	waitText(t, ctx, "#rep-top-producers", p1.ProducerID)
	waitText(t, ctx, "#rep-top-products", strings.ReplaceAll(hi["rep.units"], "{0}", "2"))
	if s := textOf(t, ctx, "#rep-top-products"); strings.Contains(s, "unit") {
		t.Errorf("the Hindi top products count in English: %q", s)
	}
	shot(t, ctx, "51-finance-reports-hi")
}

var istZone = time.FixedZone("IST", 5*3600+1800)
