package ledger

import (
	"context"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
)

// TransferEntryID is the entry of a transfer's tax invoice.
func TransferEntryID(mall, transfer string) string { return "transfer:" + mall + ":" + transfer }

// applyTransferDoc records the document a transfer moved under (events
// from before issue 19 carry none and book nothing) and books a tax
// invoice's IGST: output tax of the sender's State, input tax credit of
// the receiving mall. Money between the malls is not settled here: both
// are the operator's registrations.
func applyTransferDoc(ctx context.Context, bk *booker, ev events.Envelope, p events.Transfer, now time.Time) error {
	d := p.Document
	if d == nil {
		return nil
	}
	if p.TransferID == "" || p.FromMall != ev.Mall || p.ToMall == "" || d.Number == "" {
		return errs.E(errs.Invalid, "transfer %s: a document needs the transfer id, both malls and a number", p.TransferID)
	}
	if d.Kind != "tax_invoice" && d.Kind != "delivery_challan" {
		return errs.E(errs.Invalid, "transfer %s: document kind %q", p.TransferID, d.Kind)
	}
	state, err := bk.mallState(ctx, ev.Mall)
	if err != nil {
		return err
	}
	var taxable, igst int64
	for _, l := range d.Lines {
		if l.Qty <= 0 || l.Taxable.IsNegative() || l.IGST.IsNegative() || (d.Kind == "delivery_challan" && l.IGST.IsPositive()) {
			return errs.E(errs.Invalid, "transfer %s line %s: bad quantity or amounts", p.TransferID, l.SKU)
		}
		taxable += paise(l.Taxable)
		igst += paise(l.IGST)
	}
	if taxable != paise(d.Taxable) || igst != paise(d.IGST) {
		return errs.E(errs.Invalid, "transfer %s: the lines' taxable value and IGST do not add up to the document's %s and %s",
			p.TransferID, d.Taxable, d.IGST)
	}
	at := businessTime(d.At, ev.At)
	var ewayNo, ewayUntil, vehicle string
	if e := d.EWayBill; e != nil {
		ewayNo, vehicle = e.Number, e.VehicleNo
		if vehicle == "" {
			vehicle = e.TransporterID
		}
		if !e.ValidUntil.IsZero() {
			ewayUntil = TS(e.ValidUntil)
		}
	}
	tx := bk.tx
	if _, err := tx.ExecContext(ctx, `INSERT INTO hub_transfer_docs (mall, transfer_id, kind, number, at, to_mall, to_gstin, to_state, taxable, igst,
		ingested_at, event_id, eway_no, eway_valid_until, eway_vehicle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ev.Mall, p.TransferID,
		d.Kind, d.Number, TS(at), p.ToMall, d.ToGSTIN, d.ToState, taxable, igst, TS(now), ev.ID, ewayNo, ewayUntil, vehicle); err != nil {
		if isUnique(err) {
			return errs.E(errs.Invalid, "transfer %s of mall %s was already booked by another event", p.TransferID, ev.Mall)
		}
		return fmt.Errorf("insert transfer document: %w", err)
	}
	for _, l := range d.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hub_transfer_doc_lines (mall, transfer_id, sku, hsn, qty, rate_bp, taxable, igst)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ev.Mall, p.TransferID, l.SKU, l.HSN, l.Qty, l.GSTRate.BasisPoints(), paise(l.Taxable), paise(l.IGST)); err != nil {
			return fmt.Errorf("insert transfer document line: %w", err)
		}
	}
	if igst == 0 {
		return nil
	}
	return bk.post(ctx, Entry{ID: TransferEntryID(ev.Mall, p.TransferID), Kind: "transfer", Mall: ev.Mall, Ref: d.Number, EventID: ev.ID, At: at,
		Postings: []Posting{C(GSTAccount(state, "igst"), igst), D(ITCAccount(p.ToMall, "igst"), igst)}}, now)
}
