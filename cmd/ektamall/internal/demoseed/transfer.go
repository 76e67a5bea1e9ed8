package demoseed

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"ektamall/inventory"
	"ektamall/shared/errs"
)

// crossMall runs what happens between malls after day d: the first mall
// sends stock of its home zone to the second (another State: a tax
// invoice with IGST), which receives it two days later with one unit
// short; earlier it sends a little to its neighbour in its own State (a
// delivery challan), received in full the next day. The transfers travel
// through the hub as any transfer does.
func crossMall(ctx context.Context, ms []*mallSeeder, nb *mallSeeder, d int) error {
	if len(ms) < 1 {
		return nil
	}
	from := ms[0]
	if nb != nil {
		switch d {
		case from.plan.challanOut:
			id, err := from.sendTransfer(ctx, d, nb.m.ID, 2, 6, false, "UP32CD5678", 320)
			from.challan = id
			return err
		case from.plan.challanIn:
			return nb.receiveTransfer(ctx, d, from.challan, false)
		}
	}
	if len(ms) < 2 {
		return nil
	}
	to := ms[1]
	switch d {
	case from.plan.transferOut:
		id, err := from.sendTransfer(ctx, d, to.m.ID, 8, 2, true, "UP32AB1234", 1900)
		from.transfer = id
		return err
	case from.plan.transferIn:
		return to.receiveTransfer(ctx, d, from.transfer, true)
	}
	return nil
}

// dearValue is what a dear consignment is worth at least (when the
// backroom holds it): over ₹50,000, so it needs an e-way bill.
const dearValue = 60000_00

// sendTransfer dispatches, after closing, a part (1/div) of up to n
// products of the home zone with the most in the backroom (with dear: by
// value, and only until the consignment is worth dearValue), and returns
// the transfer's id ("" if there was nothing to send). A consignment that
// needs an e-way bill leaves with one: Part B (the vehicle, the distance)
// and then the portal's number.
func (s *mallSeeder) sendTransfer(ctx context.Context, d int, to string, n int, div int64, dear bool, vehicle string, km int) (string, error) {
	zone := s.state
	a := s.invActor(zone)
	rows, err := s.inv.Stock(ctx, a, zone)
	if err != nil {
		return "", err
	}
	worth := func(r inventory.StockRow) int64 {
		if it := s.bySKU[r.SKU]; dear && it != nil {
			return r.Backroom * it.p.MRP.Paise()
		}
		return r.Backroom
	}
	slices.SortStableFunc(rows, func(x, y inventory.StockRow) int { return cmp.Compare(worth(y), worth(x)) })
	var lines []inventory.Line
	var value int64
	for _, r := range rows {
		if len(lines) == n || (dear && value > dearValue) {
			break
		}
		if q := r.Backroom / div; q > 0 {
			lines = append(lines, inventory.Line{SKU: r.SKU, Qty: q})
			s.bySKU[r.SKU].avail -= q
			value += q * s.bySKU[r.SKU].p.MRP.Paise()
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	s.clock.Set(s.plan.days[d].date.Add(21*time.Hour + 40*time.Minute))
	t, err := s.inv.TransferOut(ctx, a, zone, inventory.TransferInput{ToMall: to, Note: "stock for the " + zone + " zone's festival display at " + to, Lines: lines})
	if err != nil {
		return "", fmt.Errorf("transfer to %s: %w", to, err)
	}
	if t.EWayBill != nil { // over the limit: the truck leaves with its e-way bill
		day := s.plan.days[d].date
		valid := day.Add(10 * 24 * time.Hour)
		if _, err := s.inv.SetEWayBill(ctx, a, t.ID, inventory.EWayInput{VehicleNo: vehicle, DistanceKm: km}); err != nil {
			return "", fmt.Errorf("e-way bill Part B: %w", err)
		}
		no := fmt.Sprintf("3310%08d", day.YearDay()*1000+d)
		if _, err := s.inv.SetEWayBill(ctx, a, t.ID, inventory.EWayInput{Number: no, ValidUntil: &valid}); err != nil {
			return "", fmt.Errorf("e-way bill number: %w", err)
		}
	}
	return t.ID, nil
}

// receiveTransfer records, after closing, what arrived: every unit, or
// with short every unit but one of the first line. It waits for the
// transfer to reach this mall.
func (s *mallSeeder) receiveTransfer(ctx context.Context, d int, id string, short bool) error {
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
		if i == 0 && short {
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

// finish waits for the sending mall to hear that its transfers arrived.
func finish(ctx context.Context, ms []*mallSeeder) error {
	if len(ms) < 1 {
		return nil
	}
	s := ms[0]
	for _, id := range []string{s.transfer, s.challan} {
		if id == "" {
			continue
		}
		_, err := waitFor(ctx, "the transfer's receipt at "+s.m.ID, func() (inventory.Transfer, bool, error) {
			t, err := s.inv.GetTransfer(ctx, inventory.Actor{User: s.users[s.m.Admin]}, id)
			return t, err == nil && t.Status == "received", err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
