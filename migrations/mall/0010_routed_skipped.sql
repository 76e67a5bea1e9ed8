-- A transfer another mall routed here that could not be registered (most
-- often: it names a product this mall's catalog does not have yet). The
-- downlink rolls back what the attempt wrote, keeps the message here with
-- its reason for the zone manager, and tries it again whenever the catalog
-- changes; applied_at is set once it applies.

-- +goose Up
CREATE TABLE routed_skipped (
    seq         INTEGER PRIMARY KEY, -- the message's sequence in ROUTED
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    transfer_id TEXT NOT NULL DEFAULT '',
    from_mall   TEXT NOT NULL DEFAULT '',
    zone        TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    data        BLOB NOT NULL,
    skipped_at  TEXT NOT NULL,
    tries       INTEGER NOT NULL DEFAULT 1,
    last_try_at TEXT NOT NULL,
    applied_at  TEXT
);
CREATE INDEX routed_skipped_waiting ON routed_skipped (seq) WHERE applied_at IS NULL;
CREATE INDEX routed_skipped_by_zone ON routed_skipped (zone, seq);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
