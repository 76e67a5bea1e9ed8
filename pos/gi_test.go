package pos_test

import (
	"testing"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/sqlitedb"
)

// TestSaleLineGI rings two GI products around one without GI: the invoice
// read back carries each GI line's name and registration, and none on the
// other line.
func TestSaleLineGI(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	for _, sku := range []string{"UP-LKO-001", "UP-ALG-001", "UP-LKO-002"} {
		m.Receive(t, sku, 2)
	}
	sale := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
		Lines:   []pos.LineRequest{{SKU: "UP-LKO-001", Qty: 1}, {SKU: "UP-ALG-001", Qty: 1}, {SKU: "UP-LKO-002", Qty: 1}},
		Tenders: cash("7000.00")})
	got, err := m.POS.GetSale(ctx, m.Actor("cashier1"), sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"Lucknow Chikan Craft", "55"}, {"", ""}, {"Lucknow Chikan Craft", "55"}}
	for i, l := range got.Lines {
		if [2]string{l.GIName, l.GIReg} != want[i] {
			t.Errorf("line %d (%s) GI = %q %q, want %q", l.LineNo, l.SKU, l.GIName, l.GIReg, want[i])
		}
	}
}
