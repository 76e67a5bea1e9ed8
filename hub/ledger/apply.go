package ledger

import (
	"context"
	"encoding/json"
	"math/big"
	"time"

	"ektamall/hub"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// Applier posts ingested events into the books: Open is the
// hub.OpenBooks that ingest is given.
type Applier struct {
	now    func() time.Time
	damage DamagePolicy // who bears damaged goods (damage.go)
}

// NewApplier returns an applier; now is the hub's clock (nil: time.Now),
// which stamps each booking's ingested_at, the time settlement cutoffs
// compare against.
func NewApplier(now func() time.Time) *Applier {
	if now == nil {
		now = time.Now
	}
	return &Applier{now: now, damage: DefaultDamagePolicy}
}

var _ hub.OpenBooks = (*Applier)(nil).Open

// Open implements hub.OpenBooks: the returned books post events in tx
// only, read each mall, product, producer and commission rule of the
// catalog once for the whole transaction, and write the accounts' running
// totals once, in Done.
func (a *Applier) Open(tx sqldb.Tx) hub.Books {
	bk := newBooker(tx)
	bk.pending = newPendingTotals()
	bk.sums = newSummaries()
	return books{a: a, bk: bk}
}

type books struct {
	a  *Applier
	bk *booker
}

// Book posts one event that ingest has decoded, validated, checked the
// references of, de-duplicated and put in order. A second sale, return,
// void or shift close under an id already booked is Invalid (ingest parks
// it); so is a return or void the books cannot match to what they hold.
// On an error the caller rolls back what the event wrote, as ingest's
// savepoint does.
func (b books) Book(ctx context.Context, ev events.Event) error {
	err := b.a.book(ctx, b.bk, ev)
	b.bk.pending.endEvent(err == nil)
	b.bk.sums.endEvent(err == nil)
	return err
}

// Done posts the batch's sale summaries, then writes the accounts'
// running totals.
func (b books) Done(ctx context.Context) error {
	if err := b.bk.sums.flush(ctx, b.bk.tx, b.bk.pending); err != nil {
		return err
	}
	b.bk.pending.endEvent(true) // the summaries' totals
	return b.bk.pending.flush(ctx, b.bk.tx)
}

// book posts ev's money, by the type of its payload.
func (a *Applier) book(ctx context.Context, bk *booker, ev events.Event) (err error) {
	defer errs.Wrap(&err, "apply %s %s/%d", ev.Type, ev.Mall, ev.Seq)
	now, err := bookingTime(ctx, bk, a.now())
	if err != nil {
		return err
	}
	switch p := ev.Payload.(type) {
	case *events.Sale:
		return applySale(ctx, bk, ev.Envelope, *p, now)
	case *events.Void:
		return applyVoid(ctx, bk, ev.Envelope, *p, now)
	case *events.Return:
		return applyReturn(ctx, bk, ev.Envelope, *p, now)
	case *events.ShiftClose:
		return applyShiftClose(ctx, bk, ev.Envelope, *p, now)
	case *events.Transfer: // its tax invoice's IGST, when it moved on one
		return applyTransferDoc(ctx, bk, ev.Envelope, *p, now)
	case *events.StockMove: // a damage write-off, settled by whose loss it is (damage.go)
		return applyDamage(ctx, bk, a.damage, ev.Envelope, *p, now)
	}
	// Stock moves, transfers on a challan and restore markers are not money.
	return nil
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

func applyShiftClose(ctx context.Context, bk *booker, ev events.Envelope, p events.ShiftClose, now time.Time) error {
	if _, err := bk.mallState(ctx, ev.Mall); err != nil {
		return err
	}
	tenders := map[string]int64{}
	for m, amt := range p.Tenders {
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
