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

func getRun(ctx context.Context, q ledger.Queryer, id string) (Run, error) {
	var r Run
	var cutoff, created string
	var win, minp, total, carried, held int64
	err := q.QueryRowContext(ctx, `SELECT id, run_no, cutoff, window_secs, min_payout, created_at, created_by, item_count, payout_count,
		payout_total, carried_total, held_count, held_total FROM settlement_runs WHERE id = ?`, id).
		Scan(&r.ID, &r.No, &cutoff, &win, &minp, &created, &r.CreatedBy, &r.ItemCount, &r.PayoutCount, &total, &carried, &r.HeldCount, &held)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, errs.E(errs.NotFound, "no settlement run %q", id)
	}
	if err != nil {
		return Run{}, fmt.Errorf("get run: %w", err)
	}
	r.Status = "closed"
	r.Cutoff, _ = ledger.ParseTS(cutoff)
	r.CreatedAt, _ = ledger.ParseTS(created)
	r.Window = (time.Duration(win) * time.Second).String()
	r.MinPayout, r.PayoutTotal, r.CarriedTotal = money.FromPaise(minp), money.FromPaise(total), money.FromPaise(carried)
	r.HeldTotal = money.FromPaise(held)
	return r, nil
}

// HeldBalance is a producer owed a payout that a run could not make (no
// bank account on file); the amount is carried into the next run.
type HeldBalance struct {
	ProducerID   string       `json:"producer_id"`
	ProducerName string       `json:"producer_name"`
	DistrictID   string       `json:"district_id"`
	State        string       `json:"state"`
	Amount       money.Amount `json:"amount"`
	Reason       string       `json:"reason"`
}

func heldBalances(ctx context.Context, q ledger.Queryer, runID string) ([]HeldBalance, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.producer_id, COALESCE(p.name, b.producer_id), b.district_id, b.state, b.carried_forward, b.held
		FROM settlement_balances b LEFT JOIN producers p ON p.id = b.producer_id
		WHERE b.run_id = ? AND b.held <> '' ORDER BY b.state, b.district_id, b.producer_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("held balances: %w", err)
	}
	defer rows.Close()
	out := []HeldBalance{}
	for rows.Next() {
		var h HeldBalance
		var amt int64
		if err := rows.Scan(&h.ProducerID, &h.ProducerName, &h.DistrictID, &h.State, &amt, &h.Reason); err != nil {
			return nil, err
		}
		h.Amount = money.FromPaise(amt)
		out = append(out, h)
	}
	return out, rows.Err()
}

// Get returns a run with its payout totals by district and state.
func (s *Service) Get(ctx context.Context, id string) (Run, error) {
	r, err := getRun(ctx, s.db.Reader(), id)
	if err != nil {
		return Run{}, err
	}
	group := func(sqlText string) ([]GroupTotal, error) {
		rows, err := s.db.Reader().QueryContext(ctx, sqlText, id)
		if err != nil {
			return nil, fmt.Errorf("run totals: %w", err)
		}
		defer rows.Close()
		out := []GroupTotal{}
		for rows.Next() {
			var g GroupTotal
			var amt int64
			if err := rows.Scan(&g.ID, &g.Name, &g.State, &g.Payouts, &amt); err != nil {
				return nil, err
			}
			g.Amount = money.FromPaise(amt)
			out = append(out, g)
		}
		return out, rows.Err()
	}
	if r.Districts, err = group(`SELECT p.district_id, d.name, p.state, count(*), SUM(p.amount) FROM settlement_payouts p
		JOIN districts d ON d.id = p.district_id WHERE p.run_id = ? GROUP BY p.district_id, d.name, p.state ORDER BY p.state, p.district_id`); err != nil {
		return Run{}, err
	}
	if r.States, err = group(`SELECT p.state, s.name, '', count(*), SUM(p.amount) FROM settlement_payouts p
		JOIN states s ON s.code = p.state WHERE p.run_id = ? GROUP BY p.state, s.name ORDER BY p.state`); err != nil {
		return Run{}, err
	}
	if r.Held, err = heldBalances(ctx, s.db.Reader(), id); err != nil {
		return Run{}, err
	}
	if err := explainNothing(ctx, s.db.Reader(), &r); err != nil {
		return Run{}, err
	}
	return r, nil
}

