package ledger

import (
	"context"
	"database/sql"
	"fmt"

	"ektamall/shared/money"
)

// Queryer is the read half of an sqldb.Querier (a pool or a transaction).
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Balance is the trial balance: total debits and credits over all
// postings, always equal.
type Balance struct {
	Debits  money.Amount `json:"debits"`
	Credits money.Amount `json:"credits"`
}

// TrialBalance sums every posting.
func TrialBalance(ctx context.Context, q Queryer) (Balance, error) {
	var d, c int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) FROM ledger_postings`).Scan(&d, &c); err != nil {
		return Balance{}, fmt.Errorf("trial balance: %w", err)
	}
	return Balance{Debits: money.FromPaise(d), Credits: money.FromPaise(c)}, nil
}

// Report is the result of Check: the books' totals and every broken
// invariant found (none when OK).
type Report struct {
	OK       bool         `json:"ok"`
	Debits   money.Amount `json:"debits"`
	Credits  money.Amount `json:"credits"`
	Entries  int64        `json:"entries"`
	Accounts int64        `json:"accounts"`
	Problems []string     `json:"problems"`
}

// Check verifies the ledger's invariants: total debits equal total
// credits; every entry balances and its postings sum to its amount; every
// account's running totals equal the sums of its postings; and every
// booked sale and return line splits into tax, commission, its GST and the
// producer's share with no paisa lost. An error means the check could not
// run; broken invariants are in the report.
func Check(ctx context.Context, q Queryer) (Report, error) {
	var r Report
	b, err := TrialBalance(ctx, q)
	if err != nil {
		return r, err
	}
	r.Debits, r.Credits = b.Debits, b.Credits
	if !b.Debits.Equal(b.Credits) {
		r.Problems = append(r.Problems, fmt.Sprintf("total debits %s != total credits %s", b.Debits, b.Credits))
	}
	checks := []struct {
		what string
		sql  string
	}{
		{"entry does not balance or does not match its amount", `SELECT e.id FROM ledger_entries e
			LEFT JOIN (SELECT entry_id, SUM(debit) d, SUM(credit) c FROM ledger_postings GROUP BY entry_id) p ON p.entry_id = e.id
			WHERE p.d IS NULL OR p.d != p.c OR p.d != e.amount LIMIT 20`},
		{"account totals differ from its postings", `SELECT a.id FROM ledger_accounts a
			LEFT JOIN (SELECT account_id, SUM(debit) d, SUM(credit) c FROM ledger_postings GROUP BY account_id) p ON p.account_id = a.id
			WHERE a.debits != COALESCE(p.d, 0) OR a.credits != COALESCE(p.c, 0) LIMIT 20`},
		{"posting on an unknown account", `SELECT DISTINCT p.account_id FROM ledger_postings p
			LEFT JOIN ledger_accounts a ON a.id = p.account_id WHERE a.id IS NULL LIMIT 20`},
		{"unposted sales' tax and commission left over", `SELECT id FROM ledger_accounts WHERE type = 'unposted' AND debits != credits LIMIT 20`},
		{"sale summary differs from the sales it names", `SELECT e.id FROM ledger_entries e
			LEFT JOIN (SELECT entry_id,
					SUM(CASE WHEN account_id LIKE 'gst:%' THEN credit - debit ELSE 0 END) AS tax,
					SUM(CASE WHEN account_id LIKE 'commission:%' OR account_id LIKE 'gst!_commission:%' ESCAPE '!' THEN credit - debit ELSE 0 END) AS comm,
					SUM(CASE WHEN account_id LIKE 'roundoff:%' THEN credit - debit ELSE 0 END) AS ro
				FROM ledger_postings GROUP BY entry_id) p ON p.entry_id = e.id
			LEFT JOIN (SELECT s.summary_entry AS id, SUM(s.tax) AS tax, SUM(l.comm) AS comm, SUM(s.round_off) AS ro FROM hub_sales s
				JOIN (SELECT mall, sale_id, SUM(commission + commission_gst) AS comm FROM hub_sale_lines GROUP BY mall, sale_id) l
					ON l.mall = s.mall AND l.sale_id = s.sale_id
				WHERE s.summary_entry <> '' GROUP BY s.summary_entry) s ON s.id = e.id
			WHERE e.kind = 'sale_summary' AND (s.id IS NULL OR p.tax != s.tax OR p.comm != s.comm OR p.ro != s.ro) LIMIT 20`},
		{"sale's tax in no summary", `SELECT s.mall || '/' || s.sale_id FROM hub_sales s WHERE s.summary_entry <> '' AND (s.tax != 0 OR s.round_off != 0)
			AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.id = s.summary_entry) LIMIT 20`},
		{"sale line split loses paise", `SELECT mall || '/' || sale_id || '/' || line_no FROM hub_sale_lines
			WHERE taxable + cgst + sgst + igst != amount OR producer_net + commission + commission_gst != taxable LIMIT 20`},
		{"return line split loses paise", `SELECT mall || '/' || return_id || '/' || sale_line_no FROM hub_return_lines
			WHERE taxable + cgst + sgst + igst != amount OR producer_net + commission + commission_gst != taxable LIMIT 20`},
	}
	checks = append(checks, damageChecks...)
	for _, c := range checks {
		rows, err := q.QueryContext(ctx, c.sql)
		if err != nil {
			return r, fmt.Errorf("ledger check: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return r, err
			}
			r.Problems = append(r.Problems, c.what+": "+id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r, err
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM ledger_accounts)`).Scan(&r.Entries, &r.Accounts); err != nil {
		return r, err
	}
	r.OK = len(r.Problems) == 0
	if r.Problems == nil {
		r.Problems = []string{}
	}
	return r, nil
}

// AccountBalance is an account's debits minus credits in paise
// (liabilities and income in credit come out negative).
func AccountBalance(ctx context.Context, q Queryer, account string) (int64, error) {
	var d, c int64
	err := q.QueryRowContext(ctx, `SELECT debits, credits FROM ledger_accounts WHERE id = ?`, account).Scan(&d, &c)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return d - c, err
}

// Account is one account with its totals.
type Account struct {
	ID      string       `json:"id"`
	Type    string       `json:"type"`
	Class   string       `json:"class"`
	Debits  money.Amount `json:"debits"`
	Credits money.Amount `json:"credits"`
	// Balance is in the account's normal direction: debit for assets,
	// credit for liabilities and income.
	Balance money.Amount `json:"balance"`
}

// Accounts lists every account, by id.
func Accounts(ctx context.Context, q Queryer) ([]Account, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, type, class, debits, credits FROM ledger_accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	defer rows.Close()
	out := []Account{}
	for rows.Next() {
		var a Account
		var d, c int64
		if err := rows.Scan(&a.ID, &a.Type, &a.Class, &d, &c); err != nil {
			return nil, err
		}
		a.Debits, a.Credits = money.FromPaise(d), money.FromPaise(c)
		if a.Class == "asset" {
			a.Balance = money.FromPaise(d - c)
		} else {
			a.Balance = money.FromPaise(c - d)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
