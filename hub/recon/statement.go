package recon

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"ektamall/hub"
	"ektamall/hub/ledger"
	"ektamall/shared/csvin"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
)

// StatementRow is one payment an acquirer reports.
type StatementRow struct {
	Line   int
	Ref    string
	Amount money.Amount
	At     time.Time
}

var ist = time.FixedZone("IST", 5*3600+1800)

// ParseStatement reads a payment statement CSV with a header naming the
// columns reference, amount and time (any order, other columns ignored).
// Every bad row is named by its line number; any bad row rejects the file.
func ParseStatement(body []byte) ([]StatementRow, error) {
	var rows []StatementRow
	err := csvin.Read(body, "statement", []string{"reference", "amount", "time"}, func(line int, get func(string) string) []string {
		r := StatementRow{Line: line, Ref: get("reference")}
		var probs []string
		var err error
		if r.Ref == "" {
			probs = append(probs, "empty reference")
		}
		if r.Amount, err = money.Parse(get("amount")); err != nil || !r.Amount.IsPositive() {
			probs = append(probs, fmt.Sprintf("amount %q is not a positive amount such as 1449.00", get("amount")))
		}
		if r.At, err = parseTime(get("time")); err != nil {
			probs = append(probs, fmt.Sprintf("time %q is not RFC 3339 or 2006-01-02 15:04:05 (IST)", get("time")))
		}
		if len(probs) == 0 {
			rows = append(rows, r)
		}
		return probs
	})
	return rows, err
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, ist)
	return t.UTC(), err
}

// Import is one imported statement.
type Import struct {
	ID         string    `json:"id"`
	Filename   string    `json:"filename"`
	Rows       int       `json:"rows"`
	ImportedAt time.Time `json:"imported_at"`
	ImportedBy string    `json:"imported_by"`
}

