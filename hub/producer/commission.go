package producer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"ektamall/hub/ledger"
	"ektamall/hub/settle"
	"ektamall/shared/errs"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
	"ektamall/shared/webui"
)

// CommissionDoc is the document a settlement run issues a producer for
// the commission one mall charged them: a tax invoice for a service
// (SAC 996211, commission on retail trade) when GST on the commission was
// charged, else a statement of commission. Each mall numbers its
// documents in a series of its own per financial year: "C" and the
// first four characters of the mall's id (CLKO1/2627/00001).
type CommissionDoc struct {
	ID            string       `json:"id"`
	Number        string       `json:"number"`
	Kind          string       `json:"kind"` // tax_invoice, statement
	IssuedAt      time.Time    `json:"issued_at"`
	Mall          string       `json:"mall"`
	MallName      string       `json:"mall_name"`
	MallGSTIN     string       `json:"mall_gstin"`
	MallState     string       `json:"mall_state"`
	RunID         string       `json:"run_id"`
	RunNo         int64        `json:"run_no"`
	ProducerID    string       `json:"producer_id"`
	ProducerName  string       `json:"producer_name"`
	ProducerState string       `json:"producer_state"`
	Lines         int64        `json:"lines"`
	Commission    money.Amount `json:"commission"` // the taxable value of the service
	CGST          money.Amount `json:"cgst"`
	SGST          money.Amount `json:"sgst"`
	IGST          money.Amount `json:"igst"`
	Total         money.Amount `json:"total"`
}

// SAC is the services accounting code of the commission.
const SAC = "996211"

// IssueCommissionDocs issues the documents of every settlement run that
// has none yet, oldest run first, so that each mall's numbers follow the
// runs. A run is issued whole in one transaction and marked issued, so a
// retry, or another hub node doing the same, issues nothing twice.
func (s *Service) IssueCommissionDocs(ctx context.Context, st *settle.Service) error {
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT r.id, r.created_at FROM settlement_runs r
		WHERE NOT EXISTS (SELECT 1 FROM commission_runs c WHERE c.run_id = r.id) ORDER BY r.run_no`)
	if err != nil {
		return fmt.Errorf("runs to issue: %w", err)
	}
	type run struct{ id, at string }
	var runs []run
	for rows.Next() {
		var r run
		if err := rows.Scan(&r.id, &r.at); err != nil {
			rows.Close()
			return err
		}
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range runs {
		cs, err := st.RunCommissions(ctx, r.id) // a closed run never changes
		if err != nil {
			return err
		}
		at, _ := ledger.ParseTS(r.at)
		if err := s.db.Transact(ctx, func(tx sqldb.Tx) error { return issueRun(ctx, tx, r.id, at, cs) }); err != nil {
			return fmt.Errorf("issue commission documents of run %s: %w", r.id, err)
		}
	}
	return nil
}

func issueRun(ctx context.Context, tx sqldb.Tx, runID string, at time.Time, cs []settle.RunCommission) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO commission_runs (run_id, issued_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, runID, ledger.TS(at))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // issued meanwhile
	}
	fy := invoice.FinancialYear(at)
	for _, c := range cs {
		if c.Commission == 0 && c.CommissionGST == 0 {
			continue
		}
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM commission_invoices WHERE mall = ? AND fy = ?`, c.Mall, int(fy)).
			Scan(&seq); err != nil {
			return err
		}
		series, err := seriesOf(ctx, tx, c.Mall)
		if err != nil {
			return err
		}
		no, err := invoice.Format(series, fy, seq)
		if err != nil {
			return err
		}
		kind := "statement"
		if c.CommissionGST != 0 {
			kind = "tax_invoice"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO commission_invoices (id, number, mall, fy, seq, run_id, producer_id, kind, lines,
			commission, commission_gst, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ids.New(), no, c.Mall, int(fy), seq, runID, c.ProducerID, kind, c.Lines, c.Commission, c.CommissionGST, ledger.TS(at)); err != nil {
			return fmt.Errorf("commission document %s: %w", no, err)
		}
	}
	return nil
}

