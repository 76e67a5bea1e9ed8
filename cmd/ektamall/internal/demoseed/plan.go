package demoseed

import (
	"math/rand/v2"
	"time"
)

// plan is the calendar of the history: its days, the weekly settlement
// cutoffs and the days the one-off events happen.
type plan struct {
	seed        uint64
	salesPerDay int
	today       time.Time // midnight IST of the day the demo starts
	days        []day     // oldest first
	// cutoffs are the seeded settlement runs' cutoffs, ascending, each at
	// 06:00 IST before the malls open, keyed by the index of the day
	// that starts after it.
	cutoffs map[int]time.Time
	last    time.Time // the latest cutoff
	// The one-off events, by day index.
	transferOut, transferIn, count int
	challanOut, challanIn          int         // the transfer within UP
	voids                          map[int]int // mall index → day index
}

// day is one business day of history.
type day struct {
	date    time.Time // midnight IST
	close   time.Time // 22:00 IST: the hub books the day's events then
	weekend bool
	monday  bool
}

func newPlan(o Options) *plan {
	now := o.Now.In(IST)
	p := &plan{seed: o.Seed, salesPerDay: o.SalesPerDay, today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, IST), cutoffs: map[int]time.Time{}}
	for ago := o.Days; ago >= 1; ago-- {
		d := p.today.AddDate(0, 0, -ago)
		wd := d.Weekday()
		p.days = append(p.days, day{date: d, close: d.Add(22 * time.Hour), weekend: wd == time.Saturday || wd == time.Sunday, monday: wd == time.Monday})
	}
	// Weekly runs, the latest a week before today: each pays the lines
	// sold more than the return window (a week) before it, so the first
	// run finance makes today pays the week after the latest seeded one.
	for k := (o.Days - 8) / 7; k >= 1; k-- {
		i := o.Days - 7*k // index of the day today - 7k
		p.cutoffs[i] = p.days[i].date.Add(6 * time.Hour)
		p.last = p.cutoffs[i]
	}
	n := len(p.days)
	p.transferOut = n / 2
	p.transferIn = min(p.transferOut+2, n-1)
	p.challanOut = n / 3
	p.challanIn = p.challanOut + 1
	p.count = n - max(n/4, 1)
	p.voids = map[int]int{0: n * 2 / 5, 1: n * 3 / 4}
	return p
}

// cutoffBefore is the cutoff of a run due before day d opens.
func (p *plan) cutoffBefore(d int) (time.Time, bool) {
	c, ok := p.cutoffs[d]
	return c, ok
}

// failsOne says whether the run at cut has the payout the bank returns
// unpaid: the run before the latest, so the latest pays it again (or the
// only run, so finance's first run does).
func (p *plan) failsOne(cut time.Time) bool {
	if len(p.cutoffs) == 1 {
		return true
	}
	return cut.Equal(p.last.AddDate(0, 0, -7))
}

// rng is the random source of one mall's day: the same seed gives the same
// day whatever else ran before it.
func (p *plan) rng(mall, d int) *rand.Rand {
	return rand.New(rand.NewPCG(p.seed, uint64(mall)<<32|uint64(d)))
}
