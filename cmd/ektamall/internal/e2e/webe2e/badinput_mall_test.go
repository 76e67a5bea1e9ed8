package webe2e

import (
	"fmt"
	"strings"
	"testing"
)

// Hostile text: each value must be refused in every free-text field.
var badTexts = []struct{ name, json string }{
	{"NUL", `"damaged\u0000box"`},
	{"RTL override", `"refund \u202eesion"`},
	{"bidi isolate", `"a\u2066b\u2069"`},
	{"ESC sequence", `"x\u001b[2J"`},
	{"C1 control", `"a\u0085b"`},
	{"blank", `"   "`},
	{"over long", `"` + strings.Repeat("क", 600) + `"`},
}

// badMallCases are the mall's rows: identity and roles, JSON and amounts,
// sales and returns, free text in every field, approvals beyond their
// scope, lockout.
func badMallCases(t *testing.T, e *badEnv) []badCase {
	fx := e.fx
	sku, mrp, sh := fx.sku, fx.mrp, fx.shift
	// Cash of one MRP pays a line of one unit, discounted or not, with
	// change under the largest note, so each case fails for its own reason.
	line := func(s string) string {
		return fmt.Sprintf(`{"shift_id":%q,"lines":[%s],"tenders":[{"method":"cash","amount":%q}]}`, sh, s, mrp)
	}
	tender := func(s string) string {
		return fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"tenders":[%s]}`, sh, sku, s)
	}
	ret := func(s string) string { return fmt.Sprintf(`{"sale_id":%q,%s}`, fx.sale, s) }
	big := `{"shift_id":"` + strings.Repeat("A", 2<<20) + `"}`
	withApproval := func(token, sku string) string {
		return fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1,"discount":"20%%"}],"tenders":[{"method":"cash","amount":%q}],"approval_token":%q}`, sh, sku, mrp, token)
	}
	cs := []badCase{
		{name: "no token", target: "mall", method: "POST", path: "/api/v1/sales", body: fx.saleBody, key: "k-notoken-1", want: 401},
		{name: "bogus token", target: "mall", method: "POST", path: "/api/v1/sales", as: "bogus", body: fx.saleBody, key: "k-bogus-01", want: 401},
		{name: "hub token at the mall", target: "mall", method: "GET", path: "/api/v1/sync", as: "finance", want: 401},
		{name: "zone manager rings a sale", target: "mall", method: "POST", path: "/api/v1/sales", as: "zm", body: fx.saleBody, key: "k-zm-000001", want: 403},
		{name: "no idempotency key", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: fx.saleBody, want: 400},
		{name: "idempotency key with spaces", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: fx.saleBody, key: "a b c d e f g h", want: 400},
		{name: "idempotency key 300 chars", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: fx.saleBody, key: strings.Repeat("k", 300), want: 400},
		{name: "replayed key, other body", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":2}`, sku)), key: "badinput-sale-0001"},
		{name: "body is an array", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: `[]`, key: "k-arr-00001", want: 400},
		{name: "body is not JSON", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: `hello`, key: "k-nojson-01", want: 400},
		{name: "empty body", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", key: "k-empty-001", want: 400},
		{name: "two JSON values", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: fx.saleBody + fx.saleBody, key: "k-twice-001", want: 400},
		{name: "oversized body", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: big, key: "k-big-00001", want: 413},
		{name: "shift_id a number", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: `{"shift_id":123,"lines":[],"tenders":[]}`, key: "k-type-0001", want: 400},
		{name: "qty a string", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":"1"}`, sku)), key: "k-type-0002", want: 400},
		{name: "qty zero", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":0}`, sku)), key: "k-qty-00001", want: 400},
		{name: "qty negative", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":-5}`, sku)), key: "k-qty-00002", want: 400},
		{name: "qty beyond int64", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":99999999999999999999}`, sku)), key: "k-qty-00003", want: 400},
		{name: "qty max int64", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":9223372036854775807}`, sku)), key: "k-qty-00004", want: 400},
		{name: "qty fractional", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":1.5}`, sku)), key: "k-qty-00005", want: 400},
		{name: "amount three decimals", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"100000.001"}`), key: "k-amt-00001", want: 400},
		{name: "amount a JSON number", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":100000}`), key: "k-amt-00002", want: 400},
		{name: "amount with exponent", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"1e9"}`), key: "k-amt-00003", want: 400},
		{name: "amount NaN", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"NaN"}`), key: "k-amt-00004", want: 400},
		{name: "amount negative", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"-100.00"}`), key: "k-amt-00005", want: 400},
		{name: "amount absurd", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"99999999999999999999.00"}`), key: "k-amt-00006", want: 400},
		{name: "amount with Devanagari digits", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"१००.००"}`), key: "k-amt-00007", want: 400},
		{name: "amount with thousands separator", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"1,00,000.00"}`), key: "k-amt-00008", want: 400},
		{name: "tender short of total", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"cash","amount":"0.01"}`), key: "k-short-001"},
		{name: "tender method bitcoin", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"bitcoin","amount":"100000.00"}`), key: "k-meth-0001", want: 400},
		{name: "tender ref with control chars", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"upi","amount":"` + mrp + `","ref":"UPI\u0000\u001b[2J"}`), key: "k-ref-00001", want: 400},
		{name: "tender ref with RTL override", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"upi","amount":"` + mrp + `","ref":"UPI\u202e99"}`), key: "k-ref-00003", want: 400},
		{name: "tender ref 5000 chars", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(`{"method":"card","amount":"` + mrp + `","ref":"` + strings.Repeat("9", 5000) + `"}`), key: "k-ref-00002", want: 400},
		{name: "no tenders", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: tender(``), key: "k-miss-0001", want: 400},
		{name: "tenders missing", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}]}`, sh, sku), key: "k-miss-0002", want: 400},
		{name: "lines missing", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: fmt.Sprintf(`{"shift_id":%q,"tenders":[{"method":"cash","amount":"1.00"}]}`, sh), key: "k-miss-0003", want: 400},
		{name: "unknown field", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: strings.Replace(fx.saleBody, `{"shift_id"`, `{"is_admin":true,"shift_id"`, 1), key: "k-extra-001", want: 400},
		{name: "duplicate key in a sale", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: strings.Replace(fx.saleBody, `{"shift_id"`, `{"shift_id":"x","shift_id"`, 1), key: "k-dup-00001", want: 400},
		{name: "duplicate key in a line", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":1,"qty":900}`, sku)), key: "k-dup-00002", want: 400},
		{name: "unknown SKU", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(`{"sku":"NO-SUCH-SKU","qty":1}`), key: "k-sku-00001"},
		{name: "SQL in SKU", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(`{"sku":"'; DROP TABLE sales; --","qty":1}`), key: "k-sku-00002"},
		{name: "RTL override in SKU", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(`{"sku":"\u202e` + sku + `","qty":1}`), key: "k-sku-00003"},
		{name: "NUL in SKU", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(`{"sku":"` + sku + `\u0000","qty":1}`), key: "k-sku-00004"},
		{name: "SKU 10,000 chars", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(`{"sku":"` + strings.Repeat("X", 10000) + `","qty":1}`), key: "k-sku-00005", want: 400},
		{name: "discount 150%", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":1,"discount":"150%%"}`, sku)), key: "k-disc-0001"},
		{name: "discount negative", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":1,"discount":"-10%%"}`, sku)), key: "k-disc-0002", want: 400},
		{name: "discount over limit without approval", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: line(fmt.Sprintf(`{"sku":%q,"qty":1,"discount":"20%%"}`, sku)), key: "k-disc-0003", want: 403},
		{name: "shift_id path traversal", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: strings.Replace(fx.saleBody, sh, "../../etc/passwd", 1), key: "k-shift-001", want: 400},
		{name: "shift_id of no shift", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: strings.Replace(fx.saleBody, sh, "0190a0b0-0000-7000-8000-000000000001", 1), key: "k-shift-002"},
		{name: "sale id not an id", target: "mall", method: "GET", path: "/api/v1/sales/not-an-id", as: "cashier"},
		{name: "sale id encoded traversal", target: "mall", method: "GET", path: "/api/v1/sales/..%2F..%2Fetc%2Fpasswd", as: "cashier"},
		{name: "sale id SQL", target: "mall", method: "GET", path: "/api/v1/sales/1'%20OR%20'1'='1", as: "cashier"},
		{name: "receipt of no sale", target: "mall", method: "GET", path: "/api/v1/sales/0190a0b0-0000-7000-8000-000000000009/receipt?format=html", as: "cashier", want: 404},
		{name: "receipt format hostile", target: "mall", method: "GET", path: "/api/v1/sales/" + fx.sale + "/receipt?format=%3Cscript%3E", as: "cashier", want: 400},
		{name: "receipt language hostile", target: "mall", method: "GET", path: "/api/v1/sales/" + fx.sale + "/receipt?format=html&lang=%3Cscript%3E", as: "cashier", want: 400},
		{name: "receipt language not offered", target: "mall", method: "GET", path: "/api/v1/sales/" + fx.sale + "/receipt?format=html&lang=kn", as: "cashier", want: 400},

		// Approvals: an approval covers what the admin saw, nothing more.
		{name: "approval without a scope", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier", body: fmt.Sprintf(`{"username":"badin.admin","password":%q}`, password), want: 400},
		{name: "approval discount as an amount", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier", body: fmt.Sprintf(`{"username":"badin.admin","password":%q,"discount":"500.00","max_amount":"500.00"}`, password), want: 400},
		{name: "approval ceiling zero", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier", body: fmt.Sprintf(`{"username":"badin.admin","password":%q,"discount":"20%%","max_amount":"0.00"}`, password), want: 400},
		{name: "approval of an unknown SKU", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier", body: fmt.Sprintf(`{"username":"badin.admin","password":%q,"sku":"NO-SUCH","discount":"20%%","max_amount":"5.00"}`, password), want: 404},
		{name: "approval by a cashier", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier", body: fmt.Sprintf(`{"username":"badin.cashier2","password":%q,"discount":"20%%","max_amount":"5.00"}`, password), want: 403},
		{name: "approval with a wrong password", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier2", body: `{"username":"badin.admin","password":"wrong-wrong","discount":"20%","max_amount":"5.00"}`, want: 403},
		{name: "approval huge username", target: "mall", method: "POST", path: "/api/v1/approvals", as: "cashier2", body: `{"username":"` + strings.Repeat("a", 100000) + `","password":"x","discount":"20%","max_amount":"5.00"}`, want: 403},
		{name: "approval used on another product", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: withApproval(fx.apOtherSKU, fx.sku), key: "k-appr-0001", want: 403},
		{name: "approval used beyond its percentage", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: withApproval(fx.apSmall, fx.sku), key: "k-appr-0002", want: 403},
		{name: "approval used beyond its ceiling", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: withApproval(fx.apCeiling, fx.sku), key: "k-appr-0003", want: 403},
		{name: "approval of another cashier", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: withApproval(fx.apCashier2, fx.sku), key: "k-appr-0004", want: 403},
		{name: "approval token made up", target: "mall", method: "POST", path: "/api/v1/sales", as: "cashier", body: withApproval("made-up-token", fx.sku), key: "k-appr-0005", want: 403},

		{name: "return more than sold", target: "mall", method: "POST", path: "/api/v1/returns", as: "cashier", body: ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":2}],"refund_method":"original"`, sku)), key: "k-ret-00001"},
		{name: "return qty zero", target: "mall", method: "POST", path: "/api/v1/returns", as: "cashier", body: ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":0}],"refund_method":"original"`, sku)), key: "k-ret-00002", want: 400},
		{name: "return refund by crypto", target: "mall", method: "POST", path: "/api/v1/returns", as: "cashier", body: ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":1}],"refund_method":"crypto"`, sku)), key: "k-ret-00003", want: 400},
		{name: "return restock to shelf", target: "mall", method: "POST", path: "/api/v1/returns", as: "cashier", body: ret(fmt.Sprintf(`"lines":[{"sku":%q,"qty":1}],"refund_method":"original","restock_to":"shelf"`, sku)), key: "k-ret-00004", want: 400},
		{name: "return of no sale", target: "mall", method: "POST", path: "/api/v1/returns", as: "cashier", body: `{"sale_id":"0190a0b0-0000-7000-8000-000000000002","lines":[{"sku":"X","qty":1}],"refund_method":"cash"}`, key: "k-ret-00006"},
		{name: "return sku not on invoice", target: "mall", method: "POST", path: "/api/v1/returns", as: "cashier", body: ret(`"lines":[{"sku":"NOT-ON-IT","qty":1}],"refund_method":"original"`), key: "k-ret-00007"},
		{name: "shift float negative", target: "mall", method: "POST", path: "/api/v1/shifts", as: "admin", body: `{"counter":"C10","opening_float":"-1.00"}`, want: 400},
		{name: "shift float text", target: "mall", method: "POST", path: "/api/v1/shifts", as: "admin", body: `{"counter":"C10","opening_float":"lots"}`, want: 400},
		{name: "shift counter 200 chars", target: "mall", method: "POST", path: "/api/v1/shifts", as: "admin", body: `{"counter":"` + strings.Repeat("C", 200) + `","opening_float":"1.00"}`, want: 400},
		{name: "shift counter with RTL override", target: "mall", method: "POST", path: "/api/v1/shifts", as: "admin", body: `{"counter":"C\u202e1","opening_float":"1.00"}`, want: 400},
		{name: "second shift for the cashier", target: "mall", method: "POST", path: "/api/v1/shifts", as: "cashier", body: `{"counter":"C11","opening_float":"1.00"}`},
		{name: "close shift counted 3 decimals", target: "mall", method: "POST", path: "/api/v1/shifts/" + sh + "/close", as: "cashier", body: `{"counted_cash":"1.234"}`, want: 400},
		{name: "close a shift that is not there", target: "mall", method: "POST", path: "/api/v1/shifts/0190a0b0-0000-7000-8000-000000000003/close", as: "cashier", body: `{"counted_cash":"1.00"}`},
		{name: "cash move amount missing", target: "mall", method: "POST", path: "/api/v1/shifts/" + sh + "/cash", as: "cashier", body: `{"kind":"out","reason":"tea"}`, key: "k-cash-0001", want: 400},
		{name: "cash move kind sideways", target: "mall", method: "POST", path: "/api/v1/shifts/" + sh + "/cash", as: "cashier", body: `{"kind":"sideways","amount":"1.00","reason":"tea"}`, key: "k-cash-0002", want: 400},
		{name: "cash move without Idempotency-Key", target: "mall", method: "POST", path: "/api/v1/shifts/" + sh + "/cash", as: "cashier", body: `{"kind":"out","amount":"1.00","reason":"tea"}`, want: 400},
		{name: "cashier receives goods", target: "mall", method: "POST", path: "/api/v1/zones/UP/receipts", as: "cashier", body: `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":1}]}`, want: 403},
		{name: "zone manager of UP in KA", target: "mall", method: "POST", path: "/api/v1/zones/KA/receipts", as: "zm", body: `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":1}]}`, want: 403},
		{name: "receipt qty negative", target: "mall", method: "POST", path: "/api/v1/zones/UP/receipts", as: "zm", body: `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":-1}]}`},
		{name: "receipt zone traversal", target: "mall", method: "POST", path: "/api/v1/zones/..%2FUP/receipts", as: "admin", body: `{"producer_id":"x","lines":[{"sku":"` + sku + `","qty":1}]}`},
		{name: "restock more than backroom", target: "mall", method: "POST", path: "/api/v1/zones/UP/restock", as: "zm", body: `{"lines":[{"sku":"` + sku + `","qty":100000}]}`},
		{name: "cashier adds a user", target: "mall", method: "POST", path: "/api/v1/users", as: "cashier", body: `{"username":"evil","password":"password-1","role":"cashier"}`, want: 403},
		{name: "admin mints an admin", target: "mall", method: "POST", path: "/api/v1/users", as: "admin", body: `{"username":"evil2","password":"password-1","role":"mall_admin"}`, want: 403},
		{name: "user with empty password", target: "mall", method: "POST", path: "/api/v1/users", as: "admin", body: `{"username":"evil3","password":"","role":"cashier"}`, want: 400},
		{name: "username with SQL", target: "mall", method: "POST", path: "/api/v1/users", as: "admin", body: `{"username":"x'); DELETE FROM users; --","password":"password-1","role":"cashier"}`, want: 400},
		{name: "cashier reads stock check", target: "mall", method: "GET", path: "/api/v1/stock/check", as: "cashier", want: 403},
	}
	cs = append(cs, badMallTextCases(fx)...)
	return append(cs, badLockoutCases("mall", "badin.victim")...)
}

// badMallTextCases put each hostile text into each free-text field of the
// mall.
func badMallTextCases(fx badFixture) []badCase {
	fields := []struct {
		name, method, path, as, key string
		body                        func(v string) string
	}{
		{"void reason", "POST", "/api/v1/sales/" + fx.sale + "/void", "admin", "", func(v string) string { return `{"reason":` + v + `}` }},
		{"cash-move reason", "POST", "/api/v1/shifts/" + fx.shift + "/cash", "cashier", "k-cashtxt", func(v string) string {
			return `{"kind":"out","amount":"1.00","reason":` + v + `}`
		}},
		{"return reason", "POST", "/api/v1/returns", "cashier", "k-rtxt", func(v string) string {
			return fmt.Sprintf(`{"sale_id":%q,"lines":[{"sku":%q,"qty":1}],"refund_method":"original","reason":%s}`, fx.sale, fx.sku, v)
		}},
		{"parked-cart note", "POST", "/api/v1/parked", "cashier", "k-parktxt", func(v string) string {
			return fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"note":%s}`, fx.shift, fx.sku, v)
		}},
		{"user display name", "POST", "/api/v1/users", "admin", "", func(v string) string {
			return `{"username":"new.cashier","password":"pass-word-1","role":"cashier","display_name":` + v + `}`
		}},
		{"GRN producer reference", "POST", "/api/v1/zones/UP/receipts", "zm", "", func(v string) string {
			return fmt.Sprintf(`{"producer_id":%q,"lines":[{"sku":%q,"qty":1}],"producer_ref":%s}`, fx.producer, fx.sku, v)
		}},
		{"GRN note", "POST", "/api/v1/zones/UP/receipts", "zm", "", func(v string) string {
			return fmt.Sprintf(`{"producer_id":%q,"lines":[{"sku":%q,"qty":1}],"note":%s}`, fx.producer, fx.sku, v)
		}},
		{"damage reason", "POST", "/api/v1/zones/UP/damage", "zm", "k-dmgtxt", func(v string) string {
			return fmt.Sprintf(`{"from":"shelf","lines":[{"sku":%q,"qty":1}],"reason":%s}`, fx.sku, v)
		}},
		{"transfer note", "POST", "/api/v1/zones/UP/transfers", "zm", "k-xfertxt", func(v string) string {
			return fmt.Sprintf(`{"to_mall":"BLR1","lines":[{"sku":%q,"qty":1}],"note":%s}`, fx.sku, v)
		}},
		{"exception resolution", "POST", "/api/v1/exceptions/0190a0b0-0000-7000-8000-000000000004/resolve", "zm", "", func(v string) string {
			return `{"resolution":` + v + `}`
		}},
		{"partner mall name", "POST", "/api/v1/peer-malls", "admin", "", func(v string) string { return `{"id":"BLR9","state":"KA","name":` + v + `}` }},
		{"buyer name", "POST", "/api/v1/sales", "cashier", "k-buyer", func(v string) string {
			return fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"tenders":[{"method":"cash","amount":%q}],"buyer":{"name":%s}}`, fx.shift, fx.sku, fx.mrp, v)
		}},
		{"delivery address", "POST", "/api/v1/sales", "cashier", "k-deliver", func(v string) string {
			return fmt.Sprintf(`{"shift_id":%q,"lines":[{"sku":%q,"qty":1}],"tenders":[{"method":"cash","amount":%q}],"deliver_to":{"name":"A","address":%s,"state":"KA","pincode":"560001"}}`, fx.shift, fx.sku, fx.mrp, v)
		}},
	}
	var out []badCase
	for _, f := range fields {
		for i, v := range badTexts {
			required := f.name == "void reason" || f.name == "cash-move reason" || f.name == "damage reason" || f.name == "exception resolution"
			if v.name == "blank" && !required {
				continue // optional fields may be blank
			}
			key := ""
			if f.key != "" {
				key = fmt.Sprintf("%s-%02d-%s", f.key, i, strings.ReplaceAll(v.name, " ", "-"))
			}
			out = append(out, badCase{name: f.name + " " + v.name, target: "mall", method: f.method, path: f.path, as: f.as,
				body: f.body(v.json), key: key, want: 400})
		}
	}
	// Query-string text reaches the GRN too.
	out = append(out, badCase{name: "CSV import producer reference NUL", target: "mall", method: "POST", ct: "text/csv",
		path: "/api/v1/zones/UP/receipts/import?producer_id=" + fx.producer + "&producer_ref=A%00B", as: "zm", body: "sku,qty\n" + fx.sku + ",1\n", key: "k-csv-nul1", want: 400})
	return out
}

// badLockoutCases: wrong passwords for user lock that user from this
// address (the test's); a forged X-Forwarded-For does not choose another
// address; and the body and username are bounded.
func badLockoutCases(target, user string) []badCase {
	login := func(pass string) string { return fmt.Sprintf(`{"username":%q,"password":%q}`, user, pass) }
	var out []badCase
	for i := range 5 {
		out = append(out, badCase{name: fmt.Sprintf("%s wrong password %d", target, i+1), target: target, method: "POST",
			path: "/api/v1/auth/login", body: login("wrong-wrong"), want: 401})
	}
	return append(out,
		badCase{name: target + " right password while locked", target: target, method: "POST", path: "/api/v1/auth/login", body: login(password), want: 401},
		badCase{name: target + " forged X-Forwarded-For while locked", target: target, method: "POST", path: "/api/v1/auth/login", body: login(password),
			hdr: map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Real-Ip": "203.0.113.9"}, want: 401},
		badCase{name: target + " login body over 4 KB", target: target, method: "POST", path: "/api/v1/auth/login",
			body: `{"username":"` + strings.Repeat("u", 5000) + `","password":"x"}`, want: 413},
		badCase{name: target + " login username 200 KB", target: target, method: "POST", path: "/api/v1/auth/login",
			body: `{"username":"` + strings.Repeat("u", 200000) + `","password":"x"}`, want: 413},
		badCase{name: target + " login username 3 KB", target: target, method: "POST", path: "/api/v1/auth/login",
			body: `{"username":"` + strings.Repeat("u", 3000) + `","password":"x"}`, want: 401},
		badCase{name: target + " login duplicate username", target: target, method: "POST", path: "/api/v1/auth/login",
			body: `{"username":"nobody","username":"finance","password":"x"}`, want: 400},
		badCase{name: target + " login duplicate username other case", target: target, method: "POST", path: "/api/v1/auth/login",
			body: `{"username":"nobody","USERNAME":"finance","password":"x"}`, want: 400},
		badCase{name: target + " login wrong types", target: target, method: "POST", path: "/api/v1/auth/login",
			body: `{"username":1,"password":["a"]}`, want: 400},
		badCase{name: target + " login as form data", target: target, method: "POST", path: "/api/v1/auth/login", ct: "application/x-www-form-urlencoded",
			body: "username=finance&password=x", want: 415},
	)
}
