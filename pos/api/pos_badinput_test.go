package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/ids"
	"ektamall/shared/sqlitedb"
)

// TestBadInputChangesNothing sends every bad input of the issue over real
// HTTP and checks each gets a 4xx {"error": {"code", "message"}} and
// leaves every table as it was.
func TestBadInputChangesNothing(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	var own, foreign, closed pos.Shift
	p.json("cashier1", "POST", "/api/v1/shifts", map[string]any{"counter": "C01", "opening_float": "2000.00"}, nil, 201, &own)
	p.json("cashier2", "POST", "/api/v1/shifts", map[string]any{"counter": "C02", "opening_float": "0.00"}, nil, 201, &foreign)
	p.json("admin", "POST", "/api/v1/shifts", map[string]any{"counter": "C03", "opening_float": "0.00"}, nil, 201, &closed)
	p.json("admin", "POST", "/api/v1/shifts/"+closed.ID+"/close", map[string]any{"counted_cash": "0.00"}, nil, 200, nil)

	sale := func(lines, tenders string) string {
		return fmt.Sprintf(`{"shift_id": %q, "lines": %s, "tenders": %s}`, own.ID, lines, tenders)
	}
	okLines := `[{"sku": "UP-ALG-001", "qty": 1}]`
	okTenders := `[{"method": "cash", "amount": "500.00"}]`
	good := sale(okLines, okTenders)
	usedKey := ids.New()
	var sold, voided pos.Sale
	p.json("cashier1", "POST", "/api/v1/sales", good, map[string]string{"Idempotency-Key": usedKey}, 201, &sold)
	p.json("cashier1", "POST", "/api/v1/sales", good, key(), 201, &voided)
	p.json("admin", "POST", "/api/v1/sales/"+voided.ID+"/void", `{"reason": "test"}`, nil, 200, nil)
	ret := func(saleID, lines string) string {
		return fmt.Sprintf(`{"sale_id": %q, "lines": %s, "refund_method": "cash"}`, saleID, lines)
	}

	tests := []struct {
		name, who, method, path string
		body                    any
		hdr                     map[string]string
		status                  int
	}{
		{"no token", "", "POST", "/api/v1/sales", good, key(), 401},
		{"bad token", "not-a-token", "POST", "/api/v1/sales", good, key(), 401},
		{"zone manager may not sell", "zm.up", "POST", "/api/v1/sales", good, key(), 403},
		{"zone manager may not open a shift", "zm.up", "POST", "/api/v1/shifts", `{"counter": "C09", "opening_float": "0.00"}`, nil, 403},
		{"cashier may not void", "cashier1", "POST", "/api/v1/sales/" + sold.ID + "/void", `{"reason": "x"}`, nil, 403},
		{"unknown SKU", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-XXX-999", "qty": 1}]`, okTenders), key(), 400},
		{"unknown barcode", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "8901234567890", "qty": 1}]`, okTenders), key(), 400},
		{"quantity 0", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 0}]`, okTenders), key(), 400},
		{"negative quantity", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": -2}]`, okTenders), key(), 400},
		{"fractional quantity", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 1.5}]`, okTenders), key(), 400},
		{"quantity as text", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": "1"}]`, okTenders), key(), 400},
		{"more than 999 of a line", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 1000}]`, `[{"method": "cash", "amount": "480000.00"}]`), key(), 400},
		{"amount with 3 decimals", "cashier1", "POST", "/api/v1/sales", sale(okLines, `[{"method": "cash", "amount": "480.001"}]`), key(), 400},
		{"amount as a number", "cashier1", "POST", "/api/v1/sales", sale(okLines, `[{"method": "cash", "amount": 480}]`), key(), 400},
		{"negative discount", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 1, "discount": "-5.00"}]`, okTenders), key(), 400},
		{"discount over 100%", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 1, "discount": "101%"}]`, okTenders), key(), 400},
		{"discount with 3 decimals", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 1, "discount": "1.005"}]`, okTenders), key(), 400},
		{"tenders short", "cashier1", "POST", "/api/v1/sales", sale(okLines, `[{"method": "cash", "amount": "479.99"}]`), key(), 400},
		{"change from card", "cashier1", "POST", "/api/v1/sales", sale(okLines, `[{"method": "card", "amount": "500.00", "ref": "A1"}]`), key(), 400},
		{"change from UPI beside cash", "cashier1", "POST", "/api/v1/sales", sale(okLines, `[{"method": "upi", "amount": "490.00"}, {"method": "cash", "amount": "10.00"}]`), key(), 400},
		{"closed shift", "admin", "POST", "/api/v1/sales", strings.Replace(good, own.ID, closed.ID, 1), key(), 409},
		{"foreign shift", "cashier1", "POST", "/api/v1/sales", strings.Replace(good, own.ID, foreign.ID, 1), key(), 403},
		{"missing Idempotency-Key", "cashier1", "POST", "/api/v1/sales", good, nil, 400},
		{"same key, different body", "cashier1", "POST", "/api/v1/sales", sale(`[{"sku": "UP-ALG-001", "qty": 2}]`, `[{"method": "cash", "amount": "960.00"}]`), map[string]string{"Idempotency-Key": usedKey}, 409},
		{"return more than sold", "cashier1", "POST", "/api/v1/returns", ret(sold.ID, `[{"sku": "UP-ALG-001", "qty": 2}]`), key(), 400},
		{"return of a SKU not sold", "cashier1", "POST", "/api/v1/returns", ret(sold.ID, `[{"sku": "UP-AMT-001", "qty": 1}]`), key(), 400},
		{"return against a cancelled invoice", "cashier1", "POST", "/api/v1/returns", ret(voided.ID, `[{"sku": "UP-ALG-001", "qty": 1}]`), key(), 409},
		{"return against an unknown invoice", "cashier1", "POST", "/api/v1/returns", ret(ids.New(), `[{"sku": "UP-ALG-001", "qty": 1}]`), key(), 404},
		{"return with zero quantity", "cashier1", "POST", "/api/v1/returns", ret(sold.ID, `[{"sku": "UP-ALG-001", "qty": 0}]`), key(), 400},
		{"malformed JSON", "cashier1", "POST", "/api/v1/sales", `{"shift_id": "x", "lines": [`, key(), 400},
		{"two JSON values", "cashier1", "POST", "/api/v1/sales", good + good, key(), 400},
		{"unknown field", "cashier1", "POST", "/api/v1/sales", strings.Replace(good, `"lines"`, `"price_override": "1.00", "lines"`, 1), key(), 400},
		{"oversized JSON", "cashier1", "POST", "/api/v1/sales", `{"shift_id": "` + strings.Repeat("x", 2<<20) + `"}`, key(), 413},
		{"empty body", "cashier1", "POST", "/api/v1/sales", "", key(), 400},
		{"bad counter", "cashier2", "POST", "/api/v1/shifts", `{"counter": "counter one", "opening_float": "0.00"}`, nil, 400},
		{"second shift at a counter", "admin", "POST", "/api/v1/shifts", `{"counter": "C01", "opening_float": "0.00"}`, nil, 409},
		{"close with 3-decimal cash", "cashier1", "POST", "/api/v1/shifts/" + own.ID + "/close", `{"counted_cash": "10.005"}`, nil, 400},
		{"close a foreign shift", "cashier1", "POST", "/api/v1/shifts/" + foreign.ID + "/close", `{"counted_cash": "0.00"}`, nil, 403},
		{"close without counted cash", "cashier1", "POST", "/api/v1/shifts/" + own.ID + "/close", `{}`, nil, 400},
		{"paid out without reason", "cashier1", "POST", "/api/v1/shifts/" + own.ID + "/cash", `{"kind": "out", "amount": "10.00", "reason": ""}`, key(), 400},
		{"paid out without Idempotency-Key", "cashier1", "POST", "/api/v1/shifts/" + own.ID + "/cash", `{"kind": "out", "amount": "10.00", "reason": "tea"}`, nil, 400},
		{"UPI QR for 3 decimals", "cashier1", "GET", "/api/v1/upi-qr?amount=1.005", nil, nil, 400},
		{"UPI QR for nothing", "cashier1", "GET", "/api/v1/upi-qr?amount=0", nil, nil, 400},
		{"park an unknown SKU", "cashier1", "POST", "/api/v1/parked", fmt.Sprintf(`{"shift_id": %q, "lines": [{"sku": "NOPE", "qty": 1}]}`, own.ID), key(), 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := p.m.Count(t, postest.Tables...)
			st, raw := p.do(tc.who, tc.method, tc.path, tc.body, tc.hdr)
			if st != tc.status {
				t.Errorf("status %d, want %d: %s", st, tc.status, raw)
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(raw, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Errorf("body is not {\"error\": {\"code\", \"message\"}}: %.200s", raw)
			}
			after := p.m.Count(t, postest.Tables...)
			for tb, n := range before {
				if after[tb] != n {
					t.Errorf("table %s went from %d to %d rows", tb, n, after[tb])
				}
			}
		})
	}
}

