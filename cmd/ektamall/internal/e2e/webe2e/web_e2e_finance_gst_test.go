package webe2e

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/auth"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
)

// TestFinanceGSTTab drives finance's GST returns tab (issue 19 item 5)
// over a B2B sale, a B2C sale and a transfer to BLR1 on a tax invoice
// with its e-way bill: this month's row has the GSTR-1's totals and
// matches the ledger; the JSON and CSV downloads are the return; the
// e-invoices pending are the B2B invoice and the transfer's invoice, and
// their download is what the portal takes; importing the portal's
// responses records both IRNs (the mall then prints the sale's); the
// transfer documents list the tax invoice with its e-way bill.
func TestFinanceGSTTab(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startEnv(t)
	bg := context.Background()
	lko := mallapp.DemoGSTIN("UP", "LKO1")
	if err := e.hub.SetMallDetails(bg, "LKO1", lko, "Awadh Shilpgram, Lucknow 226010", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.hub.RegisterMall(bg, "BLR1", "KA", "PM Ekta Mall, Bengaluru", ""); err != nil {
		t.Fatal(err)
	}
	blrGSTIN := mallapp.DemoGSTIN("KA", "BLR1")
	if err := e.hub.SetMallDetails(bg, "BLR1", blrGSTIN, "MG Road, Bengaluru 560001", ""); err != nil {
		t.Fatal(err)
	}
	admin := addMallUser(t, e, "lko1.admin", auth.MallAdmin, "")
	const sku = "UP-MBD-001"
	var mrp int64
	e.mall.DB.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = ?`, sku).Scan(&mrp)
	qty := 50000_00/mrp + 1
	transferPeers(t, e, admin, sku, qty)
	var x xferJSON
	if code := e2e.Call(t, "POST", e.mall.URL+"/api/v1/zones/UP/transfers", admin, map[string]any{"to_mall": "BLR1",
		"lines": []map[string]any{{"sku": sku, "qty": qty}}}, &x, apiclient.Key(ids.New())); code != 201 {
		t.Fatalf("transfer: %d", code)
	}
	webCall(t, "PUT", e.mall.URL+"/api/v1/transfers/"+x.ID+"/eway-bill", admin, map[string]any{"vehicle_no": "UP32AB1234", "distance_km": 1900}, nil)
	valid := time.Now().Add(9 * 24 * time.Hour).UTC().Truncate(time.Second)
	if code := webCall(t, "PUT", e.mall.URL+"/api/v1/transfers/"+x.ID+"/eway-bill", admin, map[string]any{"number": "331009876543",
		"valid_until": valid.Format(time.RFC3339)}, &x); code != 200 || x.Status != "sent" {
		t.Fatalf("e-way bill number: %d %s", code, x.Status)
	}
	tok := webLogin(t, e.mall.URL, "cashier")
	var sh struct{ ID string }
	webCall(t, "POST", e.mall.URL+"/api/v1/shifts", tok, map[string]string{"counter": "C09", "opening_float": "0.00"}, &sh)
	var b2b struct {
		ID        string `json:"id"`
		InvoiceNo string `json:"invoice_no"`
	}
	if code := e2e.Call(t, "POST", e.mall.URL+"/api/v1/sales", tok, map[string]any{"shift_id": sh.ID,
		"lines":   []map[string]any{{"sku": "UP-ALG-001", "qty": 2}},
		"tenders": []map[string]any{{"method": "cash", "amount": "1000.00"}},
		"buyer":   map[string]any{"gstin": "27AAPFU0939F1ZV", "name": "Unique Traders LLP", "address": "12 MG Road, Pune 411001", "state": "MH"}},
		&b2b, apiclient.Key(ids.New())); code != 201 {
		t.Fatalf("B2B sale: %d", code)
	}
	apiSale(t, e, "C10", "UP-ALG-001", 1)

	fin := webLogin(t, e.hub.URL, "finance")
	period := time.Now().In(invoice.IST).Format("2006-01")
	type edoc struct {
		InvoiceNo string          `json:"invoice_no"`
		DocType   string          `json:"doc_type"`
		IRN       string          `json:"irn"`
		Status    string          `json:"status"`
		Doc       json.RawMessage `json:"doc"`
	}
	var pending []edoc
	e2e.WaitFor(t, 20*time.Second, "the hub to book the sales and the transfer", func() error {
		var rows []struct {
			Period  string `json:"period"`
			Summary struct {
				Documents int64 `json:"documents"`
			} `json:"summary"`
		}
		webCall(t, "GET", e.hub.URL+"/api/v1/gst/periods?mall=LKO1", fin, nil, &rows)
		pending = nil
		webCall(t, "GET", e.hub.URL+"/api/v1/gst/einvoices?mall=LKO1&status=pending", fin, nil, &pending)
		if len(rows) == 0 || rows[0].Period != period || rows[0].Summary.Documents != 3 || len(pending) != 2 {
			return fmt.Errorf("periods %+v, %d e-invoices pending", rows, len(pending))
		}
		return nil
	})
	var ret json.RawMessage
	webCall(t, "GET", e.hub.URL+"/api/v1/gst/gstr1?mall=LKO1&period="+period, fin, nil, &ret)
	var sum struct {
		Liability struct{ IGST, CGST, SGST string } `json:"liability"`
	}
	var periods []struct {
		Summary json.RawMessage `json:"summary"`
	}
	webCall(t, "GET", e.hub.URL+"/api/v1/gst/periods?mall=LKO1", fin, nil, &periods)
	json.Unmarshal(periods[0].Summary, &sum)
	if sum.Liability.IGST != x.Document.IGST || sum.Liability.CGST == "0.00" {
		t.Fatalf("this month's liability %+v: want the transfer's IGST %s and the sales' CGST", sum.Liability, x.Document.IGST)
	}

	dl := t.TempDir()
	browse(t, ctx, "downloads into a folder", cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(dl).WithEventsEnabled(true))
	loginScreen(t, ctx, e.hub.URL, "/", "finance")
	browse(t, ctx, "GST tab", chromedp.Click("#tab-gst", chromedp.ByQuery), chromedp.WaitReady(`#gst-mall option[value="LKO1"]`, chromedp.ByQuery),
		setValue("#gst-mall", "LKO1"))
	row := "#gst-periods tbody tr:first-child"
	waitText(t, ctx, row, period)
	for _, v := range []string{sum.Liability.IGST, sum.Liability.CGST, sum.Liability.SGST} {
		waitText(t, ctx, row, inr(money.MustParse(v)))
	}
	waitText(t, ctx, row, "yes")
	waitText(t, ctx, row, "not filed")
	shot(t, ctx, "80-finance-gst-periods")

	fileOf := func(name string) []byte {
		t.Helper()
		var b []byte
		e2e.WaitFor(t, 20*time.Second, "the download "+name, func() error {
			var err error
			b, err = os.ReadFile(filepath.Join(dl, name))
			return err
		})
		return b
	}
	browse(t, ctx, "download the JSON", chromedp.Click(row+" td:nth-child(9) button:nth-of-type(1)", chromedp.ByQuery))
	var got, want map[string]any
	if err := json.Unmarshal(fileOf("LKO1_"+period+"_GSTR1.json"), &got); err != nil || got["gstin"] != lko {
		t.Fatalf("the downloaded GSTR-1: %v, gstin %v", err, got["gstin"])
	}
	json.Unmarshal(ret, &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the downloaded GSTR-1 is not the return:\n%v\n%v", got, want)
	}
	browse(t, ctx, "download the CSVs", chromedp.Click(row+" td:nth-child(9) button:nth-of-type(2)", chromedp.ByQuery))
	if z := fileOf("LKO1_" + period + "_GSTR1_csv.zip"); len(z) < 4 || string(z[:2]) != "PK" {
		t.Errorf("the CSV download is not a zip: %q", z[:min(len(z), 8)])
	}

	// E-invoices: the B2B sale and the transfer's tax invoice are pending.
	waitText(t, ctx, "#gst-einv", "INV "+b2b.InvoiceNo)
	waitText(t, ctx, "#gst-einv", "INV "+x.Document.Number)
	browse(t, ctx, "download pending e-invoices", chromedp.Click("#gst-bulk", chromedp.ByQuery))
	var bulk []struct {
		DocDtls   struct{ No string }
		BuyerDtls struct{ Gstin string }
		ValDtls   struct{ TotInvVal json.Number }
	}
	if err := json.Unmarshal(fileOf("LKO1_einvoices_pending.json"), &bulk); err != nil || len(bulk) != 2 {
		t.Fatalf("the pending e-invoices file: %v, %d documents", err, len(bulk))
	}
	browse(t, ctx, "download pending e-invoices one per document", chromedp.Click("#gst-zip", chromedp.ByQuery))
	zb := fileOf("LKO1_einvoices_pending.zip")
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatalf("the per-document download: %v", err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, d := range bulk {
		if n := "INV_" + strings.ReplaceAll(d.DocDtls.No, "/", "-") + ".json"; !names[n] || len(zr.File) != 2 {
			t.Errorf("the zip holds %v, want %s among 2", names, n)
		}
	}
	var responses []map[string]any
	for i, d := range bulk {
		var irn string
		for _, p := range pending {
			if p.InvoiceNo == d.DocDtls.No {
				irn = p.IRN
			}
		}
		fy := invoice.FinancialYear(time.Now())
		h := sha256.Sum256([]byte(fmt.Sprintf("%s%d-%02dINV%s", lko, int(fy), (int(fy)+1)%100, d.DocDtls.No)))
		if irn != hex.EncodeToString(h[:]) {
			t.Fatalf("%s: IRN %s is not the portal's hash", d.DocDtls.No, irn)
		}
		responses = append(responses, irpResponse(lko, d.BuyerDtls.Gstin, d.DocDtls.No, d.ValDtls.TotInvVal.String(), irn, 1120000100+i))
	}
	raw, _ := json.Marshal(responses)
	resp := filepath.Join(t.TempDir(), "irp-responses.json")
	if err := os.WriteFile(resp, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "import the portal's responses", chromedp.SetUploadFiles("#gst-resp", []string{resp}, chromedp.ByQuery),
		chromedp.Click("#gst-import", chromedp.ByQuery))
	waitText(t, ctx, "#einv-done", "2 IRNs recorded")
	waitText(t, ctx, "#gst-einv tbody tr:first-child", "IRN received")
	waitText(t, ctx, "#gst-einv tbody tr:nth-child(2)", "IRN received")
	shot(t, ctx, "81-finance-gst-einvoices")
	e2e.WaitFor(t, 20*time.Second, "the IRN on the mall's invoice", func() error {
		var s struct {
			IRN *struct{ IRN string } `json:"irn"`
		}
		webCall(t, "GET", e.mall.URL+"/api/v1/sales/"+b2b.ID, admin, nil, &s)
		if s.IRN == nil || s.IRN.IRN == "" {
			return fmt.Errorf("no IRN yet")
		}
		return nil
	})

	// Transfer documents and their e-way bills.
	tr := `#gst-transfers tr[data-number="` + x.Document.Number + `"]`
	waitText(t, ctx, tr, "Tax invoice "+x.Document.Number)
	waitText(t, ctx, tr, "BLR1 "+blrGSTIN)
	waitText(t, ctx, tr, inr(money.MustParse(x.Document.IGST)))
	waitText(t, ctx, tr+" .eway", "331009876543")
	waitText(t, ctx, tr+" .eway", "UP32AB1234")
	shot(t, ctx, "82-finance-gst-transfers")
}

// irpResponse is the e-invoice portal's answer for a generated IRN: an
// acknowledgement and a signed QR code whose data claim names the
// document (the signature is a stand-in: the test has no NIC key).
func irpResponse(seller, buyer, docNo, value, irn string, ackNo int) map[string]any {
	ack := time.Now().Add(-time.Hour).In(invoice.IST)
	data, _ := json.Marshal(map[string]any{"SellerGstin": seller, "BuyerGstin": buyer, "DocNo": docNo, "DocTyp": "INV",
		"DocDt": ack.Format("02/01/2006"), "TotInvVal": json.Number(value), "ItemCnt": 1, "MainHsnCode": "74199990",
		"Irn": irn, "IrnDt": ack.Format("2006-01-02 15:04:05")})
	claims, _ := json.Marshal(map[string]any{"data": string(data), "iss": "NIC Sandbox"})
	enc := base64.RawURLEncoding.EncodeToString
	jwt := enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("signature"))
	return map[string]any{"Irn": irn, "AckNo": ackNo, "AckDt": ack.Format("2006-01-02 15:04:05"), "Status": "ACT", "SignedInvoice": jwt, "SignedQRCode": jwt}
}
