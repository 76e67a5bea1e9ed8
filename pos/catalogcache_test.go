package pos_test

import (
	"database/sql"
	"testing"
	"time"

	"ektamall/pos"
	"ektamall/pos/postest"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/syncwire"
)

// The till caches products, prices and tax bands (issue 24). A change the
// hub sends down must be charged on the very next sale, with no restart:
// a new price, a new GST rate for the HSN code, new price bands.
func TestCatalogChangesAreChargedOnTheNextSale(t *testing.T) {
	m := postest.Open(t, sqlitedb.Options{})
	sh := openShift(t, m, "cashier1", "C01")
	m.Receive(t, "UP-ALG-001", 10)
	sell := func() pos.SaleLine {
		t.Helper()
		s := mustSell(t, m, "cashier1", pos.SaleRequest{ShiftID: sh.ID,
			Lines: []pos.LineRequest{{SKU: "UP-ALG-001", Qty: 1}}, Tenders: cash("2000.00")})
		return s.Lines[0]
	}
	var change int64
	apply := func(c syncwire.CatalogChange) {
		t.Helper()
		change++
		c.ID, c.At = change, time.Now()
		if err := m.DB.Transact(ctx, func(tx *sql.Tx) error { return syncwire.Apply(ctx, tx, c, time.Now()) }); err != nil {
			t.Fatal(err)
		}
	}
	first := sell()
	if first.UnitPrice.String() != "480.00" || first.GSTRate.String() != "18" {
		t.Fatalf("before any change: %s at %s, want 480.00 at 18%%", first.UnitPrice, first.GSTRate)
	}
	sell() // from the cache

	apply(syncwire.CatalogChange{Kind: syncwire.KindPrice, Price: &syncwire.PriceChange{SKU: "UP-ALG-001", MRP: amt("500.00")}})
	if l := sell(); l.UnitPrice.String() != "500.00" || l.Amount.String() != "500.00" {
		t.Fatalf("after a price change: unit %s, line %s, want 500.00", l.UnitPrice, l.Amount)
	}

	apply(syncwire.CatalogChange{Kind: syncwire.KindTaxRate, TaxRate: &syncwire.TaxRateChange{HSN: first.HSN, Rate: gst.MustRate("5")}})
	if l := sell(); l.GSTRate.String() != "5" {
		t.Fatalf("after a GST rate change: %s, want 5%%", l.GSTRate)
	}

	bands := gst.Bands{{UpTo: money.MustParse("300.00"), Rate: gst.MustRate("5")}, {Open: true, Rate: gst.MustRate("18")}}
	apply(syncwire.CatalogChange{Kind: syncwire.KindTaxBands, TaxBands: &syncwire.TaxBandsChange{HSN: first.HSN[:4], Bands: bands}})
	if l := sell(); l.GSTRate.String() != "18" || l.BandNote == "" {
		t.Fatalf("after price bands for %s: %s (band %q), want 18%% by its band", first.HSN[:4], l.GSTRate, l.BandNote)
	}
}
