// Package inventory is a mall's stock ledger by state zone. Every unit of
// stock is explained by a movement: moves are immutable rows, the balance
// per SKU and location is updated in the same transaction, and Check
// proves that the balances equal the sum of the moves.
//
// Functions that change stock take the caller's *sql.Tx so a sale, a
// return or a goods received note commits its own rows, its stock moves
// and its outbox event together.
package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"ektamall/shared/errs"
	"ektamall/shared/events"
	"ektamall/shared/ids"
)

// Location is a place stock can be within a zone.
type Location string

const (
	Outside  Location = ""         // a producer, a customer, a count correction
	Shelf    Location = "shelf"    // on the shop floor
	Backroom Location = "backroom" // received, not yet on the floor
	Damaged  Location = "damaged"  // written off, awaiting disposal or return to producer
	Transit  Location = "transit"  // sent to another mall, not yet received there
)

// Kind says why stock moved.
type Kind string

const (
	KindReceipt     Kind = "receipt"
	KindSale        Kind = "sale"
	KindReturn      Kind = "return"
	KindVoid        Kind = "void"
	KindRestock     Kind = "restock"
	KindTransferOut Kind = "transfer_out"
	KindTransferIn  Kind = "transfer_in"
	KindAdjustment  Kind = "adjustment"
	KindDamage      Kind = "damage"
	// KindProducerReturn hands consignment back to its producer (unsold,
	// or damaged goods the producer takes back).
	KindProducerReturn Kind = "producer_return"
)

// Move is one movement of Qty units of SKU from one location to another.
type Move struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Kind   Kind      `json:"kind"`
	SKU    string    `json:"sku"`
	Zone   string    `json:"zone"`
	Qty    int64     `json:"qty"`
	From   Location  `json:"from,omitempty"`
	To     Location  `json:"to,omitempty"`
	Ref    string    `json:"ref,omitempty"`
	UserID string    `json:"user_id,omitempty"`
	Note   string    `json:"note,omitempty"`
	// Cause is a damage write-off's cause (in_store, on_arrival), sent
	// with its event so the hub settles it by whose loss it is; not kept
	// in stock_moves (its request keeps it, stock_requests).
	Cause string `json:"cause,omitempty"`
	Doc   *Doc   `json:"doc,omitempty"` // the document Ref names, in lists people read
}

func nullable(l Location) any {
	if l == Outside {
		return nil
	}
	return string(l)
}

// Apply records m and updates the balances inside tx. With emit it also
// writes a stock.moved outbox event; moves caused by a sale, return or void
// do not, because that event already carries the lines.
func Apply(ctx context.Context, tx *sql.Tx, mallID string, m Move, emit bool) (Move, error) {
	if m.Qty <= 0 || m.Qty > MaxStockQty {
		return Move{}, errs.Field("qty", "quantity must be a whole number from 1 to %d, not %d", MaxStockQty, m.Qty)
	}
	if m.From == m.To {
		return Move{}, errs.E(errs.Invalid, "a move needs different from and to locations")
	}
	if m.ID == "" {
		m.ID = ids.New()
	}
	if m.At.IsZero() {
		m.At = time.Now()
	}
	m.At = m.At.UTC()
	_, err := tx.ExecContext(ctx, `INSERT INTO stock_moves (id, at, kind, sku, zone, qty, from_loc, to_loc, ref, user_id, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.At.Format(time.RFC3339Nano), string(m.Kind), m.SKU, m.Zone, m.Qty, nullable(m.From), nullable(m.To), m.Ref, m.UserID, m.Note)
	if err != nil {
		return Move{}, fmt.Errorf("record stock move: %w", err)
	}
	if err := addBalance(ctx, tx, m.SKU, m.Zone, m.From, -m.Qty); err != nil {
		return Move{}, err
	}
	if err := addBalance(ctx, tx, m.SKU, m.Zone, m.To, m.Qty); err != nil {
		return Move{}, err
	}
	// Whatever the kind (a sale included), a move that takes the SKU to its
	// reorder point raises stock.low in this same transaction.
	if err := checkLow(ctx, tx, mallID, m); err != nil {
		return Move{}, err
	}
	if emit {
		_, err := events.Append(ctx, tx, mallID, events.StockMoved, m.At, events.StockMove{
			MoveID: m.ID, Kind: string(m.Kind), SKU: m.SKU, Zone: m.Zone, Qty: m.Qty,
			From: string(m.From), To: string(m.To), Ref: m.Ref, UserID: m.UserID, At: m.At, Note: m.Note, Cause: m.Cause,
		})
		if err != nil {
			return Move{}, err
		}
	}
	return m, nil
}

// addBalance adds delta (|delta| <= MaxStockQty) to a balance. The update
// is checked: a sum past ±MaxStockQty (or one SQLite would overflow into a
// REAL) updates nothing and is refused, so a balance is always an integer
// every later sale, count and read can use.
func addBalance(ctx context.Context, tx *sql.Tx, sku, zone string, loc Location, delta int64) error {
	if loc == Outside {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO stock (sku, location, zone, qty) VALUES (?, ?, ?, ?)
		ON CONFLICT (sku, location) DO UPDATE SET qty = qty + excluded.qty
		WHERE abs(qty + excluded.qty) <= ?`, sku, string(loc), zone, delta, MaxStockQty)
	if err != nil {
		return fmt.Errorf("update stock balance: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update stock balance: %w", err)
	} else if n == 0 {
		return errs.E(errs.Conflict, "%s at %s would pass %d units; count the zone and correct the balance first", sku, loc, MaxStockQty)
	}
	return nil
}

