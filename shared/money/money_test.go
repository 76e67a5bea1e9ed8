package money

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		paise  int64
		isNeg  bool
		isZero bool
	}{
		{in: "0", want: "0.00", paise: 0, isZero: true},
		{in: "-0", want: "0.00", paise: 0, isZero: true},
		{in: "0.00", want: "0.00", paise: 0, isZero: true},
		{in: "1449", want: "1449.00", paise: 144900},
		{in: "1449.5", want: "1449.50", paise: 144950},
		{in: "1449.50", want: "1449.50", paise: 144950},
		{in: "-3.25", want: "-3.25", paise: -325, isNeg: true},
		{in: "-3", want: "-3.00", paise: -300, isNeg: true},
		{in: "0.05", want: "0.05", paise: 5},
		{in: "0.5", want: "0.50", paise: 50},
		{in: "-0.01", want: "-0.01", paise: -1, isNeg: true},
		{in: "007", want: "7.00", paise: 700},
		{in: "1000000000000", want: "1000000000000.00", paise: MaxRupees * 100},
		{in: "-1000000000000.00", want: "-1000000000000.00", paise: -MaxRupees * 100, isNeg: true},
		{in: "999999999999.99", want: "999999999999.99", paise: MaxRupees*100 - 1},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			a, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.in, err)
			}
			if got := a.String(); got != tc.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			if got := a.Paise(); got != tc.paise {
				t.Errorf("Parse(%q).Paise() = %d, want %d", tc.in, got, tc.paise)
			}
			if a.IsNegative() != tc.isNeg || a.IsZero() != tc.isZero || a.IsPositive() != (!tc.isNeg && !tc.isZero) {
				t.Errorf("Parse(%q): IsNegative=%v IsZero=%v IsPositive=%v, want neg=%v zero=%v",
					tc.in, a.IsNegative(), a.IsZero(), a.IsPositive(), tc.isNeg, tc.isZero)
			}
			// The canonical form parses back to the same amount.
			b, err := Parse(a.String())
			if err != nil || !b.Equal(a) {
				t.Errorf("Parse(%q) = %v, %v; want %v", a.String(), b, err, a)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	const (
		notPlain = "is not a plain decimal number"
		decimals = "more than 2 decimals"
		tooBig   = "exceeds 1000000000000 rupees"
	)
	tests := []struct {
		in   string
		want string // substring the error message must contain
	}{
		{"", "empty"},
		{"1.234", decimals},
		{"-1.234", decimals},
		{"0.001", decimals},
		{"1.2a3", notPlain},
		{"1.234.5", notPlain},
		{"NaN", notPlain},
		{"nan", notPlain},
		{"Inf", notPlain},
		{"∞", notPlain},
		{"1e9999", notPlain},
		{"1e3", notPlain},
		{"1E3", notPlain},
		{" 1", notPlain},
		{"1 ", notPlain},
		{"1,000", notPlain},
		{"1_000", notPlain},
		{"+1", notPlain},
		{"--1", notPlain},
		{"-", notPlain},
		{".5", notPlain},
		{"5.", notPlain},
		{"0x10", notPlain},
		{"−3.25", notPlain}, // U+2212 minus sign, which decimal.NewFromString would accept
		{"१२", notPlain},    // Devanagari digits
		{"₹10", notPlain},
		{"99999999999999", tooBig},
		{"1000000000000.01", tooBig},
		{"-1000000000000.01", tooBig},
		{"9999999999999", tooBig},
		{"12345678901234567890.5", tooBig},
		{strings.Repeat("9", 100), "too long"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			a, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tc.in, a)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%q) error %v does not wrap ErrInvalid", tc.in, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("Parse(%q) error %q does not say %q", tc.in, msg, tc.want)
			}
			if tc.in != "" && len(tc.in) <= maxInputLen && !strings.Contains(msg, strconv.Quote(tc.in)) {
				t.Errorf("Parse(%q) error %q does not quote the input", tc.in, msg)
			}
			if len(msg) > 200 {
				t.Errorf("Parse error message is %d bytes long: %q", len(msg), msg)
			}
			if !a.IsZero() {
				t.Errorf("Parse(%q) returned %v alongside the error, want 0.00", tc.in, a)
			}
		})
	}
}

func TestMustParse(t *testing.T) {
	if got := MustParse("12.30").Paise(); got != 1230 {
		t.Errorf("MustParse(12.30).Paise() = %d, want 1230", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"1.234\") did not panic")
		}
	}()
	MustParse("1.234")
}

