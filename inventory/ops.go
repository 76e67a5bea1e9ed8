package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/text"
)

// Movement is the result of a restock or a damage write-off: one document
// id (the moves' ref) and the balances after it.
type Movement struct {
	ID     string         `json:"id"`
	Kind   Kind           `json:"kind"`
	Zone   string         `json:"zone"`
	From   Location       `json:"from"`
	To     Location       `json:"to"`
	Reason string         `json:"reason,omitempty"`
	At     time.Time      `json:"at"`
	By     string         `json:"by"`
	Lines  []MovementLine `json:"lines"`
	Replay bool           `json:"replay,omitempty"` // an earlier request with this Idempotency-Key made it
	// Approver is the mall admin who approved a write-off or a return to
	// the producer, when the movement was made by the approval.
	Approver string `json:"approved_by,omitempty"`
	Request  string `json:"request_id,omitempty"` // the approved StockRequest
}

// MovementLine is one SKU moved and where it stands afterwards.
type MovementLine struct {
	SKU      string `json:"sku"`
	Qty      int64  `json:"qty"`
	MoveID   string `json:"move_id"`
	Shelf    int64  `json:"shelf"`
	Backroom int64  `json:"backroom"`
	Damaged  int64  `json:"damaged"`
}

// RestockInput moves stock from the backroom onto the shelf.
type RestockInput struct {
	Lines []Line `json:"lines"`
	Note  string `json:"note,omitempty"`
}

// Restock moves lines from the zone's backroom to its shelf. Taking more
// than the backroom holds is refused: the manager counts first.
func (s *Service) Restock(ctx context.Context, a Actor, zone string, in RestockInput) (Movement, error) {
	if err := checkText("note", &in.Note, 500); err != nil {
		return Movement{}, err
	}
	return s.move(ctx, a, zone, in.Lines, KindRestock, Backroom, Shelf, in.Note, "", "restock")
}

// DamageInput writes damaged units off the shelf or out of the backroom
// into the zone's damaged location, with the reason.
type DamageInput struct {
	From   Location `json:"from"`
	Reason string   `json:"reason"`
	// Cause is whose loss it is by default: "in_store" (damaged at the
	// mall, the default) or "on_arrival" (found damaged when the
	// consignment arrived). The hub settles it by the cause (hub/ledger).
	Cause string `json:"cause,omitempty"`
	Lines []Line `json:"lines"`
}

// Causes of damage.
const (
	CauseInStore   = "in_store"
	CauseOnArrival = "on_arrival"
)

// check validates a write-off and fills its defaults.
func (in *DamageInput) check() error {
	if in.From != Shelf && in.From != Backroom {
		return errs.Field("from", "damaged goods are written off from \"shelf\" or \"backroom\"")
	}
	switch in.Cause {
	case "":
		in.Cause = CauseInStore
	case CauseInStore, CauseOnArrival:
	default:
		return errs.Field("cause", "cause is \"in_store\" (damaged at the mall) or \"on_arrival\" (damaged when it arrived)")
	}
	reason, err := text.Clean("reason", in.Reason, text.Rule{Max: 200, Required: true})
	if err != nil {
		return errs.Field("reason", "give the reason for the write-off in 1-200 characters of plain text: %s", errs.Public(err).Message)
	}
	in.Reason = reason
	return nil
}

// WriteOffDamage records damaged stock. It stays in the damaged location
// (awaiting disposal or return to the producer), so it remains counted.
// Over HTTP a write-off waits for a mall admin's approval (RequestDamage).
func (s *Service) WriteOffDamage(ctx context.Context, a Actor, zone string, in DamageInput) (Movement, error) {
	if err := in.check(); err != nil {
		return Movement{}, err
	}
	return s.move(ctx, a, zone, in.Lines, KindDamage, in.From, Damaged, in.Reason, in.Cause, "write off")
}

// ProducerReturnInput hands unsold or damaged consignment back to its
// producer: every line must be that producer's goods.
type ProducerReturnInput struct {
	ProducerID string   `json:"producer_id"`
	From       Location `json:"from"`
	Reason     string   `json:"reason"`
	Lines      []Line   `json:"lines"`
}

// ReturnToProducer takes goods out of the zone's backroom, shelf or
// damaged stock back to their producer, one document (the movement's id)
// listing them; the stock moves reach the hub and the producer's view.
// Over HTTP a return waits for a mall admin's approval
// (RequestProducerReturn).
func (s *Service) ReturnToProducer(ctx context.Context, a Actor, zone string, in ProducerReturnInput) (Movement, error) {
	if err := in.check(ctx, s.DB.R); err != nil {
		return Movement{}, err
	}
	return s.move(ctx, a, zone, in.Lines, KindProducerReturn, in.From, Outside, in.note(), "", "return to the producer")
}

