// Package labels prints shelf labels for what a goods received note
// brought in: product, price, district, GI mark and an EAN-13 barcode, on
// an A4 sheet of 3 × 8 labels or on a roll one label wide.
//
// The barcode's bars come from github.com/boombuler/barcode (a small,
// long-kept encoder that checks the check digit); this package only draws
// them as SVG, so they print sharp at any printer resolution.
package labels

import (
	"fmt"
	"strings"

	"github.com/boombuler/barcode/ean"

	"ektamall/shared/errs"
)

// Quiet zones an EAN-13 needs each side of its bars, in modules
// (GS1 General Specifications 5.2.3.4: 11 left, 7 right).
const (
	quietLeft  = 11
	quietRight = 7
	barModules = 95
	barHeight  = 60 // modules: about 16 mm at 0.264 mm a module (80 %)
	textHeight = 10
)

// EAN13SVG draws code (13 digits, check digit included) as an SVG element
// with its digits under the bars, as a scanner and a person read it. The
// SVG's size is left to the page (CSS), its viewBox is in modules.
func EAN13SVG(code string) (string, error) {
	bc, err := ean.Encode(code)
	if err != nil || len(code) != 13 {
		return "", errs.Field("barcode", "%q is not an EAN-13 code (13 digits with a correct check digit)", code)
	}
	w := quietLeft + barModules + quietRight
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="ean13" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="EAN-13 %s" shape-rendering="crispEdges">`,
		w, barHeight+textHeight, code)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`, w, barHeight+textHeight)
	// One rectangle per run of dark modules; guard bars (start, middle,
	// end) reach down into the digits' line, as on printed EAN-13s.
	for x := 0; x < barModules; {
		if !dark(bc.At(x, 0)) {
			x++
			continue
		}
		run := 1
		for x+run < barModules && dark(bc.At(x+run, 0)) {
			run++
		}
		h := barHeight
		if guard(x) {
			h += textHeight / 2
		}
		fmt.Fprintf(&b, `<rect x="%d" y="0" width="%d" height="%d" fill="#000"/>`, quietLeft+x, run, h)
		x += run
	}
	// Digits: the first outside the bars, then 6 under each half.
	y := barHeight + textHeight - 1
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-family="monospace" font-size="9" text-anchor="middle">%c</text>`, quietLeft-5, y, code[0])
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-family="monospace" font-size="9" text-anchor="middle" textLength="38">%s</text>`, quietLeft+3+21, y, code[1:7])
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-family="monospace" font-size="9" text-anchor="middle" textLength="38">%s</text>`, quietLeft+50+21, y, code[7:])
	b.WriteString(`</svg>`)
	return b.String(), nil
}

// guard says whether module x belongs to a start, middle or end guard.
func guard(x int) bool { return x < 3 || (x >= 45 && x < 50) || x >= 92 }

func dark(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}
