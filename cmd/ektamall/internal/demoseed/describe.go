package demoseed

import (
	"context"
	"fmt"
	"time"

	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// Summary is what the demo's data holds, for the banner.
type Summary struct {
	Malls []MallSummary
	// Runs are the settlement runs, Paid the payouts the bank paid and
	// PaidTotal their sum.
	Runs, Paid int64
	PaidTotal  money.Amount
}

// MallSummary is one mall's part.
type MallSummary struct {
	ID                string
	Sales, Returns    int64
	First, Last       time.Time // the first and last sale (zero: none)
	Shelf, Backroom   int64     // units
	SKUsOnShelf       int64
	Events, AtHub     int64 // outbox events, and how many the hub holds
	Low, ShiftsClosed int64
}

// Describe reads the summary from the databases.
func Describe(ctx context.Context, hub sqldb.DB, malls []Mall) (Summary, error) {
	var s Summary
	var paid int64
	err := hub.Reader().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM settlement_runs),
		(SELECT count(*) FROM payout_results WHERE status = 'paid'),
		(SELECT COALESCE(SUM(p.amount), 0) FROM payout_results r JOIN settlement_payouts p ON p.id = r.payout_id WHERE r.status = 'paid')`).
		Scan(&s.Runs, &s.Paid, &paid)
	if err != nil {
		return s, fmt.Errorf("describe hub: %w", err)
	}
	s.PaidTotal = money.FromPaise(paid)
	for _, m := range malls {
		ms := MallSummary{ID: m.ID}
		var first, last string
		err := m.DB.R.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM sales WHERE status = 'completed'), (SELECT count(*) FROM returns),
			COALESCE((SELECT MIN(at) FROM sales), ''), COALESCE((SELECT MAX(at) FROM sales), ''),
			(SELECT COALESCE(SUM(qty), 0) FROM stock WHERE location = 'shelf' AND qty > 0),
			(SELECT COALESCE(SUM(qty), 0) FROM stock WHERE location = 'backroom' AND qty > 0),
			(SELECT count(*) FROM stock WHERE location = 'shelf' AND qty > 0),
			(SELECT COALESCE(MAX(seq), 0) FROM outbox),
			(SELECT count(*) FROM shifts WHERE status = 'closed'),
			(SELECT count(*) FROM reorder_points r WHERE r.reorder_point >= (SELECT COALESCE(SUM(s.qty), 0) FROM stock s
				WHERE s.sku = r.sku AND s.location IN ('shelf', 'backroom')))`).
			Scan(&ms.Sales, &ms.Returns, &first, &last, &ms.Shelf, &ms.Backroom, &ms.SKUsOnShelf, &ms.Events, &ms.ShiftsClosed, &ms.Low)
		if err != nil {
			return s, fmt.Errorf("describe %s: %w", m.ID, err)
		}
		ms.First, _ = time.Parse(time.RFC3339Nano, first)
		ms.Last, _ = time.Parse(time.RFC3339Nano, last)
		if err := hub.Reader().QueryRowContext(ctx, `SELECT COALESCE((SELECT watermark FROM mall_sync WHERE mall_id = ?), 0)`, m.ID).Scan(&ms.AtHub); err != nil {
			return s, fmt.Errorf("describe %s at the hub: %w", m.ID, err)
		}
		s.Malls = append(s.Malls, ms)
	}
	return s, nil
}
