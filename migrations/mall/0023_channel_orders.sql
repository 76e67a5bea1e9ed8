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
-- Who moved a part last (the zone manager), for the audit of each step.
ALTER TABLE channel_lines ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';

-- An online order's invoice is paid through the channel (tender method
-- 'channel', ref = the channel's order id), and its credit notes refund
-- through it: the tender tables gain the method.
CREATE TABLE sale_tenders_new (
    sale_id      TEXT NOT NULL REFERENCES sales (id),
    idx          INTEGER NOT NULL CHECK (idx > 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card', 'channel')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    ref          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_id, idx)
) WITHOUT ROWID;
INSERT INTO sale_tenders_new SELECT sale_id, idx, method, amount_paise, ref FROM sale_tenders;
DROP INDEX sale_tenders_by_ref;
DROP TABLE sale_tenders;
ALTER TABLE sale_tenders_new RENAME TO sale_tenders;
CREATE INDEX sale_tenders_by_ref ON sale_tenders (ref, method) WHERE ref <> '';

CREATE TABLE refunds_new (
    return_id    TEXT NOT NULL REFERENCES returns (id),
    idx          INTEGER NOT NULL CHECK (idx > 0),
    method       TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card', 'channel')),
    amount_paise INTEGER NOT NULL CHECK (amount_paise > 0),
    ref          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, idx)
) WITHOUT ROWID;
INSERT INTO refunds_new SELECT return_id, idx, method, amount_paise, ref FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_new RENAME TO refunds;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
