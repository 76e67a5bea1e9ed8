// Package money is the one representation of rupee amounts in Go code.
//
// An Amount wraps shopspring/decimal and always carries exactly two decimal
// places. In SQLite amounts live as integer paise (so SQL sums are exact);
// in JSON they travel as strings such as "1449.00". No float64 ever touches
// an amount.
package money

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxRupees bounds every amount the system accepts: one lakh crore rupees.
// Anything larger is a typo or an attack, and the bound keeps paise well
// inside int64.
const MaxRupees = 1_000_000_000_000

var (
	hundred  = decimal.NewFromInt(100)
	maxValue = decimal.NewFromInt(MaxRupees)
	// plainRE is plain decimal notation: an optional leading '-', digits,
	// and optionally a point followed by digits. No exponent, no NaN, no
	// '+', no spaces, no thousands separators. The number of decimals and
	// the magnitude are checked separately so the error can say which.
	plainRE = regexp.MustCompile(`^-?([0-9]+)(?:\.([0-9]+))?$`)
)

// maxInputLen bounds the text Parse looks at: the longest valid amount is
// "-1000000000000.00" (17 characters); a little slack allows leading zeros.
const maxInputLen = 32

// maxIntDigits is the number of integer digits of MaxRupees.
const maxIntDigits = 13

// ErrInvalid is wrapped by every parse error.
var ErrInvalid = errors.New("invalid amount")

// Amount is an exact INR amount with two decimal places.
type Amount struct{ d decimal.Decimal }

// Zero is ₹0.00.
var Zero = Amount{d: decimal.Zero}

// Parse reads an amount such as "1249.50", "-3", "0.05". It rejects more
// than two decimals, exponents, NaN, empty strings and absurd magnitudes.
func Parse(s string) (Amount, error) {
	if s == "" {
		return Zero, fmt.Errorf("%w: empty", ErrInvalid)
	}
	if len(s) > maxInputLen {
		return Zero, fmt.Errorf("%w: %q... is too long for an amount", ErrInvalid, s[:maxInputLen])
	}
	m := plainRE.FindStringSubmatch(s)
	if m == nil {
		return Zero, fmt.Errorf("%w: %q is not a plain decimal number such as 1449.50 (no '+', spaces, separators or exponents)", ErrInvalid, s)
	}
	if len(m[2]) > 2 {
		return Zero, fmt.Errorf("%w: %q has more than 2 decimals", ErrInvalid, s)
	}
	if len(strings.TrimLeft(m[1], "0")) > maxIntDigits {
		return Zero, fmt.Errorf("%w: %q exceeds %d rupees", ErrInvalid, s, int64(MaxRupees))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Zero, fmt.Errorf("%w: %q: %v", ErrInvalid, s, err)
	}
	if d.Abs().GreaterThan(maxValue) {
		return Zero, fmt.Errorf("%w: %q exceeds %d rupees", ErrInvalid, s, int64(MaxRupees))
	}
	return Amount{d: d.Round(2)}, nil
}

// MustParse is Parse for constants in code and tests; it panics on error.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// FromPaise converts integer paise (as stored in SQLite) to an Amount.
func FromPaise(p int64) Amount { return Amount{d: decimal.New(p, -2)} }

// FromDecimal rounds d half away from zero to paise.
func FromDecimal(d decimal.Decimal) Amount { return Amount{d: d.Round(2)} }

// Paise is the amount in integer paise, the form stored in SQLite.
func (a Amount) Paise() int64 { return a.d.Mul(hundred).IntPart() }

// Decimal exposes the underlying value for computation.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// String formats with exactly two decimals: "1449.00".
func (a Amount) String() string { return a.d.StringFixed(2) }

func (a Amount) Add(b Amount) Amount       { return Amount{d: a.d.Add(b.d)} }
func (a Amount) Sub(b Amount) Amount       { return Amount{d: a.d.Sub(b.d)} }
func (a Amount) Neg() Amount               { return Amount{d: a.d.Neg()} }
func (a Amount) MulInt(n int64) Amount     { return Amount{d: a.d.Mul(decimal.NewFromInt(n))} }
func (a Amount) Cmp(b Amount) int          { return a.d.Cmp(b.d) }
func (a Amount) Equal(b Amount) bool       { return a.d.Equal(b.d) }
func (a Amount) IsZero() bool              { return a.d.IsZero() }
func (a Amount) IsNegative() bool          { return a.d.IsNegative() }
func (a Amount) IsPositive() bool          { return a.d.IsPositive() }
func (a Amount) LessThan(b Amount) bool    { return a.d.LessThan(b.d) }
func (a Amount) GreaterThan(b Amount) bool { return a.d.GreaterThan(b.d) }

// Sum adds amounts.
func Sum(as ...Amount) Amount {
	s := Zero
	for _, a := range as {
		s = s.Add(a)
	}
	return s
}

// MarshalJSON writes the amount as a JSON string with two decimals.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(`"` + a.String() + `"`), nil }

// UnmarshalJSON accepts only a JSON string; a JSON number would invite
// float parsing upstream, so it is refused.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("%w: amounts are JSON strings such as \"1449.00\"", ErrInvalid)
	}
	v, err := Parse(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Value stores the amount as integer paise. An amount whose paise do not
// fit in an int64 is an error rather than a silently wrapped number.
func (a Amount) Value() (driver.Value, error) {
	p := a.d.Mul(hundred).BigInt()
	if !p.IsInt64() {
		return nil, fmt.Errorf("money: %s rupees does not fit in int64 paise", a)
	}
	return p.Int64(), nil
}

// Scan reads integer paise.
func (a *Amount) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*a = FromPaise(v)
		return nil
	case nil:
		*a = Zero
		return nil
	}
	return fmt.Errorf("money: cannot scan %T as paise", src)
}
