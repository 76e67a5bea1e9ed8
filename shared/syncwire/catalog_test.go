package syncwire_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"ektamall/migrations"
	"ektamall/shared/catalog"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
	"ektamall/shared/sqlitedb"
	"ektamall/shared/syncwire"
)

func openMallDB(t *testing.T) (*sqlitedb.DB, *catalog.Seed) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlitedb.Open(ctx, filepath.Join(t.TempDir(), "m.db"), sqlitedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrations.Apply(ctx, db.W, migrations.Mall, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Transact(ctx, func(tx *sql.Tx) error { return catalogdb.InsertSeed(ctx, tx, seed, true, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	return db, seed
}

func apply(t *testing.T, db *sqlitedb.DB, c syncwire.CatalogChange, now time.Time) error {
	return db.Transact(context.Background(), func(tx *sql.Tx) error { return syncwire.Apply(context.Background(), tx, c, now) })
}

func TestTaxRateChangeHitsOnlyItsHSN(t *testing.T) {
	db, seed := openMallDB(t)
	hsn := seed.Products[0].HSN
	var inside, outside, insideAfter int
	db.R.QueryRow(`SELECT count(*) FROM products WHERE substr(hsn, 1, 4) = ?`, hsn[:4]).Scan(&inside)
	db.R.QueryRow(`SELECT count(*) FROM products WHERE substr(hsn, 1, 4) <> ? AND gst_rate_bp = 4000`, hsn[:4]).Scan(&outside)
	err := apply(t, db, syncwire.CatalogChange{ID: 1, Kind: syncwire.KindTaxRate,
		TaxRate: &syncwire.TaxRateChange{HSN: hsn[:4], Rate: gst.MustRate("40")}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db.R.QueryRow(`SELECT count(*) FROM products WHERE substr(hsn, 1, 4) = ? AND gst_rate_bp = 4000`, hsn[:4]).Scan(&insideAfter)
	var outsideAfter int
	db.R.QueryRow(`SELECT count(*) FROM products WHERE substr(hsn, 1, 4) <> ? AND gst_rate_bp = 4000`, hsn[:4]).Scan(&outsideAfter)
	if inside == 0 || insideAfter != inside || outsideAfter != outside {
		t.Fatalf("under %s: %d products, %d at 40%%; elsewhere %d → %d at 40%%", hsn[:4], inside, insideAfter, outside, outsideAfter)
	}
}

func TestScheduledChangeWaitsForItsTime(t *testing.T) {
	db, seed := openMallDB(t)
	p := seed.Products[0]
	now := time.Now()
	eff := now.Add(time.Hour)
	newMRP := p.MRP.Add(money.MustParse("1.00"))
	c := syncwire.CatalogChange{ID: 7, Kind: syncwire.KindPrice, EffectiveAt: &eff, Price: &syncwire.PriceChange{SKU: p.SKU, MRP: newMRP}}
	for range 2 { // applying twice holds it once
		if err := apply(t, db, c, now); err != nil {
			t.Fatal(err)
		}
	}
	mrp := func() int64 {
		var v int64
		db.R.QueryRow(`SELECT mrp_paise FROM products WHERE sku = ?`, p.SKU).Scan(&v)
		return v
	}
	due := func(at time.Time) int {
		var n int
		if err := db.Transact(context.Background(), func(tx *sql.Tx) (err error) {
			n, err = syncwire.ApplyDue(context.Background(), tx, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := due(now.Add(59 * time.Minute)); n != 0 || mrp() != p.MRP.Paise() {
		t.Fatalf("applied early: %d, mrp %d", n, mrp())
	}
	if n := due(eff); n != 1 || mrp() != newMRP.Paise() {
		t.Fatalf("not applied on time: %d, mrp %d", n, mrp())
	}
	if n := due(eff.Add(time.Hour)); n != 0 {
		t.Fatalf("applied again: %d", n)
	}
}

func TestBadChangesAreCoded(t *testing.T) {
	db, seed := openMallDB(t)
	p := seed.Products[0]
	cases := []struct {
		name string
		c    syncwire.CatalogChange
		code errs.Code
	}{
		{"zero price", syncwire.CatalogChange{Kind: syncwire.KindPrice, Price: &syncwire.PriceChange{SKU: p.SKU}}, errs.Invalid},
		{"unknown sku", syncwire.CatalogChange{Kind: syncwire.KindPrice, Price: &syncwire.PriceChange{SKU: "UP-ZZZ-999", MRP: money.MustParse("5")}}, errs.NotFound},
		{"kind mismatch", syncwire.CatalogChange{Kind: syncwire.KindProduct, Price: &syncwire.PriceChange{SKU: p.SKU, MRP: money.MustParse("5")}}, errs.Invalid},
		{"unknown district", syncwire.CatalogChange{Kind: syncwire.KindProducer,
			Producer: &catalog.Producer{ID: "PR-UP-NOWHERE-01", Name: "X", DistrictID: "UP-NOWHERE", State: "UP"}}, errs.NotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := apply(t, db, c.c, time.Now())
			if errs.CodeOf(err) != c.code {
				t.Fatalf("got %v (%s), want %s", err, errs.CodeOf(err), c.code)
			}
		})
	}
}
