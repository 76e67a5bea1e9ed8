package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/ids"
)

// Sold is one line of a sale, taken out of stock by SellOutAll.
type Sold struct {
	SKU  string
	Zone string
	Qty  int64
}

// SellOutAll takes the lines of one sale out of stock exactly as SellOut
// on each line in turn would: shelf first, then backroom, a shortfall
// taken from the shelf and raised as a stock exception, stock.low where a
// move crosses the SKU's reorder point. It reads the balances and reorder
// points of all lines in two queries and writes all moves and balances in
// two statements, where a line at a time took five (issue 24: a quarter of
// a checkout's statements).
func SellOutAll(ctx context.Context, tx *sql.Tx, mallID string, lines []Sold, ref, userID string, at time.Time) error {
	if len(lines) == 0 {
		return nil
	}
	at = at.UTC()
	skus := make([]any, 0, len(lines))
	seen := map[string]bool{}
	for _, l := range lines {
		if l.Qty <= 0 || l.Qty > MaxStockQty {
			return errs.Field("qty", "quantity must be a whole number from 1 to %d, not %d", MaxStockQty, l.Qty)
		}
		if !seen[l.SKU] {
			seen[l.SKU] = true
			skus = append(skus, l.SKU)
		}
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(skus)), ",")
	type key struct {
		sku string
		loc Location
	}
	bal := map[key]int64{}
	if err := eachRow(ctx, tx, `SELECT sku, location, qty FROM stock WHERE location IN ('shelf', 'backroom') AND sku IN (`+in+`)`, skus,
		func(r *sql.Rows) error {
			var k key
			var n int64
			if err := r.Scan(&k.sku, &k.loc, &n); err != nil {
				return err
			}
			bal[k] = n
			return nil
		}); err != nil {
		return fmt.Errorf("stock balances: %w", err)
	}
	rps := map[string]int64{}
	if err := eachRow(ctx, tx, `SELECT sku, reorder_point FROM reorder_points WHERE sku IN (`+in+`)`, skus,
		func(r *sql.Rows) error {
			var sku string
			var rp int64
			if err := r.Scan(&sku, &rp); err != nil {
				return err
			}
			rps[sku] = rp
			return nil
		}); err != nil {
		return fmt.Errorf("reorder points: %w", err)
	}

	var moves []Move
	for _, l := range lines {
		shelf, back := bal[key{l.SKU, Shelf}], bal[key{l.SKU, Backroom}]
		fromShelf := min(l.Qty, max(shelf, 0))
		fromBack := min(l.Qty-fromShelf, max(back, 0))
		short := l.Qty - fromShelf - fromBack
		fromShelf += short
		for _, part := range []struct {
			loc Location
			n   int64
		}{{Shelf, fromShelf}, {Backroom, fromBack}} {
			if part.n == 0 {
				continue
			}
			k := key{l.SKU, part.loc}
			if after := bal[k] - part.n; after < -MaxStockQty {
				return errs.E(errs.Conflict, "%s at %s would pass %d units; count the zone and correct the balance first", l.SKU, part.loc, MaxStockQty)
			}
			m := Move{ID: ids.New(), Kind: KindSale, SKU: l.SKU, Zone: l.Zone, Qty: part.n, From: part.loc, Ref: ref, UserID: userID, At: at}
			before := bal[key{l.SKU, Shelf}] + bal[key{l.SKU, Backroom}]
			bal[k] -= part.n
			moves = append(moves, m)
			// As checkLow does after each move, from the balances kept here.
			if rp, ok := rps[l.SKU]; ok {
				if after := before - part.n; before > rp && after <= rp {
					if err := emitLow(ctx, tx, mallID, l.SKU, l.Zone, after, rp, m.ID, at); err != nil {
						return err
					}
				}
			}
		}
		if short > 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO stock_exceptions (id, at, sku, zone, shortfall, ref) VALUES (?, ?, ?, ?, ?, ?)`,
				ids.New(), at.Format(time.RFC3339Nano), l.SKU, l.Zone, short, ref)
			if err != nil {
				return fmt.Errorf("record stock exception: %w", err)
			}
		}
	}
	return insertSaleMoves(ctx, tx, moves)
}

// insertSaleMoves records moves out of stock, and takes them off their
// balances, in one statement each.
func insertSaleMoves(ctx context.Context, tx *sql.Tx, moves []Move) error {
	var mv, st strings.Builder
	margs := make([]any, 0, 10*len(moves))
	sargs := make([]any, 0, 4*len(moves)+1)
	mv.WriteString(`INSERT INTO stock_moves (id, at, kind, sku, zone, qty, from_loc, to_loc, ref, user_id, note) VALUES `)
	st.WriteString(`INSERT INTO stock (sku, location, zone, qty) VALUES `)
	for i, m := range moves {
		if i > 0 {
			mv.WriteString(",")
			st.WriteString(",")
		}
		mv.WriteString("(?,?,?,?,?,?,?,NULL,?,?,?)")
		st.WriteString("(?,?,?,?)")
		margs = append(margs, m.ID, m.At.Format(time.RFC3339Nano), string(m.Kind), m.SKU, m.Zone, m.Qty, string(m.From), m.Ref, m.UserID, m.Note)
		sargs = append(sargs, m.SKU, string(m.From), m.Zone, -m.Qty)
	}
	if _, err := tx.ExecContext(ctx, mv.String(), margs...); err != nil {
		return fmt.Errorf("record stock moves: %w", err)
	}
	// The same guard as addBalance's, though the bounds were checked above.
	st.WriteString(` ON CONFLICT (sku, location) DO UPDATE SET qty = qty + excluded.qty WHERE abs(qty + excluded.qty) <= ?`)
	sargs = append(sargs, MaxStockQty)
	res, err := tx.ExecContext(ctx, st.String(), sargs...)
	if err != nil {
		return fmt.Errorf("update stock balances: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update stock balances: %w", err)
	} else if n != int64(len(moves)) {
		return errs.E(errs.Conflict, "a stock balance would pass %d units; count the zone and correct the balance first", MaxStockQty)
	}
	return nil
}

// eachRow runs a query and calls fn on each row.
func eachRow(ctx context.Context, tx *sql.Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
