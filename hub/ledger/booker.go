package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// booker books events in one transaction. It remembers what it read of
// the catalog, the commission rules and the settlement runs for the life
// of the transaction, which cannot go stale: the transaction holds
// SQLite's only write lock, and booking never writes those tables. A
// backlog batch books hundreds of sales of the same few hundred products,
// so most lookups are answered from memory.
type booker struct {
	tx        sqldb.Tx
	malls     map[string]string // mall id → state
	products  map[string]product
	producers map[string]producer
	rules     map[ruleKey][]storedRule // latest effective first
	cutoff    *latestCut               // the latest settlement cutoff, once read
	// pending holds the accounts' running totals back until the batch
	// ends; nil: each entry moves them at once.
	pending *pendingTotals
	// sums holds the batch's sale summaries (summary.go).
	sums *summaries
}

type product struct{ category, producer string }

// latestCut is the latest settlement run's cutoff; ok is false before the
// first run.
type latestCut struct {
	at time.Time
	ok bool
}

type producer struct{ district, state string }

type ruleKey struct{ scope, key string }

// storedRule keeps effective_from as stored, so that "in force at" is the
// same text comparison the table's order uses.
type storedRule struct {
	Rule
	from string
}

func newBooker(tx sqldb.Tx) *booker {
	return &booker{tx: tx, malls: map[string]string{}, products: map[string]product{},
		producers: map[string]producer{}, rules: map[ruleKey][]storedRule{}}
}

// mallState is the state of a registered mall: the place of supply of its
// over-the-counter sales, so the state whose GST it collects.
func (bk *booker) mallState(ctx context.Context, mall string) (string, error) {
	if st, ok := bk.malls[mall]; ok {
		return st, nil
	}
	var st string
	err := bk.tx.QueryRowContext(ctx, `SELECT state FROM malls WHERE id = ?`, mall).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E(errs.NotFound, "unknown mall %q", mall)
	}
	if err != nil {
		return "", err
	}
	bk.malls[mall] = st
	return st, nil
}

// product is a SKU of the master catalog.
func (bk *booker) product(ctx context.Context, sku string) (p product, err error) {
	if p, ok := bk.products[sku]; ok {
		return p, nil
	}
	err = bk.tx.QueryRowContext(ctx, `SELECT category, producer_id FROM products WHERE sku = ?`, sku).Scan(&p.category, &p.producer)
	if err != nil {
		return p, lookupErr("product", sku, err)
	}
	bk.products[sku] = p
	return p, nil
}

// producer is a registered producer.
func (bk *booker) producer(ctx context.Context, id string) (p producer, err error) {
	if p, ok := bk.producers[id]; ok {
		return p, nil
	}
	err = bk.tx.QueryRowContext(ctx, `SELECT district_id, state FROM producers WHERE id = ?`, id).Scan(&p.district, &p.state)
	if err != nil {
		return p, lookupErr("producer", id, err)
	}
	bk.producers[id] = p
	return p, nil
}

// lookupErr is the error of a catalog lookup: a row that is not there is
// NotFound, as for any read.
func lookupErr(what, id string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "%s %q is not in the catalog", what, id)
	}
	return err
}

// latestCutoff is the cutoff of the latest settlement run; ok is false
// before the first run.
func (bk *booker) latestCutoff(ctx context.Context) (cut time.Time, ok bool, err error) {
	if bk.cutoff == nil {
		var last sql.NullString
		if err := bk.tx.QueryRowContext(ctx, `SELECT MAX(cutoff) FROM settlement_runs`).Scan(&last); err != nil {
			return time.Time{}, false, err
		}
		lc := latestCut{ok: last.Valid}
		if lc.ok {
			if lc.at, err = ParseTS(last.String); err != nil {
				return time.Time{}, false, fmt.Errorf("latest cutoff %q: %w", last.String, err)
			}
		}
		bk.cutoff = &lc
	}
	return bk.cutoff.at, bk.cutoff.ok, nil
}

// post is Post, holding the accounts' running totals back when the booker
// does.
func (bk *booker) post(ctx context.Context, e Entry, now time.Time) error {
	return post(ctx, bk.tx, bk.pending, e, now)
}

