package gstr

import (
	"context"
	"fmt"
	"time"

	"ektamall/hub/ledger"
	"ektamall/shared/money"
)

// loadTransferDocs reads the transfer documents a mall issued in
// [from, to): a tax invoice to another State's mall is a B2B supply to
// that mall's GSTIN (inv, with IGST); a delivery challan ("dc") counts
// only in the documents issued.
func loadTransferDocs(ctx context.Context, q Queryer, m Mall, from, to time.Time) ([]*doc, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.transfer_id, d.kind, d.number, d.at, d.ingested_at, d.to_gstin, COALESCE(r.gstin, ''),
			COALESCE(r.name, d.to_mall), d.to_state, d.taxable + d.igst
		FROM hub_transfer_docs d LEFT JOIN malls r ON r.id = d.to_mall
		WHERE d.mall = ? AND d.at >= ? AND d.at < ?`, m.ID, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return nil, fmt.Errorf("gstr1: transfer documents: %w", err)
	}
	byID := map[string]*doc{}
	var out []*doc
	for rows.Next() {
		d := &doc{}
		var kind, at, ing, gstin, hubGSTIN string
		if err := rows.Scan(&d.ID, &kind, &d.No, &at, &ing, &gstin, &hubGSTIN, &d.Name, &d.POS, &d.Value); err != nil {
			rows.Close()
			return nil, err
		}
		if err := d.times(at, ing, ""); err != nil {
			rows.Close()
			return nil, err
		}
		d.Kind, d.B2B, d.CTIN = "dc", false, gstin
		if kind == "tax_invoice" {
			d.Kind, d.B2B = "inv", true
			if d.CTIN == "" { // the sender did not know it; the hub does
				d.CTIN = hubGSTIN
			}
		}
		d.place(m)
		byID[d.ID] = d
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT l.transfer_id, l.hsn, COALESCE(p.name, l.sku), l.qty, l.rate_bp, l.taxable, l.igst
		FROM hub_transfer_doc_lines l JOIN hub_transfer_docs d ON d.mall = l.mall AND d.transfer_id = l.transfer_id
		LEFT JOIN products p ON p.sku = l.sku
		WHERE l.mall = ? AND d.at >= ? AND d.at < ? ORDER BY l.transfer_id, l.sku`, m.ID, ledger.TS(from), ledger.TS(to))
	if err != nil {
		return nil, fmt.Errorf("gstr1: transfer document lines: %w", err)
	}
	return out, attachLines(rows, byID, func(id *string, l *line) []any {
		return []any{id, &l.HSN, &l.Desc, &l.Qty, &l.RateBP, &l.Txval, &l.I}
	})
}

// TransferDoc is a transfer document as finance lists it: the tax
// invoice or delivery challan a mall's goods moved under, with its
// e-way bill where one was required. Amounts are rupee strings.
type TransferDoc struct {
	TransferID string        `json:"transfer_id"`
	Kind       string        `json:"kind"` // tax_invoice, delivery_challan
	Number     string        `json:"number"`
	At         time.Time     `json:"at"`
	ToMall     string        `json:"to_mall"`
	ToGSTIN    string        `json:"to_gstin"`
	ToState    string        `json:"to_state"`
	Taxable    string        `json:"taxable_value"`
	IGST       string        `json:"igst"`
	Total      string        `json:"total"`
	EWayBill   *EWayBillInfo `json:"eway_bill"` // null: none needed (or a transfer from before e-way bills reached the hub)
}

// EWayBillInfo is a transfer's e-way bill as the sending mall reported it.
type EWayBillInfo struct {
	Number     string    `json:"number"`
	ValidUntil time.Time `json:"valid_until"`
	Vehicle    string    `json:"vehicle"` // vehicle number or transporter id (Part B)
}

// TransferDocs lists the transfer documents a mall issued, newest first.
func (s *Service) TransferDocs(ctx context.Context, mallID string) ([]TransferDoc, error) {
	q := s.DB.Reader()
	if _, err := LoadMall(ctx, q, mallID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT d.transfer_id, d.kind, d.number, d.at, d.to_mall,
			CASE WHEN d.to_gstin = '' THEN COALESCE(r.gstin, '') ELSE d.to_gstin END, d.to_state, d.taxable, d.igst,
			d.eway_no, d.eway_valid_until, d.eway_vehicle
		FROM hub_transfer_docs d LEFT JOIN malls r ON r.id = d.to_mall WHERE d.mall = ? ORDER BY d.at DESC, d.number DESC`, mallID)
	if err != nil {
		return nil, fmt.Errorf("transfer documents: %w", err)
	}
	defer rows.Close()
	out := []TransferDoc{}
	for rows.Next() {
		var d TransferDoc
		var at, until string
		var taxable, igst int64
		var e EWayBillInfo
		if err := rows.Scan(&d.TransferID, &d.Kind, &d.Number, &at, &d.ToMall, &d.ToGSTIN, &d.ToState, &taxable, &igst, &e.Number, &until, &e.Vehicle); err != nil {
			return nil, err
		}
		if d.At, err = ledger.ParseTS(at); err != nil {
			return nil, err
		}
		d.Taxable, d.IGST, d.Total = money.FromPaise(taxable).String(), money.FromPaise(igst).String(), money.FromPaise(taxable+igst).String()
		if e.Number != "" {
			e.ValidUntil, _ = ledger.ParseTS(until)
			d.EWayBill = &e
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
