package producer

import (
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/invoice"
)

func tooLong(n int) error {
	return errs.E(errs.Invalid, "the period has more than %d entries; choose a shorter one", n)
}

// IST is India Standard Time, in which statements name their days.
var IST = invoice.IST

// MaxPeriod bounds a period asked for.
const MaxPeriod = 366 * 24 * time.Hour

// Period checks [from, to): from before to, at most MaxPeriod long.
func Period(from, to time.Time) error {
	if !from.Before(to) {
		return errs.Field("from", "from must be before to")
	}
	if to.Sub(from) > MaxPeriod {
		return errs.Field("from", "a period may be at most 366 days")
	}
	return nil
}
