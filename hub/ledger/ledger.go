// Package ledger keeps the hub's books: a double-entry journal in integer
// paise into which every ingested sale, void and return is posted, with
// the sale and return facts beside it so that settlement can say which
// lines a payout pays.
//
// Chart of accounts (the account id says whose it is):
//
//	clearing:{mall}:{method}   asset      tenders collected by a mall (cash, upi, card)
//	gst:{state}:{head}         liability  output GST of the mall's state, head cgst, sgst, utgst or igst
//	roundoff:{mall}            income     invoice round-off lines (a credit when rounded up, a debit when down)
//	itc:{mall}:igst            asset      input tax credit of a mall: IGST on transfers it received
//	gst_commission:{mall}      liability  GST charged on the commission, where configured
//	producer:{producer}        liability  what the hub owes a producer (taxable value − commission − its GST)
//	commission:{mall}          income     the mall's commission
//	unposted:{mall}            liability  sales' tax, commission and round-off between a sale's entry and its
//	                                      batch's summary entry (summary.go); zero after every ingest commit
//	payouts:in_flight          liability  payouts sent to the bank, not yet confirmed
//	bank:hub                   asset      the hub's bank account
//	mall_damage:{mall}         asset      what a mall owes for damaged consignment it bears (damage.go)
//	channel_fee:{channel}      income     an online channel's fee on the orders it settled (a contra-income: debit balance)
//	channel_fee_gst:{channel}  asset      GST the channel charged on its fee, claimable as input tax credit
//
// Rules: every entry balances (Σ debits = Σ credits); entries and postings
// are never updated or deleted (triggers refuse it), a correction is a new
// entry that reverses the old one; entry ids are derived from the business
// key so a replay cannot book twice.
package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/sqldb"
)

