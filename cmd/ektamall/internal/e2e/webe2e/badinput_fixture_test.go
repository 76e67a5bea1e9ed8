package webe2e

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"ektamall/cmd/ektamall/internal/e2e"
	"ektamall/shared/apiclient"
)

// badFixture is what the cases aim at: an open shift with a sale that
// reached the hub, approvals bound to scopes the cases exceed, and a bank
// change waiting for a second person.
type badFixture struct {
	shift, sale, saleBody string
	sku, mrp, sku2, mrp2  string
	producer              string
	// Approvals for "cashier": for sku only; for 15% at most; with a
	// ceiling of 0.01; and one given to another cashier.
	apOtherSKU, apSmall, apCeiling, apCashier2 string
	bankChange                                 string // pending, asked for by finance
}

func badSetup(t *testing.T, e *badEnv) badFixture {
	t.Helper()
	var fx badFixture
	var sh struct{ ID string }
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/shifts", e.tok["cashier"], map[string]string{"counter": "C09", "opening_float": "1000.00"}, &sh); code != 201 {
		t.Fatalf("open shift: %d", code)
	}
	fx.shift = sh.ID
	var ps []struct {
		SKU        string `json:"sku"`
		MRP        string `json:"mrp"`
		ProducerID string `json:"producer_id"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/products?zone=UP", e.tok["cashier"], nil, &ps)
	if len(ps) < 2 {
		t.Fatalf("%d UP products", len(ps))
	}
	fx.sku, fx.mrp, fx.sku2, fx.mrp2, fx.producer = ps[0].SKU, ps[0].MRP, ps[1].SKU, ps[1].MRP, ps[0].ProducerID
	fx.saleBody = fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"tenders":[{"method":"upi","amount":%q,"ref":"UPI1"}]}`, fx.shift, fx.sku, fx.mrp)
	var sale struct{ ID string }
	if code := badPost(t, e.mall.URL+"/api/v1/sales", e.tok["cashier"], fx.saleBody, "badinput-sale-0001", &sale); code != 201 {
		t.Fatalf("sale: %d", code)
	}
	fx.sale = sale.ID
	approve := func(as, scope string) string {
		var ap struct {
			Token string `json:"approval_token"`
		}
		body := fmt.Sprintf(`{"username":"badin.admin","password":%q,%s}`, password, scope)
		if code := badPost(t, e.mall.URL+"/api/v1/approvals", e.tok[as], body, "", &ap); code != 201 {
			t.Fatalf("approval %s: %d", scope, code)
		}
		return ap.Token
	}
	fx.apOtherSKU = approve("cashier", fmt.Sprintf(`"sku":%q,"discount":"25%%","max_amount":"100000.00"`, fx.sku2))
	fx.apSmall = approve("cashier", `"discount":"15%","max_amount":"100000.00"`)
	fx.apCeiling = approve("cashier", `"discount":"25%","max_amount":"0.01"`)
	fx.apCashier2 = approve("cashier2", `"discount":"25%","max_amount":"100000.00"`)

	var ch struct{ ID string }
	bank := `{"beneficiary":"Moradabad Brass Guild","account_no":"123456789012","ifsc":"SBIN0001234"}`
	if code := e2e.Call(t, "PUT", e.hub.URL+"/api/v1/producers/"+fx.producer+"/bank", e.tok["finance"], json.RawMessage(bank), &ch); code != http.StatusAccepted {
		t.Fatalf("bank change: %d", code)
	}
	fx.bankChange = ch.ID
	// Sync must be quiet while the cases run.
	badWaitSynced(t, e)
	return fx
}

// badPost posts a raw JSON body and decodes a 2xx answer into out.
func badPost(t *testing.T, url, token, body, key string, out any) int {
	t.Helper()
	var opts []apiclient.Option
	if key != "" {
		opts = append(opts, apiclient.Key(key))
	}
	return e2e.Call(t, "POST", url, token, json.RawMessage(body), out, opts...)
}

// badAfterChecks: what the table's refusals must have left behind.
func badAfterChecks(t *testing.T, e *badEnv) {
	t.Helper()
	// Bounded audit rows, whatever was sent.
	for name, db := range map[string]interface{ QueryRow(string, ...any) *sql.Row }{"mall": e.mall.DB.R, "hub": e.hub.DB.R} {
		var n int
		if err := db.QueryRow(`SELECT COALESCE(max(length(detail) + length(request_id)), 0) FROM audit_log`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 5000 {
			t.Errorf("the %s's audit log has a %d-byte row", name, n)
		}
	}
	// Wrong passwords in the approval prompt did not lock the admin.
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/auth/login", "", map[string]string{"username": "badin.admin", "password": password}, nil); code != 200 {
		t.Errorf("the mall admin cannot log in after failed approvals: %d", code)
	}
	// The locked users are unlocked by their admins, and log in again.
	for _, u := range []struct{ base, admin, user string }{
		{e.mall.URL, "admin", "badin.victim"}, {e.hub.URL, "hubadmin", "badin.hubvictim"},
	} {
		if code := webCall(t, "POST", u.base+"/api/v1/users/"+u.user+"/unlock", e.tok[u.admin], nil, nil); code != 200 {
			t.Errorf("unlock %s: %d", u.user, code)
		}
		if code := webCall(t, "POST", u.base+"/api/v1/auth/login", "", map[string]string{"username": u.user, "password": password}, nil); code != 200 {
			t.Errorf("%s after unlock: %d", u.user, code)
		}
	}
	// Pages and printable receipts: a CSP without inline script, never
	// framed; API answers are not cached.
	for _, p := range []struct{ url, token, accept string }{
		{e.mall.URL + "/", "", ""}, {e.mall.URL + "/zone", "", ""}, {e.mall.URL + "/admin", "", ""}, {e.hub.URL + "/", "", ""}, {e.hub.URL + "/admin", "", ""},
		{e.mall.URL + "/api/v1/sales/" + e.fx.sale + "/receipt?format=html", e.tok["cashier"], "text/html"},
	} {
		status, h := e2e.CallHeaders(t, "GET", p.url, p.token, nil, nil)
		csp := h.Get("Content-Security-Policy")
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
			strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") ||
			h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %s CSP %q", p.url, status, h.Get("Content-Type"), csp)
		}
		if strings.Contains(p.url, "/api/") && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", p.url, h.Get("Cache-Control"))
		}
	}
}
