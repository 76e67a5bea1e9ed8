package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/sqlitedb"
)

// badCase is one malformed or hostile request and the status it must get
// (0: any 4xx).
type badCase struct {
	name, target, method, path, as, body string
	key                                  string // Idempotency-Key
	want                                 int
}

// Tables whose contents a refused request must not change (sessions and
// audit_log are left out: logging in is not the request under test).
var (
	badMallTables = []string{"sales", "sale_lines", "sale_tenders", "returns", "return_lines", "refunds", "shifts", "cash_moves",
		"idempotency_keys", "outbox", "stock", "stock_moves", "grns", "grn_lines", "users", "parked_carts", "approvals",
		"transfers", "counts", "reorder_points", "peer_malls", "products", "doc_series"}
	badHubTables = []string{"hub_sales", "hub_returns", "events_received", "ledger_entries", "ledger_postings", "settlement_runs",
		"settlement_items", "commission_rules", "users", "producer_bank_accounts", "statement_imports", "catalog_changes",
		"products", "producers", "malls", "mall_keys", "parked_events"}
)

// badChecksum hashes every row of the tables, so any insert, update or
// delete changes it.
func badChecksum(t *testing.T, db *sqlitedb.DB, tables []string) string {
	t.Helper()
	h := sha256.New()
	for _, tb := range tables {
		// Table names come from the lists above, never from input.
		rows, err := db.R.Query(`SELECT * FROM ` + tb)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		// Order-independent: sort by content.
		sortStrings(lines)
		fmt.Fprintf(h, "%s:%d:%s\n", tb, len(lines), strings.Join(lines, "|"))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestBadInputChangesNothing sends malformed and hostile requests to a
// real hub and mall: each gets a 4xx with {"error":{"code","message"}} and
// neither database changes.
func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	e := startEnv(t)
	for _, u := range []struct {
		db    *sqlitedb.DB
		store *auth.Store
		name  string
		role  auth.Role
	}{{e.mall.DB, e.mall.Auth, "badin.admin", auth.MallAdmin}, {e.hub.DB, e.hub.Auth, "badin.hubadmin", auth.HubAdmin}} {
		if err := u.db.Transact(ctx, func(tx *sql.Tx) error {
			_, err := u.store.CreateUser(ctx, tx, u.name, password, u.name, u.role, "")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	tok := map[string]string{
		"cashier": webLogin(t, e.mall.URL, "cashier"), "zm": webLogin(t, e.mall.URL, "zm.up"), "admin": webLogin(t, e.mall.URL, "badin.admin"),
		"finance": webLogin(t, e.hub.URL, "finance"), "hubadmin": webLogin(t, e.hub.URL, "badin.hubadmin"), "bogus": "not-a-token",
	}
	// A real shift and sale to aim at.
	var sh struct{ ID string }
	if code := webCall(t, "POST", e.mall.URL+"/api/v1/shifts", tok["cashier"], map[string]string{"counter": "C09", "opening_float": "1000.00"}, &sh); code != 201 {
		t.Fatalf("open shift: %d", code)
	}
	var ps []struct {
		SKU string `json:"sku"`
		MRP string `json:"mrp"`
	}
	webCall(t, "GET", e.mall.URL+"/api/v1/products?zone=UP", tok["cashier"], nil, &ps)
	sku, mrp := ps[0].SKU, ps[0].MRP
	saleBody := fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"tenders":[{"method":"upi","amount":%q,"ref":"UPI1"}]}`, sh.ID, sku, mrp)
	const key = "badinput-sale-0001"
	var sale struct{ ID string }
	if code := badDo(t, e.mall.URL, "POST", "/api/v1/sales", tok["cashier"], saleBody, key, &sale); code != 201 {
		t.Fatalf("sale: %d", code)
	}
	// Wait until the sale has reached the hub, so sync does not change
	// the databases while the cases run.
	badWaitSynced(t, e, tok["admin"])

	line := func(s string) string {
		return fmt.Sprintf(`{"shift_id":%q,"lines":[%s],"tenders":[{"method":"cash","amount":"100000.00"}]}`, sh.ID, s)
	}
	tender := func(s string) string {
		return fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"tenders":[%s]}`, sh.ID, sku, s)
	}
	ret := func(s string) string { return fmt.Sprintf(`{"sale_id":%q,%s}`, sale.ID, s) }
	big := `{"shift_id":"` + strings.Repeat("A", 2<<20) + `"}`
	cases := []badCase{
		{"no token", "mall", "POST", "/api/v1/sales", "", saleBody, "k-notoken-1", 401},
		{"bogus token", "mall", "POST", "/api/v1/sales", "bogus", saleBody, "k-bogus-01", 401},
		{"hub token at the mall", "mall", "GET", "/api/v1/sync", "finance", "", "", 401},
		{"mall token at the hub", "hub", "GET", "/api/v1/malls", "cashier", "", "", 401},
		{"zone manager rings a sale", "mall", "POST", "/api/v1/sales", "zm", saleBody, "k-zm-000001", 403},
		{"no idempotency key", "mall", "POST", "/api/v1/sales", "cashier", saleBody, "", 400},
		{"idempotency key with spaces", "mall", "POST", "/api/v1/sales", "cashier", saleBody, "a b c d e f g h", 400},
		{"idempotency key 300 chars", "mall", "POST", "/api/v1/sales", "cashier", saleBody, strings.Repeat("k", 300), 400},
		{"replayed key, other body", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":2}`, sku)), key, 0},
		{"body is an array", "mall", "POST", "/api/v1/sales", "cashier", `[]`, "k-arr-00001", 400},
		{"body is not JSON", "mall", "POST", "/api/v1/sales", "cashier", `hello`, "k-nojson-01", 400},
		{"empty body", "mall", "POST", "/api/v1/sales", "cashier", ``, "k-empty-001", 400},
		{"two JSON values", "mall", "POST", "/api/v1/sales", "cashier", saleBody + saleBody, "k-twice-001", 400},
		{"oversized body", "mall", "POST", "/api/v1/sales", "cashier", big, "k-big-00001", 413},
		{"shift_id a number", "mall", "POST", "/api/v1/sales", "cashier", `{"shift_id":123,"lines":[],"tenders":[]}`, "k-type-0001", 400},
		{"qty a string", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":"1"}`, sku)), "k-type-0002", 400},
		{"qty zero", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":0}`, sku)), "k-qty-00001", 400},
		{"qty negative", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":-5}`, sku)), "k-qty-00002", 400},
		{"qty beyond int64", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":99999999999999999999}`, sku)), "k-qty-00003", 400},
		{"qty max int64", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":9223372036854775807}`, sku)), "k-qty-00004", 400},
		{"qty fractional", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":1.5}`, sku)), "k-qty-00005", 400},
		{"amount three decimals", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"100000.001"}`), "k-amt-00001", 400},
		{"amount a JSON number", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":100000}`), "k-amt-00002", 400},
		{"amount with exponent", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"1e9"}`), "k-amt-00003", 400},
		{"amount NaN", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"NaN"}`), "k-amt-00004", 400},
		{"amount negative", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"-100.00"}`), "k-amt-00005", 400},
		{"amount absurd", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"99999999999999999999.00"}`), "k-amt-00006", 400},
		{"amount with Devanagari digits", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"१००.००"}`), "k-amt-00007", 400},
		{"amount with thousands separator", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"1,00,000.00"}`), "k-amt-00008", 400},
		{"tender short of total", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"cash","amount":"0.01"}`), "k-short-001", 0},
		{"tender method bitcoin", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"bitcoin","amount":"100000.00"}`), "k-meth-0001", 400},
		{"tender ref with control chars", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"upi","amount":"` + mrp + `","ref":"UPI\u0000\u001b[2J"}`), "k-ref-00001", 400},
		{"tender ref 5000 chars", "mall", "POST", "/api/v1/sales", "cashier", tender(`{"method":"card","amount":"` + mrp + `","ref":"` + strings.Repeat("9", 5000) + `"}`), "k-ref-00002", 400},
		{"no tenders", "mall", "POST", "/api/v1/sales", "cashier", tender(``), "k-miss-0001", 400},
		{"tenders missing", "mall", "POST", "/api/v1/sales", "cashier", fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}]}`, sh.ID, sku), "k-miss-0002", 400},
		{"lines missing", "mall", "POST", "/api/v1/sales", "cashier", fmt.Sprintf(`{"shift_id":%q,"tenders":[{"method":"cash","amount":"1.00"}]}`, sh.ID), "k-miss-0003", 400},
		{"unknown field", "mall", "POST", "/api/v1/sales", "cashier", strings.Replace(saleBody, `{"shift_id"`, `{"is_admin":true,"shift_id"`, 1), "k-extra-001", 400},
		{"unknown SKU", "mall", "POST", "/api/v1/sales", "cashier", line(`{"sku":"NO-SUCH-SKU","qty":1}`), "k-sku-00001", 0},
		{"SQL in SKU", "mall", "POST", "/api/v1/sales", "cashier", line(`{"sku":"'; DROP TABLE sales; --","qty":1}`), "k-sku-00002", 0},
		{"RTL override in SKU", "mall", "POST", "/api/v1/sales", "cashier", line(`{"sku":"\u202e` + sku + `","qty":1}`), "k-sku-00003", 0},
		{"NUL in SKU", "mall", "POST", "/api/v1/sales", "cashier", line(`{"sku":"` + sku + `\u0000","qty":1}`), "k-sku-00004", 0},
		{"SKU 10,000 chars", "mall", "POST", "/api/v1/sales", "cashier", line(`{"sku":"` + strings.Repeat("X", 10000) + `","qty":1}`), "k-sku-00005", 400},
		{"discount 150%", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":1,"discount":"150%%"}`, sku)), "k-disc-0001", 0},
		{"discount negative", "mall", "POST", "/api/v1/sales", "cashier", line(fmt.Sprintf(`{"sku":%q,"qty":1,"discount":"-10%%"}`, sku)), "k-disc-0002", 400},
		{"shift_id path traversal", "mall", "POST", "/api/v1/sales", "cashier", strings.Replace(saleBody, sh.ID, "../../etc/passwd", 1), "k-shift-001", 400},
		{"shift_id of no shift", "mall", "POST", "/api/v1/sales", "cashier", strings.Replace(saleBody, sh.ID, "0190a0b0-0000-7000-8000-000000000001", 1), "k-shift-002", 0},
		{"sale id not an id", "mall", "GET", "/api/v1/sales/not-an-id", "cashier", "", "", 0},
		{"sale id encoded traversal", "mall", "GET", "/api/v1/sales/..%2F..%2Fetc%2Fpasswd", "cashier", "", "", 0},
		{"sale id SQL", "mall", "GET", "/api/v1/sales/1'%20OR%20'1'='1", "cashier", "", "", 0},
		{"return more than sold", "mall", "POST", "/api/v1/returns", "cashier", ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":2}],"refund_method":"original"`, sku)), "k-ret-00001", 0},
		{"return qty zero", "mall", "POST", "/api/v1/returns", "cashier", ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":0}],"refund_method":"original"`, sku)), "k-ret-00002", 400},
		{"return refund by crypto", "mall", "POST", "/api/v1/returns", "cashier", ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":1}],"refund_method":"crypto"`, sku)), "k-ret-00003", 400},
		{"return restock to shelf", "mall", "POST", "/api/v1/returns", "cashier", ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":1}],"refund_method":"original","restock_to":"shelf"`, sku)), "k-ret-00004", 400},
		{"return reason 500 chars", "mall", "POST", "/api/v1/returns", "cashier", ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":1}],"refund_method":"original","reason":%q`, sku, strings.Repeat("क", 500))), "k-ret-00005", 400},
		{"return of no sale", "mall", "POST", "/api/v1/returns", "cashier", `{"sale_id":"0190a0b0-0000-7000-8000-000000000002","lines":[{"sku":"X","qty":1}],"refund_method":"cash"}`, "k-ret-00006", 0},
		{"return sku not on invoice", "mall", "POST", "/api/v1/returns", "cashier", ret(`"lines":[{"sku":"NOT-ON-IT","qty":1}],"refund_method":"original"`), "k-ret-00007", 0},
		{"shift float negative", "mall", "POST", "/api/v1/shifts", "admin", `{"counter":"C10","opening_float":"-1.00"}`, "", 400},
		{"shift float text", "mall", "POST", "/api/v1/shifts", "admin", `{"counter":"C10","opening_float":"lots"}`, "", 400},
		{"shift counter 200 chars", "mall", "POST", "/api/v1/shifts", "admin", `{"counter":"` + strings.Repeat("C", 200) + `","opening_float":"1.00"}`, "", 400},
		{"second shift for the cashier", "mall", "POST", "/api/v1/shifts", "cashier", `{"counter":"C11","opening_float":"1.00"}`, "", 0},
		{"close shift counted 3 decimals", "mall", "POST", "/api/v1/shifts/" + sh.ID + "/close", "cashier", `{"counted_cash":"1.234"}`, "", 400},
		{"close a shift that is not there", "mall", "POST", "/api/v1/shifts/0190a0b0-0000-7000-8000-000000000003/close", "cashier", `{"counted_cash":"1.00"}`, "", 0},
		{"cashier receives goods", "mall", "POST", "/api/v1/zones/UP/receipts", "cashier", `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":1}]}`, "", 403},
		{"zone manager of UP in KA", "mall", "POST", "/api/v1/zones/KA/receipts", "zm", `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":1}]}`, "", 403},
		{"receipt qty negative", "mall", "POST", "/api/v1/zones/UP/receipts", "zm", `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":-1}]}`, "", 0},
		{"receipt zone traversal", "mall", "POST", "/api/v1/zones/..%2FUP/receipts", "admin", `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":1}]}`, "", 0},
		{"restock more than backroom", "mall", "POST", "/api/v1/zones/UP/restock", "zm", `{"lines":[{"sku":"` + sku + `","qty":100000}]}`, "", 0},
		{"cashier adds a user", "mall", "POST", "/api/v1/users", "cashier", `{"username":"evil","password":"password-1","role":"cashier"}`, "", 403},
		{"admin mints an admin", "mall", "POST", "/api/v1/users", "admin", `{"username":"evil2","password":"password-1","role":"mall_admin"}`, "", 403},
		{"user with empty password", "mall", "POST", "/api/v1/users", "admin", `{"username":"evil3","password":"","role":"cashier"}`, "", 400},
		{"username with SQL", "mall", "POST", "/api/v1/users", "admin", `{"username":"x'); DELETE FROM users; --","password":"password-1","role":"cashier"}`, "", 400},
		{"cashier reads stock check", "mall", "GET", "/api/v1/stock/check", "cashier", "", "", 403},
		{"hub admin runs settlement", "hub", "POST", "/api/v1/settlements", "hubadmin", `{}`, "", 403},
		{"settlement cutoff in the future", "hub", "POST", "/api/v1/settlements", "finance", `{"cutoff":"2999-01-01T00:00:00Z"}`, "", 400},
		{"settlement cutoff not a time", "hub", "POST", "/api/v1/settlements", "finance", `{"cutoff":"yesterday"}`, "", 400},
		{"settlement unknown field", "hub", "POST", "/api/v1/settlements", "finance", `{"cutoff":"2020-01-01T00:00:00Z","pay_twice":true}`, "", 400},
		{"totals from not a date", "hub", "GET", "/api/v1/malls/LKO1/totals?from=notadate", "finance", "", "", 400},
		{"totals of unknown mall", "hub", "GET", "/api/v1/malls/NOPE99/totals", "finance", "", "", 404},
		{"totals mall id SQL", "hub", "GET", "/api/v1/malls/'%20OR%201=1--/totals", "finance", "", "", 0},
		{"parked mall param hostile", "hub", "GET", "/api/v1/parked?mall=%3Cscript%3E", "finance", "", "", 400},
		{"commission rule without rate", "hub", "POST", "/api/v1/commission/rules", "finance", `{"scope":"default","key":""}`, "", 400},
		{"commission rule rate huge", "hub", "POST", "/api/v1/commission/rules", "finance", `{"scope":"default","key":"","rate_bp":1e30}`, "", 400},
		{"commission rule rate negative", "hub", "POST", "/api/v1/commission/rules", "finance", `{"scope":"default","key":"","rate_bp":-5}`, "", 0},
		{"bank details by hub admin", "hub", "PUT", "/api/v1/producers/x/bank", "hubadmin", `{}`, "", 403},
		{"statement import garbage", "hub", "POST", "/api/v1/recon/statements", "finance", `{"x":1}`, "", 0},
		{"hub oversized body", "hub", "POST", "/api/v1/commission/rules", "finance", big, "", 413},
		{"hub login wrong types", "hub", "POST", "/api/v1/auth/login", "", `{"username":1,"password":["a"]}`, "", 400},
	}
	mallBefore := badChecksum(t, e.mall.DB, badMallTables)
	hubBefore := badChecksum(t, e.hub.DB, badHubTables)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := e.mall.URL
			if c.target == "hub" {
				base = e.hub.URL
			}
			var body struct {
				Error *struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			code := badDo(t, base, c.method, c.path, tok[c.as], c.body, c.key, &body)
			if code < 400 || code > 499 || (c.want != 0 && code != c.want) {
				t.Errorf("status %d, want %s", code, map[bool]string{true: "any 4xx", false: fmt.Sprint(c.want)}[c.want == 0])
			}
			if body.Error == nil || body.Error.Code == "" || body.Error.Message == "" {
				t.Errorf("status %d without an error body {code, message}", code)
			}
		})
	}
	if got := badChecksum(t, e.mall.DB, badMallTables); got != mallBefore {
		t.Errorf("the mall's database changed")
	}
	if got := badChecksum(t, e.hub.DB, badHubTables); got != hubBefore {
		t.Errorf("the hub's database changed")
	}
	if len(cases) < 60 {
		t.Fatalf("only %d cases", len(cases))
	}
}

// badDo sends a raw body and decodes any JSON answer into out.
func badDo(t *testing.T, base, method, path, token, body, key string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		json.Unmarshal(b, out)
	}
	return resp.StatusCode
}

// badWaitSynced waits until the hub holds every event of the mall.
func badWaitSynced(t *testing.T, e *env, adminTok string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st struct {
			LastSeq      int64 `json:"last_seq"`
			HubWatermark int64 `json:"hub_watermark"`
			Pending      int64 `json:"pending"`
		}
		webCall(t, "GET", e.mall.URL+"/api/v1/sync", adminTok, nil, &st)
		if st.LastSeq > 0 && st.HubWatermark == st.LastSeq && st.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sale never synced: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