// seriesOf is a mall's commission series code (invoice.ValidSeries: at
// most five characters), given on the mall's first document and kept. It
// is "C" and the first four characters of the mall id unless another mall
// has that already (LKO12 and LKO13); then the fourth character runs
// through 0-9 and A-Z until one is free.
func seriesOf(ctx context.Context, tx sqldb.Tx, mall string) (string, error) {
	var code string
	err := tx.QueryRowContext(ctx, `SELECT code FROM commission_series WHERE mall = ?`, mall).Scan(&code)
	if err == nil {
		return code, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	base := "C" + strings.ToUpper(mall)
	if len(base) > 5 {
		base = base[:5]
	}
	candidates := []string{base}
	for _, r := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		candidates = append(candidates, base[:min(len(base), 4)]+string(r))
	}
	for _, code := range candidates {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM commission_series WHERE code = ?`, code).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO commission_series (mall, code) VALUES (?, ?)`, mall, code)
			return code, err
		}
	}
	return "", fmt.Errorf("no free commission series code for mall %s", mall)
}

const docCols = `c.id, c.number, c.kind, c.issued_at, c.mall, m.name, m.gstin, m.state, c.run_id, r.run_no, c.producer_id, p.name, p.state,
	c.lines, c.commission, c.commission_gst
	FROM commission_invoices c JOIN malls m ON m.id = c.mall JOIN settlement_runs r ON r.id = c.run_id JOIN producers p ON p.id = c.producer_id`

func scanDoc(sc interface{ Scan(...any) error }) (CommissionDoc, error) {
	var d CommissionDoc
	var at string
	var comm, g int64
	if err := sc.Scan(&d.ID, &d.Number, &d.Kind, &at, &d.Mall, &d.MallName, &d.MallGSTIN, &d.MallState, &d.RunID, &d.RunNo,
		&d.ProducerID, &d.ProducerName, &d.ProducerState, &d.Lines, &comm, &g); err != nil {
		return d, err
	}
	d.IssuedAt, _ = ledger.ParseTS(at)
	d.Commission = money.FromPaise(comm)
	// The supply is within the mall's State when the producer is there
	// (CGST + SGST, the odd paisa to SGST), else between States (IGST).
	if d.ProducerState == d.MallState {
		d.CGST = money.FromPaise(g / 2)
		d.SGST = money.FromPaise(g - g/2)
	} else {
		d.IGST = money.FromPaise(g)
	}
	d.Total = money.FromPaise(comm + g)
	return d, nil
}

// CommissionDocs lists documents, newest first: of one producer, one run,
// or (both "") all of them.
func (s *Service) CommissionDocs(ctx context.Context, st *settle.Service, producerID, runID string) ([]CommissionDoc, error) {
	if err := s.IssueCommissionDocs(ctx, st); err != nil {
		return nil, err
	}
	where, args := []string{"1 = 1"}, []any{}
	if producerID != "" {
		where, args = append(where, "c.producer_id = ?"), append(args, producerID)
	}
	if runID != "" {
		where, args = append(where, "c.run_id = ?"), append(args, runID)
	}
	rows, err := s.db.Reader().QueryContext(ctx, `SELECT `+docCols+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.issued_at DESC, c.number DESC LIMIT 5000`, args...)
	if err != nil {
		return nil, fmt.Errorf("commission documents: %w", err)
	}
	defer rows.Close()
	out := []CommissionDoc{}
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CommissionDoc reads one document by id or number; producerID "" for finance,
// else NotFound unless it is that producer's.
func (s *Service) CommissionDoc(ctx context.Context, st *settle.Service, idOrNumber, producerID string) (CommissionDoc, error) {
	if err := s.IssueCommissionDocs(ctx, st); err != nil {
		return CommissionDoc{}, err
	}
	d, err := scanDoc(s.db.Reader().QueryRowContext(ctx, `SELECT `+docCols+` WHERE c.id = ? OR c.number = ?`, idOrNumber, idOrNumber))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && producerID != "" && d.ProducerID != producerID) {
		return CommissionDoc{}, errs.E(errs.NotFound, "no commission document %q", idOrNumber)
	}
	return d, err
}

// WriteHTML renders the document as a print-ready page.
func (d CommissionDoc) WriteHTML(w io.Writer, base string) error { return d.WriteHTMLIn(w, base, "en") }

// WriteHTMLIn renders the page in lang (en, hi, kn; any other reads English).
func (d CommissionDoc) WriteHTMLIn(w io.Writer, base, lang string) error {
	return pages.ExecuteTemplate(w, "commission.html", struct {
		D    CommissionDoc
		SAC  string
		Base string
		W    webui.Words
	}{d, SAC, base, webui.WordsIn(lang)})
}
