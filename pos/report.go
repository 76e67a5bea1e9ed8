package pos

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"ektamall/shared/events"
	"ektamall/shared/gst"
	"ektamall/shared/money"
)

// Totals add up a set of documents.
type Totals struct {
	Count   int64        `json:"count"`
	Total   money.Amount `json:"total"`
	Taxable money.Amount `json:"taxable_value"`
	CGST    money.Amount `json:"cgst"`
	SGST    money.Amount `json:"sgst"`
	UTGST   money.Amount `json:"utgst"`
	IGST    money.Amount `json:"igst"`
	// RoundOff is outside Total: what changed hands is Total + RoundOff.
	RoundOff money.Amount `json:"round_off"`
}

func (t Totals) tax() money.Amount { return t.CGST.Add(t.SGST).Add(t.UTGST).Add(t.IGST) }

// scanTotals reads count, total, taxable, cgst, state share, igst and
// round-off, naming the state share by the mall's kind.
func scanTotals(sc interface{ Scan(...any) error }, ut bool, extra ...any) (Totals, error) {
	var (
		t     Totals
		share money.Amount
	)
	if err := sc.Scan(append([]any{&t.Count, &t.Total, &t.Taxable, &t.CGST, &share, &t.IGST, &t.RoundOff}, extra...)...); err != nil {
		return t, err
	}
	t.SGST, t.UTGST = splitShare(share, ut)
	return t, nil
}

// TenderTotal is the money taken and given back by one method in a shift.
// Sales are net of change (cash handed back is not takings).
type TenderTotal struct {
	Method  string       `json:"method"`
	Sales   money.Amount `json:"sales"`
	Refunds money.Amount `json:"refunds"`
	Net     money.Amount `json:"net"`
}

// TaxHeads is tax-inclusive value and the tax inside it.
type TaxHeads struct {
	Amount  money.Amount `json:"amount"`
	Taxable money.Amount `json:"taxable_value"`
	CGST    money.Amount `json:"cgst"`
	SGST    money.Amount `json:"sgst"`
	UTGST   money.Amount `json:"utgst"`
	IGST    money.Amount `json:"igst"`
}

func (t TaxHeads) sub(o TaxHeads) TaxHeads {
	return TaxHeads{t.Amount.Sub(o.Amount), t.Taxable.Sub(o.Taxable), t.CGST.Sub(o.CGST), t.SGST.Sub(o.SGST),
		t.UTGST.Sub(o.UTGST), t.IGST.Sub(o.IGST)}
}

func (t TaxHeads) sum() money.Amount {
	return t.Taxable.Add(t.CGST).Add(t.SGST).Add(t.UTGST).Add(t.IGST)
}

func (t TaxHeads) equal(o TaxHeads) bool {
	return t.Amount.Equal(o.Amount) && t.Taxable.Equal(o.Taxable) && t.CGST.Equal(o.CGST) && t.SGST.Equal(o.SGST) &&
		t.UTGST.Equal(o.UTGST) && t.IGST.Equal(o.IGST)
}

// TaxTotal is GST at one rate in a shift: on sales, on returns, and net.
type TaxTotal struct {
	GSTRate gst.Rate `json:"gst_rate"`
	Sales   TaxHeads `json:"sales"`
	Returns TaxHeads `json:"returns"`
	Net     TaxHeads `json:"net"`
}

