package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"ektamall/shared/errs"
)

// Online orders (issue 22) reserve units at the mall: a reserved, picked
// or packed part of a channel order (table channel_lines) holds its units
// until it is handed to the courier or cancelled. What the counter, a
// transfer or a write-off may take is the shelf and backroom less what
// the orders hold.

type rowQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// Reserved is what open online orders hold of a SKU.
func Reserved(ctx context.Context, q rowQuerier, sku string) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(qty), 0) FROM channel_lines
		WHERE sku = ? AND status IN ('reserved', 'picked', 'packed')`, sku).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reserved %s: %w", sku, err)
	}
	return n, nil
}

// Unreserved is the shelf and backroom of a SKU less what open online
// orders hold (it may be negative when the count fell short meanwhile).
func Unreserved(ctx context.Context, q rowQuerier, sku string) (int64, error) {
	have, err := onHand(ctx, q, sku)
	if err != nil {
		return 0, err
	}
	held, err := Reserved(ctx, q, sku)
	return have - held, err
}

// onHand is the shelf and backroom of a SKU.
func onHand(ctx context.Context, q rowQuerier, sku string) (int64, error) {
	var have int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(qty), 0) FROM stock WHERE sku = ? AND location IN ('shelf', 'backroom')`, sku).Scan(&have)
	if err != nil {
		return 0, fmt.Errorf("stock of %s: %w", sku, err)
	}
	return have, nil
}

// GuardReserved refuses to take qty units of a SKU out of the shelf and
// backroom (to sell, transfer or write off) when that would take units an
// online order holds. Without reservations it refuses nothing: a counter
// sale is never refused for lack of recorded stock (see SellOut).
func GuardReserved(ctx context.Context, tx rowQuerier, sku string, qty int64, what string) error {
	held, err := Reserved(ctx, tx, sku)
	if err != nil || held == 0 {
		return err
	}
	have, err := onHand(ctx, tx, sku)
	if err != nil {
		return err
	}
	if free := have - held; qty > free {
		return errs.E(errs.Conflict, "%d of %s are held for online orders; %d can be %s now, not %d", held, sku, max(free, 0), what, qty)
	}
	return nil
}

// GuardReservedAll is GuardReserved for the lines of one sale (a SKU on
// several lines counts once, with their sum), in one statement when no
// line's SKU is reserved, the common case at a counter.
func GuardReservedAll(ctx context.Context, tx *sql.Tx, lines []Sold, what string) error {
	want := map[string]int64{}
	args := make([]any, 0, len(lines))
	for _, l := range lines {
		if _, ok := want[l.SKU]; !ok {
			args = append(args, l.SKU)
		}
		want[l.SKU] += l.Qty
	}
	if len(args) == 0 {
		return nil
	}
	marks := strings.Repeat(", ?", len(args))[2:]
	var held []string
	if err := eachRow(ctx, tx, `SELECT DISTINCT sku FROM channel_lines
		WHERE status IN ('reserved', 'picked', 'packed') AND sku IN (`+marks+`)`, args,
		func(r *sql.Rows) error {
			var s string
			if err := r.Scan(&s); err != nil {
				return err
			}
			held = append(held, s)
			return nil
		}); err != nil {
		return fmt.Errorf("reserved stock: %w", err)
	}
	for _, s := range held {
		if err := GuardReserved(ctx, tx, s, want[s], what); err != nil {
			return err
		}
	}
	return nil
}
