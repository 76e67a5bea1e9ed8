package gst

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"ektamall/shared/money"
)

func TestInclusiveVectors(t *testing.T) {
	// Each expectation is worked out by hand from the DESIGN.md rule:
	// taxable = round(G×100/(100+r), 2), tax = G − taxable,
	// CGST = round(tax/2, 2) (half away from zero), SGST = tax − CGST.
	tests := []struct {
		total, rate             string
		taxable, cgst, sgst, tx string
	}{
		// 105000/105 = 1000 exactly; tax 50 splits evenly.
		{"1050", "5", "1000.00", "25.00", "25.00", "50.00"},
		// 99900/105 = 951.428571… → 951.43; tax 47.57; 47.57/2 = 23.785 → 23.79.
		{"999", "5", "951.43", "23.79", "23.78", "47.57"},
		// 149900/118 = 1270.338983… → 1270.34; tax 228.66 → 114.33 each.
		{"1499", "18", "1270.34", "114.33", "114.33", "228.66"},
		// 250000/140 = 1785.714285… → 1785.71; tax 714.29; 357.145 → 357.15.
		{"2500", "40", "1785.71", "357.15", "357.14", "714.29"},
		// 10000/100.25 = 99.750623… → 99.75; tax 0.25; 0.125 → 0.13.
		{"100", "0.25", "99.75", "0.13", "0.12", "0.25"},
		// 100/103 = 0.970873… → 0.97; tax 0.03; 0.015 → 0.02.
		{"1", "3", "0.97", "0.02", "0.01", "0.03"},
		// 21/105 = 0.2 exactly; the single paisa of tax goes to CGST.
		{"0.21", "5", "0.20", "0.01", "0.00", "0.01"},
		// 1/1.4 = 0.714… paisa → 0.01; nothing left for tax.
		{"0.01", "40", "0.01", "0.00", "0.00", "0.00"},
		// Exempt goods carry no tax.
		{"1449.50", "0", "1449.50", "0.00", "0.00", "0.00"},
		{"0", "18", "0.00", "0.00", "0.00", "0.00"},
		// Credit lines are the exact negation.
		{"-999", "5", "-951.43", "-23.79", "-23.78", "-47.57"},
		{"-1499", "18", "-1270.34", "-114.33", "-114.33", "-228.66"},
		{"-100", "0.25", "-99.75", "-0.13", "-0.12", "-0.25"},
	}
	for _, tc := range tests {
		for _, ut := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s@%s%%/ut=%v", tc.total, tc.rate, ut), func(t *testing.T) {
				total := money.MustParse(tc.total)
				s := Inclusive(total, MustRate(tc.rate), ut)
				got := []string{s.Taxable.String(), s.CGST.String(), s.SGST.String(), s.Tax().String()}
				want := []string{tc.taxable, tc.cgst, tc.sgst, tc.tx}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("Inclusive(%s, %s%%): taxable/CGST/SGST/tax = %v, want %v", tc.total, tc.rate, got, want)
				}
				if !s.Total().Equal(total) {
					t.Errorf("Total() = %s, want %s", s.Total(), total)
				}
				if s.UT != ut {
					t.Errorf("UT = %v, want %v", s.UT, ut)
				}
			})
		}
	}
}

// oracle computes the split in integer paise, independently of the decimal
// package: G paise at b basis points.
func oracle(g, bp int64) (taxable, cgst, sgst int64) {
	neg := g < 0
	if neg {
		g = -g
	}
	d := 10_000 + bp
	taxable = (2*g*10_000 + d) / (2 * d) // round half up on a non-negative value
	tax := g - taxable
	cgst = (tax + 1) / 2
	sgst = tax - cgst
	if neg {
		return -taxable, -cgst, -sgst
	}
	return taxable, cgst, sgst
}

