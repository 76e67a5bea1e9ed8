package pos

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/money"
)

// checkTenders refuses payments that cannot be right, against what the
// customer must pay (the total after any round-off): short of it; UPI or
// card beyond it (change comes only from cash, so a non-cash tender may at
// most cover what is due, and then no cash is needed); or cash asking for
// more change than the largest note, which is a typo, never a customer
// handing over a pile of notes.
func (s *Service) checkTenders(payable, cash, nonCash money.Amount) error {
	tendered := cash.Add(nonCash)
	change := tendered.Sub(payable)
	switch {
	case nonCash.GreaterThan(payable):
		return errs.Field("tenders", "UPI and card tenders (%s) are more than the amount payable (%s): change is given only from cash", nonCash, payable)
	case cash.IsPositive() && nonCash.IsPositive() && !nonCash.LessThan(payable):
		return errs.Field("tenders", "UPI and card tenders (%s) already pay the amount payable (%s); remove the cash tender of %s", nonCash, payable, cash)
	case tendered.LessThan(payable):
		return errs.Field("tenders", "tenders (%s) are short of the amount payable (%s) by %s", tendered, payable, payable.Sub(tendered))
	case change.GreaterThan(s.cfg.MaxChange):
		return errs.Field("tenders", "cash tendered (%s) would need %s change, more than %s (the largest note) above what is due (%s); check the amount",
			cash, change, s.cfg.MaxChange, payable.Sub(nonCash))
	}
	return nil
}

// ist is the mall's business day: Indian Standard Time.
var ist = time.FixedZone("IST", 5*3600+1800)

// checkRefs looks for the sale's UPI and card references on other sales of
// the same IST day. A UPI reference (the bank's RRN/UTR) identifies one
// payment, so a second sale with it is refused: the customer did not pay
// twice. Card slips are keyed by hand and can legitimately collide (an
// approval code), so a card reference only earns a warning on the
// invoice. It runs inside the sale's transaction, so two counters cannot
// both take the same UPI payment.
func checkRefs(ctx context.Context, tx *sql.Tx, ts []Tender, at time.Time) (warnings []string, err error) {
	y, m, d := at.In(ist).Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, ist)
	dayEnd := dayStart.AddDate(0, 0, 1)
	for _, t := range ts {
		if t.Ref == "" || t.Method == Cash {
			continue
		}
		rows, err := tx.QueryContext(ctx, `SELECT s.invoice_no, s.at FROM sale_tenders t JOIN sales s ON s.id = t.sale_id
			WHERE t.ref = ? AND t.ref <> '' AND t.method = ? AND s.status = 'completed' ORDER BY s.at`, t.Ref, t.Method)
		if err != nil {
			return nil, fmt.Errorf("tender references: %w", err)
		}
		var other string
		for rows.Next() {
			var no, when string
			if err := rows.Scan(&no, &when); err != nil {
				rows.Close()
				return nil, err
			}
			if w := parseTime(when); !w.Before(dayStart) && w.Before(dayEnd) && other == "" {
				other = no
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		switch {
		case other == "":
		case t.Method == UPI:
			return nil, errs.E(errs.Conflict, "UPI reference %s already paid invoice %s today; one UPI payment pays one sale: check the reference on the customer's phone", t.Ref, other)
		default:
			warnings = append(warnings, fmt.Sprintf("card reference %s is also on invoice %s today; check the slip", t.Ref, other))
		}
	}
	return warnings, nil
}
