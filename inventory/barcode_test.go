package inventory_test

import (
	"context"
	"testing"

	"ektamall/inventory"
	"ektamall/shared/sqlitedb"
)

// TestBarcodeNamesItsSKU: a zone manager may scan a label wherever a SKU
// is asked for (receipt, restock, reorder point, history), and lists name
// the document behind each movement, not its id.
func TestBarcodeNamesItsSKU(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	var code string
	if err := s.DB.R.QueryRow(`SELECT barcode FROM products WHERE sku = ?`, skuVase).Scan(&code); err != nil {
		t.Fatal(err)
	}
	g := receive(t, s, upMgr, "UP", prodMBD, inventory.Line{SKU: code, Qty: 5})
	if len(g.Lines) != 1 || g.Lines[0].SKU != skuVase {
		t.Fatalf("received by barcode: %+v", g.Lines)
	}
	must[inventory.Movement](t)(s.Restock(ctx, upMgr, "UP", inventory.RestockInput{Lines: []inventory.Line{{SKU: code, Qty: 2}}}))
	rp := must[inventory.ReorderPoint](t)(s.SetReorderPoint(ctx, upMgr, "UP", code, 3))
	if rp.SKU != skuVase {
		t.Fatalf("reorder point by barcode set on %q", rp.SKU)
	}
	moves := must[[]inventory.Move](t)(s.Moves(ctx, upMgr, code, 0))
	if len(moves) != 2 || moves[0].SKU != skuVase || moves[1].Doc == nil || moves[1].Doc.Kind != "grn" || moves[1].Doc.No != g.No {
		t.Fatalf("history by barcode: %+v", moves)
	}
	if moves[0].Doc == nil || moves[0].Doc.Kind != "movement" {
		t.Fatalf("a restock's document: %+v", moves[0].Doc)
	}
}