func TestInclusiveProperties(t *testing.T) {
	seed := uint64(22092025)
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 46))
	rates := make([]Rate, len(slabs))
	for i, sl := range slabs {
		rates[i] = MustRate(sl)
	}
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	const maxPaise = 5_00_000_00 // ₹5,00,000
	for i := range n {
		var g int64
		if i%2 == 0 {
			g = 1 + r.Int64N(100_000) // up to ₹1,000: where rounding is proportionally largest
		} else {
			g = 1 + r.Int64N(maxPaise)
		}
		total := money.FromPaise(g)
		for _, rate := range rates {
			ut := g%2 == 0
			s := Inclusive(total, rate, ut)
			tp, cp, sp := s.Taxable.Paise(), s.CGST.Paise(), s.SGST.Paise()
			if tp+cp+sp != g || !s.Total().Equal(total) {
				t.Fatalf("Inclusive(%s, %s%%) = %+v does not add up to the total", total, rate, s)
			}
			if d := cp - sp; d < 0 || d > 1 {
				t.Fatalf("Inclusive(%s, %s%%): CGST %s and SGST %s differ by more than a paisa (or SGST larger)", total, rate, s.CGST, s.SGST)
			}
			// |taxable − G×100/(100+r)| < 1 paisa ⇔ |taxable×D − G×10000| < D, D = 10000+bp.
			d := 10_000 + rate.BasisPoints()
			if diff := tp*d - g*10_000; diff <= -d || diff >= d {
				t.Fatalf("Inclusive(%s, %s%%): taxable %s is a paisa or more from the exact value", total, rate, s.Taxable)
			}
			if tp < 0 || cp < 0 || sp < 0 {
				t.Fatalf("Inclusive(%s, %s%%) = %+v has a negative part", total, rate, s)
			}
			wt, wc, ws := oracle(g, rate.BasisPoints())
			if tp != wt || cp != wc || sp != ws {
				t.Fatalf("Inclusive(%s, %s%%) = %d/%d/%d paise, the integer rule gives %d/%d/%d", total, rate, tp, cp, sp, wt, wc, ws)
			}
			if s.UT != ut {
				t.Fatalf("UT flag lost: %+v", s)
			}
			m := Inclusive(total.Neg(), rate, ut)
			if !m.Taxable.Equal(s.Taxable.Neg()) || !m.CGST.Equal(s.CGST.Neg()) || !m.SGST.Equal(s.SGST.Neg()) || m.UT != ut {
				t.Fatalf("Inclusive(%s, %s%%) = %+v does not mirror %+v", total.Neg(), rate, m, s)
			}
		}
	}
}