// TestConcurrentRetriesHTTP: 16 clients send the same checkout with one
// Idempotency-Key at once; one gets 201, the rest 200 with the same body.
func TestConcurrentRetriesHTTP(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	var sh pos.Shift
	p.json("cashier1", "POST", "/api/v1/shifts", map[string]any{"counter": "C01", "opening_float": "0.00"}, nil, 201, &sh)
	body := fmt.Sprintf(`{"shift_id": %q, "lines": [{"sku": "UP-ALG-001", "qty": 1}], "tenders": [{"method": "cash", "amount": "500.00"}]}`, sh.ID)
	k := key()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		status = map[int]int{}
		bodies = map[string]bool{}
	)
	for range 16 {
		wg.Go(func() {
			st, raw := p.do("cashier1", "POST", "/api/v1/sales", body, k)
			mu.Lock()
			status[st]++
			bodies[string(raw)] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if status[201] != 1 || status[200] != 15 || len(bodies) != 1 {
		t.Errorf("statuses %v, %d distinct bodies; want one 201, fifteen 200, one body", status, len(bodies))
	}
	if c := p.m.Count(t, "sales", "sale_lines", "stock_moves", "outbox"); c["sales"] != 1 || c["sale_lines"] != 1 || c["stock_moves"] != 1 || c["outbox"] != 1 {
		t.Errorf("rows after 16 retries: %v", c)
	}
}
