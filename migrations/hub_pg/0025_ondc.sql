-- +goose Up
-- The hub as an ONDC seller app (issue 22). ondc_keys is its signing key
-- (ed25519; the private key must be in the database for every hub node to
-- sign: guard the database as you guard the key). ondc_orders ties a
-- channel order to the ONDC transaction that confirmed it and remembers
-- the status last pushed to the buyer app (on_status), so a change is
-- pushed once, after a restart too.
CREATE TABLE ondc_keys (
    unique_key_id TEXT PRIMARY KEY,
    private_key   TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE ondc_orders (
    channel        TEXT NOT NULL,
    order_id       TEXT NOT NULL,
    bap_id         TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    domain         TEXT NOT NULL,
    city           TEXT NOT NULL,
    pushed         TEXT NOT NULL DEFAULT '',
    open           INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1)),
    PRIMARY KEY (channel, order_id),
    FOREIGN KEY (channel, order_id) REFERENCES channel_orders (channel, order_id)
);
CREATE INDEX ondc_orders_open ON ondc_orders (open);

-- +goose Down
DROP TABLE ondc_orders;
DROP TABLE ondc_keys;
