package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ektamall/pos"
	"ektamall/pos/api"
	"ektamall/pos/postest"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

// posServer is a mall's HTTP API on 127.0.0.1 over a real SQLite file,
// with a logged-in token for each test user.
type posServer struct {
	t      testing.TB
	m      *postest.Mall
	url    string
	tokens map[string]string
	client *http.Client
}

func newPOSServer(t testing.TB, o sqlitedb.Options, extraUsers ...string) *posServer {
	t.Helper()
	m := postest.Open(t, o)
	for _, u := range extraUsers {
		m.AddUser(t, u, "cashier")
	}
	h := api.New(api.Deps{MallID: postest.MallID, State: postest.State, DB: m.DB, Auth: m.Auth, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		POS: api.POSDeps{Service: m.POS}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	p := &posServer{t: t, m: m, url: srv.URL, tokens: map[string]string{}, client: srv.Client()}
	for name := range m.Users {
		var out struct{ Token string }
		if st, raw := p.do("", "POST", "/api/v1/auth/login", map[string]string{"username": name, "password": postest.Password}, nil); st != 200 {
			t.Fatalf("login %s: %d %s", name, st, raw)
		} else if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		p.tokens[name] = out.Token
	}
	return p
}

// do sends body (a string or []byte as is, anything else as JSON) as
// user who ("" for none) and returns the status and body.
func (p *posServer) do(who, method, path string, body any, hdr map[string]string) (int, []byte) {
	p.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			p.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, p.url+path, r)
	if err != nil {
		p.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok, ok := p.tokens[who]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if who != "" {
		req.Header.Set("Authorization", "Bearer "+who) // a raw (bad) token
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// json calls and decodes the answer into out, failing unless the status
// is want.
func (p *posServer) json(who, method, path string, body any, hdr map[string]string, want int, out any) []byte {
	p.t.Helper()
	st, raw := p.do(who, method, path, body, hdr)
	if st != want {
		p.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, who, st, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return raw
}

func key() map[string]string { return map[string]string{"Idempotency-Key": ids.New()} }

// TestCounterDay is the "done when" walk over real HTTP: a
// cashier opens a shift, sells two ODOP products for cash and UPI, prints
// the invoice, takes one item back, and closes with a Z report that adds
// up.
func TestCounterDay(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	var sh pos.Shift
	p.json("cashier1", "POST", "/api/v1/shifts", map[string]any{"counter": "C01", "opening_float": "2000.00"}, nil, 201, &sh)
	p.json("cashier1", "GET", "/api/v1/shifts/current", nil, nil, 200, &sh)

	// Brass padlock (Aligarh, GI, 18%) and a moonj basket (Amethi, 5%):
	// 480.00 + 2 × 399.00 = 1278.00, 800 by UPI and the rest in cash.
	var qr pos.UPIRequest
	p.json("cashier1", "GET", "/api/v1/upi-qr?amount=800.00", nil, nil, 200, &qr)
	if !strings.HasPrefix(qr.URI, "upi://pay?pa=") || !strings.Contains(qr.URI, "&tr="+qr.TR+"&") || !strings.Contains(qr.URI, "&am=800.00&cu=INR") {
		t.Errorf("UPI payload %q", qr.URI)
	}
	var qr2 pos.UPIRequest
	p.json("cashier1", "GET", "/api/v1/upi-qr?amount=800.00", nil, nil, 200, &qr2)
	if qr2.TR == qr.TR {
		t.Errorf("two QRs share the reference %s", qr.TR)
	}
	body := map[string]any{"shift_id": sh.ID,
		"lines":   []map[string]any{{"sku": "UP-ALG-001", "qty": 1}, {"sku": "UP-AMT-001", "qty": 2}},
		"tenders": []map[string]any{{"method": "upi", "amount": "800.00", "ref": qr.TR}, {"method": "cash", "amount": "500.00"}}}
	k := key()
	var sale pos.Sale
	first := p.json("cashier1", "POST", "/api/v1/sales", body, k, 201, &sale)
	if sale.Total.String() != "1278.00" || sale.Change.String() != "22.00" || len(sale.Lines) != 2 || sale.Lines[0].HSN != "8301" {
		t.Fatalf("invoice: %s", first)
	}
	var line map[string]any
	var raw map[string][]map[string]any
	json.Unmarshal(first, &raw)
	line = raw["lines"][0]
	for _, f := range []string{"sku", "qty", "unit_price", "amount", "taxable_value", "gst_rate", "cgst", "sgst", "hsn"} {
		if _, ok := line[f]; !ok {
			t.Errorf("invoice line lacks %q", f)
		}
	}
	again := p.json("cashier1", "POST", "/api/v1/sales", body, k, 200, nil)
	if !bytes.Equal(first, again) {
		t.Errorf("retry with the same key answered differently:\n%s\n%s", first, again)
	}
	p.json("cashier2", "GET", "/api/v1/sales/"+sale.ID, nil, nil, 200, nil)

	_, text := p.do("cashier1", "GET", "/api/v1/sales/"+sale.ID+"/receipt?format=text", nil, nil)
	for _, want := range []string{"TAX INVOICE", postest.GSTIN, sale.InvoiceNo, "HSN 8301", "Aligarh, Uttar Pradesh (GI)",
		"Amethi, Uttar Pradesh", "Place of supply:", "Uttar Pradesh (09)", "CGST 9%", "SGST 2.5%", "1278.00", "Change"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("text receipt lacks %q:\n%s", want, text)
		}
	}
	for _, l := range strings.Split(string(text), "\n") {
		if len([]rune(l)) > 42 {
			t.Errorf("receipt line wider than 42 columns: %q", l)
		}
	}
	st, html := p.do("cashier1", "GET", "/api/v1/sales/"+sale.ID+"/receipt?format=html", nil, nil)
	if st != 200 || !strings.Contains(string(html), "<table") || !strings.Contains(string(html), "GI-tagged") || !strings.Contains(string(html), sale.InvoiceNo) {
		t.Errorf("html receipt %d: %.300s", st, html)
	}

	var cn pos.Return
	p.json("cashier1", "POST", "/api/v1/returns", map[string]any{"sale_id": sale.ID, "lines": []map[string]any{{"sku": "UP-AMT-001", "qty": 1}},
		"refund_method": "cash"}, key(), 201, &cn)
	if cn.Total.String() != "399.00" || !strings.HasPrefix(cn.CreditNoteNo, "CNC01/") || cn.InvoiceNo != sale.InvoiceNo {
		t.Errorf("credit note %+v", cn)
	}
	_, cnText := p.do("cashier1", "GET", "/api/v1/returns/"+cn.ID+"/receipt", nil, nil)
	if !strings.Contains(string(cnText), "CREDIT NOTE") || !strings.Contains(string(cnText), sale.InvoiceNo) || !strings.Contains(string(cnText), "Refunded Cash") {
		t.Errorf("credit note receipt:\n%s", cnText)
	}

	if st, h := p.do("cashier1", "GET", "/api/v1/returns/"+cn.ID+"/receipt?format=html", nil, nil); st != 200 ||
		!strings.Contains(string(h), "CREDIT NOTE") || !strings.Contains(string(h), sale.InvoiceNo) {
		t.Errorf("credit note html %d: %.300s", st, h)
	}

	var x pos.Report
	p.json("cashier1", "GET", "/api/v1/shifts/"+sh.ID+"/x-report", nil, nil, 200, &x)
	var z pos.Report
	p.json("cashier1", "POST", "/api/v1/shifts/"+sh.ID+"/close", map[string]any{"counted_cash": "2079.00"}, nil, 200, &z)
	if err := z.Check(); err != nil {
		t.Fatal(err)
	}
	// 2000 float + 478 cash net of change − 399 refund = 2079.
	if z.Kind != "Z" || z.ExpectedCash.String() != "2079.00" || !z.OverShort.IsZero() || z.NetSales.String() != "879.00" ||
		z.FirstInvoiceNo != sale.InvoiceNo || z.LastCreditNoteNo != cn.CreditNoteNo || !x.ExpectedCash.Equal(z.ExpectedCash) {
		t.Errorf("Z report: %+v", z)
	}
	p.json("admin", "GET", "/api/v1/shifts/"+sh.ID+"/z-report", nil, nil, 200, nil)
}

// TestCounterExtras: park and recall, approvals, void, roles.
func TestCounterExtras(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	var sh pos.Shift
	p.json("cashier1", "POST", "/api/v1/shifts", map[string]any{"counter": "C02", "opening_float": "1000.00"}, nil, 201, &sh)
	var cart, reparked pos.ParkedCart
	parked, pk := map[string]any{"shift_id": sh.ID, "lines": []map[string]any{{"sku": "UP-ALG-001", "qty": 3, "discount": "5%"}},
		"note": "customer fetching wallet"}, key()
	p.json("cashier1", "POST", "/api/v1/parked", parked, nil, 400, nil) // no Idempotency-Key
	p.json("cashier1", "POST", "/api/v1/parked", parked, pk, 201, &cart)
	p.json("cashier1", "POST", "/api/v1/parked", parked, pk, 200, &reparked) // a retry parks nothing more
	if reparked.ID != cart.ID {
		t.Fatalf("retried park = %s, first %s", reparked.ID, cart.ID)
	}
	var list []pos.ParkedCart
	p.json("cashier1", "GET", "/api/v1/parked?counter=C02", nil, nil, 200, &list)
	if len(list) != 1 || list[0].ID != cart.ID {
		t.Fatalf("parked list %+v", list)
	}
	var back pos.ParkedCart
	p.json("cashier1", "POST", "/api/v1/parked/"+cart.ID+"/recall", map[string]any{"shift_id": sh.ID}, nil, 200, &back)
	if len(back.Lines) != 1 || back.Lines[0].Discount != "5%" {
		t.Errorf("recalled cart %+v", back)
	}
	p.json("cashier1", "POST", "/api/v1/parked/"+cart.ID+"/recall", map[string]any{"shift_id": sh.ID}, nil, 404, nil)
	p.json("cashier1", "POST", "/api/v1/parked", parked, pk, 409, nil) // its cart is gone: not parked again

	// 20% off needs the admin; the approval rides on the sale.
	body := map[string]any{"shift_id": sh.ID, "lines": []map[string]any{{"sku": "UP-ALG-001", "qty": 1, "discount": "20%"}},
		"tenders": []map[string]any{{"method": "card", "amount": "384.00", "ref": "AUTH77"}}}
	p.json("cashier1", "POST", "/api/v1/sales", body, key(), 403, nil)
	var ap pos.Approval
	p.json("cashier1", "POST", "/api/v1/approvals", map[string]any{"username": "admin", "password": postest.Password}, nil, 400, nil)
	p.json("cashier1", "POST", "/api/v1/approvals", map[string]any{"username": "admin", "password": postest.Password,
		"sku": "UP-ALG-001", "discount": "20%", "max_amount": "96.00"}, nil, 201, &ap)
	body["approval_token"] = ap.Token
	var sale pos.Sale
	p.json("cashier1", "POST", "/api/v1/sales", body, key(), 201, &sale)
	if sale.ApprovedBy != "admin" {
		t.Errorf("approved by %q", sale.ApprovedBy)
	}
	var found []pos.Sale
	p.json("cashier2", "GET", "/api/v1/sales?invoice_no="+sale.InvoiceNo, nil, nil, 200, &found)
	if len(found) != 1 || found[0].ID != sale.ID {
		t.Errorf("lookup by invoice number: %+v", found)
	}
	p.json("cashier1", "POST", "/api/v1/sales/"+sale.ID+"/void", map[string]any{"reason": "test"}, nil, 403, nil)
	p.json("zm.up", "GET", "/api/v1/sales/"+sale.ID, nil, nil, 403, nil)
	var v pos.Sale
	p.json("admin", "POST", "/api/v1/sales/"+sale.ID+"/void", map[string]any{"reason": "card declined after print"}, nil, 200, &v)
	if v.Status != "cancelled" || v.InvoiceNo != sale.InvoiceNo {
		t.Errorf("void: %s %s", v.Status, v.InvoiceNo)
	}
	_, text := p.do("admin", "GET", "/api/v1/sales/"+sale.ID+"/receipt", nil, nil)
	if !strings.Contains(string(text), "CANCELLED") {
		t.Errorf("cancelled invoice prints without the mark:\n%s", text)
	}
	var mv, again pos.CashMove
	paidOut, k := map[string]any{"kind": "out", "amount": "200.00", "reason": "courier"}, key()
	p.json("cashier1", "POST", "/api/v1/shifts/"+sh.ID+"/cash", paidOut, nil, 400, nil) // no Idempotency-Key
	p.json("cashier1", "POST", "/api/v1/shifts/"+sh.ID+"/cash", paidOut, k, 201, &mv)
	p.json("cashier1", "POST", "/api/v1/shifts/"+sh.ID+"/cash", paidOut, k, 200, &again) // a retry
	if again.ID != mv.ID || !again.Amount.Equal(mv.Amount) {
		t.Errorf("retried paid out = %+v, first %+v", again, mv)
	}
	var moves int
	p.m.DB.R.QueryRow(`SELECT count(*) FROM cash_moves WHERE shift_id = ?`, sh.ID).Scan(&moves)
	if moves != 1 {
		t.Errorf("cash moves after a retried paid out = %d, want 1", moves)
	}
	var n int
	p.m.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action IN ('cash_paid_out', 'sale_void', 'discount_over_limit')`).Scan(&n)
	if n != 3 {
		t.Errorf("audit rows for paid out, void and discount = %d, want 3", n)
	}
}