// TimeFormat is how the hub's books store times: fixed width, so the text
// order of two times is their time order (RFC3339Nano trims zeros and is
// not).
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// TS formats t for storage.
func TS(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTS reads a stored time.
func ParseTS(s string) (time.Time, error) { return time.Parse(TimeFormat, s) }

// Account ids.
func ClearingAccount(mall, method string) string { return "clearing:" + mall + ":" + method }
func GSTAccount(state, head string) string       { return "gst:" + state + ":" + head }
func CommissionGSTAccount(mall string) string    { return "gst_commission:" + mall }
func ProducerAccount(producer string) string     { return "producer:" + producer }
func CommissionAccount(mall string) string       { return "commission:" + mall }
func RoundOffAccount(mall string) string         { return "roundoff:" + mall }
func ITCAccount(mall, head string) string        { return "itc:" + mall + ":" + head }
func ChannelFeeAccount(channel string) string    { return "channel_fee:" + channel }
func ChannelFeeGSTAccount(channel string) string { return "channel_fee_gst:" + channel }

const (
	PayoutsInFlight = "payouts:in_flight"
	BankAccount     = "bank:hub"
)

// classOf is an account's class, from its type prefix.
func classOf(account string) (typ, class string, err error) {
	typ, _, _ = strings.Cut(account, ":")
	switch typ {
	case "clearing", "bank", "itc", "channel_fee_gst", "mall_damage":
		return typ, "asset", nil
	case "gst", "gst_commission", "producer", "payouts", "unposted":
		return typ, "liability", nil
	case "commission", "roundoff", "channel_fee":
		return typ, "income", nil
	}
	return "", "", fmt.Errorf("ledger: unknown account type %q", account)
}

// Posting is one leg of an entry: exactly one of Debit and Credit is set.
type Posting struct {
	Account string
	Debit   int64
	Credit  int64
}

// D and C build postings.
func D(account string, paise int64) Posting { return Posting{Account: account, Debit: paise} }
func C(account string, paise int64) Posting { return Posting{Account: account, Credit: paise} }

// Entry is one balanced journal entry.
type Entry struct {
	ID       string
	Kind     string
	Mall     string
	Ref      string
	Reverses string
	EventID  string
	At       time.Time // business time
	Postings []Posting
}

// Post writes e inside tx and moves its accounts' running totals. Legs on
// the same account are netted; zero legs are dropped; an entry that nets
// to nothing writes nothing. It refuses an entry that does not balance.
func Post(ctx context.Context, tx sqldb.Tx, e Entry, now time.Time) error {
	return post(ctx, tx, nil, e, now)
}

// post is Post; with pending, the running totals are held back there.
func post(ctx context.Context, tx sqldb.Tx, pending *pendingTotals, e Entry, now time.Time) error {
	net := map[string]int64{}
	for _, p := range e.Postings {
		if p.Debit < 0 || p.Credit < 0 {
			return errs.E(errs.Invalid, "ledger: entry %s: negative posting on %s", e.ID, p.Account)
		}
		net[p.Account] += p.Debit - p.Credit
	}
	accounts := make([]string, 0, len(net))
	var sum, debits int64
	for a, v := range net {
		sum += v
		if v != 0 {
			accounts = append(accounts, a)
		}
		if v > 0 {
			debits += v
		}
	}
	if sum != 0 {
		return errs.E(errs.Invalid, "ledger: entry %s does not balance (debits − credits = %d paise)", e.ID, sum)
	}
	if debits == 0 {
		return nil
	}
	sort.Strings(accounts) // a stable order makes entries comparable
	ts := TS(now)
	var reverses any
	if e.Reverses != "" {
		reverses = e.Reverses
	}
	row := journalEntry{id: e.ID, kind: e.Kind, mall: e.Mall, ref: e.Ref, reverses: reverses, eventID: e.EventID, at: TS(e.At), created: ts,
		amount: debits}
	for _, a := range accounts {
		typ, class, err := classOf(a)
		if err != nil {
			return err
		}
		var d, c int64
		if v := net[a]; v > 0 {
			d = v
		} else {
			c = -v
		}
		if err := moveAccount(ctx, tx, pending, a, typ, class, d, c, ts); err != nil {
			return fmt.Errorf("ledger: account %s: %w", a, err)
		}
		row.postings = append(row.postings, Posting{Account: a, Debit: d, Credit: c})
	}
	if pending != nil {
		pending.journal(row)
		return nil
	}
	return writeJournal(ctx, tx, []journalEntry{row})
}

// moveAccount adds d and c to an account's running totals, creating the
// account the first time. With pending the totals are held back there, and
// only an account not yet known to exist is written (with no totals): the
// postings refer to it.
func moveAccount(ctx context.Context, tx sqldb.Tx, pending *pendingTotals, id, typ, class string, d, c int64, ts string) error {
	if pending != nil {
		if pending.hold(id, d, c) {
			return nil
		}
		d, c = 0, 0
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_accounts (id, type, class, debits, credits, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET debits = ledger_accounts.debits + excluded.debits, credits = ledger_accounts.credits + excluded.credits`,
		id, typ, class, d, c, ts); err != nil {
		return err
	}
	if pending != nil {
		pending.created(id)
	}
	return nil
}

// Reverse posts a new entry that undoes entry orig leg for leg. Reversing
// an entry that was never written (it netted to nothing) writes nothing.
func Reverse(ctx context.Context, tx sqldb.Tx, orig, id, kind, eventID string, at, now time.Time) error {
	return reverse(ctx, tx, nil, orig, id, kind, eventID, at, now, nil)
}

// reverse is Reverse, with extra postings in the same entry; with
// pending, the original may still be in its journal, not yet written.
func reverse(ctx context.Context, tx sqldb.Tx, pending *pendingTotals, orig, id, kind, eventID string, at, now time.Time, extra []Posting) error {
	if pending != nil {
		if e, ok := pending.written[orig]; ok {
			ps := make([]Posting, 0, len(e.postings)+len(extra))
			for _, p := range e.postings {
				ps = append(ps, Posting{Account: p.Account, Debit: p.Credit, Credit: p.Debit})
			}
			return post(ctx, tx, pending, Entry{ID: id, Kind: kind, Mall: e.mall, Ref: e.ref, Reverses: orig, EventID: eventID, At: at,
				Postings: append(ps, extra...)}, now)
		}
	}
	var mall, ref string
	err := tx.QueryRowContext(ctx, `SELECT mall, ref FROM ledger_entries WHERE id = ?`, orig).Scan(&mall, &ref)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger: reverse %s: %w", orig, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT account_id, debit, credit FROM ledger_postings WHERE entry_id = ? ORDER BY id`, orig)
	if err != nil {
		return fmt.Errorf("ledger: reverse %s: %w", orig, err)
	}
	var ps []Posting
	for rows.Next() {
		var p Posting
		if err := rows.Scan(&p.Account, &p.Credit, &p.Debit); err != nil { // swapped on purpose
			rows.Close()
			return err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return post(ctx, tx, pending, Entry{ID: id, Kind: kind, Mall: mall, Ref: ref, Reverses: orig, EventID: eventID, At: at,
		Postings: append(ps, extra...)}, now)
}

// journalEntry is an entry and its postings as written.
type journalEntry struct {
	id, kind, mall, ref, eventID, at, created string
	reverses                                  any
	amount                                    int64
	postings                                  []Posting
}

// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's
// 65,535 arguments.
const entriesPerInsert, postingsPerInsert = 200, 500

// writeJournal writes entries and then their postings, many rows per
// statement.
func writeJournal(ctx context.Context, tx sqldb.Tx, entries []journalEntry) error {
	for i := 0; i < len(entries); i += entriesPerInsert {
		part := entries[i:min(len(entries), i+entriesPerInsert)]
		args := make([]any, 0, 9*len(part))
		for _, e := range part {
			args = append(args, e.id, e.kind, e.mall, e.ref, e.reverses, e.eventID, e.at, e.created, e.amount)
		}
		q := `INSERT INTO ledger_entries (id, kind, mall, ref, reverses, event_id, effective_at, created_at, amount) VALUES ` +
			sqldb.ValuesList(len(part), 9)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("ledger: entries %s…: %w", part[0].id, err)
		}
	}
	var args []any
	for _, e := range entries {
		for _, p := range e.postings {
			args = append(args, e.id, p.Account, p.Debit, p.Credit)
		}
	}
	if err := sqldb.InsertRows(ctx, tx, `INSERT INTO ledger_postings (entry_id, account_id, debit, credit) VALUES `, 4, postingsPerInsert,
		args); err != nil {
		return fmt.Errorf("ledger: postings: %w", err)
	}
	return nil
}
