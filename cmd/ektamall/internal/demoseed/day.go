package demoseed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"ektamall/pos"
	"ektamall/shared/money"
)

// batchSize is how many sales share one transaction: a shift's sales are
// written in a few commits instead of one each.
const batchSize = 150

// slot is a shift: the counters open from start to end and who works them.
type slot struct {
	start, end time.Time
	counters   []string
	cashiers   []string
}

// runDay is one business day of the mall: the morning's stock work, then
// two shifts of trading.
func (s *mallSeeder) runDay(ctx context.Context, d int) error {
	r := s.plan.rng(s.idx, d)
	dy := s.plan.days[d]
	if dy.monday && d > 0 {
		if err := s.topUp(ctx, d); err != nil {
			return err
		}
	}
	if d == s.plan.count && s.idx == 0 {
		if err := s.countZone(ctx, d); err != nil {
			return err
		}
	}
	// The major zones restock every other morning, the rest on Mondays;
	// on the last day every shelf is filled for the demo.
	last := d == len(s.plan.days)-1
	var zones []string
	for _, z := range s.zones() {
		if (s.major(z) && d%2 == 0) || dy.monday || last {
			zones = append(zones, z)
		}
	}
	if err := s.restock(ctx, dy.date.Add(9*time.Hour+30*time.Minute), zones, last); err != nil {
		return err
	}
	n := float64(s.plan.salesPerDay) * (1 - 0.15*float64(s.idx)) * (0.85 + 0.3*r.Float64())
	if dy.weekend {
		n *= 1.5
	}
	slots := s.slots(dy)
	morning := int(n * 0.45)
	for i, sl := range slots {
		count := morning
		if i == 1 {
			count = int(n) - morning
		}
		void := s.plan.voids[s.idx] == d && i == 0
		if err := s.runSlot(ctx, r, d, sl, count, void); err != nil {
			return err
		}
	}
	// Customers bring goods back within ten days.
	s.sold = slices.DeleteFunc(s.sold, func(x soldSale) bool { return x.day < d-10 })
	return nil
}

// slots are the day's two shifts: on weekdays one counter each (C01 in
// the morning, C02 in the evening); at weekends both counters in both,
// the mall admin on C01 in the evening.
func (s *mallSeeder) slots(dy day) []slot {
	c0, c1 := s.m.Cashiers[0], s.m.Cashiers[1]
	am := slot{start: dy.date.Add(10 * time.Hour), end: dy.date.Add(15*time.Hour + 30*time.Minute), counters: []string{"C01"}, cashiers: []string{c0}}
	pm := slot{start: am.end, end: dy.date.Add(21*time.Hour + 30*time.Minute), counters: []string{"C02"}, cashiers: []string{c1}}
	if dy.weekend {
		am.counters, am.cashiers = append(am.counters, "C02"), append(am.cashiers, c1)
		pm.counters, pm.cashiers = append(pm.counters, "C01"), append(pm.cashiers, s.m.Admin)
	}
	return []slot{am, pm}
}

// runSlot opens the shift's counters, rings its sales in batches, takes
// a few returns (and on the void day cancels one invoice), and closes the
// counters with their cash counted.
func (s *mallSeeder) runSlot(ctx context.Context, r *rand.Rand, d int, sl slot, n int, void bool) error {
	shifts := make([]pos.Shift, len(sl.counters))
	for i, c := range sl.counters {
		s.clock.Set(sl.start.Add(time.Duration(i) * time.Minute))
		sh, err := s.pos.OpenShift(ctx, s.posActor(sl.cashiers[i]), c, money.MustParse("2000.00"))
		if err != nil {
			return fmt.Errorf("open %s: %w", c, err)
		}
		shifts[i] = sh
	}
	span := sl.end.Sub(sl.start) - 20*time.Minute
	times := make([]time.Time, n)
	for i := range times {
		times[i] = sl.start.Add(10*time.Minute + time.Duration(r.Int64N(int64(span))))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	returns := 0
	for i := 0; i < n; i++ {
		if r.IntN(1000) < 15 {
			returns++
		}
	}
	for start := 0; start < n; start += batchSize {
		var batch []pos.BatchSale
		for _, at := range times[start:min(start+batchSize, n)] {
			k := r.IntN(len(shifts))
			req, ok := s.saleRequest(r, shifts[k].ID)
			if !ok {
				continue
			}
			s.sales++
			key := fmt.Sprintf("demo:%s:%s:%06d", s.m.ID, at.In(IST).Format("20060102"), s.sales)
			batch = append(batch, pos.BatchSale{Actor: s.posActor(sl.cashiers[k]), Key: key, Req: req, At: at})
		}
		if len(batch) == 0 {
			continue
		}
		sales, err := s.pos.CheckoutBatch(ctx, batch)
		if err != nil {
			return err
		}
		for _, sale := range sales {
			s.sold = append(s.sold, soldSale{id: sale.ID, day: d, lines: sale.Lines, b2b: sale.B2B})
		}
		if start > 0 {
			continue
		}
		last := sales[len(sales)-1]
		if void {
			if err := s.voidSale(ctx, last); err != nil {
				return err
			}
		}
		for i := 0; i < returns; i++ {
			k := r.IntN(len(shifts))
			at := last.At.Add(time.Duration(i+1) * 9 * time.Minute)
			if err := s.takeReturn(ctx, r, d, at, sl.cashiers[k], shifts[k].ID); err != nil {
				return err
			}
		}
	}
	for i := range shifts {
		if err := s.closeShift(ctx, r, sl.end.Add(time.Duration(i)*time.Minute), sl.cashiers[i], shifts[i].ID); err != nil {
			return err
		}
	}
	return nil
}

// closeShift counts the drawer: usually right, sometimes a little short
// or over.
func (s *mallSeeder) closeShift(ctx context.Context, r *rand.Rand, at time.Time, cashier, id string) error {
	s.clock.Set(at)
	a := s.posActor(cashier)
	x, err := s.pos.XReport(ctx, a, id)
	if err != nil {
		return err
	}
	counted := x.ExpectedCash
	switch r.IntN(12) {
	case 0:
		counted = counted.Sub(money.MustParse("20.00"))
	case 1:
		counted = counted.Add(money.MustParse("10.00"))
	}
	if counted.IsNegative() {
		counted = money.Zero
	}
	_, err = s.pos.CloseShift(ctx, a, id, counted, nil)
	return err
}
