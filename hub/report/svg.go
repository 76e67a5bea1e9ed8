package report

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"ektamall/shared/money"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value money.Amount
}

// Chart geometry, in SVG user units (pixels at 100%).
const (
	chartWidth = 720
	labelWidth = 220
	valueWidth = 120
	barHeight  = 22
	barGap     = 6
	titleH     = 30
	maxBars    = 40
)

// SVG draws bars as a horizontal bar chart with its title, each bar
// labelled with its name and amount in rupees (Indian grouping). It is
// a complete SVG document, readable by a screen reader through its
// <title> and each bar's <title>. Lengths are worked out in integer
// paise, so no amount ever passes through a float. At most 40 bars are
// drawn; the caller says so in the title if it cut the list.
func SVG(title string, bars []Bar) []byte {
	if len(bars) > maxBars {
		bars = bars[:maxBars]
	}
	var maxV int64 = 1
	for _, b := range bars {
		if v := abs(b.Value.Paise()); v > maxV {
			maxV = v
		}
	}
	height := titleH + len(bars)*(barHeight+barGap) + barGap
	if len(bars) == 0 {
		height += barHeight
	}
	var w bytes.Buffer
	fmt.Fprintf(&w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title" font-family="sans-serif" font-size="13">`,
		chartWidth, height, chartWidth, height)
	fmt.Fprintf(&w, `<title id="chart-title">%s</title>`, esc(title))
	fmt.Fprintf(&w, `<text x="0" y="18" font-size="15" font-weight="bold">%s</text>`, esc(title))
	if len(bars) == 0 {
		fmt.Fprintf(&w, `<text x="0" y="%d" fill="#555">No sales in this period.</text>`, titleH+16)
	}
	span := int64(chartWidth - labelWidth - valueWidth)
	for i, b := range bars {
		y := titleH + i*(barHeight+barGap)
		v := b.Value.Paise()
		bw := abs(v) * span / maxV
		if v != 0 && bw == 0 {
			bw = 1 // a sale too small to see still shows
		}
		fill := "#2f6f4f"
		if v < 0 {
			fill = "#b03a2e" // more returned than sold
		}
		fmt.Fprintf(&w, `<g class="chart-bar" data-key="%s"><title>%s: %s</title>`, esc(b.Label), esc(b.Label), esc(INR(b.Value)))
		fmt.Fprintf(&w, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelWidth-8, y+barHeight-6, esc(clip(b.Label, 30)))
		fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, labelWidth, y, bw, barHeight, fill)
		fmt.Fprintf(&w, `<text x="%d" y="%d">%s</text></g>`, labelWidth+int(bw)+6, y+barHeight-6, esc(INR(b.Value)))
	}
	w.WriteString(`</svg>`)
	return w.Bytes()
}

// INR writes an amount as people in India read it: ₹1,23,456.78.
func INR(a money.Amount) string {
	p := a.Paise()
	sign := ""
	if p < 0 {
		sign, p = "−", -p
	}
	whole := fmt.Sprint(p / 100)
	if len(whole) > 3 {
		head, tail := whole[:len(whole)-3], whole[len(whole)-3:]
		var out string
		for len(head) > 2 {
			out = "," + head[len(head)-2:] + out
			head = head[:len(head)-2]
		}
		whole = head + out + "," + tail
	}
	return fmt.Sprintf("%s₹%s.%02d", sign, whole, p%100)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
