// Package receipt renders tax invoices and credit notes for the counter:
// plain text for a 42-column thermal printer and printable HTML. Both carry
// the CGST Rule 46 particulars (supplier name, address and GSTIN; document
// number and date; per line HSN, description, quantity, value, discount,
// taxable value, rate and CGST/SGST amounts; total; place of supply) and
// each line's provenance: district, state and GI tag.
//
// Both renderers print from one neutral document built here, so the two
// forms cannot disagree.
package receipt

import (
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"ektamall/pos"
	"ektamall/shared/catalog"
	"ektamall/shared/gst"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
)

// doc is what a printed document shows.
type doc struct {
	W           words // the labels, in the reader's language
	Credit      bool  // a credit note, not an invoice
	Mall        pos.Mall
	MallState   string // the mall's State, named in the language
	Title       string // TAX INVOICE, CREDIT NOTE
	NumberLabel string
	Number      string
	Date        string
	Refs        [][2]string // label, value: counter, cashier, original invoice…
	Cancelled   string      // reason, when the invoice was cancelled
	StateLabel  string      // SGST or UTGST
	Inter       bool        // an inter-State supply: IGST in place of CGST + SGST
	Lines       []line
	Total       money.Amount
	Discount    money.Amount
	Taxable     money.Amount
	CGST        money.Amount
	SGST        money.Amount // or UTGST
	IGST        money.Amount
	RoundOff    money.Amount
	Payable     money.Amount // Total + RoundOff: what was paid or refunded
	PayableName string       // "PAYABLE", "REFUND"
	Tax         []taxRow
	PayLabel    string // Paid, Refunded
	Payments    []pos.Tender
	Change      *money.Amount
	Footer      string
	// TraceURL is the sale's public trace page (its QR code on the page).
	TraceURL string
	EInv     *einv // the e-invoice registration, once the portal answered
}

type line struct {
	No        int
	Name      string
	HSN       string
	Qty       int64
	UnitPrice money.Amount
	Gross     money.Amount
	Discount  money.Amount
	DiscNote  string
	Amount    money.Amount
	Taxable   money.Amount
	Rate      gst.Rate
	HalfRate  string
	CGST      money.Amount
	SGST      money.Amount
	IGST      money.Amount
	BandNote  string
	District  string
	State     string
	GI        bool
	GIName    string
	GIReg     string
}

// GI is how a line names its Geographical Indication.
func (w words) GI(name, reg string) string { return w.T("rcpt.gi", name, reg) }

type taxRow struct {
	Rate    gst.Rate
	Taxable money.Amount
	CGST    money.Amount
	SGST    money.Amount
	IGST    money.Amount
}

func when(t time.Time) string { return t.In(invoice.IST).Format("02-01-2006 15:04 IST") }

// halfRate is the CGST (and SGST) rate: half the GST rate.
func halfRate(r gst.Rate) string {
	return r.Percent().Div(decimal.NewFromInt(2)).String() + "%"
}

func stateLabel(ut bool) string {
	if ut {
		return "UTGST"
	}
	return "SGST"
}

func taxSummary(ls []line) []taxRow {
	by := map[int64]*taxRow{}
	for _, l := range ls {
		k := l.Rate.BasisPoints()
		if by[k] == nil {
			by[k] = &taxRow{Rate: l.Rate}
		}
		t := by[k]
		t.Taxable, t.CGST, t.SGST, t.IGST = t.Taxable.Add(l.Taxable), t.CGST.Add(l.CGST), t.SGST.Add(l.SGST), t.IGST.Add(l.IGST)
	}
	out := make([]taxRow, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rate.BasisPoints() < out[j].Rate.BasisPoints() })
	return out
}

// buyerRefs are the buyer's particulars (Rule 46(d)/(e)): GSTIN, name,
// address, State with its code, PAN masked to its last four, Form 60.
func buyerRefs(w words, b *pos.Buyer) [][2]string {
	if b == nil {
		return nil
	}
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	add(w.T("rcpt.buyerGstin"), b.GSTIN)
	add(w.T("rcpt.buyer"), b.Name)
	add(w.T("rcpt.buyerAddress"), b.Address)
	if st, ok := catalog.StateByCode(b.State); ok {
		add(w.T("rcpt.buyerState"), w.state(st.Code)+" ("+st.GSTCode+")")
	}
	add(w.T("rcpt.buyerPan"), gst.MaskPAN(b.PAN))
	add(w.T("rcpt.form60"), b.Form60)
	return out
}

func shareOf(sgst, utgst money.Amount) money.Amount { return sgst.Add(utgst) }

