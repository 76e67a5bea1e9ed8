package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"ektamall/hub"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/money"
)

// Applier implements hub.EventApplier.
var _ hub.EventApplier = (*Applier)(nil)

// Applier posts ingested events into the books.
type Applier struct {
	now func() time.Time
}

// NewApplier returns an applier; now is the hub's clock (nil: time.Now),
// which stamps each booking's ingested_at, the time settlement cutoffs
// compare against.
func NewApplier(now func() time.Time) *Applier {
	if now == nil {
		now = time.Now
	}
	return &Applier{now: now}
}

// ApplyEvent books one event inside the ingest transaction. Applying an
// event again is a no-op; a different event claiming the same mall and
// sequence, or the same sale, return or shift id, is Invalid (ingest parks
// it). Unknown malls, products and producers are NotFound.
func (a *Applier) ApplyEvent(ctx context.Context, tx *sql.Tx, ev events.Envelope) (err error) {
	defer errs.Wrap(&err, "apply %s %s/%d", ev.Type, ev.Mall, ev.Seq)
	if err := ev.Validate(); err != nil {
		return errs.E(errs.Invalid, "%v", err)
	}
	var have string
	err = tx.QueryRowContext(ctx, `SELECT event_id FROM ledger_events WHERE mall = ? AND seq = ?`, ev.Mall, ev.Seq).Scan(&have)
	switch {
	case err == nil && have == ev.ID:
		return nil
	case err == nil:
		return errs.E(errs.Invalid, "sequence %d of mall %s was already booked as event %s", ev.Seq, ev.Mall, have)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ledger_events WHERE event_id = ?`, ev.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Invalid, "event id %s was already booked under another sequence", ev.ID)
	}
	now, err := bookingTime(ctx, tx, a.now())
	if err != nil {
		return err
	}
	switch ev.Type {
	case events.SaleCompleted:
		var p events.Sale
		if err := decode(ev, &p); err != nil {
			return err
		}
		err = applySale(ctx, tx, ev, p, now)
	case events.SaleVoided:
		var p events.Void
		if err := decode(ev, &p); err != nil {
			return err
		}
		err = applyVoid(ctx, tx, ev, p, now)
	case events.ReturnCompleted:
		var p events.Return
		if err := decode(ev, &p); err != nil {
			return err
		}
		err = applyReturn(ctx, tx, ev, p, now)
	case events.ShiftClosed:
		var p events.ShiftClose
		if err := decode(ev, &p); err != nil {
			return err
		}
		err = applyShiftClose(ctx, tx, ev, p, now)
	default:
		// Stock moves and transfers are not money; they are only counted
		// for completeness.
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ledger_events (mall, seq, event_id, type, at, applied_at) VALUES (?, ?, ?, ?, ?, ?)`,
		ev.Mall, ev.Seq, ev.ID, ev.Type, TS(ev.At), TS(now))
	return err
}

// bookingTime is the ingested_at stamp for a booking: now, or just after
// the latest settlement cutoff should the clock be behind it. Settlement
// pays sale lines by region (ingested_at up to a run's cutoff, see
// hub/settle), so a line stamped inside a closed run's region would never
// be paid.
func bookingTime(ctx context.Context, tx *sql.Tx, now time.Time) (time.Time, error) {
	now = now.UTC().Truncate(time.Microsecond) // the precision stored
	var last sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT MAX(cutoff) FROM settlement_runs`).Scan(&last); err != nil {
		return time.Time{}, err
	}
	if !last.Valid {
		return now, nil
	}
	cut, err := ParseTS(last.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("latest cutoff %q: %w", last.String, err)
	}
	if !now.After(cut) {
		now = cut.Add(time.Microsecond)
	}
	return now, nil
}

func decode(ev events.Envelope, v any) error {
	if err := json.Unmarshal(ev.Payload, v); err != nil {
		return errs.E(errs.Invalid, "bad %s payload: %v", ev.Type, err)
	}
	return nil
}

// mallState is the state of a registered mall: the place of supply of its
// over-the-counter sales, so the state whose GST it collects.
func mallState(ctx context.Context, tx *sql.Tx, mall string) (string, error) {
	var st string
	err := tx.QueryRowContext(ctx, `SELECT state FROM malls WHERE id = ?`, mall).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E(errs.NotFound, "unknown mall %q", mall)
	}
	return st, err
}

func validMethod(m string) bool { return m == "cash" || m == "upi" || m == "card" }

func applyShiftClose(ctx context.Context, tx *sql.Tx, ev events.Envelope, p events.ShiftClose, now time.Time) error {
	if p.ShiftID == "" {
		return errs.E(errs.Invalid, "shift.closed without shift_id")
	}
	if _, err := mallState(ctx, tx, ev.Mall); err != nil {
		return err
	}
	tenders := map[string]int64{}
	for m, amt := range p.Tenders {
		if !validMethod(m) {
			return errs.E(errs.Invalid, "shift %s: unknown tender method %q", p.ShiftID, m)
		}
		tenders[m] = amt.Paise()
	}
	tj, _ := json.Marshal(tenders)
	_, err := tx.ExecContext(ctx, `INSERT INTO hub_shift_closes (mall, shift_id, counter, opened_at, closed_at, sales_count, sales_total,
		returns_count, returns_total, voids_count, tenders, expected_cash, counted_cash, first_invoice_no, last_invoice_no, ingested_at, event_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Mall, p.ShiftID, p.Counter, TS(p.OpenedAt), TS(p.ClosedAt), p.SalesCount, p.SalesTotal.Paise(), p.ReturnsCount,
		p.ReturnsTotal.Paise(), p.VoidsCount, string(tj), p.ExpectedCash.Paise(), p.CountedCash.Paise(), p.FirstInvoiceNo,
		p.LastInvoiceNo, TS(now), ev.ID)
	if isUnique(err) {
		return errs.E(errs.Invalid, "shift %s of mall %s was already closed by another event", p.ShiftID, ev.Mall)
	}
	return err
}

// share is round-half-up(total × part / whole) in paise for non-negative
// values, in big integers so no product can overflow.
func share(total, part, whole int64) int64 {
	if whole == 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(total), big.NewInt(part))
	n.Mul(n, big.NewInt(2)).Add(n, big.NewInt(whole))
	n.Quo(n, new(big.Int).Mul(big.NewInt(whole), big.NewInt(2)))
	return n.Int64()
}

func paise(a money.Amount) int64 { return a.Paise() }

func businessTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}

func sameMoney(what string, got, want int64) error {
	if got != want {
		return errs.E(errs.Invalid, "%s: %s does not add up (expected %s)", what, money.FromPaise(got), money.FromPaise(want))
	}
	return nil
}
