package webe2e

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"ektamall/cmd/ektamall/internal/e2e"
	hubapp "ektamall/hub/app"
	"ektamall/hub/producer"
	"ektamall/hub/settle"
	"ektamall/shared/sqldb"
)

// Issue 20 item 6: the QR code on a printed receipt, read by a QR decoder
// from the page as a browser draws it, opens the hub's public trace page
// without a login; once a settlement run has paid the line and the bank's
// result is in, the page says on which day the producer was paid.
func TestBrowserReceiptQRToTracePage(t *testing.T) {
	// A one-second return window, so a sale made now can be settled now.
	e := startEnv(t, func(c *hubapp.Config) { c.ReturnWindow = time.Second })
	// The browser after the servers, so that it is closed first: sockets
	// it opened ahead of use would otherwise hold the hub's shutdown.
	ctx := browser(t)
	const pid, sku = "PR-UP-LUCKNOW-01", "UP-LKO-001"
	bg := context.Background()
	if err := e.hub.Store.Transact(bg, func(tx sqldb.Tx) error {
		_, err := tx.ExecContext(bg, `INSERT INTO producer_bank_accounts (producer_id, beneficiary, account_no, ifsc, updated_at)
			VALUES (?, 'Lucknow Chikan Cooperative', '910000000001', 'EKTA0000001', ?)`, pid, time.Now().UTC().Format(time.RFC3339))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	zm := webLogin(t, e.mall.URL, "zm.up")
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/zones/UP/receipts", zm, map[string]any{"producer_id": pid,
		"lines": []any{map[string]any{"sku": sku, "qty": 3}}}, nil); code != 201 {
		t.Fatalf("receive: %d", code)
	}
	saleID, _, _ := apiSale(t, e, "C01", sku, 1)
	cashierTok := webLogin(t, e.mall.URL, "cashier")
	var sale struct {
		TraceURL string `json:"trace_url"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/sales/"+saleID, cashierTok, nil, &sale)
	if !strings.HasPrefix(sale.TraceURL, e.hub.URL+"/trace/") {
		t.Fatalf("trace_url %q is not at the hub %s", sale.TraceURL, e.hub.URL)
	}

	// The printable receipt, as the cashier's browser shows it; its QR
	// code read back from the screen.
	browse(t, ctx, "open the printable receipt",
		network.SetExtraHTTPHeaders(network.Headers{"Authorization": "Bearer " + cashierTok}),
		chromedp.Navigate(e.mall.URL+"/api/v1/sales/"+saleID+"/receipt?format=html"),
		chromedp.WaitVisible("figure.trace img", chromedp.ByQuery))
	waitText(t, ctx, "tbody", "GI: Lucknow Chikan Craft, Reg. No. 55")
	shot(t, ctx, "trace-receipt")
	scanned := decodeQR(t, ctx, "figure.trace img")
	if scanned != sale.TraceURL {
		t.Fatalf("the receipt's QR code reads %q, want %q", scanned, sale.TraceURL)
	}

	// Followed without any login: the product, where it was made, not yet paid.
	browse(t, ctx, "forget the login", network.SetExtraHTTPHeaders(network.Headers{}))
	e2e.WaitFor(t, 15*time.Second, "the trace page", func() error {
		res, err := http.Get(scanned)
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			return errStatus(res.StatusCode)
		}
		return nil
	})
	browse(t, ctx, "open the trace page", chromedp.Navigate(scanned), chromedp.WaitVisible("section.item", chromedp.ByQuery))
	waitText(t, ctx, "section.item", "Lucknow")
	waitText(t, ctx, "section.item", "Not yet paid")
	waitText(t, ctx, "section.item", "Lucknow Chikan Craft, a registered Geographical Indication (GI Reg. No. 55)")
	shot(t, ctx, "trace-unpaid")
	if body := textOf(t, ctx, "section.item"); strings.Contains(body, "Cooperative") {
		t.Fatalf("the producer is named without their consent: %s", body)
	}
	var scripts int
	browse(t, ctx, "count scripts", chromedp.Evaluate(`document.scripts.length`, &scripts))
	if scripts != 0 {
		t.Fatalf("the trace page has %d scripts", scripts)
	}

	// Settlement pays the line once it is past the (one-second) window;
	// the bank then reports the payout paid.
	fin := webLogin(t, e.hub.URL, "finance")
	var ref string
	e2e.WaitFor(t, 15*time.Second, "a run that pays the sale", func() error {
		var run settle.Run
		if code := webCall(t, "POST", e.hub.URL+"/api/v1/settlements", fin, map[string]any{}, &run); code != 201 && code != 200 {
			return errStatus(code)
		}
		var ps []settle.Payout
		webCall(t, "GET", e.hub.URL+"/api/v1/settlements/"+run.ID+"/payouts", fin, nil, &ps)
		for _, p := range ps {
			if p.ProducerID == pid {
				ref = p.Reference
				return nil
			}
		}
		return errStatus(0)
	})
	req, _ := http.NewRequest("POST", e.hub.URL+"/api/v1/payouts/results", strings.NewReader("reference,status,utr,reason\n"+ref+",paid,SBINR52026120700042,\n"))
	req.Header.Set("Authorization", "Bearer "+fin)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("bank result: %v %v", err, res)
	}
	res.Body.Close()

	// The producer agrees to be named on the page.
	if err := e.hub.Store.Transact(bg, func(tx sqldb.Tx) error {
		return e.hub.Producer.CreateLogin(bg, tx, pid, "lucknow", password)
	}); err != nil {
		t.Fatal(err)
	}
	if code := webCall(t, "PUT", e.hub.URL+"/api/v1/producer/consent", webLogin(t, e.hub.URL, "lucknow"), map[string]bool{"show_name": true}, nil); code != 200 {
		t.Fatalf("consent: %d", code)
	}

	today := time.Now().In(producer.IST).Format("2 January 2006")
	browse(t, ctx, "reload the trace page", chromedp.Navigate(scanned), chromedp.WaitVisible("section.item", chromedp.ByQuery))
	waitText(t, ctx, "section.item", "Paid to the producer on "+today)
	waitText(t, ctx, "section.item", ref)
	waitText(t, ctx, "section.item", "by Lucknow Chikankari Weavers Cooperative Society")
	shot(t, ctx, "trace-paid")
	var body string
	browse(t, ctx, "read the page", chromedp.Text("body", &body, chromedp.ByQuery))
	for _, never := range []string{"₹", "invoice", "SBINR52026120700042", "cashier"} {
		if strings.Contains(body, never) {
			t.Errorf("the public page shows %q:\n%s", never, body)
		}
	}

	// Issue 21 item 15: the page in Hindi by its plain link (no script),
	// saying the same and no more; in Kannada when the browser asks for it.
	browse(t, ctx, "switch to Hindi", chromedp.Click(`nav.langs a[hreflang="hi"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`html[lang="hi"] section.item`, chromedp.ByQuery))
	waitText(t, ctx, "h1", "आपकी ख़रीद कहाँ से आई")
	waitText(t, ctx, "section.item h2", "लखनऊ") // the catalog's Hindi name of the kurta
	waitText(t, ctx, "section.item", "लखनऊ, उत्तर प्रदेश में बना")
	waitText(t, ctx, "section.item", "उत्पादक को "+time.Now().In(producer.IST).Format("02-01-2006")+" को भुगतान हुआ")
	waitText(t, ctx, "section.item", ref)
	shot(t, ctx, "trace-paid-hi")
	var hiBody string
	browse(t, ctx, "read the Hindi page", chromedp.Text("body", &hiBody, chromedp.ByQuery), chromedp.Evaluate(`document.scripts.length`, &scripts))
	for _, never := range []string{"₹", "invoice", "SBINR52026120700042", "cashier"} {
		if strings.Contains(hiBody, never) {
			t.Errorf("the Hindi page shows %q:\n%s", never, hiBody)
		}
	}
	if scripts != 0 || !strings.Contains(hiBody, "English") || !strings.Contains(hiBody, "ಕನ್ನಡ") {
		t.Errorf("the Hindi page: %d scripts, links to the others missing:\n%s", scripts, hiBody)
	}
	req, _ = http.NewRequest("GET", scanned, nil)
	req.Header.Set("Accept-Language", "kn-IN,kn;q=0.9,en;q=0.8")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	kn, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(kn), "ಲಕ್ನೋ, ಉತ್ತರ ಪ್ರದೇಶ ನಲ್ಲಿ ತಯಾರಿಸಲಾಗಿದೆ") || res.Header.Get("Vary") != "Accept-Language" {
		t.Errorf("the page for a Kannada browser: %d, Vary %q:\n%s", res.StatusCode, res.Header.Get("Vary"), kn)
	}
	res, err = http.Get(e.hub.URL + "/trace/AbCdEfGhIjKlMnOpQrStUvWx?lang=hi")
	if err != nil {
		t.Fatal(err)
	}
	missing, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 || !strings.Contains(string(missing), "इस लिंक की कोई रसीद नहीं है") {
		t.Errorf("a link no sale carries, in Hindi: %d %s", res.StatusCode, missing)
	}
}

type errStatus int

func (e errStatus) Error() string { return "status " + http.StatusText(int(e)) }

// decodeQR screenshots the element at 3 device pixels per CSS pixel and
// reads it with ZXing's QR reader, an implementation independent of the
// one that drew it.
func decodeQR(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var png []byte
	browse(t, ctx, "screenshot the QR code",
		chromedp.ActionFunc(func(c context.Context) error { return emulation.SetDeviceMetricsOverride(1366, 768, 3, false).Do(c) }),
		chromedp.Screenshot(sel, &png, chromedp.ByQuery),
		chromedp.ActionFunc(func(c context.Context) error { return emulation.SetDeviceMetricsOverride(1366, 768, 1, false).Do(c) }))
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("QR screenshot: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	r, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the receipt's QR code: %v", err)
	}
	return r.GetText()
}
