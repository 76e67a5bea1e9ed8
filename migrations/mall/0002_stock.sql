-- The stock ledger. Every change to stock is an immutable row in
-- stock_moves; stock holds the running balance per SKU and location, kept
-- in the same transaction, and inventory.Check proves it equals the sum of
-- the moves. Quantities are whole units.

-- +goose Up
CREATE TABLE stock_moves (
    id       TEXT PRIMARY KEY,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('receipt', 'sale', 'return', 'void', 'restock', 'transfer_out',
                                           'transfer_in', 'adjustment', 'damage')),
    sku      TEXT NOT NULL REFERENCES products (sku),
    zone     TEXT NOT NULL REFERENCES zones (code),
    qty      INTEGER NOT NULL CHECK (qty > 0),
    -- Locations are 'shelf', 'backroom', 'damaged' or 'transit'; NULL is
    -- outside the mall (a producer, a customer, a count's correction).
    from_loc TEXT CHECK (from_loc IN ('shelf', 'backroom', 'damaged', 'transit')),
    to_loc   TEXT CHECK (to_loc IN ('shelf', 'backroom', 'damaged', 'transit')),
    ref      TEXT NOT NULL DEFAULT '',
    user_id  TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    CHECK (from_loc IS NOT NULL OR to_loc IS NOT NULL),
    CHECK (from_loc IS NULL OR to_loc IS NULL OR from_loc <> to_loc)
);
CREATE INDEX stock_moves_by_sku ON stock_moves (sku, at);
CREATE INDEX stock_moves_by_zone ON stock_moves (zone, at);
CREATE TRIGGER stock_moves_append_only_u BEFORE UPDATE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END;
CREATE TRIGGER stock_moves_append_only_d BEFORE DELETE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END;

CREATE TABLE stock (
    sku      TEXT NOT NULL REFERENCES products (sku),
    location TEXT NOT NULL CHECK (location IN ('shelf', 'backroom', 'damaged', 'transit')),
    zone     TEXT NOT NULL REFERENCES zones (code),
    qty      INTEGER NOT NULL,
    PRIMARY KEY (sku, location)
) WITHOUT ROWID;
CREATE INDEX stock_by_zone ON stock (zone, sku);

CREATE TABLE reorder_points (
    sku           TEXT PRIMARY KEY REFERENCES products (sku),
    reorder_point INTEGER NOT NULL CHECK (reorder_point >= 0)
);

-- A sale that took stock the system did not show: the sale stands (the
-- item was in the customer's hand) and the zone manager resolves it.
CREATE TABLE stock_exceptions (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    sku         TEXT NOT NULL REFERENCES products (sku),
    zone        TEXT NOT NULL REFERENCES zones (code),
    shortfall   INTEGER NOT NULL CHECK (shortfall > 0),
    ref         TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE INDEX stock_exceptions_open ON stock_exceptions (zone) WHERE resolved_at IS NULL;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
