package ledger

import (
	"context"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/money"
)

// Totals are a mall's booked figures over a period of business time.
// Voided sales are left out of sales and counted apart.
type Totals struct {
	Mall         string                  `json:"mall"`
	From         *time.Time              `json:"from,omitempty"`
	To           *time.Time              `json:"to,omitempty"`
	Count        int64                   `json:"count"` // sales, not voided
	GrossSales   money.Amount            `json:"gross_sales"`
	ReturnsCount int64                   `json:"returns_count"`
	Returns      money.Amount            `json:"returns"`
	Tax          money.Amount            `json:"tax"` // on sales less returns
	Net          money.Amount            `json:"net"` // gross sales less returns
	VoidsCount   int64                   `json:"voids_count"`
	Voided       money.Amount            `json:"voided"`
	Commission   money.Amount            `json:"commission"`
	Tenders      map[string]money.Amount `json:"tenders"` // net per method: collected less change and refunds
	// RoundOff is the round-off of sales less returns (tenders add up to
	// net + round_off); TaxHeads the net tax by head: cgst, sgst, utgst, igst.
	RoundOff money.Amount            `json:"round_off"`
	TaxHeads map[string]money.Amount `json:"tax_heads"`
}

// MallTotals sums a mall's sales and returns with business time in
// [from, to); a zero time leaves that end open.
func MallTotals(ctx context.Context, q Queryer, mall string, from, to time.Time) (Totals, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM malls WHERE id = ?`, mall).Scan(&n); err != nil {
		return Totals{}, fmt.Errorf("mall totals: %w", err)
	}
	if n == 0 {
		return Totals{}, errs.E(errs.NotFound, "unknown mall %q", mall)
	}
	lo, hi := "", "9999"
	t := Totals{Mall: mall, Tenders: map[string]money.Amount{"cash": money.Zero, "upi": money.Zero, "card": money.Zero}}
	if !from.IsZero() {
		lo, t.From = TS(from), &from
	}
	if !to.IsZero() {
		hi, t.To = TS(to), &to
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return Totals{}, errs.Field("to", "to must be after from")
	}
	const notVoided = `NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)`
	var gross, tax, comm, voided, returns, retTax int64
	err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(s.total), 0), COALESCE(SUM(s.tax), 0),
		COALESCE(SUM((SELECT SUM(commission) FROM hub_sale_lines l WHERE l.mall = s.mall AND l.sale_id = s.sale_id)), 0)
		FROM hub_sales s WHERE s.mall = ? AND s.at >= ? AND s.at < ? AND `+notVoided, mall, lo, hi).Scan(&t.Count, &gross, &tax, &comm)
	if err != nil {
		return Totals{}, fmt.Errorf("mall totals: %w", err)
	}
	err = q.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(s.total), 0) FROM hub_sales s
		WHERE s.mall = ? AND s.at >= ? AND s.at < ? AND NOT (`+notVoided+`)`, mall, lo, hi).Scan(&t.VoidsCount, &voided)
	if err != nil {
		return Totals{}, fmt.Errorf("mall totals: %w", err)
	}
	var retComm int64
	err = q.QueryRowContext(ctx, `SELECT count(DISTINCT r.return_id), COALESCE(SUM(l.amount), 0), COALESCE(SUM(l.cgst + l.sgst + l.igst), 0),
		COALESCE(SUM(l.commission), 0)
		FROM hub_returns r JOIN hub_return_lines l ON l.mall = r.mall AND l.return_id = r.return_id
		WHERE r.mall = ? AND r.at >= ? AND r.at < ?`, mall, lo, hi).Scan(&t.ReturnsCount, &returns, &retTax, &retComm)
	if err != nil {
		return Totals{}, fmt.Errorf("mall totals: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT method, SUM(amt) FROM (
			SELECT t.method, t.amount - CASE WHEN t.method = 'cash' AND t.idx = (SELECT MIN(idx) FROM hub_sale_tenders c
				WHERE c.mall = s.mall AND c.sale_id = s.sale_id AND c.method = 'cash') THEN s.change ELSE 0 END AS amt
			FROM hub_sales s JOIN hub_sale_tenders t ON t.mall = s.mall AND t.sale_id = s.sale_id
			WHERE s.mall = ? AND s.at >= ? AND s.at < ? AND `+notVoided+`
			UNION ALL
			SELECT f.method, -f.amount FROM hub_returns r JOIN hub_return_refunds f ON f.mall = r.mall AND f.return_id = r.return_id
			WHERE r.mall = ? AND r.at >= ? AND r.at < ?) AS x
		GROUP BY method`, mall, lo, hi, mall, lo, hi)
	if err != nil {
		return Totals{}, fmt.Errorf("mall totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m string
		var v int64
		if err := rows.Scan(&m, &v); err != nil {
			return Totals{}, err
		}
		t.Tenders[m] = money.FromPaise(v)
	}
	if err := rows.Err(); err != nil {
		return Totals{}, err
	}
	if err := periodHeads(ctx, q, &t, mall, lo, hi); err != nil {
		return Totals{}, err
	}
	t.GrossSales, t.Returns, t.Voided = money.FromPaise(gross), money.FromPaise(returns), money.FromPaise(voided)
	t.Tax = money.FromPaise(tax - retTax)
	t.Net = money.FromPaise(gross - returns)
	t.Commission = money.FromPaise(comm - retComm)
	return t, nil
}

