package catalogdb_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"ektamall/shared/catalogdb"
)

// TestHindiNames: every product of the demo catalog has a Hindi name, it
// survives the database, and a search typed in Devanagari finds it.
func TestHindiNames(t *testing.T) {
	ctx := context.Background()
	db, seed := seeded(t)
	for _, p := range seed.Products {
		if strings.TrimSpace(p.Names["hi"]) == "" {
			t.Errorf("%s (%s) has no Hindi name", p.SKU, p.Name)
		}
	}
	got, err := catalogdb.GetProduct(ctx, db.R, "UP-MBD-002")
	if err != nil {
		t.Fatal(err)
	}
	if got.Names["hi"] != "मुरादाबाद पीतल पूजा थाली सेट 5 नग" {
		t.Fatalf("UP-MBD-002 Hindi name after the database: %q", got.Names["hi"])
	}
	for _, q := range []string{"पूजा थाली", "मुरादाबाद पीतल"} {
		ps, err := catalogdb.ListProducts(ctx, db.R, catalogdb.Filter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range ps {
			found = found || p.SKU == "UP-MBD-002"
		}
		if !found {
			t.Errorf("search %q found %d products, not UP-MBD-002", q, len(ps))
		}
	}
	// A catalog change from the hub replaces the translations with its own.
	p := seed.Products[0]
	p.Names = map[string]string{"hi": "नया नाम", "kn": "ಹೊಸ ಹೆಸರು"}
	if err := db.Transact(ctx, func(tx *sql.Tx) error {
		return catalogdb.UpsertProduct(ctx, tx, p, time.Now().UTC().Format(time.RFC3339Nano))
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := catalogdb.GetProduct(ctx, db.R, p.SKU); got.Names["kn"] != "ಹೊಸ ಹೆಸರು" || got.Names["hi"] != "नया नाम" {
		t.Fatalf("after the update: %v", got.Names)
	}
}
