package gstr

import (
	"fmt"
	"regexp"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/invoice"
)

// Period is a GSTR-1 tax period: a calendar month in India Standard Time.
type Period struct {
	Year  int
	Month time.Month
}

var periodRE = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// ParsePeriod reads "2026-11".
func ParsePeriod(s string) (Period, error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return Period{}, errs.Field("period", "period %q: want a month as YYYY-MM, e.g. 2026-11", s)
	}
	var y, mo int
	fmt.Sscan(m[1], &y)
	fmt.Sscan(m[2], &mo)
	if mo < 1 || mo > 12 || y < 2017 || y > 2099 {
		return Period{}, errs.Field("period", "period %q: no such month (GST began in July 2017)", s)
	}
	return Period{y, time.Month(mo)}, nil
}

// PeriodOf is the period containing t (judged in IST).
func PeriodOf(t time.Time) Period {
	t = t.In(invoice.IST)
	return Period{t.Year(), t.Month()}
}

// String is "2026-11".
func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// FP is the portal's return period, MMYYYY: "112026".
func (p Period) FP() string { return fmt.Sprintf("%02d%04d", int(p.Month), p.Year) }

// Start is the first instant of the month in IST; End the first of the next.
func (p Period) Start() time.Time { return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, invoice.IST) }
func (p Period) End() time.Time   { return p.Start().AddDate(0, 1, 0) }

// Prev and Next are the neighbouring months.
func (p Period) Prev() Period { return PeriodOf(p.Start().AddDate(0, -1, 0)) }
func (p Period) Next() Period { return PeriodOf(p.End()) }

// Before orders periods.
func (p Period) Before(q Period) bool {
	return p.Year < q.Year || (p.Year == q.Year && p.Month < q.Month)
}
