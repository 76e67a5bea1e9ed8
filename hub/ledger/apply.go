package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"time"

	"ektamall/hub"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// Applier implements hub.EventApplier, and hub.BatchApplier for ingest.
var _ hub.BatchApplier = (*Applier)(nil)

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
// it). Unknown malls, products and producers are NotFound. On an error the
// caller rolls back what the event wrote, as ingest's savepoint does.
func (a *Applier) ApplyEvent(ctx context.Context, tx sqldb.Tx, ev events.Envelope) error {
	return a.apply(ctx, newBooker(tx), ev, nil)
}

// ForTx implements hub.BatchApplier: the returned applier books events in
// tx only, reads each mall, product, producer and commission rule of the
// catalog once for the whole transaction, and writes the accounts'
// running totals once, in Done.
func (a *Applier) ForTx(tx sqldb.Tx) hub.TxApplier {
	bk := newBooker(tx)
	bk.pending = newPendingTotals()
	return txApplier{a: a, bk: bk}
}

type txApplier struct {
	a  *Applier
	bk *booker
}

func (t txApplier) Apply(ctx context.Context, ev events.Envelope, payload any) error {
	err := t.a.apply(ctx, t.bk, ev, payload)
	t.bk.pending.endEvent(err == nil)
	return err
}

func (t txApplier) Done(ctx context.Context) error { return t.bk.pending.flush(ctx, t.bk.tx) }

// apply books ev; payload is its payload already decoded, or nil.
func (a *Applier) apply(ctx context.Context, bk *booker, ev events.Envelope, payload any) (err error) {
	defer errs.Wrap(&err, "apply %s %s/%d", ev.Type, ev.Mall, ev.Seq)
	if err := ev.Validate(); err != nil {
		return errs.E(errs.Invalid, "%v", err)
	}
	now, err := bookingTime(ctx, bk, a.now())
	if err != nil {
		return err
	}
	tx := bk.tx
	if booked, err := claim(ctx, tx, ev, now); err != nil || booked {
		return err
	}
	switch ev.Type {
	case events.SaleCompleted:
		p, err := payloadOf[events.Sale](ev, payload)
		if err != nil {
			return err
		}
		return applySale(ctx, bk, ev, *p, now)
	case events.SaleVoided:
		p, err := payloadOf[events.Void](ev, payload)
		if err != nil {
			return err
		}
		return applyVoid(ctx, tx, ev, *p, now)
	case events.ReturnCompleted:
		p, err := payloadOf[events.Return](ev, payload)
		if err != nil {
			return err
		}
		return applyReturn(ctx, bk, ev, *p, now)
	case events.ShiftClosed:
		p, err := payloadOf[events.ShiftClose](ev, payload)
		if err != nil {
			return err
		}
		return applyShiftClose(ctx, bk, ev, *p, now)
	}
	// Stock moves and transfers are not money; they are only counted for
	// completeness.
	return nil
}

// claim records ev in ledger_events before it is booked; the table's keys
// (mall and sequence, event id) refuse a second claim, so the common case
// costs one insert and no lookup. booked: this very event was booked
// before, and applying it again is a no-op.
func claim(ctx context.Context, tx sqldb.Tx, ev events.Envelope, now time.Time) (booked bool, err error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO ledger_events (mall, seq, event_id, type, at, applied_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, ev.Mall, ev.Seq, ev.ID, ev.Type, TS(ev.At), TS(now))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return false, err
	}
	var have string
	err = tx.QueryRowContext(ctx, `SELECT event_id FROM ledger_events WHERE mall = ? AND seq = ?`, ev.Mall, ev.Seq).Scan(&have)
	switch {
	case err == nil && have == ev.ID:
		return true, nil
	case err == nil:
		return false, errs.E(errs.Invalid, "sequence %d of mall %s was already booked as event %s", ev.Seq, ev.Mall, have)
	case errors.Is(err, sql.ErrNoRows):
		return false, errs.E(errs.Invalid, "event id %s was already booked under another sequence", ev.ID)
	}
	return false, err
}

// bookingTime is the ingested_at stamp for a booking: now, or just after
// the latest settlement cutoff should the clock be behind it. Settlement
// pays sale lines by region (ingested_at up to a run's cutoff, see
// hub/settle), so a line stamped inside a closed run's region would never
// be paid.
func bookingTime(ctx context.Context, bk *booker, now time.Time) (time.Time, error) {
	now = now.UTC().Truncate(time.Microsecond) // the precision stored
	cut, ok, err := bk.latestCutoff(ctx)
	if err != nil || !ok {
		return now, err
	}
	if !now.After(cut) {
		now = cut.Add(time.Microsecond)
	}
	return now, nil
}

// payloadOf is ev's payload: the one ingest decoded, if it is a *T, or
// decoded here.
func payloadOf[T any](ev events.Envelope, decoded any) (*T, error) {
	if p, ok := decoded.(*T); ok && p != nil {
		return p, nil
	}
	p := new(T)
	return p, decode(ev, p)
}

func decode(ev events.Envelope, v any) error {
	if err := json.Unmarshal(ev.Payload, v); err != nil {
		return errs.E(errs.Invalid, "bad %s payload: %v", ev.Type, err)
	}
	return nil
}

func validMethod(m string) bool { return m == "cash" || m == "upi" || m == "card" }

func applyShiftClose(ctx context.Context, bk *booker, ev events.Envelope, p events.ShiftClose, now time.Time) error {
	if p.ShiftID == "" {
		return errs.E(errs.Invalid, "shift.closed without shift_id")
	}
	if _, err := bk.mallState(ctx, ev.Mall); err != nil {
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
	heads := map[string]int64{}
	for h, amt := range p.TaxHeads {
		heads[h] = amt.Paise()
	}
	hj, _ := json.Marshal(heads)
	_, err := bk.tx.ExecContext(ctx, `INSERT INTO hub_shift_closes (mall, shift_id, counter, opened_at, closed_at, sales_count, sales_total,
		returns_count, returns_total, voids_count, tenders, expected_cash, counted_cash, first_invoice_no, last_invoice_no, ingested_at, event_id,
		round_off, tax_heads)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Mall, p.ShiftID, p.Counter, TS(p.OpenedAt), TS(p.ClosedAt), p.SalesCount, p.SalesTotal.Paise(), p.ReturnsCount,
		p.ReturnsTotal.Paise(), p.VoidsCount, string(tj), p.ExpectedCash.Paise(), p.CountedCash.Paise(), p.FirstInvoiceNo,
		p.LastInvoiceNo, TS(now), ev.ID, p.RoundOff.Paise(), string(hj))
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
