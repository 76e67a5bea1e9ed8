package settle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/money"
)

// ProducerPayout is a payout as its producer sees it: what the run paid,
// the deductions behind the amount, and what the bank said.
type ProducerPayout struct {
	Payout
	RunNo  int64      `json:"run_no"`
	Cutoff time.Time  `json:"cutoff"`
	PaidAt *time.Time `json:"paid_at,omitempty"` // the bank's result, once imported
	// Over the lines the payout covers: their gross (tax-inclusive)
	// amount, tax, commission, GST on commission, and returns and voids.
	Gross         money.Amount `json:"gross"`
	Tax           money.Amount `json:"tax"`
	Commission    money.Amount `json:"commission"`
	CommissionGST money.Amount `json:"commission_gst"`
	ReturnsNet    money.Amount `json:"returns_net"` // negative: what returns and voids took back
	// Damage is what malls owed for damaged goods they bore (hub/settle/damage.go).
	Damage money.Amount `json:"damage"`
}

// ProducerPayouts lists one producer's payouts, newest run first, with
// their deductions.
func (s *Service) ProducerPayouts(ctx context.Context, producerID string) ([]ProducerPayout, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT `+payoutCols+`
		JOIN settlement_runs rn ON rn.id = p.run_id WHERE p.producer_id = ? ORDER BY rn.run_no DESC`, producerID)
	if err != nil {
		return nil, fmt.Errorf("producer payouts: %w", err)
	}
	var ps []Payout
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ProducerPayout, 0, len(ps))
	for _, p := range ps {
		lines, err := s.paidLines(ctx, p.RunID, p.ProducerID)
		if err != nil {
			return nil, err
		}
		pp, err := s.producerPayout(ctx, p, lines)
		if err != nil {
			return nil, err
		}
		out = append(out, pp)
	}
	return out, nil
}

// ProducerPayout is one payout of producerID with the lines it paid;
// NotFound when the payout is someone else's.
func (s *Service) ProducerPayout(ctx context.Context, producerID, idOrRef string) (ProducerPayout, []PaidLine, error) {
	d, err := s.GetPayout(ctx, idOrRef)
	if err != nil {
		return ProducerPayout{}, nil, err
	}
	if d.ProducerID != producerID {
		return ProducerPayout{}, nil, errs.E(errs.NotFound, "no payout %q", idOrRef)
	}
	pp, err := s.producerPayout(ctx, d.Payout, d.Lines)
	return pp, d.Lines, err
}

// producerPayout adds to p its run, bank result and the totals of lines,
// the lines p paid.
func (s *Service) producerPayout(ctx context.Context, p Payout, lines []PaidLine) (ProducerPayout, error) {
	pp := ProducerPayout{Payout: p}
	var cut string
	var paid *string
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT rn.run_no, rn.cutoff, r.at FROM settlement_runs rn
		LEFT JOIN payout_results r ON r.payout_id = ? AND r.status = 'paid' WHERE rn.id = ?`, p.ID, p.RunID).Scan(&pp.RunNo, &cut, &paid); err != nil {
		return pp, fmt.Errorf("payout %s: %w", p.Reference, err)
	}
	pp.Cutoff, _ = ledger.ParseTS(cut)
	if paid != nil {
		t, _ := ledger.ParseTS(*paid)
		pp.PaidAt = &t
	}
	for _, l := range lines {
		if l.Kind == "damage" {
			pp.Damage = pp.Damage.Add(l.Net)
			continue
		}
		if l.Kind == "sale" {
			pp.Gross, pp.Tax = pp.Gross.Add(l.Amount), pp.Tax.Add(l.Tax)
			pp.Commission, pp.CommissionGST = pp.Commission.Add(l.Commission), pp.CommissionGST.Add(l.CommissionGST)
			continue
		}
		pp.ReturnsNet = pp.ReturnsNet.Add(l.Net)
	}
	return pp, nil
}

// LineSettlement is how a sale line stands in settlement, for the public
// trace page: the run that paid it and its producer's payout in that run.
type LineSettlement struct {
	RunNo     int64      `json:"run_no"`
	Reference string     `json:"reference,omitempty"` // "" when the run carried the balance forward
	Status    string     `json:"status"`              // settled (balance carried), sent, paid, failed
	PaidAt    *time.Time `json:"paid_at,omitempty"`
}

