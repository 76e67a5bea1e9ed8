-- +goose Up
-- Online sales channels (issue 22): marketplaces and ONDC buyer apps that
-- read the catalog with live availability and place orders at the hub.
-- A channel's key is kept only as its SHA-256 (hex).
CREATE TABLE channels (
    id         TEXT PRIMARY KEY,
    key_sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- The safety buffer per zone: units of each SKU of that zone a mall keeps
-- back from the channels (a zone not listed uses the hub's default).
CREATE TABLE channel_buffers (
    zone TEXT PRIMARY KEY,
    qty  BIGINT NOT NULL CHECK (qty >= 0)
);

-- What the channels were last shown per SKU, and the feed version at which
-- it last changed: a channel's cursor is the highest version it has seen.
CREATE TABLE channel_feed (
    sku        TEXT PRIMARY KEY REFERENCES products (sku),
    available  BIGINT NOT NULL,
    mrp_paise  BIGINT NOT NULL,
    active     INTEGER NOT NULL,
    version    BIGINT NOT NULL
);
CREATE INDEX channel_feed_by_version ON channel_feed (version);

-- Orders as the channel placed them, idempotent by the channel's order id.
CREATE TABLE channel_orders (
    channel        TEXT NOT NULL REFERENCES channels (id),
    order_id       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('accepted', 'partial', 'refused')),
    request_sha256 TEXT NOT NULL,
    ship_name      TEXT NOT NULL,
    ship_address   TEXT NOT NULL,
    ship_state     TEXT NOT NULL REFERENCES states (code),
    ship_pincode   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (channel, order_id)
);

-- Each line's allocation: a part held for it at a mall (mall set,
-- status 'allocated'), or the part no mall could hold (mall '',
-- status 'unavailable').
CREATE TABLE channel_order_lines (
    channel  TEXT NOT NULL,
    order_id TEXT NOT NULL,
    line_no  BIGINT NOT NULL,
    part     BIGINT NOT NULL,
    sku      TEXT NOT NULL REFERENCES products (sku),
    qty      BIGINT NOT NULL CHECK (qty > 0),
    mall     TEXT NOT NULL,
    zone     TEXT NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('allocated', 'unavailable')),
    PRIMARY KEY (channel, order_id, line_no, part),
    FOREIGN KEY (channel, order_id) REFERENCES channel_orders (channel, order_id)
);
CREATE INDEX channel_order_lines_held ON channel_order_lines (mall, sku, status);

-- +goose Down
DROP TABLE channel_order_lines;
DROP TABLE channel_orders;
DROP TABLE channel_feed;
DROP TABLE channel_buffers;
DROP TABLE channels;
