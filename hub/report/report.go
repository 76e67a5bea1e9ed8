// Package report answers finance's questions about what sold: net sales by
// State, district, producer, product or day over a date range, the tender
// mix, and bar charts of them drawn on the server as SVG.
//
// Figures come from the facts the malls reported (hub_sale_lines,
// hub_return_lines), not from the ledger's postings: a report needs the
// product and the day of every line, which the postings do not carry.
// Voided invoices count for nothing; a return counts on the day it was
// made, against the line it returns. The queries are plain SQL with ?
// arguments and no date functions (the IST day is worked out in Go), so
// they run on the hub's PostgreSQL as on SQLite.
package report

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/errs"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
)

// By is what a sales report groups by.
type By string

const (
	ByState    By = "state"
	ByDistrict By = "district"
	ByProducer By = "producer"
	ByProduct  By = "product"
	ByDay      By = "day"
)

// ParseBy checks a by= value.
func ParseBy(s string) (By, error) {
	switch b := By(s); b {
	case ByState, ByDistrict, ByProducer, ByProduct, ByDay:
		return b, nil
	}
	return "", errs.Field("by", "by must be one of state, district, producer, product, day (not %q)", s)
}

// Row is one group of a sales report. Net is sales less returns; Tax is
// the GST in the net (sales' tax less returns' tax).
type Row struct {
	Key         string       `json:"key"`   // state code, district id, producer id, SKU or the IST date 2026-11-30
	Label       string       `json:"label"` // its name (the date again for days)
	State       string       `json:"state,omitempty"`
	QtySold     int64        `json:"qty_sold"`
	QtyReturned int64        `json:"qty_returned"`
	Sales       money.Amount `json:"sales"`
	Returns     money.Amount `json:"returns"`
	Net         money.Amount `json:"net"`
	Tax         money.Amount `json:"tax"`
}

// Range is a report's period: [From, To); a zero bound is open.
type Range struct{ From, To time.Time }

func (r Range) bounds() (string, string, error) {
	lo, hi := "", "9999"
	if !r.From.IsZero() {
		lo = ledger.TS(r.From)
	}
	if !r.To.IsZero() {
		hi = ledger.TS(r.To)
	}
	if !r.From.IsZero() && !r.To.IsZero() && !r.From.Before(r.To) {
		return "", "", errs.Field("to", "to must be after from")
	}
	return lo, hi, nil
}

// IST is India Standard Time, the zone of every day in a report.
var IST = invoice.IST

// keyOf is the SQL expression of a sale line l's group key (with its
// State), and the query of the names of the keys. For days the key is a
// 10-minute UTC bucket of the time column, turned into an IST date in Go
// (IST days start at 18:30 UTC, on a 10-minute boundary).
func keyOf(by By) (key, names string) {
	switch by {
	case ByState:
		return "l.state", "SELECT code, name FROM states"
	case ByDistrict:
		return "l.district_id", "SELECT id, name FROM districts"
	case ByProducer:
		return "l.producer_id", "SELECT id, name FROM producers"
	case ByProduct:
		return "l.sku", "SELECT sku, name FROM products"
	}
	return "substr(%s, 1, 15)", ""
}

