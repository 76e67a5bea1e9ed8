-- +goose Up
-- Issue 22, mall side: an allocated line is reserved at its mall, picked,
-- packed and handed to the courier (or cancelled, rejected by the mall
-- and re-allocated, returned); each step comes back as a channel.status
-- event. A line carries the reason of a cancellation or re-allocation, the
-- courier's AWB and the mall's invoice number.
CREATE TABLE channel_order_lines_new (
    channel    TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    line_no    BIGINT NOT NULL,
    part       BIGINT NOT NULL,
    sku        TEXT NOT NULL REFERENCES products (sku),
    qty        BIGINT NOT NULL CHECK (qty > 0),
    mall       TEXT NOT NULL,
    zone       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('allocated', 'unavailable', 'reserved', 'picked', 'packed', 'shipped',
                                               'cancelled', 'returned', 'reallocated')),
    reason     TEXT NOT NULL DEFAULT '',
    awb        TEXT NOT NULL DEFAULT '',
    invoice_no TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel, order_id, line_no, part),
    FOREIGN KEY (channel, order_id) REFERENCES channel_orders (channel, order_id)
);
INSERT INTO channel_order_lines_new (channel, order_id, line_no, part, sku, qty, mall, zone, status)
    SELECT channel, order_id, line_no, part, sku, qty, mall, zone, status FROM channel_order_lines;
DROP TABLE channel_order_lines;
ALTER TABLE channel_order_lines_new RENAME TO channel_order_lines;
CREATE INDEX channel_order_lines_held ON channel_order_lines (mall, sku, status);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