func TestPaiseRoundTrip(t *testing.T) {
	seed := uint64(20250401)
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, seed))
	const limit = MaxRupees * 100
	fixed := []int64{0, 1, -1, 99, -99, 100, -100, 101, limit, -limit, math.MaxInt64, math.MinInt64}
	check := func(p int64) {
		a := FromPaise(p)
		if got := a.Paise(); got != p {
			t.Fatalf("FromPaise(%d).Paise() = %d", p, got)
		}
		// The text form is rupees, a point and exactly two digits of paise.
		s := a.String()
		if want := paiseString(p); s != want {
			t.Fatalf("FromPaise(%d).String() = %q, want %q", p, s, want)
		}
		if p >= -limit && p <= limit {
			b, err := Parse(s)
			if err != nil || !b.Equal(a) || b.Paise() != p {
				t.Fatalf("Parse(FromPaise(%d).String()=%q) = %v, %v", p, s, b, err)
			}
		}
	}
	for _, p := range fixed {
		check(p)
	}
	for range 100_000 {
		check(r.Int64N(2*limit+1) - limit)
	}
}

// paiseString formats paise independently of the decimal library.
func paiseString(p int64) string {
	sign, u := "", uint64(p)
	if p < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

func TestFromDecimalRoundsHalfAwayFromZero(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0.005", "0.01"},
		{"-0.005", "-0.01"},
		{"0.0049999", "0.00"},
		{"1.004", "1.00"},
		{"1.015", "1.02"},
		{"-1.015", "-1.02"},
		{"23.785", "23.79"},
		{"2.5", "2.50"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := FromDecimal(decimal.RequireFromString(tc.in))
			if got.String() != tc.want {
				t.Errorf("FromDecimal(%s) = %s, want %s", tc.in, got, tc.want)
			}
			if !got.Equal(MustParse(tc.want)) {
				t.Errorf("FromDecimal(%s) = %s is not equal to %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	a, b := MustParse("1449.50"), MustParse("-3.25")
	tests := []struct {
		name string
		got  Amount
		want string
	}{
		{"add", a.Add(b), "1446.25"},
		{"sub", a.Sub(b), "1452.75"},
		{"neg", a.Neg(), "-1449.50"},
		{"neg neg", b.Neg(), "3.25"},
		{"mulint", b.MulInt(3), "-9.75"},
		{"mulint zero", a.MulInt(0), "0.00"},
		{"sum", Sum(a, b, MustParse("0.01")), "1446.26"},
		{"sum none", Sum(), "0.00"},
		{"zero value", Amount{}, "0.00"},
		{"zero plus", Amount{}.Add(MustParse("0.10")), "0.10"},
		{"ten paise thrice", Sum(MustParse("0.1"), MustParse("0.1"), MustParse("0.1")), "0.30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.String() != tc.want {
				t.Errorf("got %s, want %s", tc.got, tc.want)
			}
		})
	}
	if a.Cmp(b) != 1 || b.Cmp(a) != -1 || a.Cmp(MustParse("1449.5")) != 0 {
		t.Errorf("Cmp wrong: %d %d %d", a.Cmp(b), b.Cmp(a), a.Cmp(MustParse("1449.5")))
	}
	if !b.LessThan(a) || a.LessThan(b) || !a.GreaterThan(b) || b.GreaterThan(a) {
		t.Error("LessThan/GreaterThan disagree with the order of 1449.50 and -3.25")
	}
	if !Zero.Equal(FromPaise(0)) || !Zero.Equal(Amount{}) || !Zero.IsZero() {
		t.Error("Zero, FromPaise(0) and Amount{} are not all equal to zero")
	}
	if !a.Decimal().Equal(decimal.RequireFromString("1449.5")) {
		t.Errorf("Decimal() = %s, want 1449.5", a.Decimal())
	}
}

type priced struct {
	Price Amount  `json:"price"`
	Tax   Amount  `json:"tax"`
	Disc  *Amount `json:"disc,omitempty"`
}

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		in   priced
		want string
	}{
		{priced{Price: MustParse("1449"), Tax: MustParse("-3.25")}, `{"price":"1449.00","tax":"-3.25"}`},
		{priced{}, `{"price":"0.00","tax":"0.00"}`},
		{priced{Price: FromPaise(5), Tax: FromPaise(-1), Disc: ptr(MustParse("10.5"))}, `{"price":"0.05","tax":"-0.01","disc":"10.50"}`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("json.Marshal = %s, want %s", b, tc.want)
			}
			var back priced
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("json.Unmarshal(%s): %v", b, err)
			}
			if !back.Price.Equal(tc.in.Price) || !back.Tax.Equal(tc.in.Tax) || (back.Disc == nil) != (tc.in.Disc == nil) {
				t.Errorf("round trip gave %+v, want %+v", back, tc.in)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    string // "" means an error is expected
		wantErr string
	}{
		{in: `{"price":"1449.00"}`, want: "1449.00"},
		{in: `{"price":"1449.5"}`, want: "1449.50"},
		{in: `{"price":"-3.25"}`, want: "-3.25"},
		{in: `{"price":"0"}`, want: "0.00"},
		{in: `{"price":1449}`, wantErr: "JSON strings"},
		{in: `{"price":1449.5}`, wantErr: "JSON strings"},
		{in: `{"price":1e3}`, wantErr: "JSON strings"},
		{in: `{"price":null}`, wantErr: "JSON strings"},
		{in: `{"price":true}`, wantErr: "JSON strings"},
		{in: `{"price":["1"]}`, wantErr: "JSON strings"},
		{in: `{"price":""}`, wantErr: "empty"},
		{in: `{"price":"1.234"}`, wantErr: "more than 2 decimals"},
		{in: `{"price":"1e3"}`, wantErr: "not a plain decimal"},
		{in: `{"price":"NaN"}`, wantErr: "not a plain decimal"},
		{in: `{"price":" 1"}`, wantErr: "not a plain decimal"},
		{in: `{"price":"1\u002e5"}`, wantErr: "not a plain decimal"},
		{in: `{"price":"99999999999999"}`, wantErr: "exceeds"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var p priced
			err := json.Unmarshal([]byte(tc.in), &p)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("json.Unmarshal(%s) accepted it as %v", tc.in, p.Price)
				}
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("json.Unmarshal(%s) error = %v, want ErrInvalid saying %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("json.Unmarshal(%s): %v", tc.in, err)
			}
			if p.Price.String() != tc.want {
				t.Errorf("json.Unmarshal(%s) price = %s, want %s", tc.in, p.Price, tc.want)
			}
		})
	}
	t.Run("direct short input", func(t *testing.T) {
		for _, in := range []string{``, `"`, `1`} {
			var a Amount
			if err := a.UnmarshalJSON([]byte(in)); err == nil {
				t.Errorf("UnmarshalJSON(%q) accepted", in)
			}
		}
	})
	t.Run("error leaves the old value", func(t *testing.T) {
		a := MustParse("5")
		if err := a.UnmarshalJSON([]byte(`"x"`)); err == nil || !a.Equal(MustParse("5")) {
			t.Errorf("after failed UnmarshalJSON: %v, err %v; want 5.00 kept and an error", a, err)
		}
	})
}

