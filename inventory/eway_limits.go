package inventory

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"ektamall/shared/catalog"
	"ektamall/shared/money"
)

// EWayLimits are the consignment values (tax included, in paise) above
// which goods move only with an e-way bill: Default for inter-State
// movement and for States without a limit of their own, and States' own
// limits for movement within them (Rule 138(14): States notify their own,
// e.g. ₹1,00,000 in some). The zero value is Rule 138's ₹50,000 for all.
type EWayLimits struct {
	Default int64
	Intra   map[string]int64 // State/UT code → limit within that State
}

// For is the limit of a movement from state: its own intra-State limit
// when the goods stay in it, else the default.
func (l EWayLimits) For(state string, inter bool) int64 {
	if v, ok := l.Intra[state]; ok && !inter {
		return v
	}
	if l.Default > 0 {
		return l.Default
	}
	return DefaultEWayLimit
}

// ParseEWayLimits reads the intra-State limits of --eway-limits:
// comma-separated STATE=rupees pairs ("UP=50000.00,DL=100000.00"); empty
// for none.
func ParseEWayLimits(s string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		code, amt, ok := strings.Cut(f, "=")
		code = strings.ToUpper(strings.TrimSpace(code))
		if !ok {
			return nil, fmt.Errorf("%q: want STATE=rupees, e.g. DL=100000.00", f)
		}
		if _, known := catalog.StateByCode(code); !known {
			return nil, fmt.Errorf("%q: %q is not a State/UT code", f, code)
		}
		a, err := money.Parse(strings.TrimSpace(amt))
		if err != nil || !a.IsPositive() {
			return nil, fmt.Errorf("%q: the limit must be rupees above 0, e.g. 100000.00", f)
		}
		if _, dup := out[code]; dup {
			return nil, fmt.Errorf("%s is given twice", code)
		}
		out[code] = a.Paise()
	}
	return out, nil
}

// String writes the intra-State limits back in ParseEWayLimits' form, by
// State code.
func (l EWayLimits) String() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(l.Intra)) {
		parts = append(parts, k+"="+money.FromPaise(l.Intra[k]).String())
	}
	return strings.Join(parts, ",")
}
