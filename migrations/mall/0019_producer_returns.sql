-- Consignment handed back to its producer (issue 20): a stock move of its
-- own kind, producer_return, out of the shelf, backroom or damaged stock.
-- stock_moves is rebuilt because its CHECK lists the kinds and SQLite
-- cannot alter a CHECK in place (the 12-step procedure, as in 0011_gst).

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE stock_moves_v2 (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('receipt', 'sale', 'return', 'void', 'restock', 'transfer_out',
                                           'transfer_in', 'adjustment', 'damage', 'producer_return')),
    sku      TEXT NOT NULL REFERENCES products (sku),
    zone     TEXT NOT NULL REFERENCES zones (code),
    qty      INTEGER NOT NULL CHECK (qty > 0),
    from_loc TEXT CHECK (from_loc IN ('shelf', 'backroom', 'damaged', 'transit')),
    to_loc   TEXT CHECK (to_loc IN ('shelf', 'backroom', 'damaged', 'transit')),
    ref      TEXT NOT NULL DEFAULT '',
    user_id  TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    CHECK (from_loc IS NOT NULL OR to_loc IS NOT NULL),
    CHECK (from_loc IS NULL OR to_loc IS NULL OR from_loc <> to_loc)
);
INSERT INTO stock_moves_v2 (rowid, id, at, kind, sku, zone, qty, from_loc, to_loc, ref, user_id, note)
SELECT rowid, id, at, kind, sku, zone, qty, from_loc, to_loc, ref, user_id, note FROM stock_moves;
DROP TABLE stock_moves;
ALTER TABLE stock_moves_v2 RENAME TO stock_moves;
CREATE INDEX stock_moves_by_sku ON stock_moves (sku, at);
CREATE INDEX stock_moves_by_zone ON stock_moves (zone, at);
CREATE INDEX stock_moves_by_ref ON stock_moves (ref) WHERE ref <> '';
CREATE INDEX stock_moves_by_kind ON stock_moves (kind, at);
CREATE TRIGGER stock_moves_append_only_u BEFORE UPDATE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END;
CREATE TRIGGER stock_moves_append_only_d BEFORE DELETE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END;
CREATE TRIGGER stock_moves_qty_bounded BEFORE INSERT ON stock_moves
WHEN typeof(NEW.qty) <> 'integer' OR NEW.qty > 1000000000
BEGIN SELECT RAISE(ABORT, 'stock move quantity out of range'); END;

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
