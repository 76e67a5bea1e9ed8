-- The stock moves of producers' goods as the malls reported them
-- (receipts, restocking, transfers, counts, damage write-offs, returns to
-- the producer), for the producer's view. The hub's stock picture is read
-- again from the events (its cursor reset) so the moves of the past are
-- filled in too.

-- +goose Up
CREATE TABLE producer_moves (
    mall     TEXT NOT NULL,
    move_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    sku      TEXT NOT NULL,
    zone     TEXT NOT NULL,
    qty      BIGINT NOT NULL,
    from_loc TEXT NOT NULL,
    to_loc   TEXT NOT NULL,
    ref      TEXT NOT NULL,
    note     TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (mall, move_id)
);
CREATE INDEX producer_moves_by_sku ON producer_moves (sku, at);
DELETE FROM hub_stock;
DELETE FROM hub_stock_cursor;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