// Balance is the quantity of one SKU at one location.
func Balance(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, sku string, loc Location) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT qty FROM stock WHERE sku = ? AND location = ?), 0)`, sku, string(loc)).Scan(&n)
	return n, err
}

// SellOut takes qty units of a sold SKU off the zone's shelf first, then
// its backroom. A sale is never refused for lack of recorded stock: what
// the shelf and backroom cannot cover is still taken from the shelf (going
// negative) and raised as a stock exception for the zone manager.
func SellOut(ctx context.Context, tx *sql.Tx, mallID, sku, zone string, qty int64, ref, userID string, at time.Time) error {
	return SellOutAll(ctx, tx, mallID, []Sold{{SKU: sku, Zone: zone, Qty: qty}}, ref, userID, at)
}

// PutBack returns qty units of a SKU from a customer to a location
// (backroom for resaleable goods, damaged otherwise), for returns and voids.
func PutBack(ctx context.Context, tx *sql.Tx, mallID string, kind Kind, sku, zone string, qty int64, to Location, ref, userID string, at time.Time) error {
	if to != Backroom && to != Damaged && to != Shelf {
		return errs.Field("to", "returned goods go to the shelf, the backroom or damaged")
	}
	_, err := Apply(ctx, tx, mallID, Move{Kind: kind, SKU: sku, Zone: zone, Qty: qty, To: to, Ref: ref, UserID: userID, At: at}, false)
	return err
}

// Mismatch is a balance that does not equal the sum of its moves.
type Mismatch struct {
	SKU      string   `json:"sku"`
	Location Location `json:"location"`
	Balance  int64    `json:"balance"`
	Moves    int64    `json:"sum_of_moves"`
}

// Check proves that every balance equals the sum of the moves into and
// out of its location. An empty result means the ledger is consistent.
func Check(ctx context.Context, db *sql.DB) ([]Mismatch, error) {
	rows, err := db.QueryContext(ctx, `
		WITH flows AS (
			SELECT sku, to_loc AS loc, qty FROM stock_moves WHERE to_loc IS NOT NULL
			UNION ALL
			SELECT sku, from_loc, -qty FROM stock_moves WHERE from_loc IS NOT NULL
		), sums AS (SELECT sku, loc, SUM(qty) AS n FROM flows GROUP BY sku, loc)
		SELECT COALESCE(s.sku, f.sku), COALESCE(s.location, f.loc), COALESCE(s.qty, 0), COALESCE(f.n, 0)
		FROM stock s FULL OUTER JOIN sums f ON f.sku = s.sku AND f.loc = s.location
		WHERE COALESCE(s.qty, 0) <> COALESCE(f.n, 0)`)
	if err != nil {
		return nil, fmt.Errorf("check stock: %w", err)
	}
	defer rows.Close()
	out := []Mismatch{}
	for rows.Next() {
		var m Mismatch
		if err := rows.Scan(&m.SKU, &m.Location, &m.Balance, &m.Moves); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
