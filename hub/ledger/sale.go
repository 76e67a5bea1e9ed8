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

func isUnique(err error) bool { return sqldb.IsUnique(err) }

// SaleEntryID and friends derive entry ids from the business key, so a
// replay of the same fact can never book twice.
func SaleEntryID(mall, sale string) string     { return "sale:" + mall + ":" + sale }
func VoidEntryID(mall, sale string) string     { return "void:" + mall + ":" + sale }
func ReturnEntryID(mall, ret string) string    { return "return:" + mall + ":" + ret }
func PayoutEntryID(payout string) string       { return "payout:" + payout }
func PayoutResultEntryID(payout string) string { return "payout_result:" + payout }
func PayoutReturnEntryID(payout string) string { return "payout_return:" + payout }

// bookedLine is a sale line as booked, with the commission split.
type bookedLine struct {
	events.SaleLine
	Category   string
	RuleID     string
	RateBP     int64
	Commission int64
	CommGST    int64
	Net        int64
}

// lineCatalog reads a line's product and producer from the master
// catalog (ingest found both there) and fills what the mall left out.
func lineCatalog(ctx context.Context, bk *booker, l *events.SaleLine) (category string, err error) {
	prod, err := bk.product(ctx, l.SKU)
	if err != nil {
		return "", err
	}
	if l.ProducerID == "" {
		l.ProducerID = prod.producer
	}
	pr, err := bk.producer(ctx, l.ProducerID)
	if err != nil {
		return "", err
	}
	if l.DistrictID == "" {
		l.DistrictID = pr.district
	}
	if l.State == "" {
		l.State = pr.state
	}
	return prod.category, nil
}

func applySale(ctx context.Context, bk *booker, ev events.Envelope, p events.Sale, now time.Time) error {
	tx := bk.tx
	state, err := bk.mallState(ctx, ev.Mall)
	if err != nil {
		return err
	}
	at := businessTime(p.At, ev.At)
	lines := make([]bookedLine, len(p.Lines))
	var tax, igst int64
	for i, l := range p.Lines {
		cat, err := lineCatalog(ctx, bk, &l)
		if err != nil {
			return err
		}
		r, err := bk.ruleFor(ctx, l.ProducerID, cat, l.State, at)
		if err != nil {
			return err
		}
		b := bookedLine{SaleLine: l, Category: cat, RuleID: r.ID, RateBP: r.RateBP}
		b.Commission = bpOf(paise(l.Taxable), r.RateBP)
		b.CommGST = bpOf(b.Commission, r.GSTBP)
		b.Net = paise(l.Taxable) - b.Commission - b.CommGST
		if b.Net < 0 {
			return errs.E(errs.Invalid, "sale %s line %d: commission exceeds the taxable value", p.SaleID, l.LineNo)
		}
		lines[i] = b
		tax += paise(l.CGST) + paise(l.SGST) + paise(l.IGST)
		igst += paise(l.IGST)
	}
	posState := p.POSState
	if posState == "" { // events from before the place of supply was sent
		posState = state
	}
	var b events.Buyer
	if p.Buyer != nil {
		b = *p.Buyer
	}
	share := make([]shareLine, len(lines))
	for i, b := range lines {
		share[i] = shareLine{cgst: paise(b.CGST), sgst: paise(b.SGST), igst: paise(b.IGST), utgst: b.UTGST, commission: b.Commission, commGST: b.CommGST}
	}
	sharePs, unposted := saleShare(ev.Mall, state, share, paise(p.RoundOff))
	summary := bk.sums.entryFor(ev.Mall, p.SaleID, at)
	_, err = tx.ExecContext(ctx, `INSERT INTO hub_sales (mall, sale_id, invoice_no, shift_id, counter, at, ingested_at, event_id, total, change, tax,
			igst, round_off, pos_state, b2b, einvoice, buyer_gstin, buyer_name, buyer_address, buyer_state, buyer_pan, buyer_form60, ship_state,
			summary_entry)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ev.Mall, p.SaleID, p.InvoiceNo, p.ShiftID, p.Counter,
		TS(at), TS(now), ev.ID, paise(p.Total), paise(p.Change), tax, igst, paise(p.RoundOff), posState, b2i(p.B2B), p.EInvoice,
		b.GSTIN, b.Name, b.Address, b.State, b.PAN, b.Form60, p.ShipTo, summary)
	if isUnique(err) {
		return errs.E(errs.Invalid, "sale %s of mall %s was already booked by another event", p.SaleID, ev.Mall)
	}
	if err != nil {
		return fmt.Errorf("insert sale: %w", err)
	}
	var ps []Posting
	for i, t := range p.Tenders {
		amt := paise(t.Amount)
		// Nothing reads a batch's tenders while it is booked: they are
		// written with its journal, many rows per statement.
		bk.pending.tender(tenderRow{mall: ev.Mall, sale: p.SaleID, idx: i, method: t.Method, amount: amt, ref: t.Ref})
		ps = append(ps, D(ClearingAccount(ev.Mall, t.Method), amt))
	}
	ps = append(ps, C(ClearingAccount(ev.Mall, "cash"), paise(p.Change)), unpostedLeg(ev.Mall, unposted))
	for _, b := range lines {
		ps = append(ps, C(ProducerAccount(b.ProducerID), b.Net))
		if _, err := tx.ExecContext(ctx, `INSERT INTO hub_sale_lines (mall, sale_id, line_no, invoice_no, sku, producer_id, district_id, state,
			category, hsn, qty, unit_price, discount, amount, taxable, gst_rate_bp, cgst, sgst, utgst, commission_rule_id, commission_bp,
			commission, commission_gst, producer_net, at, ingested_at, igst, band_note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ev.Mall, p.SaleID, b.LineNo, p.InvoiceNo, b.SKU, b.ProducerID, b.DistrictID, b.State, b.Category, b.HSN, b.Qty,
			paise(b.UnitPrice), paise(b.Discount), paise(b.Amount), paise(b.Taxable), b.GSTRate.BasisPoints(), paise(b.CGST),
			paise(b.SGST), b2i(b.UTGST), b.RuleID, b.RateBP, b.Commission, b.CommGST, b.Net, TS(at), TS(now), paise(b.IGST), b.BandNote); err != nil {
			return fmt.Errorf("insert sale line: %w", err)
		}
	}
	if err := bk.post(ctx, Entry{ID: SaleEntryID(ev.Mall, p.SaleID), Kind: "sale", Mall: ev.Mall, Ref: p.InvoiceNo,
		EventID: ev.ID, At: at, Postings: ps}, now); err != nil {
		return err
	}
	bk.sums.hold(ev.Mall, p.SaleID, ev.ID, at, now, sharePs)
	return nil
}

