// Package invoice numbers GST documents. CGST Rule 46(b) asks for a
// consecutive serial of at most 16 characters (letters, digits, '-' and
// '/'), unique within a financial year, in one or more series. Each mall
// counter has its own series, so counters never coordinate, and the
// sequence restarts every 1 April (India Standard Time).
package invoice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxLen is the legal maximum length of a document number.
const MaxLen = 16

// IST is India Standard Time (UTC+05:30, no daylight saving), fixed so the
// binary needs no tzdata.
var IST = time.FixedZone("IST", 5*3600+30*60)

var (
	seriesRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,4}$`)
	numberRE = regexp.MustCompile(`^[A-Z0-9/-]{1,16}$`)
)

// MinFY and MaxFY bound the years a number can carry: the year code keeps
// two digits of each calendar year, read back as 20xx.
const (
	MinFY FY = 2000
	MaxFY FY = 2099
)

// FY is a financial year by its starting calendar year: FY 2025 runs from
// 1 April 2025 to 31 March 2026.
type FY int

// FinancialYear is the financial year containing t, judged in IST.
func FinancialYear(t time.Time) FY {
	t = t.In(IST)
	if t.Month() < time.April {
		return FY(t.Year() - 1)
	}
	return FY(t.Year())
}

// Code is the four-digit form used in numbers: FY 2025 → "2526".
func (fy FY) Code() string {
	return fmt.Sprintf("%02d%02d", int(fy)%100, (int(fy)+1)%100)
}

// Start is 1 April 00:00 IST of the year.
func (fy FY) Start() time.Time { return time.Date(int(fy), time.April, 1, 0, 0, 0, 0, IST) }

// ValidSeries checks a series code: 1 to 5 of A-Z, 0-9 and '-', e.g. "C01"
// for counter 1's invoices or "CNC01" for its credit notes.
func ValidSeries(series string) error {
	if !seriesRE.MatchString(series) {
		return fmt.Errorf("invalid series %q: want 1-5 characters of A-Z, 0-9 and '-'", series)
	}
	return nil
}

// Format renders series/FY/seq, zero-padding seq so that every number of
// a series has the same width and the whole is exactly 16 characters:
// "C01/2526/0001234". It fails when seq no longer fits.
func Format(series string, fy FY, seq int64) (string, error) {
	if err := ValidSeries(series); err != nil {
		return "", err
	}
	if fy < MinFY || fy > MaxFY {
		return "", fmt.Errorf("financial year %d is outside %d-%d, which a two-digit year code can name", int(fy), int(MinFY), int(MaxFY))
	}
	if seq < 1 {
		return "", fmt.Errorf("invoice sequence must start at 1, got %d", seq)
	}
	prefix := series + "/" + fy.Code() + "/"
	width := MaxLen - len(prefix)
	s := strconv.FormatInt(seq, 10)
	if len(s) > width {
		return "", fmt.Errorf("series %s is exhausted for FY %s: %d needs more than %d digits", series, fy.Code(), seq, width)
	}
	return prefix + strings.Repeat("0", width-len(s)) + s, nil
}

// Valid checks any document number against Rule 46(b).
func Valid(number string) error {
	if !numberRE.MatchString(number) {
		return fmt.Errorf("invalid document number %q: at most 16 of A-Z, 0-9, '/' and '-'", number)
	}
	return nil
}

// Parse splits a number made by Format back into its parts. It accepts
// only the exact text Format makes for those parts, so every document
// number has one reading: no unpadded or signed sequence, no sequence 0,
// and a year code whose halves are consecutive years ("2526", not "2599").
func Parse(number string) (series string, fy FY, seq int64, err error) {
	bad := func() (string, FY, int64, error) {
		return "", 0, 0, fmt.Errorf("invalid document number %q: want SERIES/YYYY/NNN as made by Format, e.g. \"C01/2526/0001234\"", number)
	}
	parts := strings.Split(number, "/")
	if len(parts) != 3 || len(parts[1]) != 4 || Valid(number) != nil {
		return bad()
	}
	y, err1 := strconv.Atoi(parts[1][:2])
	n, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || ValidSeries(parts[0]) != nil {
		return bad()
	}
	series, fy, seq = parts[0], FY(2000+y), n
	if f, err := Format(series, fy, seq); err != nil || f != number {
		return bad()
	}
	return series, fy, seq, nil
}
