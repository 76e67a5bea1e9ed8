package gstr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/money"
)

// Check compares a period's return, as the books stand now, with the
// hub's tax accounts: the output tax the ledger holds for the mall's
// documents dated in the period (a cancellation counts in the period of
// the invoice it cancels) must equal the return's net liability, head by
// head, to the paisa.
type Check struct {
	Mall    string            `json:"mall"`
	Period  string            `json:"period"`
	OK      bool              `json:"ok"`
	GSTR1   Heads             `json:"gstr1"`
	Ledger  Heads             `json:"ledger"` // txval is not in the tax accounts and is left zero
	Diff    []string          `json:"differences"`
	Summary Summary           `json:"summary"`
	FiledAt *time.Time        `json:"filed_at,omitempty"`
	Filed   *Heads            `json:"filed,omitempty"` // the liability as filed
	Heads   map[string]string `json:"ledger_accounts"` // account → net credit
}

// Check builds the check for mall and period.
func (s *Service) Check(ctx context.Context, mallID string, p Period) (Check, error) {
	q := s.DB.Reader()
	m, err := LoadMall(ctx, q, mallID)
	if err != nil {
		return Check{}, err
	}
	fs, err := filings(ctx, q, mallID)
	if err != nil {
		return Check{}, err
	}
	docs, err := loadDocs(ctx, q, m, p.Start(), p.End())
	if err != nil {
		return Check{}, err
	}
	sum := Summarize(build(m, p, docs, s.now().UTC()))
	led, accts, err := LedgerTax(ctx, q, mallID, p.Start(), p.End())
	if err != nil {
		return Check{}, err
	}
	c := Check{Mall: mallID, Period: p.String(), GSTR1: sum.Liability, Ledger: led, Summary: sum, Heads: accts, Diff: []string{}}
	c.GSTR1.Txval, c.Ledger.Txval = sum.Liability.Txval, money.Zero
	for _, h := range []struct {
		name string
		a, b money.Amount
	}{{"igst", sum.Liability.IGST, led.IGST}, {"cgst", sum.Liability.CGST, led.CGST}, {"sgst", sum.Liability.SGST, led.SGST},
		{"cess", sum.Liability.Cess, led.Cess}} {
		if !h.a.Equal(h.b) {
			c.Diff = append(c.Diff, fmt.Sprintf("%s: GSTR-1 %s, ledger %s", h.name, h.a, h.b))
		}
	}
	c.OK = len(c.Diff) == 0
	if f, ok := fs[p]; ok {
		c.FiledAt, c.Filed = &f.At, &f.Totals
	}
	return c, nil
}

// LedgerTax is the net output tax (credits − debits) the ledger holds on
// the GST accounts for a mall's documents dated in [from, to): every
// entry of the mall on a gst: account, a reversal counted at the date of
// the entry it reverses.
func LedgerTax(ctx context.Context, q Queryer, mall string, from, to time.Time) (Heads, map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.account_id, COALESCE(SUM(p.credit - p.debit), 0)
		FROM ledger_postings p
		JOIN ledger_entries e ON e.id = p.entry_id
		LEFT JOIN ledger_entries o ON o.id = e.reverses
		WHERE e.mall = ? AND p.account_id LIKE 'gst:%'
		  AND COALESCE(o.effective_at, e.effective_at) >= ? AND COALESCE(o.effective_at, e.effective_at) < ?
		GROUP BY p.account_id ORDER BY p.account_id`, mall, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return Heads{}, nil, fmt.Errorf("gstr1: ledger tax: %w", err)
	}
	defer rows.Close()
	var h heads
	accts := map[string]string{}
	for rows.Next() {
		var acct string
		var v int64
		if err := rows.Scan(&acct, &v); err != nil {
			return Heads{}, nil, err
		}
		accts[acct] = money.FromPaise(v).String()
		switch acct[strings.LastIndex(acct, ":")+1:] {
		case "igst":
			h.i += v
		case "cgst":
			h.c += v
		case "sgst", "utgst":
			h.s += v
		case "cess":
			h.ces += v
		}
	}
	return h.out(), accts, rows.Err()
}