// TestInclusiveIgnoresDivisionPrecision guards against tax depending on a
// global of the decimal package that any other package may set.
func TestInclusiveIgnoresDivisionPrecision(t *testing.T) {
	old := decimal.DivisionPrecision
	t.Cleanup(func() { decimal.DivisionPrecision = old })
	for _, p := range []int{1, 2, 3, 40} {
		decimal.DivisionPrecision = p
		s := Inclusive(money.MustParse("999"), MustRate("5"), false)
		if s.Taxable.String() != "951.43" || s.CGST.String() != "23.79" || s.SGST.String() != "23.78" {
			t.Errorf("with decimal.DivisionPrecision=%d, Inclusive(999, 5%%) = %+v, want 951.43/23.79/23.78", p, s)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in     string
		want   string // canonical String(); "" means an error
		bp     int64
		errSub string
	}{
		{in: "0", want: "0", bp: 0},
		{in: "0.25", want: "0.25", bp: 25},
		{in: "3", want: "3", bp: 300},
		{in: "5", want: "5", bp: 500},
		{in: "18", want: "18", bp: 1800},
		{in: "40", want: "40", bp: 4000},
		{in: "05", want: "5", bp: 500},
		{in: "5.0", want: "5", bp: 500},
		{in: "5.000", want: "5", bp: 500},
		{in: "0.250", want: "0.25", bp: 25},
		{in: "40.00", want: "40", bp: 4000},
		{in: "12", errSub: "not a GST slab"}, // merged into 5/18 from 22 Sep 2025
		{in: "28", errSub: "not a GST slab"},
		{in: "0.1", errSub: "not a GST slab"},
		{in: "1.5", errSub: "not a GST slab"},
		{in: "5.0001", errSub: "not a percentage"},
		{in: "-5", errSub: "not a percentage"},
		{in: "abc", errSub: "not a percentage"},
		{in: "", errSub: "not a percentage"},
		{in: "5%", errSub: "not a percentage"},
		{in: " 5", errSub: "not a percentage"},
		{in: "5 ", errSub: "not a percentage"},
		{in: "+5", errSub: "not a percentage"},
		{in: "5.", errSub: "not a percentage"},
		{in: ".25", errSub: "not a percentage"},
		{in: "1e1", errSub: "not a percentage"},
		{in: "NaN", errSub: "not a percentage"},
		{in: "100", errSub: "not a percentage"},
		{in: "٥", errSub: "not a percentage"}, // Arabic-Indic five
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r, err := ParseRate(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("ParseRate(%q) = %s, want error", tc.in, r)
				}
				if !errors.Is(err, ErrRate) || !strings.Contains(err.Error(), tc.errSub) {
					t.Errorf("ParseRate(%q) error %q: want ErrRate saying %q", tc.in, err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRate(%q): %v", tc.in, err)
			}
			if r.String() != tc.want {
				t.Errorf("ParseRate(%q).String() = %q, want %q", tc.in, r, tc.want)
			}
			if r.BasisPoints() != tc.bp {
				t.Errorf("ParseRate(%q).BasisPoints() = %d, want %d", tc.in, r.BasisPoints(), tc.bp)
			}
			if !r.Percent().Equal(decimal.New(tc.bp, -2)) {
				t.Errorf("ParseRate(%q).Percent() = %s", tc.in, r.Percent())
			}
		})
	}
}

func TestMustRatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustRate(\"12\") did not panic")
		}
	}()
	MustRate("12")
}

func TestRateStringIgnoresDecimalGlobals(t *testing.T) {
	trim, sci := decimal.TrimTrailingZeros, decimal.UseScientificNotation
	t.Cleanup(func() { decimal.TrimTrailingZeros, decimal.UseScientificNotation = trim, sci })
	decimal.TrimTrailingZeros, decimal.UseScientificNotation = false, true
	for in, want := range map[string]string{"5.000": "5", "40": "40", "0.250": "0.25", "0": "0", "18.0": "18"} {
		if got := MustRate(in).String(); got != want {
			t.Errorf("with TrimTrailingZeros=false, UseScientificNotation=true: MustRate(%q).String() = %q, want %q", in, got, want)
		}
	}
	for _, bp := range []int64{0, 25, 300, 500, 1800, 4000} {
		if r, err := RateFromBasisPoints(bp); err != nil || r.BasisPoints() != bp {
			t.Errorf("with TrimTrailingZeros=false: RateFromBasisPoints(%d) = %v, %v", bp, r, err)
		}
	}
}

func TestBasisPointsRoundTrip(t *testing.T) {
	for _, sl := range slabs {
		t.Run(sl, func(t *testing.T) {
			r := MustRate(sl)
			back, err := RateFromBasisPoints(r.BasisPoints())
			if err != nil {
				t.Fatalf("RateFromBasisPoints(%d): %v", r.BasisPoints(), err)
			}
			if back.String() != sl || !back.Percent().Equal(r.Percent()) {
				t.Errorf("RateFromBasisPoints(%d) = %s, want %s", r.BasisPoints(), back, sl)
			}
		})
	}
	for _, bp := range []int64{1200, 2800, -500, 1, 24, 26, 50000, 400000} {
		t.Run(fmt.Sprint(bp), func(t *testing.T) {
			if r, err := RateFromBasisPoints(bp); err == nil || !errors.Is(err, ErrRate) {
				t.Errorf("RateFromBasisPoints(%d) = %v, %v; want ErrRate", bp, r, err)
			}
		})
	}
}

