package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/sqlitedb"
)

func TestImportCSVAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := newMall(t, "LKO1", "UP", sqlitedb.Options{})
	kaSKU, _ := zoneProduct(t, s, "KA")
	var barcode string
	if err := s.DB.R.QueryRow(`SELECT barcode FROM products WHERE sku = ?`, skuThali).Scan(&barcode); err != nil {
		t.Fatal(err)
	}
	// Another UP producer's SKU, to prove a note holds one producer's goods.
	var otherUP string
	if err := s.DB.R.QueryRow(`SELECT sku FROM products WHERE state = 'UP' AND producer_id <> ? LIMIT 1`, prodMBD).Scan(&otherUP); err != nil {
		t.Fatal(err)
	}
	bad := "\xef\xbb\xbfSKU,Name,Qty\n" + // Excel's BOM and a column to ignore
		skuVase + ",vase,4\n" + // 2 ok
		"UP-NOPE-001,?,1\n" + // 3 unknown
		skuThali + ",thali,0\n" + // 4 zero
		"\n" + // blank lines are skipped but still counted
		kaSKU + ",ka,2\n" + // 6 another zone
		skuVase + ",vase,-3\n" + // 7 negative
		skuThali + ",thali,2.5\n" + // 8 not whole
		otherUP + ",x,1\n" + // 9 another producer
		skuVase + "\n" + // 10 too few columns
		barcode + ",by barcode,2\n" // 11 ok
	before := snapshot(t, s)
	_, err := s.ImportCSV(ctx, upMgr, "UP", inventory.ReceiptInput{ProducerID: prodMBD}, strings.NewReader(bad), nil)
	var ie *inventory.ImportError
	if !errors.As(err, &ie) || errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("err = %v, want an ImportError (invalid)", err)
	}
	var lines []int
	for _, r := range ie.Rows {
		lines = append(lines, r.Line)
	}
	if fmt.Sprint(lines) != "[3 4 6 7 8 9 10]" || ie.Total != 7 {
		t.Fatalf("bad rows at lines %v (total %d): %+v", lines, ie.Total, ie.Rows)
	}
	if after := snapshot(t, s); after != before {
		t.Fatalf("a bad CSV changed the database: %s -> %s", before, after)
	}

	// The same consignment, fixed: every line applied, progress reported.
	var good strings.Builder
	good.WriteString("sku,qty\n")
	for i := range 500 {
		fmt.Fprintf(&good, "%s,%d\n", []string{skuVase, barcode}[i%2], 1+i%3)
	}
	var calls, last int
	g, err := s.ImportCSV(ctx, upMgr, "UP", inventory.ReceiptInput{ProducerID: prodMBD, ProducerRef: "CH-2291"}, strings.NewReader(good.String()),
		func(done, total int) {
			if done < last || total != 500 {
				t.Errorf("progress %d/%d after %d", done, total, last)
			}
			calls, last = calls+1, done
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Lines) != 500 || g.Source != "csv" || last != 500 || calls < 10 {
		t.Fatalf("grn lines %d source %s, progress calls %d last %d", len(g.Lines), g.Source, calls, last)
	}
	if v, th := bal(t, s, skuVase, inventory.Backroom), bal(t, s, skuThali, inventory.Backroom); v+th != g.TotalQty || v == 0 || th == 0 {
		t.Fatalf("backroom vase %d thali %d, grn total %d", v, th, g.TotalQty)
	}

	for name, body := range map[string]string{
		"empty":     "",
		"no header": "UP-MBD-001,3\n",
		"no rows":   "sku,qty\n",
	} {
		if _, err := s.ImportCSV(ctx, upMgr, "UP", inventory.ReceiptInput{ProducerID: prodMBD}, strings.NewReader(body), nil); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	if _, err := s.ImportCSV(ctx, kaMgr, "UP", inventory.ReceiptInput{ProducerID: prodMBD}, strings.NewReader(good.String()), nil); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("KA manager importing into UP: %v", err)
	}
}
