package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
)

// Transfer is a movement of stock between malls as this mall sees it.
// Sent stock sits in the sender's transit location (the moves' ref is the
// transfer id, so each transfer's transit stock can be told apart) until
// the receiver confirms what arrived.
type Transfer struct {
	ID         string         `json:"id"`
	Direction  string         `json:"direction"` // out: this mall sent it; in: this mall receives it
	FromMall   string         `json:"from_mall"`
	ToMall     string         `json:"to_mall"`
	Zone       string         `json:"zone"`
	Status     string         `json:"status"` // sent, received
	Note       string         `json:"note,omitempty"`
	SentAt     time.Time      `json:"sent_at"`
	SentBy     string         `json:"sent_by"`
	ReceivedAt *time.Time     `json:"received_at"`
	ReceivedBy string         `json:"received_by,omitempty"`
	Lines      []TransferLine `json:"lines"`
	Shortage   int64          `json:"shortage"` // units sent but not received
	// Document is the tax invoice or delivery challan the goods move
	// under; EWayBill its e-way bill where one is required.
	Document *TransferDocument `json:"document,omitempty"`
	EWayBill *EWayBill         `json:"eway_bill,omitempty"`
	Replay   bool              `json:"replay,omitempty"` // an earlier request with this Idempotency-Key made it
}

// TransferLine is one SKU of a transfer.
type TransferLine struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Sent     int64  `json:"sent"`
	Received *int64 `json:"received"` // null until received
	Short    int64  `json:"short"`
}

// TransferInput sends stock of one zone to another mall.
type TransferInput struct {
	ToMall string   `json:"to_mall"`
	From   Location `json:"from,omitempty"` // backroom (default) or shelf
	Note   string   `json:"note,omitempty"`
	Lines  []Line   `json:"lines"`
}

var mallIDRE = regexp.MustCompile(`^[A-Z0-9]{2,8}$`)

