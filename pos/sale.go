package pos

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"

	"ektamall/inventory"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/idem"
	"ektamall/shared/ids"
	"ektamall/shared/invoice"
	"ektamall/shared/money"
	"ektamall/shared/text"
)

// pendingSale is a priced, validated sale waiting for its transaction.
type pendingSale struct {
	id       string
	idem     idem.Request
	at       time.Time
	req      SaleRequest
	lines    []SaleLine
	tenders  []Tender
	total    money.Amount
	discount money.Amount
	taxable  money.Amount
	cgst     money.Amount
	sgst     money.Amount // the state share: SGST or UTGST
	igst     money.Amount
	roundOff money.Amount
	payable  money.Amount
	tendered money.Amount
	change   money.Amount
	supply   supply
	// overLimit are the line numbers whose discount is over the seller's
	// own limit (needing approval); audited those over the cashier limit.
	overLimit []int
	audited   []int
}

// Checkout rings a sale. key is the client's Idempotency-Key: the same key
// with the same request returns the sale it made (replay is true) and
// charges nothing again; the same key with another request is a Conflict.
func (s *Service) Checkout(ctx context.Context, a Actor, key string, req SaleRequest) (sale Sale, replay bool, err error) {
	defer errs.Wrap(&err, "checkout")
	if err := canRing(a.User); err != nil {
		return Sale{}, false, err
	}
	if err := idem.Require(key); err != nil {
		return Sale{}, false, err
	}
	ik := idem.New("sale", key, a.User.ID, req)
	if id, err := ik.Replay(ctx, s.db.R); err != nil {
		return Sale{}, false, err
	} else if id != "" {
		sale, err := readSale(ctx, s.db.R, s.mall, id)
		return sale, true, err
	}
	p, err := s.prepareSale(ctx, a, req)
	if err != nil {
		return Sale{}, false, err
	}
	p.idem = ik
	var existing string
	// Grouped: concurrent counters' sales share one commit (one fsync).
	err = s.db.TransactGrouped(ctx, func(tx *sql.Tx) error {
		var err error
		sale, existing, err = s.writeSale(ctx, tx, a, p)
		return err
	})
	if err != nil {
		return Sale{}, false, err
	}
	if existing != "" { // a concurrent retry committed first
		sale, err := readSale(ctx, s.db.R, s.mall, existing)
		return sale, true, err
	}
	return sale, false, nil
}

func validRef(field, ref string) error {
	if _, err := text.Clean(field, ref, text.Rule{Max: maxRefLen}); err != nil || len(ref) > maxRefLen || strings.ContainsFunc(ref, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return errs.Field(field, "reference must be at most %d printable characters", maxRefLen)
	}
	return nil
}

