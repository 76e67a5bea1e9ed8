package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/idem"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/text"
)

// Refund methods a return may ask for, besides the tender methods.
const RefundOriginal = "original"

// Return takes goods back against an invoice and issues a credit note
// from the series of the counter where it happens. key is the client's
// Idempotency-Key, required as for a sale: a client retrying after a
// timeout must get the same credit note back, never a second refund. The
// same key with another request is a Conflict. Amounts reverse the invoice
// exactly: returning every unit, at once or piece by piece, gives back
// exactly what was charged, head by head (see returnSlice).
func (s *Service) Return(ctx context.Context, a Actor, key string, req ReturnRequest) (ret Return, replay bool, err error) {
	defer errs.Wrap(&err, "return")
	if err := canRing(a.User); err != nil {
		return Return{}, false, err
	}
	if err := idem.Require(key); err != nil {
		return Return{}, false, err
	}
	if err := validReturn(&req); err != nil {
		return Return{}, false, err
	}
	ik := idem.New("return", key, a.User.ID, req)
	if id, err := ik.Replay(ctx, s.db.R); err != nil {
		return Return{}, false, err
	} else if id != "" {
		r, err := readReturn(ctx, s.db.R, s.mall, id)
		return r, true, err
	}
	now := s.now()
	var existing string
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		id, err := ik.Replay(ctx, tx)
		if err != nil || id != "" {
			existing = id
			return err
		}
		ret, err = s.writeReturn(ctx, tx, a, req, now)
		if err != nil {
			return err
		}
		return ik.Remember(ctx, tx, ret.ID, now)
	})
	if err != nil {
		return Return{}, false, err
	}
	if existing != "" {
		r, err := readReturn(ctx, s.db.R, s.mall, existing)
		return r, true, err
	}
	return ret, false, nil
}

func validReturn(req *ReturnRequest) error {
	if _, err := ids.Parse(req.SaleID); err != nil {
		return errs.Field("sale_id", "sale_id must be the id of the original invoice")
	}
	if len(req.Lines) == 0 || len(req.Lines) > MaxLines {
		return errs.Field("lines", "a return needs 1 to %d lines", MaxLines)
	}
	for i, l := range req.Lines {
		if l.SKU == "" || len(l.SKU) > 32 {
			return errs.Field(fmt.Sprintf("lines[%d].sku", i), "each line needs the SKU being returned")
		}
		if l.Qty < 1 || l.Qty > MaxQty {
			return errs.Field(fmt.Sprintf("lines[%d].qty", i), "quantity must be a whole number from 1 to %d, got %d", MaxQty, l.Qty)
		}
		if l.LineNo < 0 || l.LineNo > MaxLines {
			return errs.Field(fmt.Sprintf("lines[%d].line_no", i), "line_no must be a line of the invoice")
		}
	}
	switch req.RefundMethod {
	case Cash, UPI, Card, RefundOriginal, Channel:
	default:
		return errs.Field("refund_method", "refund_method must be cash, original, upi or card")
	}
	if req.RestockTo == "" {
		req.RestockTo = string(inventory.Backroom)
	}
	if req.RestockTo != string(inventory.Backroom) && req.RestockTo != string(inventory.Damaged) {
		return errs.Field("restock_to", "returned goods go to the backroom (resaleable) or damaged")
	}
	var err error
	req.Reason, err = text.Clean("reason", req.Reason, text.Rule{Max: 200})
	return err
}

// returnShift is the open shift whose drawer pays the refund: the one
// named, or the caller's own.
func returnShift(ctx context.Context, tx *sql.Tx, a Actor, id string) (Shift, error) {
	if id == "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM shifts WHERE user_id = ? AND status = 'open'`, a.User.ID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return Shift{}, errs.E(errs.Conflict, "open a shift first: a refund is paid from a counter's drawer")
		}
		if err != nil {
			return Shift{}, err
		}
	}
	return usableShift(ctx, tx, a.User, id)
}