// Report is a shift's X report (while open) or Z report (at close).
type Report struct {
	Kind         string       `json:"kind"` // X or Z
	MallID       string       `json:"mall_id"`
	ShiftID      string       `json:"shift_id"`
	Counter      string       `json:"counter"`
	Cashier      string       `json:"cashier"`
	OpenedAt     time.Time    `json:"opened_at"`
	ClosedAt     *time.Time   `json:"closed_at,omitempty"`
	ClosedBy     string       `json:"closed_by,omitempty"`
	GeneratedAt  time.Time    `json:"generated_at"`
	OpeningFloat money.Amount `json:"opening_float"`
	// Sales are the invoices still standing; Cancelled those voided.
	Sales     Totals       `json:"sales"`
	Cancelled Totals       `json:"cancelled"`
	Returns   Totals       `json:"returns"`
	NetSales  money.Amount `json:"net_sales"`
	// RoundOff is the net round-off of sales less returns: the tenders
	// add up to NetSales + RoundOff.
	RoundOff money.Amount  `json:"round_off"`
	Tenders  []TenderTotal `json:"tenders"`
	Tax      []TaxTotal    `json:"tax"`
	PaidIn   money.Amount  `json:"paid_in"`
	PaidOut  money.Amount  `json:"paid_out"`
	// ExpectedCash = opening float + cash net of change and refunds +
	// paid in − paid out.
	ExpectedCash      money.Amount     `json:"expected_cash"`
	CountedCash       *money.Amount    `json:"counted_cash,omitempty"`
	OverShort         *money.Amount    `json:"over_short,omitempty"`
	Denominations     map[string]int64 `json:"denominations,omitempty"`
	FirstInvoiceNo    string           `json:"first_invoice_no"`
	LastInvoiceNo     string           `json:"last_invoice_no"`
	FirstCreditNoteNo string           `json:"first_credit_note_no,omitempty"`
	LastCreditNoteNo  string           `json:"last_credit_note_no,omitempty"`
	UTGST             bool             `json:"utgst,omitempty"`
}

// Check states what makes a report add up; tests and self-checks call it.
func (r Report) Check() error {
	heads := func(name string, t Totals) error {
		if s := t.Taxable.Add(t.tax()); !s.Equal(t.Total) {
			return fmt.Errorf("%s: taxable+cgst+sgst+utgst+igst %s != total %s", name, s, t.Total)
		}
		return nil
	}
	for name, t := range map[string]Totals{"sales": r.Sales, "returns": r.Returns, "cancelled": r.Cancelled} {
		if err := heads(name, t); err != nil {
			return err
		}
	}
	if n := r.Sales.Total.Sub(r.Returns.Total); !n.Equal(r.NetSales) {
		return fmt.Errorf("net sales %s != sales %s - returns %s", r.NetSales, r.Sales.Total, r.Returns.Total)
	}
	tenders, cash := money.Zero, money.Zero
	for _, t := range r.Tenders {
		if !t.Sales.Sub(t.Refunds).Equal(t.Net) {
			return fmt.Errorf("tender %s: sales %s - refunds %s != net %s", t.Method, t.Sales, t.Refunds, t.Net)
		}
		tenders = tenders.Add(t.Net)
		if t.Method == Cash {
			cash = t.Net
		}
	}
	if n := r.Sales.RoundOff.Sub(r.Returns.RoundOff); !n.Equal(r.RoundOff) {
		return fmt.Errorf("round-off %s != sales' %s - returns' %s", r.RoundOff, r.Sales.RoundOff, r.Returns.RoundOff)
	}
	if !tenders.Equal(r.NetSales.Add(r.RoundOff)) {
		return fmt.Errorf("tenders net %s != net sales %s + round-off %s", tenders, r.NetSales, r.RoundOff)
	}
	tax := money.Zero
	for _, t := range r.Tax {
		if !t.Sales.sub(t.Returns).equal(t.Net) {
			return fmt.Errorf("tax at %s%%: net is not sales - returns", t.GSTRate)
		}
		if s := t.Net.sum(); !s.Equal(t.Net.Amount) {
			return fmt.Errorf("tax at %s%%: taxable + taxes %s != %s", t.GSTRate, s, t.Net.Amount)
		}
		tax = tax.Add(t.Net.Amount)
	}
	if !tax.Equal(r.NetSales) {
		return fmt.Errorf("tax by rate adds to %s, not net sales %s", tax, r.NetSales)
	}
	if e := r.OpeningFloat.Add(cash).Add(r.PaidIn).Sub(r.PaidOut); !e.Equal(r.ExpectedCash) {
		return fmt.Errorf("expected cash %s != float + cash net + paid in - paid out = %s", r.ExpectedCash, e)
	}
	if r.CountedCash != nil && (r.OverShort == nil || !r.CountedCash.Sub(r.ExpectedCash).Equal(*r.OverShort)) {
		return fmt.Errorf("over/short is not counted - expected")
	}
	return nil
}

