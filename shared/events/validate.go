package events

import (
	"fmt"

	"ektamall/shared/errs"
	"ektamall/shared/money"
)

// What each payload checks of itself (Validate) and names (References).
// The checks that need the receiver's records (a SKU exists, a return does
// not take back more than the hub booked) are the receiver's.

// validMethod: the ways a customer pays or is refunded.
// "channel" is an online order's invoice, paid through the channel (its
// ref is the channel's order id).
func validMethod(m string) bool { return m == "cash" || m == "upi" || m == "card" || m == "channel" }

// roundOffLimit bounds an invoice's round-off line, in paise (±99.99).
const roundOffLimit = 9999

func sameMoney(what string, got, want int64) error {
	if got != want {
		return errs.E(errs.Invalid, "%s: %s does not add up (expected %s)", what, money.FromPaise(got), money.FromPaise(want))
	}
	return nil
}

// Validate: the invoice adds up line by line, in total and against its
// tenders.
func (p *Sale) Validate(Envelope) error {
	if p.SaleID == "" || p.InvoiceNo == "" {
		return errs.E(errs.Invalid, "sale without sale_id or invoice_no")
	}
	if len(p.Lines) == 0 {
		return errs.E(errs.Invalid, "sale %s has no lines", p.SaleID)
	}
	seen := map[int]bool{}
	var sum int64
	for _, l := range p.Lines {
		switch {
		case seen[l.LineNo]:
			return errs.E(errs.Invalid, "sale %s: line %d twice", p.SaleID, l.LineNo)
		case l.SKU == "":
			return errs.E(errs.Invalid, "sale %s line %d: no SKU", p.SaleID, l.LineNo)
		case l.Qty <= 0:
			return errs.E(errs.Invalid, "sale %s line %d: quantity %d", p.SaleID, l.LineNo, l.Qty)
		case l.Amount.IsNegative() || l.Taxable.IsNegative() || l.CGST.IsNegative() || l.SGST.IsNegative() || l.IGST.IsNegative():
			return errs.E(errs.Invalid, "sale %s line %d: negative amount", p.SaleID, l.LineNo)
		case l.IGST.IsPositive() && (l.CGST.IsPositive() || l.SGST.IsPositive()):
			return errs.E(errs.Invalid, "sale %s line %d: IGST together with CGST/SGST", p.SaleID, l.LineNo)
		}
		seen[l.LineNo] = true
		if err := sameMoney(fmt.Sprintf("sale %s line %d taxable+cgst+sgst+igst", p.SaleID, l.LineNo),
			l.Taxable.Paise()+l.CGST.Paise()+l.SGST.Paise()+l.IGST.Paise(), l.Amount.Paise()); err != nil {
			return err
		}
		sum += l.Amount.Paise()
	}
	if err := sameMoney("sale "+p.SaleID+" lines", sum, p.Total.Paise()); err != nil {
		return err
	}
	var tendered, cash int64
	for _, t := range p.Tenders {
		if !validMethod(t.Method) {
			return errs.E(errs.Invalid, "sale %s: unknown tender method %q", p.SaleID, t.Method)
		}
		if t.Amount.IsNegative() {
			return errs.E(errs.Invalid, "sale %s: negative tender", p.SaleID)
		}
		tendered += t.Amount.Paise()
		if t.Method == "cash" {
			cash += t.Amount.Paise()
		}
	}
	if p.Change.IsNegative() || p.Change.Paise() > cash {
		return errs.E(errs.Invalid, "sale %s: change %s is more than the cash tendered", p.SaleID, p.Change)
	}
	if ro := p.RoundOff.Paise(); ro < -roundOffLimit || ro > roundOffLimit {
		return errs.E(errs.Invalid, "sale %s: round-off %s is more than ±99.99", p.SaleID, p.RoundOff)
	}
	return sameMoney("sale "+p.SaleID+" tenders less change", tendered-p.Change.Paise(), p.Total.Paise()+p.RoundOff.Paise())
}

// References: each line's SKU, and its producer where the mall named one.
func (p *Sale) References() Refs {
	var r Refs
	for _, l := range p.Lines {
		r.SKUs = append(r.SKUs, l.SKU)
		if l.ProducerID != "" {
			r.Producers = append(r.Producers, l.ProducerID)
		}
	}
	return r
}

func (p *Void) Validate(Envelope) error {
	if p.SaleID == "" {
		return errs.E(errs.Invalid, "sale.voided without sale_id")
	}
	return nil
}

func (p *Void) References() Refs { return Refs{} }

