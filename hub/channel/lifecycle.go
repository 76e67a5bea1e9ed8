package channel

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// Line statuses. A part is allocated at the hub, reserved by its mall
// (which holds the units from then on), picked, packed and shipped
// (handed to the courier, invoiced); or cancelled before handover,
// returned after it, re-allocated when its mall could not hold it (the
// new parts follow it), or unavailable when no mall held it at all.
const (
	LineAllocated   = "allocated"
	LineReserved    = events.PartReserved
	LinePicked      = events.PartPicked
	LinePacked      = events.PartPacked
	LineShipped     = events.PartShipped
	LineReturned    = events.PartReturned
	LineCancelled   = events.PartCancelled
	LineReallocated = "reallocated"
	LineUnavailable = "unavailable"
)

// Order statuses beyond the line statuses it takes from its least
// advanced live line: refused (nothing was ever allocated) and cancelled
// (every allocated part was cancelled).
const (
	OrderRefused   = Refused
	OrderCancelled = LineCancelled
)

// stage orders the live statuses; other statuses are not live.
var stage = map[string]int{LineAllocated: 0, LineReserved: 1, LinePicked: 2, LinePacked: 3, LineShipped: 4, LineReturned: 5}

// held are the statuses whose units a mall keeps for the order.
const heldStatuses = `('allocated', 'reserved', 'picked', 'packed')`

// orderStatus is the least advanced live line's status.
func orderStatus(placement string, lines []Line) string {
	best, st := -1, ""
	for _, l := range lines {
		n, ok := stage[l.Status]
		if ok && (best < 0 || n < best) {
			best, st = n, l.Status
		}
	}
	switch {
	case best >= 0:
		return st
	case placement == Refused:
		return OrderRefused
	}
	return OrderCancelled
}

func toAddress(d Destination) events.ChannelAddress {
	return events.ChannelAddress{Name: d.Name, Address: d.Address, State: d.State, Pincode: d.Pincode}
}

// addParts writes parts of an order and sends each mall the allocated
// ones to reserve (one channel.reserve per mall).
func (s *Service) addParts(ctx context.Context, tx sqldb.Tx, channel, orderID string, to events.ChannelAddress, parts []part) error {
	now := s.now()
	byMall := map[string][]events.ChannelPart{}
	var malls []string
	for _, p := range parts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_order_lines (channel, order_id, line_no, part, sku, qty, mall, zone, status,
			reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, channel, orderID, p.line, p.part, p.SKU, p.Qty, p.Mall, p.Zone,
			p.Status, p.Reason, ledger.TS(now)); err != nil {
			return err
		}
		if p.Status != LineAllocated {
			continue
		}
		if _, ok := byMall[p.Mall]; !ok {
			malls = append(malls, p.Mall)
		}
		byMall[p.Mall] = append(byMall[p.Mall], events.ChannelPart{Line: p.line, Part: p.part, SKU: p.SKU, Zone: p.Zone, Qty: p.Qty})
	}
	for _, m := range malls {
		msg := events.ChannelOrder{Channel: channel, OrderID: orderID, Mall: m, DeliverTo: to, Parts: byMall[m], At: now}
		if err := routeToMall(ctx, tx, m, events.ChannelReserve, msg, now); err != nil {
			return err
		}
	}
	return nil
}

// routeToMall queues a hub → mall message on the routed downlink.
func routeToMall(ctx context.Context, tx sqldb.Tx, mall, typ string, payload any, now time.Time) error {
	return hub.RouteToMall(ctx, tx, "hub", mall, typ, payload, now)
}

// storedPart is one row of channel_order_lines.
type storedPart struct {
	line, part int
	sku, mall  string
	zone       string
	qty        int64
	status     string
	reason     string
}

func loadParts(ctx context.Context, tx sqldb.Tx, channel, orderID string) ([]storedPart, error) {
	rows, err := tx.QueryContext(ctx, `SELECT line_no, part, sku, mall, zone, qty, status, reason FROM channel_order_lines
		WHERE channel = ? AND order_id = ? ORDER BY line_no, part`, channel, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storedPart
	for rows.Next() {
		var p storedPart
		if err := rows.Scan(&p.line, &p.part, &p.sku, &p.mall, &p.zone, &p.qty, &p.status, &p.reason); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) setPart(ctx context.Context, tx sqldb.Tx, channel, orderID string, p storedPart, status, reason, awb, invoice string) error {
	// An empty AWB or invoice number keeps the one the part has.
	_, err := tx.ExecContext(ctx, `UPDATE channel_order_lines SET status = ?, reason = ?, updated_at = ?,
		awb = COALESCE(NULLIF(?, ''), awb), invoice_no = COALESCE(NULLIF(?, ''), invoice_no)
		WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`,
		status, reason, ledger.TS(s.now()), awb, invoice, channel, orderID, p.line, p.part)
	return err
}

// Cancel cancels an order before handover: lines lists the ordered lines
// (numbered from 1) to cancel, nil or empty the whole order. The parts
// not yet handed to the courier are cancelled at once (their units are
// offered to the channels again) and their malls told to release them;
// a line already handed over is a Conflict (return it instead). Cancelling
// what is already cancelled changes nothing.
func (s *Service) Cancel(ctx context.Context, channel, orderID string, lines []int, reason string) (Order, error) {
	if reason == "" {
		reason = "cancelled by the channel"
	}
	if len(reason) > 200 {
		return Order{}, errs.Field("reason", "a reason is at most 200 characters")
	}
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		var d Destination
		err := tx.QueryRowContext(ctx, `SELECT ship_name, ship_address, ship_state, ship_pincode FROM channel_orders
			WHERE channel = ? AND order_id = ?`, channel, orderID).Scan(&d.Name, &d.Address, &d.State, &d.Pincode)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(errs.NotFound, "no order %q from this channel", orderID)
			}
			return err
		}
		parts, err := loadParts(ctx, tx, channel, orderID)
		if err != nil {
			return err
		}
		want := map[int]bool{}
		for _, l := range lines {
			want[l] = false
		}
		var cut []storedPart
		for _, p := range parts {
			if _, ok := want[p.line]; len(lines) > 0 && !ok {
				continue
			}
			want[p.line] = true
			switch p.status {
			case LineShipped, LineReturned:
				return errs.E(errs.Conflict, "line %d (%s) was handed over to the courier at %s; it can only be returned", p.line, p.sku, p.mall)
			case LineAllocated, LineReserved, LinePicked, LinePacked:
				cut = append(cut, p)
			}
		}
		for l, seen := range want {
			if !seen {
				return errs.Field("lines", "order %s has no line %d", orderID, l)
			}
		}
		byMall := map[string][]events.ChannelPart{}
		var malls []string
		for _, p := range cut {
			if err := s.setPart(ctx, tx, channel, orderID, p, LineCancelled, reason, "", ""); err != nil {
				return err
			}
			if _, ok := byMall[p.mall]; !ok {
				malls = append(malls, p.mall)
			}
			byMall[p.mall] = append(byMall[p.mall], events.ChannelPart{Line: p.line, Part: p.part, SKU: p.sku, Zone: p.zone, Qty: p.qty})
		}
		for _, m := range malls {
			msg := events.ChannelOrder{Channel: channel, OrderID: orderID, Mall: m, DeliverTo: toAddress(d), Parts: byMall[m],
				Reason: reason, At: s.now()}
			if err := routeToMall(ctx, tx, m, events.ChannelCancel, msg, s.now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, channel, orderID)
}
