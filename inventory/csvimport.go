package inventory

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"ektamall/shared/errs"
	"ektamall/shared/text"
)

// Limits of a consignment CSV.
const (
	MaxImportRows   = 100_000
	MaxReportedRows = 1000 // bad rows listed in one answer; the count says how many more
)

// RowError is one bad row of an imported CSV; Line is the file's line
// number (the header is line 1).
type RowError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ImportError lists every bad row of a CSV (up to MaxReportedRows). Its
// code is Invalid: nothing was applied.
type ImportError struct {
	Rows  []RowError
	Total int // bad rows in the file, including those not listed
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("%d bad rows in the CSV; nothing was imported", e.Total)
}

// Unwrap makes errs.CodeOf and errs.Public see an Invalid error.
func (e *ImportError) Unwrap() error { return errs.E(errs.Invalid, "%s", e.Error()) }

func (e *ImportError) add(line int, format string, args ...any) {
	e.Total++
	if len(e.Rows) < MaxReportedRows {
		// Bounded: a message quotes the row, and a row can be megabytes.
		e.Rows = append(e.Rows, RowError{Line: line, Message: text.Bound(fmt.Sprintf(format, args...), 300)})
	}
}

// csvRow is a parsed data row: a SKU or barcode and a quantity.
type csvRow struct {
	line int
	code string
	qty  int64
}

// parseCSV reads a consignment file: a header naming a "sku" (or
// "barcode") column and a "qty" (or "quantity") column, other columns
// ignored, then one row per line. Syntax errors are collected, not fatal.
func parseCSV(r io.Reader, bad *ImportError) ([]csvRow, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) { // Excel's UTF-8 byte order mark
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errs.Field("file", "the CSV is empty; it needs a header line such as sku,qty")
	}
	if err != nil {
		return nil, errs.Field("file", "line 1: %v", csvProblem(err))
	}
	skuCol, qtyCol := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "sku", "barcode", "sku_or_barcode":
			skuCol = i
		case "qty", "quantity":
			qtyCol = i
		}
	}
	if skuCol < 0 || qtyCol < 0 {
		return nil, errs.Field("file", "line 1: the header must name a sku column and a qty column (e.g. sku,qty), got %q", strings.Join(head, ","))
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad.add(pe.StartLine, "%s", csvProblem(err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows)+bad.Total >= MaxImportRows {
			return nil, errs.Field("file", "more than %d rows; split the consignment into several files", MaxImportRows)
		}
		if len(rec) <= max(skuCol, qtyCol) {
			bad.add(line, "expected at least %d columns, found %d", max(skuCol, qtyCol)+1, len(rec))
			continue
		}
		code := strings.TrimSpace(rec[skuCol])
		qtyText := strings.TrimSpace(rec[qtyCol])
		qty, err := strconv.ParseInt(qtyText, 10, 64)
		switch {
		case code == "":
			bad.add(line, "the sku is empty")
		case err != nil:
			bad.add(line, "quantity %q is not a whole number", qtyText)
		case qty <= 0:
			bad.add(line, "quantity must be positive, not %d", qty)
		case qty > MaxLineQty:
			bad.add(line, "quantity %d is implausibly large (at most %d per line)", qty, MaxLineQty)
		default:
			rows = append(rows, csvRow{line: line, code: code, qty: qty})
		}
	}
	if len(rows) == 0 && bad.Total == 0 {
		return nil, errs.Field("file", "the CSV has a header but no rows")
	}
	return rows, nil
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ImportCSV receives a consignment from a CSV file as one GRN: all rows
// or none. The whole file is read and parsed before the write transaction
// starts (a slow upload must not hold the writer); then every row is
// checked and every bad one reported by line number in an *ImportError.
// progress, if not nil, is called as lines are applied.
func (s *Service) ImportCSV(ctx context.Context, a Actor, zone string, meta ReceiptInput, r io.Reader, progress func(done, total int)) (GRN, error) {
	if err := errors.Join(checkText("producer_ref", &meta.ProducerRef, 64), checkText("note", &meta.Note, 500)); err != nil {
		return GRN{}, err
	}
	// Scope and producer first: an outsider learns nothing about the file.
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return GRN{}, err
	}
	if _, err := checkProducer(ctx, s.DB.R, meta.ProducerID, zone); err != nil {
		return GRN{}, err
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return GRN{}, fmt.Errorf("read csv: %w", err)
	}
	bad := &ImportError{}
	rows, err := parseCSV(bytes.NewReader(body), bad)
	if err != nil {
		return GRN{}, err
	}
	var g GRN
	var replay string
	sum := sha256.Sum256(body)
	ik := a.request("receipt", []any{"csv", zone, meta, sum[:]})
	err = s.DB.Transact(ctx, func(tx *sql.Tx) (err error) {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		if replay, err = ik.Replay(ctx, tx); err != nil || replay != "" {
			return err
		}
		prod, err := checkProducer(ctx, tx, meta.ProducerID, zone)
		if err != nil {
			return err
		}
		byCode, err := productIndex(ctx, tx)
		if err != nil {
			return err
		}
		in := meta
		in.Lines = make([]Line, 0, len(rows))
		ps := make([]product, 0, len(rows))
		for _, row := range rows {
			p, ok := byCode[row.code]
			switch {
			case !ok:
				bad.add(row.line, "unknown SKU or barcode %q", row.code)
			case p.Zone != zone:
				bad.add(row.line, "SKU %s belongs to zone %s, not %s", p.SKU, p.Zone, zone)
			case p.ProducerID != prod.ID:
				bad.add(row.line, "SKU %s is made by %s, not %s", p.SKU, p.ProducerID, prod.ID)
			default:
				in.Lines = append(in.Lines, Line{SKU: p.SKU, Qty: row.qty})
				ps = append(ps, p)
			}
		}
		if bad.Total > 0 {
			sortRowErrors(bad.Rows)
			return bad
		}
		if g, err = s.writeGRN(ctx, tx, a, zone, prod, in, ps, "csv", progress); err != nil {
			return err
		}
		return ik.Remember(ctx, tx, g.ID, g.ReceivedAt)
	})
	return s.orReplay(ctx, a, g, replay, err)
}

// productIndex maps every active SKU and barcode to its product.
func productIndex(ctx context.Context, q queryer) (map[string]product, error) {
	rows, err := q.QueryContext(ctx, `SELECT sku, barcode, name, state, producer_id, mrp_paise FROM products WHERE active = 1`)
	if err != nil {
		return nil, fmt.Errorf("load products: %w", err)
	}
	defer rows.Close()
	out := map[string]product{}
	for rows.Next() {
		var p product
		var barcode string
		if err := rows.Scan(&p.SKU, &barcode, &p.Name, &p.Zone, &p.ProducerID, &p.MRPPaise); err != nil {
			return nil, err
		}
		out[p.SKU], out[barcode] = p, p
	}
	return out, rows.Err()
}

func sortRowErrors(rows []RowError) {
	slices.SortStableFunc(rows, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
}
