package online

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ektamall/inventory"
	"ektamall/pos"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/events"
)

// Order is an online order as a zone sees it at this mall: its parts in
// the zone, with what became of each.
type Order struct {
	Channel   string                `json:"channel"`
	OrderID   string                `json:"order_id"`
	Status    string                `json:"status"` // the least advanced live part
	DeliverTo events.ChannelAddress `json:"deliver_to"`
	Lines     []Part                `json:"lines"`
	CreatedAt time.Time             `json:"created_at"`
}

// Part is one part of an ordered line held (or refused) here.
type Part struct {
	Line      int    `json:"line"`
	Part      int    `json:"part"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Zone      string `json:"zone"`
	Qty       int64  `json:"qty"`
	Status    string `json:"status"`
	Reason    string `json:"reason,omitempty"`
	AWB       string `json:"awb,omitempty"`
	InvoiceNo string `json:"invoice_no,omitempty"`
	SaleID    string `json:"sale_id,omitempty"`
}

var rank = map[string]int{events.PartReserved: 0, events.PartPicked: 1, events.PartPacked: 2, events.PartShipped: 3, events.PartReturned: 4}

// List answers the zone's online orders, those still to fulfil first
// (open: only orders with a part reserved, picked or packed).
func (s *Service) List(ctx context.Context, a inventory.Actor, zone string, open bool) ([]Order, error) {
	if zone == "" && a.Role == auth.ZoneManager {
		zone = a.Zone
	}
	if err := a.CanManage(zone); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT o.channel, o.order_id, o.ship_name, o.ship_address, o.ship_state, o.ship_pincode, o.created_at,
			l.line_no, l.part, l.sku, COALESCE(p.name, ''), l.zone, l.qty, l.status, l.reason, l.awb, COALESCE(s.invoice_no, ''), COALESCE(l.sale_id, '')
		FROM channel_orders o JOIN channel_lines l ON l.channel = o.channel AND l.order_id = o.order_id
		LEFT JOIN products p ON p.sku = l.sku LEFT JOIN sales s ON s.id = l.sale_id
		WHERE l.zone = ?
		ORDER BY o.created_at, o.channel, o.order_id, l.line_no, l.part`, zone)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Order{}
	idx := map[[2]string]int{}
	for rows.Next() {
		var o Order
		var pt Part
		var at string
		if err := rows.Scan(&o.Channel, &o.OrderID, &o.DeliverTo.Name, &o.DeliverTo.Address, &o.DeliverTo.State, &o.DeliverTo.Pincode, &at,
			&pt.Line, &pt.Part, &pt.SKU, &pt.Name, &pt.Zone, &pt.Qty, &pt.Status, &pt.Reason, &pt.AWB, &pt.InvoiceNo, &pt.SaleID); err != nil {
			return nil, err
		}
		k := [2]string{o.Channel, o.OrderID}
		i, ok := idx[k]
		if !ok {
			o.CreatedAt, _ = time.Parse(time.RFC3339Nano, at)
			o.Lines = []Part{}
			out = append(out, o)
			i = len(out) - 1
			idx[k] = i
		}
		out[i].Lines = append(out[i].Lines, pt)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, o := range out {
		o.Status = orderStatus(o.Lines)
		if open && !(o.Status == events.PartReserved || o.Status == events.PartPicked || o.Status == events.PartPacked) {
			continue
		}
		kept = append(kept, o)
	}
	return kept, nil
}

func orderStatus(ps []Part) string {
	best, st := -1, events.PartCancelled
	for _, p := range ps {
		if n, ok := rank[p.Status]; ok && (best < 0 || n < best) {
			best, st = n, p.Status
		}
	}
	return st
}

// Get answers one order's parts in a zone.
func (s *Service) Get(ctx context.Context, a inventory.Actor, zone, channel, orderID string) (Order, error) {
	os, err := s.List(ctx, a, zone, false)
	if err != nil {
		return Order{}, err
	}
	for _, o := range os {
		if o.Channel == channel && o.OrderID == orderID {
			return o, nil
		}
	}
	return Order{}, errs.E(errs.NotFound, "no online order %s/%s in zone %s", channel, orderID, zone)
}

// Pick marks the zone's reserved parts of an order picked off the shelf.
func (s *Service) Pick(ctx context.Context, a inventory.Actor, zone, channel, orderID string) (Order, error) {
	return s.step(ctx, a, zone, channel, orderID, events.PartReserved, events.PartPicked, "")
}

// Pack marks the zone's picked parts packed.
func (s *Service) Pack(ctx context.Context, a inventory.Actor, zone, channel, orderID string) (Order, error) {
	return s.step(ctx, a, zone, channel, orderID, events.PartPicked, events.PartPacked, "")
}

var awbRE = regexp.MustCompile(`^[A-Za-z0-9-]{6,30}$`)

