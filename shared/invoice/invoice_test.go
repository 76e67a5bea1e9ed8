package invoice

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestFinancialYear(t *testing.T) {
	tests := []struct {
		at   string
		want FY
	}{
		// 18:29:59Z is 23:59:59 IST on 31 March: still FY 2025.
		{"2026-03-31T18:29:59Z", 2025},
		{"2026-03-31T18:29:59.999999999Z", 2025},
		// 18:30Z is 00:00 IST on 1 April: FY 2026 has begun, though it is
		// still 31 March in UTC.
		{"2026-03-31T18:30:00Z", 2026},
		{"2026-03-31T23:59:59Z", 2026},
		{"2025-04-01T00:00:00+05:30", 2025},
		{"2025-03-31T23:59:59+05:30", 2024},
		// A New York clock reads 31 March afternoon when India is in April.
		{"2026-03-31T14:30:00-04:00", 2026},
		{"2026-03-31T14:29:59-04:00", 2025},
		// Calendar new year is mid financial year.
		{"2025-12-31T18:29:59Z", 2025},
		{"2025-12-31T18:30:00Z", 2025},
		{"2026-01-01T00:00:00+05:30", 2025},
		{"2025-06-15T12:00:00Z", 2025},
		{"2000-04-01T00:00:00+05:30", 2000},
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			if got := FinancialYear(mustTime(t, tc.at)); got != tc.want {
				t.Errorf("FinancialYear(%s) = %d, want %d", tc.at, got, tc.want)
			}
		})
	}
}

func TestFYStartAndCode(t *testing.T) {
	tests := []struct {
		fy    FY
		code  string
		start string // in UTC
	}{
		{2025, "2526", "2025-03-31T18:30:00Z"},
		{2026, "2627", "2026-03-31T18:30:00Z"},
		{2009, "0910", "2009-03-31T18:30:00Z"},
		{2000, "0001", "2000-03-31T18:30:00Z"},
		{2099, "9900", "2099-03-31T18:30:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			if got := tc.fy.Code(); got != tc.code {
				t.Errorf("FY(%d).Code() = %q, want %q", tc.fy, got, tc.code)
			}
			start := tc.fy.Start()
			if !start.Equal(mustTime(t, tc.start)) {
				t.Errorf("FY(%d).Start() = %s, want %s", tc.fy, start.UTC().Format(time.RFC3339), tc.start)
			}
			if got := FinancialYear(start); got != tc.fy {
				t.Errorf("FinancialYear(Start) = %d, want %d", got, tc.fy)
			}
			if got := FinancialYear(start.Add(-time.Nanosecond)); got != tc.fy-1 {
				t.Errorf("FinancialYear(Start − 1ns) = %d, want %d", got, tc.fy-1)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		series string
		fy     FY
		seq    int64
		want   string // "" means an error
		errSub string
	}{
		{series: "C01", fy: 2025, seq: 1234, want: "C01/2526/0001234"},
		{series: "C01", fy: 2025, seq: 1, want: "C01/2526/0000001"},
		{series: "C01", fy: 2025, seq: 9_999_999, want: "C01/2526/9999999"},
		{series: "C01", fy: 2025, seq: 10_000_000, errSub: "exhausted"},
		{series: "CNC01", fy: 2026, seq: 1, want: "CNC01/2627/00001"},
		{series: "CNC01", fy: 2026, seq: 99_999, want: "CNC01/2627/99999"},
		{series: "CNC01", fy: 2026, seq: 100_000, errSub: "exhausted"},
		{series: "A", fy: 2025, seq: 12_345_678, want: "A/2526/012345678"},
		{series: "A", fy: 2025, seq: 999_999_999, want: "A/2526/999999999"},
		{series: "A", fy: 2025, seq: 1_000_000_000, errSub: "exhausted"},
		{series: "C-1", fy: 2099, seq: 7, want: "C-1/9900/0000007"},
		{series: "C01", fy: 2025, seq: 1 << 62, errSub: "exhausted"},
		{series: "C01", fy: 2025, seq: 0, errSub: "start at 1"},
		{series: "C01", fy: 2025, seq: -1, errSub: "start at 1"},
		{series: "c01", fy: 2025, seq: 1, errSub: "invalid series"},
		{series: "", fy: 2025, seq: 1, errSub: "invalid series"},
		{series: "C/01", fy: 2025, seq: 1, errSub: "invalid series"},
		{series: "CNC001", fy: 2025, seq: 1, errSub: "invalid series"},
		{series: "C01", fy: 1999, seq: 1, errSub: "financial year"},
		{series: "C01", fy: 2100, seq: 1, errSub: "financial year"},
		{series: "C01", fy: -5, seq: 1, errSub: "financial year"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d/%d", tc.series, tc.fy, tc.seq), func(t *testing.T) {
			got, err := Format(tc.series, tc.fy, tc.seq)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("Format(%q, %d, %d) = %q, want error", tc.series, tc.fy, tc.seq, got)
				}
				if !strings.Contains(err.Error(), tc.errSub) {
					t.Errorf("Format error %q does not say %q", err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatalf("Format(%q, %d, %d): %v", tc.series, tc.fy, tc.seq, err)
			}
			if got != tc.want {
				t.Errorf("Format(%q, %d, %d) = %q, want %q", tc.series, tc.fy, tc.seq, got, tc.want)
			}
			if len(got) != MaxLen {
				t.Errorf("Format = %q is %d characters, want %d", got, len(got), MaxLen)
			}
		})
	}
}

