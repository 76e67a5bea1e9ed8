package gst

import (
	"fmt"
	"sort"

	"ektamall/shared/money"
)

// Band is one step of a price-dependent rate: Rate applies to a piece whose
// value excluding tax, after discount, is at most UpTo. The top band has no
// ceiling (UpTo zero, Open true).
//
// Since 22 September 2025 apparel, made-ups and footwear are 5% up to
// ₹2,500 a piece and 18% above (Notif. 9/2025-CT(Rate); research
// gst_compliance.md §3.4): the test is the transaction value of the piece.
type Band struct {
	UpTo money.Amount `json:"upto,omitzero"`
	Open bool         `json:"open,omitempty"`
	Rate Rate         `json:"rate"`
}

// Bands are the steps of one HSN heading, lowest ceiling first, the last
// one open.
type Bands []Band

// Validate checks that the bands climb and end in an open band.
func (bs Bands) Validate() error {
	if len(bs) < 2 {
		return fmt.Errorf("%w: price bands need at least two steps (a ceiling and an open top)", ErrRate)
	}
	for i, b := range bs {
		last := i == len(bs)-1
		switch {
		case last && !b.Open:
			return fmt.Errorf("%w: the last price band must be open (no upto)", ErrRate)
		case !last && (b.Open || !b.UpTo.IsPositive()):
			return fmt.Errorf("%w: price band %d needs an upto above 0.00", ErrRate, i+1)
		case !last && b.UpTo.Decimal().Exponent() < -2:
			return fmt.Errorf("%w: price band %d: upto has more than 2 decimals", ErrRate, i+1)
		case i > 0 && !last && !b.UpTo.GreaterThan(bs[i-1].UpTo):
			return fmt.Errorf("%w: price band ceilings must climb", ErrRate)
		}
	}
	return nil
}

// Sorted returns the bands lowest ceiling first, the open band last.
func (bs Bands) Sorted() Bands {
	out := append(Bands(nil), bs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Open != out[j].Open {
			return out[j].Open
		}
		return out[i].UpTo.LessThan(out[j].UpTo)
	})
	return out
}

// Choose picks the band for one piece sold for unitIncl, tax included.
// The ceiling is on the value excluding tax, which itself depends on the
// rate; a piece takes the lowest band whose ceiling holds at that band's
// own rate. Between the two readings (e.g. ₹2,625.01 to ₹2,950.00 with
// 5%/18% bands: over ₹2,500 at 5%, not over it at 18%) this charges the
// higher rate, so tax is never under-paid (a [VERIFY] item for counsel:
// README, tax decisions).
func (bs Bands) Choose(unitIncl money.Amount) (Band, int) {
	for i, b := range bs {
		if b.Open || !TaxableOf(unitIncl, b.Rate).GreaterThan(b.UpTo) {
			return b, i
		}
	}
	return bs[len(bs)-1], len(bs) - 1
}

// Note describes the band on an invoice: "5% (≤ ₹2,500.00 a piece)".
func (b Band) Note(lower *Band) string {
	if b.Open {
		if lower != nil {
			return fmt.Sprintf("%s%% (above ₹%s a piece)", b.Rate, lower.UpTo)
		}
		return b.Rate.String() + "%"
	}
	return fmt.Sprintf("%s%% (up to ₹%s a piece)", b.Rate, b.UpTo)
}
