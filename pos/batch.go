package pos

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/idem"
)

// BatchSale is one sale of CheckoutBatch.
type BatchSale struct {
	Actor Actor
	Key   string // Idempotency-Key, as for Checkout
	Req   SaleRequest
	// At is when the sale was rung (zero: the service's clock). Loading
	// history gives each sale its own time.
	At time.Time
}

// CheckoutBatch rings many sales in one transaction, all or none: each is
// validated, priced, numbered, taken from stock, audited and put in the
// outbox exactly as Checkout does, in the order given, and one commit (one
// fsync) covers them all. It is for loading sales in bulk, such as the
// demo's history; a counter rings one sale at a time with Checkout. A key
// used before returns the sale it made, as Checkout does.
func (s *Service) CheckoutBatch(ctx context.Context, batch []BatchSale) (sales []Sale, err error) {
	defer errs.Wrap(&err, "checkout batch")
	ps := make([]*pendingSale, len(batch))
	for i, b := range batch {
		if err := canRing(b.Actor.User); err != nil {
			return nil, err
		}
		if err := idem.Require(b.Key); err != nil {
			return nil, err
		}
		p, err := s.prepareSale(ctx, b.Actor, b.Req)
		if err != nil {
			return nil, fmt.Errorf("sale %d: %w", i+1, err)
		}
		if !b.At.IsZero() {
			p.at = b.At.UTC()
		}
		p.idem = idem.New("sale", b.Key, b.Actor.User.ID, b.Req)
		ps[i] = p
	}
	sales = make([]Sale, len(batch))
	existing := make([]string, len(batch))
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		for i, p := range ps {
			var err error
			if sales[i], existing[i], err = s.writeSale(ctx, tx, batch[i].Actor, p); err != nil {
				return fmt.Errorf("sale %d: %w", i+1, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, id := range existing {
		if id != "" {
			if sales[i], err = readSale(ctx, s.db.R, s.mall, id); err != nil {
				return nil, err
			}
		}
	}
	return sales, nil
}
