package catalogdb_test

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
	"ektamall/shared/sqlitedb"
)

func seeded(t *testing.T) (*sqlitedb.DB, *catalog.Seed) {
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

func TestSeedRoundTripsEveryProduct(t *testing.T) {
	ctx := context.Background()
	db, seed := seeded(t)
	for _, want := range seed.Products {
		got, err := catalogdb.GetProduct(ctx, db.R, want.SKU)
		if err != nil {
			t.Fatalf("%s: %v", want.SKU, err)
		}
		if !got.MRP.Equal(want.MRP) || got.GSTRate.String() != want.GSTRate.String() || got.Barcode != want.Barcode || got.HSN != want.HSN || got.GI != want.GI {
			t.Fatalf("%s round trip: got %+v want %+v", want.SKU, got, want)
		}
		byBarcode, err := catalogdb.GetProduct(ctx, db.R, want.Barcode)
		if err != nil || byBarcode.SKU != want.SKU {
			t.Fatalf("lookup by barcode %s: %+v %v", want.Barcode, byBarcode, err)
		}
	}
	var zones int
	db.R.QueryRow(`SELECT count(*) FROM zones`).Scan(&zones)
	if zones != 36 {
		t.Fatalf("zones = %d, want 36", zones)
	}
}

func TestListFilters(t *testing.T) {
	ctx := context.Background()
	db, seed := seeded(t)
	up, err := catalogdb.ListProducts(ctx, db.R, catalogdb.Filter{Zone: "UP", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	wantUP := 0
	for _, p := range seed.Products {
		if p.State == "UP" {
			wantUP++
		}
	}
	if len(up) != wantUP || wantUP == 0 {
		t.Fatalf("UP products = %d, want %d", len(up), wantUP)
	}
	brass, err := catalogdb.ListProducts(ctx, db.R, catalogdb.Filter{Query: "moradabad brass"})
	if err != nil || len(brass) == 0 {
		t.Fatalf("search 'moradabad brass': %d, %v", len(brass), err)
	}
	for _, p := range brass {
		if p.District != "Moradabad" {
			t.Errorf("search hit outside Moradabad: %+v", p)
		}
	}
	// LIKE wildcards in a query are literal, not patterns.
	none, _ := catalogdb.ListProducts(ctx, db.R, catalogdb.Filter{Query: "%_%"})
	if len(none) != 0 {
		t.Fatalf("wildcard query matched %d products", len(none))
	}
	if _, err := catalogdb.GetProduct(ctx, db.R, "NO-SUCH-SKU"); errs.CodeOf(err) != errs.NotFound {
		t.Fatalf("unknown SKU: %v", err)
	}
}
