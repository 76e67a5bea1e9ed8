package pos

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/shopspring/decimal"

	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// Limits on one request, so a typo or a hostile client cannot make a
// sale no printer could print.
const (
	MaxLines   = 100
	MaxQty     = 999
	MaxTenders = 8
	maxRefLen  = 64
)

// Discount is a line discount as the cashier entered it: an amount off
// the line ("100.00") or a percentage of it ("10%").
type Discount struct {
	Kind   string       // "", "amount" or "percent"
	Amount money.Amount // for "amount"
	BP     int64        // for "percent": basis points, 1000 = 10%
}

var pctRE = regexp.MustCompile(`^([0-9]{1,3})(?:\.([0-9]{1,2}))?%$`)

// ParseDiscount reads "" (none), an amount such as "50.00" or a
// percentage such as "12.5%".
func ParseDiscount(s string) (Discount, error) {
	if s == "" {
		return Discount{}, nil
	}
	if m := pctRE.FindStringSubmatch(s); m != nil {
		whole, _ := strconv.ParseInt(m[1], 10, 64)
		frac := m[2]
		for len(frac) < 2 {
			frac += "0"
		}
		f, _ := strconv.ParseInt(frac, 10, 64)
		bp := whole*100 + f
		if bp == 0 {
			return Discount{}, nil // "0%": clients may always send the field
		}
		if bp > 10000 {
			return Discount{}, fmt.Errorf("a percentage discount must be at most 100%%, got %s", s)
		}
		return Discount{Kind: "percent", BP: bp}, nil
	}
	a, err := money.Parse(s)
	if err != nil {
		return Discount{}, fmt.Errorf("discount is an amount such as \"50.00\" or a percentage such as \"10%%\": %w", err)
	}
	if a.IsNegative() {
		return Discount{}, fmt.Errorf("a discount cannot be negative, got %s", s)
	}
	if a.IsZero() {
		return Discount{}, nil
	}
	return Discount{Kind: "amount", Amount: a}, nil
}

// String is the form ParseDiscount reads.
func (d Discount) String() string {
	switch d.Kind {
	case "amount":
		return d.Amount.String()
	case "percent":
		return decimal.New(d.BP, -2).String() + "%"
	}
	return ""
}

var (
	tenThousand = decimal.NewFromInt(10000)
)

// Off is the discount in rupees on a line worth gross before discount;
// a percentage rounds half away from zero to the paisa.
func (d Discount) Off(gross money.Amount) money.Amount {
	switch d.Kind {
	case "amount":
		return d.Amount
	case "percent":
		return money.FromDecimal(gross.Decimal().Mul(decimal.NewFromInt(d.BP)).DivRound(tenThousand, 2))
	}
	return money.Zero
}

// withinLimit reports whether off is at most limitBP basis points of gross.
// It compares integers (off × 10000 ≤ gross × limit) so there is no
// rounding at the boundary.
func withinLimit(off, gross money.Amount, limitBP int64) bool {
	return off.Paise()*10000 <= gross.Paise()*limitBP
}

// TaxContext is what decides a line's tax beyond the product: the mall's
// state share (UTGST in a Union Territory without a legislature), an
// inter-State supply (IGST), and the price bands of the product's HSN
// heading (nil when its rate does not depend on the price).
type TaxContext struct {
	UT    bool
	Inter bool
	Bands gst.Bands
}

// PriceLine prices qty units of p with discount d: the line amount is the
// tax-inclusive MRP times qty less the discount, and the tax inside it is
// split once (gst.Inclusive, or gst.Integrated for an inter-State supply).
// With price bands the rate is the band of one piece's value after
// discount: the line's dearest piece when a discount does not divide
// evenly, so a paisa of rounding never lowers the rate.
func PriceLine(lineNo int, p catalogdb.Product, qty int64, d Discount, tc TaxContext) (SaleLine, error) {
	field := func(name string) string { return fmt.Sprintf("lines[%d].%s", lineNo-1, name) }
	if qty < 1 || qty > MaxQty {
		return SaleLine{}, errs.Field(field("qty"), "quantity must be a whole number from 1 to %d, got %d", MaxQty, qty)
	}
	gross := p.MRP.MulInt(qty)
	off := d.Off(gross)
	amount := gross.Sub(off)
	if !amount.IsPositive() {
		return SaleLine{}, errs.Field(field("discount"), "discount %s on %s leaves nothing to pay; remove the line instead", off, gross)
	}
	// Every unit must carry at least a paisa, so any unit returned later
	// has something to credit (a credit-note line of 0.00 is refused).
	if amount.Paise() < qty {
		return SaleLine{}, errs.Field(field("discount"), "discount %s on %s leaves %s for %d units, less than 0.01 a unit", off, gross, amount, qty)
	}
	rate, note := p.GSTRate, ""
	if len(tc.Bands) > 0 {
		unit := money.FromPaise((amount.Paise() + qty - 1) / qty)
		b, i := tc.Bands.Choose(unit)
		var lower *gst.Band
		if i > 0 {
			lower = &tc.Bands[i-1]
		}
		rate, note = b.Rate, b.Note(lower)
	}
	var split gst.Split
	if tc.Inter {
		split = gst.Integrated(amount, rate)
	} else {
		split = gst.Inclusive(amount, rate, tc.UT)
	}
	l := SaleLine{
		LineNo: lineNo, SKU: p.SKU, Name: p.Name, HSN: p.HSN, Qty: qty, UnitPrice: p.MRP,
		DiscountInput: d.String(), Discount: off, Amount: amount,
		Taxable: split.Taxable, GSTRate: rate, CGST: split.CGST, IGST: split.IGST, BandNote: note,
		State: p.State, DistrictID: p.DistrictID, District: p.District, ProducerID: p.ProducerID, GI: p.GI,
		GIName: p.GIName, GIReg: p.GIReg, discount: d,
	}
	l.SGST, l.UTGST = splitShare(split.SGST, tc.UT)
	return l, nil
}

// splitShare names the state share of the tax: SGST, or UTGST in a Union
// Territory without a legislature. (The tables keep both in the SGST
// column; the invoice's utgst flag says which it is.)
func splitShare(share money.Amount, ut bool) (sgst, utgst money.Amount) {
	if ut {
		return money.Zero, share
	}
	return share, money.Zero
}

// Gross is the line's value before discount.
func (l SaleLine) Gross() money.Amount { return l.UnitPrice.MulInt(l.Qty) }

// Share is the state share of the line's tax (SGST or UTGST).
func (l SaleLine) Share() money.Amount { return l.SGST.Add(l.UTGST) }

// Tax is all the tax in the line.
func (l SaleLine) Tax() money.Amount { return l.CGST.Add(l.Share()).Add(l.IGST) }
