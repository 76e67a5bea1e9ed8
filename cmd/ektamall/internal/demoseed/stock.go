package demoseed

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ektamall/inventory"
)

// stockUp opens the mall's zones two days before the history starts:
// first consignments into every zone, reorder points on the major zones'
// products, and the shelves filled the next morning.
func (s *mallSeeder) stockUp(ctx context.Context) error {
	if err := s.chooseItems(ctx); err != nil {
		return err
	}
	s.weigh()
	start := s.plan.days[0].date
	want := map[string]int64{}
	for _, it := range s.items {
		want[it.p.SKU] = it.initial
	}
	if err := s.receive(ctx, start.AddDate(0, 0, -2).Add(11*time.Hour), want, "first consignment"); err != nil {
		return err
	}
	s.clock.Set(start.AddDate(0, 0, -2).Add(17 * time.Hour))
	for _, it := range s.items {
		if it.rp == 0 {
			continue
		}
		if _, err := s.inv.SetReorderPoint(ctx, s.invActor(it.p.State), it.p.State, it.p.SKU, it.rp); err != nil {
			return fmt.Errorf("reorder point %s: %w", it.p.SKU, err)
		}
	}
	return s.restock(ctx, start.AddDate(0, 0, -1).Add(9*time.Hour), s.zones(), true)
}

// weigh makes the cumulative sale weights that pick a sale's products.
func (s *mallSeeder) weigh() {
	s.cum = make([]float64, len(s.items))
	total := 0.0
	for i, it := range s.items {
		total += it.weight
		s.cum[i] = total
	}
}

// zones are the zones the mall stocks, sorted.
func (s *mallSeeder) zones() []string {
	var zs []string
	for _, it := range s.items {
		if !slices.Contains(zs, it.p.State) {
			zs = append(zs, it.p.State)
		}
	}
	slices.Sort(zs)
	return zs
}

// receive records consignments of the quantities in want (SKU → units),
// one goods received note per producer, as each zone's manager would.
func (s *mallSeeder) receive(ctx context.Context, at time.Time, want map[string]int64, note string) error {
	type consignment struct {
		zone  string
		lines []inventory.Line
	}
	byProducer := map[string]*consignment{}
	var order []string
	for _, it := range s.items { // items are in SKU order: a stable order of notes
		q := want[it.p.SKU]
		if q <= 0 {
			continue
		}
		c := byProducer[it.p.ProducerID]
		if c == nil {
			c = &consignment{zone: it.p.State}
			byProducer[it.p.ProducerID] = c
			order = append(order, it.p.ProducerID)
		}
		c.lines = append(c.lines, inventory.Line{SKU: it.p.SKU, Qty: q})
	}
	for i, pr := range order {
		c := byProducer[pr]
		s.clock.Set(at.Add(time.Duration(i) * 20 * time.Second))
		in := inventory.ReceiptInput{ProducerID: pr, ProducerRef: fmt.Sprintf("DC/%s/%03d", at.Format("0601"), i+1), Note: note, Lines: c.lines}
		if _, err := s.inv.Receive(ctx, s.invActor(c.zone), c.zone, in); err != nil {
			return fmt.Errorf("receive from %s: %w", pr, err)
		}
		for _, l := range c.lines {
			s.bySKU[l.SKU].avail += l.Qty
		}
	}
	return nil
}

// restock fills the shelves of zones from their backrooms up to each
// product's shelf target, one movement per zone: the products down to
// half their target, or with full every product below it.
func (s *mallSeeder) restock(ctx context.Context, at time.Time, zones []string, full bool) error {
	for i, zone := range zones {
		a := s.invActor(zone)
		rows, err := s.inv.Stock(ctx, a, zone)
		if err != nil {
			return err
		}
		var lines []inventory.Line
		for _, r := range rows {
			it := s.bySKU[r.SKU]
			if it == nil {
				continue
			}
			target := shelfTarget(rupees(it.p))
			if !full && r.Shelf*2 > target {
				continue
			}
			if n := min(target-r.Shelf, r.Backroom); n > 0 {
				lines = append(lines, inventory.Line{SKU: r.SKU, Qty: n})
			}
		}
		if len(lines) == 0 {
			continue
		}
		s.clock.Set(at.Add(time.Duration(i) * time.Minute))
		if _, err := s.inv.Restock(ctx, a, zone, inventory.RestockInput{Lines: lines, Note: "morning restock"}); err != nil {
			return fmt.Errorf("restock %s: %w", zone, err)
		}
	}
	return nil
}

// topUp reorders what is running out in the major zones: on Mondays
// their producers send enough to bring each product back to its first
// consignment, except the slow producers in the last fortnight. The
// other zones sell what they got.
func (s *mallSeeder) topUp(ctx context.Context, d int) error {
	late := len(s.plan.days)-d <= 14
	want := map[string]int64{}
	for _, it := range s.items {
		low := it.avail*3 <= it.initial || it.avail <= it.rp*2
		if s.major(it.p.State) && low && !(it.slow && late) {
			want[it.p.SKU] = it.initial - it.avail
		}
	}
	return s.receive(ctx, s.plan.days[d].date.Add(9*time.Hour), want, "weekly top-up")
}

// countZone is a cycle count of a few of the home zone's products by its
// manager: two units are missing from one shelf and one turns up in a
// backroom; the variance is posted as adjustments.
func (s *mallSeeder) countZone(ctx context.Context, d int) error {
	zone := s.state
	var skus []string
	for _, it := range s.items {
		if it.p.State == zone && len(skus) < 6 && !it.slow {
			skus = append(skus, it.p.SKU)
		}
	}
	a := s.invActor(zone)
	s.clock.Set(s.plan.days[d].date.Add(9*time.Hour + 20*time.Minute))
	c, err := s.inv.CreateCount(ctx, a, zone, inventory.CountInput{SKUs: skus})
	if err != nil {
		return fmt.Errorf("count: %w", err)
	}
	var entries []inventory.CountEntry
	missing, found := false, false
	for _, l := range c.Lines {
		if l.Expected == nil {
			return fmt.Errorf("count %s hides its expected quantities", c.ID)
		}
		book := *l.Expected
		n := book
		switch {
		case !missing && l.Location == inventory.Shelf && n >= 2:
			n, missing = n-2, true
		case !found && l.Location == inventory.Backroom:
			n, found = n+1, true
		}
		s.bySKU[l.SKU].avail += n - book
		entries = append(entries, inventory.CountEntry{SKU: l.SKU, Location: l.Location, Counted: n})
	}
	s.clock.Set(s.plan.days[d].date.Add(9*time.Hour + 45*time.Minute))
	if _, err := s.inv.SubmitCount(ctx, a, c.ID, entries); err != nil {
		return fmt.Errorf("count: %w", err)
	}
	if _, err := s.inv.PostCount(ctx, a, c.ID); err != nil {
		return fmt.Errorf("count: %w", err)
	}
	return nil
}
