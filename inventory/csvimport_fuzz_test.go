package inventory

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"ektamall/shared/errs"
)

// FuzzCatalogCSV: the consignment CSV parser never panics; a file it
// refuses is refused with an invalid error; every row it keeps has a SKU
// and a quantity in 1..MaxLineQty; kept plus bad rows never exceed the
// limit; and writing the kept rows back as CSV parses to the same rows.
func FuzzCatalogCSV(f *testing.F) {
	for _, s := range []string{
		"sku,qty\nUP-VNS-001,5\n",
		"\xef\xbb\xbfSKU , Quantity,note\nUP-VNS-001, 3,ok\n8901234567890,1,\"a,b\"\n",
		"barcode;qty\n1;2\n",
		"sku,qty\n,5\nX,-1\nY,1e3\nZ,99999999999999999999\n\"unterminated,1\n",
		"qty,sku\n7,KA-MYS-002\n",
		"sku,qty\nX\n",
		"", "\n", "sku,qty\n",
		"sku,qty\n'; DROP TABLE stock; --,1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var bad ImportError
		rows, err := parseCSV(strings.NewReader(in), &bad)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("refusal %v has code %s, want invalid", err, errs.CodeOf(err))
			}
			return
		}
		if len(rows)+bad.Total > MaxImportRows+1 || len(bad.Rows) > MaxReportedRows {
			t.Fatalf("%d rows and %d bad (%d reported) exceed the limits", len(rows), bad.Total, len(bad.Rows))
		}
		if len(rows) == 0 && bad.Total == 0 {
			t.Fatal("no rows and no errors, yet accepted")
		}
		var back bytes.Buffer
		back.WriteString("sku,qty\n")
		for _, r := range rows {
			if r.code == "" || r.code != strings.TrimSpace(r.code) || r.qty < 1 || r.qty > MaxLineQty || r.line < 2 {
				t.Fatalf("kept a bad row %+v", r)
			}
			back.WriteString(csvQuote(r.code) + "," + strconv.FormatInt(r.qty, 10) + "\n")
		}
		if len(rows) == 0 {
			return
		}
		var bad2 ImportError
		again, err := parseCSV(&back, &bad2)
		if err != nil || bad2.Total != 0 || len(again) != len(rows) {
			t.Fatalf("rows written back do not parse again: %v, %d bad, %d of %d", err, bad2.Total, len(again), len(rows))
		}
		for i := range rows {
			if again[i].code != rows[i].code || again[i].qty != rows[i].qty {
				t.Fatalf("row %d: %+v became %+v", i, rows[i], again[i])
			}
		}
	})
}

func csvQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
