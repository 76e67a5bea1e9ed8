package pos

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"ektamall/inventory"
	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
	"ektamall/shared/text"
)

// Void cancels an invoice while its shift is still open (a mistake caught
// at the counter). Only a mall admin may do it. The invoice keeps its
// number and is marked cancelled (GST reports list cancelled numbers),
// its stock goes back where it was taken from, and it drops out of the
// shift's takings. After the shift closes, or once goods came back on a
// credit note, a return is the only way.
func (s *Service) Void(ctx context.Context, a Actor, saleID, reason string) (Sale, error) {
	if a.User.Role != auth.MallAdmin {
		return Sale{}, errs.E(errs.Forbidden, "only a mall admin can cancel an invoice")
	}
	reason, terr := text.Clean("reason", reason, text.Rule{Max: 200, Required: true})
	if terr != nil {
		return Sale{}, errs.Field("reason", "say why the invoice is cancelled (1 to 200 characters of plain text): %s", errs.Public(terr).Message)
	}
	if _, err := ids.Parse(saleID); err != nil {
		return Sale{}, errs.E(errs.NotFound, "no sale %q", saleID)
	}
	now := s.now()
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		var (
			invoiceNo, status, shiftStatus, at string
			returns                            int
		)
		err := tx.QueryRowContext(ctx, `SELECT s.invoice_no, s.status, s.at, sh.status, (SELECT count(*) FROM returns r WHERE r.sale_id = s.id)
			FROM sales s JOIN shifts sh ON sh.id = s.shift_id WHERE s.id = ?`, saleID).Scan(&invoiceNo, &status, &at, &shiftStatus, &returns)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errs.E(errs.NotFound, "no sale %q", saleID)
		case err != nil:
			return err
		case status == StatusCancelled:
			return errs.E(errs.Conflict, "invoice %s is already cancelled", invoiceNo)
		case shiftStatus != "open":
			return errs.E(errs.Conflict, "invoice %s belongs to a closed shift; take a return (credit note) instead", invoiceNo)
		case returns > 0:
			return errs.E(errs.Conflict, "invoice %s already has a credit note; return the rest instead of cancelling", invoiceNo)
		}
		if err := voidIRN(ctx, tx, saleID, invoiceNo, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sales SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?
			WHERE id = ? AND status = 'completed'`, now.Format(timeFmt), a.User.ID, reason, saleID); err != nil {
			return fmt.Errorf("cancel sale: %w", err)
		}
		if err := s.unsell(ctx, tx, a, saleID, at); err != nil {
			return err
		}
		if _, err := events.Append(ctx, tx, s.mall.ID, events.SaleVoided, now, events.Void{
			SaleID: saleID, InvoiceNo: invoiceNo, By: a.User.ID, Reason: reason, At: now}); err != nil {
			return err
		}
		return audit(ctx, tx, a, now, "sale_void", map[string]any{"sale_id": saleID, "invoice_no": invoiceNo, "reason": reason})
	})
	if err != nil {
		return Sale{}, fmt.Errorf("cancel sale: %w", err)
	}
	return readSale(ctx, s.db.R, s.mall, saleID)
}

// unsell reverses the stock moves a sale made, each back to the location
// it came from (shelf or backroom). It finds them by SKU and the sale's
// time, which the ledger's (sku, at) index serves.
func (s *Service) unsell(ctx context.Context, tx *sql.Tx, a Actor, saleID, at string) error {
	type move struct {
		sku, zone, from string
		qty             int64
	}
	var moves []move
	rows, err := tx.QueryContext(ctx, `SELECT m.sku, m.zone, m.qty, m.from_loc FROM stock_moves m
		JOIN sale_lines l ON l.sale_id = ? AND l.sku = m.sku
		WHERE m.at = ? AND m.ref = ? AND m.kind = 'sale' GROUP BY m.id`, saleID, at, saleID)
	if err != nil {
		return fmt.Errorf("find sale's stock moves: %w", err)
	}
	for rows.Next() {
		var m move
		if err := rows.Scan(&m.sku, &m.zone, &m.qty, &m.from); err != nil {
			rows.Close()
			return err
		}
		moves = append(moves, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := s.now()
	for _, m := range moves {
		if err := inventory.PutBack(ctx, tx, s.mall.ID, inventory.KindVoid, m.sku, m.zone, m.qty, inventory.Location(m.from), saleID, a.User.ID, now); err != nil {
			return fmt.Errorf("put back %s: %w", m.sku, err)
		}
	}
	return nil
}