// prepareSale validates and prices a request, reading only: the write
// transaction that follows stays short.
func (s *Service) prepareSale(ctx context.Context, a Actor, req SaleRequest) (*pendingSale, error) {
	if _, err := ids.Parse(req.ShiftID); err != nil {
		return nil, errs.Field("shift_id", "shift_id must be the id of your open shift")
	}
	if len(req.Lines) == 0 || len(req.Lines) > MaxLines {
		return nil, errs.Field("lines", "a sale needs 1 to %d lines", MaxLines)
	}
	if len(req.Tenders) == 0 || len(req.Tenders) > MaxTenders {
		return nil, errs.Field("tenders", "a sale needs 1 to %d tenders", MaxTenders)
	}
	codes := make([]string, len(req.Lines))
	discounts := make([]Discount, len(req.Lines))
	for i, l := range req.Lines {
		if l.SKU == "" || len(l.SKU) > 32 {
			return nil, errs.Field(fmt.Sprintf("lines[%d].sku", i), "each line needs a SKU or barcode")
		}
		if l.Qty < 1 || l.Qty > MaxQty {
			return nil, errs.Field(fmt.Sprintf("lines[%d].qty", i), "quantity must be a whole number from 1 to %d, got %d", MaxQty, l.Qty)
		}
		d, err := ParseDiscount(l.Discount)
		if err != nil {
			return nil, errs.Field(fmt.Sprintf("lines[%d].discount", i), "%v", err)
		}
		codes[i], discounts[i] = l.SKU, d
	}
	p := &pendingSale{id: ids.New(), at: s.now(), req: req, total: money.Zero}
	tenders := make([]Tender, len(req.Tenders))
	nonCash, cash := money.Zero, money.Zero
	for i, t := range req.Tenders {
		f := func(name string) string { return fmt.Sprintf("tenders[%d].%s", i, name) }
		switch t.Method {
		case Cash:
			cash = cash.Add(t.Amount)
		case UPI, Card:
			nonCash = nonCash.Add(t.Amount)
		default:
			return nil, errs.Field(f("method"), "tender method must be cash, upi or card, got %q", t.Method)
		}
		if !t.Amount.IsPositive() {
			return nil, errs.Field(f("amount"), "tender amount must be more than 0.00")
		}
		if err := validRef(f("ref"), t.Ref); err != nil {
			return nil, err
		}
		for j := range i {
			if t.Method == UPI && t.Ref != "" && req.Tenders[j].Method == UPI && req.Tenders[j].Ref == t.Ref {
				return nil, errs.Field(f("ref"), "UPI reference %s is on tenders %d and %d; one UPI payment is one tender", t.Ref, j+1, i+1)
			}
		}
		tenders[i] = t
	}
	p.tenders = tenders
	var err error
	if p.supply, err = s.planSupply(req); err != nil {
		return nil, err
	}
	pr, err := s.pricingFor(ctx, codes)
	if err != nil {
		return nil, err
	}
	limit := s.cfg.DiscountLimitBP[a.User.Role]
	cashierLimit := s.cfg.DiscountLimitBP["cashier"]
	for i, l := range req.Lines {
		prod, ok := pr.products[l.SKU]
		if !ok {
			return nil, errs.Field(fmt.Sprintf("lines[%d].sku", i), "unknown SKU or barcode %q", l.SKU)
		}
		tc := TaxContext{UT: s.mall.UTGST, Inter: p.supply.inter}
		if !prod.FlatRate {
			if tc.Bands, err = pr.bands(prod.HSN); err != nil {
				return nil, err
			}
		}
		line, err := PriceLine(i+1, prod, l.Qty, discounts[i], tc)
		if err != nil {
			return nil, err
		}
		if !withinLimit(line.Discount, line.Gross(), limit) {
			p.overLimit = append(p.overLimit, line.LineNo)
		}
		if !withinLimit(line.Discount, line.Gross(), cashierLimit) {
			p.audited = append(p.audited, line.LineNo)
		}
		p.lines = append(p.lines, line)
		p.total = p.total.Add(line.Amount)
		p.discount = p.discount.Add(line.Discount)
		p.taxable = p.taxable.Add(line.Taxable)
		p.cgst = p.cgst.Add(line.CGST)
		p.sgst = p.sgst.Add(line.Share())
		p.igst = p.igst.Add(line.IGST)
	}
	p.payable, p.roundOff = s.cfg.RoundOff.Apply(p.total)
	if err := s.checkTenders(p.payable, cash, nonCash); err != nil {
		return nil, err
	}
	p.tendered = cash.Add(nonCash)
	p.change = p.tendered.Sub(p.payable)
	if err := s.checkLimits(p, cash.Sub(p.change)); err != nil {
		return nil, err
	}
	if len(p.overLimit) > 0 && req.Approval == "" {
		return nil, errs.E(errs.Forbidden, "the discount on line %d is over your limit of %s%%; a mall admin must approve it (approval_token)",
			p.overLimit[0], moneyBP(limit))
	}
	return p, nil
}

func moneyBP(bp int64) string {
	return strings.TrimSuffix(strings.TrimRight(money.FromPaise(bp).String(), "0"), ".")
}

