package pos_test

import (
	"fmt"
	"strings"
	"testing"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/errs"
	"ektamall/shared/httpx"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

// fuzzTables are the rows a refused request must leave alone.
var fuzzTables = []string{"sales", "sale_lines", "sale_tenders", "returns", "return_lines", "outbox", "stock_moves", "idempotency_keys"}

// fuzzMall is a real mall database with an open shift and one sale to
// return against; the fuzz bodies name them through placeholders.
func fuzzMall(t testing.TB) (*postest.Mall, pos.Shift, pos.Sale) {
	m := postest.Open(t, sqlitedb.Options{Synchronous: "NORMAL"})
	sh := openShift(t, m, "cashier1", "C01")
	p := m.Products(t, 2)
	total := p[0].MRP.MulInt(3).Add(p[1].MRP)
	sale := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines: []pos.LineRequest{{SKU: p[0].SKU, Qty: 3}, {SKU: p[1].SKU, Qty: 1}}, Tenders: cash(total.String())})
	return m, sh, sale
}

func fill(body, shift string, sale pos.Sale) []byte {
	r := strings.NewReplacer("$SHIFT", shift, "$SALE", sale.ID, "$SKU0", sale.Lines[0].SKU, "$SKU1", sale.Lines[1].SKU)
	return []byte(r.Replace(body))
}

// refused checks the properties of a refusal: a client error code (never
// internal), and not one row written.
func refused(t *testing.T, m *postest.Mall, before map[string]int64, body []byte, err error) {
	t.Helper()
	if c := errs.CodeOf(err); c == errs.Internal || c == errs.Unavailable {
		t.Fatalf("body %s: %v (code %s): bad input must be a client error", body, err, c)
	}
	if after := m.Count(t, fuzzTables...); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("body %s refused (%v) but rows changed: %v -> %v", body, err, before, after)
	}
}

// FuzzSaleRequest decodes a body as the API does (strict JSON) and checks
// it out: either a client error that writes nothing, or an invoice whose
// amounts add up to the paisa.
func FuzzSaleRequest(f *testing.F) {
	for _, s := range []string{
		`{"shift_id":"$SHIFT","lines":[{"sku":"$SKU0","qty":1}],"tenders":[{"method":"cash","amount":"100000.00"}]}`,
		`{"shift_id":"$SHIFT","lines":[{"sku":"$SKU0","qty":2,"discount":"10%"},{"sku":"$SKU1","qty":1,"discount":"5.00"}],"tenders":[{"method":"upi","amount":"1.00","ref":"UPI1"},{"method":"cash","amount":"99999.00"}]}`,
		`{"shift_id":"$SHIFT","lines":[{"sku":"$SKU0","qty":-1}],"tenders":[{"method":"cash","amount":"1.001"}]}`,
		`{"shift_id":"$SHIFT","lines":[{"sku":"$SKU0","qty":9223372036854775807}],"tenders":[{"method":"card","amount":"1e9"}]}`,
		`{"shift_id":"x' OR 1=1 --","lines":[],"tenders":[]}`,
		`{"shift_id":"$SHIFT","lines":[{"sku":"$SKU0","qty":1}],"tenders":[{"method":"cash","amount":"0.01"}],"extra":1}`,
		`[]`, `null`, `{}`, `{"lines":"x"}`,
	} {
		f.Add(s)
	}
	m, sh, sale := fuzzMall(f)
	f.Fuzz(func(t *testing.T, body string) {
		b := fill(body, sh.ID, sale)
		before := m.Count(t, fuzzTables...)
		var req pos.SaleRequest
		if err := httpx.DecodeBytes(b, &req); err != nil {
			refused(t, m, before, b, err)
			return
		}
		s, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), req)
		if err != nil {
			refused(t, m, before, b, err)
			return
		}
		lines, tax := money.Zero, money.Zero
		for _, l := range s.Lines {
			lines = lines.Add(l.Amount)
			tax = tax.Add(l.Taxable).Add(l.CGST).Add(l.SGST)
			if !l.Taxable.Add(l.CGST).Add(l.SGST).Equal(l.Amount) {
				t.Fatalf("line %d: taxable %s + cgst %s + sgst %s != %s", l.LineNo, l.Taxable, l.CGST, l.SGST, l.Amount)
			}
		}
		if !lines.Equal(s.Total) || !tax.Equal(s.Total) || !s.Taxable.Add(s.CGST).Add(s.SGST).Equal(s.Total) ||
			!s.Tendered.Sub(s.Change).Equal(s.Total) || s.Change.IsNegative() || !s.Total.IsPositive() {
			t.Fatalf("invoice does not add up: %+v", s)
		}
		after := m.Count(t, "sales")
		if after["sales"] != before["sales"]+1 {
			t.Fatalf("one sale answered, %d rows written", after["sales"]-before["sales"])
		}
	})
}

// FuzzReturnRequest decodes a return as the API does and applies it to a
// real sale: a client error that writes nothing, or a credit note no
// larger than what was left to return.
func FuzzReturnRequest(f *testing.F) {
	for _, s := range []string{
		`{"sale_id":"$SALE","lines":[{"sku":"$SKU0","qty":1}],"refund_method":"cash"}`,
		`{"sale_id":"$SALE","lines":[{"sku":"$SKU1","line_no":2,"qty":1}],"refund_method":"original","restock_to":"damaged","reason":"टूटा हुआ"}`,
		`{"sale_id":"$SALE","lines":[{"sku":"$SKU0","qty":4}],"refund_method":"cash"}`,
		`{"sale_id":"$SALE","lines":[{"sku":"$SKU0","qty":0}],"refund_method":"bitcoin"}`,
		`{"sale_id":"../../etc/passwd","lines":[{"sku":"$SKU0","qty":1}],"refund_method":"cash"}`,
		`{"sale_id":"$SALE","lines":[{"sku":"$SKU0","line_no":-7,"qty":1}],"refund_method":"cash","restock_to":"shelf"}`,
		`{"sale_id":"$SALE","lines":[{"sku":"$SKU0","qty":1}],"refund_method":"cash","shift_id":"$SHIFT"}`,
	} {
		f.Add(s)
	}
	m, sh, sale := fuzzMall(f)
	f.Fuzz(func(t *testing.T, body string) {
		b := fill(body, sh.ID, sale)
		before := m.Count(t, fuzzTables...)
		var req pos.ReturnRequest
		if err := httpx.DecodeBytes(b, &req); err != nil {
			refused(t, m, before, b, err)
			return
		}
		r, _, err := m.POS.Return(ctx, m.Actor("cashier1"), ids.New(), req)
		if err != nil {
			refused(t, m, before, b, err)
			return
		}
		if !r.Total.IsPositive() || r.Total.GreaterThan(sale.Total) || !r.Taxable.Add(r.CGST).Add(r.SGST).Equal(r.Total) {
			t.Fatalf("credit note does not add up against a ₹%s invoice: %+v", sale.Total, r)
		}
		var returned, sold int64
		for _, l := range sale.Lines {
			sold += l.Qty
		}
		if err := m.DB.R.QueryRow(`SELECT COALESCE(SUM(l.qty), 0) FROM return_lines l JOIN returns r ON r.id = l.return_id WHERE r.sale_id = ?`, sale.ID).Scan(&returned); err != nil {
			t.Fatal(err)
		}
		if returned > sold {
			t.Fatalf("%d units returned of %d sold", returned, sold)
		}
	})
}
