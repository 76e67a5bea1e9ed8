-- (PostgreSQL twin of migrations/hub/0029_damage_settlement.sql: the same tables.)
-- Damaged consignment settled by whose loss it is (issue 20 item 5): each
-- damage write-off a mall reports, with who bears it (the hub's policy by
-- its cause: in-store damage the mall, damage on arrival the producer) and
-- what it is worth. Mall-borne damage owes the producer their share of the
-- value: a ledger entry (the mall's damage receivable to the producer's
-- account), paid by the next settlement run, which records it item by item
-- so it is paid once.

-- +goose Up
CREATE TABLE hub_damage (
    mall         TEXT NOT NULL,
    move_id      TEXT NOT NULL,
    ref          TEXT NOT NULL,             -- the write-off document (the moves' ref)
    sku          TEXT NOT NULL,
    producer_id  TEXT NOT NULL,
    zone         TEXT NOT NULL,
    qty          BIGINT NOT NULL CHECK (qty > 0),
    cause        TEXT NOT NULL CHECK (cause IN ('in_store', 'on_arrival')),
    borne_by     TEXT NOT NULL CHECK (borne_by IN ('mall', 'producer')),
    value        BIGINT NOT NULL CHECK (value >= 0),       -- taxable value at the MRP
    commission   BIGINT NOT NULL CHECK (commission >= 0),  -- the commission a sale would have carried
    producer_net BIGINT NOT NULL CHECK (producer_net >= 0),-- owed to the producer (0 when they bear it)
    note         TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL,
    ingested_at  TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    PRIMARY KEY (mall, move_id),
    CHECK (borne_by = 'mall' OR producer_net = 0)
);
CREATE INDEX hub_damage_by_producer ON hub_damage (producer_id, at);

CREATE TABLE settlement_damage_items (
    run_id      TEXT NOT NULL REFERENCES settlement_runs (id),
    producer_id TEXT NOT NULL,
    mall        TEXT NOT NULL,
    move_id     TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    PRIMARY KEY (mall, move_id)
);
CREATE INDEX settlement_damage_items_by_run ON settlement_damage_items (run_id, producer_id);

-- +goose Down
SELECT 1;