// writeSale writes one priced sale inside tx: number, rows, stock, audit,
// outbox event and idempotency key. It is the whole write of a checkout,
// so a group commit can run many of them in one transaction. When the key
// was committed meanwhile by a concurrent retry it writes nothing and
// returns that sale's id.
func (s *Service) writeSale(ctx context.Context, tx *sql.Tx, a Actor, p *pendingSale) (Sale, string, error) {
	// The key first: a concurrent retry that committed meanwhile is found
	// here, and the sale's own rows follow in this transaction.
	if id, err := p.idem.Claim(ctx, tx, p.id, p.at); err != nil || id != "" {
		return Sale{}, id, err
	}
	sh, err := usableShift(ctx, tx, a.User, p.req.ShiftID)
	if err != nil {
		return Sale{}, "", err
	}
	warnings, err := checkRefs(ctx, tx, p.tenders, p.at)
	if err != nil {
		return Sale{}, "", err
	}
	var approver, approverName string
	if len(p.overLimit) > 0 {
		if approver, approverName, err = checkApproval(ctx, tx, a, p.req.Approval, p.lines, p.overLimit, p.at); err != nil {
			return Sale{}, "", err
		}
	}
	fy := invoice.FinancialYear(p.at)
	series, err := documentSeries(ctx, tx, sh.Counter, false)
	if err != nil {
		return Sale{}, "", err
	}
	no, seq, err := nextNumber(ctx, tx, series, fy)
	if err != nil {
		return Sale{}, "", err
	}
	sale := s.saleOf(p, no, sh, a)
	if err := insertSale(ctx, tx, sale, series, seq, int(fy), approver); err != nil {
		return Sale{}, "", err
	}
	if sale.traceToken, err = insertTrace(ctx, tx, p.id); err != nil {
		return Sale{}, "", err
	}
	sale.TraceURL = s.mall.traceURL(sale.traceToken)
	if err := insertLines(ctx, tx, p.id, p.lines); err != nil {
		return Sale{}, "", err
	}
	if err := insertLineGI(ctx, tx, p.id, p.lines); err != nil {
		return Sale{}, "", err
	}
	if err := insertTenders(ctx, tx, "sale_tenders", "sale_id", p.id, p.tenders); err != nil {
		return Sale{}, "", err
	}
	if approver != "" {
		if err := markApproval(ctx, tx, p.req.Approval, p.id, p.at); err != nil {
			return Sale{}, "", err
		}
	}
	if err := s.stockOut(ctx, tx, p.lines, "sold at the counter", p.id, a.User.ID, p.at); err != nil {
		return Sale{}, "", err
	}
	for _, n := range p.audited {
		l := p.lines[n-1]
		by := approverName
		if by == "" {
			by = a.User.Username
		}
		if err := audit(ctx, tx, a, p.at, "discount_over_limit", map[string]any{"sale_id": p.id, "invoice_no": no, "line_no": n,
			"sku": l.SKU, "gross": l.Gross(), "discount": l.Discount, "discount_input": l.DiscountInput,
			"cashier_limit_pct": moneyBP(s.cfg.DiscountLimitBP["cashier"]), "approved_by": by}); err != nil {
			return Sale{}, "", err
		}
	}
	sale.ApprovedBy, sale.Warnings = approverName, warnings
	if _, err := events.Append(ctx, tx, s.mall.ID, events.SaleCompleted, p.at, saleEvent(sale)); err != nil {
		return Sale{}, "", err
	}
	sale.Buyer = sale.Buyer.masked()
	return sale, "", nil
}

// stockOut takes the lines of sale ref out of stock, refusing units that
// online orders hold (what: how the refusal names the taking).
func (s *Service) stockOut(ctx context.Context, tx *sql.Tx, lines []SaleLine, what, ref, userID string, at time.Time) error {
	sold := make([]inventory.Sold, len(lines))
	for i, l := range lines {
		sold[i] = inventory.Sold{SKU: l.SKU, Zone: l.State, Qty: l.Qty}
	}
	if err := inventory.GuardReservedAll(ctx, tx, sold, what); err != nil {
		return err
	}
	if err := inventory.SellOutAll(ctx, tx, s.mall.ID, sold, ref, userID, at); err != nil {
		return fmt.Errorf("stock out: %w", err)
	}
	return nil
}

// saleOf is the invoice a priced sale becomes.
func (s *Service) saleOf(p *pendingSale, no string, sh Shift, a Actor) Sale {
	sl := Sale{ID: p.id, InvoiceNo: no, Status: StatusCompleted, At: p.at, ShiftID: sh.ID, Counter: sh.Counter,
		CashierID: a.User.ID, Cashier: a.User.Username, Lines: p.lines, Tenders: p.tenders, Discount: p.discount,
		Taxable: p.taxable, CGST: p.cgst, IGST: p.igst, Total: p.total, RoundOff: p.roundOff, Payable: p.payable,
		Tendered: p.tendered, Change: p.change, PlaceOfSupply: stateLabel(p.supply.state), POSState: p.supply.state.Code,
		Supply: "intra", DocType: "tax_invoice", B2B: p.supply.b2b, Buyer: p.supply.buyer, DeliverTo: p.supply.deliver,
		CreditNotes: []CreditNoteRef{}, ut: s.mall.UTGST}
	sl.SGST, sl.UTGST = splitShare(p.sgst, s.mall.UTGST)
	if p.supply.inter {
		sl.Supply = "inter"
	}
	if sl.B2B {
		sl.EInvoice = "pending"
	}
	return sl
}

// insertSale writes an invoice's header row.
func insertSale(ctx context.Context, tx *sql.Tx, sl Sale, series string, seq int64, fy int, approver string) error {
	var approvedBy any
	if approver != "" {
		approvedBy = approver
	}
	b, d := Buyer{}, Delivery{}
	if sl.Buyer != nil {
		b = *sl.Buyer
	}
	if sl.DeliverTo != nil {
		d = *sl.DeliverTo
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sales (id, invoice_no, series, fy, seq, shift_id, counter, user_id, at, total_paise,
			taxable_paise, cgst_paise, sgst_paise, discount_paise, tendered_paise, change_paise, utgst, status, approved_by,
			igst_paise, round_off_paise, pos_state, b2b, einvoice, buyer_gstin, buyer_name, buyer_address, buyer_state, buyer_pan,
			buyer_form60, ship_name, ship_address, ship_state, ship_pincode)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sl.ID, sl.InvoiceNo, series, fy, seq, sl.ShiftID, sl.Counter, sl.CashierID, sl.At.Format(timeFmt), sl.Total.Paise(),
		sl.Taxable.Paise(), sl.CGST.Paise(), sl.SGST.Add(sl.UTGST).Paise(), sl.Discount.Paise(), sl.Tendered.Paise(), sl.Change.Paise(),
		b2i(sl.ut), approvedBy, sl.IGST.Paise(), sl.RoundOff.Paise(), sl.POSState, b2i(sl.B2B), sl.EInvoice, b.GSTIN, b.Name,
		b.Address, b.State, b.PAN, b.Form60, d.Name, d.Address, d.State, d.Pincode)
	if err != nil {
		return fmt.Errorf("insert sale: %w", err)
	}
	return nil
}

