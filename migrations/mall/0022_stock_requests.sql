-- A mall admin's approval of a damage write-off or a return to the
-- producer (issue 20 item 5): the zone manager's request waits here, and
-- no stock moves (nor syncs) until a mall admin approves it; the approval
-- makes the movement in the same transaction. Nothing is ever deleted:
-- a request ends approved or rejected, with who decided and when.

-- +goose Up
CREATE TABLE stock_requests (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('damage', 'producer_return')),
    zone         TEXT NOT NULL REFERENCES zones (code),
    body         TEXT NOT NULL,             -- the request as JSON: from, reason, producer, cause, lines
    reason       TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   TEXT REFERENCES users (id),
    decided_at   TEXT,
    note         TEXT NOT NULL DEFAULT '',  -- why it was rejected
    movement_id  TEXT,                      -- the stock moves' ref, once approved
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK ((status = 'approved') = (movement_id IS NOT NULL))
);
CREATE INDEX stock_requests_by_status ON stock_requests (status, zone, requested_at);

-- +goose Down
SELECT RAISE(ABORT, 'forward-only migrations');