// Compile-time checks that Amount plugs into database/sql.
var (
	_ driver.Valuer = Amount{}
	_ sql.Scanner   = (*Amount)(nil)
)

func TestValueIsPaise(t *testing.T) {
	tests := []struct {
		in   Amount
		want int64
	}{
		{MustParse("1449.50"), 144950},
		{MustParse("-3.25"), -325},
		{Zero, 0},
		{Amount{}, 0},
		{FromPaise(math.MaxInt64), math.MaxInt64},
		{FromPaise(math.MinInt64), math.MinInt64},
	}
	for _, tc := range tests {
		t.Run(tc.in.String(), func(t *testing.T) {
			v, err := tc.in.Value()
			if err != nil {
				t.Fatal(err)
			}
			if !driver.IsValue(v) {
				t.Fatalf("Value() = %T, not a driver.Value", v)
			}
			got, ok := v.(int64)
			if !ok || got != tc.want {
				t.Fatalf("Value() = %#v, want int64(%d)", v, tc.want)
			}
			var back Amount
			if err := back.Scan(v); err != nil || !back.Equal(tc.in) {
				t.Errorf("Scan(Value()) = %v, %v; want %v", back, err, tc.in)
			}
		})
	}
	t.Run("overflow is an error", func(t *testing.T) {
		for _, a := range []Amount{FromPaise(math.MaxInt64).Add(FromPaise(1)), FromPaise(math.MinInt64).Sub(FromPaise(1))} {
			if v, err := a.Value(); err == nil {
				t.Errorf("%s.Value() = %v, want an error (does not fit int64 paise)", a, v)
			}
		}
	})
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		src  any
		want string // "" means error
	}{
		{"int64", int64(144950), "1449.50"},
		{"negative", int64(-1), "-0.01"},
		{"zero", int64(0), "0.00"},
		{"null is zero", nil, "0.00"},
		{"float64", float64(1449.5), ""},
		{"string", "1449.50", ""},
		{"bytes", []byte("144950"), ""},
		{"int", 144950, ""},
		{"bool", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := MustParse("7")
			err := a.Scan(tc.src)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Scan(%T %v) accepted as %v", tc.src, tc.src, a)
				}
				if !strings.Contains(err.Error(), "paise") {
					t.Errorf("Scan error %q does not mention paise", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.String() != tc.want {
				t.Errorf("Scan(%v) = %s, want %s", tc.src, a, tc.want)
			}
		})
	}
}
