-- One table of Idempotency-Keys for every mutating mall endpoint
-- (shared/idem). The point of sale kept its keys in idempotency_keys and
-- inventory in inventory_requests, with the same columns; their kinds never
-- overlapped ('sale', 'return' against 'receipt', 'restock', 'damage',
-- 'transfer', 'count'), so every existing row moves as it is and a mall
-- upgraded in place still replays the keys it handed out before. The kind
-- is no longer a fixed list: a new endpoint names its own kind without
-- rebuilding this table.

-- +goose Up
CREATE TABLE idempotency_keys_v2 (
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind <> ''),
    user_id    TEXT NOT NULL,
    body_hash  BLOB NOT NULL,
    doc_id     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

INSERT INTO idempotency_keys_v2 (key, kind, user_id, body_hash, doc_id, created_at)
SELECT key, kind, user_id, body_hash, doc_id, created_at FROM idempotency_keys;
INSERT INTO idempotency_keys_v2 (key, kind, user_id, body_hash, doc_id, created_at)
SELECT key, kind, user_id, body_hash, doc_id, created_at FROM inventory_requests;

DROP TABLE idempotency_keys;
DROP TABLE inventory_requests;
ALTER TABLE idempotency_keys_v2 RENAME TO idempotency_keys;

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
