package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
)

// IRNCancelWindow is how long after its generation an IRN can be
// cancelled on the e-invoice portal (research/gst_compliance.md §4.4).
// After it, an e-invoiced document is corrected by a credit note.
const IRNCancelWindow = 24 * time.Hour

// IRN is an e-invoice's registration as the portal answered it: printed
// on the invoice (or credit note) with its signed QR code.
type IRN struct {
	IRN      string    `json:"irn"`
	AckNo    string    `json:"ack_no"`
	AckAt    time.Time `json:"ack_at"`
	SignedQR string    `json:"signed_qr"`
	// CancelAsked: the document was voided within 24 hours; the hub asks
	// the portal to cancel the IRN.
	CancelAsked *time.Time `json:"cancel_asked_at,omitempty"`
}

// RecordIRN stores the IRN the hub sent down for one of this mall's
// documents, inside the downlink's transaction. Receiving it again does
// nothing; a different IRN for the same document is refused.
func RecordIRN(ctx context.Context, tx *sql.Tx, p events.EInvoiceIRN) error {
	if p.DocID == "" || len(p.IRN) != 64 || p.AckNo == "" || p.SignedQR == "" || p.AckAt.IsZero() {
		return errs.E(errs.Invalid, "e-invoice of %s %s: incomplete (doc id, IRN, acknowledgement and signed QR are needed)", p.DocType, p.DocNo)
	}
	var table, no string
	switch p.DocType {
	case "INV":
		table = `SELECT invoice_no FROM sales WHERE id = ?`
	case "CRN":
		table = `SELECT credit_note_no FROM returns WHERE id = ?`
	default:
		return errs.E(errs.Invalid, "e-invoice of a %q document", p.DocType)
	}
	err := tx.QueryRowContext(ctx, table, p.DocID).Scan(&no)
	if errors.Is(err, sql.ErrNoRows) && p.DocType == "INV" { // the tax invoice of a transfer to another State's mall
		err = tx.QueryRowContext(ctx, `SELECT number FROM transfer_documents WHERE transfer_id = ? AND kind = 'tax_invoice'`, p.DocID).Scan(&no)
	}
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Invalid, "e-invoice of %s %s, which this mall did not issue", p.DocType, p.DocNo)
		}
		return err
	}
	if no != p.DocNo {
		return errs.E(errs.Invalid, "e-invoice names %s %s, but document %s is %s", p.DocType, p.DocNo, p.DocID, no)
	}
	var have string
	err = tx.QueryRowContext(ctx, `SELECT irn FROM einvoice_irns WHERE doc_id = ?`, p.DocID).Scan(&have)
	switch {
	case err == nil && have == p.IRN:
		return nil
	case err == nil:
		return errs.E(errs.Conflict, "%s %s already has IRN %s…", p.DocType, no, have[:12])
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO einvoice_irns (doc_id, doc_type, doc_no, irn, ack_no, ack_at, signed_qr, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.DocID, p.DocType, no, p.IRN, p.AckNo, p.AckAt.UTC().Format(timeFmt), p.SignedQR,
		time.Now().UTC().Format(timeFmt)); err != nil {
		return fmt.Errorf("record IRN: %w", err)
	}
	if p.DocType == "INV" {
		if _, err := tx.ExecContext(ctx, `UPDATE sales SET einvoice = 'generated' WHERE id = ? AND status = 'completed'`, p.DocID); err != nil {
			return fmt.Errorf("record IRN: %w", err)
		}
	}
	return nil
}

// readIRN is a document's IRN, or nil.
func readIRN(ctx context.Context, q queryer, docID string) (*IRN, error) {
	var r IRN
	var ack string
	var asked sql.NullString
	err := q.QueryRowContext(ctx, `SELECT irn, ack_no, ack_at, signed_qr, cancel_asked_at FROM einvoice_irns WHERE doc_id = ?`, docID).
		Scan(&r.IRN, &r.AckNo, &ack, &r.SignedQR, &asked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read IRN: %w", err)
	}
	r.AckAt = parseTime(ack)
	if asked.Valid {
		t := parseTime(asked.String)
		r.CancelAsked = &t
	}
	return &r, nil
}

// voidIRN applies the e-invoice rule to a void of sale at now: an invoice
// whose IRN is older than 24 hours cannot be voided (the portal no longer
// cancels it; a credit note corrects it), a younger one is marked for the
// IRN's cancellation.
func voidIRN(ctx context.Context, tx *sql.Tx, saleID, invoiceNo string, now time.Time) error {
	r, err := readIRN(ctx, tx, saleID)
	if err != nil || r == nil {
		return err
	}
	if age := now.Sub(r.AckAt); age > IRNCancelWindow {
		return errs.E(errs.Conflict, "invoice %s was e-invoiced (IRN %s…, acknowledged %s), %s ago: an IRN can be cancelled only within 24 hours, "+
			"so the invoice cannot be voided now; take a return (credit note) instead", invoiceNo, r.IRN[:12],
			r.AckAt.In(ist).Format("2 Jan 2006 15:04 IST"), age.Truncate(time.Minute))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE einvoice_irns SET cancel_asked_at = ? WHERE doc_id = ?`, now.UTC().Format(timeFmt), saleID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE sales SET einvoice = 'cancel_pending' WHERE id = ?`, saleID)
	return err
}