// buildReport adds up a shift from its documents.
func buildReport(ctx context.Context, q queryer, m Mall, sh Shift, now time.Time) (Report, error) {
	r := Report{Kind: "X", MallID: m.ID, ShiftID: sh.ID, Counter: sh.Counter, Cashier: sh.Cashier, OpenedAt: sh.OpenedAt,
		GeneratedAt: now, OpeningFloat: sh.OpeningFloat, UTGST: m.UTGST}
	var change int64
	rows, err := q.QueryContext(ctx, `SELECT COUNT(*), SUM(total_paise), SUM(taxable_paise), SUM(cgst_paise), SUM(sgst_paise),
			SUM(igst_paise), SUM(round_off_paise), status, SUM(change_paise), MIN(invoice_no), MAX(invoice_no)
		FROM sales WHERE shift_id = ? GROUP BY status`, sh.ID)
	if err != nil {
		return Report{}, fmt.Errorf("report sales: %w", err)
	}
	for rows.Next() {
		var (
			status, first, last string
			ch                  int64
		)
		t, err := scanTotals(rows, m.UTGST, &status, &ch, &first, &last)
		if err != nil {
			rows.Close()
			return Report{}, fmt.Errorf("report sales: %w", err)
		}
		if status == StatusCompleted {
			r.Sales, change = t, ch
		} else {
			r.Cancelled = t
		}
		if r.FirstInvoiceNo == "" || first < r.FirstInvoiceNo {
			r.FirstInvoiceNo = first
		}
		if last > r.LastInvoiceNo {
			r.LastInvoiceNo = last
		}
	}
	rows.Close()
	var first, last sql.NullString
	if r.Returns, err = scanTotals(q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(total_paise), 0), COALESCE(SUM(taxable_paise), 0),
			COALESCE(SUM(cgst_paise), 0), COALESCE(SUM(sgst_paise), 0), COALESCE(SUM(igst_paise), 0), COALESCE(SUM(round_off_paise), 0),
			MIN(credit_note_no), MAX(credit_note_no) FROM returns WHERE shift_id = ?`, sh.ID), m.UTGST, &first, &last); err != nil {
		return Report{}, fmt.Errorf("report returns: %w", err)
	}
	r.FirstCreditNoteNo, r.LastCreditNoteNo = first.String, last.String
	r.NetSales = r.Sales.Total.Sub(r.Returns.Total)
	r.RoundOff = r.Sales.RoundOff.Sub(r.Returns.RoundOff)

	byMethod := map[string]*TenderTotal{}
	for _, m := range Methods {
		byMethod[m] = &TenderTotal{Method: m}
	}
	if err := sumByKey(ctx, q, `SELECT t.method, SUM(t.amount_paise) FROM sale_tenders t JOIN sales s ON s.id = t.sale_id
		WHERE s.shift_id = ? AND s.status = 'completed' GROUP BY t.method`, sh.ID, func(k string, v money.Amount) {
		byMethod[k].Sales = v
	}); err != nil {
		return Report{}, err
	}
	byMethod[Cash].Sales = byMethod[Cash].Sales.Sub(money.FromPaise(change))
	if err := sumByKey(ctx, q, `SELECT f.method, SUM(f.amount_paise) FROM refunds f JOIN returns r ON r.id = f.return_id
		WHERE r.shift_id = ? GROUP BY f.method`, sh.ID, func(k string, v money.Amount) { byMethod[k].Refunds = v }); err != nil {
		return Report{}, err
	}
	for _, m := range Methods {
		t := byMethod[m]
		t.Net = t.Sales.Sub(t.Refunds)
		r.Tenders = append(r.Tenders, *t)
	}
	if err := sumByKey(ctx, q, `SELECT kind, SUM(amount_paise) FROM cash_moves WHERE shift_id = ? GROUP BY kind`, sh.ID, func(k string, v money.Amount) {
		if k == "in" {
			r.PaidIn = v
		} else {
			r.PaidOut = v
		}
	}); err != nil {
		return Report{}, err
	}
	r.ExpectedCash = r.OpeningFloat.Add(byMethod[Cash].Net).Add(r.PaidIn).Sub(r.PaidOut)
	if r.Tax, err = taxByRate(ctx, q, sh.ID, m.UTGST); err != nil {
		return Report{}, err
	}
	return r, nil
}

func sumByKey(ctx context.Context, q queryer, query, arg string, set func(string, money.Amount)) error {
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k string
			v money.Amount
		)
		if err := rows.Scan(&k, &v); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		set(k, v)
	}
	return rows.Err()
}

func taxByRate(ctx context.Context, q queryer, shiftID string, ut bool) ([]TaxTotal, error) {
	by := map[int64]*TaxTotal{}
	scan := func(query string, pick func(*TaxTotal) *TaxHeads) error {
		rows, err := q.QueryContext(ctx, query, shiftID)
		if err != nil {
			return fmt.Errorf("report tax: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				bp    int64
				h     TaxHeads
				share money.Amount
			)
			if err := rows.Scan(&bp, &h.Amount, &h.Taxable, &h.CGST, &share, &h.IGST); err != nil {
				return fmt.Errorf("report tax: %w", err)
			}
			h.SGST, h.UTGST = splitShare(share, ut)
			t := by[bp]
			if t == nil {
				rate, err := gst.RateFromBasisPoints(bp)
				if err != nil {
					return err
				}
				t = &TaxTotal{GSTRate: rate}
				by[bp] = t
			}
			*pick(t) = h
		}
		return rows.Err()
	}
	if err := scan(`SELECT l.gst_rate_bp, SUM(l.amount_paise), SUM(l.taxable_paise), SUM(l.cgst_paise), SUM(l.sgst_paise), SUM(l.igst_paise)
		FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.shift_id = ? AND s.status = 'completed' GROUP BY l.gst_rate_bp`,
		func(t *TaxTotal) *TaxHeads { return &t.Sales }); err != nil {
		return nil, err
	}
	if err := scan(`SELECT sl.gst_rate_bp, SUM(rl.amount_paise), SUM(rl.taxable_paise), SUM(rl.cgst_paise), SUM(rl.sgst_paise), SUM(rl.igst_paise)
		FROM return_lines rl JOIN returns r ON r.id = rl.return_id
		JOIN sale_lines sl ON sl.sale_id = r.sale_id AND sl.line_no = rl.sale_line_no
		WHERE r.shift_id = ? GROUP BY sl.gst_rate_bp`, func(t *TaxTotal) *TaxHeads { return &t.Returns }); err != nil {
		return nil, err
	}
	keys := make([]int64, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]TaxTotal, 0, len(keys))
	for _, k := range keys {
		t := by[k]
		t.Net = t.Sales.sub(t.Returns)
		out = append(out, *t)
	}
	return out, nil
}

// appendShiftClose writes the shift.closed outbox event from a Z report.
func appendShiftClose(ctx context.Context, tx *sql.Tx, mallID string, r Report) error {
	tenders := map[string]money.Amount{}
	for _, t := range r.Tenders {
		tenders[t.Method] = t.Net
	}
	_, err := events.Append(ctx, tx, mallID, events.ShiftClosed, *r.ClosedAt, events.ShiftClose{
		ShiftID: r.ShiftID, Counter: r.Counter, OpenedAt: r.OpenedAt, ClosedAt: *r.ClosedAt,
		SalesCount: r.Sales.Count, SalesTotal: r.Sales.Total, ReturnsCount: r.Returns.Count, ReturnsTotal: r.Returns.Total,
		VoidsCount: r.Cancelled.Count, Tenders: tenders, ExpectedCash: r.ExpectedCash, CountedCash: *r.CountedCash,
		FirstInvoiceNo: r.FirstInvoiceNo, LastInvoiceNo: r.LastInvoiceNo,
		OpeningFloat: r.OpeningFloat, PaidIn: r.PaidIn, PaidOut: r.PaidOut, VoidsTotal: r.Cancelled.Total,
		FirstCreditNoteNo: r.FirstCreditNoteNo, LastCreditNoteNo: r.LastCreditNoteNo,
		RoundOff: r.RoundOff, TaxHeads: r.netHeads(),
	})
	return err
}

// netHeads is the shift's net tax (sales less returns) by head.
func (r Report) netHeads() map[string]money.Amount {
	return map[string]money.Amount{
		"cgst":  r.Sales.CGST.Sub(r.Returns.CGST),
		"sgst":  r.Sales.SGST.Sub(r.Returns.SGST),
		"utgst": r.Sales.UTGST.Sub(r.Returns.UTGST),
		"igst":  r.Sales.IGST.Sub(r.Returns.IGST),
	}
}