func (s *Service) writeReturn(ctx context.Context, tx *sql.Tx, a Actor, req ReturnRequest, now time.Time) (Return, error) {
	sh, err := returnShift(ctx, tx, a, req.ShiftID)
	if err != nil {
		return Return{}, err
	}
	sale, err := readSale(ctx, tx, s.mall, req.SaleID)
	if err != nil {
		return Return{}, err
	}
	if sale.Status == StatusCancelled {
		return Return{}, errs.E(errs.Conflict, "invoice %s is cancelled; nothing can be returned against it", sale.InvoiceNo)
	}
	r := Return{ID: ids.New(), At: now, SaleID: sale.ID, InvoiceNo: sale.InvoiceNo, InvoiceAt: sale.At, ShiftID: sh.ID,
		Counter: sh.Counter, UserID: a.User.ID, Cashier: a.User.Username, RestockTo: req.RestockTo,
		Reason: req.Reason, PlaceOfSupply: sale.PlaceOfSupply, Buyer: sale.Buyer, ut: sale.ut}
	if r.Lines, err = pickReturnLines(sale, req.Lines); err != nil {
		return Return{}, err
	}
	share := money.Zero
	for _, l := range r.Lines {
		r.Total, r.Taxable = r.Total.Add(l.Amount), r.Taxable.Add(l.Taxable)
		r.CGST, r.IGST, share = r.CGST.Add(l.CGST), r.IGST.Add(l.IGST), share.Add(l.SGST).Add(l.UTGST)
	}
	r.SGST, r.UTGST = splitShare(share, r.ut)
	if r.RoundOff, err = returnRoundOff(ctx, tx, sale, r.Lines); err != nil {
		return Return{}, err
	}
	r.Refund = r.Total.Add(r.RoundOff)
	if r.Refund.IsNegative() {
		// Earlier credit notes refunded their units to the paisa, more than
		// a rounded-down invoice took; the last one cannot take money back
		// from the customer, so it gives back only as much round-off as
		// leaves nothing to refund.
		r.RoundOff, r.Refund = r.Total.Neg(), money.Zero
	}
	prior := map[string]money.Amount{}
	if err := sumByKey(ctx, tx, `SELECT f.method, SUM(f.amount_paise) FROM refunds f JOIN returns r ON r.id = f.return_id
		WHERE r.sale_id = ? GROUP BY f.method`, sale.ID, func(k string, v money.Amount) { prior[k] = v }); err != nil {
		return Return{}, err
	}
	if r.Refunds, err = refundPlan(sale, req.RefundMethod, r.Refund, prior); err != nil {
		return Return{}, err
	}
	fy := invoice.FinancialYear(now)
	series, err := documentSeries(ctx, tx, sh.Counter, true)
	if err != nil {
		return Return{}, err
	}
	var seq int64
	if r.CreditNoteNo, seq, err = nextNumber(ctx, tx, series, fy); err != nil {
		return Return{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO returns (id, credit_note_no, series, fy, seq, sale_id, shift_id, user_id, at, total_paise,
			taxable_paise, cgst_paise, sgst_paise, restock_to, reason, igst_paise, round_off_paise)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.CreditNoteNo, series, int(fy), seq, sale.ID, sh.ID, a.User.ID, now.Format(timeFmt), r.Total.Paise(),
		r.Taxable.Paise(), r.CGST.Paise(), share.Paise(), r.RestockTo, r.Reason, r.IGST.Paise(), r.RoundOff.Paise()); err != nil {
		return Return{}, fmt.Errorf("insert return: %w", err)
	}
	for _, l := range r.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO return_lines (return_id, line_no, sale_line_no, sku, qty, amount_paise, taxable_paise,
				cgst_paise, sgst_paise, igst_paise) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, l.LineNo, l.SaleLineNo, l.SKU, l.Qty, l.Amount.Paise(), l.Taxable.Paise(), l.CGST.Paise(), l.SGST.Add(l.UTGST).Paise(),
			l.IGST.Paise()); err != nil {
			return Return{}, fmt.Errorf("insert return line: %w", err)
		}
		if err := inventory.PutBack(ctx, tx, s.mall.ID, inventory.KindReturn, l.SKU, l.State, l.Qty, inventory.Location(r.RestockTo), r.ID, a.User.ID, now); err != nil {
			return Return{}, fmt.Errorf("put back %s: %w", l.SKU, err)
		}
	}
	if len(r.Refunds) > 0 { // nothing to refund when the round-off took it all
		if err := insertTenders(ctx, tx, "refunds", "return_id", r.ID, r.Refunds); err != nil {
			return Return{}, err
		}
	}
	if _, err := events.Append(ctx, tx, s.mall.ID, events.ReturnCompleted, now, returnEvent(r)); err != nil {
		return Return{}, err
	}
	if err := audit(ctx, tx, a, now, "return", map[string]any{"return_id": r.ID, "credit_note_no": r.CreditNoteNo,
		"sale_id": sale.ID, "invoice_no": sale.InvoiceNo, "total": r.Total, "round_off": r.RoundOff, "refund_method": req.RefundMethod,
		"restock_to": r.RestockTo, "reason": r.Reason}); err != nil {
		return Return{}, err
	}
	return r, nil
}