// nextNumber takes the next number of a counter's series in a financial
// year. The single writer makes it gapless: the row update commits or
// rolls back with the document that used it.
func nextNumber(ctx context.Context, tx *sql.Tx, series string, fy invoice.FY) (string, int64, error) {
	var seq int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO doc_series (series, fy, last_seq) VALUES (?, ?, 1)
		ON CONFLICT (series, fy) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`, series, int(fy)).Scan(&seq); err != nil {
		return "", 0, fmt.Errorf("next number in %s: %w", series, err)
	}
	no, err := invoice.Format(series, fy, seq)
	if err != nil {
		return "", 0, errs.E(errs.Conflict, "cannot number the document: %v", err)
	}
	return no, seq, nil
}

// insertLines writes all lines of a sale in one statement.
func insertLines(ctx context.Context, tx *sql.Tx, saleID string, lines []SaleLine) error {
	const row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	var b strings.Builder
	args := make([]any, 0, 22*len(lines))
	b.WriteString(`INSERT INTO sale_lines (sale_id, line_no, sku, name, hsn, qty, unit_price_paise, discount_kind, discount_bp, discount_paise,
		amount_paise, taxable_paise, gst_rate_bp, cgst_paise, sgst_paise, state, district_id, district_name, producer_id, gi,
		igst_paise, band_note) VALUES `)
	for i, l := range lines {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(row)
		args = append(args, saleID, l.LineNo, l.SKU, l.Name, l.HSN, l.Qty, l.UnitPrice.Paise(), l.discount.Kind, l.discount.BP,
			l.Discount.Paise(), l.Amount.Paise(), l.Taxable.Paise(), l.GSTRate.BasisPoints(), l.CGST.Paise(), l.Share().Paise(),
			l.State, l.DistrictID, l.District, l.ProducerID, b2i(l.GI), l.IGST.Paise(), l.BandNote)
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("insert sale lines: %w", err)
	}
	return nil
}

// insertTenders writes the tenders of a sale or the refunds of a return.
func insertTenders(ctx context.Context, tx *sql.Tx, table, fk, id string, ts []Tender) error {
	var b strings.Builder
	args := make([]any, 0, 5*len(ts))
	b.WriteString(`INSERT INTO ` + table + ` (` + fk + `, idx, method, amount_paise, ref) VALUES `)
	for i, t := range ts {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(?,?,?,?,?)")
		args = append(args, id, i+1, t.Method, t.Amount.Paise(), t.Ref)
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	return nil
}

func saleEvent(s Sale) events.Sale {
	ev := events.Sale{SaleID: s.ID, InvoiceNo: s.InvoiceNo, ShiftID: s.ShiftID, Counter: s.Counter, CashierID: s.CashierID,
		At: s.At, Total: s.Total, Change: s.Change, RoundOff: s.RoundOff, POSState: s.POSState, B2B: s.B2B, EInvoice: s.EInvoice,
		TraceToken: s.traceToken}
	if b := s.Buyer; b != nil {
		ev.Buyer = &events.Buyer{GSTIN: b.GSTIN, Name: b.Name, Address: b.Address, State: b.State, PAN: b.PAN, Form60: b.Form60}
	}
	if s.DeliverTo != nil {
		ev.ShipTo = s.DeliverTo.State
	}
	for _, l := range s.Lines {
		ev.Lines = append(ev.Lines, events.SaleLine{LineNo: l.LineNo, SKU: l.SKU, ProducerID: l.ProducerID, DistrictID: l.DistrictID,
			State: l.State, HSN: l.HSN, Qty: l.Qty, UnitPrice: l.UnitPrice, Discount: l.Discount, Amount: l.Amount,
			Taxable: l.Taxable, GSTRate: l.GSTRate, CGST: l.CGST, SGST: l.Share(), UTGST: s.ut, IGST: l.IGST, BandNote: l.BandNote})
	}
	for _, t := range s.Tenders {
		ev.Tenders = append(ev.Tenders, events.Tender{Method: t.Method, Amount: t.Amount, Ref: t.Ref})
	}
	return ev
}