func TestRateJSON(t *testing.T) {
	type item struct {
		Rate Rate `json:"rate"`
	}
	for _, sl := range slabs {
		b, err := json.Marshal(item{MustRate(sl)})
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"rate":"` + sl + `"}`; string(b) != want {
			t.Errorf("json.Marshal = %s, want %s", b, want)
		}
		var back item
		if err := json.Unmarshal(b, &back); err != nil || back.Rate.BasisPoints() != MustRate(sl).BasisPoints() {
			t.Errorf("json.Unmarshal(%s) = %v, %v", b, back.Rate, err)
		}
	}
	for _, in := range []string{`{"rate":5}`, `{"rate":"12"}`, `{"rate":null}`, `{"rate":"5.0001"}`, `{"rate":""}`} {
		var it item
		if err := json.Unmarshal([]byte(in), &it); err == nil || !errors.Is(err, ErrRate) {
			t.Errorf("json.Unmarshal(%s) = %v, %v; want ErrRate", in, it.Rate, err)
		}
	}
}

func TestSplitHelpers(t *testing.T) {
	a := Inclusive(money.MustParse("999"), MustRate("5"), false)
	b := Inclusive(money.MustParse("1499"), MustRate("18"), true)
	sum := a.Add(b)
	if sum.Taxable.String() != "2221.77" || sum.CGST.String() != "138.12" || sum.SGST.String() != "138.11" {
		t.Errorf("Add = %+v, want 2221.77/138.12/138.11", sum)
	}
	if !sum.Total().Equal(money.MustParse("2498")) || sum.Tax().String() != "276.23" {
		t.Errorf("Add: Total %s Tax %s, want 2498.00 and 276.23", sum.Total(), sum.Tax())
	}
	if !sum.UT {
		t.Error("adding a UTGST split lost the UT flag")
	}
	n := b.Neg()
	if !n.UT || !n.Total().Equal(money.MustParse("-1499")) || !n.Add(b).Total().IsZero() {
		t.Errorf("Neg = %+v: want UT kept and a total of -1499.00 that cancels the original", n)
	}
	if !a.Add(a.Neg()).Tax().IsZero() {
		t.Error("a split plus its reversal leaves tax")
	}
}

func TestSplitJSON(t *testing.T) {
	tests := []struct {
		ut   bool
		want string
	}{
		{false, `{"taxable_value":"951.43","cgst":"23.79","sgst":"23.78"}`},
		{true, `{"taxable_value":"951.43","cgst":"23.79","sgst":"23.78","utgst":true}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(Inclusive(money.MustParse("999"), MustRate("5"), tc.ut))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("json.Marshal(split ut=%v) = %s, want %s", tc.ut, b, tc.want)
		}
	}
}

func TestValidHSN(t *testing.T) {
	tests := []struct {
		in     string
		errSub string // "" means valid
	}{
		{"6302", ""},
		{"630260", ""},
		{"63026000", ""},
		{"0101", ""},     // chapter 01, live animals
		{"5007", ""},     // silk fabrics
		{"97011000", ""}, // paintings
		{"0012", "chapter 00"},
		{"00123456", "chapter 00"},
		{"", "4, 6 or 8 digits"},
		{"630", "4, 6 or 8 digits"},
		{"63026", "4, 6 or 8 digits"},
		{"6302600", "4, 6 or 8 digits"},
		{"630260001", "4, 6 or 8 digits"},
		{"63a2", "4, 6 or 8 digits"},
		{" 6302", "4, 6 or 8 digits"},
		{"6302 ", "4, 6 or 8 digits"},
		{"6302.60", "4, 6 or 8 digits"},
		{"-6302", "4, 6 or 8 digits"},
		{"६३०२", "4, 6 or 8 digits"}, // Devanagari digits
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			err := ValidHSN(tc.in)
			if tc.errSub == "" {
				if err != nil {
					t.Errorf("ValidHSN(%q) = %v, want nil", tc.in, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errSub) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.in)) {
				t.Errorf("ValidHSN(%q) = %v, want an error naming the code and saying %q", tc.in, err, tc.errSub)
			}
		})
	}
}
