package producer

import (
	"context"
	"fmt"
	"regexp"

	"ektamall/hub/ingest"
	"ektamall/hub/ledger"
	"ektamall/shared/events"
	"ektamall/shared/sqldb"
)

// The hub's picture of each mall's stock (hub_stock) is read from the
// events the malls send, in each mall's sequence order and only up to its
// watermark (every event before it is in), so it is the same however the
// events arrived. It is caught up before each read, in one transaction.
// It lives beside the books rather than in the ledger's applier: stock is
// not money, and a stock figure the hub cannot place must never park or
// hold back a sale.
//
// Stock moves (receipts, restocking, transfers, counts, damage) carry
// their locations. Sales, voids and returns carry only their lines; the
// hub takes a sale from the shelf first and then the backroom (the mall's
// own rule, inventory.SellOut, on the same balances), puts a void back on
// the shelf and a return into the backroom (the mall's default). So the
// total a mall holds of a SKU is exact; the split between shelf and
// backroom is the hub's reading after a void or a return to damaged.

const stockBatch = 2000 // events read per mall per catch-up

// tokenRE is a trace token as malls make them (pos/trace.go).
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20,64}$`)

// CatchUpStock brings the hub's stock picture up to every mall's
// watermark (the channel catalog reads it too).
func (s *Service) CatchUpStock(ctx context.Context) error { return s.catchUp(ctx) }

// catchUp reads every mall's new events into hub_stock and trace_tokens.
// It looks first, outside a write transaction, so a read with nothing new
// to catch up (the common case, and every public trace page) writes
// nothing.
func (s *Service) catchUp(ctx context.Context) error {
	for range maxCatchUps {
		var behind int
		if err := s.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM mall_sync m LEFT JOIN hub_stock_cursor c ON c.mall = m.mall_id
			WHERE m.watermark > COALESCE(c.seq, 0)`).Scan(&behind); err != nil {
			return fmt.Errorf("stock cursors: %w", err)
		}
		if behind == 0 {
			return nil
		}
		if err := s.db.Transact(ctx, func(tx sqldb.Tx) error { return s.catchUpBatch(ctx, tx) }); err != nil {
			return err
		}
	}
	return nil // the rest on the next read
}

// maxCatchUps bounds the batches one read catches up (a hub that was
// given years of events at once catches up over several reads).
const maxCatchUps = 50

// catchUpBatch reads up to stockBatch events of each mall that is behind.
func (s *Service) catchUpBatch(ctx context.Context, tx sqldb.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT m.mall_id, m.watermark, COALESCE(c.seq, 0) FROM mall_sync m
		LEFT JOIN hub_stock_cursor c ON c.mall = m.mall_id WHERE m.watermark > COALESCE(c.seq, 0)`)
	if err != nil {
		return fmt.Errorf("stock cursors: %w", err)
	}
	type todo struct {
		mall     string
		wm, from int64
	}
	var ts []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.mall, &t.wm, &t.from); err != nil {
			rows.Close()
			return err
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range ts {
		if err := s.catchUpMall(ctx, tx, t.mall, t.from, t.wm); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) catchUpMall(ctx context.Context, tx sqldb.Tx, mall string, from, wm int64) error {
	to := min(wm, from+stockBatch)
	evs, err := ingest.Applied(ctx, tx, mall, from, to, events.StockMoved, events.SaleCompleted, events.SaleVoided, events.ReturnCompleted)
	if err != nil {
		return fmt.Errorf("stock events: %w", err)
	}
	for _, ev := range evs {
		if err := s.applyStock(ctx, tx, mall, ev); err != nil {
			return fmt.Errorf("stock from %s/%d: %w", mall, ev.Seq, err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO hub_stock_cursor (mall, seq) VALUES (?, ?)
		ON CONFLICT (mall) DO UPDATE SET seq = excluded.seq`, mall, to)
	return err
}

// applyStock moves what one event says (as ingest decoded it: an event
// that no longer decodes was left out).
func (s *Service) applyStock(ctx context.Context, tx sqldb.Tx, mall string, ev events.Event) error {
	switch p := ev.Payload.(type) {
	case *events.StockMove:
		if p.Qty <= 0 {
			return nil
		}
		if err := addStock(ctx, tx, mall, p.SKU, p.Zone, p.From, -p.Qty); err != nil {
			return err
		}
		if err := addStock(ctx, tx, mall, p.SKU, p.Zone, p.To, p.Qty); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO producer_moves (mall, move_id, kind, sku, zone, qty, from_loc, to_loc, ref, note, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			mall, p.MoveID, p.Kind, p.SKU, p.Zone, p.Qty, p.From, p.To, p.Ref, p.Note, ledger.TS(p.At))
		return err
	case *events.Sale:
		for _, l := range p.Lines {
			if err := sellOut(ctx, tx, mall, l.SKU, l.State, l.Qty); err != nil {
				return err
			}
		}
		if tokenRE.MatchString(p.TraceToken) {
			_, err := tx.ExecContext(ctx, `INSERT INTO trace_tokens (token, mall, sale_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				p.TraceToken, mall, p.SaleID)
			return err
		}
	case *events.Void:
		_, err := tx.ExecContext(ctx, `INSERT INTO hub_stock (mall, sku, zone, location, qty)
			SELECT mall, sku, state, 'shelf', SUM(qty) FROM hub_sale_lines WHERE mall = ? AND sale_id = ? GROUP BY mall, sku, state
			ON CONFLICT (mall, sku, zone, location) DO UPDATE SET qty = hub_stock.qty + excluded.qty`, mall, p.SaleID)
		return err
	case *events.Return:
		for _, l := range p.Lines {
			if err := addStock(ctx, tx, mall, l.SKU, l.State, "backroom", l.Qty); err != nil {
				return err
			}
		}
	}
	return nil
}

// sellOut takes qty from the shelf, then the backroom; what they cannot
// cover is taken from the shelf (as the mall does, going negative).
func sellOut(ctx context.Context, tx sqldb.Tx, mall, sku, zone string, qty int64) error {
	var shelf, back int64
	if err := tx.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN location = 'shelf' THEN qty END), 0), COALESCE(SUM(CASE WHEN location = 'backroom' THEN qty END), 0)
		FROM hub_stock WHERE mall = ? AND sku = ? AND zone = ?`, mall, sku, zone).Scan(&shelf, &back); err != nil {
		return err
	}
	fromShelf := min(qty, max(shelf, 0))
	fromBack := min(qty-fromShelf, max(back, 0))
	fromShelf = qty - fromBack
	if err := addStock(ctx, tx, mall, sku, zone, "shelf", -fromShelf); err != nil {
		return err
	}
	return addStock(ctx, tx, mall, sku, zone, "backroom", -fromBack)
}

func addStock(ctx context.Context, tx sqldb.Tx, mall, sku, zone, loc string, delta int64) error {
	if loc == "" || delta == 0 || sku == "" {
		return nil // outside the mall: a producer, a customer, a count correction
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO hub_stock (mall, sku, zone, location, qty) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (mall, sku, zone, location) DO UPDATE SET qty = hub_stock.qty + excluded.qty`, mall, sku, zone, loc, delta)
	return err
}