// SaleLineSettlement finds the first run whose region holds a sale line
// (the run that paid it) and that run's payout to the line's producer;
// nil when no run has settled the line yet.
func (s *Service) SaleLineSettlement(ctx context.Context, mall, saleID string, lineNo int) (*LineSettlement, error) {
	q := s.db.Reader()
	var ing, at, producer string
	if err := q.QueryRowContext(ctx, `SELECT ingested_at, at, producer_id FROM hub_sale_lines WHERE mall = ? AND sale_id = ? AND line_no = ?`,
		mall, saleID, lineNo).Scan(&ing, &at, &producer); err != nil {
		return nil, fmt.Errorf("sale line: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, run_no, cutoff, window_secs, window_end FROM settlement_runs WHERE cutoff >= ? ORDER BY run_no`, ing)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	var runID string
	ls := &LineSettlement{}
	for rows.Next() {
		var id, cut, end string
		var no, secs int64
		if err := rows.Scan(&id, &no, &cut, &secs, &end); err != nil {
			rows.Close()
			return nil, err
		}
		reg, err := regionOf(cut, secs, end)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if ing <= reg.cut && at <= reg.win {
			runID, ls.RunNo = id, no
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || runID == "" {
		return nil, err
	}
	var paidAt *string
	err = q.QueryRowContext(ctx, `SELECT p.reference, CASE WHEN x.payout_id IS NOT NULL THEN 'failed' ELSE COALESCE(r.status, 'sent') END,
			CASE WHEN x.payout_id IS NULL AND r.status = 'paid' THEN r.at END
		FROM settlement_payouts p LEFT JOIN payout_results r ON r.payout_id = p.id LEFT JOIN payout_returns x ON x.payout_id = p.id
		WHERE p.run_id = ? AND p.producer_id = ?`, runID, producer).Scan(&ls.Reference, &ls.Status, &paidAt)
	if errors.Is(err, sql.ErrNoRows) {
		ls.Status = "settled"
		return ls, nil
	}
	if err != nil {
		return nil, fmt.Errorf("line payout: %w", err)
	}
	if paidAt != nil {
		t, _ := ledger.ParseTS(*paidAt)
		ls.PaidAt = &t
	}
	return ls, nil
}

// RunCommission is the commission a run settled for one producer on the
// sales of one mall: the commission and GST on it of the sale lines the
// run paid, less what its returns and voids reversed.
type RunCommission struct {
	ProducerID    string
	Mall          string
	Lines         int64
	Commission    int64 // paise
	CommissionGST int64 // paise
}

// RunCommissions lists a run's commission by producer and mall, in
// producer then mall order.
func (s *Service) RunCommissions(ctx context.Context, runID string) ([]RunCommission, error) {
	q := s.db.Reader()
	var no, secs int64
	var cut, end string
	if err := q.QueryRowContext(ctx, `SELECT run_no, cutoff, window_secs, window_end FROM settlement_runs WHERE id = ?`, runID).
		Scan(&no, &cut, &secs, &end); err != nil {
		return nil, fmt.Errorf("run commissions: run %s: %w", runID, err)
	}
	reg, err := regionOf(cut, secs, end)
	if err != nil {
		return nil, err
	}
	prev, err := lastRegion(ctx, q, no)
	if err != nil {
		return nil, err
	}
	args := append(reg.args(prev), sql.Named("run", runID))
	rows, err := q.QueryContext(ctx, `SELECT producer_id, mall, COUNT(*), SUM(commission), SUM(commission_gst) FROM (
		SELECT l.producer_id, l.mall, l.commission, l.commission_gst FROM hub_sale_lines l
		WHERE `+inRegion+` AND NOT (`+inPrevious+`)
		UNION ALL
		SELECT i.producer_id, i.mall, -COALESCE(rl.commission, l.commission), -COALESCE(rl.commission_gst, l.commission_gst)
		FROM settlement_items i JOIN hub_sale_lines l ON l.mall = i.mall AND l.sale_id = i.sale_id AND l.line_no = i.line_no
		LEFT JOIN hub_return_lines rl ON i.kind = 'return' AND rl.mall = i.mall AND rl.return_id = i.ref_id AND rl.sale_line_no = i.line_no
		WHERE i.run_id = :run AND i.kind != 'sale') AS x
		GROUP BY producer_id, mall ORDER BY producer_id, mall`, args...)
	if err != nil {
		return nil, fmt.Errorf("run commissions: %w", err)
	}
	defer rows.Close()
	var out []RunCommission
	for rows.Next() {
		var c RunCommission
		if err := rows.Scan(&c.ProducerID, &c.Mall, &c.Lines, &c.Commission, &c.CommissionGST); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
