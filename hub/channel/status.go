package channel

import (
	"context"
	"fmt"
	"strings"

	"ektamall/hub"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// Books wraps the hub's books for ingest: a channel.status event a mall
// sent moves its order's lines (in the ingest transaction, so a step is
// applied exactly once and in the mall's order); every event then goes on
// to next, the ledger.
func (s *Service) Books(next hub.OpenBooks) hub.OpenBooks {
	return func(tx sqldb.Tx) hub.Books { return books{s: s, tx: tx, next: next(tx)} }
}

type books struct {
	s    *Service
	tx   sqldb.Tx
	next hub.Books
}

func (b books) Book(ctx context.Context, ev events.Event) error {
	if p, ok := ev.Payload.(*events.ChannelUpdate); ok {
		if err := b.s.applyUpdate(ctx, b.tx, ev.Mall, *p); err != nil {
			return fmt.Errorf("channel order %s/%s: %w", p.Channel, p.OrderID, err)
		}
	}
	return b.next.Book(ctx, ev)
}

func (b books) Done(ctx context.Context) error { return b.next.Done(ctx) }

// applyUpdate records what a mall did with its parts of an order. A part
// the hub cancelled stays cancelled unless the mall had already handed it
// over (the mall is the truth about goods that left); a rejected part is
// re-allocated to the other malls or cancelled, with the mall's reason.
func (s *Service) applyUpdate(ctx context.Context, tx sqldb.Tx, mall string, u events.ChannelUpdate) error {
	parts, err := loadParts(ctx, tx, u.Channel, u.OrderID)
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return errs.E(errs.NotFound, "the hub has no order %s of channel %s", u.OrderID, u.Channel)
	}
	byKey := map[[2]int]storedPart{}
	for _, p := range parts {
		byKey[[2]int{p.line, p.part}] = p
	}
	for _, up := range u.Parts {
		p, ok := byKey[[2]int{up.Line, up.Part}]
		if !ok {
			return errs.E(errs.NotFound, "order %s has no line %d part %d", u.OrderID, up.Line, up.Part)
		}
		if p.mall != mall {
			return errs.E(errs.Forbidden, "line %d part %d of order %s is allocated to %q, not %s", up.Line, up.Part, u.OrderID, p.mall, mall)
		}
		closed := p.status == LineCancelled || p.status == LineReallocated
		switch up.Status {
		case events.PartRejected:
			if closed {
				continue
			}
			if err := s.reallocate(ctx, tx, u.Channel, u.OrderID, p, up.Reason); err != nil {
				return err
			}
		case events.PartCancelled:
			reason := up.Reason
			if p.status == LineCancelled && p.reason != "" {
				reason = p.reason
			}
			if err := s.setPart(ctx, tx, u.Channel, u.OrderID, p, LineCancelled, reason, "", ""); err != nil {
				return err
			}
		case events.PartShipped, events.PartReturned:
			reason := up.Reason
			if closed {
				reason = "handed over at " + mall + " before the cancellation reached it"
			}
			if err := s.setPart(ctx, tx, u.Channel, u.OrderID, p, up.Status, reason, u.AWB, u.InvoiceNo); err != nil {
				return err
			}
		default: // reserved, picked, packed
			if closed {
				continue // the cancellation is on its way to the mall
			}
			if err := s.setPart(ctx, tx, u.Channel, u.OrderID, p, up.Status, "", u.AWB, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// reallocate moves a part its mall could not hold to the other malls
// holding the SKU, nearest to the delivery State first; what none holds is
// cancelled. The rejected part keeps the mall's reason.
func (s *Service) reallocate(ctx context.Context, tx sqldb.Tx, channel, orderID string, p storedPart, why string) error {
	if why == "" {
		why = "the mall could not reserve it"
	}
	reason := fmt.Sprintf("%s could not reserve it: %s", p.mall, why)
	var d Destination
	if err := tx.QueryRowContext(ctx, `SELECT ship_name, ship_address, ship_state, ship_pincode FROM channel_orders
		WHERE channel = ? AND order_id = ?`, channel, orderID).Scan(&d.Name, &d.Address, &d.State, &d.Pincode); err != nil {
		return err
	}
	// What the rejected part holds is at p.mall, which the loop below
	// skips: its status is set once, when the new parts are known.
	avail, err := availability(ctx, tx, p.sku)
	if err != nil {
		return err
	}
	var next int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(part), 0) FROM channel_order_lines WHERE channel = ? AND order_id = ? AND line_no = ?`,
		channel, orderID, p.line).Scan(&next); err != nil {
		return err
	}
	hs := avail[p.sku]
	nearestFirst(hs, d.State)
	left := p.qty
	var parts []part
	var to []string
	for _, h := range hs {
		if left == 0 {
			break
		}
		if h.mall == p.mall { // it has just said it cannot
			continue
		}
		take := min(left, h.qty)
		left -= take
		next++
		parts = append(parts, part{p.line, next, Line{SKU: p.sku, Qty: take, Mall: h.mall, Zone: h.zone, Status: LineAllocated}})
		to = append(to, h.mall)
	}
	if left == p.qty {
		return s.setPart(ctx, tx, channel, orderID, p, LineCancelled, reason+"; no other mall holds it", "", "")
	}
	if err := s.setPart(ctx, tx, channel, orderID, p, LineReallocated, reason+"; re-allocated to "+strings.Join(to, ", "), "", ""); err != nil {
		return err
	}
	if left > 0 {
		next++
		parts = append(parts, part{p.line, next, Line{SKU: p.sku, Qty: left, Status: LineCancelled, Reason: reason + "; no other mall holds the rest"}})
	}
	return s.addParts(ctx, tx, channel, orderID, toAddress(d), parts)
}
