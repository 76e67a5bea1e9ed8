package gstr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/catalog"
	"ektamall/shared/errs"
)

// Queryer is a *sql.DB or *sql.Tx.
type Queryer = ledger.Queryer

// Mall is a registration whose returns are built: one GSTIN per mall.
type Mall struct {
	ID      string
	State   string // two-letter code
	Name    string
	GSTIN   string
	Address string
	Pincode string
}

// LoadMall reads a mall the hub knows.
func LoadMall(ctx context.Context, q Queryer, id string) (Mall, error) {
	m := Mall{ID: id}
	err := q.QueryRowContext(ctx, `SELECT state, name, gstin, address, pincode FROM malls WHERE id = ?`, id).
		Scan(&m.State, &m.Name, &m.GSTIN, &m.Address, &m.Pincode)
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.E(errs.NotFound, "unknown mall %q", id)
	}
	if err != nil {
		return m, fmt.Errorf("load mall %s: %w", id, err)
	}
	if m.GSTIN == "" {
		return m, errs.E(errs.Conflict, "mall %s has no GSTIN at the hub; register it with 'ektamall hub provision-mall --gstin'", id)
	}
	return m, nil
}

// line is one invoice or credit-note line as the return needs it.
type line struct {
	HSN, Desc           string
	Qty                 int64
	RateBP              int64
	Txval, I, C, S, Ces int64
}

// doc is an invoice, a credit note or a transfer's tax invoice of one
// mall, with the times the hub learned of it and of its cancellation, so
// a return can be rebuilt as it stood at any moment (a filed period).
type doc struct {
	Kind     string // inv, cn, dc (a delivery challan: documents issued only)
	ID, No   string
	At       time.Time // document date
	Ingested time.Time // when the hub booked it
	B2B      bool
	CTIN     string
	Name     string
	POS      string // place of supply, two-letter State code
	Inter    bool
	Value    int64 // document value: taxable + tax + round-off
	Lines    []line
	// CancelledAt is when the hub booked the document's cancellation
	// (zero: never cancelled).
	CancelledAt time.Time
	// Credit notes: the invoice noted against, and whether it went to
	// b2cl (which sends the note to cdnur).
	OrigNo    string
	OrigAt    time.Time
	OrigLarge bool
}

// asOf says whether the document existed, and whether it stood
// cancelled, at t.
func (d *doc) asOf(t time.Time) (exists, cancelled bool) {
	exists = !d.Ingested.After(t)
	cancelled = exists && !d.CancelledAt.IsZero() && !d.CancelledAt.After(t)
	return exists, cancelled
}

// series is a document number without its serial: "C01/2526" of
// "C01/2526/0000012" (documents-issued groups by it).
func series(no string) string {
	if i := strings.LastIndex(no, "/"); i > 0 {
		return no[:i]
	}
	return ""
}

// b2clLimit is the invoice value above which an inter-State supply to an
// unregistered buyer is reported invoice-wise (b2cl): ₹1,00,000 from
// 1 August 2024 (Notif. 12/2024-CT), ₹2,50,000 before.
func b2clLimit(at time.Time) int64 {
	if at.Before(time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)) {
		return 25000000
	}
	return 10000000
}

func parseTS(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return ledger.ParseTS(s)
}

// loadDocs reads every document of mall m dated in [from, to).
func loadDocs(ctx context.Context, q Queryer, m Mall, from, to time.Time) ([]*doc, error) {
	invs, err := loadInvoices(ctx, q, m, from, to)
	if err != nil {
		return nil, err
	}
	notes, err := loadNotes(ctx, q, m, from, to)
	if err != nil {
		return nil, err
	}
	tr, err := loadTransferDocs(ctx, q, m, from, to)
	if err != nil {
		return nil, err
	}
	out := append(append(invs, notes...), tr...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].No < out[j].No })
	return out, nil
}