// check validates a return to the producer: every line must be theirs.
func (in *ProducerReturnInput) check(ctx context.Context, q queryer) error {
	if in.From != Shelf && in.From != Backroom && in.From != Damaged {
		return errs.Field("from", "goods go back to their producer from \"shelf\", \"backroom\" or \"damaged\"")
	}
	reason, err := text.Clean("reason", in.Reason, text.Rule{Max: 200, Required: true})
	if err != nil {
		return errs.Field("reason", "give the reason for the return in 1-200 characters of plain text: %s", errs.Public(err).Message)
	}
	in.Reason = reason
	for _, l := range in.Lines {
		var producer string
		err := q.QueryRowContext(ctx, `SELECT producer_id FROM products WHERE sku = ? OR barcode = ?`, l.SKU, l.SKU).Scan(&producer)
		if err == nil && producer != in.ProducerID {
			return errs.Field("producer_id", "%s is not %q's product", l.SKU, in.ProducerID)
		}
	}
	return nil
}

// note is the moves' note: to whom and why.
func (in ProducerReturnInput) note() string { return "to " + in.ProducerID + ": " + in.Reason }

// move moves every line from one location of the zone to another in one
// transaction, refusing the lot if any line asks for more than is there.
func (s *Service) move(ctx context.Context, a Actor, zone string, lines []Line, kind Kind, from, to Location, note, cause, verb string) (Movement, error) {
	var out Movement
	var replay string
	ik := a.request(string(kind), []any{kind, zone, lines, from, note, cause})
	err := s.DB.Transact(ctx, func(tx *sql.Tx) (err error) {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		if replay, err = ik.Replay(ctx, tx); err != nil || replay != "" {
			return err
		}
		now := s.now()
		if out, err = s.moveIn(ctx, tx, a, zone, lines, kind, from, to, note, cause, verb, now); err != nil {
			return err
		}
		return ik.Remember(ctx, tx, out.ID, now)
	})
	if err != nil || replay == "" {
		return out, err
	}
	return s.readMovement(ctx, replay)
}

// moveIn makes move's movement inside tx, as a (whose zone the caller
// has checked).
func (s *Service) moveIn(ctx context.Context, tx *sql.Tx, a Actor, zone string, lines []Line, kind Kind, from, to Location, note, cause, verb string,
	now time.Time) (Movement, error) {
	ps, err := zoneLines(ctx, tx, a, zone, lines, false)
	if err != nil {
		return Movement{}, err
	}
	out := Movement{ID: ids.New(), Kind: kind, Zone: zone, From: from, To: to, At: now, By: a.ID}
	if kind == KindDamage || kind == KindProducerReturn {
		out.Reason = note
	}
	for i, l := range lines {
		if err := requireAvailable(ctx, tx, ps[i].SKU, from, l.Qty, verb); err != nil {
			return Movement{}, err
		}
		if to != Shelf && to != Backroom { // leaving what the channels were promised
			if err := GuardReserved(ctx, tx, ps[i].SKU, l.Qty, "moved out"); err != nil {
				return Movement{}, err
			}
		}
		m, err := Apply(ctx, tx, s.MallID, Move{Kind: kind, SKU: ps[i].SKU, Zone: zone, Qty: l.Qty, From: from, To: to,
			Ref: out.ID, UserID: a.ID, Note: note, Cause: cause, At: now}, true)
		if err != nil {
			return Movement{}, err
		}
		ml := MovementLine{SKU: m.SKU, Qty: m.Qty, MoveID: m.ID}
		if ml.Shelf, ml.Backroom, ml.Damaged, err = balances(ctx, tx, m.SKU); err != nil {
			return Movement{}, err
		}
		out.Lines = append(out.Lines, ml)
	}
	return out, nil
}

// readMovement rebuilds a restock or write-off from its moves, with the
// balances as they are now.
func (s *Service) readMovement(ctx context.Context, id string) (Movement, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, at, kind, sku, zone, qty, COALESCE(from_loc, ''), COALESCE(to_loc, ''), user_id, note
		FROM stock_moves WHERE ref = ? ORDER BY rowid`, id)
	if err != nil {
		return Movement{}, fmt.Errorf("read movement: %w", err)
	}
	defer rows.Close()
	out := Movement{ID: id, Replay: true}
	for rows.Next() {
		var m Move
		var at string
		if err := rows.Scan(&m.ID, &at, &out.Kind, &m.SKU, &out.Zone, &m.Qty, &out.From, &out.To, &out.By, &m.Note); err != nil {
			return Movement{}, err
		}
		out.At = parseTime(at)
		if out.Kind == KindDamage {
			out.Reason = m.Note
		}
		ml := MovementLine{SKU: m.SKU, Qty: m.Qty, MoveID: m.ID}
		if ml.Shelf, ml.Backroom, ml.Damaged, err = balances(ctx, s.DB.R, m.SKU); err != nil {
			return Movement{}, err
		}
		out.Lines = append(out.Lines, ml)
	}
	return out, rows.Err()
}

func balances(ctx context.Context, q queryer, sku string) (shelf, back, damaged int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE location WHEN 'shelf' THEN qty END), 0),
		COALESCE(SUM(CASE location WHEN 'backroom' THEN qty END), 0),
		COALESCE(SUM(CASE location WHEN 'damaged' THEN qty END), 0)
		FROM stock WHERE sku = ?`, sku).Scan(&shelf, &back, &damaged)
	if err != nil {
		err = fmt.Errorf("balances %s: %w", sku, err)
	}
	return
}
