package settle

import (
	"context"
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
		pp, err := s.producerPayout(ctx, p)
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
	pp, err := s.producerPayout(ctx, d.Payout)
	return pp, d.Lines, err
}

func (s *Service) producerPayout(ctx context.Context, p Payout) (ProducerPayout, error) {
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
	lines, err := s.paidLines(ctx, p.RunID, p.ProducerID)
	if err != nil {
		return pp, err
	}
	for _, l := range lines {
		if l.Kind == "sale" {
			pp.Gross, pp.Tax = pp.Gross.Add(l.Amount), pp.Tax.Add(l.Tax)
			pp.Commission, pp.CommissionGST = pp.Commission.Add(l.Commission), pp.CommissionGST.Add(l.CommissionGST)
			continue
		}
		pp.ReturnsNet = pp.ReturnsNet.Add(l.Net)
	}
	return pp, nil
}