// pickReturnLines matches the requested SKUs to invoice lines (a SKU on
// several lines fills them in order, unless line_no names one) and prices
// the units returned of each invoice line as one slice. Entries naming
// the same invoice line (one per scanned unit, say) are merged: a credit
// note has one line per invoice line, which is what the hub books.
func pickReturnLines(sale Sale, reqs []ReturnLineRequest) ([]ReturnLine, error) {
	taken := map[int]int64{} // units of each invoice line taken by this request
	var order []int          // invoice lines (indexes) in the order first taken
	for i, rq := range reqs {
		var sold, left int64
		var cands []int
		for j, l := range sale.Lines {
			if l.SKU == rq.SKU && (rq.LineNo == 0 || rq.LineNo == l.LineNo) {
				cands = append(cands, j)
				sold += l.Qty
				left += l.Qty - l.Returned - taken[l.LineNo]
			}
		}
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case len(cands) == 0:
			return nil, errs.Field(field+".sku", "%s is not on invoice %s", rq.SKU, sale.InvoiceNo)
		case rq.Qty > sold:
			return nil, errs.Field(field+".qty", "cannot return %d of %s: invoice %s sold %d", rq.Qty, rq.SKU, sale.InvoiceNo, sold)
		case rq.Qty > left:
			return nil, errs.E(errs.Conflict, "cannot return %d more of %s: %d sold on invoice %s, only %d not yet returned or already on this return",
				rq.Qty, rq.SKU, sold, sale.InvoiceNo, left)
		}
		need := rq.Qty
		for _, j := range cands {
			l := sale.Lines[j]
			k := min(need, l.Qty-l.Returned-taken[l.LineNo])
			if k <= 0 {
				continue
			}
			if taken[l.LineNo] == 0 {
				order = append(order, j)
			}
			taken[l.LineNo] += k
			need -= k
			if need == 0 {
				break
			}
		}
	}
	out := make([]ReturnLine, 0, len(order))
	for _, j := range order {
		l := sale.Lines[j]
		rl, err := returnSlice(l, l.Returned, taken[l.LineNo])
		if err != nil {
			return nil, err
		}
		rl.LineNo = len(out) + 1
		out = append(out, rl)
	}
	return out, nil
}

// returnSlice prices units [from, from+k) of an invoice line. The amount
// is split over the line's units by largest remainder (every unit is worth
// at least a paisa: PriceLine refuses less). The tax heads follow the
// amount cumulatively: after n units, taxable is the line's taxable in
// proportion to the amount returned so far, rounded; the tax is the rest,
// and CGST and IGST are their shares of the line's tax, the State share
// (SGST or UTGST) the remainder. Each is non-decreasing in n and ends at
// the line's own figures, so every slice has non-negative heads that add
// up to its amount, and all slices together are exactly the line, however
// small its units.
func returnSlice(l SaleLine, from, k int64) (ReturnLine, error) {
	w := make([]int64, l.Qty)
	for i := range w {
		w[i] = 1
	}
	units, err := money.Allocate(l.Amount, w)
	if err != nil {
		return ReturnLine{}, err
	}
	var before int64
	for _, u := range units[:from] {
		before += u.Paise()
	}
	after := before
	for _, u := range units[from : from+k] {
		after += u.Paise()
	}
	if after == before {
		return ReturnLine{}, errs.E(errs.Conflict, "units %d to %d of %s on this invoice were sold for 0.00; there is nothing to credit",
			from+1, from+k, l.SKU)
	}
	amt, tax, cg, ig := l.Amount.Paise(), l.Tax().Paise(), l.CGST.Paise(), l.IGST.Paise()
	heads := func(upTo int64) (taxable, cgst, share, igst int64) {
		taxable = roundShare(amt-tax, upTo, amt)
		t := upTo - taxable
		cgst, igst = roundShare(cg, t, tax), roundShare(ig, t, tax)
		return taxable, cgst, t - cgst - igst, igst
	}
	t0, c0, s0, i0 := heads(before)
	t1, c1, s1, i1 := heads(after)
	rl := ReturnLine{SaleLineNo: l.LineNo, SKU: l.SKU, Name: l.Name, HSN: l.HSN, Qty: k, UnitPrice: l.UnitPrice,
		Amount: money.FromPaise(after - before), Taxable: money.FromPaise(t1 - t0), GSTRate: l.GSTRate, CGST: money.FromPaise(c1 - c0),
		IGST: money.FromPaise(i1 - i0), BandNote: l.BandNote, State: l.State, DistrictID: l.DistrictID, District: l.District,
		ProducerID: l.ProducerID, GI: l.GI}
	rl.SGST, rl.UTGST = splitShare(money.FromPaise(s1-s0), !l.UTGST.IsZero())
	return rl, nil
}

