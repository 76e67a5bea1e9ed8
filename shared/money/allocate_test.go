package money

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func amounts(ss ...string) []Amount {
	out := make([]Amount, len(ss))
	for i, s := range ss {
		out[i] = MustParse(s)
	}
	return out
}

func sameAmounts(a, b []Amount) bool {
	return slices.EqualFunc(a, b, Amount.Equal)
}

func TestAllocateExamples(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights []int64
		want    []Amount
	}{
		{"thirds, tie to earliest", "100", []int64{1, 1, 1}, amounts("33.34", "33.33", "33.33")},
		{"negative thirds mirror", "-100", []int64{1, 1, 1}, amounts("-33.34", "-33.33", "-33.33")},
		{"two paise over three", "0.02", []int64{1, 1, 1}, amounts("0.01", "0.01", "0")},
		{"largest remainder wins, not earliest", "1", []int64{1, 2}, amounts("0.33", "0.67")},
		{"zero weight gets nothing", "10", []int64{0, 3, 0, 1}, amounts("0", "7.50", "0", "2.50")},
		{"single weight takes all", "1449.99", []int64{7}, amounts("1449.99")},
		{"zero total", "0", []int64{5, 3}, amounts("0", "0")},
		{"commission 2.5 percent", "1449.00", []int64{25, 975}, amounts("36.23", "1412.77")},
		{"one paisa", "0.01", []int64{1, 1, 1, 1}, amounts("0.01", "0", "0", "0")},
		{"minus one paisa", "-0.01", []int64{1, 1, 1, 1}, amounts("-0.01", "0", "0", "0")},
		{"huge weights do not overflow", "1.01", []int64{math.MaxInt64, math.MaxInt64}, amounts("0.51", "0.50")},
		{"huge and tiny weights", "1000000000000", []int64{math.MaxInt64, 1}, amounts("1000000000000", "0")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Allocate(MustParse(tc.total), tc.weights)
			if err != nil {
				t.Fatal(err)
			}
			if !sameAmounts(got, tc.want) {
				t.Errorf("Allocate(%s, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
			}
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	tests := []struct {
		name    string
		weights []int64
		want    string
	}{
		{"nil", nil, "no weights"},
		{"empty", []int64{}, "no weights"},
		{"all zero", []int64{0, 0, 0}, "sum to zero"},
		{"one zero", []int64{0}, "sum to zero"},
		{"negative", []int64{3, -1, 2}, "negative"},
		{"negative cancelling to positive", []int64{-1, 5}, "negative"},
		{"min int", []int64{math.MinInt64, 1}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Allocate(MustParse("100"), tc.weights)
			if err == nil {
				t.Fatalf("Allocate(100, %v) = %v, want error", tc.weights, got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Allocate(100, %v) error %q does not say %q", tc.weights, err, tc.want)
			}
			if got != nil {
				t.Errorf("Allocate returned parts %v with an error", got)
			}
		})
	}
}

// TestAllocateExtremeTotals covers totals at the edge of int64 paise, where
// negating the total overflows.
func TestAllocateExtremeTotals(t *testing.T) {
	for _, p := range []int64{math.MinInt64, math.MinInt64 + 1, math.MaxInt64} {
		total := FromPaise(p)
		parts, err := Allocate(total, []int64{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		if !Sum(parts...).Equal(total) {
			t.Errorf("Allocate(%s) parts %v sum to %s", total, parts, Sum(parts...))
		}
		for i, w := range []int64{1, 2, 3} {
			if msg := shareErr(p, w, 6, parts[i]); msg != "" {
				t.Error(msg)
			}
		}
	}
}

// TestAllocateBeyondInt64Paise: arithmetic can make an Amount whose paise
// do not fit int64; Allocate must still split it exactly, not wrap around.
func TestAllocateBeyondInt64Paise(t *testing.T) {
	// 4×MaxInt64+1 = 36893488147419103229 paise: halves of …614.5 paise,
	// the tie going to the first part.
	total := FromPaise(math.MaxInt64).MulInt(4).Add(FromPaise(1))
	tests := []struct {
		total Amount
		want  []string
	}{
		{total, []string{"184467440737095516.15", "184467440737095516.14"}},
		{total.Neg(), []string{"-184467440737095516.15", "-184467440737095516.14"}},
	}
	for _, tc := range tests {
		parts, err := Allocate(tc.total, []int64{1, 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 2 || parts[0].String() != tc.want[0] || parts[1].String() != tc.want[1] {
			t.Errorf("Allocate(%s, [1 1]) = %v, want %v", tc.total, parts, tc.want)
		}
	}
}

// shareErr reports unless part is within one paisa of the exact share
// totalPaise×w/sum, in the way largest-remainder allocation guarantees:
// |part| is floor(|share|) or one paisa more, with the sign of the total.
// It uses 128-bit integer arithmetic, independent of the code under test.
func shareErr(totalPaise, w, sum int64, part Amount) string {
	abs := uint64(totalPaise)
	if totalPaise < 0 {
		abs = -abs
	}
	hi, lo := bits.Mul64(abs, uint64(w))
	floor, _ := bits.Div64(hi, lo, uint64(sum)) // |share| <= |total|, so it fits
	got := part.Paise()
	if !FromPaise(got).Equal(part) {
		return fmt.Sprintf("part %s is not whole paise", part)
	}
	if (totalPaise < 0 && got > 0) || (totalPaise >= 0 && got < 0) {
		return fmt.Sprintf("part %s has the wrong sign for total %d paise", part, totalPaise)
	}
	ga := uint64(got)
	if got < 0 {
		ga = -ga
	}
	if ga != floor && ga != floor+1 {
		return fmt.Sprintf("part %s for weight %d/%d of %d paise: want |part| of %d or %d paise", part, w, sum, totalPaise, floor, floor+1)
	}
	return ""
}

func TestAllocateProperties(t *testing.T) {
	seed := uint64(1449)
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	const limit = MaxRupees * 100
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	for i := range n {
		// Totals: mostly small everyday amounts, some up to the system bound.
		var p int64
		switch i % 3 {
		case 0:
			p = r.Int64N(20_001) - 10_000
		case 1:
			p = r.Int64N(20_000_001) - 10_000_000
		default:
			p = r.Int64N(2*limit+1) - limit
		}
		weights := make([]int64, 1+r.IntN(20))
		var sum int64
		for j := range weights {
			switch r.IntN(4) {
			case 0:
				weights[j] = 0
			case 1:
				weights[j] = 1 + r.Int64N(10)
			case 2:
				weights[j] = 1 + r.Int64N(10_000)
			default:
				weights[j] = 1 + r.Int64N(1<<40)
			}
			sum += weights[j]
		}
		total := FromPaise(p)
		parts, err := Allocate(total, weights)
		if sum == 0 {
			if err == nil {
				t.Fatalf("Allocate(%s, %v) with all-zero weights gave %v, want error", total, weights, parts)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Allocate(%s, %v): %v", total, weights, err)
		}
		if len(parts) != len(weights) {
			t.Fatalf("Allocate(%s, %v) gave %d parts", total, weights, len(parts))
		}
		if s := Sum(parts...); !s.Equal(total) {
			t.Fatalf("Allocate(%s, %v) = %v sums to %s", total, weights, parts, s)
		}
		for j, w := range weights {
			if msg := shareErr(p, w, sum, parts[j]); msg != "" {
				t.Fatalf("Allocate(%s, %v): %s", total, weights, msg)
			}
			if w == 0 && !parts[j].IsZero() {
				t.Fatalf("Allocate(%s, %v): zero weight got %s", total, weights, parts[j])
			}
		}
		again, _ := Allocate(total, weights)
		if !sameAmounts(parts, again) {
			t.Fatalf("Allocate(%s, %v) not deterministic: %v then %v", total, weights, parts, again)
		}
		mirror, err := Allocate(total.Neg(), weights)
		if err != nil {
			t.Fatal(err)
		}
		for j := range parts {
			if !mirror[j].Equal(parts[j].Neg()) {
				t.Fatalf("Allocate(%s, %v)[%d] = %s, but Allocate(%s)[%d] = %s; want mirror", total.Neg(), weights, j, mirror[j], total, j, parts[j])
			}
		}
	}
}

func TestAllocateDoesNotTouchWeights(t *testing.T) {
	w := []int64{3, 0, 7}
	if _, err := Allocate(MustParse("10"), w); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w, []int64{3, 0, 7}) {
		t.Errorf("weights changed to %v", w)
	}
}