// periodHeads adds a period's round-off and tax by head, sales (not
// voided) less returns.
func periodHeads(ctx context.Context, q Queryer, t *Totals, mall, lo, hi string) error {
	const live = `NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)`
	var ro, rro, cg, sg, ug, ig, rcg, rsg, rug, rig int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(s.round_off), 0) FROM hub_sales s WHERE s.mall = ? AND s.at >= ? AND s.at < ? AND `+live,
		mall, lo, hi).Scan(&ro)
	if err == nil {
		err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(round_off), 0) FROM hub_returns WHERE mall = ? AND at >= ? AND at < ?`,
			mall, lo, hi).Scan(&rro)
	}
	if err == nil {
		err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(l.cgst), 0), COALESCE(SUM(CASE WHEN l.utgst = 1 THEN 0 ELSE l.sgst END), 0),
				COALESCE(SUM(CASE WHEN l.utgst = 1 THEN l.sgst ELSE 0 END), 0), COALESCE(SUM(l.igst), 0)
			FROM hub_sale_lines l JOIN hub_sales s ON s.mall = l.mall AND s.sale_id = l.sale_id
			WHERE s.mall = ? AND s.at >= ? AND s.at < ? AND `+live, mall, lo, hi).Scan(&cg, &sg, &ug, &ig)
	}
	if err == nil {
		err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(rl.cgst), 0), COALESCE(SUM(CASE WHEN l.utgst = 1 THEN 0 ELSE rl.sgst END), 0),
				COALESCE(SUM(CASE WHEN l.utgst = 1 THEN rl.sgst ELSE 0 END), 0), COALESCE(SUM(rl.igst), 0)
			FROM hub_return_lines rl JOIN hub_returns r ON r.mall = rl.mall AND r.return_id = rl.return_id
			JOIN hub_sale_lines l ON l.mall = rl.mall AND l.sale_id = rl.sale_id AND l.line_no = rl.sale_line_no
			WHERE r.mall = ? AND r.at >= ? AND r.at < ?`, mall, lo, hi).Scan(&rcg, &rsg, &rug, &rig)
	}
	if err != nil {
		return fmt.Errorf("mall totals: %w", err)
	}
	t.RoundOff = money.FromPaise(ro - rro)
	t.TaxHeads = map[string]money.Amount{"cgst": money.FromPaise(cg - rcg), "sgst": money.FromPaise(sg - rsg),
		"utgst": money.FromPaise(ug - rug), "igst": money.FromPaise(ig - rig)}
	return nil
}
