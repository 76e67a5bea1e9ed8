// Package recon reconciles what the hub booked against what others say:
// each mall's event sequence (completeness), each shift's Z report, and
// payment statements from UPI and card acquirers.
package recon

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"ektamall/hub/ledger"
	"ektamall/shared/events"
	"ektamall/shared/money"
)

// MallCompleteness is one mall's event sequence as the hub holds it.
type MallCompleteness struct {
	Mall     string     `json:"mall"`
	Events   int64      `json:"events"`
	Highest  int64      `json:"highest_seq"`
	Parked   int64      `json:"parked"`
	Gaps     [][2]int64 `json:"gaps"` // inclusive ranges of missing sequences
	Missing  int64      `json:"missing"`
	Complete bool       `json:"complete"`
	Source   string     `json:"source"` // the tables read: events_received (ingest) and ledger_events (history)
}

// Completeness finds, per mall, the sequence numbers the hub has not
// received up to the highest it has seen. A sequence counts as received
// when ingest recorded it (events_received, which also knows the parked
// ones), or when an older hub's ledger applied it (ledger_events: the
// ledger's own record of the events it booked until ingest became the one
// place that de-duplicates them, migration 0017; kept as history).
func Completeness(ctx context.Context, q ledger.Queryer) ([]MallCompleteness, error) {
	const (
		seen   = `SELECT mall, seq FROM ledger_events UNION SELECT mall_id, seq FROM events_received`
		parked = `SELECT count(*) FROM events_received p WHERE p.mall_id = m.id AND p.status = 'parked'`
		source = "events_received+ledger_events"
	)
	rows, err := q.QueryContext(ctx, `WITH seen AS (`+seen+`)
		SELECT m.id, (SELECT count(*) FROM seen WHERE seen.mall = m.id), (SELECT COALESCE(MAX(seq), 0) FROM seen WHERE seen.mall = m.id),
			(`+parked+`)
		FROM malls m ORDER BY m.id`)
	if err != nil {
		return nil, fmt.Errorf("completeness: %w", err)
	}
	var out []MallCompleteness
	for rows.Next() {
		var c MallCompleteness
		if err := rows.Scan(&c.Mall, &c.Events, &c.Highest, &c.Parked); err != nil {
			rows.Close()
			return nil, err
		}
		c.Source, c.Gaps = source, [][2]int64{}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := findGaps(ctx, q, seen, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// findGaps fills in one mall's missing sequences. A mall restored from a
// backup numbers its events in a new epoch (shared/events/epoch.go): each
// epoch runs gapless from its own start, and the jump between epochs is
// not a gap. A gap starts after a received sequence (or an epoch's start)
// whose successor is missing and ends before the next received one of the
// same epoch.
func findGaps(ctx context.Context, q ledger.Queryer, seen string, c *MallCompleteness) error {
	// The common case first: every epoch is as long as its highest says.
	var short int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(hi - ep * ?2 - n), 0) FROM (SELECT (seq - 1) / ?2 AS ep, MAX(seq) AS hi, count(*) AS n
		FROM (`+seen+`) AS s WHERE mall = ?1 GROUP BY ep) AS e`, c.Mall, events.EpochSpan).Scan(&short); err != nil {
		return fmt.Errorf("completeness: %w", err)
	}
	if short == 0 {
		c.Complete = true
		return nil
	}
	gr, err := q.QueryContext(ctx, `WITH seen AS (SELECT seq FROM (`+seen+`) AS s WHERE mall = ?),
		starts AS (SELECT seq AS a, (seq - 1) / ?2 AS ep FROM seen
			UNION SELECT DISTINCT ((seq - 1) / ?2) * ?2, (seq - 1) / ?2 FROM seen),
		nexts AS (SELECT a, ep, (SELECT MIN(b.seq) FROM seen b WHERE b.seq > a) AS nb FROM starts)
		SELECT a + 1, nb - 1 FROM nexts WHERE nb > a + 1 AND (nb - 1) / ?2 = ep ORDER BY a LIMIT 1000`, c.Mall, events.EpochSpan)
	if err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	defer gr.Close()
	for gr.Next() {
		var g [2]int64
		if err := gr.Scan(&g[0], &g[1]); err != nil {
			return err
		}
		c.Gaps = append(c.Gaps, g)
		c.Missing += g[1] - g[0] + 1
	}
	c.Complete = len(c.Gaps) == 0
	return gr.Err()
}

// Field is one figure of a Z report against the hub's books.
type Field struct {
	Name string       `json:"name"`
	Mall money.Amount `json:"mall"`
	Hub  money.Amount `json:"hub"`
	Diff money.Amount `json:"diff"` // mall − hub
}

// CountField is a count compared the same way.
type CountField struct {
	Name string `json:"name"`
	Mall int64  `json:"mall"`
	Hub  int64  `json:"hub"`
}

// ShiftRecon is one closed shift's Z report against what the hub booked
// for that shift.
type ShiftRecon struct {
	Mall     string       `json:"mall"`
	ShiftID  string       `json:"shift_id"`
	Counter  string       `json:"counter"`
	ClosedAt string       `json:"closed_at"`
	Matched  bool         `json:"matched"`
	Amounts  []Field      `json:"amounts"`
	Counts   []CountField `json:"counts"`
}

// Shifts reconciles every closed shift of a mall (all malls when mall is
// empty). The hub's side: sales of the shift that are not voided (count
// and total), voids of the shift's sales, returns made in the shift, and
// per tender what was collected less change and refunds.
func Shifts(ctx context.Context, q ledger.Queryer, mall string) ([]ShiftRecon, error) {
	rows, err := q.QueryContext(ctx, `SELECT mall, shift_id, counter, closed_at, sales_count, sales_total, returns_count, returns_total,
		voids_count, tenders, round_off, tax_heads FROM hub_shift_closes WHERE ? = '' OR mall = ? ORDER BY closed_at, mall, shift_id`, mall, mall)
	if err != nil {
		return nil, fmt.Errorf("shift recon: %w", err)
	}
	type zrep struct {
		ShiftRecon
		salesCount, salesTotal, retCount, retTotal, voids int64
		tenders                                           map[string]int64
		roundOff                                          int64
		heads                                             map[string]int64
	}
	var zs []zrep
	for rows.Next() {
		var z zrep
		var tj, hj string
		if err := rows.Scan(&z.Mall, &z.ShiftID, &z.Counter, &z.ClosedAt, &z.salesCount, &z.salesTotal, &z.retCount, &z.retTotal, &z.voids, &tj,
			&z.roundOff, &hj); err != nil {
			rows.Close()
			return nil, err
		}
		_ = json.Unmarshal([]byte(tj), &z.tenders)
		_ = json.Unmarshal([]byte(hj), &z.heads)
		zs = append(zs, z)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []ShiftRecon{}
	for _, z := range zs {
		var sc, st, vc, rc, rt int64
		const live = `NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)`
		if err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(total), 0) FROM hub_sales s WHERE mall = ? AND shift_id = ? AND `+live,
			z.Mall, z.ShiftID).Scan(&sc, &st); err != nil {
			return nil, err
		}
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM hub_voids v JOIN hub_sales s ON s.mall = v.mall AND s.sale_id = v.sale_id
			WHERE s.mall = ? AND s.shift_id = ?`, z.Mall, z.ShiftID).Scan(&vc); err != nil {
			return nil, err
		}
		if err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(total), 0) FROM hub_returns WHERE mall = ? AND shift_id = ?`,
			z.Mall, z.ShiftID).Scan(&rc, &rt); err != nil {
			return nil, err
		}
		hubT := map[string]int64{}
		tr, err := q.QueryContext(ctx, `SELECT method, SUM(amt) FROM (
				SELECT t.method, t.amount AS amt FROM hub_sale_tenders t JOIN hub_sales s ON s.mall = t.mall AND s.sale_id = t.sale_id
				WHERE s.mall = ? AND s.shift_id = ? AND `+live+`
				UNION ALL SELECT 'cash', -s.change FROM hub_sales s WHERE s.mall = ? AND s.shift_id = ? AND `+live+`
				UNION ALL SELECT f.method, -f.amount FROM hub_return_refunds f JOIN hub_returns r ON r.mall = f.mall AND r.return_id = f.return_id
				WHERE r.mall = ? AND r.shift_id = ?) AS x GROUP BY method`, z.Mall, z.ShiftID, z.Mall, z.ShiftID, z.Mall, z.ShiftID)
		if err != nil {
			return nil, err
		}
		for tr.Next() {
			var m string
			var v int64
			if err := tr.Scan(&m, &v); err != nil {
				tr.Close()
				return nil, err
			}
			hubT[m] = v
		}
		tr.Close()
		r := z.ShiftRecon
		amt := func(name string, mall, hub int64) {
			r.Amounts = append(r.Amounts, Field{Name: name, Mall: money.FromPaise(mall), Hub: money.FromPaise(hub), Diff: money.FromPaise(mall - hub)})
		}
		amt("sales_total", z.salesTotal, st)
		amt("returns_total", z.retTotal, rt)
		hub, err := shiftTax(ctx, q, z.Mall, z.ShiftID)
		if err != nil {
			return nil, err
		}
		amt("round_off", z.roundOff, hub["round_off"])
		if len(z.heads) > 0 { // Z reports from before issue 18 carry no tax heads
			for _, h := range []string{"cgst", "sgst", "utgst", "igst"} {
				amt("tax_"+h, z.heads[h], hub[h])
			}
		}
		methods := map[string]bool{}
		for m := range z.tenders {
			methods[m] = true
		}
		for m := range hubT {
			methods[m] = true
		}
		ml := make([]string, 0, len(methods))
		for m := range methods {
			ml = append(ml, m)
		}
		sort.Strings(ml)
		for _, m := range ml {
			amt("tender_"+m, z.tenders[m], hubT[m])
		}
		r.Counts = []CountField{{"sales_count", z.salesCount, sc}, {"returns_count", z.retCount, rc}, {"voids_count", z.voids, vc}}
		r.Matched = true
		for _, f := range r.Amounts {
			if !f.Diff.IsZero() {
				r.Matched = false
			}
		}
		for _, c := range r.Counts {
			if c.Mall != c.Hub {
				r.Matched = false
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// shiftTax is what the hub booked for a shift's sales (not voided) less
// its returns: the round-off and the tax by head (the state share is UTGST
// on lines the mall marked so).
func shiftTax(ctx context.Context, q ledger.Queryer, mall, shift string) (map[string]int64, error) {
	const live = `NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)`
	var ro, rro, cg, sg, ug, ig, rcg, rsg, rug, rig int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(round_off), 0) FROM hub_sales s WHERE mall = ? AND shift_id = ? AND `+live,
		mall, shift).Scan(&ro); err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(round_off), 0) FROM hub_returns WHERE mall = ? AND shift_id = ?`,
		mall, shift).Scan(&rro); err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(l.cgst), 0), COALESCE(SUM(CASE WHEN l.utgst = 1 THEN 0 ELSE l.sgst END), 0),
			COALESCE(SUM(CASE WHEN l.utgst = 1 THEN l.sgst ELSE 0 END), 0), COALESCE(SUM(l.igst), 0)
		FROM hub_sale_lines l JOIN hub_sales s ON s.mall = l.mall AND s.sale_id = l.sale_id
		WHERE s.mall = ? AND s.shift_id = ? AND `+live, mall, shift).Scan(&cg, &sg, &ug, &ig); err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(rl.cgst), 0), COALESCE(SUM(CASE WHEN l.utgst = 1 THEN 0 ELSE rl.sgst END), 0),
			COALESCE(SUM(CASE WHEN l.utgst = 1 THEN rl.sgst ELSE 0 END), 0), COALESCE(SUM(rl.igst), 0)
		FROM hub_return_lines rl JOIN hub_returns r ON r.mall = rl.mall AND r.return_id = rl.return_id
		JOIN hub_sale_lines l ON l.mall = rl.mall AND l.sale_id = rl.sale_id AND l.line_no = rl.sale_line_no
		WHERE r.mall = ? AND r.shift_id = ?`, mall, shift).Scan(&rcg, &rsg, &rug, &rig); err != nil {
		return nil, err
	}
	return map[string]int64{"round_off": ro - rro, "cgst": cg - rcg, "sgst": sg - rsg, "utgst": ug - rug, "igst": ig - rig}, nil
}