func loadInvoices(ctx context.Context, q Queryer, m Mall, from, to time.Time) ([]*doc, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.sale_id, s.invoice_no, s.at, s.ingested_at, s.b2b, s.buyer_gstin, s.buyer_name, s.pos_state,
			s.total + s.round_off, COALESCE(v.ingested_at, '')
		FROM hub_sales s LEFT JOIN hub_voids v ON v.mall = s.mall AND v.sale_id = s.sale_id
		WHERE s.mall = ? AND s.at >= ? AND s.at < ?`, m.ID, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return nil, fmt.Errorf("gstr1: invoices: %w", err)
	}
	byID := map[string]*doc{}
	var out []*doc
	for rows.Next() {
		d := &doc{Kind: "inv"}
		var at, ing, void string
		var b2b int
		if err := rows.Scan(&d.ID, &d.No, &at, &ing, &b2b, &d.CTIN, &d.Name, &d.POS, &d.Value, &void); err != nil {
			rows.Close()
			return nil, err
		}
		if err := d.times(at, ing, void); err != nil {
			rows.Close()
			return nil, err
		}
		d.B2B = b2b == 1
		d.place(m)
		byID[d.ID] = d
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT l.sale_id, l.hsn, COALESCE(p.name, ''), l.qty, l.gst_rate_bp, l.taxable, l.igst, l.cgst, l.sgst
		FROM hub_sale_lines l LEFT JOIN products p ON p.sku = l.sku
		WHERE l.mall = ? AND l.at >= ? AND l.at < ? ORDER BY l.sale_id, l.line_no`, m.ID, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return nil, fmt.Errorf("gstr1: invoice lines: %w", err)
	}
	return out, attachLines(rows, byID, func(id *string, l *line) []any {
		return []any{id, &l.HSN, &l.Desc, &l.Qty, &l.RateBP, &l.Txval, &l.I, &l.C, &l.S}
	})
}

func loadNotes(ctx context.Context, q Queryer, m Mall, from, to time.Time) ([]*doc, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.return_id, r.credit_note_no, r.at, r.ingested_at, r.total + r.round_off,
			s.invoice_no, s.at, s.b2b, s.buyer_gstin, s.buyer_name, s.pos_state, s.total + s.round_off
		FROM hub_returns r JOIN hub_sales s ON s.mall = r.mall AND s.sale_id = r.sale_id
		WHERE r.mall = ? AND r.at >= ? AND r.at < ?`, m.ID, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return nil, fmt.Errorf("gstr1: credit notes: %w", err)
	}
	byID := map[string]*doc{}
	var out []*doc
	for rows.Next() {
		d := &doc{Kind: "cn"}
		var at, ing, oat string
		var b2b int
		var origVal int64
		if err := rows.Scan(&d.ID, &d.No, &at, &ing, &d.Value, &d.OrigNo, &oat, &b2b, &d.CTIN, &d.Name, &d.POS, &origVal); err != nil {
			rows.Close()
			return nil, err
		}
		if err := d.times(at, ing, ""); err != nil {
			rows.Close()
			return nil, err
		}
		if d.OrigAt, err = parseTS(oat); err != nil {
			rows.Close()
			return nil, err
		}
		d.B2B = b2b == 1
		d.place(m)
		d.OrigLarge = !d.B2B && d.Inter && origVal > b2clLimit(d.OrigAt)
		byID[d.ID] = d
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT rl.return_id, sl.hsn, COALESCE(p.name, ''), rl.qty, sl.gst_rate_bp, rl.taxable, rl.igst, rl.cgst, rl.sgst
		FROM hub_return_lines rl
		JOIN hub_sale_lines sl ON sl.mall = rl.mall AND sl.sale_id = rl.sale_id AND sl.line_no = rl.sale_line_no
		LEFT JOIN products p ON p.sku = sl.sku
		WHERE rl.mall = ? AND rl.at >= ? AND rl.at < ? ORDER BY rl.return_id, rl.sale_line_no`, m.ID, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return nil, fmt.Errorf("gstr1: credit note lines: %w", err)
	}
	return out, attachLines(rows, byID, func(id *string, l *line) []any {
		return []any{id, &l.HSN, &l.Desc, &l.Qty, &l.RateBP, &l.Txval, &l.I, &l.C, &l.S}
	})
}

// attachLines reads a document's lines (the document id first, then the
// columns dest points at) and appends each to its document in byID.
func attachLines(rows *sql.Rows, byID map[string]*doc, dest func(id *string, l *line) []any) error {
	defer rows.Close()
	for rows.Next() {
		var id string
		var l line
		if err := rows.Scan(dest(&id, &l)...); err != nil {
			return err
		}
		if d := byID[id]; d != nil {
			d.Lines = append(d.Lines, l)
		}
	}
	return rows.Err()
}

func (d *doc) times(at, ing, cancelled string) (err error) {
	if d.At, err = parseTS(at); err != nil {
		return err
	}
	if d.Ingested, err = parseTS(ing); err != nil {
		return err
	}
	d.CancelledAt, err = parseTS(cancelled)
	return err
}

// place settles the place of supply (an empty one is the mall's State,
// as on invoices from before it was recorded) and whether the supply is
// inter-State.
func (d *doc) place(m Mall) {
	if d.POS == "" {
		d.POS = m.State
	}
	d.Inter = d.POS != m.State
}

// gstCode is a State's two-digit GST code ("UP" → "09").
func gstCode(state string) string {
	if s, ok := catalog.StateByCode(state); ok {
		return s.GSTCode
	}
	return state
}