// ImportStatement validates and stores a payment statement. The same file
// twice is a Conflict.
func ImportStatement(ctx context.Context, db hub.Store, filename string, body []byte, by string, now time.Time) (Import, error) {
	rows, err := ParseStatement(body)
	if err != nil {
		return Import{}, err
	}
	sum := sha256.Sum256(body)
	im := Import{ID: ids.New(), Filename: filename, Rows: len(rows), ImportedAt: now.UTC(), ImportedBy: by}
	err = db.Transact(ctx, func(tx sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO statement_imports (id, kind, sha256, filename, rows, imported_at, imported_by) VALUES (?, 'payment', ?, ?, ?, ?, ?)`,
			im.ID, hex.EncodeToString(sum[:]), filename, len(rows), ledger.TS(now), by)
		if sqldb.IsUnique(err) {
			return errs.E(errs.Conflict, "this statement file was already imported")
		}
		if err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO statement_rows (import_id, line, ref, amount, at) VALUES (?, ?, ?, ?, ?)`,
				im.ID, r.Line, r.Ref, r.Amount.Paise(), ledger.TS(r.At)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Import{}, fmt.Errorf("import statement: %w", err)
	}
	return im, nil
}

// Break is one difference between a statement and the hub's tenders.
type Break struct {
	Category  string        `json:"category"` // amount_mismatch, missing_in_hub, missing_in_statement, duplicate_in_statement, duplicate_in_hub, voided_in_hub
	Ref       string        `json:"ref"`
	Line      int           `json:"line,omitempty"` // statement line
	Mall      string        `json:"mall,omitempty"`
	SaleID    string        `json:"sale_id,omitempty"`
	InvoiceNo string        `json:"invoice_no,omitempty"`
	Method    string        `json:"method,omitempty"`
	HubAmount *money.Amount `json:"hub_amount,omitempty"`
	StmtAmt   *money.Amount `json:"statement_amount,omitempty"`
	Diff      money.Amount  `json:"diff"` // statement − hub
	At        time.Time     `json:"at"`
	AgeDays   int           `json:"age_days"`
}

// Report is a statement's reconciliation.
type Report struct {
	ImportID string    `json:"import_id"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Matched  int       `json:"matched"`
	Breaks   []Break   `json:"breaks"`
}

type hubTender struct {
	mall, sale, invoice, method, ref string
	amount                           int64
	at                               time.Time
	voided                           bool
}

// Breaks matches a statement's rows to UPI and card tenders by reference
// and amount. The statement covers the IST days from its first to its
// last row; hub tenders of that period missing from it are breaks too.
func Breaks(ctx context.Context, q ledger.Queryer, importID string, now time.Time) (Report, error) {
	rep := Report{ImportID: importID, Breaks: []Break{}}
	var rows []StatementRow
	rs, err := q.QueryContext(ctx, `SELECT line, ref, amount, at FROM statement_rows WHERE import_id = ? ORDER BY line`, importID)
	if err != nil {
		return rep, fmt.Errorf("breaks: %w", err)
	}
	for rs.Next() {
		var r StatementRow
		var amt int64
		var at string
		if err := rs.Scan(&r.Line, &r.Ref, &amt, &at); err != nil {
			rs.Close()
			return rep, err
		}
		r.Amount = money.FromPaise(amt)
		r.At, _ = ledger.ParseTS(at)
		rows = append(rows, r)
	}
	rs.Close()
	if len(rows) == 0 {
		return rep, errs.E(errs.NotFound, "no statement import %q", importID)
	}
	lo, hi := rows[0].At, rows[0].At
	for _, r := range rows {
		if r.At.Before(lo) {
			lo = r.At
		}
		if r.At.After(hi) {
			hi = r.At
		}
	}
	y, m, d := lo.In(ist).Date()
	rep.From = time.Date(y, m, d, 0, 0, 0, 0, ist).UTC()
	y, m, d = hi.In(ist).Date()
	rep.To = time.Date(y, m, d+1, 0, 0, 0, 0, ist).UTC()

	tenders := map[string][]*hubTender{}
	tr, err := q.QueryContext(ctx, `SELECT t.mall, t.sale_id, s.invoice_no, t.method, t.ref, t.amount, s.at,
			EXISTS (SELECT 1 FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)
		FROM hub_sale_tenders t JOIN hub_sales s ON s.mall = t.mall AND s.sale_id = t.sale_id
		WHERE t.method IN ('upi', 'card') AND t.ref <> '' AND (t.ref IN (SELECT ref FROM statement_rows WHERE import_id = ?) OR (s.at >= ? AND s.at < ?))
		ORDER BY s.at, t.mall, t.sale_id`,
		importID, ledger.TS(rep.From), ledger.TS(rep.To))
	if err != nil {
		return rep, fmt.Errorf("breaks: %w", err)
	}
	for tr.Next() {
		var h hubTender
		var at string
		if err := tr.Scan(&h.mall, &h.sale, &h.invoice, &h.method, &h.ref, &h.amount, &at, &h.voided); err != nil {
			tr.Close()
			return rep, err
		}
		h.at, _ = ledger.ParseTS(at)
		tenders[h.ref] = append(tenders[h.ref], &h)
	}
	tr.Close()
	if err := tr.Err(); err != nil {
		return rep, err
	}
	age := func(t time.Time) int { return max(0, int(now.Sub(t).Hours()/24)) }
	// Rows and tenders match one to one: a statement row takes one tender
	// of its reference that no other row took, so a reference on two
	// sales leaves one tender unmatched, and that is a break.
	seen := map[string]bool{}
	used := map[*hubTender]bool{}
	for _, r := range rows {
		b := Break{Ref: r.Ref, Line: r.Line, At: r.At, AgeDays: age(r.At)}
		sa := r.Amount
		b.StmtAmt = &sa
		h := pickTender(tenders[r.Ref], used, r.Amount.Paise(), r.At)
		switch {
		case h == nil && seen[r.Ref]:
			b.Category, b.Diff = "duplicate_in_statement", r.Amount
		case h == nil:
			b.Category, b.Diff = "missing_in_hub", r.Amount
		default:
			used[h] = true
			ha := money.FromPaise(h.amount)
			b.Mall, b.SaleID, b.InvoiceNo, b.Method, b.HubAmount = h.mall, h.sale, h.invoice, h.method, &ha
			b.Diff = r.Amount.Sub(ha)
			switch {
			case h.voided:
				b.Category = "voided_in_hub"
			case !b.Diff.IsZero():
				b.Category = "amount_mismatch"
			}
		}
		seen[r.Ref] = true
		if b.Category == "" {
			rep.Matched++
			continue
		}
		rep.Breaks = append(rep.Breaks, b)
	}
	for ref, hs := range tenders {
		for _, h := range hs {
			if used[h] || h.voided {
				continue
			}
			// A tender whose reference the statement paid for another
			// sale: the reference was used twice, whatever its date.
			cat := "duplicate_in_hub"
			if !seen[ref] {
				if h.at.Before(rep.From) || !h.at.Before(rep.To) {
					continue
				}
				cat = "missing_in_statement"
			}
			ha := money.FromPaise(h.amount)
			rep.Breaks = append(rep.Breaks, Break{Category: cat, Ref: ref, Mall: h.mall, SaleID: h.sale, InvoiceNo: h.invoice,
				Method: h.method, HubAmount: &ha, Diff: ha.Neg(), At: h.at, AgeDays: age(h.at)})
		}
	}
	sort.SliceStable(rep.Breaks, func(i, j int) bool {
		if rep.Breaks[i].Category != rep.Breaks[j].Category {
			return rep.Breaks[i].Category < rep.Breaks[j].Category
		}
		return rep.Breaks[i].Ref < rep.Breaks[j].Ref
	})
	return rep, nil
}

// pickTender is the tender a statement row (amount, at) matches: of those
// with its reference that no row took yet, the one not voided of the same
// amount nearest in time, else the nearest not voided, else any; nil when
// none is left.
func pickTender(hs []*hubTender, used map[*hubTender]bool, amount int64, at time.Time) *hubTender {
	var best *hubTender
	rank := func(h *hubTender) (int, time.Duration) {
		r := 2
		switch {
		case !h.voided && h.amount == amount:
			r = 0
		case !h.voided:
			r = 1
		}
		return r, h.at.Sub(at).Abs()
	}
	for _, h := range hs {
		if used[h] {
			continue
		}
		if best == nil {
			best = h
			continue
		}
		r, d := rank(h)
		br, bd := rank(best)
		if r < br || r == br && d < bd {
			best = h
		}
	}
	return best
}

// WriteBreaksCSV writes the breaks as CSV.
func WriteBreaksCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"category", "ref", "statement_line", "mall", "invoice_no", "method", "hub_amount", "statement_amount", "diff", "at", "age_days"})
	opt := func(a *money.Amount) string {
		if a == nil {
			return ""
		}
		return a.String()
	}
	for _, b := range rep.Breaks {
		line := ""
		if b.Line > 0 {
			line = fmt.Sprint(b.Line)
		}
		_ = cw.Write([]string{b.Category, csvSafe(b.Ref), line, b.Mall, b.InvoiceNo, b.Method, opt(b.HubAmount), opt(b.StmtAmt), b.Diff.String(),
			b.At.Format(time.RFC3339), fmt.Sprint(b.AgeDays)})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a value from being run as a spreadsheet formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
