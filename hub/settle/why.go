package settle

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/invoice"
)

// Nothing says why a run paid nobody, in words finance can act on, and
// when the next sale lines become payable (their return window ends).
type Nothing struct {
	Reason        string     `json:"reason"`
	NextPayableAt *time.Time `json:"next_payable_at,omitempty"`
}

// inWords writes a time as people at the hub read it: 7 December 2026, 6:30 pm IST.
func inWords(t time.Time) string { return t.In(invoice.IST).Format("2 January 2006, 3:04 pm") + " IST" }

// explainNothing fills r.Nothing when r paid nobody. The next payable
// moment is the return window's end of the earliest sale line that no run
// has paid yet (not voided, sold after this run's window ended).
func explainNothing(ctx context.Context, q ledger.Queryer, r *Run) error {
	if r.PayoutCount > 0 {
		return nil
	}
	var winEnd string
	var winSecs int64
	if err := q.QueryRowContext(ctx, `SELECT window_end, window_secs FROM settlement_runs WHERE id = ?`, r.ID).Scan(&winEnd, &winSecs); err != nil {
		return fmt.Errorf("run window: %w", err)
	}
	reg, err := regionOf(ledger.TS(r.Cutoff), winSecs, winEnd)
	if err != nil {
		return err
	}
	window := time.Duration(winSecs) * time.Second
	var first sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT MIN(l.at) FROM hub_sale_lines l WHERE l.at > ?
		AND NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = l.mall AND v.sale_id = l.sale_id)`, reg.win).Scan(&first); err != nil {
		return fmt.Errorf("next payable line: %w", err)
	}
	n := &Nothing{}
	days := int(window / (24 * time.Hour))
	switch {
	case r.HeldCount > 0:
		n.Reason = fmt.Sprintf("%d producer(s) are owed ₹%s but have no bank account on file; it is carried forward until finance records their accounts", r.HeldCount, r.HeldTotal)
	case r.CarriedTotal.IsPositive():
		n.Reason = fmt.Sprintf("what is owed (₹%s in all) is below the minimum payout of ₹%s per producer and is carried forward", r.CarriedTotal, r.MinPayout)
	default:
		n.Reason = fmt.Sprintf("no sale older than the %d-day return window that an earlier run has not already paid (sales up to %s)", days, inWords(mustTS(reg.win)))
	}
	if first.Valid {
		if at, err := ledger.ParseTS(first.String); err == nil {
			next := at.Add(window)
			n.NextPayableAt = &next
			n.Reason += "; the next sale lines become payable on " + inWords(next)
		}
	} else {
		n.Reason += "; no newer sales have reached the hub yet"
	}
	r.Nothing = n
	return nil
}

func mustTS(s string) time.Time {
	t, _ := ledger.ParseTS(s)
	return t
}
