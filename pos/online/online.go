// Package online is the mall's side of online orders (issue 22): the
// reservations the hub routes down for channel orders allocated to this
// mall, their fulfilment by the zone manager (pick, pack, hand over to the
// courier with the tax invoice), cancellations and returns. Every step
// commits with a channel.status outbox event, so the hub follows it in
// the mall's own order.
package online

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqlitedb"
)

// Service runs online orders at one mall.
type Service struct {
	DB     *sqlitedb.DB
	MallID string
	Now    func() time.Time
	// POS issues the online tax invoice at handover (nil: handover is
	// refused).
	POS *pos.Service
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Apply is the mallsync.ChannelOrders the downlink calls for each routed
// channel.reserve or channel.cancel, inside its transaction.
func (s *Service) Apply(ctx context.Context, tx *sql.Tx, typ string, p events.ChannelOrder) error {
	if p.Mall != "" && p.Mall != s.MallID {
		return errs.E(errs.Invalid, "%s of order %s is for mall %s, not %s", typ, p.OrderID, p.Mall, s.MallID)
	}
	switch typ {
	case events.ChannelReserve:
		return s.reserve(ctx, tx, p)
	case events.ChannelCancel:
		return s.release(ctx, tx, p)
	}
	return errs.E(errs.Invalid, "not an online order message: %s", typ)
}

// reserve holds each part the mall can give from its unreserved shelf and
// backroom; a part it cannot (sold at the counter or moved meanwhile) is
// recorded as rejected with the reason. Both go back to the hub in one
// channel.status. A part already known is not reserved twice.
func (s *Service) reserve(ctx context.Context, tx *sql.Tx, p events.ChannelOrder) error {
	now := s.now()
	if err := recordOrder(ctx, tx, p, now); err != nil {
		return err
	}
	var report []events.ChannelPart
	for _, pt := range p.Parts {
		var had string
		err := tx.QueryRowContext(ctx, `SELECT status FROM channel_lines WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`,
			p.Channel, p.OrderID, pt.Line, pt.Part).Scan(&had)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		free, err := inventory.Unreserved(ctx, tx, pt.SKU)
		if err != nil {
			return err
		}
		status, reason := events.PartReserved, ""
		if free < pt.Qty {
			status = events.PartRejected
			reason = fmt.Sprintf("%s holds %d unreserved of %s, not %d: sold at the counter or moved before the reservation arrived",
				s.MallID, max(free, 0), pt.SKU, pt.Qty)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO channel_lines (channel, order_id, line_no, part, sku, zone, qty, status, reason, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Channel, p.OrderID, pt.Line, pt.Part, pt.SKU, pt.Zone, pt.Qty, status, reason, ts(now)); err != nil {
			return fmt.Errorf("record part %d.%d: %w", pt.Line, pt.Part, err)
		}
		pt.Status, pt.Reason = status, reason
		report = append(report, pt)
	}
	return s.emit(ctx, tx, events.ChannelUpdate{Channel: p.Channel, OrderID: p.OrderID, Parts: report, At: now})
}

// recordOrder records an order and where it goes, unless already known.
func recordOrder(ctx context.Context, tx *sql.Tx, p events.ChannelOrder, now time.Time) error {
	d := p.DeliverTo
	if _, err := tx.ExecContext(ctx, `INSERT INTO channel_orders (channel, order_id, ship_name, ship_address, ship_state, ship_pincode, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, p.Channel, p.OrderID, d.Name, d.Address, d.State, d.Pincode, ts(now)); err != nil {
		return fmt.Errorf("record order: %w", err)
	}
	return nil
}

// release cancels the listed parts not yet handed over, which frees their
// units at once. A part already shipped stays shipped (the hub learns it
// from the shipment's own event); one never received is recorded as
// cancelled so a late reservation cannot hold it.
func (s *Service) release(ctx context.Context, tx *sql.Tx, p events.ChannelOrder) error {
	now := s.now()
	reason := p.Reason
	if reason == "" {
		reason = "cancelled by the channel"
	}
	var report []events.ChannelPart
	for _, pt := range p.Parts {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM channel_lines WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`,
			p.Channel, p.OrderID, pt.Line, pt.Part).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := recordOrder(ctx, tx, p, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO channel_lines (channel, order_id, line_no, part, sku, zone, qty, status, reason, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, 'cancelled', ?, ?)`, p.Channel, p.OrderID, pt.Line, pt.Part, pt.SKU, pt.Zone, max(pt.Qty, 1), reason, ts(now)); err != nil {
				return err
			}
		case err != nil:
			return err
		case status == events.PartReserved || status == events.PartPicked || status == events.PartPacked:
			if _, err := tx.ExecContext(ctx, `UPDATE channel_lines SET status = 'cancelled', reason = ?, updated_at = ?
				WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`, reason, ts(now), p.Channel, p.OrderID, pt.Line, pt.Part); err != nil {
				return err
			}
		default:
			continue
		}
		pt.Status, pt.Reason = events.PartCancelled, reason
		report = append(report, pt)
	}
	return s.emit(ctx, tx, events.ChannelUpdate{Channel: p.Channel, OrderID: p.OrderID, Parts: report, At: now})
}

// emit writes a channel.status for the hub (nothing when no part moved).
func (s *Service) emit(ctx context.Context, tx *sql.Tx, u events.ChannelUpdate) error {
	if len(u.Parts) == 0 {
		return nil
	}
	_, err := events.Append(ctx, tx, s.MallID, events.ChannelStatus, u.At, u)
	return err
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
