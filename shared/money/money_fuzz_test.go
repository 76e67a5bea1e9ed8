package money

import (
	"strings"
	"testing"
)

// FuzzParse: Parse never panics; what it accepts prints with exactly two
// decimals, parses back to the same amount, stays within MaxRupees, and
// survives the trip through integer paise (the SQLite form) unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1449.00", "0.05", "-3", "1249.5", "", "1e3", "NaN", "+1", " 1", "1,000", "0.001",
		"1000000000000.00", "1000000000000.01", "-0", "00000000000000001.10", "१२३", "1.", ".5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if !strings.Contains(err.Error(), ErrInvalid.Error()) {
				t.Fatalf("Parse(%q): error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		out := a.String()
		dot := strings.IndexByte(out, '.')
		if dot < 0 || len(out)-dot-1 != 2 {
			t.Fatalf("Parse(%q).String() = %q: not two decimals", s, out)
		}
		b, err := Parse(out)
		if err != nil || !b.Equal(a) || b.String() != out {
			t.Fatalf("round trip %q -> %q -> %v, %v", s, out, b, err)
		}
		if a.Decimal().Abs().GreaterThan(maxValue) {
			t.Fatalf("Parse(%q) = %s exceeds MaxRupees", s, out)
		}
		if p := FromPaise(a.Paise()); !p.Equal(a) {
			t.Fatalf("paise round trip of %s gives %s", out, p)
		}
		j, err := a.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var c Amount
		if err := c.UnmarshalJSON(j); err != nil || !c.Equal(a) {
			t.Fatalf("JSON round trip of %s via %s: %v, %v", out, j, c, err)
		}
	})
}
