-- +goose Up
-- An online order's invoice is paid through the channel (issue 22): the
-- tender (and a refund of its return) has method 'channel', its ref the
-- channel's order id. SQLite cannot alter a CHECK: the two tables are
-- rebuilt with the wider one.
CREATE TABLE hub_sale_tenders_new (
    mall    TEXT NOT NULL,
    sale_id TEXT NOT NULL,
    idx     INTEGER NOT NULL,
    method  TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card', 'channel')),
    amount  INTEGER NOT NULL CHECK (amount >= 0),
    ref     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (mall, sale_id, idx)
);
INSERT INTO hub_sale_tenders_new (mall, sale_id, idx, method, amount, ref)
    SELECT mall, sale_id, idx, method, amount, ref FROM hub_sale_tenders;
DROP TABLE hub_sale_tenders;
ALTER TABLE hub_sale_tenders_new RENAME TO hub_sale_tenders;
CREATE INDEX hub_sale_tenders_by_ref ON hub_sale_tenders (ref) WHERE ref <> '';

CREATE TABLE hub_return_refunds_new (
    mall      TEXT NOT NULL,
    return_id TEXT NOT NULL,
    idx       INTEGER NOT NULL,
    method    TEXT NOT NULL CHECK (method IN ('cash', 'upi', 'card', 'channel')),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    ref       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (mall, return_id, idx)
);
INSERT INTO hub_return_refunds_new (mall, return_id, idx, method, amount, ref)
    SELECT mall, return_id, idx, method, amount, ref FROM hub_return_refunds;
DROP TABLE hub_return_refunds;
ALTER TABLE hub_return_refunds_new RENAME TO hub_return_refunds;

-- A channel's settlement files (issue 22): what it paid for which orders,
-- less its fee and the GST on the fee. Each row is reconciled to the
-- hub's sales of the order (tender method 'channel', reference = the
-- order id) when imported; matched, short and over rows are booked
-- (entry_id), unknown and duplicate rows are not.
CREATE TABLE channel_settlements (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL REFERENCES channels (id),
    sha256      TEXT NOT NULL UNIQUE,
    filename    TEXT NOT NULL,
    rows        BIGINT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE channel_settlement_rows (
    import_id TEXT NOT NULL REFERENCES channel_settlements (id),
    line      BIGINT NOT NULL,
    order_id  TEXT NOT NULL,
    gross     BIGINT NOT NULL,
    fee       BIGINT NOT NULL,
    fee_tax   BIGINT NOT NULL,
    net       BIGINT NOT NULL,
    utr       TEXT NOT NULL,
    expected  BIGINT NOT NULL,
    category  TEXT NOT NULL CHECK (category IN ('matched', 'short', 'over', 'unknown', 'duplicate')),
    entry_id  TEXT NOT NULL,
    PRIMARY KEY (import_id, line)
);
CREATE INDEX channel_settlement_rows_by_order ON channel_settlement_rows (order_id);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
