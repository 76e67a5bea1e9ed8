-- Mall ↔ hub sync: each mall's leaf key, what the hub has received from
-- each mall (every event once, by mall + sequence), the per-mall watermark,
-- parked events, the catalog changes the hub sends down, and events routed
-- from one mall to another (transfers). Times are RFC 3339 UTC text.

-- +goose Up
-- The public nkey a mall's leaf connection authenticates with; the seed
-- never reaches the hub's disk.
CREATE TABLE mall_keys (
    mall_id    TEXT PRIMARY KEY REFERENCES malls (id),
    nkey       TEXT NOT NULL UNIQUE CHECK (nkey GLOB 'U*'),
    created_at TEXT NOT NULL
);

-- watermark: every sequence 1..watermark is in events_received (applied or
-- parked). highest > watermark means a gap the mall must fill by re-sending.
CREATE TABLE mall_sync (
    mall_id        TEXT PRIMARY KEY REFERENCES malls (id),
    watermark      INTEGER NOT NULL DEFAULT 0 CHECK (watermark >= 0),
    highest        INTEGER NOT NULL DEFAULT 0,
    events         INTEGER NOT NULL DEFAULT 0,
    parked         INTEGER NOT NULL DEFAULT 0,
    last_event_at  TEXT NOT NULL DEFAULT '',
    last_ingest_at TEXT NOT NULL DEFAULT '',
    CHECK (highest >= watermark)
);

-- Every event received, once. status: held (arrived after a gap, applied
-- when the gap fills), applied, parked (could not apply; see parked_events).
CREATE TABLE events_received (
    mall_id     TEXT NOT NULL REFERENCES malls (id),
    seq         INTEGER NOT NULL CHECK (seq > 0),
    event_id    TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('held', 'applied', 'parked')),
    envelope    BLOB NOT NULL,
    PRIMARY KEY (mall_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_received_by_type ON events_received (mall_id, type, occurred_at);

-- An event the hub could not apply, with the reason, for finance to see.
-- An event is parked once per event id (stream_seq 0); a message without
-- a readable id by its sequence in the hub's copy of the mall's stream.
CREATE TABLE parked_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    mall_id    TEXT NOT NULL,
    stream_seq INTEGER NOT NULL,
    seq        INTEGER,
    event_id   TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL DEFAULT '',
    code       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    payload    BLOB NOT NULL,
    parked_at  TEXT NOT NULL,
    UNIQUE (mall_id, stream_seq, event_id)
);
CREATE INDEX parked_events_by_mall ON parked_events (mall_id, id);

-- Catalog changes made at the hub, in order. id is the message's sequence
-- in CATALOG (see routed_events); published_seq records the publication.
CREATE TABLE catalog_changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    body          BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    published_seq INTEGER
);
CREATE INDEX catalog_changes_unpublished ON catalog_changes (id) WHERE published_seq IS NULL;

-- Catalog changes with a future effective time, applied when due. The mall
-- has the same table (migrations/mall/0005_sync.sql).
CREATE TABLE catalog_pending (
    change_id    INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    effective_at TEXT NOT NULL,
    body         BLOB NOT NULL
);
CREATE INDEX catalog_pending_due ON catalog_pending (effective_at);

-- Events one mall sends to another through the hub (transfer.sent), written
-- in the ingest transaction and published to ROUTED by a relay. id is the
-- message's sequence in ROUTED (published in id order, expecting id-1 as the
-- last sequence), so a wiped hub store is rebuilt with the same sequences
-- and the malls' mirrors neither skip nor repeat anything.
CREATE TABLE routed_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id      TEXT NOT NULL UNIQUE,
    from_mall     TEXT NOT NULL,
    to_mall       TEXT NOT NULL REFERENCES malls (id),
    type          TEXT NOT NULL,
    envelope      BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    published_seq INTEGER
);
CREATE INDEX routed_events_unpublished ON routed_events (id) WHERE published_seq IS NULL;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