func applyVoid(ctx context.Context, bk *booker, ev events.Envelope, p events.Void, now time.Time) error {
	tx := bk.tx
	if p.SaleID == "" {
		return errs.E(errs.Invalid, "sale.voided without sale_id")
	}
	var summary string
	var roundOff int64
	err := tx.QueryRowContext(ctx, `SELECT summary_entry, round_off FROM hub_sales WHERE mall = ? AND sale_id = ?`, ev.Mall, p.SaleID).Scan(&summary, &roundOff)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "void of sale %s, which the hub has not booked", p.SaleID)
	}
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hub_returns WHERE mall = ? AND sale_id = ?`, ev.Mall, p.SaleID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Invalid, "void of sale %s, which already has returns", p.SaleID)
	}
	at := businessTime(p.At, ev.At)
	_, err = tx.ExecContext(ctx, `INSERT INTO hub_voids (mall, sale_id, by_user, reason, at, ingested_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		ev.Mall, p.SaleID, p.By, p.Reason, TS(at), TS(now), ev.ID)
	if isUnique(err) {
		return errs.E(errs.Invalid, "sale %s of mall %s is already voided", p.SaleID, ev.Mall)
	}
	if err != nil {
		return fmt.Errorf("insert void: %w", err)
	}
	var extra []Posting
	if summary != "" {
		// The sale's summary posted its tax, commission and round-off:
		// the void takes them back from those accounts, with what the
		// sale's entry credited to unposted:{mall}.
		if extra, err = voidShare(ctx, bk, ev.Mall, p.SaleID, roundOff); err != nil {
			return err
		}
	}
	return reverse(ctx, tx, bk.pending, SaleEntryID(ev.Mall, p.SaleID), VoidEntryID(ev.Mall, p.SaleID), "void", ev.ID, at, now, extra)
}

// voidShare is the reversal of what a sale's summary posted for it, with
// the credit that balances it on unposted:{mall}.
func voidShare(ctx context.Context, bk *booker, mall, sale string, roundOff int64) ([]Posting, error) {
	state, err := bk.mallState(ctx, mall)
	if err != nil {
		return nil, err
	}
	rows, err := bk.tx.QueryContext(ctx, `SELECT cgst, sgst, igst, utgst, commission, commission_gst FROM hub_sale_lines
		WHERE mall = ? AND sale_id = ? ORDER BY line_no`, mall, sale)
	if err != nil {
		return nil, err
	}
	var lines []shareLine
	for rows.Next() {
		var l shareLine
		var ut int
		if err := rows.Scan(&l.cgst, &l.sgst, &l.igst, &ut, &l.commission, &l.commGST); err != nil {
			rows.Close()
			return nil, err
		}
		l.utgst = ut != 0
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ps, unposted := saleShare(mall, state, lines, roundOff)
	out := make([]Posting, 0, len(ps)+1)
	for _, p := range ps {
		out = append(out, Posting{Account: p.Account, Debit: p.Credit, Credit: p.Debit})
	}
	return append(out, unpostedLeg(mall, unposted)), nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
