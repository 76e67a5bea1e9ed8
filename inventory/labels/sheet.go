package labels

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html/template"

	"ektamall/shared/errs"
	"ektamall/shared/money"
	"ektamall/shared/webui"
)

// Label is what one shelf label shows.
type Label struct {
	SKU      string
	Name     string
	Barcode  string
	MRP      money.Amount
	District string
	State    string
	// DistrictID and StateCode name the place in the mall's language.
	DistrictID, StateCode string
	GI                    bool
	SVG                   template.HTML // the barcode, drawn by EAN13SVG
}

// Layout is how labels are laid out on paper.
type Layout string

const (
	// A4 is a sheet of 3 × 8 labels (70 × 37 mm, the common A4 label stock).
	A4 Layout = "a4"
	// Roll is one label (50 × 30 mm) a page, for a label printer's roll.
	Roll Layout = "roll"
	// PerSheet is the labels on one A4 sheet.
	PerSheet = 24
	// MaxLabels bounds one print job (100 A4 sheets).
	MaxLabels = 100 * PerSheet
)

// ParseLayout reads ?layout=.
func ParseLayout(s string) (Layout, error) {
	switch Layout(s) {
	case "", A4:
		return A4, nil
	case Roll:
		return Roll, nil
	}
	return "", errs.Field("layout", "layout must be a4 (a sheet of 3 × 8) or roll (one label wide), not %q", s)
}

// Line is a received line: a SKU and how many labels it needs.
type Line struct {
	SKU string
	Qty int64
}

// Queryer is a *sql.DB or *sql.Tx.
type Queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// For reads the label of each line's product from the mall's catalog
// (the price the till charges today) and repeats it Qty times.
func For(ctx context.Context, q Queryer, lines []Line) ([]Label, error) {
	var out []Label
	var n int64
	for _, l := range lines {
		if n += l.Qty; n > MaxLabels {
			return nil, errs.Field("lines", "that is more than %d labels; print the note's lines in parts", MaxLabels)
		}
		var lb Label
		var mrp int64
		var gi int
		err := q.QueryRowContext(ctx, `SELECT p.sku, p.name, p.barcode, p.mrp_paise, d.name, s.name, p.gi, p.district_id, p.state
			FROM products p JOIN districts d ON d.id = p.district_id JOIN states s ON s.code = p.state WHERE p.sku = ?`, l.SKU).
			Scan(&lb.SKU, &lb.Name, &lb.Barcode, &mrp, &lb.District, &lb.State, &gi, &lb.DistrictID, &lb.StateCode)
		if err != nil {
			return nil, fmt.Errorf("label of %s: %w", l.SKU, err)
		}
		lb.MRP, lb.GI = money.FromPaise(mrp), gi == 1
		svg, err := EAN13SVG(lb.Barcode)
		if err != nil {
			return nil, fmt.Errorf("label of %s: %w", l.SKU, err)
		}
		lb.SVG = template.HTML(svg) // generated above from 13 checked digits
		for i := int64(0); i < l.Qty; i++ {
			out = append(out, lb)
		}
	}
	return out, nil
}

// Lang is the language a mall's labels show beside English: its State's
// own (Kannada in Karnataka), else Hindi. Customers read the labels, so
// they follow the mall, not the zone manager who prints them.
func Lang(ctx context.Context, q Queryer) (string, error) {
	var state string
	if err := q.QueryRowContext(ctx, `SELECT state FROM mall`).Scan(&state); err != nil {
		return "", fmt.Errorf("the mall's State: %w", err)
	}
	return webui.Local(state), nil
}

// Sheet is the printable page in English: title names the document the
// labels are for (a GRN number).
func Sheet(title string, layout Layout, ls []Label) ([]byte, error) {
	return SheetIn(title, layout, ls, "en")
}

// SheetIn is the page with the labels' origin (district, State, GI) in
// lang as well as English (lang "en": English only).
func SheetIn(title string, layout Layout, ls []Label, lang string) ([]byte, error) {
	var pages [][]Label
	per := PerSheet
	if layout == Roll {
		per = 1
	}
	for i := 0; i < len(ls); i += per {
		pages = append(pages, ls[i:min(i+per, len(ls))])
	}
	var b bytes.Buffer
	w := webui.WordsIn(lang)
	err := sheetTmpl.Execute(&b, map[string]any{"Title": title, "Layout": string(layout), "Pages": pages, "Count": len(ls),
		"W": w, "Local": w.Lang != "en", "En": webui.WordsIn("en")})
	return b.Bytes(), err
}

var sheetTmpl = template.Must(template.New("sheet").Funcs(template.FuncMap{
	"inr": func(a money.Amount) string { return inr(a) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Labels · {{.Title}}</title>
<link rel="stylesheet" href="/assets/labels.css"></head>
<body class="labels-page">
<div class="label-sheet {{.Layout}}" data-count="{{.Count}}" aria-label="{{.Count}} labels for {{.Title}}">
{{- range .Pages}}
<section class="label-page">
{{- range .}}
<article class="label" data-sku="{{.SKU}}" data-barcode="{{.Barcode}}">
<div class="l-name">{{.Name}}</div>
<div class="l-origin">
{{- if $.Local}}<span class="l-local" lang="{{$.W.Lang}}">{{$.W.District .DistrictID .District}}, {{$.W.State .StateCode .State}}{{if .GI}} · {{$.W.T "label.giTitle"}}{{end}}</span>{{end -}}
<span class="l-en" lang="en">{{.District}}<span class="l-state">, {{.State}}</span></span>
{{- if .GI}} <span class="l-gi" title="{{$.En.T "label.giTitle"}}{{if $.Local}} / {{$.W.T "label.giTitle"}}{{end}}">GI</span>{{end}}</div>
<div class="l-price">MRP {{inr .MRP}} <small>incl. of all taxes</small></div>
<div class="l-code">{{.SVG}}</div>
<div class="l-sku">{{.SKU}}</div>
</article>
{{- end}}
</section>
{{- end}}
</div>
</body></html>
`))

// inr writes ₹1,23,456.78.
func inr(a money.Amount) string {
	p := a.Paise()
	whole := fmt.Sprint(p / 100)
	if len(whole) > 3 {
		head, tail := whole[:len(whole)-3], whole[len(whole)-3:]
		out := ""
		for len(head) > 2 {
			out = "," + head[len(head)-2:] + out
			head = head[:len(head)-2]
		}
		whole = head + out + "," + tail
	}
	return fmt.Sprintf("₹%s.%02d", whole, p%100)
}
