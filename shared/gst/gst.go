// Package gst computes Indian GST on tax-inclusive (MRP) prices.
//
// The rule is the one in DESIGN.md: for a line total G at rate r,
// taxable = round(G × 100 / (100 + r), 2), tax = G − taxable, and an
// over-the-counter (intra-state) sale splits the tax as CGST = round(tax/2, 2)
// and SGST (or UTGST) = tax − CGST. Every part is computed once, stored, and
// never recomputed from the taxable value, so the parts always add up.
package gst

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"ektamall/shared/money"
)

// Rate is a total GST rate in percent (CGST + SGST), e.g. 5, 18, 3, 0.25.
type Rate struct{ pct decimal.Decimal }

// The rate slabs in force from 22 September 2025 (Notif. 9/2025-CT(Rate)).
var slabs = []string{"0", "0.25", "3", "5", "18", "40"}

var (
	hundred = decimal.NewFromInt(100)
	two     = decimal.NewFromInt(2)
	rateRE  = regexp.MustCompile(`^[0-9]{1,2}(\.[0-9]{1,3})?$`)
)

// ErrRate is wrapped by every rate parse error.
var ErrRate = errors.New("invalid GST rate")

// ParseRate reads a percentage such as "5" or "0.25" and accepts only the
// notified slabs, so a typo in the catalog cannot invent a tax rate.
func ParseRate(s string) (Rate, error) {
	if !rateRE.MatchString(s) {
		return Rate{}, fmt.Errorf("%w: %q is not a percentage such as \"5\" or \"0.25\"", ErrRate, s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Rate{}, fmt.Errorf("%w: %q", ErrRate, s)
	}
	if r, ok := slabRate(d); ok {
		return r, nil
	}
	return Rate{}, fmt.Errorf("%w: %q is not a GST slab (%v)", ErrRate, s, slabs)
}

// slabRate returns the slab equal to d. The Rate holds the slab's own
// decimal, so "5", "05" and "5.000" all give the same Rate.
func slabRate(d decimal.Decimal) (Rate, bool) {
	for _, sl := range slabs {
		if sd := decimal.RequireFromString(sl); d.Equal(sd) {
			return Rate{pct: sd}, true
		}
	}
	return Rate{}, false
}

// MustRate is ParseRate for constants; it panics on error.
func MustRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

// Percent is the rate as a decimal percentage.
func (r Rate) Percent() decimal.Decimal { return r.pct }

// String is the canonical text form: "5", "0.25". It does not depend on
// the decimal package's global formatting switches (TrimTrailingZeros,
// UseScientificNotation), which another package may flip.
func (r Rate) String() string {
	s := r.pct.StringFixed(2)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// BasisPoints is the rate in hundredths of a percent, the form stored in
// SQLite (5% → 500).
func (r Rate) BasisPoints() int64 { return r.pct.Mul(hundred).IntPart() }

// RateFromBasisPoints is the inverse of BasisPoints.
func RateFromBasisPoints(bp int64) (Rate, error) {
	if r, ok := slabRate(decimal.New(bp, -2)); ok {
		return r, nil
	}
	return Rate{}, fmt.Errorf("%w: %d basis points is not a GST slab (%v)", ErrRate, bp, slabs)
}

// MarshalJSON writes the rate as a string, like amounts.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(`"` + r.String() + `"`), nil }

// UnmarshalJSON reads a rate string.
func (r *Rate) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("%w: rates are JSON strings such as \"5\"", ErrRate)
	}
	v, err := ParseRate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Split is the tax inside one tax-inclusive line.
type Split struct {
	Taxable money.Amount `json:"taxable_value"`
	CGST    money.Amount `json:"cgst"`
	// SGST holds the state share; in a Union Territory without a legislature
	// the same share is UTGST, and UT says so.
	SGST money.Amount `json:"sgst"`
	UT   bool         `json:"utgst,omitempty"`
	// IGST is the whole tax of an inter-State supply (goods delivered to
	// another State); CGST and SGST are then zero.
	IGST money.Amount `json:"igst,omitzero"`
}

// Tax is CGST + SGST/UTGST + IGST.
func (s Split) Tax() money.Amount { return s.CGST.Add(s.SGST).Add(s.IGST) }

// Total is taxable + tax, which always equals the line total it came from.
func (s Split) Total() money.Amount { return s.Taxable.Add(s.Tax()) }

// Neg reverses a split, for credit notes.
func (s Split) Neg() Split {
	return Split{Taxable: s.Taxable.Neg(), CGST: s.CGST.Neg(), SGST: s.SGST.Neg(), UT: s.UT, IGST: s.IGST.Neg()}
}

// Add sums two splits head by head.
func (s Split) Add(o Split) Split {
	return Split{Taxable: s.Taxable.Add(o.Taxable), CGST: s.CGST.Add(o.CGST), SGST: s.SGST.Add(o.SGST), UT: s.UT || o.UT,
		IGST: s.IGST.Add(o.IGST)}
}

// Inclusive back-calculates the tax inside a tax-inclusive line total for
// an intra-state sale. ut selects UTGST in place of SGST. A negative total
// (a credit line) gives the exact negation of the positive one.
func Inclusive(total money.Amount, r Rate, ut bool) Split {
	if total.IsNegative() {
		return Inclusive(total.Neg(), r, ut).Neg()
	}
	// DivRound rounds the exact quotient once, half away from zero, to
	// paise. (Div would first round to the package-global
	// decimal.DivisionPrecision, so a program that lowered it would
	// change tax amounts.)
	g := total.Decimal()
	taxable := money.FromDecimal(g.Mul(hundred).DivRound(hundred.Add(r.pct), 2))
	tax := total.Sub(taxable)
	cgst := money.FromDecimal(tax.Decimal().DivRound(two, 2))
	return Split{Taxable: taxable, CGST: cgst, SGST: tax.Sub(cgst), UT: ut, IGST: money.Zero}
}

// Integrated back-calculates the tax inside a tax-inclusive line total for
// an inter-State supply: the same taxable value as Inclusive, the whole tax
// as IGST.
func Integrated(total money.Amount, r Rate) Split {
	s := Inclusive(total, r, false)
	return Split{Taxable: s.Taxable, CGST: money.Zero, SGST: money.Zero, IGST: s.Tax()}
}

// TaxableOf is the value excluding tax inside a tax-inclusive amount at r,
// rounded to the paisa as Inclusive does.
func TaxableOf(total money.Amount, r Rate) money.Amount {
	return money.FromDecimal(total.Decimal().Mul(hundred).DivRound(hundred.Add(r.pct), 2))
}

var hsnRE = regexp.MustCompile(`^([0-9]{4}|[0-9]{6}|[0-9]{8})$`)

// ValidHSN reports whether s is a 4-, 6- or 8-digit HSN code that does not
// start with chapter 00.
func ValidHSN(s string) error {
	if !hsnRE.MatchString(s) {
		return fmt.Errorf("invalid HSN code %q: want 4, 6 or 8 digits", s)
	}
	if s[:2] == "00" {
		return fmt.Errorf("invalid HSN code %q: there is no chapter 00", s)
	}
	return nil
}