func saleDoc(w words, m pos.Mall, s pos.Sale) doc {
	title := w.T("rcpt.taxInvoice")
	if s.B2B {
		title = w.T("rcpt.taxInvoiceB2B")
	}
	d := doc{W: w, Mall: m, MallState: w.state(m.State), Title: title, NumberLabel: w.T("rcpt.invoiceNo"), Number: s.InvoiceNo, Date: when(s.At),
		Refs:       [][2]string{{w.T("rcpt.counter"), s.Counter}, {w.T("rcpt.cashier"), s.Cashier}, {w.T("rcpt.placeOfSupply"), w.placeOfSupply(s.PlaceOfSupply)}},
		StateLabel: stateLabel(m.UTGST), Inter: s.Supply == "inter", Total: s.Total, Discount: s.Discount, Taxable: s.Taxable,
		CGST: s.CGST, SGST: shareOf(s.SGST, s.UTGST), IGST: s.IGST, RoundOff: s.RoundOff, Payable: s.Payable, PayableName: w.T("rcpt.payable"),
		PayLabel: w.T("rcpt.paid"), Payments: s.Tenders, Footer: w.T("rcpt.footerSale"), TraceURL: s.TraceURL}
	if s.DeliverTo != nil {
		dt := s.DeliverTo
		to := strings.TrimSpace(strings.Join([]string{dt.Name, dt.Address, w.state(dt.State), dt.Pincode}, ", "))
		d.Refs = append(d.Refs, [2]string{w.T("rcpt.deliverTo"), strings.Trim(to, ", ")})
	} else {
		d.Refs = append(d.Refs, [2]string{w.T("rcpt.delivery"), w.T("rcpt.handedOver")})
	}
	d.Refs = append(d.Refs, buyerRefs(w, s.Buyer)...)
	if s.B2B {
		d.Refs = append(d.Refs, [2]string{w.T("rcpt.reverseCharge"), w.T("rcpt.no")})
	}
	if s.Status == pos.StatusCancelled {
		d.Cancelled = s.CancelReason
	}
	d.EInv = einvOf(w, s.IRN)
	if s.ApprovedBy != "" {
		d.Refs = append(d.Refs, [2]string{w.T("rcpt.approvedBy"), s.ApprovedBy})
	}
	ch := s.Change
	d.Change = &ch
	for _, l := range s.Lines {
		note := ""
		if l.DiscountInput != "" && l.Discount.IsPositive() {
			note = l.DiscountInput
		}
		d.Lines = append(d.Lines, line{No: l.LineNo, Name: l.Name, HSN: l.HSN, Qty: l.Qty, UnitPrice: l.UnitPrice, Gross: l.Gross(),
			Discount: l.Discount, DiscNote: note, Amount: l.Amount, Taxable: l.Taxable, Rate: l.GSTRate, HalfRate: halfRate(l.GSTRate),
			CGST: l.CGST, SGST: shareOf(l.SGST, l.UTGST), IGST: l.IGST, BandNote: l.BandNote, District: w.District(l.DistrictID, l.District),
			State: w.state(l.State), GI: l.GI, GIName: l.GIName, GIReg: l.GIReg})
	}
	d.Tax = taxSummary(d.Lines)
	return d
}

func returnDoc(w words, m pos.Mall, r pos.Return) doc {
	d := doc{W: w, Credit: true, Mall: m, MallState: w.state(m.State), Title: w.T("rcpt.creditNote"), NumberLabel: w.T("rcpt.creditNoteNo"),
		Number: r.CreditNoteNo, Date: when(r.At),
		Refs: [][2]string{{w.T("rcpt.againstInvoice"), r.InvoiceNo}, {w.T("rcpt.invoiceDate"), when(r.InvoiceAt)}, {w.T("rcpt.counter"), r.Counter},
			{w.T("rcpt.cashier"), r.Cashier}, {w.T("rcpt.placeOfSupply"), w.placeOfSupply(r.PlaceOfSupply)}, {w.T("rcpt.goodsTo"), r.RestockTo}},
		StateLabel: stateLabel(m.UTGST), Inter: r.IGST.IsPositive(), Total: r.Total, Taxable: r.Taxable, CGST: r.CGST,
		SGST: shareOf(r.SGST, r.UTGST), IGST: r.IGST, RoundOff: r.RoundOff, Payable: r.Refund, PayableName: w.T("rcpt.refund"),
		PayLabel: w.T("rcpt.refunded"), Payments: r.Refunds, Footer: w.T("rcpt.footerReturn")}
	d.Refs = append(d.Refs, buyerRefs(w, r.Buyer)...)
	d.EInv = einvOf(w, r.IRN)
	if r.Reason != "" {
		d.Refs = append(d.Refs, [2]string{w.T("rcpt.reason"), r.Reason})
	}
	for _, l := range r.Lines {
		d.Lines = append(d.Lines, line{No: l.LineNo, Name: l.Name, HSN: l.HSN, Qty: l.Qty, UnitPrice: l.UnitPrice, Gross: l.Amount,
			Amount: l.Amount, Taxable: l.Taxable, Rate: l.GSTRate, HalfRate: halfRate(l.GSTRate), CGST: l.CGST,
			SGST: shareOf(l.SGST, l.UTGST), IGST: l.IGST, BandNote: l.BandNote, District: w.District(l.DistrictID, l.District), State: w.state(l.State), GI: l.GI})
	}
	d.Tax = taxSummary(d.Lines)
	return d
}
