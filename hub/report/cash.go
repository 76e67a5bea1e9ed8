package report

import (
	"context"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/money"
)

// ShiftCash is one closed shift's drawer: the cash its Z report expected
// (opening float, cash taken less change and refunds, paid in less paid
// out) against what the cashier counted. OverShort is counted − expected:
// negative is a shortage.
type ShiftCash struct {
	Mall      string       `json:"mall"`
	ShiftID   string       `json:"shift_id"`
	Counter   string       `json:"counter"`
	OpenedAt  time.Time    `json:"opened_at"`
	ClosedAt  time.Time    `json:"closed_at"`
	Expected  money.Amount `json:"expected_cash"`
	Counted   money.Amount `json:"counted_cash"`
	OverShort money.Amount `json:"over_short"`
}

// CashOverShort lists the shifts closed in rng (of one mall, or all when
// mall is ""), newest first, at most 1000.
func CashOverShort(ctx context.Context, q ledger.Queryer, mall string, rng Range) ([]ShiftCash, error) {
	lo, hi, err := rng.bounds()
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT mall, shift_id, counter, opened_at, closed_at, expected_cash, counted_cash
		FROM hub_shift_closes WHERE (? = '' OR mall = ?) AND closed_at >= ? AND closed_at < ?
		ORDER BY closed_at DESC, mall, shift_id LIMIT 1000`, mall, mall, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("cash over/short: %w", err)
	}
	defer rows.Close()
	out := []ShiftCash{}
	for rows.Next() {
		var s ShiftCash
		var opened, closed string
		var exp, cnt int64
		if err := rows.Scan(&s.Mall, &s.ShiftID, &s.Counter, &opened, &closed, &exp, &cnt); err != nil {
			return nil, fmt.Errorf("cash over/short: %w", err)
		}
		s.OpenedAt, _ = ledger.ParseTS(opened)
		s.ClosedAt, _ = ledger.ParseTS(closed)
		s.Expected, s.Counted, s.OverShort = money.FromPaise(exp), money.FromPaise(cnt), money.FromPaise(cnt-exp)
		out = append(out, s)
	}
	return out, rows.Err()
}