// rule46 is CGST Rule 46(b) written out independently of the package.
var rule46 = regexp.MustCompile(`^[A-Z0-9/-]{1,16}$`)

func TestFormatConsecutive(t *testing.T) {
	tests := []struct {
		series string
		fy     FY
		n      int64
	}{
		{"C01", 2025, 100_000},
		{"CNC01", 2025, 99_999}, // the whole of a 5-character series
	}
	for _, tc := range tests {
		t.Run(tc.series, func(t *testing.T) {
			seen := make(map[string]int64, tc.n)
			prev := ""
			for seq := int64(1); seq <= tc.n; seq++ {
				s, err := Format(tc.series, tc.fy, seq)
				if err != nil {
					t.Fatalf("Format(%q, %d, %d): %v", tc.series, tc.fy, seq, err)
				}
				if len(s) != MaxLen || !rule46.MatchString(s) || Valid(s) != nil {
					t.Fatalf("Format(%d) = %q breaks Rule 46(b)", seq, s)
				}
				if other, dup := seen[s]; dup {
					t.Fatalf("Format gave %q for both %d and %d", s, other, seq)
				}
				seen[s] = seq
				if s <= prev {
					t.Fatalf("Format(%d) = %q does not sort after %q", seq, s, prev)
				}
				prev = s
				gs, gfy, gseq, err := Parse(s)
				if err != nil || gs != tc.series || gfy != tc.fy || gseq != seq {
					t.Fatalf("Parse(%q) = %q, %d, %d, %v; want %q, %d, %d", s, gs, gfy, gseq, err, tc.series, tc.fy, seq)
				}
			}
			if s, err := Format(tc.series, tc.fy, tc.n+1); tc.series == "CNC01" && err == nil {
				t.Errorf("Format past the end of the series = %q, want an exhausted error", s)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"C01/2526/1",        // not padded: Format would write 0000001
		"C01/2526/0000000",  // sequences start at 1
		"C01/2526/-000001",  // signed sequence
		"C01/2599/0001234",  // year code halves are not consecutive
		"C01/-126/0000001",  // signed year
		"C01/2526/00001234", // 17 characters
		"C01-2526-0001234",  // no slashes
		"c01/2526/0001234",  // lower case
		"C01/252/00001234",  // three-digit year code
		"C01/25260/0001234", // five-digit year code
		"C01/2526/000123A",  // letter in the sequence
		"/2526/0000001234",  // empty series
		"CNC001/2526/00001", // six-character series
		"C01/2526/0001234/", // trailing slash
		"C01//2526/001234",  // empty field
		"C01/2526/0001234 ", // trailing space
		"C01/2526/０００１２３４",  // full-width digits
		"CNC01/2526/0001",   // a 5-character series pads to 5 digits
		"A/2526/0000001",    // a 1-character series pads to 9 digits
		"A/2526/00000001X",  // letter in the sequence
	} {
		t.Run(in, func(t *testing.T) {
			s, fy, seq, err := Parse(in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, %d, %d; want error", in, s, fy, seq)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
				t.Errorf("Parse error %q does not name the input", err)
			}
		})
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"C01/2526/0001234", true},
		{"INV-1", true},
		{"1", true},
		{"ABCDEFGHIJKLMNOP", true},
		{"ABCDEFGHIJKLMNOPQ", false}, // 17
		{"", false},
		{"inv-1", false},
		{"INV 1", false},
		{"INV_1", false},
		{"INV#1", false},
		{"ÎNV1", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if err := Valid(tc.in); (err == nil) != tc.ok {
				t.Errorf("Valid(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
		})
	}
}

func TestValidSeries(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"C01", true},
		{"CNC01", true},
		{"A", true},
		{"9", true},
		{"C-1", true},
		{"", false},
		{"-C1", false},
		{"c01", false},
		{"CNC001", false},
		{"C/1", false},
		{"C 1", false},
		{"C_1", false},
		{"Ç01", false},
		{" C01", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			err := ValidSeries(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidSeries(%q) = %v, want ok=%v", tc.in, err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.in)) {
				t.Errorf("ValidSeries error %q does not name the input", err)
			}
		})
	}
}
