package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ektamall/shared/catalog"
	"ektamall/shared/errs"
	"ektamall/shared/gst"
	"ektamall/shared/ids"
	"ektamall/shared/money"
)

// GetSale reads an invoice by id. Any cashier may read any invoice: a
// return is often taken at another counter than the sale.
func (s *Service) GetSale(ctx context.Context, a Actor, id string) (Sale, error) {
	if err := canRing(a.User); err != nil {
		return Sale{}, err
	}
	if _, err := ids.Parse(id); err != nil {
		return Sale{}, errs.E(errs.NotFound, "no sale %q", id)
	}
	return readSale(ctx, s.db.R, s.mall, id)
}

// FindSale reads an invoice by its number, as printed on the receipt.
func (s *Service) FindSale(ctx context.Context, a Actor, invoiceNo string) (Sale, error) {
	if err := canRing(a.User); err != nil {
		return Sale{}, err
	}
	var id string
	err := s.db.R.QueryRowContext(ctx, `SELECT id FROM sales WHERE invoice_no = ?`, invoiceNo).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Sale{}, errs.E(errs.NotFound, "no invoice %q", invoiceNo)
	}
	if err != nil {
		return Sale{}, fmt.Errorf("find sale: %w", err)
	}
	return readSale(ctx, s.db.R, s.mall, id)
}

// readSale reads a whole invoice: header, lines with returned quantities,
// tenders and the credit notes against it.
func readSale(ctx context.Context, q queryer, m Mall, id string) (Sale, error) {
	var (
		sl                                               Sale
		at                                               string
		approver, cancelledAt, cancelledBy, cancelReason sql.NullString
		share                                            money.Amount
		b                                                Buyer
		d                                                Delivery
	)
	err := q.QueryRowContext(ctx, `SELECT s.id, s.invoice_no, s.status, s.at, s.shift_id, s.counter, s.user_id, u.username,
			s.discount_paise, s.taxable_paise, s.cgst_paise, s.sgst_paise, s.utgst, s.total_paise, s.tendered_paise, s.change_paise,
			ap.username, s.cancelled_at, cb.username, s.cancel_reason, s.igst_paise, s.round_off_paise, s.pos_state, s.b2b, s.einvoice,
			s.buyer_gstin, s.buyer_name, s.buyer_address, s.buyer_state, s.buyer_pan, s.buyer_form60,
			s.ship_name, s.ship_address, s.ship_state, s.ship_pincode
		FROM sales s JOIN users u ON u.id = s.user_id
		LEFT JOIN users ap ON ap.id = s.approved_by LEFT JOIN users cb ON cb.id = s.cancelled_by
		WHERE s.id = ?`, id).Scan(&sl.ID, &sl.InvoiceNo, &sl.Status, &at, &sl.ShiftID, &sl.Counter, &sl.CashierID, &sl.Cashier,
		&sl.Discount, &sl.Taxable, &sl.CGST, &share, &sl.ut, &sl.Total, &sl.Tendered, &sl.Change,
		&approver, &cancelledAt, &cancelledBy, &cancelReason, &sl.IGST, &sl.RoundOff, &sl.POSState, &sl.B2B, &sl.EInvoice,
		&b.GSTIN, &b.Name, &b.Address, &b.State, &b.PAN, &b.Form60, &d.Name, &d.Address, &d.State, &d.Pincode)
	if errors.Is(err, sql.ErrNoRows) {
		return Sale{}, errs.E(errs.NotFound, "no sale %q", id)
	}
	if err != nil {
		return Sale{}, fmt.Errorf("read sale: %w", err)
	}
	sl.At, sl.ApprovedBy = parseTime(at), approver.String
	if sl.traceToken, err = readTrace(ctx, q, id); err != nil {
		return Sale{}, err
	}
	sl.TraceURL = m.traceURL(sl.traceToken)
	sl.SGST, sl.UTGST = splitShare(share, sl.ut)
	sl.Payable = sl.Total.Add(sl.RoundOff)
	if sl.POSState == "" { // invoices from before the place of supply was stored
		sl.POSState = m.State
	}
	st, _ := catalog.StateByCode(sl.POSState)
	sl.PlaceOfSupply, sl.DocType, sl.Supply = stateLabel(st), "tax_invoice", "intra"
	if sl.IGST.IsPositive() || sl.POSState != m.State {
		sl.Supply = "inter"
	}
	if b != (Buyer{}) {
		b.PAN = gst.MaskPAN(b.PAN)
		sl.Buyer = &b
	}
	if d != (Delivery{}) {
		sl.DeliverTo = &d
	}
	if sl.B2B {
		if sl.IRN, err = readIRN(ctx, q, id); err != nil {
			return Sale{}, err
		}
	}
	if cancelledAt.Valid {
		t := parseTime(cancelledAt.String)
		sl.CancelledAt, sl.CancelledBy, sl.CancelReason = &t, cancelledBy.String, cancelReason.String
	}
	returned := map[int]int64{}
	rows, err := q.QueryContext(ctx, `SELECT rl.sale_line_no, SUM(rl.qty) FROM return_lines rl JOIN returns r ON r.id = rl.return_id
		WHERE r.sale_id = ? GROUP BY rl.sale_line_no`, id)
	if err != nil {
		return Sale{}, fmt.Errorf("read returned: %w", err)
	}
	for rows.Next() {
		var (
			n   int
			qty int64
		)
		if err := rows.Scan(&n, &qty); err != nil {
			rows.Close()
			return Sale{}, err
		}
		returned[n] = qty
	}
	rows.Close()
	if sl.Lines, err = readLines(ctx, q, id, returned, sl.ut); err != nil {
		return Sale{}, err
	}
	if sl.Tenders, err = readTenders(ctx, q, "sale_tenders", "sale_id", id); err != nil {
		return Sale{}, err
	}
	sl.CreditNotes = []CreditNoteRef{}
	rows, err = q.QueryContext(ctx, `SELECT id, credit_note_no, at, total_paise FROM returns WHERE sale_id = ? ORDER BY at, seq`, id)
	if err != nil {
		return Sale{}, fmt.Errorf("read credit notes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c  CreditNoteRef
			at string
		)
		if err := rows.Scan(&c.ID, &c.CreditNoteNo, &at, &c.Total); err != nil {
			return Sale{}, err
		}
		c.At = parseTime(at)
		sl.CreditNotes = append(sl.CreditNotes, c)
	}
	return sl, rows.Err()
}

