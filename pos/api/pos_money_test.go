package api_test

import (
	"fmt"
	"strings"
	"testing"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/sqlitedb"
)

// refused sends a request that must fail with status and code, and checks
// that it changed no table.
func (p *posServer) refused(who, method, path string, body any, hdr map[string]string, status int, code string) string {
	p.t.Helper()
	before := p.m.Count(p.t, postest.Tables...)
	var e struct {
		Error struct{ Code, Message string }
	}
	p.json(who, method, path, body, hdr, status, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		p.t.Fatalf("%s %s: error %+v, want code %s", method, path, e.Error, code)
	}
	after := p.m.Count(p.t, postest.Tables...)
	for tb, n := range before {
		if after[tb] != n {
			p.t.Fatalf("%s %s was refused but table %s went from %d to %d rows", method, path, tb, n, after[tb])
		}
	}
	return e.Error.Message
}

func (p *posServer) shift(who, counter string) pos.Shift {
	p.t.Helper()
	var sh pos.Shift
	p.json(who, "POST", "/api/v1/shifts", map[string]any{"counter": counter, "opening_float": "2000.00"}, nil, 201, &sh)
	return sh
}

// Issue 14 item 12: cash beyond the total plus the largest note is a
// typo and is refused, as is a UPI or card tender above what is due (or
// beside a cash tender it makes needless).
func TestAbsurdCashTenderRefused(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	sh := p.shift("cashier1", "C01")
	sale := func(tenders string) string {
		return fmt.Sprintf(`{"shift_id": %q, "lines": [{"sku": "UP-ALG-001", "qty": 1}], "tenders": %s}`, sh.ID, tenders) // ₹480.00
	}
	for _, tc := range []struct{ name, tenders string }{
		{"a trillion rupees for 480", `[{"method": "cash", "amount": "1000000000000.00"}]`},
		{"a paisa past total plus the largest note", `[{"method": "cash", "amount": "2480.01"}]`},
		{"UPI above the total", `[{"method": "upi", "amount": "480.01", "ref": "UPI-A1"}]`},
		{"card above the total", `[{"method": "card", "amount": "500.00", "ref": "CARD-A1"}]`},
		{"cash beside a card that pays it all", `[{"method": "card", "amount": "480.00", "ref": "CARD-A2"}, {"method": "cash", "amount": "100.00"}]`},
		{"cash past the largest note beside UPI", `[{"method": "upi", "amount": "80.00", "ref": "UPI-A2"}, {"method": "cash", "amount": "2400.01"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := p.refused("cashier1", "POST", "/api/v1/sales", sale(tc.tenders), key(), 400, "invalid")
			if !strings.Contains(msg, "tender") {
				t.Fatalf("message %q does not name the tenders", msg)
			}
		})
	}
	for _, tc := range []struct{ tenders, change string }{
		{`[{"method": "cash", "amount": "2480.00"}]`, "2000.00"},
		{`[{"method": "cash", "amount": "500.00"}]`, "20.00"},
		{`[{"method": "upi", "amount": "80.00", "ref": "UPI-B1"}, {"method": "cash", "amount": "2400.00"}]`, "2000.00"},
		{`[{"method": "card", "amount": "480.00", "ref": "CARD-B1"}]`, "0.00"},
	} {
		var s pos.Sale
		p.json("cashier1", "POST", "/api/v1/sales", sale(tc.tenders), key(), 201, &s)
		if s.Change.String() != tc.change {
			t.Fatalf("%s: change %s, want %s", tc.tenders, s.Change, tc.change)
		}
	}
}

// Issue 14 item 6: a return without an Idempotency-Key is refused like a
// sale without one; a retry with the key gets the same credit note and
// refunds nothing twice; the key reused for another return is a conflict.
func TestReturnsRequireIdempotencyKey(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	sh := p.shift("cashier1", "C01")
	var s pos.Sale
	p.json("cashier1", "POST", "/api/v1/sales", map[string]any{"shift_id": sh.ID, "lines": []any{map[string]any{"sku": "UP-AMT-001", "qty": 3}},
		"tenders": []any{map[string]any{"method": "cash", "amount": "1200.00"}}}, key(), 201, nil)
	p.json("cashier1", "POST", "/api/v1/sales", map[string]any{"shift_id": sh.ID, "lines": []any{map[string]any{"sku": "UP-AMT-001", "qty": 3}},
		"tenders": []any{map[string]any{"method": "cash", "amount": "1200.00"}}}, key(), 201, &s)
	ret := map[string]any{"sale_id": s.ID, "lines": []any{map[string]any{"sku": "UP-AMT-001", "qty": 1}}, "refund_method": "cash"}
	msg := p.refused("cashier1", "POST", "/api/v1/returns", ret, nil, 400, "invalid")
	if !strings.Contains(msg, "Idempotency-Key") {
		t.Fatalf("message %q does not name the header", msg)
	}
	p.refused("cashier1", "POST", "/api/v1/returns", ret, map[string]string{"Idempotency-Key": "short"}, 400, "invalid")
	k := key()
	var first, again pos.Return
	p.json("cashier1", "POST", "/api/v1/returns", ret, k, 201, &first)
	p.json("cashier1", "POST", "/api/v1/returns", ret, k, 200, &again)
	if again.ID != first.ID || again.CreditNoteNo != first.CreditNoteNo || !again.Total.Equal(first.Total) {
		t.Fatalf("retry gave credit note %s %s, first was %s %s", again.CreditNoteNo, again.Total, first.CreditNoteNo, first.Total)
	}
	other := map[string]any{"sale_id": s.ID, "lines": []any{map[string]any{"sku": "UP-AMT-001", "qty": 2}}, "refund_method": "cash"}
	p.refused("cashier1", "POST", "/api/v1/returns", other, k, 409, "conflict")
	n := p.m.Count(t, "returns", "refunds")
	if n["returns"] != 1 || n["refunds"] != 1 {
		t.Fatalf("after a retry: %d credit notes, %d refunds; want 1 and 1", n["returns"], n["refunds"])
	}
}

// Issue 14 item 5 at the till: a UPI reference that already paid another
// sale today is refused (one UPI payment pays one sale), also across
// counters; a card reference seen today earns a warning on the invoice.
func TestReconReferenceUsedTwiceAtTill(t *testing.T) {
	p := newPOSServer(t, sqlitedb.Options{})
	sh1, sh2 := p.shift("cashier1", "C01"), p.shift("cashier2", "C02")
	sale := func(sh pos.Shift, tenders string) string {
		return fmt.Sprintf(`{"shift_id": %q, "lines": [{"sku": "UP-ALG-001", "qty": 1}], "tenders": %s}`, sh.ID, tenders)
	}
	var first pos.Sale
	p.json("cashier1", "POST", "/api/v1/sales", sale(sh1, `[{"method": "upi", "amount": "480.00", "ref": "412345678901"}]`), key(), 201, &first)
	if len(first.Warnings) != 0 {
		t.Fatalf("first use warned: %v", first.Warnings)
	}
	msg := p.refused("cashier2", "POST", "/api/v1/sales", sale(sh2, `[{"method": "upi", "amount": "480.00", "ref": "412345678901"}]`), key(), 409, "conflict")
	if !strings.Contains(msg, first.InvoiceNo) {
		t.Fatalf("refusal %q does not name invoice %s", msg, first.InvoiceNo)
	}
	p.refused("cashier1", "POST", "/api/v1/sales", sale(sh1, `[{"method": "upi", "amount": "400.00", "ref": "412345678999"},
		{"method": "upi", "amount": "80.00", "ref": "412345678999"}]`), key(), 400, "invalid")
	// A voided sale's payment may pay its corrected sale.
	p.json("admin", "POST", "/api/v1/sales/"+first.ID+"/void", map[string]string{"reason": "wrong item"}, nil, 200, nil)
	p.json("cashier1", "POST", "/api/v1/sales", sale(sh1, `[{"method": "upi", "amount": "480.00", "ref": "412345678901"}]`), key(), 201, nil)

	var c1, c2 pos.Sale
	p.json("cashier1", "POST", "/api/v1/sales", sale(sh1, `[{"method": "card", "amount": "480.00", "ref": "AUTH77"}]`), key(), 201, &c1)
	p.json("cashier2", "POST", "/api/v1/sales", sale(sh2, `[{"method": "card", "amount": "480.00", "ref": "AUTH77"}]`), key(), 201, &c2)
	if len(c1.Warnings) != 0 || len(c2.Warnings) != 1 || !strings.Contains(c2.Warnings[0], c1.InvoiceNo) {
		t.Fatalf("card warnings: first %v, second %v", c1.Warnings, c2.Warnings)
	}
}