// roundShare is total × part / whole rounded half up, in integers (0 when
// whole is 0). For 0 <= part <= whole it is non-decreasing in part, and
// when total <= whole it grows by at most the growth of part. It computes
// in big integers: a crore-rupee line squared overflows int64.
func roundShare(total, part, whole int64) int64 {
	if whole == 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(total), big.NewInt(2*part))
	n.Add(n, big.NewInt(whole))
	return n.Quo(n, big.NewInt(2*whole)).Int64()
}

// returnRoundOff is the round-off a credit note gives back: none, unless
// it brings back the invoice's last units, when it returns what is left of
// the invoice's round-off, so that all refunds add up to what was paid.
// (Partial refunds are paid to the paisa: a VERIFY item in the README.)
func returnRoundOff(ctx context.Context, tx *sql.Tx, sale Sale, lines []ReturnLine) (money.Amount, error) {
	var sold, back int64
	for _, l := range sale.Lines {
		sold += l.Qty
		back += l.Returned
	}
	for _, l := range lines {
		back += l.Qty
	}
	if back < sold || sale.RoundOff.IsZero() {
		return money.Zero, nil
	}
	var given money.Amount
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(round_off_paise), 0) FROM returns WHERE sale_id = ?`, sale.ID).Scan(&given); err != nil {
		return money.Zero, fmt.Errorf("return round-off: %w", err)
	}
	return sale.RoundOff.Sub(given), nil
}

// refundPlan decides how a refund of total is paid. Cash always works (the
// drawer pays it). UPI or card must have paid at least that much on the
// invoice, net of earlier refunds. "original" splits the refund over what
// each method paid and has not had back yet, by largest remainder.
func refundPlan(sale Sale, method string, total money.Amount, prior map[string]money.Amount) ([]Tender, error) {
	if total.IsZero() {
		return nil, nil
	}

	left := map[string]money.Amount{}
	refs := map[string]string{}
	for _, t := range sale.Tenders {
		left[t.Method] = left[t.Method].Add(t.Amount)
		if refs[t.Method] == "" {
			refs[t.Method] = t.Ref
		}
	}
	left[Cash] = left[Cash].Sub(sale.Change)
	for m, v := range prior {
		left[m] = left[m].Sub(v)
	}
	switch method {
	case Cash:
		return []Tender{{Method: Cash, Amount: total}}, nil
	case UPI, Card, Channel: // channel: an online order's, refunded through its channel
		if left[method].LessThan(total) {
			return nil, errs.Field("refund_method", "only %s was paid by %s on invoice %s and not yet refunded; refund %s in cash or to the original tenders",
				left[method], method, sale.InvoiceNo, total)
		}
		return []Tender{{Method: method, Amount: total, Ref: refs[method]}}, nil
	}
	weights := make([]int64, len(Methods))
	var sum int64
	for i, m := range Methods {
		weights[i] = max(left[m].Paise(), 0)
		sum += weights[i]
	}
	if sum == 0 {
		return []Tender{{Method: Cash, Amount: total}}, nil
	}
	parts, err := money.Allocate(total, weights)
	if err != nil {
		return nil, err
	}
	// Rounding may ask a method for a paisa more than it has left; the
	// drawer pays that paisa.
	for i, m := range Methods {
		if m != Cash && parts[i].GreaterThan(left[m]) {
			over := parts[i].Sub(left[m])
			parts[i] = left[m]
			parts[0] = parts[0].Add(over)
		}
	}
	var out []Tender
	for i, m := range Methods {
		if parts[i].IsPositive() {
			out = append(out, Tender{Method: m, Amount: parts[i], Ref: refs[m]})
		}
	}
	return out, nil
}

func returnEvent(r Return) events.Return {
	ev := events.Return{ReturnID: r.ID, CreditNoteNo: r.CreditNoteNo, SaleID: r.SaleID, InvoiceNo: r.InvoiceNo, ShiftID: r.ShiftID,
		At: r.At, Total: r.Total, RoundOff: r.RoundOff}
	for _, l := range r.Lines {
		ev.Lines = append(ev.Lines, events.ReturnLine{SaleLineNo: l.SaleLineNo, SKU: l.SKU, ProducerID: l.ProducerID,
			DistrictID: l.DistrictID, State: l.State, Qty: l.Qty, Amount: l.Amount, Taxable: l.Taxable, GSTRate: l.GSTRate,
			CGST: l.CGST, SGST: l.SGST.Add(l.UTGST), UTGST: r.ut, IGST: l.IGST})
	}
	for _, t := range r.Refunds {
		ev.Refunds = append(ev.Refunds, events.Tender{Method: t.Method, Amount: t.Amount, Ref: t.Ref})
	}
	return ev
}

// GetReturn reads a credit note.
func (s *Service) GetReturn(ctx context.Context, a Actor, id string) (Return, error) {
	if err := canRing(a.User); err != nil {
		return Return{}, err
	}
	if _, err := ids.Parse(id); err != nil {
		return Return{}, errs.E(errs.NotFound, "no credit note %q", id)
	}
	return readReturn(ctx, s.db.R, s.mall, id)
}

func readReturn(ctx context.Context, q queryer, m Mall, id string) (Return, error) {
	var (
		r      Return
		at, sa string
		share  money.Amount
	)
	err := q.QueryRowContext(ctx, `SELECT r.id, r.credit_note_no, r.at, r.sale_id, s.invoice_no, s.at, r.shift_id, sh.counter, r.user_id,
			u.username, r.total_paise, r.taxable_paise, r.cgst_paise, r.sgst_paise, s.utgst, r.restock_to, r.reason, r.igst_paise,
			r.round_off_paise
		FROM returns r JOIN sales s ON s.id = r.sale_id JOIN shifts sh ON sh.id = r.shift_id JOIN users u ON u.id = r.user_id
		WHERE r.id = ?`, id).Scan(&r.ID, &r.CreditNoteNo, &at, &r.SaleID, &r.InvoiceNo, &sa, &r.ShiftID, &r.Counter, &r.UserID,
		&r.Cashier, &r.Total, &r.Taxable, &r.CGST, &share, &r.ut, &r.RestockTo, &r.Reason, &r.IGST, &r.RoundOff)
	if errors.Is(err, sql.ErrNoRows) {
		return Return{}, errs.E(errs.NotFound, "no credit note %q", id)
	}
	if err != nil {
		return Return{}, fmt.Errorf("read return: %w", err)
	}
	r.At, r.InvoiceAt = parseTime(at), parseTime(sa)
	r.SGST, r.UTGST = splitShare(share, r.ut)
	r.Refund = r.Total.Add(r.RoundOff)
	sale, err := readSale(ctx, q, m, r.SaleID)
	if err != nil {
		return Return{}, err
	}
	r.PlaceOfSupply, r.Buyer = sale.PlaceOfSupply, sale.Buyer
	if sale.B2B {
		if r.IRN, err = readIRN(ctx, q, id); err != nil {
			return Return{}, err
		}
	}
	lines := sale.Lines
	rows, err := q.QueryContext(ctx, `SELECT line_no, sale_line_no, qty, amount_paise, taxable_paise, cgst_paise, sgst_paise, igst_paise
		FROM return_lines WHERE return_id = ? ORDER BY line_no`, id)
	if err != nil {
		return Return{}, fmt.Errorf("read return lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rl ReturnLine
			sh money.Amount
		)
		if err := rows.Scan(&rl.LineNo, &rl.SaleLineNo, &rl.Qty, &rl.Amount, &rl.Taxable, &rl.CGST, &sh, &rl.IGST); err != nil {
			return Return{}, err
		}
		rl.SGST, rl.UTGST = splitShare(sh, r.ut)
		for _, l := range lines {
			if l.LineNo == rl.SaleLineNo {
				rl.SKU, rl.Name, rl.HSN, rl.UnitPrice, rl.GSTRate, rl.BandNote = l.SKU, l.Name, l.HSN, l.UnitPrice, l.GSTRate, l.BandNote
				rl.State, rl.DistrictID, rl.District, rl.ProducerID, rl.GI = l.State, l.DistrictID, l.District, l.ProducerID, l.GI
			}
		}
		r.Lines = append(r.Lines, rl)
	}
	if err := rows.Err(); err != nil {
		return Return{}, err
	}
	if r.Refunds, err = readTenders(ctx, q, "refunds", "return_id", id); err != nil {
		return Return{}, err
	}
	return r, nil
}
