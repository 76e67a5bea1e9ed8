package synce2e

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/pos/mallapp"
	"ektamall/shared/apiclient"
	"ektamall/shared/invoice"
)

// TestEInvoiceRoundTrip rings two B2B invoices at a mall, and at the hub:
// lists them as pending e-invoices whose INV-01 JSON carries every
// mandatory field and whose IRN is the portal's hash; imports the portal's
// responses; the mall then prints the IRN and the signed QR code on the
// invoice. Voiding the invoice whose IRN is more than 24 hours old is
// refused with the reason; the other void asks for the IRN's cancellation,
// which the hub lists and then records from the portal's answer.
func TestEInvoiceRoundTrip(t *testing.T) {
	a := startApps(t)
	ctx := context.Background()
	gstin := mallapp.DemoGSTIN("UP", "LKO1")
	if err := a.hub.SetMallDetails(ctx, "LKO1", gstin, "Awadh Shilpgram, Gomti Nagar, Lucknow 226010", ""); err != nil {
		t.Fatal(err)
	}
	var sh struct{ ID string }
	keyedCall(t, a.mallURL+"/api/v1/shifts", a.mallTok, map[string]any{"counter": "C01", "opening_float": "1000.00"}, 201, &sh)
	type sale struct {
		ID        string
		InvoiceNo string `json:"invoice_no"`
		Payable   string
		IRN       *struct {
			IRN   string `json:"irn"`
			AckNo string `json:"ack_no"`
		} `json:"irn"`
	}
	var sales [2]sale
	for i := range sales {
		keyedCall(t, a.mallURL+"/api/v1/sales", a.mallTok, map[string]any{"shift_id": sh.ID,
			"lines":   []any{map[string]any{"sku": "UP-ALG-001", "qty": 2}},
			"tenders": []any{map[string]any{"method": "cash", "amount": "1000.00"}},
			"buyer":   map[string]any{"gstin": "27AAPFU0939F1ZV", "name": "Unique Traders LLP", "address": "12 MG Road, Pune 411001", "state": "MH"}}, 201, &sales[i])
	}
	type listed struct {
		InvoiceNo string          `json:"invoice_no"`
		DocType   string          `json:"doc_type"`
		IRN       string          `json:"irn"`
		Status    string          `json:"status"`
		Errors    []string        `json:"errors"`
		Doc       json.RawMessage `json:"doc"`
	}
	var pending []listed
	e2e.WaitFor(t, 20*time.Second, "both invoices pending at the hub", func() error {
		pending = nil
		if code := e2e.Call(t, "GET", a.hubURL+"/api/v1/gst/einvoices?mall=LKO1&status=pending", a.hubTok, nil, &pending); code != 200 {
			return fmt.Errorf("status %d", code)
		}
		if len(pending) != 2 {
			return fmt.Errorf("%d pending", len(pending))
		}
		return nil
	})
	now := time.Now()
	var responses []map[string]any
	for i, p := range pending {
		if p.InvoiceNo != sales[i].InvoiceNo || p.DocType != "INV" || len(p.Errors) != 0 {
			t.Fatalf("pending %d: %s %s, errors %v", i, p.DocType, p.InvoiceNo, p.Errors)
		}
		fy := invoice.FinancialYear(now)
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s%d-%02d%s%s", gstin, int(fy), (int(fy)+1)%100, "INV", p.InvoiceNo)))
		if want := hex.EncodeToString(sum[:]); p.IRN != want {
			t.Errorf("IRN %s, want %s", p.IRN, want)
		}
		for _, miss := range missingINV01(t, p.Doc) {
			t.Errorf("%s: INV-01 lacks %s", p.InvoiceNo, miss)
		}
		var doc struct {
			ValDtls struct{ TotInvVal json.Number }
		}
		json.Unmarshal(p.Doc, &doc)
		if doc.ValDtls.TotInvVal.String() != sales[i].Payable {
			t.Errorf("%s: TotInvVal %s, the invoice's payable %s", p.InvoiceNo, doc.ValDtls.TotInvVal, sales[i].Payable)
		}
		ack := now.Add(-25 * time.Hour) // the first IRN is old: its invoice can no longer be voided
		if i == 1 {
			ack = now.Add(-time.Hour)
		}
		responses = append(responses, portalResponse(gstin, "27AAPFU0939F1ZV", p.InvoiceNo, doc.ValDtls.TotInvVal.String(), p.IRN, 1120000000+i, ack))
	}
	var res struct{ Generated, Unchanged int }
	code, body := postJSON(t, a.hubURL+"/api/v1/gst/einvoices/responses", a.hubTok, responses, &res)
	if code != 200 || res.Generated != 2 {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, _ = postJSON(t, a.hubURL+"/api/v1/gst/einvoices/responses", a.hubTok, responses, &res); code != 200 || res.Unchanged != 2 {
		t.Errorf("the same file again: %d %+v, want 2 unchanged", code, res)
	}
	bad := portalResponse(gstin, "27AAPFU0939F1ZV", pending[0].InvoiceNo, "1.00", pending[0].IRN, 9, now)
	if code, body = postJSON(t, a.hubURL+"/api/v1/gst/einvoices/responses", a.hubTok, []any{bad}, nil); code != 400 || !strings.Contains(body, "value") {
		t.Errorf("a response registering another value: %d %s", code, body)
	}

	for i := range sales {
		e2e.WaitFor(t, 20*time.Second, "the IRN at the mall", func() error {
			var s sale
			e2e.Call(t, "GET", a.mallURL+"/api/v1/sales/"+sales[i].ID, a.mallTok, nil, &s)
			if s.IRN == nil || s.IRN.IRN != pending[i].IRN {
				return fmt.Errorf("no IRN yet")
			}
			return nil
		})
	}
	html := getText(t, a.mallURL+"/api/v1/sales/"+sales[0].ID+"/receipt?format=html", a.mallTok)
	if !strings.Contains(html, pending[0].IRN) || !strings.Contains(html, "<svg") || !strings.Contains(html, "1120000000") {
		t.Errorf("the printed invoice lacks the IRN, the acknowledgement or the QR code")
	}
	if txt := getText(t, a.mallURL+"/api/v1/sales/"+sales[0].ID+"/receipt?format=text", a.mallTok); !strings.Contains(txt, pending[0].IRN[:32]) {
		t.Errorf("the thermal receipt lacks the IRN:\n%s", txt)
	}

	code, body = postJSON(t, a.mallURL+"/api/v1/sales/"+sales[0].ID+"/void", a.mallTok, map[string]string{"reason": "wrong buyer"}, nil)
	if code != 409 || !strings.Contains(body, "24 hours") || !strings.Contains(body, "credit note") {
		t.Errorf("void of an invoice e-invoiced 25 hours ago: %d %s, want 409 saying why", code, body)
	}
	if code, body = postJSON(t, a.mallURL+"/api/v1/sales/"+sales[1].ID+"/void", a.mallTok, map[string]string{"reason": "wrong buyer"}, nil); code != 200 {
		t.Fatalf("void within 24 hours: %d %s", code, body)
	}
	e2e.WaitFor(t, 20*time.Second, "the IRN to cancel listed at the hub", func() error {
		var l []listed
		e2e.Call(t, "GET", a.hubURL+"/api/v1/gst/einvoices?mall=LKO1&status=cancel_pending", a.hubTok, nil, &l)
		if len(l) != 1 || l[0].IRN != pending[1].IRN {
			return fmt.Errorf("%d to cancel", len(l))
		}
		return nil
	})
	cancel := []map[string]any{{"Irn": pending[1].IRN, "Status": "CNL", "CancelDate": now.In(invoice.IST).Format("2006-01-02 15:04:05")}}
	var cres struct{ Cancelled int }
	if code, body = postJSON(t, a.hubURL+"/api/v1/gst/einvoices/responses", a.hubTok, cancel, &cres); code != 200 || cres.Cancelled != 1 {
		t.Errorf("import the cancellation: %d %s", code, body)
	}
}

// portalResponse is what the IRP answers for a generated e-invoice: the
// IRN, an acknowledgement and a signed QR code whose data claim names the
// document (the signature is a stand-in: the test has no NIC key).
func portalResponse(seller, buyer, docNo, value, irn string, ackNo int, ack time.Time) map[string]any {
	data, _ := json.Marshal(map[string]any{"SellerGstin": seller, "BuyerGstin": buyer, "DocNo": docNo, "DocTyp": "INV",
		"DocDt": ack.In(invoice.IST).Format("02/01/2006"), "TotInvVal": json.Number(value), "ItemCnt": 1, "MainHsnCode": "74199990",
		"Irn": irn, "IrnDt": ack.In(invoice.IST).Format("2006-01-02 15:04:05")})
	claims, _ := json.Marshal(map[string]any{"data": string(data), "iss": "NIC Sandbox"})
	enc := base64.RawURLEncoding.EncodeToString
	jwt := enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("signature"))
	return map[string]any{"Irn": irn, "AckNo": ackNo, "AckDt": ack.In(invoice.IST).Format("2006-01-02 15:04:05"), "Status": "ACT",
		"SignedInvoice": jwt, "SignedQRCode": jwt}
}

