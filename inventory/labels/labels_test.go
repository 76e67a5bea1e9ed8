package labels_test

import (
	htmltemplate "html/template"
	"strings"
	"testing"

	"ektamall/inventory/labels"
	"ektamall/shared/money"
)

func TestEAN13SVG(t *testing.T) {
	svg, err := labels.EAN13SVG("8901583570015")
	if err != nil {
		t.Fatal(err)
	}
	// 30 bars in an EAN-13 (2 per digit of 12, plus 3 guards of 2), some
	// adjacent modules merged into one rectangle: at least the guards'.
	if n := strings.Count(svg, `fill="#000"`); n < 15 || n > 30 {
		t.Fatalf("%d black rectangles", n)
	}
	for _, bad := range []string{"8901583570016", "890158357001", "89015835700150", "abcdefghijklm"} {
		if _, err := labels.EAN13SVG(bad); err == nil {
			t.Errorf("%q drew a barcode", bad)
		}
	}
}

func TestSheetPages(t *testing.T) {
	svg, _ := labels.EAN13SVG("8901583570015")
	l := labels.Label{SKU: "UP-AGR-001", Name: "Shoes <leather>", Barcode: "8901583570015", MRP: money.MustParse("229900.00"), District: "Agra", State: "Uttar Pradesh", GI: true}
	l.SVG = htmltemplate.HTML(svg)
	ls := make([]labels.Label, 25)
	for i := range ls {
		ls[i] = l
	}
	for _, c := range []struct {
		layout labels.Layout
		pages  int
	}{{labels.A4, 2}, {labels.Roll, 25}} {
		b, err := labels.Sheet("GRN-LKO1-000001", c.layout, ls)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if n := strings.Count(s, `<section class="label-page">`); n != c.pages {
			t.Errorf("%s: %d pages for 25 labels, want %d", c.layout, n, c.pages)
		}
		if !strings.Contains(s, "MRP ₹2,29,900.00") || !strings.Contains(s, "Shoes &lt;leather&gt;") || !strings.Contains(s, `>GI<`) {
			t.Errorf("%s: label text wrong: %.600s", c.layout, s)
		}
	}
	if _, err := labels.ParseLayout("a5"); err == nil {
		t.Error("layout a5 accepted")
	}
}
