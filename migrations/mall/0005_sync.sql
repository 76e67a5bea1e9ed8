-- Sync with the hub: the applied position of the routed-events mirror
-- (transfers from other malls), the re-send generation (a re-send after a
-- hub gap publishes the same events under fresh message ids), the last
-- watermark report, and catalog changes waiting for their effective time
-- (same shape as the hub's catalog_pending).

-- +goose Up
ALTER TABLE sync_state ADD COLUMN routed_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN resend_gen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN hub_highest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN hub_report_at TEXT NOT NULL DEFAULT '';

CREATE TABLE catalog_pending (
    change_id    INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    effective_at TEXT NOT NULL,
    body         BLOB NOT NULL
);
CREATE INDEX catalog_pending_due ON catalog_pending (effective_at);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
