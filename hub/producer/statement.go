package producer

import (
	"context"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/money"
)

// Statement is the producer's ledger account (producer:<id>, what the hub
// owes them) over a period: the balance brought in, every entry that moved
// it, and the balance at the end. It is read from the postings themselves,
// so its total is the account's movement by construction, and a test
// holds it to the account's running totals.
type Statement struct {
	Producer Profile          `json:"producer"`
	From     time.Time        `json:"from"`
	To       time.Time        `json:"to"`
	Opening  money.Amount     `json:"opening_balance"`
	Credits  money.Amount     `json:"credits"` // earned: sales' shares, failed or returned payouts owed again
	Debits   money.Amount     `json:"debits"`  // given back or paid: returns, voids, payouts
	Closing  money.Amount     `json:"closing_balance"`
	Lines    []StatementLine  `json:"lines"`
	Account  string           `json:"account"`
	Kinds    map[string]Total `json:"by_kind"`
}

// Total sums the lines of one kind.
type Total struct {
	Count   int64        `json:"count"`
	Credits money.Amount `json:"credits"`
	Debits  money.Amount `json:"debits"`
}

// StatementLine is one ledger entry's effect on the producer's account.
type StatementLine struct {
	At      time.Time    `json:"at"`
	Kind    string       `json:"kind"` // sale, void, return, payout, payout_paid, payout_failed, payout_returned
	Mall    string       `json:"mall,omitempty"`
	Ref     string       `json:"ref"` // invoice, credit note or payout reference
	Entry   string       `json:"entry_id"`
	Credit  money.Amount `json:"credit"`
	Debit   money.Amount `json:"debit"`
	Balance money.Amount `json:"balance"`
}

// MaxStatementLines bounds one statement; a longer period is refused with
// a request to shorten it rather than cut silently.
const MaxStatementLines = 20000

// Statement builds the producer's statement for [from, to) by each
// entry's business time.
func (s *Service) Statement(ctx context.Context, p Profile, from, to time.Time) (Statement, error) {
	acct := ledger.ProducerAccount(p.ProducerID)
	st := Statement{Producer: p, From: from, To: to, Account: acct, Lines: []StatementLine{}, Kinds: map[string]Total{}}
	var open int64
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT COALESCE(SUM(p.credit - p.debit), 0) FROM ledger_postings p
		JOIN ledger_entries e ON e.id = p.entry_id WHERE p.account_id = ? AND e.effective_at < ?`, acct, ledger.TS(from)).Scan(&open); err != nil {
		return Statement{}, fmt.Errorf("statement opening: %w", err)
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT e.id, e.kind, e.mall, e.ref, e.effective_at, SUM(p.credit), SUM(p.debit)
		FROM ledger_postings p JOIN ledger_entries e ON e.id = p.entry_id
		WHERE p.account_id = ? AND e.effective_at >= ? AND e.effective_at < ?
		GROUP BY e.id, e.kind, e.mall, e.ref, e.effective_at ORDER BY e.effective_at, e.id LIMIT ?`,
		acct, ledger.TS(from), ledger.TS(to), MaxStatementLines+1)
	if err != nil {
		return Statement{}, fmt.Errorf("statement: %w", err)
	}
	defer rows.Close()
	bal := open
	var cr, db int64
	for rows.Next() {
		var l StatementLine
		var at string
		var c, d int64
		if err := rows.Scan(&l.Entry, &l.Kind, &l.Mall, &l.Ref, &at, &c, &d); err != nil {
			return Statement{}, err
		}
		l.At, _ = ledger.ParseTS(at)
		bal += c - d
		cr, db = cr+c, db+d
		l.Credit, l.Debit, l.Balance = money.FromPaise(c), money.FromPaise(d), money.FromPaise(bal)
		k := st.Kinds[l.Kind]
		k.Count++
		k.Credits, k.Debits = k.Credits.Add(l.Credit), k.Debits.Add(l.Debit)
		st.Kinds[l.Kind] = k
		st.Lines = append(st.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return Statement{}, err
	}
	if len(st.Lines) > MaxStatementLines {
		return Statement{}, tooLong(MaxStatementLines)
	}
	st.Opening, st.Credits, st.Debits, st.Closing = money.FromPaise(open), money.FromPaise(cr), money.FromPaise(db), money.FromPaise(bal)
	return st, nil
}
