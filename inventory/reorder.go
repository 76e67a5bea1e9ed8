package inventory

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"ektamall/shared/auth"
	"ektamall/shared/errs"
	"ektamall/shared/events"
)

// SalesWindow is how far back the low-stock list looks at sales to suggest
// a restock quantity.
const SalesWindow = 14 * 24 * time.Hour

// MaxReorderPoint bounds a reorder point (a typo guard, not a business rule).
const MaxReorderPoint = 1_000_000

// ReorderPoint is the level of shelf + backroom at or below which a SKU is
// low and should be reordered from its producer.
type ReorderPoint struct {
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	ReorderPoint int64  `json:"reorder_point"`
}

// available is what can still be sold without a delivery: shelf + backroom.
func available(ctx context.Context, q queryer, sku string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(qty), 0) FROM stock WHERE sku = ? AND location IN ('shelf', 'backroom')`, sku).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("available %s: %w", sku, err)
	}
	return n, nil
}

func reorderPoint(ctx context.Context, q queryer, sku string) (rp int64, ok bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT reorder_point FROM reorder_points WHERE sku = ?`, sku).Scan(&rp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("reorder point %s: %w", sku, err)
	}
	return rp, true, nil
}

// checkLow emits stock.low when m takes the SKU's available stock from
// above its reorder point to at or below it. Moves that do not lower
// shelf + backroom (a restock, a receipt) never cross it downwards.
func checkLow(ctx context.Context, tx *sql.Tx, mallID string, m Move) error {
	var delta int64
	if m.To == Shelf || m.To == Backroom {
		delta += m.Qty
	}
	if m.From == Shelf || m.From == Backroom {
		delta -= m.Qty
	}
	if delta >= 0 {
		return nil
	}
	rp, ok, err := reorderPoint(ctx, tx, m.SKU)
	if err != nil || !ok {
		return err
	}
	after, err := available(ctx, tx, m.SKU)
	if err != nil {
		return err
	}
	if before := after - delta; before > rp && after <= rp {
		return emitLow(ctx, tx, mallID, m.SKU, m.Zone, after, rp, m.ID, m.At)
	}
	return nil
}

func emitLow(ctx context.Context, tx *sql.Tx, mallID, sku, zone string, avail, rp int64, moveID string, at time.Time) error {
	_, err := events.Append(ctx, tx, mallID, events.StockLow, at, events.LowStock{
		SKU: sku, Zone: zone, Available: avail, ReorderPoint: rp, MoveID: moveID, At: at.UTC(),
	})
	return err
}

// SetReorderPoint sets a SKU's reorder point. Raising it to or above the
// stock on hand counts as crossing it, so stock.low goes out then too.
func (s *Service) SetReorderPoint(ctx context.Context, a Actor, zone, sku string, rp int64) (ReorderPoint, error) {
	if rp < 0 || rp > MaxReorderPoint {
		return ReorderPoint{}, errs.Field("reorder_point", "reorder point must be a whole number from 0 to %d", MaxReorderPoint)
	}
	var out ReorderPoint
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		if err := checkZone(ctx, tx, a, zone, true); err != nil {
			return err
		}
		ps, err := zoneLines(ctx, tx, a, zone, []Line{{SKU: sku, Qty: 1}}, false)
		if err != nil {
			return err
		}
		sku = ps[0].SKU // a barcode names its SKU
		old, had, err := reorderPoint(ctx, tx, sku)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reorder_points (sku, reorder_point) VALUES (?, ?)
			ON CONFLICT (sku) DO UPDATE SET reorder_point = excluded.reorder_point`, sku, rp); err != nil {
			return fmt.Errorf("set reorder point: %w", err)
		}
		now := s.now()
		detail, _ := json.Marshal(map[string]any{"sku": sku, "zone": zone, "reorder_point": rp, "was": old, "was_set": had})
		if err := auth.Audit(ctx, tx, now, a.ID, "inventory.reorder_point", string(detail), a.RequestID); err != nil {
			return err
		}
		avail, err := available(ctx, tx, sku)
		if err != nil {
			return err
		}
		if avail <= rp && (!had || avail > old) {
			if err := emitLow(ctx, tx, s.MallID, sku, zone, avail, rp, "", now); err != nil {
				return err
			}
		}
		out = ReorderPoint{SKU: sku, Name: ps[0].Name, ReorderPoint: rp}
		return nil
	})
	return out, err
}

// ReorderPoints lists the zone's SKUs that have one.
func (s *Service) ReorderPoints(ctx context.Context, a Actor, zone string) ([]ReorderPoint, error) {
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.sku, p.name, r.reorder_point FROM reorder_points r JOIN products p ON p.sku = r.sku
		WHERE p.state = ? ORDER BY p.sku`, zone)
	if err != nil {
		return nil, fmt.Errorf("list reorder points: %w", err)
	}
	defer rows.Close()
	out := []ReorderPoint{}
	for rows.Next() {
		var r ReorderPoint
		if err := rows.Scan(&r.SKU, &r.Name, &r.ReorderPoint); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LowItem is one line of the low-stock list.
type LowItem struct {
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	ProducerID   string `json:"producer_id"`
	Shelf        int64  `json:"shelf"`
	Backroom     int64  `json:"backroom"`
	Available    int64  `json:"available"`
	ReorderPoint int64  `json:"reorder_point"`
	Sold14d      int64  `json:"sold_14d"` // net of returns
	// SuggestedQty is what to order from the producer: enough to cover the
	// last 14 days' sales again on top of the reorder point, and never less
	// than what lifts the SKU back above it.
	SuggestedQty int64 `json:"suggested_qty"`
}

// LowStock lists the zone's SKUs at or below their reorder point, the
// furthest below first.
func (s *Service) LowStock(ctx context.Context, a Actor, zone string) ([]LowItem, error) {
	if err := checkZone(ctx, s.DB.R, a, zone, true); err != nil {
		return nil, err
	}
	since := formatTime(s.now().Add(-SalesWindow))
	rows, err := s.DB.R.QueryContext(ctx, `
		SELECT p.sku, p.name, p.producer_id, r.reorder_point,
			COALESCE((SELECT qty FROM stock WHERE sku = p.sku AND location = 'shelf'), 0),
			COALESCE((SELECT qty FROM stock WHERE sku = p.sku AND location = 'backroom'), 0),
			COALESCE((SELECT SUM(CASE kind WHEN 'sale' THEN qty ELSE -qty END) FROM stock_moves
				WHERE sku = p.sku AND kind IN ('sale', 'return') AND at >= ?), 0)
		FROM reorder_points r JOIN products p ON p.sku = r.sku
		WHERE p.state = ?`, since, zone)
	if err != nil {
		return nil, fmt.Errorf("low stock: %w", err)
	}
	defer rows.Close()
	out := []LowItem{}
	for rows.Next() {
		var it LowItem
		if err := rows.Scan(&it.SKU, &it.Name, &it.ProducerID, &it.ReorderPoint, &it.Shelf, &it.Backroom, &it.Sold14d); err != nil {
			return nil, err
		}
		it.Available = it.Shelf + it.Backroom
		if it.Available > it.ReorderPoint {
			continue
		}
		it.Sold14d = max(it.Sold14d, 0)
		it.SuggestedQty = it.ReorderPoint - it.Available + max(it.Sold14d, 1)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortLow(out)
	return out, nil
}

func sortLow(items []LowItem) {
	slices.SortFunc(items, func(a, b LowItem) int {
		return cmp.Or(cmp.Compare(a.Available-a.ReorderPoint, b.Available-b.ReorderPoint), cmp.Compare(a.SKU, b.SKU))
	})
}