// Ship hands the zone's packed parts of an order to the courier under an
// AWB number and issues their tax invoice (the online series, place of
// supply the delivery State), in one transaction with the step's event.
func (s *Service) Ship(ctx context.Context, a inventory.Actor, zone, channel, orderID, awb string) (Order, error) {
	awb = strings.TrimSpace(awb)
	if !awbRE.MatchString(awb) {
		return Order{}, errs.Field("awb", "the courier's AWB number is 6-30 letters, digits or '-'")
	}
	if s.POS == nil {
		return Order{}, errs.E(errs.Unavailable, "this mall cannot invoice online orders")
	}
	return s.step(ctx, a, zone, channel, orderID, events.PartPacked, events.PartShipped, awb)
}

// step moves the zone's parts of an order from one status to the next.
// Asking again for a step already taken changes nothing (a retried tap);
// a part not at the step before is a Conflict naming where it is.
func (s *Service) step(ctx context.Context, a inventory.Actor, zone, channel, orderID, from, to, awb string) (Order, error) {
	if err := a.CanManage(zone); err != nil {
		return Order{}, err
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `SELECT line_no, part, sku, zone, qty, status FROM channel_lines
			WHERE channel = ? AND order_id = ? AND zone = ? ORDER BY line_no, part`, channel, orderID, zone)
		if err != nil {
			return err
		}
		var move []events.ChannelPart
		var seen, done int
		var stuck string
		for rows.Next() {
			var p events.ChannelPart
			var st string
			if err := rows.Scan(&p.Line, &p.Part, &p.SKU, &p.Zone, &p.Qty, &st); err != nil {
				rows.Close()
				return err
			}
			seen++
			switch {
			case st == from:
				p.Status = to
				move = append(move, p)
			case rank[st] >= rank[to] && st != events.PartCancelled && st != events.PartRejected:
				done++
			case st == events.PartReserved || st == events.PartPicked || st == events.PartPacked:
				stuck = fmt.Sprintf("line %d (%s) is %s, not %s", p.Line, p.SKU, st, from)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		switch {
		case seen == 0:
			return errs.E(errs.NotFound, "no online order %s/%s in zone %s", channel, orderID, zone)
		case len(move) == 0 && done > 0 && stuck == "":
			return nil // already done
		case len(move) == 0 && stuck != "":
			return errs.E(errs.Conflict, "order %s: %s", orderID, stuck)
		case len(move) == 0:
			return errs.E(errs.Conflict, "order %s has nothing %s in zone %s (cancelled?)", orderID, from, zone)
		}
		upd := events.ChannelUpdate{Channel: channel, OrderID: orderID, Parts: move, At: now}
		var saleID string
		for _, p := range move {
			if _, err := tx.ExecContext(ctx, `UPDATE channel_lines SET status = ?, updated_at = ?, updated_by = ?,
				awb = CASE WHEN ? = '' THEN awb ELSE ? END
				WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`,
				to, ts(now), a.ID, awb, awb, channel, orderID, p.Line, p.Part); err != nil {
				return err
			}
		}
		if to == events.PartShipped {
			sale, err := s.invoice(ctx, tx, channel, orderID, move, now)
			if err != nil {
				return err
			}
			saleID = sale.ID
			upd.AWB, upd.SaleID, upd.InvoiceNo = awb, sale.ID, sale.InvoiceNo
			for _, p := range move {
				if _, err := tx.ExecContext(ctx, `UPDATE channel_lines SET sale_id = ? WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`,
					saleID, channel, orderID, p.Line, p.Part); err != nil {
					return err
				}
			}
		}
		if err := auth.Audit(ctx, tx, now, a.ID, "online_order."+to, fmt.Sprintf(`{"channel":%q,"order_id":%q,"zone":%q,"awb":%q,"sale_id":%q}`,
			channel, orderID, zone, awb, saleID), a.RequestID); err != nil {
			return err
		}
		return s.emit(ctx, tx, upd)
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, a, zone, channel, orderID)
}

// invoice issues the tax invoice of the shipped parts (their status is
// already shipped, so their units are no longer held and can leave).
func (s *Service) invoice(ctx context.Context, tx *sql.Tx, channel, orderID string, parts []events.ChannelPart, at time.Time) (pos.Sale, error) {
	var d pos.Delivery
	if err := tx.QueryRowContext(ctx, `SELECT ship_name, ship_address, ship_state, ship_pincode FROM channel_orders WHERE channel = ? AND order_id = ?`,
		channel, orderID).Scan(&d.Name, &d.Address, &d.State, &d.Pincode); err != nil {
		return pos.Sale{}, err
	}
	qty := map[string]int64{}
	var lines []pos.LineRequest
	for _, p := range parts {
		if _, ok := qty[p.SKU]; !ok {
			lines = append(lines, pos.LineRequest{SKU: p.SKU})
		}
		qty[p.SKU] += p.Qty
	}
	for i := range lines {
		lines[i].Qty = qty[lines[i].SKU]
	}
	return s.POS.IssueOnline(ctx, tx, pos.OnlineSale{Channel: channel, OrderID: orderID, DeliverTo: d, Lines: lines, At: at})
}

// Return kinds.
const (
	ReturnToOrigin = "rto"      // the courier brought it back undelivered
	CustomerReturn = "customer" // the buyer sent it back
)

// ReturnRequest names the lines of an order (as ordered, from 1) that came
// back to this zone, how, and where the inspection put them.
type ReturnRequest struct {
	Channel string `json:"channel"`
	OrderID string `json:"order_id"`
	Lines   []int  `json:"lines"` // empty: every shipped line of the zone
	Kind    string `json:"kind"`  // rto or customer
	// RestockTo is "backroom" (resaleable) or "damaged", as inspected.
	RestockTo string `json:"restock_to"`
	Reason    string `json:"reason,omitempty"`
}

// Return takes back shipped parts of an order: a credit note against
// their invoice in the online series, refunded through the channel, the
// goods to the backroom or damaged, and the parts returned at the hub.
func (s *Service) Return(ctx context.Context, a inventory.Actor, zone string, r ReturnRequest) (Order, error) {
	if err := a.CanManage(zone); err != nil {
		return Order{}, err
	}
	if r.Kind != ReturnToOrigin && r.Kind != CustomerReturn {
		return Order{}, errs.Field("kind", "kind is rto (returned to origin by the courier) or customer")
	}
	if r.RestockTo != string(inventory.Backroom) && r.RestockTo != string(inventory.Damaged) {
		return Order{}, errs.Field("restock_to", "restock_to is backroom (resaleable) or damaged, as inspected")
	}
	if s.POS == nil {
		return Order{}, errs.E(errs.Unavailable, "this mall cannot issue credit notes for online orders")
	}
	want := map[int]bool{}
	for _, l := range r.Lines {
		want[l] = true
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `SELECT line_no, part, sku, zone, qty, status, COALESCE(sale_id, '') FROM channel_lines
			WHERE channel = ? AND order_id = ? AND zone = ? ORDER BY line_no, part`, r.Channel, r.OrderID, zone)
		if err != nil {
			return err
		}
		bySale := map[string][]events.ChannelPart{}
		var sales []string
		var seen, already int
		for rows.Next() {
			var p events.ChannelPart
			var st, sale string
			if err := rows.Scan(&p.Line, &p.Part, &p.SKU, &p.Zone, &p.Qty, &st, &sale); err != nil {
				rows.Close()
				return err
			}
			if len(want) > 0 && !want[p.Line] {
				continue
			}
			seen++
			switch st {
			case events.PartShipped:
				if _, ok := bySale[sale]; !ok {
					sales = append(sales, sale)
				}
				p.Status, p.Reason = events.PartReturned, r.Kind
				bySale[sale] = append(bySale[sale], p)
			case events.PartReturned:
				already++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		switch {
		case seen == 0:
			return errs.E(errs.NotFound, "no such lines of online order %s/%s in zone %s", r.Channel, r.OrderID, zone)
		case len(sales) == 0 && already > 0:
			return nil // returned already
		case len(sales) == 0:
			return errs.E(errs.Conflict, "order %s has nothing handed over in zone %s to take back; cancel it instead", r.OrderID, zone)
		}
		reason := r.Kind
		if r.Reason != "" {
			reason += ": " + r.Reason
		}
		for _, sale := range sales {
			qty := map[string]int64{}
			var lines []pos.LineRequest
			for _, p := range bySale[sale] {
				if _, ok := qty[p.SKU]; !ok {
					lines = append(lines, pos.LineRequest{SKU: p.SKU})
				}
				qty[p.SKU] += p.Qty
			}
			for i := range lines {
				lines[i].Qty = qty[lines[i].SKU]
			}
			cn, err := s.POS.ReturnOnline(ctx, tx, sale, lines, r.RestockTo, reason, now)
			if err != nil {
				return err
			}
			for i := range bySale[sale] {
				bySale[sale][i].Reason = reason + " (credit note " + cn.CreditNoteNo + ")"
			}
			for _, p := range bySale[sale] {
				if _, err := tx.ExecContext(ctx, `UPDATE channel_lines SET status = 'returned', reason = ?, updated_at = ?, updated_by = ?
					WHERE channel = ? AND order_id = ? AND line_no = ? AND part = ?`, reason+" ("+cn.CreditNoteNo+")", ts(now), a.ID,
					r.Channel, r.OrderID, p.Line, p.Part); err != nil {
					return err
				}
			}
			if err := s.emit(ctx, tx, events.ChannelUpdate{Channel: r.Channel, OrderID: r.OrderID, Parts: bySale[sale], SaleID: sale,
				CreditNote: cn.CreditNoteNo, At: now}); err != nil {
				return err
			}
		}
		return auth.Audit(ctx, tx, now, a.ID, "online_order.returned", fmt.Sprintf(`{"channel":%q,"order_id":%q,"zone":%q,"kind":%q,"restock_to":%q}`,
			r.Channel, r.OrderID, zone, r.Kind, r.RestockTo), a.RequestID)
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, a, zone, r.Channel, r.OrderID)
}
