package webe2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ektamall/shared/webui"
)

// TestReceiptInKannada: at Bengaluru's till a cashier working in Kannada
// finds a product by its Kannada name, sells it, and the customer's
// documents read in Kannada: the receipt on screen, the 80 mm print and the
// server's printable invoice, district and State included. The printable
// invoice follows the user's choice, and ?lang= picks another.
func TestReceiptInKannada(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	m := startBLR1(t)
	p := productBySKU(t, "UP-ALG-001") // Aligarh, Uttar Pradesh: sold in Karnataka too
	kn, err := webui.Dict("kn")
	if err != nil {
		t.Fatal(err)
	}
	where := kn["district.UP-ALIGARH"] + ", " + kn["state.UP"]
	if p.Names["kn"] == "" || kn["district.UP-ALIGARH"] == "" || kn["state.UP"] == "" {
		t.Fatalf("the catalog or the translation files lack Kannada for %s (%q, %q)", p.SKU, p.Names["kn"], where)
	}

	tillAs(t, ctx, m.URL, "cashier")
	browse(t, ctx, "choose Kannada", setValue("#lang-sel", "kn"))
	waitText(t, ctx, "#pay-btn", "ಪಾವತಿ")

	// Found by a word of its Kannada name, shown with its place in Kannada.
	word := strings.Fields(p.Names["kn"])[0]
	browse(t, ctx, "search in Kannada", chromedp.KeyEvent(kb.F2), chromedp.WaitVisible("#search-q", chromedp.ByQuery),
		setValue("#search-q", word))
	waitText(t, ctx, "#search-list", p.Names["kn"])
	waitText(t, ctx, "#search-list", where)
	shot(t, ctx, "till-kn-05-search")
	browse(t, ctx, "add it", chromedp.SendKeys("#search-q", kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(`#cart tbody tr[data-sku="`+p.SKU+`"]`, chromedp.ByQuery))
	waitText(t, ctx, `#cart tbody tr[data-sku="`+p.SKU+`"]`, where)

	browse(t, ctx, "pay", chromedp.KeyEvent(kb.F9), chromedp.WaitVisible("#pay-cash", chromedp.ByQuery),
		chromedp.SendKeys("#pay-cash", kb.Enter, chromedp.ByQuery))
	dialogOpen(t, ctx, "doc-dlg")
	waitText(t, ctx, "#doc-body", "ತೆರಿಗೆ ಇನ್‌ವಾಯ್ಸ್")
	waitText(t, ctx, "#doc-body", p.Names["kn"])
	waitText(t, ctx, "#doc-body", where)
	shot(t, ctx, "till-kn-06-receipt")

	// The 80 mm print: what the printer gets, drawn as print media.
	browse(t, ctx, "print", chromedp.Evaluate(`window.print = () => {}; true`, nil), chromedp.Click("#doc-print", chromedp.ByQuery),
		chromedp.ActionFunc(func(c context.Context) error { return emulation.SetEmulatedMedia().WithMedia("print").Do(c) }))
	waitText(t, ctx, "#print-area", "ತೆರಿಗೆ ಇನ್‌ವಾಯ್ಸ್")
	waitText(t, ctx, "#print-area", where)
	waitText(t, ctx, "#print-area", kn["state.KA"]+" (29)")
	printed := textOf(t, ctx, "#print-area")
	for _, english := range []string{"Aligarh", "Uttar Pradesh", "Karnataka", "Tax invoice", "Total"} {
		if strings.Contains(printed, english) {
			t.Errorf("the Kannada print says %q: %s", english, printed)
		}
	}
	shot(t, ctx, "till-kn-07-print-80mm")
	browse(t, ctx, "screen media", chromedp.ActionFunc(func(c context.Context) error { return emulation.SetEmulatedMedia().WithMedia("").Do(c) }))

	// The server's printable invoice, in the cashier's language (kept on
	// the server), and in Hindi when asked.
	var title string
	browse(t, ctx, "invoice number", chromedp.Text("#doc-h", &title, chromedp.ByQuery))
	invoice := title[strings.LastIndex(title, " ")+1:]
	tok := webLogin(t, m.URL, "cashier")
	var found []struct{ ID string }
	if code := webCall(t, "GET", m.URL+"/api/v1/sales?invoice_no="+url.QueryEscape(invoice), tok, nil, &found); code != 200 || len(found) != 1 {
		t.Fatalf("find %s: %d %v", invoice, code, found)
	}
	page := m.URL + "/api/v1/sales/" + found[0].ID + "/receipt?format=html"
	browse(t, ctx, "printable invoice", network.SetExtraHTTPHeaders(network.Headers{"Authorization": "Bearer " + tok}),
		chromedp.Navigate(page), chromedp.WaitVisible("#print", chromedp.ByQuery))
	var lang string
	browse(t, ctx, "its language", chromedp.Evaluate(`document.documentElement.lang`, &lang))
	if lang != "kn" {
		t.Errorf("the printable invoice is in %q, want kn (the cashier's choice)", lang)
	}
	waitText(t, ctx, "h2", kn["rcpt.taxInvoice"])
	waitText(t, ctx, "tbody", where)
	waitText(t, ctx, "#print", kn["rcpt.print"])
	shot(t, ctx, "till-kn-08-printable-invoice")
	hi, err := webui.Dict("hi")
	if err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "printable invoice in Hindi", chromedp.Navigate(page+"&lang=hi"), chromedp.WaitVisible("#print", chromedp.ByQuery))
	waitText(t, ctx, "h2", hi["rcpt.taxInvoice"])
	waitText(t, ctx, "tbody", hi["district.UP-ALIGARH"]+", "+hi["state.UP"])
	shot(t, ctx, "till-hi-08-printable-invoice")
	browse(t, ctx, "forget the token", network.SetExtraHTTPHeaders(network.Headers{}))
}
