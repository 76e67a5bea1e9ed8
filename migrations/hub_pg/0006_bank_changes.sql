-- Maker-checker for producers' bank accounts. A change requested by one
-- person waits here until a second person approves it; only then is it
-- written to producer_bank_accounts, the account settlement pays into.
-- A pending change never reaches a payout file. Rows are kept (approved,
-- rejected or superseded) so finance can see who asked for and who allowed
-- every change.

-- (PostgreSQL twin of migrations/hub/0006_bank_changes.sql.)

-- +goose Up
CREATE TABLE producer_bank_changes (
    id           TEXT PRIMARY KEY,
    producer_id  TEXT NOT NULL REFERENCES producers (id),
    beneficiary  TEXT NOT NULL,
    account_no   TEXT NOT NULL,
    ifsc         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by   TEXT,
    decided_at   TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
-- At most one change per producer waits for approval.
CREATE UNIQUE INDEX producer_bank_changes_pending ON producer_bank_changes (producer_id) WHERE status = 'pending';
CREATE INDEX producer_bank_changes_by_time ON producer_bank_changes (requested_at);

-- +goose Down
DROP TABLE producer_bank_changes;