// pendingTotals are what a batch's entries add to their accounts' running
// totals, written once per account when the batch ends instead of once
// per entry: a backlog books thousands of entries on the same few hundred
// accounts. Nothing reads the totals inside the batch's transaction, and
// they are written before it commits. An event's own totals are kept
// apart until it is booked whole, since a refused event's writes are
// rolled back (ingest's savepoint).
type pendingTotals struct {
	// The journal's entries are held back too, and written many rows per
	// statement: those of the events booked, by id (written), in order
	// (entries), and those of the event being booked (eventEntries).
	written      map[string]*journalEntry
	entries      []*journalEntry
	eventEntries []*journalEntry
	// Sale tenders likewise: of the events booked, and of the event being
	// booked.
	tenders, eventTenders []tenderRow

	known map[string]bool         // accounts that exist in the transaction
	batch map[string]accountTotal // of the events booked
	event map[string]accountTotal // of the event being booked
	fresh []string                // accounts the event being booked created
}

type accountTotal struct{ debits, credits int64 }

func newPendingTotals() *pendingTotals {
	return &pendingTotals{written: map[string]*journalEntry{}, known: map[string]bool{}, batch: map[string]accountTotal{},
		event: map[string]accountTotal{}}
}

// tenderRow is a row of hub_sale_tenders.
type tenderRow struct {
	mall, sale, method, ref string
	idx                     int
	amount                  int64
}

// tender holds a tender of the sale being booked.
func (pt *pendingTotals) tender(t tenderRow) { pt.eventTenders = append(pt.eventTenders, t) }

// journal holds an entry of the event being booked.
func (pt *pendingTotals) journal(e journalEntry) { pt.eventEntries = append(pt.eventEntries, &e) }

// hold adds d and c to the account's totals held back for the event being
// booked, and reports whether the account is known to exist.
func (pt *pendingTotals) hold(id string, d, c int64) (known bool) {
	t := pt.event[id]
	t.debits += d
	t.credits += c
	pt.event[id] = t
	return pt.known[id]
}

// created notes that the event being booked created the account (or found
// it there).
func (pt *pendingTotals) created(id string) {
	pt.known[id] = true
	pt.fresh = append(pt.fresh, id)
}

// endEvent keeps the totals of the event just booked, or drops them and
// forgets the accounts it created if it was refused.
func (pt *pendingTotals) endEvent(booked bool) {
	if booked {
		pt.tenders = append(pt.tenders, pt.eventTenders...)
		for _, e := range pt.eventEntries {
			pt.written[e.id] = e
			pt.entries = append(pt.entries, e)
		}
		for id, t := range pt.event {
			b := pt.batch[id]
			b.debits += t.debits
			b.credits += t.credits
			pt.batch[id] = b
		}
	} else {
		for _, id := range pt.fresh {
			delete(pt.known, id)
		}
	}
	clear(pt.event)
	pt.fresh = pt.fresh[:0]
	pt.eventEntries = pt.eventEntries[:0]
	pt.eventTenders = pt.eventTenders[:0]
}

// flush writes the journal and then the totals held back, in account
// order.
func (pt *pendingTotals) flush(ctx context.Context, tx sqldb.Tx) error {
	entries := make([]journalEntry, len(pt.entries))
	for i, e := range pt.entries {
		entries[i] = *e
	}
	if err := writeJournal(ctx, tx, entries); err != nil {
		return err
	}
	if err := writeTenders(ctx, tx, pt.tenders); err != nil {
		return err
	}
	pt.tenders = pt.tenders[:0]
	pt.entries = pt.entries[:0]
	clear(pt.written)
	ids := make([]string, 0, len(pt.batch))
	for id := range pt.batch {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := pt.batch[id]
		res, err := tx.ExecContext(ctx, `UPDATE ledger_accounts SET debits = debits + ?, credits = credits + ? WHERE id = ?`, t.debits, t.credits, id)
		if err != nil {
			return fmt.Errorf("ledger: account %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("ledger: account %s: totals not written (%d rows, %v)", id, n, err)
		}
	}
	clear(pt.batch)
	return nil
}

// tendersPerInsert keeps a statement's arguments well under both
// databases' limits.
const tendersPerInsert = 1000

// writeTenders writes sale tenders, many rows per statement.
func writeTenders(ctx context.Context, tx sqldb.Tx, ts []tenderRow) error {
	args := make([]any, 0, 6*len(ts))
	for _, t := range ts {
		args = append(args, t.mall, t.sale, t.idx, t.method, t.amount, t.ref)
	}
	if err := sqldb.InsertRows(ctx, tx, `INSERT INTO hub_sale_tenders (mall, sale_id, idx, method, amount, ref) VALUES `, 6, tendersPerInsert,
		args); err != nil {
		return fmt.Errorf("ledger: sale tenders: %w", err)
	}
	return nil
}
