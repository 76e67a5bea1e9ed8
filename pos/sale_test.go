package pos_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
)

var ctx = context.Background()

func amt(s string) money.Amount { return money.MustParse(s) }

func openShift(t testing.TB, m *postest.Mall, user, counter string) pos.Shift {
	t.Helper()
	sh, err := m.POS.OpenShift(ctx, m.Actor(user), counter, amt("2000.00"))
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func cash(a string) []pos.Tender { return []pos.Tender{{Method: pos.Cash, Amount: amt(a)}} }

func mustSell(t testing.TB, m *postest.Mall, user string, req pos.SaleRequest) pos.Sale {
	t.Helper()
	s, replay, err := m.POS.Checkout(ctx, m.Actor(user), ids.New(), req)
	if err != nil {
		t.Fatal(err)
	}
	if replay {
		t.Fatal("a fresh key was treated as a replay")
	}
	return s
}

func wantCode(t testing.TB, err error, code errs.Code, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s error containing %q, got success", code, contains)
	}
	if errs.CodeOf(err) != code {
		t.Fatalf("want code %s, got %s: %v", code, errs.CodeOf(err), err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q does not say %q", err, contains)
	}
}

// TestCheckoutInvoice rings the DESIGN's worked examples and checks every
// figure of the invoice, its stock moves and its outbox event.
func TestCheckoutInvoice(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	m.Receive(t, "UP-ALG-001", 5)
	sale := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines: []pos.LineRequest{
			{SKU: "UP-ALG-001", Qty: 2},                  // 18%: 2 × 480 = 960
			{SKU: "UP-AMT-001", Qty: 1, Discount: "10%"}, // 5%: 399 − 39.90 = 359.10
		},
		Tenders: []pos.Tender{{Method: pos.UPI, Amount: amt("300.00"), Ref: "UTR123"}, {Method: pos.Cash, Amount: amt("1100.00")}}})
	if sale.InvoiceNo[:9] != "C01/"+sale.InvoiceNo[4:8]+"/" || !strings.HasSuffix(sale.InvoiceNo, "/0000001") || len(sale.InvoiceNo) != 16 {
		t.Errorf("invoice number %q, want C01/<FY>/0000001", sale.InvoiceNo)
	}
	l1, l2 := sale.Lines[0], sale.Lines[1]
	// 960 × 100 / 118 = 813.559… → 813.56; tax 146.44 → 73.22 + 73.22.
	if l1.Amount.String() != "960.00" || l1.Taxable.String() != "813.56" || l1.CGST.String() != "73.22" || l1.SGST.String() != "73.22" {
		t.Errorf("line 1 = %s %s %s %s, want 960.00 813.56 73.22 73.22", l1.Amount, l1.Taxable, l1.CGST, l1.SGST)
	}
	// 359.10 × 100 / 105 = 342.00; tax 17.10 → 8.55 + 8.55.
	if l2.Discount.String() != "39.90" || l2.Amount.String() != "359.10" || l2.Taxable.String() != "342.00" || l2.CGST.String() != "8.55" {
		t.Errorf("line 2 = disc %s amount %s taxable %s cgst %s", l2.Discount, l2.Amount, l2.Taxable, l2.CGST)
	}
	// The payable amount is rounded to the rupee, outside the tax: 1319.10
	// → 1319.00 with a round-off of -0.10; change is from what is payable.
	if sale.Total.String() != "1319.10" || sale.RoundOff.String() != "-0.10" || sale.Payable.String() != "1319.00" ||
		sale.Tendered.String() != "1400.00" || sale.Change.String() != "81.00" {
		t.Errorf("total %s round-off %s payable %s tendered %s change %s", sale.Total, sale.RoundOff, sale.Payable, sale.Tendered, sale.Change)
	}
	if l1.District != "Aligarh" || l1.State != "UP" || !l1.GI {
		t.Errorf("line 1 provenance %q %q gi=%v", l1.District, l1.State, l1.GI)
	}
	again, err := m.POS.GetSale(ctx, m.Actor("cashier2"), sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(sale)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("stored invoice differs from the one returned at checkout:\n%s\n%s", a, b)
	}
	// Stock: 5 in the backroom, 2 sold; the moss basket had none, so the
	// shelf went negative and an exception was raised.
	if n, _ := inventory.Balance(ctx, m.DB.R, "UP-ALG-001", inventory.Backroom); n != 3 {
		t.Errorf("backroom of UP-ALG-001 = %d, want 3", n)
	}
	if n, _ := inventory.Balance(ctx, m.DB.R, "UP-AMT-001", inventory.Shelf); n != -1 {
		t.Errorf("shelf of UP-AMT-001 = %d, want -1 (sold without stock)", n)
	}
	var exc int
	m.DB.R.QueryRow(`SELECT count(*) FROM stock_exceptions WHERE sku = 'UP-AMT-001' AND ref = ?`, sale.ID).Scan(&exc)
	if exc != 1 {
		t.Errorf("stock exceptions = %d, want 1", exc)
	}
	var raw []byte
	if err := m.DB.R.QueryRow(`SELECT payload FROM outbox WHERE type = ?`, events.SaleCompleted).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	ev, err := events.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	var p events.Sale
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if p.InvoiceNo != sale.InvoiceNo || !p.Total.Equal(sale.Total) || len(p.Lines) != 2 || p.Lines[0].ProducerID == "" {
		t.Errorf("outbox event %+v does not match the sale", p)
	}
}

