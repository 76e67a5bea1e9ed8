package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/catalogdb"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
)

// Online orders (issue 22) are invoiced in their own series per mall:
// counter OnlineCounter, which no till may open, under a shift that stays
// open for them and belongs to OnlineUser, a system account that cannot
// log in. The zone manager who handed the parcel over is in the audit of
// the order's steps (pos/online).
const (
	OnlineCounter = "W99"
	OnlineUser    = "online-orders"
	// Channel is the tender of an online invoice: the channel collects the
	// money, its ref is the channel's order id.
	Channel = "channel"
)

// OnlineSale is what leaves the mall for one online order at handover.
type OnlineSale struct {
	Channel   string
	OrderID   string
	DeliverTo Delivery
	Lines     []LineRequest // SKU and qty; no discount
	At        time.Time
}

// IssueOnline writes the tax invoice of an online shipment inside tx: the
// place of supply is the delivery State (IGST when it is not the mall's),
// the goods leave the shelf and backroom, and sale.completed goes to the
// hub with the tender "channel", so the ledger books it to the mall's
// channel clearing account and settlement pays producers as for a counter
// sale. The caller releases the order's reservation in the same tx first.
func (s *Service) IssueOnline(ctx context.Context, tx *sql.Tx, o OnlineSale) (Sale, error) {
	if len(o.Lines) == 0 || len(o.Lines) > MaxLines {
		return Sale{}, errs.Field("lines", "an online invoice needs 1 to %d lines", MaxLines)
	}
	req := SaleRequest{DeliverTo: &o.DeliverTo}
	sp, err := s.planSupply(req)
	if err != nil {
		return Sale{}, err
	}
	codes := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		codes[i] = l.SKU
	}
	products, err := lookupProducts(ctx, tx, codes)
	if err != nil {
		return Sale{}, err
	}
	at := o.At.UTC()
	p := &pendingSale{id: ids.New(), at: at, req: req, total: money.Zero, supply: sp}
	for i, l := range o.Lines {
		prod, ok := products[l.SKU]
		if !ok {
			return Sale{}, errs.Field(fmt.Sprintf("lines[%d].sku", i), "unknown SKU %q", l.SKU)
		}
		tc := TaxContext{UT: s.mall.UTGST, Inter: sp.inter}
		if !prod.FlatRate {
			b, _, err := catalogdb.BandsFor(ctx, tx, prod.HSN)
			if err != nil {
				return Sale{}, err
			}
			tc.Bands = b
		}
		line, err := PriceLine(i+1, prod, l.Qty, Discount{}, tc)
		if err != nil {
			return Sale{}, err
		}
		p.lines = append(p.lines, line)
		p.total = p.total.Add(line.Amount)
		p.taxable = p.taxable.Add(line.Taxable)
		p.cgst = p.cgst.Add(line.CGST)
		p.sgst = p.sgst.Add(line.Share())
		p.igst = p.igst.Add(line.IGST)
	}
	p.discount, p.roundOff, p.payable = money.Zero, money.Zero, p.total // the channel collects to the paisa
	p.tenders = []Tender{{Method: Channel, Amount: p.total, Ref: o.OrderID}}
	p.tendered, p.change = p.total, money.Zero

	sh, user, err := onlineShift(ctx, tx, at)
	if err != nil {
		return Sale{}, err
	}
	fy := invoice.FinancialYear(at)
	series, err := documentSeries(ctx, tx, OnlineCounter, false)
	if err != nil {
		return Sale{}, err
	}
	no, seq, err := nextNumber(ctx, tx, series, fy)
	if err != nil {
		return Sale{}, err
	}
	sale := s.saleOf(p, no, sh, Actor{User: user})
	if err := insertSale(ctx, tx, sale, series, seq, int(fy), ""); err != nil {
		return Sale{}, err
	}
	if sale.traceToken, err = insertTrace(ctx, tx, p.id); err != nil {
		return Sale{}, err
	}
	sale.TraceURL = s.mall.traceURL(sale.traceToken)
	if err := insertLines(ctx, tx, p.id, p.lines); err != nil {
		return Sale{}, err
	}
	if err := insertLineGI(ctx, tx, p.id, p.lines); err != nil {
		return Sale{}, err
	}
	if err := insertTenders(ctx, tx, "sale_tenders", "sale_id", p.id, p.tenders); err != nil {
		return Sale{}, err
	}
	if err := s.stockOut(ctx, tx, p.lines, "shipped", p.id, user.ID, at); err != nil {
		return Sale{}, err
	}
	if _, err := events.Append(ctx, tx, s.mall.ID, events.SaleCompleted, at, saleEvent(sale)); err != nil {
		return Sale{}, err
	}
	return sale, nil
}

// onlineShift is the open shift of the online series, opened (with its
// system user, whose password hash no password matches) on first use.
func onlineShift(ctx context.Context, tx *sql.Tx, at time.Time) (Shift, auth.User, error) {
	u := auth.User{Username: OnlineUser, DisplayName: "Online orders", Role: auth.Cashier}
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, OnlineUser).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		u.ID = ids.New()
		_, err = tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, password_hash, role, zone, created_at)
			VALUES (?, ?, ?, '!', 'cashier', NULL, ?)`, u.ID, OnlineUser, u.DisplayName, at.Format(timeFmt))
	}
	if err != nil {
		return Shift{}, auth.User{}, fmt.Errorf("online user: %w", err)
	}
	var id string
	err = tx.QueryRowContext(ctx, `SELECT id FROM shifts WHERE counter = ? AND status = 'open'`, OnlineCounter).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		id = ids.New()
		_, err = tx.ExecContext(ctx, `INSERT INTO shifts (id, counter, user_id, status, opened_at, opening_float_paise)
			VALUES (?, ?, ?, 'open', ?, 0)`, id, OnlineCounter, u.ID, at.Format(timeFmt))
	}
	if err != nil {
		return Shift{}, auth.User{}, fmt.Errorf("online shift: %w", err)
	}
	return Shift{ID: id, Counter: OnlineCounter, UserID: u.ID, Cashier: OnlineUser, Status: "open", OpenedAt: at}, u, nil
}

// ReturnOnline writes the credit note of goods of an online invoice that
// came back (refused at the door and returned to origin, or returned by
// the customer) inside tx: in the online credit series (CNW99), refunded
// through the channel tender, the goods put back to restockTo (backroom
// when the zone manager found them resaleable, else damaged).
func (s *Service) ReturnOnline(ctx context.Context, tx *sql.Tx, saleID string, lines []LineRequest, restockTo, reason string, at time.Time) (Return, error) {
	sh, user, err := onlineShift(ctx, tx, at)
	if err != nil {
		return Return{}, err
	}
	req := ReturnRequest{SaleID: saleID, ShiftID: sh.ID, RefundMethod: Channel, RestockTo: restockTo, Reason: reason}
	for _, l := range lines {
		req.Lines = append(req.Lines, ReturnLineRequest{SKU: l.SKU, Qty: l.Qty})
	}
	if err := validReturn(&req); err != nil {
		return Return{}, err
	}
	return s.writeReturn(ctx, tx, Actor{User: user}, req, at.UTC())
}
