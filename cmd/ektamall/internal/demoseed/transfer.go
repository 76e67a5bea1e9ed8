package demoseed

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ektamall/inventory"
	"ektamall/shared/errs"
)

// crossMall runs what happens between malls after day d: the first mall
// sends stock of its home zone to the second, which receives it two days
// later with one unit short. The transfer travels through the hub as any
// transfer does.
func crossMall(ctx context.Context, ms []*mallSeeder, d int) error {
	if len(ms) < 2 {
		return nil
	}
	from, to := ms[0], ms[1]
	switch d {
	case from.plan.transferOut:
		return from.sendTransfer(ctx, d, to.m.ID)
	case from.plan.transferIn:
		return to.receiveTransfer(ctx, d, from.transfer)
	}
	return nil
}

// sendTransfer dispatches, after closing, the three products of the home
// zone with the most in the backroom.
func (s *mallSeeder) sendTransfer(ctx context.Context, d int, to string) error {
	zone := s.state
	a := s.invActor(zone)
	rows, err := s.inv.Stock(ctx, a, zone)
	if err != nil {
		return err
	}
	slices.SortStableFunc(rows, func(x, y inventory.StockRow) int { return int(y.Backroom - x.Backroom) })
	var lines []inventory.Line
	for _, r := range rows[:min(3, len(rows))] {
		if q := r.Backroom / 3; q > 0 {
			lines = append(lines, inventory.Line{SKU: r.SKU, Qty: q})
			s.bySKU[r.SKU].avail -= q
		}
	}
	if len(lines) == 0 {
		return nil
	}
	s.clock.Set(s.plan.days[d].date.Add(21*time.Hour + 40*time.Minute))
	t, err := s.inv.TransferOut(ctx, a, zone, inventory.TransferInput{ToMall: to, Note: "stock for the " + zone + " zone's festival display", Lines: lines})
	if err != nil {
		return fmt.Errorf("transfer to %s: %w", to, err)
	}
	if t.EWayBill != nil { // over ₹50,000: the truck leaves with its e-way bill
		day := s.plan.days[d].date
		valid := day.Add(10 * 24 * time.Hour)
		if _, err := s.inv.SetEWayBill(ctx, a, t.ID, inventory.EWayInput{VehicleNo: "UP32AB1234", DistanceKm: 1900}); err != nil {
			return fmt.Errorf("e-way bill Part B: %w", err)
		}
		no := fmt.Sprintf("3310%08d", day.YearDay()*1000+d)
		if _, err := s.inv.SetEWayBill(ctx, a, t.ID, inventory.EWayInput{Number: no, ValidUntil: &valid}); err != nil {
			return fmt.Errorf("e-way bill number: %w", err)
		}
	}
	s.transfer = t.ID
	return nil
}

// receiveTransfer records, after closing, what arrived: every unit but
// one of the first line. It waits for the transfer to reach this mall.
func (s *mallSeeder) receiveTransfer(ctx context.Context, d int, id string) error {
	if id == "" {
		return nil
	}
	t, err := waitFor(ctx, "the transfer at "+s.m.ID, func() (inventory.Transfer, bool, error) {
		t, err := s.inv.GetTransfer(ctx, inventory.Actor{User: s.users[s.m.Admin]}, id)
		if errs.CodeOf(err) == errs.NotFound {
			return t, false, nil
		}
		return t, err == nil, err
	})
	if err != nil {
		return err
	}
	a := s.invActor(t.Zone)
	var lines []inventory.Line
	for i, l := range t.Lines {
		q := l.Sent
		if i == 0 {
			q-- // one unit lost on the way
		}
		lines = append(lines, inventory.Line{SKU: l.SKU, Qty: q})
		if it := s.bySKU[l.SKU]; it != nil {
			it.avail += q
		}
	}
	s.clock.Set(s.plan.days[d].date.Add(21*time.Hour + 50*time.Minute))
	if _, err := s.inv.ReceiveTransfer(ctx, a, id, lines); err != nil {
		return fmt.Errorf("receive transfer: %w", err)
	}
	s.transfer = id
	return nil
}

// finish waits for the sending mall to hear that its transfer arrived.
func finish(ctx context.Context, ms []*mallSeeder) error {
	if len(ms) < 2 || ms[0].transfer == "" {
		return nil
	}
	s := ms[0]
	_, err := waitFor(ctx, "the transfer's receipt at "+s.m.ID, func() (inventory.Transfer, bool, error) {
		t, err := s.inv.GetTransfer(ctx, inventory.Actor{User: s.users[s.m.Admin]}, s.transfer)
		return t, err == nil && t.Status == "received", err
	})
	return err
}
