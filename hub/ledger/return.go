package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// soldLine is a booked sale line and what earlier returns took back.
type soldLine struct {
	sku, producer                        string
	qty, amount, taxable, cgst, sgst     int64
	igst, retIGST                        int64
	utgst                                bool
	commission, commGST                  int64
	retQty, retAmount, retTaxable        int64
	retCGST, retSGST, retComm, retCommGS int64
}

func loadSoldLine(ctx context.Context, tx sqldb.Tx, mall, sale string, lineNo int) (soldLine, error) {
	var s soldLine
	err := tx.QueryRowContext(ctx, `SELECT sku, producer_id, qty, amount, taxable, cgst, sgst, utgst, commission, commission_gst, igst
		FROM hub_sale_lines WHERE mall = ? AND sale_id = ? AND line_no = ?`, mall, sale, lineNo).
		Scan(&s.sku, &s.producer, &s.qty, &s.amount, &s.taxable, &s.cgst, &s.sgst, &s.utgst, &s.commission, &s.commGST, &s.igst)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errs.E(errs.Invalid, "return of line %d, which sale %s does not have", lineNo, sale)
	}
	if err != nil {
		return s, err
	}
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(qty), 0), COALESCE(SUM(amount), 0), COALESCE(SUM(taxable), 0), COALESCE(SUM(cgst), 0),
		COALESCE(SUM(sgst), 0), COALESCE(SUM(commission), 0), COALESCE(SUM(commission_gst), 0), COALESCE(SUM(igst), 0)
		FROM hub_return_lines WHERE mall = ? AND sale_id = ? AND sale_line_no = ?`, mall, sale, lineNo).
		Scan(&s.retQty, &s.retAmount, &s.retTaxable, &s.retCGST, &s.retSGST, &s.retComm, &s.retCommGS, &s.retIGST)
	return s, err
}

// applyReturn books a credit note (whose own figures add up: events.Return
// validated them): the returned lines' amounts and tax exactly as the mall
// computed them, and the commission taken back in
// proportion to the taxable value returned so far (the last return of a
// line takes back exactly what is left, so a full return reverses the
// sale to the paisa).
func applyReturn(ctx context.Context, bk *booker, ev events.Envelope, p events.Return, now time.Time) error {
	tx := bk.tx
	state, err := bk.mallState(ctx, ev.Mall)
	if err != nil {
		return err
	}
	var voided int
	err = tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM hub_voids v WHERE v.mall = s.mall AND v.sale_id = s.sale_id)
		FROM hub_sales s WHERE s.mall = ? AND s.sale_id = ?`, ev.Mall, p.SaleID).Scan(&voided)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "return %s of sale %s, which the hub has not booked", p.ReturnID, p.SaleID)
	}
	if err != nil {
		return err
	}
	if voided > 0 {
		return errs.E(errs.Invalid, "return %s of sale %s, which is voided", p.ReturnID, p.SaleID)
	}
	at := businessTime(p.At, ev.At)
	ro := paise(p.RoundOff)
	_, err = tx.ExecContext(ctx, `INSERT INTO hub_returns (mall, return_id, credit_note_no, sale_id, shift_id, at, ingested_at, event_id, total,
		round_off) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ev.Mall, p.ReturnID, p.CreditNoteNo, p.SaleID, p.ShiftID, TS(at), TS(now), ev.ID,
		paise(p.Total), ro)
	if isUnique(err) {
		return errs.E(errs.Invalid, "return %s of mall %s was already booked by another event", p.ReturnID, ev.Mall)
	}
	if err != nil {
		return fmt.Errorf("insert return: %w", err)
	}
	var ps []Posting
	for _, l := range p.Lines {
		s, err := loadSoldLine(ctx, tx, ev.Mall, p.SaleID, l.SaleLineNo)
		if err != nil {
			return err
		}
		amt, tx1, cg, sg, ig := paise(l.Amount), paise(l.Taxable), paise(l.CGST), paise(l.SGST), paise(l.IGST)
		switch {
		case l.SKU != "" && l.SKU != s.sku:
			return errs.E(errs.Invalid, "return %s line %d: SKU %s, the sale line sold %s", p.ReturnID, l.SaleLineNo, l.SKU, s.sku)
		case l.ProducerID != "" && l.ProducerID != s.producer:
			return errs.E(errs.Invalid, "return %s line %d: producer %s, the sale line's is %s", p.ReturnID, l.SaleLineNo, l.ProducerID, s.producer)
		case s.retQty+l.Qty > s.qty:
			return errs.E(errs.Invalid, "return %s line %d: %d returned in all, %d were sold", p.ReturnID, l.SaleLineNo, s.retQty+l.Qty, s.qty)
		case s.retAmount+amt > s.amount || s.retTaxable+tx1 > s.taxable || s.retCGST+cg > s.cgst || s.retSGST+sg > s.sgst ||
			s.retIGST+ig > s.igst:
			return errs.E(errs.Invalid, "return %s line %d: more money back than the line was sold for", p.ReturnID, l.SaleLineNo)
		}
		var comm, commGST int64
		if s.retQty+l.Qty == s.qty {
			// The last unit back: the credit note must reverse exactly
			// what is left of the original line.
			if s.retAmount+amt != s.amount || s.retTaxable+tx1 != s.taxable || s.retCGST+cg != s.cgst || s.retSGST+sg != s.sgst ||
				s.retIGST+ig != s.igst {
				return errs.E(errs.Invalid, "return %s line %d: the whole line is back but the amounts do not reverse the sale exactly", p.ReturnID, l.SaleLineNo)
			}
			comm, commGST = s.commission-s.retComm, s.commGST-s.retCommGS
		} else {
			comm = share(s.commission, s.retTaxable+tx1, s.taxable) - s.retComm
			commGST = share(s.commGST, s.retTaxable+tx1, s.taxable) - s.retCommGS
		}
		net := tx1 - comm - commGST
		if net < 0 {
			return errs.E(errs.Invalid, "return %s line %d: commission taken back exceeds the taxable value", p.ReturnID, l.SaleLineNo)
		}
		head := "sgst"
		if s.utgst {
			head = "utgst"
		}
		ps = append(ps,
			D(GSTAccount(state, "cgst"), cg),
			D(GSTAccount(state, head), sg),
			D(GSTAccount(state, "igst"), ig),
			D(ProducerAccount(s.producer), net),
			D(CommissionAccount(ev.Mall), comm),
			D(CommissionGSTAccount(ev.Mall), commGST))
		if _, err := tx.ExecContext(ctx, `INSERT INTO hub_return_lines (mall, return_id, sale_id, sale_line_no, producer_id, qty, amount, taxable,
			cgst, sgst, commission, commission_gst, producer_net, at, ingested_at, igst) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.Mall, p.ReturnID, p.SaleID, l.SaleLineNo, s.producer, l.Qty, amt, tx1, cg, sg, comm, commGST, net, TS(at), TS(now), ig); err != nil {
			return fmt.Errorf("insert return line: %w", err)
		}
	}
	for i, r := range p.Refunds {
		ps = append(ps, C(ClearingAccount(ev.Mall, r.Method), paise(r.Amount)))
		if _, err := tx.ExecContext(ctx, `INSERT INTO hub_return_refunds (mall, return_id, idx, method, amount, ref) VALUES (?, ?, ?, ?, ?, ?)`,
			ev.Mall, p.ReturnID, i, r.Method, paise(r.Amount), r.Ref); err != nil {
			return fmt.Errorf("insert refund: %w", err)
		}
	}
	if ro > 0 {
		ps = append(ps, D(RoundOffAccount(ev.Mall), ro))
	} else if ro < 0 {
		ps = append(ps, C(RoundOffAccount(ev.Mall), -ro))
	}
	return bk.post(ctx, Entry{ID: ReturnEntryID(ev.Mall, p.ReturnID), Kind: "return", Mall: ev.Mall, Ref: p.CreditNoteNo,
		EventID: ev.ID, At: at, Postings: ps}, now)
}