// TransferOut moves the lines from the zone into transit and writes the
// transfer.sent event the hub delivers to the receiving mall.
func (s *Service) TransferOut(ctx context.Context, a Actor, zone string, in TransferInput) (Transfer, error) {
	if in.From == Outside {
		in.From = Backroom
	}
	if in.From != Backroom && in.From != Shelf {
		return Transfer{}, errs.Field("from", "transfers leave from the \"backroom\" or the \"shelf\"")
	}
	if err := checkText("note", &in.Note, 500); err != nil {
		return Transfer{}, err
	}
	if !mallIDRE.MatchString(in.ToMall) {
		return Transfer{}, errs.Field("to_mall", "to_mall must be a mall id such as BLR1")
	}
	if in.ToMall == s.MallID {
		return Transfer{}, errs.Field("to_mall", "a mall cannot transfer stock to itself (%s)", s.MallID)
	}
	var t Transfer
	var replay string
	ik := a.request("transfer", []any{"transfer", zone, in})
	err := s.DB.Transact(ctx, func(tx *sql.Tx) (err error) {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		if replay, err = ik.Replay(ctx, tx); err != nil || replay != "" {
			return err
		}
		var known int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM peer_malls WHERE id = ?`, in.ToMall).Scan(&known); err != nil {
			return fmt.Errorf("look up mall: %w", err)
		}
		if known == 0 {
			return errs.Field("to_mall", "unknown mall %q; a mall admin adds partner malls", in.ToMall)
		}
		ps, err := zoneLines(ctx, tx, a, zone, in.Lines, false)
		if err != nil {
			return err
		}
		now := s.now()
		t = Transfer{ID: ids.New(), Direction: "out", FromMall: s.MallID, ToMall: in.ToMall, Zone: zone, Status: "sent",
			Note: in.Note, SentAt: now, SentBy: a.ID}
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfers (id, direction, from_mall, to_mall, zone, status, note, sent_at, sent_by)
			VALUES (?, 'out', ?, ?, ?, 'sent', ?, ?, ?)`, t.ID, s.MallID, in.ToMall, zone, in.Note, formatTime(now), a.ID); err != nil {
			return fmt.Errorf("insert transfer: %w", err)
		}
		ev := events.Transfer{TransferID: t.ID, FromMall: s.MallID, ToMall: in.ToMall, Zone: zone, By: a.ID, At: now}
		for i, l := range in.Lines {
			p := ps[i]
			if err := requireAvailable(ctx, tx, p.SKU, in.From, l.Qty, "transfer"); err != nil {
				return err
			}
			if err := GuardReserved(ctx, tx, p.SKU, l.Qty, "transferred"); err != nil {
				return err
			}
			if _, err := Apply(ctx, tx, s.MallID, Move{Kind: KindTransferOut, SKU: p.SKU, Zone: zone, Qty: l.Qty, From: in.From, To: Transit,
				Ref: t.ID, UserID: a.ID, Note: "to " + in.ToMall, At: now}, true); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_lines (transfer_id, sku, qty_sent) VALUES (?, ?, ?)`, t.ID, p.SKU, l.Qty); err != nil {
				return fmt.Errorf("insert transfer line: %w", err)
			}
			t.Lines = append(t.Lines, TransferLine{SKU: p.SKU, Name: p.Name, Sent: l.Qty})
			ev.Lines = append(ev.Lines, events.TransferLine{SKU: p.SKU, Qty: l.Qty})
		}
		held, err := s.issueDocument(ctx, tx, t.ID, in.ToMall, now, &ev)
		if err != nil {
			return err
		}
		if !held { // else it waits for its e-way bill (SetEWayBill)
			if _, err := events.Append(ctx, tx, s.MallID, events.TransferSent, now, ev); err != nil {
				return err
			}
		}
		return ik.Remember(ctx, tx, t.ID, now)
	})
	if err != nil {
		return t, err
	}
	if replay == "" { // read back with its document and e-way bill
		return s.GetTransfer(ctx, a, t.ID)
	}
	t, err = s.GetTransfer(ctx, a, replay)
	t.Replay = true
	return t, err
}

// RegisterIncoming records a transfer another mall sent to this one, as
// delivered by sync, inside the caller's transaction. It moves no stock:
// the goods count only once the zone manager receives them. Registering
// the same transfer again does nothing.
func RegisterIncoming(ctx context.Context, tx *sql.Tx, mallID string, t events.Transfer) error {
	switch {
	case t.ToMall != mallID:
		return errs.E(errs.Invalid, "transfer %s is for mall %s, not %s", t.TransferID, t.ToMall, mallID)
	case t.FromMall == mallID || !mallIDRE.MatchString(t.FromMall):
		return errs.E(errs.Invalid, "transfer %s has a bad sending mall %q", t.TransferID, t.FromMall)
	case len(t.Lines) == 0 || len(t.Lines) > MaxLines:
		return errs.E(errs.Invalid, "transfer %s has %d lines", t.TransferID, len(t.Lines))
	case t.At.IsZero():
		return errs.E(errs.Invalid, "transfer %s has no time", t.TransferID)
	}
	if _, err := ids.Parse(t.TransferID); err != nil {
		return errs.E(errs.Invalid, "transfer id %q is not a UUID", t.TransferID)
	}
	var dir, from string
	err := tx.QueryRowContext(ctx, `SELECT direction, from_mall FROM transfers WHERE id = ?`, t.TransferID).Scan(&dir, &from)
	if err == nil {
		if dir == "in" && from == t.FromMall {
			return nil
		}
		return errs.E(errs.Conflict, "transfer id %s is already used by another transfer", t.TransferID)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("look up transfer: %w", err)
	}
	var zones int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM zones WHERE code = ?`, t.Zone).Scan(&zones); err != nil {
		return fmt.Errorf("look up zone: %w", err)
	}
	if zones == 0 {
		return errs.E(errs.Invalid, "transfer %s: unknown zone %q", t.TransferID, t.Zone)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transfers (id, direction, from_mall, to_mall, zone, status, sent_at, sent_by)
		VALUES (?, 'in', ?, ?, ?, 'sent', ?, ?)`, t.TransferID, t.FromMall, mallID, t.Zone, formatTime(t.At), t.By); err != nil {
		return fmt.Errorf("insert incoming transfer: %w", err)
	}
	seen := map[string]bool{}
	for i, l := range t.Lines {
		p, err := lookupProduct(ctx, tx, l.SKU)
		if err != nil {
			return errs.E(errs.Invalid, "transfer %s line %d: %v", t.TransferID, i+1, err)
		}
		if p.Zone != t.Zone || l.Qty <= 0 || l.Qty > MaxLineQty || seen[l.SKU] {
			return errs.E(errs.Invalid, "transfer %s line %d: %s × %d is not a valid line of zone %s", t.TransferID, i+1, l.SKU, l.Qty, t.Zone)
		}
		seen[l.SKU] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO transfer_lines (transfer_id, sku, qty_sent) VALUES (?, ?, ?)`, t.TransferID, l.SKU, l.Qty); err != nil {
			return fmt.Errorf("insert incoming line: %w", err)
		}
	}
	return nil
}

// RegisterIncoming is the package function in its own transaction, for a
// mall admin entering a transfer by hand when the hub link is down.
func (s *Service) RegisterIncoming(ctx context.Context, a Actor, t events.Transfer) (Transfer, error) {
	if err := a.CanManage(t.Zone); err != nil {
		return Transfer{}, err
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return RegisterIncoming(ctx, tx, s.MallID, t) })
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, a, t.TransferID)
}

