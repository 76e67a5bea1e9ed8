package inventory

import (
	"context"
	"fmt"

	"ektamall/shared/errs"
)

// ReturnNote is the document that goes with consignment handed back to
// its producer: what was returned, why, who asked and who approved, for
// both sides to sign at handover (issue 20 item 5).
type ReturnNote struct {
	StockRequest
	MallName     string           `json:"mall_name"`
	MallAddress  string           `json:"mall_address"`
	ProducerName string           `json:"producer_name"`
	Items        []ReturnNoteItem `json:"items"`
}

// ReturnNoteItem is one product on a return note.
type ReturnNoteItem struct {
	SKU  string `json:"sku"`
	Name string `json:"name"`
	Qty  int64  `json:"qty"`
}

// ReturnNote is the return note of an approved return to the producer.
func (s *Service) ReturnNote(ctx context.Context, a Actor, id string) (ReturnNote, error) {
	r, err := s.StockRequest(ctx, a, id)
	if err != nil {
		return ReturnNote{}, err
	}
	if r.Kind != KindProducerReturn {
		return ReturnNote{}, errs.E(errs.Invalid, "request %s is a %s, not a return to the producer", id, r.Kind)
	}
	if r.Status != "approved" {
		return ReturnNote{}, errs.E(errs.Conflict, "request %s is %s: a return note is printed once a mall admin has approved it", id, r.Status)
	}
	n := ReturnNote{StockRequest: r}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT name, address FROM mall LIMIT 1`).Scan(&n.MallName, &n.MallAddress); err != nil {
		return n, fmt.Errorf("return note: %w", err)
	}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT name FROM producers WHERE id = ?`, r.ProducerID).Scan(&n.ProducerName); err != nil {
		n.ProducerName = r.ProducerID
	}
	for _, l := range r.Lines {
		it := ReturnNoteItem{SKU: l.SKU, Qty: l.Qty}
		if err := s.DB.R.QueryRowContext(ctx, `SELECT name FROM products WHERE sku = ?`, l.SKU).Scan(&it.Name); err != nil {
			it.Name = l.SKU
		}
		n.Items = append(n.Items, it)
	}
	return n, nil
}