// missingINV01 lists the INV-01 mandatory fields absent from doc.
func missingINV01(t *testing.T, raw []byte) []string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var miss []string
	need := func(where string, m map[string]any, keys ...string) {
		for _, k := range keys {
			if v, ok := m[k]; !ok || v == "" || v == nil {
				miss = append(miss, where+k)
			}
		}
	}
	obj := func(k string) map[string]any { m, _ := doc[k].(map[string]any); return m }
	need("", doc, "Version", "TranDtls", "DocDtls", "SellerDtls", "BuyerDtls", "ItemList", "ValDtls")
	need("TranDtls.", obj("TranDtls"), "TaxSch", "SupTyp")
	need("DocDtls.", obj("DocDtls"), "Typ", "No", "Dt")
	need("SellerDtls.", obj("SellerDtls"), "Gstin", "LglNm", "Addr1", "Loc", "Pin", "Stcd")
	need("BuyerDtls.", obj("BuyerDtls"), "Gstin", "LglNm", "Pos", "Addr1", "Loc", "Pin", "Stcd")
	need("ValDtls.", obj("ValDtls"), "AssVal", "TotInvVal")
	items, _ := doc["ItemList"].([]any)
	if len(items) == 0 {
		miss = append(miss, "ItemList[0]")
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		need("ItemList[].", m, "SlNo", "IsServc", "HsnCd", "UnitPrice", "TotAmt", "AssAmt", "GstRt", "TotItemVal")
	}
	return miss
}

// postJSON posts body with a fresh Idempotency-Key through the API client;
// it returns the status and, for a refusal, the error body.
func postJSON(t *testing.T, url, tok string, body, out any) (int, string) {
	t.Helper()
	c := &apiclient.Client{Token: tok}
	status, err := c.Call(context.Background(), "POST", url, body, out, apiclient.Key(uuid.NewString()))
	var ae *apiclient.Error
	if errors.As(err, &ae) {
		return ae.Status, string(ae.Body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return status, ""
}

// getText reads a document that is not JSON (a receipt) as text.
func getText(t *testing.T, url, tok string) string {
	t.Helper()
	res, err := (&apiclient.Client{Token: tok}).Send(context.Background(), "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return string(raw)
}
