package channel

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// Placement results: every unit allocated, some, or none (Order.Placement;
// the order's lifecycle status is in lifecycle.go).
const (
	Accepted = "accepted"
	Partial  = "partial"
	Refused  = "refused"
)

// OrderRequest is what a channel sends (CONTRACT.md).
type OrderRequest struct {
	OrderID   string      `json:"order_id"`
	Lines     []LineReq   `json:"lines"`
	DeliverTo Destination `json:"deliver_to"`
}

// LineReq is one ordered SKU.
type LineReq struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// Destination is where the order goes; State is the two-letter code.
type Destination struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	State   string `json:"state"`
	Pincode string `json:"pincode"`
}

// Order is the hub's answer: each line as allocated. A line a mall holds
// names that mall; the part no mall could hold has mall "" and status
// "unavailable" (a line may be split over malls).
type Order struct {
	OrderID string `json:"order_id"`
	Channel string `json:"channel"`
	// Status is where the order stands (lifecycle.go): the least advanced
	// of its live lines. Placement is what the hub could allocate when the
	// order came: accepted, partial or refused.
	Status    string      `json:"status"`
	Placement string      `json:"placement"`
	Lines     []Line      `json:"lines"`
	DeliverTo Destination `json:"deliver_to"`
	CreatedAt time.Time   `json:"created_at"`
}

// Line is one allocated part of an ordered line.
type Line struct {
	// Line is the ordered line's number (from 1), Part the part of it.
	Line   int    `json:"line"`
	Part   int    `json:"part"`
	SKU    string `json:"sku"`
	Qty    int64  `json:"qty"`
	Mall   string `json:"mall"`
	Zone   string `json:"zone,omitempty"`
	Status string `json:"status"`
	// Reason says why a part was cancelled, re-allocated or unavailable.
	Reason    string `json:"reason,omitempty"`
	AWB       string `json:"awb,omitempty"`
	InvoiceNo string `json:"invoice_no,omitempty"`
}

const (
	maxLines = 100
	maxQty   = 10000
)

