-- +goose Up
-- An online order's invoice is paid through the channel (issue 22): the
-- tender (and a refund of its return) has method 'channel', its ref the
-- channel's order id.
ALTER TABLE hub_sale_tenders DROP CONSTRAINT hub_sale_tenders_method_check;
ALTER TABLE hub_sale_tenders ADD CONSTRAINT hub_sale_tenders_method_check CHECK (method IN ('cash', 'upi', 'card', 'channel'));
ALTER TABLE hub_return_refunds DROP CONSTRAINT hub_return_refunds_method_check;
ALTER TABLE hub_return_refunds ADD CONSTRAINT hub_return_refunds_method_check CHECK (method IN ('cash', 'upi', 'card', 'channel'));

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
-- forward-only