func TestCheckoutRefusals(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	other := openShift(t, m, "cashier2", "C02")
	line := []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}} // 480.00
	tests := []struct {
		name string
		user string
		req  pos.SaleRequest
		code errs.Code
		says string
	}{
		{"unknown sku", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "XX-NOPE-1", Qty: 1}}, Tenders: cash("500")}, errs.Invalid, "unknown SKU"},
		{"zero qty", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 0}}, Tenders: cash("500")}, errs.Invalid, "quantity"},
		{"1000 of a line", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1000}}, Tenders: cash("500")}, errs.Invalid, "quantity"},
		{"short", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: line, Tenders: cash("479.99")}, errs.Invalid, "short"},
		{"change from card", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: line, Tenders: []pos.Tender{{Method: pos.Card, Amount: amt("500")}}}, errs.Invalid, "only from cash"},
		{"bad method", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: line, Tenders: []pos.Tender{{Method: "cheque", Amount: amt("500")}}}, errs.Invalid, "method"},
		{"foreign shift", "cashier1", pos.SaleRequest{ShiftID: other.ID, Lines: line, Tenders: cash("500")}, errs.Forbidden, "belongs to"},
		{"unknown shift", "cashier1", pos.SaleRequest{ShiftID: ids.New(), Lines: line, Tenders: cash("500")}, errs.NotFound, "no shift"},
		{"zone manager", "zm.up", pos.SaleRequest{ShiftID: sh.ID, Lines: line, Tenders: cash("500")}, errs.Forbidden, "zone_manager"},
		{"discount over limit", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1, Discount: "10.01%"}}, Tenders: cash("500")}, errs.Forbidden, "approv"},
		{"discount eats the line", "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1, Discount: "480.00"}}, Tenders: cash("500")}, errs.Invalid, "nothing to pay"},
	}
	before := m.Count(t, postest.Tables...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := m.POS.Checkout(ctx, m.Actor(tc.user), ids.New(), tc.req)
			wantCode(t, err, tc.code, tc.says)
		})
	}
	if after := m.Count(t, postest.Tables...); !equalCounts(before, after) {
		t.Errorf("refused sales changed the database: %v → %v", before, after)
	}
	// Within the limit, and a mall admin may ring any open shift.
	mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1, Discount: "10%"}}, Tenders: cash("432.00")})
	mustSell(t, m, "admin", pos.SaleRequest{ShiftID: other.ID, Lines: line, Tenders: cash("480.00")})
	// A closed shift takes no more sales.
	if _, err := m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("2432.00"), nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), pos.SaleRequest{ShiftID: sh.ID, Lines: line, Tenders: cash("500")})
	wantCode(t, err, errs.Conflict, "closed")
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// TestApproval: a discount over the cashier's limit goes through only
// with a mall admin's one-time approval, and is audited.
func TestApproval(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	req := pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1, Discount: "100.00"}}, Tenders: cash("380.00")}
	scope := pos.ApprovalScope{SKU: "UP-ALG-001", Discount: "25%", MaxAmount: money.MustParse("100.00")}
	approve := func(cashier, admin, pass string, sc pos.ApprovalScope) (pos.Approval, error) {
		return m.POS.Approve(ctx, m.Actor(cashier), pos.ApprovalRequest{Username: admin, Password: pass, ApprovalScope: sc})
	}
	if _, err := approve("cashier1", "cashier2", postest.Password, scope); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("a cashier approved: %v", err)
	}
	if _, err := approve("cashier1", "admin", "wrong-password", scope); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("wrong password approved: %v", err)
	}
	for _, bad := range []pos.ApprovalScope{{Discount: "", MaxAmount: scope.MaxAmount}, {Discount: "100.00", MaxAmount: scope.MaxAmount},
		{Discount: "25%"}, {Discount: "25%", MaxAmount: money.MustParse("-1.00")}, {SKU: "NO-SUCH-SKU", Discount: "25%", MaxAmount: scope.MaxAmount}} {
		if _, err := approve("cashier1", "admin", postest.Password, bad); err == nil {
			t.Fatalf("approval without a proper scope %+v", bad)
		}
	}
	// Each use beyond what was approved is refused, and does not use up
	// the approval: another product, a bigger discount, over the ceiling.
	for _, c := range []struct {
		name  string
		scope pos.ApprovalScope
		want  string
	}{
		{"other product", pos.ApprovalScope{SKU: "UP-MBD-001", Discount: "25%", MaxAmount: scope.MaxAmount}, "covers UP-MBD-001 only"},
		{"bigger discount", pos.ApprovalScope{SKU: "UP-ALG-001", Discount: "20%", MaxAmount: scope.MaxAmount}, "more than the approved 20%"},
		{"over the ceiling", pos.ApprovalScope{Discount: "25%", MaxAmount: money.MustParse("99.99")}, "ceiling of 99.99"},
	} {
		ap, err := approve("cashier1", "admin", postest.Password, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		req.Approval = ap.Token
		_, _, err = m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), req)
		wantCode(t, err, errs.Forbidden, c.want)
	}
	ap, err := approve("cashier1", "admin", postest.Password, scope)
	if err != nil {
		t.Fatal(err)
	}
	if ap.SKU != "UP-ALG-001" || ap.Discount != "25%" || ap.MaxAmount.String() != "100.00" || ap.For != "cashier1" {
		t.Fatalf("the approval does not say what it approves: %+v", ap)
	}
	req.Approval = ap.Token
	sale := mustSell(t, m, "cashier1", req)
	if sale.ApprovedBy != "admin" || sale.Total.String() != "380.00" {
		t.Errorf("approved sale: by %q total %s", sale.ApprovedBy, sale.Total)
	}
	_, _, err = m.POS.Checkout(ctx, m.Actor("cashier1"), ids.New(), req)
	wantCode(t, err, errs.Conflict, "already used")
	var n int
	m.DB.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'discount_over_limit' AND detail LIKE '%' || ? || '%'`, sale.ID).Scan(&n)
	if n != 1 {
		t.Errorf("over-limit discount audited %d times, want 1", n)
	}
	// Guessing an admin's password through approvals is throttled.
	for range 5 {
		approve("cashier2", "admin", "guess-guess", scope)
	}
	_, err = approve("cashier2", "admin", postest.Password, scope)
	wantCode(t, err, errs.Forbidden, "too many")
}

// TestIdempotency: the same key and body returns the same sale; another
// body under the key is refused; concurrent retries make one sale.
func TestIdempotency(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	m.Receive(t, "UP-ALG-001", 10)
	req := pos.SaleRequest{ShiftID: sh.ID, Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: cash("500.00")}
	key := ids.New()
	const n = 16
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		got     = map[string]int{}
		replays int
	)
	for range n {
		wg.Go(func() {
			s, replay, err := m.POS.Checkout(ctx, m.Actor("cashier1"), key, req)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got[s.ID]++
			if replay {
				replays++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(got) != 1 || replays != n-1 {
		t.Fatalf("%d concurrent retries gave sales %v with %d replays; want one sale, %d replays", n, got, replays, n-1)
	}
	if c := m.Count(t, "sales", "outbox"); c["sales"] != 1 || c["outbox"] != 1 {
		t.Errorf("rows after retries: %v", c)
	}
	if b, _ := inventory.Balance(ctx, m.DB.R, "UP-ALG-001", inventory.Backroom); b != 9 {
		t.Errorf("stock after retries = %d, want 9", b)
	}
	// After the shift closes a retry still gets its sale back.
	if _, err := m.POS.CloseShift(ctx, m.Actor("cashier1"), sh.ID, amt("2480.00"), nil); err != nil {
		t.Fatal(err)
	}
	if _, replay, err := m.POS.Checkout(ctx, m.Actor("cashier1"), key, req); err != nil || !replay {
		t.Errorf("retry after close: replay=%v err=%v", replay, err)
	}
	other := req
	other.Tenders = cash("1000.00")
	_, _, err := m.POS.Checkout(ctx, m.Actor("cashier1"), key, other)
	wantCode(t, err, errs.Conflict, "different")
	_, _, err = m.POS.Checkout(ctx, m.Actor("cashier2"), key, req)
	wantCode(t, err, errs.Conflict, "different")
	_, _, err = m.POS.Checkout(ctx, m.Actor("cashier1"), "", req)
	wantCode(t, err, errs.Invalid, "Idempotency-Key")
}
