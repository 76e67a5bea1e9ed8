-- +goose Up
-- Online orders at the mall (issue 22): the hub allocates a channel order's
-- lines to malls and sends each mall its parts (channel.reserve). A part
-- the mall can honour is reserved here and holds its units: a counter
-- sale or a transfer cannot take them (available = shelf + backroom -
-- what reserved, picked and packed parts hold). A part it cannot honour is
-- recorded as rejected with the reason and reported back.
CREATE TABLE channel_orders (
    channel      TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    ship_name    TEXT NOT NULL,
    ship_address TEXT NOT NULL,
    ship_state   TEXT NOT NULL,
    ship_pincode TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (channel, order_id)
);

CREATE TABLE channel_lines (
    channel    TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    line_no    INTEGER NOT NULL,
    part       INTEGER NOT NULL,
    sku        TEXT NOT NULL,
    zone       TEXT NOT NULL,
    qty        INTEGER NOT NULL CHECK (qty > 0),
    status     TEXT NOT NULL CHECK (status IN ('reserved', 'rejected', 'picked', 'packed', 'shipped', 'cancelled', 'returned')),
    reason     TEXT NOT NULL DEFAULT '',
    awb        TEXT NOT NULL DEFAULT '',
    sale_id    TEXT REFERENCES sales (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, order_id, line_no, part),
    FOREIGN KEY (channel, order_id) REFERENCES channel_orders (channel, order_id)
);
CREATE INDEX channel_lines_held ON channel_lines (sku) WHERE status IN ('reserved', 'picked', 'packed');
CREATE INDEX channel_lines_zone ON channel_lines (zone, status);
-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
