package ingest

import (
	"context"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/money"
	"ektamall/shared/sqldb"
	"ektamall/shared/syncwire"
)

// BulkPrice changes the MRP of every active product of one State,
// category, producer or SKU by a percentage, from From (zero: now) and,
// when Until is set, back to the price each had when the change was asked
// for at Until: a festival price that reverts by itself. Both ends go
// through the catalog's own schedule (effective_at), so malls switch at
// the same moments even if they are offline then, as long as they have
// the changes. New prices are rounded half up to the whole rupee.
type BulkPrice struct {
	Scope   string       `json:"scope"`   // state, category, producer or sku
	Key     string       `json:"key"`     // UP, handicraft, PR-UP-LUCKNOW-01, UP-LKO-002
	Percent money.Amount `json:"percent"` // -10.00 is 10% off; +5.00 a rise
	From    *time.Time   `json:"from,omitempty"`
	Until   *time.Time   `json:"until,omitempty"`
}

// BulkLine is one product's change.
type BulkLine struct {
	SKU    string       `json:"sku"`
	Name   string       `json:"name"`
	OldMRP money.Amount `json:"old_mrp"`
	NewMRP money.Amount `json:"new_mrp"`
}

// BulkResult says what a bulk change did.
type BulkResult struct {
	Scope    string     `json:"scope"`
	Key      string     `json:"key"`
	Percent  string     `json:"percent"`
	From     time.Time  `json:"from"`
	Until    *time.Time `json:"until,omitempty"`
	Changes  int        `json:"changes"` // catalog changes written (two a product when it reverts)
	Products []BulkLine `json:"products"`
}

// MaxBulkProducts bounds one bulk change.
const MaxBulkProducts = 5000

var bulkScopes = map[string]string{
	"state":    `state = ?`,
	"category": `category = ?`,
	"producer": `producer_id = ?`,
	"sku":      `sku = ?`,
}

// ChangePrices applies a BulkPrice in one transaction: every product's
// change (and its revert) is written, or none is.
func (s *Service) ChangePrices(ctx context.Context, b BulkPrice, userID, requestID string) (BulkResult, error) {
	now := s.cfg.Now().UTC()
	where, ok := bulkScopes[b.Scope]
	switch {
	case !ok:
		return BulkResult{}, errs.Field("scope", "scope must be state, category, producer or sku")
	case b.Key == "":
		return BulkResult{}, errs.Field("key", "key names the %s whose prices change", b.Scope)
	case b.Percent.Decimal().Exponent() < -2 || !b.Percent.GreaterThan(money.MustParse("-90")) || b.Percent.GreaterThan(money.MustParse("200")) || b.Percent.IsZero():
		return BulkResult{}, errs.Field("percent", "percent is the change in per cent with at most 2 decimals, more than -90 and at most 200, not 0 (-10 is 10%% off)")
	}
	from := now
	if b.From != nil && b.From.After(now) {
		from = b.From.UTC()
	}
	var until *time.Time
	if b.Until != nil {
		u := b.Until.UTC()
		if !u.After(from) {
			return BulkResult{}, errs.Field("until", "until must be after the change starts (%s)", from.Format(time.RFC3339))
		}
		until = &u
	}
	res := BulkResult{Scope: b.Scope, Key: b.Key, Percent: b.Percent.String(), From: from, Until: until, Products: []BulkLine{}}
	bp := b.Percent.Paise() // per cent × 100: basis points
	err := s.cfg.DB.Transact(ctx, func(tx sqldb.Tx) error {
		res.Products, res.Changes = res.Products[:0], 0
		lines, err := bulkLines(ctx, tx, where, b.Key, bp)
		if err != nil {
			return err
		}
		for _, l := range lines {
			steps := []struct {
				mrp money.Amount
				at  time.Time
			}{{l.NewMRP, from}}
			if until != nil {
				steps = append(steps, struct {
					mrp money.Amount
					at  time.Time
				}{l.OldMRP, *until})
			}
			for _, st := range steps {
				c := syncwire.CatalogChange{Kind: syncwire.KindPrice, At: now, By: userID, Price: &syncwire.PriceChange{SKU: l.SKU, MRP: st.mrp}}
				if st.at.After(now) {
					at := st.at
					c.EffectiveAt = &at
				}
				if err := c.Validate(); err != nil {
					return err
				}
				if err := recordChange(ctx, tx, &c, now, userID, requestID); err != nil {
					return err
				}
				res.Changes++
			}
			res.Products = append(res.Products, l)
		}
		return nil
	})
	if err != nil {
		return BulkResult{}, fmt.Errorf("bulk price change: %w", err)
	}
	s.wakePublisher()
	return res, nil
}

// bulkLines reads the products in scope with their new prices.
func bulkLines(ctx context.Context, tx sqldb.Tx, where, key string, bp int64) ([]BulkLine, error) {
	rows, err := tx.QueryContext(ctx, `SELECT sku, name, mrp_paise FROM products WHERE active = 1 AND `+where+` ORDER BY sku`, key)
	if err != nil {
		return nil, fmt.Errorf("products in scope: %w", err)
	}
	defer rows.Close()
	var out []BulkLine
	for rows.Next() {
		var l BulkLine
		var old int64
		if err := rows.Scan(&l.SKU, &l.Name, &old); err != nil {
			return nil, err
		}
		l.OldMRP, l.NewMRP = money.FromPaise(old), money.FromPaise(newPrice(old, bp))
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	switch {
	case len(out) == 0:
		return nil, errs.Field("key", "no active product matches %q", key)
	case len(out) > MaxBulkProducts:
		return nil, errs.Field("key", "%d products match; change at most %d at once", len(out), MaxBulkProducts)
	}
	return out, nil
}

// newPrice is old × (1 + bp/10000) rounded half up to the rupee, at
// least one rupee.
func newPrice(old, bp int64) int64 {
	p := (old*(10000+bp)*2 + 10000) / 20000 // to the paisa, half up
	r := (p + 50) / 100 * 100
	if r < 100 {
		r = 100
	}
	return r
}