// nameMap reads id → name for the report's labels (small tables).
func nameMap(ctx context.Context, q ledger.Queryer, query string) (map[string]string, error) {
	out := map[string]string{}
	if query == "" {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("report names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("report names: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

const notVoided = `NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = l.mall AND v.sale_id = l.sale_id)`

// Sales groups net sales in rng by by, largest net first (days in date
// order); limit > 0 keeps the first limit rows.
func Sales(ctx context.Context, q ledger.Queryer, by By, rng Range, limit int) ([]Row, error) {
	lo, hi, err := rng.bounds()
	if err != nil {
		return nil, err
	}
	key, namesQ := keyOf(by)
	names, err := nameMap(ctx, q, namesQ)
	if err != nil {
		return nil, err
	}
	saleKey, retKey, state := key, key, "l.state"
	if by == ByDay {
		saleKey, retKey, state = fmt.Sprintf(key, "l.at"), fmt.Sprintf(key, "r.at"), "''"
	}
	// The State is a function of every key but the day's, so grouping by
	// both groups by the key; days mix States and group by the key alone.
	group := saleKey + ", l.state"
	rgroup := retKey + ", l.state"
	if by == ByDay {
		group, rgroup = saleKey, retKey
	}
	sales := `SELECT ` + saleKey + `, ` + state + `, SUM(l.qty), SUM(l.amount), SUM(l.amount - l.taxable), 0, 0, 0
		FROM hub_sale_lines l WHERE l.at >= ? AND l.at < ? AND ` + notVoided + ` GROUP BY ` + group
	returns := `SELECT ` + retKey + `, ` + state + `, 0, 0, 0, SUM(r.qty), SUM(r.amount), SUM(r.amount - r.taxable)
		FROM hub_return_lines r JOIN hub_sale_lines l ON l.mall = r.mall AND l.sale_id = r.sale_id AND l.line_no = r.sale_line_no
		WHERE r.at >= ? AND r.at < ? GROUP BY ` + rgroup
	rows, err := q.QueryContext(ctx, sales+` UNION ALL `+returns, lo, hi, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("sales report: %w", err)
	}
	defer rows.Close()
	groups := map[string]*Row{}
	for rows.Next() {
		var k, st string
		var qs, as, ts, qr, ar, tr int64
		if err := rows.Scan(&k, &st, &qs, &as, &ts, &qr, &ar, &tr); err != nil {
			return nil, fmt.Errorf("sales report: %w", err)
		}
		lab := names[k]
		if lab == "" {
			lab = k
		}
		if by == ByDay {
			if k, err = istDay(k); err != nil {
				return nil, err
			}
			lab = k
		}
		g := groups[k]
		if g == nil {
			g = &Row{Key: k, Label: lab, State: st, Sales: money.Zero, Returns: money.Zero, Net: money.Zero, Tax: money.Zero}
			groups[k] = g
		}
		g.QtySold += qs
		g.QtyReturned += qr
		g.Sales = g.Sales.Add(money.FromPaise(as))
		g.Returns = g.Returns.Add(money.FromPaise(ar))
		g.Tax = g.Tax.Add(money.FromPaise(ts - tr))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sales report: %w", err)
	}
	out := make([]Row, 0, len(groups))
	for _, g := range groups {
		g.Net = g.Sales.Sub(g.Returns)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if by == ByDay {
			return out[i].Key < out[j].Key
		}
		if c := out[i].Net.Cmp(out[j].Net); c != 0 {
			return c > 0
		}
		return out[i].Key < out[j].Key
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// istDay turns a stored time's first 15 characters (2026-11-30T18:3)
// into the IST date it falls on.
func istDay(bucket string) (string, error) {
	t, err := time.Parse("2006-01-02T15:04", bucket+"0")
	if err != nil {
		return "", fmt.Errorf("sales report: stored time %q: %w", bucket, err)
	}
	return t.In(IST).Format("2006-01-02"), nil
}

// Tender is one payment method's share: what customers paid with it (net
// of change given), what was refunded with it, and the difference.
type Tender struct {
	Method  string       `json:"method"`
	Count   int64        `json:"count"` // tenders of that method on sales
	Paid    money.Amount `json:"paid"`
	Refunds money.Amount `json:"refunds"`
	Net     money.Amount `json:"net"`
	Share   string       `json:"share"` // per cent of all net, one decimal ("41.3")
}

// Tenders is the tender mix in rng: cash, UPI and card in that order.
func Tenders(ctx context.Context, q ledger.Queryer, rng Range) ([]Tender, error) {
	lo, hi, err := rng.bounds()
	if err != nil {
		return nil, err
	}
	// Change is given in cash, from the first cash tender of a sale.
	rows, err := q.QueryContext(ctx, `SELECT method, SUM(n), SUM(paid), SUM(refund) FROM (
			SELECT t.method AS method, 1 AS n, t.amount - CASE WHEN t.method = 'cash' AND t.idx = (SELECT MIN(idx) FROM hub_sale_tenders c
				WHERE c.mall = s.mall AND c.sale_id = s.sale_id AND c.method = 'cash') THEN s.change ELSE 0 END AS paid, 0 AS refund
			FROM hub_sales s JOIN hub_sale_tenders t ON t.mall = s.mall AND t.sale_id = s.sale_id
			WHERE s.at >= ? AND s.at < ? AND NOT EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)
			UNION ALL
			SELECT f.method, 0, 0, f.amount FROM hub_returns r JOIN hub_return_refunds f ON f.mall = r.mall AND f.return_id = r.return_id
			WHERE r.at >= ? AND r.at < ?) x
		GROUP BY method`, lo, hi, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("tender mix: %w", err)
	}
	defer rows.Close()
	got := map[string]Tender{}
	for rows.Next() {
		var t Tender
		var paid, ref int64
		if err := rows.Scan(&t.Method, &t.Count, &paid, &ref); err != nil {
			return nil, fmt.Errorf("tender mix: %w", err)
		}
		t.Paid, t.Refunds, t.Net = money.FromPaise(paid), money.FromPaise(ref), money.FromPaise(paid-ref)
		got[t.Method] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tender mix: %w", err)
	}
	var total int64
	out := make([]Tender, 0, 3)
	for _, m := range []string{"cash", "upi", "card"} {
		t, ok := got[m]
		if !ok {
			t = Tender{Method: m, Paid: money.Zero, Refunds: money.Zero, Net: money.Zero}
		}
		total += t.Net.Paise()
		out = append(out, t)
	}
	for i := range out {
		out[i].Share = share(out[i].Net.Paise(), total)
	}
	return out, nil
}

// share is part/whole in per cent with one decimal, rounded half up, in
// integers (no float near money).
func share(part, whole int64) string {
	if whole <= 0 {
		return "0.0"
	}
	tenths := (part*1000*2 + whole) / (whole * 2)
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}

// CSV writes rows as a spreadsheet: a header, then one line per row.
func CSV(by By, rows []Row) [][]string {
	out := [][]string{{string(by), "name", "state", "qty_sold", "qty_returned", "sales", "returns", "net", "tax"}}
	for _, r := range rows {
		out = append(out, []string{r.Key, r.Label, r.State, fmt.Sprint(r.QtySold), fmt.Sprint(r.QtyReturned),
			r.Sales.String(), r.Returns.String(), r.Net.String(), r.Tax.String()})
	}
	return out
}

// Title says what a report shows, for a chart's heading.
func Title(by By, rng Range) string {
	var b strings.Builder
	b.WriteString("Net sales by " + string(by))
	if !rng.From.IsZero() {
		b.WriteString(", from " + rng.From.In(IST).Format("2 January 2006"))
	}
	if !rng.To.IsZero() {
		b.WriteString(", to " + rng.To.Add(-time.Nanosecond).In(IST).Format("2 January 2006"))
	}
	return b.String()
}

var _ ledger.Queryer = (*sql.DB)(nil)
