package gstr

import (
	"strconv"

	"ektamall/shared/money"
)

// Amt is an amount in paise written the way the GST portal's files want
// it: a JSON number with two decimals (10500.00), not the quoted string the
// rest of the API uses, because the offline tool and the IRP read numbers.
// It is formatted from integer paise, never through a float.
type Amt int64

// MarshalJSON writes 1234.50 (unquoted).
func (a Amt) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// String is the two-decimal form.
func (a Amt) String() string { return money.FromPaise(int64(a)).String() }

// UnmarshalJSON reads a number (or a quoted number) with at most two
// decimals, exactly.
func (a *Amt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	m, err := money.Parse(s)
	if err != nil {
		return err
	}
	*a = Amt(m.Paise())
	return nil
}

// Rate is a GST rate in basis points written as the portal's percentage
// number: 5, 18, 2.5, 0.25.
type Rate int64

// MarshalJSON writes the percentage without trailing zeros.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(r.String()), nil }

// String is the percentage: 500 → "5", 250 → "2.5".
func (r Rate) String() string {
	s := strconv.FormatInt(int64(r)/100, 10)
	if frac := int64(r) % 100; frac != 0 {
		f := strconv.FormatInt(100+frac, 10)[1:] // two digits
		if f[1] == '0' {
			f = f[:1]
		}
		s += "." + f
	}
	return s
}

// UnmarshalJSON reads a percentage number.
func (r *Rate) UnmarshalJSON(b []byte) error {
	m, err := money.Parse(string(b))
	if err != nil {
		return err
	}
	*r = Rate(m.Paise())
	return nil
}