func readLines(ctx context.Context, q queryer, saleID string, returned map[int]int64, ut bool) ([]SaleLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT line_no, sku, name, hsn, qty, unit_price_paise, discount_kind, discount_bp, discount_paise,
			amount_paise, taxable_paise, gst_rate_bp, cgst_paise, sgst_paise, state, district_id, district_name, producer_id, gi,
			igst_paise, band_note
		FROM sale_lines WHERE sale_id = ? ORDER BY line_no`, saleID)
	if err != nil {
		return nil, fmt.Errorf("read sale lines: %w", err)
	}
	defer rows.Close()
	var out []SaleLine
	for rows.Next() {
		var (
			l     SaleLine
			bp    int64
			share money.Amount
		)
		if err := rows.Scan(&l.LineNo, &l.SKU, &l.Name, &l.HSN, &l.Qty, &l.UnitPrice, &l.discount.Kind, &l.discount.BP, &l.Discount,
			&l.Amount, &l.Taxable, &bp, &l.CGST, &share, &l.State, &l.DistrictID, &l.District, &l.ProducerID, &l.GI,
			&l.IGST, &l.BandNote); err != nil {
			return nil, fmt.Errorf("read sale lines: %w", err)
		}
		if l.GSTRate, err = gst.RateFromBasisPoints(bp); err != nil {
			return nil, err
		}
		if l.discount.Kind == "amount" {
			l.discount.Amount = l.Discount
		}
		l.DiscountInput = l.discount.String()
		l.Returned = returned[l.LineNo]
		l.SGST, l.UTGST = splitShare(share, ut)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, readLineGI(ctx, q, saleID, out)
}

func readTenders(ctx context.Context, q queryer, table, fk, id string) ([]Tender, error) {
	rows, err := q.QueryContext(ctx, `SELECT method, amount_paise, ref FROM `+table+` WHERE `+fk+` = ? ORDER BY idx`, id)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	out := []Tender{}
	for rows.Next() {
		var t Tender
		if err := rows.Scan(&t.Method, &t.Amount, &t.Ref); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ListSales lists a shift's invoices, newest first (for the counter's
// history and reprints).
func (s *Service) ListSales(ctx context.Context, a Actor, shiftID string) ([]Sale, error) {
	if _, err := visibleShift(ctx, s.db.R, a.User, shiftID); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM sales WHERE shift_id = ? ORDER BY seq DESC LIMIT 500`, shiftID)
	if err != nil {
		return nil, fmt.Errorf("list sales: %w", err)
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
	out := make([]Sale, 0, len(idList))
	for _, id := range idList {
		sl, err := readSale(ctx, s.db.R, s.mall, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sl)
	}
	return out, nil
}