// Validate: each line reverses a sale line once with amounts that add up,
// and the refunds pay the credit note. Whether the sale line has that much
// left to return is the hub's to check.
func (p *Return) Validate(Envelope) error {
	if p.ReturnID == "" || p.SaleID == "" {
		return errs.E(errs.Invalid, "return without return_id or sale_id")
	}
	if len(p.Lines) == 0 {
		return errs.E(errs.Invalid, "return %s has no lines", p.ReturnID)
	}
	ro := p.RoundOff.Paise()
	if ro < -roundOffLimit || ro > roundOffLimit {
		return errs.E(errs.Invalid, "return %s: round-off %s is more than ±99.99", p.ReturnID, p.RoundOff)
	}
	seen := map[int]bool{}
	var sum, refunded int64
	for _, l := range p.Lines {
		amt, tx, cg, sg, ig := l.Amount.Paise(), l.Taxable.Paise(), l.CGST.Paise(), l.SGST.Paise(), l.IGST.Paise()
		switch {
		case seen[l.SaleLineNo]:
			return errs.E(errs.Invalid, "return %s: line %d twice", p.ReturnID, l.SaleLineNo)
		case l.Qty <= 0:
			return errs.E(errs.Invalid, "return %s line %d: quantity %d", p.ReturnID, l.SaleLineNo, l.Qty)
		case amt < 0 || tx < 0 || cg < 0 || sg < 0 || ig < 0:
			return errs.E(errs.Invalid, "return %s line %d: negative amount", p.ReturnID, l.SaleLineNo)
		case tx+cg+sg+ig != amt:
			return errs.E(errs.Invalid, "return %s line %d: taxable+cgst+sgst+igst is not the amount", p.ReturnID, l.SaleLineNo)
		}
		seen[l.SaleLineNo] = true
		sum += amt
	}
	if err := sameMoney("return "+p.ReturnID+" lines", sum, p.Total.Paise()); err != nil {
		return err
	}
	for _, r := range p.Refunds {
		if !validMethod(r.Method) {
			return errs.E(errs.Invalid, "return %s: unknown refund method %q", p.ReturnID, r.Method)
		}
		if r.Amount.IsNegative() {
			return errs.E(errs.Invalid, "return %s: negative refund", p.ReturnID)
		}
		refunded += r.Amount.Paise()
	}
	return sameMoney("return "+p.ReturnID+" refunds", refunded, p.Total.Paise()+ro)
}

// References: each line's SKU. (Its producer is checked against the sale
// line it reverses, by the hub's books.)
func (p *Return) References() Refs {
	var r Refs
	for _, l := range p.Lines {
		r.SKUs = append(r.SKUs, l.SKU)
	}
	return r
}

func (p *StockMove) Validate(Envelope) error { return nil }
func (p *StockMove) References() Refs        { return Refs{SKUs: []string{p.SKU}} }

func (p *LowStock) Validate(Envelope) error { return nil }
func (p *LowStock) References() Refs        { return Refs{SKUs: []string{p.SKU}} }

func (p *ShiftClose) Validate(Envelope) error {
	if p.ShiftID == "" {
		return errs.E(errs.Invalid, "shift.closed without shift_id")
	}
	for m := range p.Tenders {
		if !validMethod(m) {
			return errs.E(errs.Invalid, "shift %s: unknown tender method %q", p.ShiftID, m)
		}
	}
	return nil
}

func (p *ShiftClose) References() Refs { return Refs{} }

// Validate: a transfer comes from the mall that sends it, to another.
func (p *Transfer) Validate(env Envelope) error {
	if p.FromMall != env.Mall {
		return errs.E(errs.Invalid, "transfer %s says it is from %s but came from %s", p.TransferID, p.FromMall, env.Mall)
	}
	return transferShape(p.TransferID, p.FromMall, p.ToMall, len(p.Lines))
}

func (p *Transfer) References() Refs {
	r := Refs{Malls: []string{p.ToMall}}
	for _, l := range p.Lines {
		r.SKUs = append(r.SKUs, l.SKU)
	}
	return r
}

// ForwardTo: the receiving mall registers the incoming transfer.
func (p *Transfer) ForwardTo() string { return p.ToMall }

// Validate: a receipt comes from the mall that received the transfer.
func (p *TransferReceipt) Validate(env Envelope) error {
	if p.ToMall != env.Mall {
		return errs.E(errs.Invalid, "receipt of transfer %s says it was received at %s but came from %s", p.TransferID, p.ToMall, env.Mall)
	}
	return transferShape(p.TransferID, p.ToMall, p.FromMall, len(p.Lines))
}

func (p *TransferReceipt) References() Refs {
	r := Refs{Malls: []string{p.FromMall}}
	for _, l := range p.Lines {
		r.SKUs = append(r.SKUs, l.SKU)
	}
	return r
}

// ForwardTo: the sending mall clears its transit stock.
func (p *TransferReceipt) ForwardTo() string { return p.FromMall }

func transferShape(id, from, to string, lines int) error {
	switch {
	case to == from:
		return errs.E(errs.Invalid, "transfer %s is between %s and itself", id, from)
	case lines == 0:
		return errs.E(errs.Invalid, "transfer %s has no lines", id)
	}
	return nil
}

// Validate: the marker is the first event of the epoch it opens, and the
// backup it continues from ended before it.
func (p *Restore) Validate(env Envelope) error {
	if !IsEpochStart(env.Seq) || EpochOf(env.Seq) != p.Epoch || p.PrevSeq >= env.Seq {
		return errs.E(errs.Invalid, "restore marker of epoch %d at sequence %d after %d does not start that epoch", p.Epoch, env.Seq, p.PrevSeq)
	}
	return nil
}

func (p *Restore) References() Refs { return Refs{} }

// Validate: an e-invoice's IRN travels from the hub to a mall; the mall
// checks it against its own document.
func (p *EInvoiceIRN) Validate(Envelope) error { return nil }
func (p *EInvoiceIRN) References() Refs        { return Refs{} }
