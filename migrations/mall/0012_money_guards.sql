-- Guards on money and stock that the code already keeps, so that no path
-- (a future one included) can break them.
--
-- A stock balance is always an integer within ±1,000,000,000 units
-- (inventory.MaxStockQty): SQLite turns an overflowing integer sum into a
-- REAL, and a REAL balance made every later sale, count and stock read of
-- the SKU fail. Moves are bounded the same way.
--
-- The till looks up UPI and card references already used today (a
-- reference on two sales is refused for UPI and warned for card).

-- +goose Up
CREATE TRIGGER stock_qty_bounded_insert BEFORE INSERT ON stock
WHEN typeof(NEW.qty) <> 'integer' OR NEW.qty > 1000000000 OR NEW.qty < -1000000000
BEGIN SELECT RAISE(ABORT, 'stock quantity out of range'); END;
CREATE TRIGGER stock_qty_bounded_update BEFORE UPDATE OF qty ON stock
WHEN typeof(NEW.qty) <> 'integer' OR NEW.qty > 1000000000 OR NEW.qty < -1000000000
BEGIN SELECT RAISE(ABORT, 'stock quantity out of range'); END;
CREATE TRIGGER stock_moves_qty_bounded BEFORE INSERT ON stock_moves
WHEN typeof(NEW.qty) <> 'integer' OR NEW.qty > 1000000000
BEGIN SELECT RAISE(ABORT, 'stock move quantity out of range'); END;

CREATE INDEX sale_tenders_by_ref ON sale_tenders (ref, method) WHERE ref <> '';

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