// ReceiveTransfer records what actually arrived of an incoming transfer:
// received units go to the zone's backroom, and the shortfall per line is
// reported here and in the transfer.received event back to the sender.
// Every line of the transfer must be given (0 for nothing arrived).
func (s *Service) ReceiveTransfer(ctx context.Context, a Actor, id string, lines []Line) (Transfer, error) {
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		t, err := readTransfer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.CanManage(t.Zone); err != nil {
			return err
		}
		if t.Direction != "in" {
			return errs.E(errs.Conflict, "transfer %s was sent by this mall; the receiving mall records its receipt", id)
		}
		if t.Status == "received" {
			return errs.E(errs.Conflict, "transfer %s was already received at %s", id, t.ReceivedAt.Format(time.RFC3339))
		}
		got := map[string]int64{}
		for i, l := range lines {
			if _, dup := got[l.SKU]; dup {
				return errs.Field(fmt.Sprintf("lines[%d].sku", i), "line %d: SKU %s is listed twice", i+1, l.SKU)
			}
			got[l.SKU] = l.Qty
		}
		now := s.now()
		ev := events.TransferReceipt{TransferID: id, FromMall: t.FromMall, ToMall: t.ToMall, Zone: t.Zone, By: a.ID, At: now}
		for _, tl := range t.Lines {
			q, ok := got[tl.SKU]
			if !ok {
				return errs.Field("lines", "say how many of %s arrived (0 if none)", tl.SKU)
			}
			delete(got, tl.SKU)
			if q < 0 || q > tl.Sent {
				return errs.Field("lines", "%s: received %d must be from 0 to the %d sent; receive any extra on a goods received note", tl.SKU, q, tl.Sent)
			}
			if q > 0 {
				if _, err := Apply(ctx, tx, s.MallID, Move{Kind: KindTransferIn, SKU: tl.SKU, Zone: t.Zone, Qty: q, To: Backroom,
					Ref: id, UserID: a.ID, Note: "from " + t.FromMall, At: now}, true); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE transfer_lines SET qty_received = ? WHERE transfer_id = ? AND sku = ?`, q, id, tl.SKU); err != nil {
				return fmt.Errorf("update transfer line: %w", err)
			}
			ev.Lines = append(ev.Lines, events.TransferReceiptLine{SKU: tl.SKU, Sent: tl.Sent, Received: q})
		}
		for sku := range got {
			return errs.Field("lines", "SKU %s is not on transfer %s", sku, id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transfers SET status = 'received', received_at = ?, received_by = ? WHERE id = ?`,
			formatTime(now), a.ID, id); err != nil {
			return fmt.Errorf("update transfer: %w", err)
		}
		_, err = events.Append(ctx, tx, s.MallID, events.TransferReceived, now, ev)
		return err
	})
	if err != nil {
		return Transfer{}, err
	}
	return s.GetTransfer(ctx, a, id)
}

// ConfirmDelivered closes a transfer this mall sent, on the receiver's
// transfer.received (delivered by sync, inside the caller's transaction):
// the sent units leave transit, and any shortfall becomes a stock
// exception for the sending zone's manager. Confirming twice does nothing.
func ConfirmDelivered(ctx context.Context, tx *sql.Tx, mallID string, r events.TransferReceipt) error {
	t, err := readTransfer(ctx, tx, r.TransferID)
	if err != nil {
		return err
	}
	if t.Direction != "out" || t.FromMall != mallID || t.ToMall != r.ToMall {
		return errs.E(errs.Invalid, "transfer %s was not sent by %s to %s", r.TransferID, mallID, r.ToMall)
	}
	if t.Status == "received" {
		return nil
	}
	got := map[string]int64{}
	for _, l := range r.Lines {
		got[l.SKU] = l.Received
	}
	at := r.At
	if at.IsZero() {
		at = time.Now()
	}
	for _, tl := range t.Lines {
		q := min(max(got[tl.SKU], 0), tl.Sent)
		if _, err := Apply(ctx, tx, mallID, Move{Kind: KindTransferOut, SKU: tl.SKU, Zone: t.Zone, Qty: tl.Sent, From: Transit,
			Ref: t.ID, UserID: r.By, Note: fmt.Sprintf("delivered to %s: %d received", t.ToMall, q), At: at}, true); err != nil {
			return err
		}
		if short := tl.Sent - q; short > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO stock_exceptions (id, at, sku, zone, shortfall, ref) VALUES (?, ?, ?, ?, ?, ?)`,
				ids.New(), formatTime(at), tl.SKU, t.Zone, short, t.ID); err != nil {
				return fmt.Errorf("record transfer shortage: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transfer_lines SET qty_received = ? WHERE transfer_id = ? AND sku = ?`, q, t.ID, tl.SKU); err != nil {
			return fmt.Errorf("update transfer line: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE transfers SET status = 'received', received_at = ?, received_by = ? WHERE id = ?`,
		formatTime(at), r.By, t.ID)
	return err
}

// TransferInbox hands the package's RegisterIncoming and ConfirmDelivered
// to the sync downlink, which takes them as an interface.
type TransferInbox struct{}

// RegisterIncoming is the package function RegisterIncoming.
func (TransferInbox) RegisterIncoming(ctx context.Context, tx *sql.Tx, mallID string, t events.Transfer) error {
	return RegisterIncoming(ctx, tx, mallID, t)
}

// ConfirmDelivered is the package function ConfirmDelivered.
func (TransferInbox) ConfirmDelivered(ctx context.Context, tx *sql.Tx, mallID string, r events.TransferReceipt) error {
	return ConfirmDelivered(ctx, tx, mallID, r)
}
