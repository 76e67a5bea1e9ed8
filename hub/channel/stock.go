package channel

import (
	"context"

	"ektamall/shared/sqldb"
)

// holding is what one mall can give the channels of one SKU in one zone.
type holding struct {
	mall, state, zone string
	qty               int64
}

// availability is, per SKU, what each mall can give the channels: its
// shelf and backroom as the hub knows them, less what orders already hold
// there, less the zone's safety buffer (never below zero).
func availability(ctx context.Context, q sqldb.Querier, sku string) (map[string][]holding, error) {
	buf, err := buffers(ctx, q)
	if err != nil {
		return nil, err
	}
	held, err := heldQty(ctx, q, sku)
	if err != nil {
		return nil, err
	}
	query := `SELECT s.mall, m.state, s.sku, s.zone, SUM(s.qty) FROM hub_stock s JOIN malls m ON m.id = s.mall
		WHERE s.location IN ('shelf', 'backroom')`
	var args []any
	if sku != "" {
		query += ` AND s.sku = ?`
		args = append(args, sku)
	}
	rows, err := q.QueryContext(ctx, query+` GROUP BY s.mall, m.state, s.sku, s.zone`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]holding{}
	for rows.Next() {
		var h holding
		var s string
		if err := rows.Scan(&h.mall, &h.state, &s, &h.zone, &h.qty); err != nil {
			return nil, err
		}
		b, ok := buf[h.zone]
		if !ok {
			b = DefaultBuffer
		}
		h.qty -= held[heldKey{h.mall, s, h.zone}] + b
		if h.qty > 0 {
			out[s] = append(out[s], h)
		}
	}
	return out, rows.Err()
}

type heldKey struct{ mall, sku, zone string }

// heldQty is what open orders hold per mall, SKU and zone.
func heldQty(ctx context.Context, q sqldb.Querier, sku string) (map[heldKey]int64, error) {
	query := `SELECT mall, sku, zone, SUM(qty) FROM channel_order_lines WHERE status IN ` + heldStatuses
	var args []any
	if sku != "" {
		query += ` AND sku = ?`
		args = append(args, sku)
	}
	rows, err := q.QueryContext(ctx, query+` GROUP BY mall, sku, zone`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[heldKey]int64{}
	for rows.Next() {
		var k heldKey
		var n int64
		if err := rows.Scan(&k.mall, &k.sku, &k.zone, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

func buffers(ctx context.Context, q sqldb.Querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT zone, qty FROM channel_buffers`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var z string
		var n int64
		if err := rows.Scan(&z, &n); err != nil {
			return nil, err
		}
		out[z] = n
	}
	return out, rows.Err()
}

func total(hs []holding) int64 {
	var n int64
	for _, h := range hs {
		n += h.qty
	}
	return n
}
