package gst

import (
	"fmt"

	"github.com/shopspring/decimal"

	"ektamall/shared/money"
)

// RoundOff says how a sale's payable amount is rounded. The round-off is a
// separate line outside the taxable value and the tax (e-invoice
// ValDtls.RndOffAmt; gst_compliance.md §9).
type RoundOff string

const (
	RoundOffNone    RoundOff = "off"
	RoundOffRupee   RoundOff = "rupee" // to the nearest rupee (the default)
	RoundOffFifty   RoundOff = "50p"   // to the nearest 50 paise
	DefaultRoundOff          = RoundOffRupee
)

// ParseRoundOff reads "off", "rupee" or "50p".
func ParseRoundOff(s string) (RoundOff, error) {
	switch r := RoundOff(s); r {
	case RoundOffNone, RoundOffRupee, RoundOffFifty:
		return r, nil
	case "":
		return DefaultRoundOff, nil
	}
	return "", fmt.Errorf("round-off must be off, rupee or 50p, got %q", s)
}

var fifty = decimal.New(50, -2)

// Apply returns the payable amount and the round-off (payable − total).
// Halves round up (₹999.50 → ₹1,000), as CGST s.170 rounds tax: half away
// from zero, never banker's rounding.
func (r RoundOff) Apply(total money.Amount) (payable, roundOff money.Amount) {
	d := total.Decimal()
	switch r {
	case RoundOffRupee:
		d = d.Round(0)
	case RoundOffFifty:
		d = d.Div(fifty).Round(0).Mul(fifty)
	}
	p := money.FromDecimal(d)
	return p, p.Sub(total)
}
