package receipt

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"ektamall/pos"
	"ektamall/shared/money"
)

// Width is the character width of an 80 mm thermal printer's line.
const Width = 42

// InvoiceText renders a tax invoice for a 42-column thermal printer. It
// is English: a thermal printer's own character sets have no Devanagari
// or Kannada, and a column count cannot place their combining signs; the
// till prints the other languages through the browser (80 mm page).
func InvoiceText(m pos.Mall, s pos.Sale) string { return text(saleDoc(wordsIn("en"), m, s)) }

// CreditNoteText renders a credit note for a 42-column thermal printer, in English.
func CreditNoteText(m pos.Mall, r pos.Return) string { return text(returnDoc(wordsIn("en"), m, r)) }

type printer struct{ b strings.Builder }

func (p *printer) line(s string) {
	// Never exceed the paper: a longer line is cut, not wrapped by the
	// printer mid-word.
	if utf8.RuneCountInString(s) > Width {
		s = string([]rune(s)[:Width])
	}
	p.b.WriteString(strings.TrimRight(s, " "))
	p.b.WriteByte('\n')
}

func (p *printer) rule() { p.line(strings.Repeat("-", Width)) }

func (p *printer) center(s string) {
	for _, w := range wrap(s, Width) {
		pad := (Width - utf8.RuneCountInString(w)) / 2
		p.line(strings.Repeat(" ", pad) + w)
	}
}

// lr prints left and right on one line, right-aligned; a left part too
// long for the line gets a line of its own.
func (p *printer) lr(left, right string) {
	if utf8.RuneCountInString(right) >= Width { // an address: its own lines
		p.line(left)
		for _, w := range wrap(right, Width-2) {
			p.line("  " + w)
		}
		return
	}
	gap := Width - utf8.RuneCountInString(left) - utf8.RuneCountInString(right)
	if gap < 1 {
		p.line(left)
		gap = Width - utf8.RuneCountInString(right)
		left = ""
	}
	p.line(left + strings.Repeat(" ", gap) + right)
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for utf8.RuneCountInString(w) > width {
			if cur != "" {
				out, cur = append(out, cur), ""
			}
			r := []rune(w)
			out, w = append(out, string(r[:width])), string(r[width:])
		}
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			out, cur = append(out, cur), w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func text(d doc) string {
	var p printer
	p.center(d.Mall.Name)
	if d.Mall.Address != "" {
		p.center(d.Mall.Address)
	}
	p.center("GSTIN " + d.Mall.GSTIN)
	p.line("")
	p.center(d.Title)
	if d.Cancelled != "" {
		p.center("*** CANCELLED ***")
		for _, w := range wrap("Reason: "+d.Cancelled, Width) {
			p.line(w)
		}
	}
	p.lr(d.NumberLabel+":", d.Number)
	p.lr("Date:", d.Date)
	for _, r := range d.Refs {
		p.lr(r[0]+":", r[1])
	}
	p.rule()
	for _, l := range d.Lines {
		for i, w := range wrap(l.Name, Width-3) {
			if i == 0 {
				p.line(pad(strconv.Itoa(l.No), 3) + w)
			} else {
				p.line("   " + w)
			}
		}
		p.lr("   HSN "+l.HSN+"  "+strconv.FormatInt(l.Qty, 10)+" x "+l.UnitPrice.String(), l.Gross.String())
		if l.Discount.IsPositive() {
			label := "   Discount"
			if strings.HasSuffix(l.DiscNote, "%") {
				label += " " + l.DiscNote
			}
			p.lr(label, "-"+l.Discount.String())
			p.lr("   Value", l.Amount.String())
		}
		p.lr("   Taxable @GST "+l.Rate.String()+"%", l.Taxable.String())
		if l.BandNote != "" {
			for _, w := range wrap("Price band: "+l.BandNote, Width-3) {
				p.line("   " + w)
			}
		}
		if d.Inter {
			p.lr("   IGST "+l.Rate.String()+"%", l.IGST.String())
		} else {
			p.lr("   CGST "+l.HalfRate, l.CGST.String())
			p.lr("   "+d.StateLabel+" "+l.HalfRate, l.SGST.String())
		}
		origin := "From " + l.District + ", " + l.State
		if l.GI {
			origin += " (GI)"
		}
		if l.GIReg != "" {
			origin += " " + d.W.GI(l.GIName, l.GIReg)
		}
		for _, w := range wrap(origin, Width-3) {
			p.line("   " + w)
		}
	}
	p.rule()
	if d.Discount.IsPositive() {
		p.lr("Discount included", d.Discount.String())
	}
	p.lr("Taxable value", d.Taxable.String())
	if d.Inter {
		p.lr("IGST", d.IGST.String())
	} else {
		p.lr("CGST", d.CGST.String())
		p.lr(d.StateLabel, d.SGST.String())
	}
	total := "TOTAL"
	if d.Credit {
		total = "TOTAL CREDIT"
	}
	p.lr(total+" INR", d.Total.String())
	if !d.RoundOff.IsZero() {
		p.lr("Round off", signed(d.RoundOff))
		p.lr(d.PayableName+" INR", d.Payable.String())
	}
	p.rule()
	p.line("GST summary")
	if d.Inter {
		p.line(pad("Rate", 8) + lpad("Taxable", 17) + lpad("IGST", 17))
	} else {
		p.line(pad("Rate", 8) + lpad("Taxable", 12) + lpad("CGST", 11) + lpad(d.StateLabel, 11))
	}
	for _, t := range d.Tax {
		if d.Inter {
			p.line(pad(t.Rate.String()+"%", 8) + lpad(t.Taxable.String(), 17) + lpad(t.IGST.String(), 17))
			continue
		}
		p.line(pad(t.Rate.String()+"%", 8) + lpad(t.Taxable.String(), 12) + lpad(t.CGST.String(), 11) + lpad(t.SGST.String(), 11))
	}
	p.rule()
	for _, t := range d.Payments {
		label := d.PayLabel + " " + d.W.Method(t.Method)
		p.lr(label, t.Amount.String())
		if t.Ref != "" {
			p.line("  ref " + t.Ref)
		}
	}
	if d.Change != nil {
		p.lr("Change", d.Change.String())
	}
	p.rule()
	if e := d.EInv; e != nil { // the signed QR code is on the printed (HTML) invoice
		p.line("IRN " + e.IRN[:32])
		p.line("    " + e.IRN[32:])
		p.lr("Ack no "+e.AckNo, e.AckDate)
		if e.Cancel != "" {
			p.line(e.Cancel)
		}
		p.rule()
	}
	p.center(d.Footer)
	if d.TraceURL != "" { // a thermal printer's own QR command can encode it too
		p.center("Where your purchase came from:")
		for _, part := range wrap(d.TraceURL, Width) {
			p.line(part)
		}
	}
	return p.b.String()
}

// signed shows a round-off with its sign: "+0.40", "-0.30".
func signed(a money.Amount) string {
	if a.IsPositive() {
		return "+" + a.String()
	}
	return a.String()
}

func pad(s string, n int) string {
	if k := n - utf8.RuneCountInString(s); k > 0 {
		return s + strings.Repeat(" ", k)
	}
	return s
}

func lpad(s string, n int) string {
	if k := n - utf8.RuneCountInString(s); k > 0 {
		return strings.Repeat(" ", k) + s
	}
	return s
}