// List returns runs, newest first.
func (s *Service) List(ctx context.Context) ([]Run, error) {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT id FROM settlement_runs ORDER BY run_no DESC LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var idList []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idList = append(idList, id)
	}
	rows.Close()
	out := []Run{}
	for _, id := range idList {
		r, err := getRun(ctx, s.db.Reader(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Payout is one payout line of a run.
type Payout struct {
	ID             string       `json:"id"`
	Reference      string       `json:"reference"`
	RunID          string       `json:"run_id"`
	LineNo         int64        `json:"line_no"`
	ProducerID     string       `json:"producer_id"`
	ProducerName   string       `json:"producer_name"`
	DistrictID     string       `json:"district_id"`
	DistrictName   string       `json:"district_name"`
	State          string       `json:"state"`
	Amount         money.Amount `json:"amount"`
	BroughtForward money.Amount `json:"brought_forward"`
	Credits        money.Amount `json:"sales"`
	Debits         money.Amount `json:"returns"`
	SaleLines      int64        `json:"sale_lines"`
	ReturnLines    int64        `json:"return_lines"`
	Beneficiary    string       `json:"beneficiary"`
	AccountNo      string       `json:"account_no"`
	IFSC           string       `json:"ifsc"`
	Status         string       `json:"status"` // sent, paid, failed (also a paid credit the bank returned)
	UTR            string       `json:"utr,omitempty"`
	// Reason is the bank's, for a failed payout or a returned credit.
	Reason string `json:"reason,omitempty"`
	// Returned says a payout the bank reported paid came back later; it
	// is owed again and paid by the next run.
	Returned bool `json:"returned,omitempty"`
}

const payoutCols = `p.id, p.reference, p.run_id, p.line_no, p.producer_id, pr.name, p.district_id, d.name, p.state, p.amount,
	b.brought_forward, b.credits, b.debits,
	b.sale_lines, b.adjust_lines,
	p.beneficiary, p.account_no, p.ifsc,
	CASE WHEN x.payout_id IS NOT NULL THEN 'failed' ELSE COALESCE(r.status, 'sent') END, COALESCE(r.utr, ''),
	COALESCE(x.reason, r.reason, ''), x.payout_id IS NOT NULL
	FROM settlement_payouts p
	JOIN settlement_balances b ON b.run_id = p.run_id AND b.producer_id = p.producer_id
	JOIN producers pr ON pr.id = p.producer_id
	JOIN districts d ON d.id = p.district_id
	LEFT JOIN payout_results r ON r.payout_id = p.id
	LEFT JOIN payout_returns x ON x.payout_id = p.id`

func scanPayout(sc interface{ Scan(...any) error }) (Payout, error) {
	var p Payout
	var amt, bf, cr, db int64
	err := sc.Scan(&p.ID, &p.Reference, &p.RunID, &p.LineNo, &p.ProducerID, &p.ProducerName, &p.DistrictID, &p.DistrictName, &p.State,
		&amt, &bf, &cr, &db, &p.SaleLines, &p.ReturnLines, &p.Beneficiary, &p.AccountNo, &p.IFSC, &p.Status, &p.UTR, &p.Reason, &p.Returned)
	p.Amount, p.BroughtForward, p.Credits, p.Debits = money.FromPaise(amt), money.FromPaise(bf), money.FromPaise(cr), money.FromPaise(db)
	return p, err
}

// Payouts lists a run's payout lines in line order (state, district,
// producer).
func (s *Service) Payouts(ctx context.Context, runID string) ([]Payout, error) {
	if _, err := getRun(ctx, s.db.Reader(), runID); err != nil {
		return nil, err
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT `+payoutCols+` WHERE p.run_id = ? ORDER BY p.line_no`, runID)
	if err != nil {
		return nil, fmt.Errorf("payouts: %w", err)
	}
	defer rows.Close()
	out := []Payout{}
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PaidLine is one sale line, return or void a payout covers, as a
// producer's statement shows it. Amounts of returns and voids are
// negative.
type PaidLine struct {
	Kind          string       `json:"kind"` // sale, return, void, damage (a mall-borne write-off: ReturnID is its move, InvoiceNo its document)
	Mall          string       `json:"mall"`
	SaleID        string       `json:"sale_id"`
	ReturnID      string       `json:"return_id,omitempty"`
	InvoiceNo     string       `json:"invoice_no"`
	CreditNoteNo  string       `json:"credit_note_no,omitempty"`
	LineNo        int64        `json:"line_no"`
	At            time.Time    `json:"at"`
	SKU           string       `json:"sku"`
	Item          string       `json:"item"`
	Qty           int64        `json:"qty"`
	Amount        money.Amount `json:"amount"`
	Tax           money.Amount `json:"tax"`
	Commission    money.Amount `json:"commission"`
	CommissionGST money.Amount `json:"commission_gst"`
	Net           money.Amount `json:"net"`
}

// PayoutDetail is a payout with every line it pays.
type PayoutDetail struct {
	Payout
	Lines []PaidLine `json:"lines"`
}

// GetPayout returns one payout (by id or bank reference) with its lines.
func (s *Service) GetPayout(ctx context.Context, idOrRef string) (PayoutDetail, error) {
	p, err := scanPayout(s.db.Reader().QueryRowContext(ctx, `SELECT `+payoutCols+` WHERE p.id = ? OR p.reference = ?`, idOrRef, idOrRef))
	if errors.Is(err, sql.ErrNoRows) {
		return PayoutDetail{}, errs.E(errs.NotFound, "no payout %q", idOrRef)
	}
	if err != nil {
		return PayoutDetail{}, fmt.Errorf("payout: %w", err)
	}
	lines, err := s.paidLines(ctx, p.RunID, p.ProducerID)
	return PayoutDetail{Payout: p, Lines: lines}, err
}

// paidLines are the sale lines a run paid one producer (its region less
// the previous run's) and the returns and voids it netted.
func (s *Service) paidLines(ctx context.Context, runID, producer string) ([]PaidLine, error) {
	var no, secs int64
	var cut, end string
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT run_no, cutoff, window_secs, window_end FROM settlement_runs WHERE id = ?`, runID).
		Scan(&no, &cut, &secs, &end); err != nil {
		return nil, fmt.Errorf("paid lines: run %s: %w", runID, err)
	}
	reg, err := regionOf(cut, secs, end)
	if err != nil {
		return nil, err
	}
	prev, err := lastRegion(ctx, s.db.Reader(), no)
	if err != nil {
		return nil, err
	}
	args := append(reg.args(prev), sql.Named("run", runID), sql.Named("producer", producer))
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT kind, mall, sale_id, return_id, invoice_no, credit_note_no, line_no, at, sku, item,
			qty, amount, tax, commission, commission_gst, net FROM (
		SELECT 'sale' AS kind, l.mall, l.sale_id, '' AS return_id, l.invoice_no, '' AS credit_note_no, l.line_no, l.at, l.sku,
			COALESCE(pd.name, l.sku) AS item, l.qty, l.amount, l.cgst + l.sgst + l.igst AS tax, l.commission, l.commission_gst, l.producer_net AS net
		FROM hub_sale_lines l LEFT JOIN products pd ON pd.sku = l.sku
		WHERE l.producer_id = :producer AND `+inRegion+` AND NOT (`+inPrevious+`)
		UNION ALL
		SELECT i.kind, i.mall, i.sale_id, CASE WHEN i.kind = 'return' THEN i.ref_id ELSE '' END, l.invoice_no,
			COALESCE(r.credit_note_no, ''), i.line_no, COALESCE(rl.at, v.at, l.at), l.sku, COALESCE(pd.name, l.sku),
			COALESCE(rl.qty, l.qty), COALESCE(rl.amount, l.amount), COALESCE(rl.cgst + rl.sgst + rl.igst, l.cgst + l.sgst + l.igst),
			COALESCE(rl.commission, l.commission), COALESCE(rl.commission_gst, l.commission_gst), i.amount
		FROM settlement_items i
		JOIN hub_sale_lines l ON l.mall = i.mall AND l.sale_id = i.sale_id AND l.line_no = i.line_no
		LEFT JOIN hub_return_lines rl ON i.kind = 'return' AND rl.mall = i.mall AND rl.return_id = i.ref_id AND rl.sale_line_no = i.line_no
		LEFT JOIN hub_returns r ON i.kind = 'return' AND r.mall = i.mall AND r.return_id = i.ref_id
		LEFT JOIN hub_voids v ON i.kind = 'void' AND v.mall = i.mall AND v.sale_id = i.sale_id
		LEFT JOIN products pd ON pd.sku = l.sku
		WHERE i.run_id = :run AND i.producer_id = :producer AND i.kind != 'sale'
		UNION ALL
		SELECT 'damage', d.mall, '', d.move_id, d.ref, '', 0, d.at, d.sku, COALESCE(pd.name, d.sku), d.qty, d.value, 0, d.commission, 0, y.amount
		FROM settlement_damage_items y JOIN hub_damage d ON d.mall = y.mall AND d.move_id = y.move_id
		LEFT JOIN products pd ON pd.sku = d.sku
		WHERE y.run_id = :run AND y.producer_id = :producer) AS p
		ORDER BY at, mall, sale_id, line_no, kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("paid lines: %w", err)
	}
	defer rows.Close()
	out := []PaidLine{}
	for rows.Next() {
		var l PaidLine
		var at string
		var amt, tax, comm, cg, net int64
		if err := rows.Scan(&l.Kind, &l.Mall, &l.SaleID, &l.ReturnID, &l.InvoiceNo, &l.CreditNoteNo, &l.LineNo, &at, &l.SKU, &l.Item,
			&l.Qty, &amt, &tax, &comm, &cg, &net); err != nil {
			return nil, err
		}
		l.At, _ = ledger.ParseTS(at)
		sign := int64(1)
		if l.Kind == "return" || l.Kind == "void" {
			sign = -1
		}
		l.Amount, l.Tax = money.FromPaise(sign*amt), money.FromPaise(sign*tax)
		l.Commission, l.CommissionGST = money.FromPaise(sign*comm), money.FromPaise(sign*cg)
		l.Net = money.FromPaise(net)
		out = append(out, l)
	}
	return out, rows.Err()
}