var (
	orderIDRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$`)
	pincodeRE = regexp.MustCompile(`^[1-9][0-9]{5}$`)
)

func (r *OrderRequest) validate() error {
	if !orderIDRE.MatchString(r.OrderID) {
		return errs.Field("order_id", "order_id is 1-64 letters, digits or . _ : / - (the channel's own order number)")
	}
	if len(r.Lines) == 0 || len(r.Lines) > maxLines {
		return errs.Field("lines", "an order has 1 to %d lines", maxLines)
	}
	for i, l := range r.Lines {
		if l.SKU == "" {
			return errs.Field(fmt.Sprintf("lines[%d].sku", i), "line %d has no sku", i+1)
		}
		if l.Qty <= 0 || l.Qty > maxQty {
			return errs.Field(fmt.Sprintf("lines[%d].qty", i), "line %d: qty must be 1 to %d", i+1, maxQty)
		}
	}
	d := &r.DeliverTo
	d.Name, d.Address, d.State = strings.TrimSpace(d.Name), strings.TrimSpace(d.Address), strings.ToUpper(strings.TrimSpace(d.State))
	if d.Name == "" || len(d.Name) > 200 {
		return errs.Field("deliver_to.name", "deliver_to.name is required (at most 200 characters)")
	}
	if d.Address == "" || len(d.Address) > 500 {
		return errs.Field("deliver_to.address", "deliver_to.address is required (at most 500 characters)")
	}
	if _, ok := capitals[d.State]; !ok {
		return errs.Field("deliver_to.state", "deliver_to.state %q is not a State/UT code such as KA or UP", d.State)
	}
	if !pincodeRE.MatchString(d.Pincode) {
		return errs.Field("deliver_to.pincode", "deliver_to.pincode must be 6 digits")
	}
	return nil
}

func (r OrderRequest) digest() string {
	b, _ := json.Marshal(r)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Place takes an order once per (channel, order_id): the same order again
// answers what was decided the first time (created false); another order
// under a used id is a Conflict. Each line goes to the malls that can give
// it, nearest to the delivery State first, and what they hold for it is
// no longer offered to the channels; what no mall holds is refused.
func (s *Service) Place(ctx context.Context, channel string, req OrderRequest) (Order, bool, error) {
	if err := req.validate(); err != nil {
		return Order{}, false, err
	}
	if err := s.catchUp(ctx); err != nil {
		return Order{}, false, err
	}
	digest := req.digest()
	created := false
	err := s.db.Transact(ctx, func(tx sqldb.Tx) error {
		created = false
		var had string
		err := tx.QueryRowContext(ctx, `SELECT request_sha256 FROM channel_orders WHERE channel = ? AND order_id = ?`,
			channel, req.OrderID).Scan(&had)
		switch {
		case err == nil && had == digest:
			return nil
		case err == nil:
			return errs.E(errs.Conflict, "order %q was already placed with other lines or address; use a new order_id", req.OrderID)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		created = true
		return s.allocate(ctx, tx, channel, req, digest)
	})
	if err != nil {
		return Order{}, false, err
	}
	o, err := s.Get(ctx, channel, req.OrderID)
	return o, created, err
}

// allocate writes the order and its lines' allocation.
func (s *Service) allocate(ctx context.Context, tx sqldb.Tx, channel string, req OrderRequest, digest string) error {
	avail, err := availability(ctx, tx, "")
	if err != nil {
		return err
	}
	for i, l := range req.Lines {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM products WHERE sku = ? AND active = 1`, l.SKU).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			e := errs.E(errs.NotFound, "line %d: no product %q on sale", i+1, l.SKU)
			e.Field = fmt.Sprintf("lines[%d].sku", i)
			return e
		}
	}
	var parts []part
	var got, want int64
	for i, l := range req.Lines {
		hs := avail[l.SKU]
		nearestFirst(hs, req.DeliverTo.State)
		left, n := l.Qty, 0
		want += l.Qty
		for j := range hs {
			if left == 0 {
				break
			}
			take := min(left, hs[j].qty)
			hs[j].qty -= take // a later line of the same SKU sees what is left
			left -= take
			got += take
			n++
			parts = append(parts, part{i + 1, n, Line{SKU: l.SKU, Qty: take, Mall: hs[j].mall, Zone: hs[j].zone, Status: LineAllocated}})
		}
		if left > 0 {
			parts = append(parts, part{i + 1, n + 1, Line{SKU: l.SKU, Qty: left, Status: LineUnavailable, Reason: "no mall holds it"}})
		}
	}
	status := Partial
	switch got {
	case want:
		status = Accepted
	case 0:
		status = Refused
	}
	d := req.DeliverTo
	if _, err := tx.ExecContext(ctx, `INSERT INTO channel_orders (channel, order_id, status, request_sha256, ship_name, ship_address,
		ship_state, ship_pincode, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		channel, req.OrderID, status, digest, d.Name, d.Address, d.State, d.Pincode, ledger.TS(s.now())); err != nil {
		return err
	}
	return s.addParts(ctx, tx, channel, req.OrderID, toAddress(d), parts)
}

// part is one allocated part of the ordered line numbered line.
type part struct {
	line, part int
	Line
}

// Get reads one of this channel's orders.
func (s *Service) Get(ctx context.Context, channel, orderID string) (Order, error) {
	q := s.db.Reader()
	o := Order{OrderID: orderID, Channel: channel, Lines: []Line{}}
	var at string
	err := q.QueryRowContext(ctx, `SELECT status, ship_name, ship_address, ship_state, ship_pincode, created_at
		FROM channel_orders WHERE channel = ? AND order_id = ?`, channel, orderID).
		Scan(&o.Placement, &o.DeliverTo.Name, &o.DeliverTo.Address, &o.DeliverTo.State, &o.DeliverTo.Pincode, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, errs.E(errs.NotFound, "no order %q from this channel", orderID)
	}
	if err != nil {
		return Order{}, err
	}
	if o.CreatedAt, err = ledger.ParseTS(at); err != nil {
		return Order{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT line_no, part, sku, qty, mall, zone, status, reason, awb, invoice_no FROM channel_order_lines
		WHERE channel = ? AND order_id = ? ORDER BY line_no, part`, channel, orderID)
	if err != nil {
		return Order{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.Line, &l.Part, &l.SKU, &l.Qty, &l.Mall, &l.Zone, &l.Status, &l.Reason, &l.AWB, &l.InvoiceNo); err != nil {
			return Order{}, err
		}
		o.Lines = append(o.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return Order{}, err
	}
	o.Status = orderStatus(o.Placement, o.Lines)
	return o, nil
}
